"""`academy import FILE --format complaints` on the file of tests/metrics/complaints/test_imports.py
(a bad row of every kind), under the store's policy in force (the shipped one), then the same
file again, which changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics.store import open_database
from tests.metrics.complaints.test_imports import FILE, add_roster, write
from training_app.cli import main

KEYS = ["file", "format", "rows_read", "loaded", "rejected", "duplicates", "new_agents"]
KEYS += ["batch_id", "updated", "warnings"]  # as `academy import` prints for contacts
# Under the shipped policy an owner may grant any amount: the 600 of account credit Olga (an
# owner) approved in row 16, refused under the metrics test's policy, loads here.
OWNER_APPROVED_ROW = 16


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def complaints(path: Path) -> list[tuple]:
    db = open_database(path)
    try:
        return db.execute(
            "SELECT * EXCLUDE (recorded_at, updated_at) FROM complaints ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def test_bad_rows_of_every_kind_then_a_reimport_that_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    db = open_database(store)
    add_roster(db)
    db.close()
    register = write(tmp_path, [line for _, line, _ in FILE])
    rejected = {number for number, _, problems in FILE if problems} - {OWNER_APPROVED_ROW}

    status, out, err = run(
        capsys, "import", str(register), "--format", "complaints", "--db", str(store)
    )
    assert status == 0
    # Every problem is one line on stderr naming the file, the row and the field, in file order.
    expected = [
        (number, f"academy: {register}:{number}: {field}: rejected: {reason}", value)
        for number, _, problems in FILE
        if number in rejected
        for field, value, reason in problems
    ]
    lines = err.splitlines()
    assert len(lines) == len(expected)
    assert [int(line.split(":")[2]) for line in lines] == [number for number, _, _ in expected]
    for _, start, value in expected:
        [line] = [line for line in lines if line.startswith(start)]
        assert value is None or line.endswith(f"(value {value!r})")
    answer = json.loads(out)
    assert list(answer) == KEYS
    assert len(rejected) == 23
    assert answer == {
        "file": str(register),
        "format": "complaints",
        "rows_read": 29,
        "loaded": 5,  # rows 2-5 and 16
        "rejected": len(rejected),
        "duplicates": 1,  # row 27 repeats row 2
        "new_agents": [],
        "batch_id": 1,
        "updated": 0,
        "warnings": 0,
    }
    first = complaints(store)
    assert [row[2] for row in first] == ["C1", "C2", "C3", "C4", "C15"]

    status, out, again = run(
        capsys, "import", str(register), "--format", "complaints", "--db", str(store)
    )
    assert (status, again) == (0, err)
    assert json.loads(out) | {"batch_id": None} == {
        **answer,
        "loaded": 0,
        "duplicates": 6,
        "batch_id": None,
    }
    assert complaints(store) == first
