"""`academy coaching propose`: the proposals of the teams' rules as JSON, an unknown team and a
missing store refused in one line.

The store: teams North (rule on, 14 days) and South (rule off), the shipped policy (30 contacts
at least, resolution target 0.75). Today is Friday 20 Nov 2026 in Zagreb, so North's window is
7–20 Nov. Cy (North) answered 30 phone calls in 10 s on 18 Nov and resolved none: service level
1.0, resolution 0 of 30, whose Wilson interval is 0 to z²/(n + z²) = 3.8415/33.8415 = 0.1135,
under 0.75: clearly below. Eve (South) did the same, but South's rule is off.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from metrics.coaching.proposals import set_team_rule
from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database, open_database
from training_app.cli import main

NOW = "2026-11-20T12:00:00+00:00"


def calls(db: Database, agent: int, team: int, first_id: int) -> None:
    queued = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("Europe/Zagreb"))
    for index in range(30):
        at = queued + timedelta(minutes=index)
        db.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, abandoned, resolved)"
            " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, false, false)",
            [first_id + index, str(first_id + index), agent, team, at, at + timedelta(seconds=10)],
        )


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    monkeypatch.setenv("ACADEMY_NOW", NOW)
    path = tmp_path / "academy.duckdb"
    db = open_database(path)
    try:
        north, south = add_team(db, "North"), add_team(db, "South")
        cy = add_staff(
            db, NewStaffMember(name="Cy", email="cy@x.example", role="agent", team="North")
        )
        eve = add_staff(
            db, NewStaffMember(name="Eve", email="eve@x.example", role="agent", team="South")
        )
        calls(db, cy, north, 1)
        calls(db, eve, south, 100)
        set_team_rule(db, Viewer.local_admin(), north, 14)
    finally:
        db.close()
    return path, cy


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_proposals_are_printed_as_json(
    store: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    path, cy = store
    status, out, err = run(capsys, "coaching", "propose", "--db", str(path))
    assert status == 0, err
    answer = json.loads(out)
    [proposal] = answer["proposals"]
    high = proposal["interval"][1]
    assert high == pytest.approx(3.8415 / 33.8415, abs=1e-4)
    assert answer == {
        "today": "2026-11-20",
        "teams": [
            {
                "team": "North",
                "rule": "on",
                "window_days": 14,
                "window": {"start": "2026-11-07", "end": "2026-11-20"},
            },
            {"team": "South", "rule": "off", "window_days": None, "window": None},
        ],
        "proposals": [
            {
                "agent_id": cy,
                "agent": "cy@x.example",
                "name": "Cy",
                "team": "North",
                "metric": "resolution_rate",
                "value": 0.0,
                "n": 30,
                "interval": [0.0, high],
                "target": 0.75,
                "window": {"start": "2026-11-07", "end": "2026-11-20", "days": 14},
                "module": {"id": "customer-service-policy", "title": "Our customer-service policy"},
                "confirm": (
                    f"coaching-plan?agent={cy}&from=proposal&metric=resolution_rate"
                    "&module=customer-service-policy"
                ),
            }
        ],
    }


def test_one_team_whose_rule_is_off_has_no_proposals(
    store: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "coaching", "propose", "--team", "South", "--db", str(store[0]))
    assert status == 0
    answer = json.loads(out)
    assert answer["proposals"] == []
    assert answer["teams"] == [
        {"team": "South", "rule": "off", "window_days": None, "window": None}
    ]


def test_an_unknown_team_is_one_line_naming_it(
    store: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "coaching", "propose", "--team", "Nowhere", "--db", str(store[0])
    )
    assert (status, out) == (1, "")
    assert err == "academy: --team: no team named 'Nowhere' (teams: North, South)\n"


def test_a_missing_store_is_refused_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.duckdb"
    status, out, err = run(capsys, "coaching", "propose", "--db", str(missing))
    assert (status, out) == (1, "")
    assert err.startswith(f"academy: {missing}: no such store.") and err.count("\n") == 1
    assert not missing.exists()
