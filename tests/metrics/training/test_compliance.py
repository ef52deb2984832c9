"""The compliance report on a hand-made organisation whose every state, date and rate the test
works out: each module's state (overdue days across a month end), the signature of the version
in force (recorded on someone's behalf), rollout attendance, the rates per team, and who sees
what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from metrics import organisation
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database
from metrics.training import rollout
from metrics.training.compliance import compliance_report, filtered
from metrics.training.records import acknowledge_on_behalf
from modules.content import TrainingModule, load_modules
from modules.policy import Policy, load_policy

POLICY_MODULE, COMPLAINTS = "customer-service-policy", "handling-complaints"
TODAY = date(2026, 2, 2)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


@pytest.fixture
def policy() -> Policy:
    shipped = load_policy().policy  # effective 2026-01-05, 14 days to train
    training = shipped.training.model_copy(update={"recertify_after_months": 12})
    return shipped.model_copy(update={"training": training})


@pytest.fixture
def modules(policy: Policy) -> list[TrainingModule]:
    return [loaded.module for loaded in load_modules(policy)]


def attempt(db: Database, staff_id: int, module_id: str, day: str, *, passed: bool | None) -> None:
    """A pass (score 0.9), a failure (0.5) or, with `passed` None, an attempt still open."""
    done = at(day) if passed is not None else None
    db.execute(
        "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
        " policy_version, attempt_number, plan, started_at, last_active_at, completed_at, score,"
        " pass_mark, passed) SELECT ?, ?, 1, ?, 1, coalesce(max(attempt_number), 0) + 1, '{}',"
        " ?, ?, ?, ?, 0.8, ? FROM training_attempts WHERE staff_id = ? AND module_id = ?",
        [
            staff_id,
            module_id,
            module_id,
            at(day),
            at(day),
            done,
            None if passed is None else 0.9 if passed else 0.5,
            passed,
            staff_id,
            module_id,
        ],
    )


@pytest.fixture
def org(db: Database) -> dict[str, int]:
    """Version 1 in force.
    - Maja, owner, no team, joined 16 Jan: nothing done.
    - Team A: Sup (supervisor, joined 20 Dec 2024) passed both modules on 10 Jan 2025, passes
      that expired on 10 Jan 2026; Ana (16 Jan) passed both on 20 Jan, signed, attended the rollout
      session; Ben (joined 26 Jan: due 9 Feb) has the policy module open and failed once at
      Handling complaints.
    - Team B: Cleo (16 Jan) nothing, but her paper signature was recorded by Maja; Dan left.
    Joined 16 Jan: due 30 Jan (14 days), so on 2 February 3 days overdue (31 Jan, 1, 2 Feb)."""
    organisation.ensure_policy_in_force(db, load_policy())
    add_team(db, "A")
    add_team(db, "B")
    ids = {
        key: add_staff(
            db, NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team)
        )
        for key, name, role, team in [
            ("maja", "Maja", "owner", None),
            ("sup", "Sup", "supervisor", "A"),
            ("ana", "Ana", "agent", "A"),
            ("ben", "Ben", "agent", "A"),
            ("cleo", "Cleo", "agent", "B"),
            ("dan", "Dan", "agent", "B"),
        ]
    }
    for key, staff_id in ids.items():
        day = {"ben": "2026-01-26", "sup": "2024-12-20"}.get(key, "2026-01-16")
        db.execute("UPDATE staff SET created_at = ? WHERE id = ?", [at(day), staff_id])
    db.execute("UPDATE staff SET active = false WHERE id = ?", [ids["dan"]])
    for module_id in (POLICY_MODULE, COMPLAINTS):
        attempt(db, ids["sup"], module_id, "2025-01-10", passed=True)
        attempt(db, ids["ana"], module_id, "2026-01-20", passed=True)
    attempt(db, ids["ben"], POLICY_MODULE, "2026-01-27", passed=None)
    attempt(db, ids["ben"], COMPLAINTS, "2026-01-27", passed=False)
    db.execute(
        "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
        " acknowledged_at) VALUES (?, 1, 'Ana', ?)",
        [ids["ana"], at("2026-01-21")],
    )
    maja = staff_viewer(db, ids["maja"])
    assert maja is not None
    acknowledge_on_behalf(db, maja, ids["cleo"], "paper signature at the rollout session")
    session = rollout.start_session(db, maja, 1, "Vision and purpose")
    ana = staff_viewer(db, ids["ana"])
    assert ana is not None
    rollout.join(db, ana, session.join_code)
    return ids


def test_every_state_with_its_due_date_and_days_overdue(
    db: Database, org: dict[str, int], modules: list[TrainingModule], policy: Policy
) -> None:
    report = compliance_report(db, Viewer.local_admin(), modules, policy, today=TODAY)
    assert report.policy_version == 1
    by_name = {person.name: person for person in report.staff}
    assert list(by_name) == ["Ana", "Ben", "Sup", "Cleo", "Maja"]  # by team, then name; not Dan

    def states(name: str) -> list[tuple[str, str, date, int, float | None]]:
        return [
            (m.module, m.state, m.due, m.overdue_days, m.best_score) for m in by_name[name].modules
        ]

    jan_30 = date(2026, 1, 30)
    assert states("Ana") == [
        (POLICY_MODULE, "passed", jan_30, 0, 0.9),
        (COMPLAINTS, "passed", jan_30, 0, 0.9),
    ]
    assert states("Ben") == [
        (POLICY_MODULE, "in_progress", date(2026, 2, 9), 0, None),
        (COMPLAINTS, "in_progress", date(2026, 2, 9), 0, 0.5),
    ]
    # Passed on 10 Jan 2025, expired on 10 Jan 2026: 23 days before 2 February.
    assert states("Sup") == [
        (POLICY_MODULE, "expired", date(2026, 1, 10), 23, 0.9),
        (COMPLAINTS, "expired", date(2026, 1, 10), 23, 0.9),
    ]
    assert states("Cleo") == [
        (POLICY_MODULE, "overdue", jan_30, 3, None),
        (COMPLAINTS, "overdue", jan_30, 3, None),
    ]
    tomorrow = compliance_report(db, Viewer.local_admin(), modules, policy, today=date(2026, 2, 1))
    assert {m.overdue_days for m in tomorrow.staff[-1].modules} == {2}  # Maja, a day earlier
    unstarted = compliance_report(
        db, Viewer.local_admin(), modules, policy, today=date(2026, 1, 27)
    )
    assert [m.state for m in unstarted.staff[-1].modules] == ["not_started", "not_started"]


def test_signatures_on_someones_behalf_and_attendance(
    db: Database, org: dict[str, int], modules: list[TrainingModule], policy: Policy
) -> None:
    report = compliance_report(db, Viewer.local_admin(), modules, policy, today=TODAY)
    by_name = {person.name: person for person in report.staff}
    ana, cleo = by_name["Ana"], by_name["Cleo"]
    assert (ana.signature.version, ana.signature.at, ana.signature.recorded_by_name) == (  # type: ignore[union-attr]
        1,
        at("2026-01-21"),
        None,
    )
    assert (cleo.signature.recorded_by_name, cleo.signature.note) == (  # type: ignore[union-attr]
        "Maja",
        "paper signature at the rollout session",
    )
    assert by_name["Ben"].signature is None and by_name["Ben"].signature_due is not None
    assert [p.name for p in report.staff if p.attended_at is not None] == ["Ana"]


def test_rates_per_team_are_fractions_of_its_active_staff(
    db: Database, org: dict[str, int], modules: list[TrainingModule], policy: Policy
) -> None:
    report = compliance_report(db, Viewer.local_admin(), modules, policy, today=TODAY)
    rates = {
        t.team: (t.staff, t.completed_rate, t.acknowledged_rate, t.attended_rate)
        for t in report.teams
    }
    assert rates == {
        # Ana of Ana, Ben and Sup completed, signed and attended: 1 of 3 each.
        "A": (3, 0.3333, 0.3333, 0.3333),
        # Cleo alone (Dan left): not completed, signed on paper, not attended.
        "B": (1, 0.0, 1.0, 0.0),
        None: (1, 0.0, 0.0, 0.0),
    }


def test_who_is_overdue_longest_first_and_the_filters(
    db: Database, org: dict[str, int], modules: list[TrainingModule], policy: Policy
) -> None:
    report = compliance_report(db, Viewer.local_admin(), modules, policy, today=TODAY)
    # Sup's passes expired 23 days ago; Cleo and Maja are 3 days late (Maja with the signature
    # too); Ana is done and Ben is not due until 9 February.
    assert [(p.name, p.overdue_days) for p in report.overdue()] == [
        ("Sup", 23),
        ("Cleo", 3),
        ("Maja", 3),
    ]
    expired = filtered(report, states=["expired"])
    assert [(p.name, [m.module for m in p.modules]) for p in expired] == [
        ("Sup", [POLICY_MODULE, COMPLAINTS])
    ]
    complaints_in_progress = filtered(report, states=["in_progress"], module_ids=[COMPLAINTS])
    assert [(p.name, len(p.modules)) for p in complaints_in_progress] == [("Ben", 1)]
    assert len(filtered(report)) == 5


def test_a_supervisor_sees_their_team_and_an_agent_nobody(
    db: Database, org: dict[str, int], modules: list[TrainingModule], policy: Policy
) -> None:
    sup, ana = staff_viewer(db, org["sup"]), staff_viewer(db, org["ana"])
    assert sup is not None and ana is not None
    report = compliance_report(db, sup, modules, policy, today=TODAY)
    assert [p.name for p in report.staff] == ["Ana", "Ben", "Sup"]
    assert [t.team for t in report.teams] == ["A"]
    team_b = db.execute("SELECT id FROM teams WHERE name = 'B'").fetchone()[0]
    with pytest.raises(AccessDenied):
        compliance_report(db, sup, modules, policy, team_id=team_b)
    with pytest.raises(AccessDenied):
        compliance_report(db, ana, modules, policy)


def test_the_json_and_csv_shapes(
    db: Database, org: dict[str, int], modules: list[TrainingModule], policy: Policy
) -> None:
    report = compliance_report(db, Viewer.local_admin(), modules, policy, today=TODAY)
    answer = report.answer()
    assert list(answer) == ["policy_version", "staff", "teams"]
    ana = answer["staff"][0]  # type: ignore[index]
    assert ana == {
        "email": "ana@x.example",
        "name": "Ana",
        "team": "A",
        "role": "agent",
        "acknowledged_version": 1,
        "acknowledged_at": "2026-01-21T09:00:00+00:00",
        "attended": True,
        "modules": [
            {
                "module": POLICY_MODULE,
                "state": "passed",
                "due": "2026-01-30",
                "overdue_days": 0,
                "best_score": 0.9,
            },
            {
                "module": COMPLAINTS,
                "state": "passed",
                "due": "2026-01-30",
                "overdue_days": 0,
                "best_score": 0.9,
            },
        ],
    }
    assert answer["teams"][0] == {  # type: ignore[index]
        "team": "A",
        "staff": 3,
        "completed_rate": 0.3333,
        "acknowledged_rate": 0.3333,
        "attended_rate": 0.3333,
    }
    rows = report.csv_rows()
    assert len(rows) == 5 * 2  # five people, two modules each
    assert rows[0]["module"] == POLICY_MODULE and rows[0]["email"] == "ana@x.example"
