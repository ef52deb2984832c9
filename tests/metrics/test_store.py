from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from metrics.store import (
    DB_ENV_VAR,
    DEFAULT_DB_PATH,
    DatabaseLockedError,
    database_path,
    open_database,
    transaction,
)


def test_database_path_prefers_the_option_then_the_environment_then_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "env.duckdb"))
    assert database_path(tmp_path / "opt.duckdb") == tmp_path / "opt.duckdb"
    assert database_path() == tmp_path / "env.duckdb"
    monkeypatch.delenv(DB_ENV_VAR)
    assert database_path() == DEFAULT_DB_PATH
    assert DEFAULT_DB_PATH.parts[-2:] == ("data", "academy.duckdb")


def test_a_failed_transaction_leaves_the_store_as_it_was(db: duckdb.DuckDBPyConnection) -> None:
    with transaction(db) as cur:
        cur.execute("INSERT INTO teams (name) VALUES ('Front line')")
    with pytest.raises(duckdb.ConstraintException), transaction(db) as cur:
        cur.execute("INSERT INTO teams (name) VALUES ('Billing')")
        cur.execute("INSERT INTO teams (name) VALUES ('Front line')")  # duplicate name
    assert db.execute("SELECT name FROM teams").fetchall() == [("Front line",)]


def test_timestamps_come_back_in_utc(db: duckdb.DuckDBPyConnection) -> None:
    (moment,) = db.execute("SELECT TIMESTAMPTZ '2026-03-01 09:00:00+01:00'").fetchone()
    assert moment.isoformat() == "2026-03-01T08:00:00+00:00"


LOCK_HOLDER = """
import sys, time
from metrics.store import open_database
db = open_database(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


def test_a_second_process_gets_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(DatabaseLockedError) as caught:
            open_database(path)
        assert str(path) in str(caught.value) and "--db" in str(caught.value)

        cli = subprocess.run(
            [sys.executable, "-m", "training_app.cli", "users", "list", "--db", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cli.returncode == 2
        assert "Traceback" not in cli.stderr
        [line] = cli.stderr.strip().splitlines()
        assert line.startswith(f"academy: {path} is in use by another process (process ")
        assert "Stop that process first, or point this command at another file with --db" in line
    finally:
        holder.kill()
        holder.wait()
