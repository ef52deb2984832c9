"""Where the store is: the database file in use and the files the app and the command line keep
beside it. No DuckDB here, so that the command line can find its store (and a running app) before
it loads anything heavy; `metrics.store` re-exports these names."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "academy.duckdb"
DB_ENV_VAR = "ACADEMY_DB"


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database in use: an explicit path, else $ACADEMY_DB, else data/academy.duckdb."""
    chosen = explicit or os.environ.get(DB_ENV_VAR)
    return Path(chosen) if chosen else DEFAULT_DB_PATH


def beside_store(store: Path, suffix: str) -> Path:
    """A file kept next to the store, named after it: `academy.duckdb` + `.app.json`."""
    return store.with_name(store.name + suffix)
