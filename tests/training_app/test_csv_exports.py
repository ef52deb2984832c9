"""Every CSV the product writes goes through training_app/csv_writer.py, which puts a quote
before a cell a spreadsheet would run as a formula: here `academy report agents --format csv`
on an agent and a team named by an imported file. tests/e2e/test_text_shown_as_text.py opens
the page downloads (the staff list, an agent's contacts) in a real browser."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from metrics.contacts.imports import import_file
from metrics.people import Viewer
from metrics.store import Database
from training_app.cli import main

FORMULA = '=HYPERLINK("http://evil.example/x","open")'
TEAM = "+cmd|' /C calc'!A0"
TRAINING_APP = Path(__file__).resolve().parents[2] / "training_app"


def test_the_agent_report_csv_quotes_a_formula_from_an_imported_name(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "contacts.csv"
    with file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["interaction_id", "channel", "agent_name", "team", "queued_at", "answered_at"]
        )
        writer.writerow(
            ["F-1", "phone", FORMULA, TEAM, "2026-11-02 10:00:00", "2026-11-02 10:00:20"]
        )
        writer.writerow(
            ["F-2", "chat", "@SUM(A1)", TEAM, "2026-11-02 11:00:00", "2026-11-02 11:00:30"]
        )
    loaded = import_file(db, file, Viewer.local_admin(), "Europe/Zagreb", format="generic")
    assert loaded.loaded == 2

    args = ["report", "agents", "--from", "2026-11-02", "--to", "2026-11-02", "--format", "csv"]
    assert main([*args, "--db", str(tmp_path / "academy.duckdb")]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(row["name"], row["team"]) for row in rows} == {
        ("'" + FORMULA, "'" + TEAM),
        ("'@SUM(A1)", "'" + TEAM),
    }


def test_no_csv_is_written_but_by_the_one_writer() -> None:
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    found = [
        str(file.relative_to(TRAINING_APP.parent))
        for package in ("training_app", "metrics", "modules")
        for file in (TRAINING_APP.parent / package).rglob("*.py")
        if writers.search(file.read_text(encoding="utf-8"))
    ]
    assert found == ["training_app/csv_writer.py"]
