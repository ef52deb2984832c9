"""The agent report is built without pandas, and gives exactly the numbers of the dashboard's
frames (`agent_metrics`, `queue_metrics`) on both of its paths (rollups and raw contacts)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from metrics.contacts.rollups import mark_contacts_changed
from metrics.people import Viewer
from metrics.performance.agents import (
    REPORT_AGENT_FIELDS,
    agent_metrics,
    agent_report,
    json_value,
    queue_metrics,
)
from metrics.performance.period import Period
from metrics.store import open_database
from modules.policy import load_policy
from tests.conftest import SMALL_DEMO

WHOLE_DEMO = Period(start=date(2026, 10, 1), end=SMALL_DEMO["until"])


@pytest.mark.parametrize("rollups", [True, False], ids=["from the rollups", "from the contacts"])
@pytest.mark.parametrize("channel", [None, "phone"])
def test_the_report_has_exactly_the_numbers_of_the_frames(
    demo_db_path: Path, rollups: bool, channel: str | None
) -> None:
    db = open_database(demo_db_path)
    try:
        if not rollups:  # every day pending: the metrics read the contacts themselves
            mark_contacts_changed(db, "true", [])
        policy = load_policy().policy
        admin = Viewer.local_admin()
        period = replace(WHOLE_DEMO, channel=channel)
        report = agent_report(db, admin, policy, period, None)
        frame = agent_metrics(db, admin, policy, period)
        queue = queue_metrics(db, admin, policy, period)
    finally:
        db.close()
    expected = [
        {field: json_value(value) for field, value in zip(REPORT_AGENT_FIELDS, row, strict=True)}
        for row in frame[REPORT_AGENT_FIELDS].itertuples(index=False)
    ]
    assert len(expected) > 5
    assert report["agents"] == expected  # exactly: same floats, same ints, same statuses
    assert any(row["status"] != "insufficient" for row in expected)  # judged, not skipped
    assert report["team"] == {
        "offered": queue.offered,
        "answered": queue.answered,
        "abandoned": queue.abandoned,
        "waiting": queue.waiting,
        "abandonment_rate": queue.abandonment_rate,
        "service_level": queue.service_level,
    }


def test_the_report_command_loads_neither_pandas_nor_numpy(demo_db_path: Path) -> None:
    probe = (
        "import sys; from training_app.cli import main;"
        f" status = main(['report', 'agents', '--db', {str(demo_db_path)!r},"
        " '--from', '2026-10-01', '--to', '2026-11-20']);"
        " heavy = sorted(m for m in ('pandas', 'numpy', 'metrics.demo.generate',"
        " 'metrics.contacts.imports') if m in sys.modules);"
        " print('HEAVY', status, heavy)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "HEAVY 0 []"


def test_help_loads_nothing_heavy() -> None:
    probe = (
        "import sys; from training_app.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('duckdb', 'pydantic', 'pandas', 'numpy', 'yaml', 'argon2')"
        " if m in sys.modules)\n"
        "print('HEAVY', heavy)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "HEAVY []"


REPORT_ARGS = ["report", "agents", "--from", "2026-10-01", "--to", "2026-11-20"]


def test_the_report_command_loads_no_pydantic_and_no_yaml_parser(demo_db_path: Path) -> None:
    """Pydantic's import and first model and PyYAML were a third of the command's start. Once a
    version in force has its figures kept (the first run on this store puts the shipped policy
    in force, and keeps them), the report reads those, never the policy's text."""
    command = [sys.executable, "-m", "training_app.cli", *REPORT_ARGS, "--db", str(demo_db_path)]
    first = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    probe = (
        "import sys; from training_app.cli import main;"
        f" status = main({[*REPORT_ARGS, '--db', str(demo_db_path)]!r});"
        " heavy = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pydantic', 'pydantic_core', 'yaml', 'argon2') or m in"
        " ('modules.policy', 'metrics.people'));"
        " print('HEAVY', status, heavy)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    *printed, last = done.stdout.splitlines()
    assert last == "HEAVY 0 []"
    assert "\n".join(printed) + "\n" == first  # the same report


def test_a_version_in_force_without_kept_figures_reports_the_same_and_keeps_them(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from metrics.policy_figures import FIGURES_SETTING, kept_figures_in_force
    from training_app.cli import main

    assert main([*REPORT_ARGS, "--db", str(demo_db_path)]) == 0
    kept = capsys.readouterr().out
    db = open_database(demo_db_path)
    try:
        # As a store whose version was put in force before the figures were kept.
        db.execute("DELETE FROM organisation_settings WHERE key = ?", [FIGURES_SETTING])
    finally:
        db.close()
    assert main([*REPORT_ARGS, "--db", str(demo_db_path)]) == 0
    assert capsys.readouterr().out == kept
    db = open_database(demo_db_path)
    try:
        assert kept_figures_in_force(db) is not None
    finally:
        db.close()
