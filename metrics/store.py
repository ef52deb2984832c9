"""The one place that opens DuckDB: where the file is, how it is opened, migrated and written.

One root connection per process; every query runs on a fresh `cursor()` of it, because two
sessions sharing one connection fail with `ResourceInUseException`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "academy.duckdb"
DB_ENV_VAR = "ACADEMY_DB"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

Database = duckdb.DuckDBPyConnection


class DatabaseLockedError(RuntimeError):
    """Another process holds the database file; the message says which file and what to do."""


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database in use: an explicit path, else $ACADEMY_DB, else data/academy.duckdb."""
    chosen = explicit or os.environ.get(DB_ENV_VAR)
    return Path(chosen) if chosen else DEFAULT_DB_PATH


def open_database(path: str | os.PathLike[str] | None = None) -> Database:
    """Open (creating if needed) and migrate the database; the process's root connection."""
    file = database_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = duckdb.connect(str(file))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        holder = re.search(r"PID (\d+)", str(exc))
        by = f" (process {holder.group(1)})" if holder else ""
        raise DatabaseLockedError(
            f"{file} is in use by another process{by}, most likely the running Service Academy "
            f"app. Stop that process first, or point this command at another file with --db PATH "
            f"or {DB_ENV_VAR}."
        ) from None
    db.execute("SET TimeZone = 'UTC'")
    migrate(db)
    return db


@contextmanager
def transaction(db: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one transaction: committed on success, rolled back on any error."""
    with db.cursor() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The numbered migrations, in order. Files are append-only: never edit a released one."""
    found = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        number, _, name = file.stem.partition("_")
        found.append(Migration(int(number), name, file.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1, 2, 3, ... without gaps: {versions}")
    return found


def migrate(db: Database) -> list[int]:
    """Apply every migration not yet applied, each in its own transaction; return those applied."""
    with db.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
        )
        rows = cur.execute("SELECT version FROM schema_migrations").fetchall()
    applied = {version for (version,) in rows}
    newly_applied = []
    for migration in migrations():
        if migration.version in applied:
            continue
        with transaction(db) as cur:
            cur.execute(migration.sql)
            cur.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
        newly_applied.append(migration.version)
    return newly_applied


def table_columns(db: Database) -> dict[str, list[str]]:
    """Every table of the store and its columns in order (what the migration test pins)."""
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns
