"""Assignments: the new starter's, an owner's to a team, a supervisor's to one agent, and a pass
that expires; each state worked out by hand from the dates in the test."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from metrics import people_import
from metrics.contacts import imports as importing
from metrics.people import (
    AccessDenied,
    NewStaffMember,
    Viewer,
    add_first_owner,
    add_member,
    add_staff,
    add_team,
    set_team,
    staff_viewer,
)
from metrics.store import Database
from metrics.training import assignments
from metrics.training.assignments import (
    ACKNOWLEDGEMENT,
    AttemptRecord,
    Requirement,
    add_months,
    assign_mandatory,
    assign_module,
    assignments_of,
    judge,
)
from modules.content import TrainingModule, load_modules
from modules.policy import Policy, load_policy

ZONE = "Europe/Zagreb"
POLICY_MODULE, COMPLAINTS = "customer-service-policy", "handling-complaints"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy().policy  # effective 2026-01-05, due within 14 days, pass mark 80%


@pytest.fixture(scope="module")
def modules(policy: Policy) -> list[TrainingModule]:
    return [loaded.module for loaded in load_modules(policy)]  # both mandatory


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def requirement(due: str, assigned: str, *, fresh: bool = False) -> Requirement:
    return Requirement(
        staff_id=1,
        item=COMPLAINTS,
        due=date.fromisoformat(due),
        reason="because",
        source="owner",
        assigned_by=None,
        assigned_by_name=None,
        assigned_at=at(assigned),
        fresh_pass=fresh,
    )


def attempt(
    started: str, completed: str | None, score: float | None = None, passed: bool = False
) -> AttemptRecord:
    return AttemptRecord(
        staff_id=1,
        module_id=COMPLAINTS,
        started_at=at(started),
        completed_at=at(completed) if completed else None,
        score=score,
        passed=passed,
    )


def judged(
    reqs: list[Requirement], tries: list[AttemptRecord], today: str, months: int | None = None
):
    return judge(
        reqs, tries, today=date.fromisoformat(today), zone=ZONE, recertify_after_months=months
    )


def test_months_are_added_to_the_same_day_or_the_months_last() -> None:
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # a leap year
    assert add_months(date(2025, 1, 10), 12) == date(2026, 1, 10)


def test_every_state_and_overdue_days_across_a_month_end() -> None:
    due = [requirement("2026-01-30", "2026-01-10")]
    assert judge([], [], today=date(2026, 2, 2), zone=ZONE, recertify_after_months=None) is None
    # Due on 30 January; 31 January, 1 and 2 February are past it: 3 days.
    late = judged(due, [], "2026-02-02")
    assert (late.state, late.overdue_days) == ("overdue", 3)
    assert judged(due, [], "2026-01-30").state == "not_started"  # the due day itself is in time
    assert judged(due, [], "2026-01-31").overdue_days == 1
    started = judged(due, [attempt("2026-01-20", None)], "2026-01-29")
    assert (started.state, started.attempts, started.best_score) == ("in_progress", 0, None)
    failed = judged(due, [attempt("2026-01-20", "2026-01-20", 0.5)], "2026-01-29")
    assert (failed.state, failed.best_score) == ("in_progress", 0.5)
    # A failed attempt does not stop the clock: past the due date it is overdue all the same.
    assert judged(due, [attempt("2026-01-20", "2026-01-20", 0.5)], "2026-02-02").overdue_days == 3
    passed = judged(due, [attempt("2026-01-20", "2026-02-01", 0.9, True)], "2026-02-02")
    assert (passed.state, passed.overdue_days, passed.passed_at) == ("passed", 0, at("2026-02-01"))


def test_the_newest_assignment_gives_the_date_and_a_due_again_one_needs_a_new_pass() -> None:
    old_pass = attempt("2026-01-12", "2026-01-12", 0.9, True)
    first, again = (
        requirement("2026-01-30", "2026-01-10"),
        requirement("2026-03-20", "2026-03-01", fresh=True),
    )
    assert judged([first], [old_pass], "2026-03-02").state == "passed"
    due_again = judged([first, again], [old_pass], "2026-03-02")
    assert (due_again.state, due_again.due, due_again.due_again) == (
        "not_started",
        date(2026, 3, 20),
        True,
    )
    assert due_again.best_score is None  # the old attempt no longer counts
    late = judged([first, again], [old_pass], "2026-03-23")
    assert (late.state, late.overdue_days) == ("overdue", 3)
    retaken = judged(
        [first, again], [old_pass, attempt("2026-03-05", "2026-03-05", 0.85, True)], "2026-03-23"
    )
    assert (retaken.state, retaken.best_score) == ("passed", 0.85)
    # An assignment that keeps passes, made after the due-again one, keeps asking for a new pass.
    kept = requirement("2026-04-30", "2026-03-10")
    later = judged([first, again, kept], [old_pass], "2026-03-23")
    assert (later.state, later.due) == ("not_started", date(2026, 4, 30))


def test_a_pass_expires_after_the_policys_months_and_the_module_is_due_again() -> None:
    due = [requirement("2025-01-30", "2025-01-06")]
    passed_on_10_january = [attempt("2025-01-10", "2025-01-10", 0.9, True)]
    assert judged(due, passed_on_10_january, "2026-01-09", months=12).state == "passed"
    assert judged(due, passed_on_10_january, "2027-06-01", months=None).state == "passed"
    expired = judged(due, passed_on_10_january, "2026-01-10", months=12)
    assert (expired.state, expired.due, expired.overdue_days, expired.source) == (
        "expired",
        date(2026, 1, 10),
        0,
        "recertification",
    )
    assert expired.reason == "due again: the pass of 10 Jan 2025 expired after 12 months"
    assert judged(due, passed_on_10_january, "2026-01-15", months=12).overdue_days == 5
    renewed = [*passed_on_10_january, attempt("2026-01-14", "2026-01-14", 0.8, True)]
    assert judged(due, renewed, "2026-01-15", months=12).state == "passed"


# --- In the store ------------------------------------------------------------------------------


def joined(db: Database, staff_id: int, day: str) -> None:
    db.execute("UPDATE staff SET created_at = ? WHERE id = ?", [at(day, 8), staff_id])


def viewer(db: Database, staff_id: int) -> Viewer:
    found = staff_viewer(db, staff_id)
    assert found is not None
    return found


def test_new_staff_have_the_mandatory_assignments_however_their_account_was_made(
    db: Database, policy: Policy, modules: list[TrainingModule], tmp_path: Path
) -> None:
    add_team(db, "Front line")
    made = {
        "first owner": add_first_owner(
            db,
            NewStaffMember(
                name="Maja", email="maja@x.example", role="owner", password="a long password"
            ),
        ),
        "cli": add_staff(db, NewStaffMember(name="Ivo", email="ivo@x.example", role="agent")),
    }
    owner = viewer(db, made["first owner"])
    made["staff page"] = add_member(
        db,
        owner,
        NewStaffMember(name="Ana", email="ana@x.example", role="agent", team="Front line"),
    )
    staff_csv = tmp_path / "staff.csv"
    staff_csv.write_text("name,email,team,role\nLea,lea@x.example,Front line,agent\n")
    people_import.import_staff(db, staff_csv, owner)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "interaction_id,channel,agent_email,team,queued_at,answered_at\n"
        "1,phone,new@x.example,Front line,2026-11-30 09:00:00,2026-11-30 09:00:10\n"
    )
    importing.import_file(db, contacts, owner, ZONE)
    ids = dict(db.execute("SELECT email, id FROM staff").fetchall())
    made["staff csv"], made["contact import"] = ids["lea@x.example"], ids["new@x.example"]
    for how, staff_id in made.items():
        joined(db, staff_id, "2026-11-20")  # 14 days: due 4 December
        found = assignments_of(db, owner, staff_id, modules, policy, today=date(2026, 11, 25))
        assert [(a.module_id, a.due, a.source, a.state) for a in found] == [
            (POLICY_MODULE, date(2026, 12, 4), "new starter", "not_started"),
            (COMPLAINTS, date(2026, 12, 4), "new starter", "not_started"),
            (ACKNOWLEDGEMENT, date(2026, 12, 4), "new starter", "not_started"),
        ], how
    [late] = [
        a
        for a in assignments_of(db, owner, made["cli"], modules, policy, today=date(2026, 12, 7))
        if a.module_id == COMPLAINTS
    ]
    assert (late.state, late.overdue_days) == ("overdue", 3)


@pytest.fixture
def org(db: Database) -> dict[str, int]:
    add_team(db, "A")
    add_team(db, "B")
    ids = {
        key: add_staff(
            db, NewStaffMember(name=key.title(), email=f"{key}@x.example", role=role, team=team)
        )
        for key, role, team in [
            ("owner", "owner", None),
            ("ana", "agent", "A"),
            ("ben", "agent", "A"),
            ("sup_a", "supervisor", "A"),
            ("cleo", "agent", "B"),
        ]
    }
    for staff_id in ids.values():
        joined(db, staff_id, "2026-11-02")  # due 16 November
    return ids


def passed(db: Database, staff_id: int, module_id: str, day: str) -> None:
    db.execute(
        "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
        " policy_version, attempt_number, plan, started_at, last_active_at, completed_at, score,"
        " pass_mark, passed) SELECT ?, ?, 1, ?, 1, coalesce(max(attempt_number), 0) + 1, '{}', ?,"
        " ?, ?, 0.9, 0.8, true FROM training_attempts WHERE staff_id = ? AND module_id = ?",
        [staff_id, module_id, module_id, at(day), at(day), at(day), staff_id, module_id],
    )


def states(db: Database, staff_id: int, modules, policy, today: str) -> dict[str, tuple]:
    return {
        a.module_id: (a.state, a.due, a.source)
        for a in assignments_of(
            db, Viewer.local_admin(), staff_id, modules, policy, today=date.fromisoformat(today)
        )
    }


def test_an_owner_assigns_the_mandatory_training_to_a_team_by_a_date(
    db: Database, org: dict[str, int], policy: Policy, modules: list[TrainingModule]
) -> None:
    passed(db, org["ben"], COMPLAINTS, "2026-11-10")
    owner = viewer(db, org["owner"])
    with pytest.raises(AccessDenied):
        assign_mandatory(
            db, viewer(db, org["sup_a"]), modules, policy, due=date(2026, 12, 20), team_id=1
        )
    team_a = db.execute("SELECT id FROM teams WHERE name = 'A'").fetchone()[0]
    # Team A's three active people (Ana, Ben, Sup A) × two modules and the signature.
    made = assign_mandatory(
        db, owner, modules, policy, due=date(2026, 12, 20), team_id=team_a, today=date(2026, 12, 1)
    )
    assert made == 9
    ana = states(db, org["ana"], modules, policy, "2026-12-01")
    assert ana[COMPLAINTS] == ("not_started", date(2026, 12, 20), "owner")  # no longer overdue
    assert ana[ACKNOWLEDGEMENT] == ("not_started", date(2026, 12, 20), "owner")
    # Ben's pass counts for the same training: nothing left of that module.
    assert COMPLAINTS not in states(db, org["ben"], modules, policy, "2026-12-01")
    # Cleo, in team B, still has the new starter's dates: overdue since 16 November.
    assert states(db, org["cleo"], modules, policy, "2026-12-01")[COMPLAINTS] == (
        "overdue",
        date(2026, 11, 16),
        "new starter",
    )
    with pytest.raises(assignments.AssignmentError, match="in the past"):
        assign_mandatory(
            db, owner, modules, policy, due=date(2026, 11, 30), today=date(2026, 12, 1)
        )


def test_a_supervisor_assigns_a_module_to_an_agent_of_their_team_only(
    db: Database, org: dict[str, int], policy: Policy, modules: list[TrainingModule]
) -> None:
    complaints = next(m for m in modules if m.id == COMPLAINTS)
    passed(db, org["ana"], COMPLAINTS, "2026-11-10")
    supervisor = viewer(db, org["sup_a"])
    assign_module(
        db,
        supervisor,
        org["ana"],
        complaints,
        policy,
        due=date(2026, 12, 10),
        reason="Two complaints last week were not followed up",
        today=date(2026, 12, 1),
    )
    [mine] = [
        a
        for a in assignments_of(
            db, viewer(db, org["ana"]), org["ana"], modules, policy, today=date(2026, 12, 1)
        )
        if a.module_id == COMPLAINTS
    ]
    # Her pass of 10 November does not count: the supervisor asks her to take it again.
    assert (mine.state, mine.due, mine.source, mine.assigned_by_name, mine.reason) == (
        "not_started",
        date(2026, 12, 10),
        "supervisor",
        "Sup_A",
        "Two complaints last week were not followed up",
    )
    with pytest.raises(AccessDenied):  # Cleo is in team B
        assign_module(
            db, supervisor, org["cleo"], complaints, policy, due=date(2026, 12, 10), reason="x"
        )
    with pytest.raises(assignments.AssignmentError, match="say why"):
        assign_module(
            db, supervisor, org["ben"], complaints, policy, due=date(2099, 1, 1), reason=" "
        )
    # Moved to team B a moment ago: the stored row decides, not the viewer the page holds.
    set_team(db, "sup_a@x.example", "B")
    with pytest.raises(AccessDenied):
        assign_module(
            db, supervisor, org["ben"], complaints, policy, due=date(2099, 1, 1), reason="coaching"
        )
    with pytest.raises(AccessDenied):  # an agent assigns nothing
        assign_module(
            db,
            viewer(db, org["ben"]),
            org["ana"],
            complaints,
            policy,
            due=date(2099, 1, 1),
            reason="x",
        )


def test_recertification_makes_an_old_pass_expire_in_the_store(
    db: Database, org: dict[str, int], policy: Policy, modules: list[TrainingModule]
) -> None:
    training = policy.training.model_copy(update={"recertify_after_months": 12})
    yearly = policy.model_copy(update={"training": training})
    passed(db, org["ana"], COMPLAINTS, "2026-11-10")
    assert COMPLAINTS not in states(db, org["ana"], modules, yearly, "2027-11-09")
    [expired] = [
        a
        for a in assignments_of(
            db, Viewer.local_admin(), org["ana"], modules, yearly, today=date(2027, 11, 12)
        )
        if a.module_id == COMPLAINTS
    ]
    assert (expired.state, expired.due, expired.overdue_days, expired.reason) == (
        "expired",
        date(2027, 11, 10),
        2,
        "due again: the pass of 10 Nov 2026 expired after 12 months",
    )


def test_assignments_default_to_the_policy_in_force_and_the_modules_in_use(
    db: Database, org: dict[str, int], policy: Policy, modules: list[TrainingModule]
) -> None:
    from metrics import organisation

    organisation.ensure_policy_in_force(db, load_policy())
    today = date(2026, 11, 20)
    assert assignments_of(db, Viewer.local_admin(), org["ana"], today=today) == assignments_of(
        db, Viewer.local_admin(), org["ana"], modules, policy, today=today
    )
