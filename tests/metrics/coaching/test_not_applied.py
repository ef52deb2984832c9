"""Acknowledged but not applied, on a hand-made organisation whose answers are worked out here.

Version 1 is the shipped policy; version 2, in force, raises the resolution target from 0.75 to
0.78 and lowers the minimum of contacts from 30 to 10 (no agent's standard). Today is Friday 20
Nov 2026 in Zagreb. Every contact is a phone call; `calls` says how each was answered.

Team North (Sue supervises):
- Ana passed both modules on 2 Nov and signed version 2 on 3 Nov (09:00 UTC): counted from 4 Nov.
  On 3 Nov she answered 10 calls and resolved none (before she had signed: not counted); from 4
  Nov 10 calls, 5 resolved: 0.5, Wilson interval 0.2366–0.7634. Under the old target 0.75 that
  would not be clear; under the new 0.78 it is: flagged, n 10.
- Ben signed and passed the same days; from 4 Nov he resolved all 10 calls but answered each in
  100 s (the standard is 30 s): service level 0 of 10, clearly below, but version 2 did not
  change the service level's standard: not flagged.
- Cy passed both and resolved 0 of 10, but signed only version 1: not flagged.
- Dee signed version 2 and resolved 0 of 10, but passed only the policy module: not flagged.
- Fay signed and passed, resolved 0 of 9 from 4 Nov: 9 < 10 contacts, not flagged.
Team South (Sam supervises): Zed, like Ana but resolving 0 of 10: flagged, seen only by owners
and Sam.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from metrics import organisation
from metrics.coaching.not_applied import not_applied
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database, transaction
from modules.content import TrainingModule, load_modules
from modules.defaults import Role
from modules.policy import DEFAULT_POLICY_PATH, Policy, load_policy

POLICY_MODULE, COMPLAINTS = "customer-service-policy", "handling-complaints"
ZAGREB = ZoneInfo("Europe/Zagreb")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-20T12:00:00+00:00")


def publish(db: Database, *changes: tuple[str, str]) -> Policy:
    """The shipped policy as the next version, with `changes` (old text, new text), in force."""
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    with transaction(db) as cur:
        stored = organisation.insert_policy_draft(
            cur, text, kind="major", source="test", created_by=None
        )
        organisation.mark_published(cur, stored.version)
    return organisation.policy_in_force(db).policy


def modules_of(policy: Policy) -> list[TrainingModule]:
    return [loaded.module for loaded in load_modules(policy)]


class Org:
    def __init__(self, db: Database) -> None:
        self.db = db
        organisation.ensure_policy_in_force(db, load_policy())
        self.teams = {name: add_team(db, name) for name in ("North", "South")}
        self.ids: dict[str, int] = {}
        self.contact = 1
        people: list[tuple[str, Role, str | None]] = [
            ("Ana", "agent", "North"),
            ("Ben", "agent", "North"),
            ("Cy", "agent", "North"),
            ("Dee", "agent", "North"),
            ("Fay", "agent", "North"),
            ("Zed", "agent", "South"),
            ("Sue", "supervisor", "North"),
            ("Sam", "supervisor", "South"),
            ("Olga", "owner", None),
        ]
        for name, role, team in people:
            self.ids[name] = add_staff(
                db,
                NewStaffMember(name=name, email=f"{name.lower()}@x.example", role=role, team=team),
            )

    def viewer(self, name: str) -> Viewer:
        found = staff_viewer(self.db, self.ids[name])
        assert found is not None
        return found

    def passed(self, name: str, module_id: str, day: date) -> None:
        at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        self.db.execute(
            "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
            " policy_version, attempt_number, plan, started_at, last_active_at, completed_at,"
            " score, pass_mark, passed) VALUES (?, ?, 3, ?, 2, 1, '{}', ?, ?, ?, 0.9, 0.8, true)",
            [self.ids[name], module_id, module_id, at, at, at],
        )

    def signed(self, name: str, version: int, day: date) -> None:
        self.db.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at) VALUES (?, ?, ?, ?)",
            [self.ids[name], version, name, datetime(day.year, day.month, day.day, 9, tzinfo=UTC)],
        )

    def calls(self, name: str, day: date, resolved: int, unresolved: int, wait_s: int = 10) -> None:
        team = self.teams["South" if name == "Zed" else "North"]
        start = datetime(day.year, day.month, day.day, 10, tzinfo=ZAGREB)
        for index in range(resolved + unresolved):
            queued = start + timedelta(minutes=index)
            answered = queued + timedelta(seconds=wait_s)
            self.db.execute(
                "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
                " queued_at, answered_at, resolved_at, abandoned, resolved)"
                " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, ?, false, ?)",
                [
                    self.contact,
                    str(self.contact),
                    self.ids[name],
                    team,
                    queued,
                    answered,
                    answered if index < resolved else None,
                    index < resolved,
                ],
            )
            self.contact += 1


NOV = {day: date(2026, 11, day) for day in range(1, 31)}
RAISED_TARGET = [
    ("version: 1", "version: 2"),
    ("resolution_target: 0.75", "resolution_target: 0.78"),
]
FEWER_CONTACTS = [("min_contacts: 30", "min_contacts: 10")]


@pytest.fixture
def org(db: Database) -> Org:
    org = Org(db)
    for name in ("Ana", "Ben", "Cy", "Fay", "Zed"):
        org.passed(name, POLICY_MODULE, NOV[2])
        org.passed(name, COMPLAINTS, NOV[2])
    org.passed("Dee", POLICY_MODULE, NOV[2])
    for name in ("Ana", "Ben", "Dee", "Fay", "Zed"):
        org.signed(name, 2, NOV[3])
    org.signed("Cy", 1, NOV[3])
    org.calls("Ana", NOV[3], 0, 10)  # the day she signed: not counted
    org.calls("Ana", NOV[4], 5, 5)  # the first day counted
    org.calls("Ben", NOV[10], 10, 0, wait_s=100)
    org.calls("Cy", NOV[10], 0, 10)
    org.calls("Dee", NOV[10], 0, 10)
    org.calls("Fay", NOV[10], 0, 9)
    org.calls("Zed", NOV[10], 0, 10)
    return org


def test_flags_those_clearly_below_a_standard_the_version_changed(org: Org) -> None:
    policy = publish(org.db, *RAISED_TARGET, *FEWER_CONTACTS)
    found = not_applied(org.db, org.viewer("Olga"), modules_of(policy), policy)
    assert (found.policy_version, found.previous_version) == (2, 1)
    assert [(c.metric, c.lines) for c in found.changed] == [
        ("resolution_rate", ["resolution target: 75% → 78%"])
    ]
    assert found.nothing_to_flag is None
    assert [(f.name, f.metric) for f in found.flagged] == [
        ("Ana", "resolution_rate"),
        ("Zed", "resolution_rate"),
    ]
    ana = found.flagged[0]
    assert (ana.n, ana.value, ana.target) == (10, 0.5, 0.78)
    assert (ana.low, ana.high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert (ana.since, ana.until, ana.weeks) == (NOV[4], NOV[20], 2)
    assert ana.signed_at == datetime(2026, 11, 3, 9, tzinfo=UTC)
    assert ana.passed_at == datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_a_supervisor_sees_their_team_and_an_agent_nobody(org: Org) -> None:
    policy = publish(org.db, *RAISED_TARGET, *FEWER_CONTACTS)
    modules = modules_of(policy)
    assert [f.name for f in not_applied(org.db, org.viewer("Sue"), modules, policy).flagged] == [
        "Ana"
    ]
    assert [f.name for f in not_applied(org.db, org.viewer("Sam"), modules, policy).flagged] == [
        "Zed"
    ]
    with pytest.raises(AccessDenied):
        not_applied(org.db, org.viewer("Ana"), modules, policy)


def test_under_the_old_target_the_same_numbers_are_within_the_noise(org: Org) -> None:
    # The same change of the minimum, but the resolution target stays 0.75: Ana's 0.7634 top
    # is above it, and version 2 changed no standard an agent is judged on.
    policy = publish(org.db, ("version: 1", "version: 2"), *FEWER_CONTACTS)
    found = not_applied(org.db, org.viewer("Olga"), modules_of(policy), policy)
    assert found.flagged == [] and found.changed == []
    assert found.nothing_to_flag == (
        "Version 2 changed no standard agents are judged on (service level, resolution, CSAT) "
        "from version 1, so nothing can be flagged."
    )


def test_the_first_version_has_nothing_it_changed(org: Org) -> None:
    policy = organisation.policy_in_force(org.db).policy
    found = not_applied(org.db, org.viewer("Olga"), modules_of(policy), policy)
    assert (found.previous_version, found.flagged) == (None, [])
    assert found.nothing_to_flag is not None and "first version published" in found.nothing_to_flag


def test_a_changed_follow_up_standard_is_named_but_never_flagged(org: Org) -> None:
    policy = publish(
        org.db,
        ("version: 1", "version: 2"),
        ("complaint_follow_up_days: 3", "complaint_follow_up_days: 2"),
    )
    found = not_applied(org.db, org.viewer("Olga"), modules_of(policy), policy)
    assert [(c.metric, c.lines) for c in found.changed] == [
        ("follow_up_compliance", ["complaint follow-up: 3 days → 2 days"])
    ]
    assert found.flagged == []
    assert found.nothing_to_flag is not None
    assert "complaint follow-up, which has no target" in found.nothing_to_flag
