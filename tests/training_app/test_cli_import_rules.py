"""`academy import`'s own rules beside its JSON shape (tests/training_app/test_cli_import.py):
the zone of times without an offset (`--timezone`), and files it refuses in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics.store import open_database
from training_app.cli import main

HEADER = "interaction_id,channel,agent_name,team,queued_at,answered_at,csat"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def queued_at(store: Path) -> list[tuple[str, str]]:
    db = open_database(store)
    try:
        rows = db.execute(
            "SELECT external_id, strftime(queued_at, '%Y-%m-%d %H:%M') FROM interactions ORDER BY 1"
        ).fetchall()
    finally:
        db.close()
    return [(str(key), str(value)) for key, value in rows]


def test_times_without_an_offset_are_read_in_the_zone_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "spring.csv"
    path.write_text(
        f"{HEADER}\nT1,phone,Ana,,2024-03-31 02:30,2024-03-31 02:31,\n", encoding="utf-8"
    )
    store = tmp_path / "a.duckdb"
    # In the policy's zone (Europe/Zagreb) 02:30 that night did not exist...
    status, out, err = run(capsys, "import", str(path), "--db", str(store))
    assert (status, err) == (
        0,
        f"academy: {path}:2: answered_at: rejected: 02:31 does not exist in Europe/Zagreb on"
        " 2024-03-31: clocks went forward (value '2024-03-31 02:31')\n"
        f"academy: {path}:2: queued_at: rejected: 02:30 does not exist in Europe/Zagreb on"
        " 2024-03-31: clocks went forward (value '2024-03-31 02:30')\n"
        f"academy: created a new store at {store}\n",
    )
    assert (json.loads(out)["loaded"], json.loads(out)["rejected"]) == (0, 1)
    # ...in UTC it did; and another zone moves the instant by its offset.
    status, out, _ = run(capsys, "import", str(path), "--db", str(store), "--timezone", "UTC")
    assert (status, json.loads(out)["loaded"]) == (0, 1)
    assert queued_at(store) == [("T1", "2024-03-31 02:30")]
    other = tmp_path / "b.duckdb"
    run(capsys, "import", str(path), "--db", str(other), "--timezone", "America/New_York")
    assert queued_at(other) == [("T1", "2024-03-31 06:30")]


def test_an_unknown_time_zone_is_one_line_and_nothing_is_stored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"{HEADER}\nT1,phone,Ana,,2026-03-02 09:00,,\n", encoding="utf-8")
    store = tmp_path / "c.duckdb"
    status, out, err = run(
        capsys, "import", str(path), "--db", str(store), "--timezone", "Europe/Zagrebb"
    )
    assert (status, out) == (1, "")
    assert err == (
        "academy: import: --timezone: unknown time zone 'Europe/Zagrebb': name one from the"
        " IANA time zone database, such as Europe/Zagreb or UTC\n"
    )
    assert queued_at(store) == []


def test_a_file_with_only_a_header_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    store = tmp_path / "h.duckdb"
    status, out, err = run(capsys, "import", str(path), "--db", str(store))
    assert (status, out) == (1, "")
    assert err == "academy: import: header.csv: only a header: the file has no rows\n"
    db = open_database(store)
    try:
        assert db.execute("SELECT count(*) FROM import_batches").fetchone() == (0,)
    finally:
        db.close()
