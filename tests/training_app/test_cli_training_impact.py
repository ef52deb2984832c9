"""`academy report training-impact --module ID [--weeks N] [--format json] [--db PATH]`: the
issue's JSON exactly, a text table otherwise, one line for what it refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from metrics.clock import CLOCK_VARIABLE
from metrics.coaching.impact import training_impact
from metrics.people import Viewer
from metrics.store import open_database
from modules.policy import load_policy
from training_app.cli import main

# A fortnight after the small demo's last day (2026-11-20): every pass of its four weeks has
# had its week after.
NOW = "2026-12-04T12:00:00+00:00"
CONCLUSIONS = {"improved", "worse", "within the noise", "too few agents"}
METRIC_KEYS = [
    "metric",
    "trained_before",
    "trained_after",
    "comparison_before",
    "comparison_after",
    "difference",
    "interval",
    "conclusion",
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLOCK_VARIABLE, NOW)


def report(path: Path, *options: str) -> list[str]:
    return ["report", "training-impact", *options, "--db", str(path)]


def test_the_json_has_exactly_the_issue_s_keys(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = report(demo_db_path, "--module", "handling-complaints", "--weeks", "1")
    assert main([*argv, "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert list(answer) == ["module", "weeks", "trained_agents", "comparison_agents", "metrics"]
    assert (answer["module"], answer["weeks"]) == ("handling-complaints", 1)
    assert [m["metric"] for m in answer["metrics"]] == [
        "service_level",
        "resolution_rate",
        "csat",
        "follow_up_compliance",
    ]
    for metric in answer["metrics"]:
        assert list(metric) == METRIC_KEYS
        assert metric["conclusion"] in CONCLUSIONS
        assert len(metric["interval"]) == 2
    # What the command prints is what the metrics function answers for the store.
    db = open_database(demo_db_path)
    try:
        expected = training_impact(
            db,
            Viewer.local_admin(),
            load_policy().policy,
            module="handling-complaints",
            weeks=1,
            as_of=datetime.fromisoformat(NOW).astimezone(UTC),
        ).answer()
    finally:
        db.close()
    assert answer == json.loads(json.dumps(expected))
    assert answer["trained_agents"] > 0


def test_without_json_it_prints_a_table(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(report(demo_db_path, "--module", "handling-complaints", "--weeks", "1")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Training impact of handling-complaints: 1 week before and after")
    for label in ("Service level", "Resolution rate", "CSAT", "Complaint follow-up compliance"):
        assert label in out
    assert "bootstrap over agents" in out


def test_an_unknown_module_is_one_line_naming_it(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(report(demo_db_path, "--module", "no-such-module")) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "no-such-module" in line and line.startswith("academy: --module: no module")


def test_weeks_out_of_range_are_refused(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(report(demo_db_path, "--module", "handling-complaints", "--weeks", "0")) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == "academy: --weeks: must be from 1 to 26, not 0"


def test_a_store_that_is_not_there_is_refused_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "academy.duckdb"
    assert main(report(missing, "--module", "handling-complaints")) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "no such store" in line
    assert not missing.exists() and not missing.parent.exists()
