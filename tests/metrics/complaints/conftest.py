"""A small organisation for the register's tests: two teams, an agent and a supervisor in each,
an owner. Times are in November 2026, in the shipped policy's Europe/Zagreb (UTC+1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.people import NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database
from modules.policy import Policy, Role, load_policy

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # Tuesday 10 November, 10:00 in Zagreb


@pytest.fixture
def policy() -> Policy:
    return load_policy().policy


@pytest.fixture
def people(db: Database) -> dict[str, Viewer]:
    add_team(db, "A")
    add_team(db, "B")
    found = {}
    roster: list[tuple[str, Role, str | None]] = [
        ("ana", "agent", "A"),
        ("ada", "agent", "A"),
        ("sam", "supervisor", "A"),
        ("bob", "agent", "B"),
        ("sue", "supervisor", "B"),
        ("olga", "owner", None),
    ]
    for key, role, team in roster:
        staff_id = add_staff(
            db, NewStaffMember(name=key.title(), email=f"{key}@x.example", role=role, team=team)
        )
        viewer = staff_viewer(db, staff_id)
        assert viewer is not None
        found[key] = viewer
    return found
