"""The one place that opens DuckDB: where the file is, how it is opened, migrated and written.

One root connection per process; every query runs on a fresh `cursor()` of it, because two
sessions sharing one connection fail with `ResourceInUseException`.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from metrics.store_path import (  # re-exported: the names every caller imports from here
    DB_ENV_VAR,
    DEFAULT_DB_PATH,  # noqa: F401
    PROJECT_ROOT,  # noqa: F401
    database_path,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

Database = duckdb.DuckDBPyConnection


class DatabaseLockedError(RuntimeError):
    """Another process holds the database file; the message says which file and what to do."""


class StoreNotFound(FileNotFoundError):
    """The store file does not exist and the caller asked not to create it."""

    def __init__(self, file: Path) -> None:
        super().__init__(f"{file}: no such store")
        self.file = file


class StoreUnusable(RuntimeError):
    """The path cannot be opened as a store (a folder, another kind of file, no permission);
    the message is one line naming the file."""


def open_database(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Database:
    """Open and migrate the database, creating it (and its folder) unless `create` is False;
    the process's root connection."""
    file = database_path(path)
    if not create and not file.exists():
        raise StoreNotFound(file)
    if file.is_dir():
        raise StoreUnusable(f"{file} is a folder, not a store file: name a .duckdb file with --db")
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = duckdb.connect(str(file))
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            holder = re.search(r"PID (\d+)", str(exc))
            by = f" (process {holder.group(1)})" if holder else ""
            raise DatabaseLockedError(
                f"{file} is in use by another process{by}, most likely the running Service "
                f"Academy app. Stop that process first, or point this command at another file "
                f"with --db PATH or {DB_ENV_VAR}."
            ) from None
        if failure_kind(exc) is not None:
            raise  # a full disk is told as such by whoever reports it
        raise StoreUnusable(
            f"{file} cannot be opened as a store ({_first_line(exc)}): name a Service Academy "
            f".duckdb file with --db, or a new path to create one"
        ) from None
    db.execute("SET TimeZone = 'UTC'")
    migrate(db)
    return db


FailureKind = Literal["disk_full", "out_of_memory"]


def failure_kind(exc: BaseException) -> FailureKind | None:
    """What went wrong under a failed store operation, when it is something a person can act on:
    the disk is full, or DuckDB ran out of the memory it may use. Looks through the chain of
    causes, because the callers that wrap a DuckDB error in their own keep it as the context."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current)
        if (isinstance(current, OSError) and current.errno == errno.ENOSPC) or (
            isinstance(current, duckdb.Error) and "No space left on device" in text
        ):
            return "disk_full"
        if isinstance(current, duckdb.OutOfMemoryException) or (
            isinstance(current, duckdb.Error) and "Out of Memory Error" in text
        ):
            return "out_of_memory"
        current = current.__cause__ or current.__context__
    return None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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
    """The numbered migrations, in order. Files are append-only: never edit a released one.

    Numbers run 1, 2, 3, ... with no gap and no repeat: a store's `schema_migrations` then says
    exactly which schema it has."""
    found = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        number, _, name = file.stem.partition("_")
        found.append(Migration(int(number), name, file.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration numbers must run 1, 2, 3, ... without a gap: {versions}")
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
