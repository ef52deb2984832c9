"""The hand-made day of tests/metrics/performance/test_agents.py (its docstring has the table of
contacts), shared by the metric tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.performance.period import Period
from metrics.store import Database
from modules.policy import Policy, load_policy

DAY = Period(start=date(2026, 11, 2), end=date(2026, 11, 3))


@pytest.fixture
def policy() -> Policy:
    shipped = load_policy().policy
    standards = shipped.standards.model_copy(update={"min_contacts": 3})
    return shipped.model_copy(update={"standards": standards})


def utc(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def org(db: Database) -> dict[str, Viewer]:
    team_a = add_team(db, "A")
    team_b = add_team(db, "B")
    ids = {
        key: add_staff(
            db, NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team)
        )
        for key, name, role, team in [
            ("ana", "Ana", "agent", "A"),
            ("ben", "Ben", "agent", "A"),
            ("sup_a", "Sup A", "supervisor", "A"),
            ("sup_b", "Sup B", "supervisor", "B"),
        ]
    }
    contacts = [
        # n, agent, channel, queued, wait s (None = not answered), resolved, case, abandoned
        (1, "ana", "phone", utc(2, 9, 0), 30, True, "C1", False),
        (2, "ana", "phone", utc(2, 9, 10), 31, True, "C2", False),
        (3, "ana", "chat", utc(2, 9, 20), 60, False, None, False),
        (4, "ana", "email", utc(2, 9, 30), 100, True, None, False),
        (5, "ben", "phone", utc(2, 10, 0), 10, False, "C2", False),
        (6, None, "phone", utc(2, 10, 30), None, False, None, True),
        (7, "ben", "phone", utc(1, 23, 30), 20, True, None, False),
        (8, "ana", "phone", utc(1, 22, 30), 5, True, None, False),
        (9, "ana", "phone", utc(4, 9, 0), 5, True, None, False),
    ]
    for n, agent, channel, queued, wait, resolved, case, abandoned in contacts:
        answered = queued + timedelta(seconds=wait) if wait is not None else None
        db.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
            " case_id, queued_at, answered_at, resolved_at, abandoned, resolved)"
            " VALUES (?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                n,
                str(n),
                channel,
                ids[agent] if agent else None,
                team_a,
                case,
                queued,
                answered,
                answered if resolved else None,
                abandoned,
                resolved,
            ],
        )
    for n, rating, scale in [(1, 5, "1-5"), (2, 3, "1-5"), (3, 1, "good/bad"), (4, 0, "good/bad")]:
        db.execute(
            "INSERT INTO feedback (interaction_id, rating, scale, received_at) VALUES (?, ?, ?, ?)",
            [n, rating, scale, utc(2, 12, 0)],
        )
    teams = {"ana": team_a, "ben": team_a, "sup_a": team_a, "sup_b": team_b}
    roles = {"ana": "agent", "ben": "agent", "sup_a": "supervisor", "sup_b": "supervisor"}
    return {
        key: Viewer(
            staff_id=ids[key],
            name=key,
            email=f"{key}@x.example",
            role=roles[key],
            team_id=teams[key],
        )
        for key in ids
    }
