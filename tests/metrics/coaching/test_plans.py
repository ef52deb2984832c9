"""Coaching plans in a small store: who may open, read, acknowledge, comment, extend and close
them, each refusal, and one goal before and since on contacts counted by hand.

The plan is opened on Wednesday 11 Nov 2026 (10:00 UTC, 11:00 in the policy's Zagreb). Ana's
phone contacts, one a day at 09:00 UTC, answered in 10 s (within the standard):
- 28 Oct .. 6 Nov: 10 contacts, the first 5 resolved → before the plan: 5 of 10 resolved;
- 12 .. 21 Nov: 10 contacts, 9 resolved → since: 9 of 10.
On 26 Nov the two whole weeks are 28 Oct–10 Nov and 12–25 Nov (tests/…/test_before_after.py).
Wilson 5 of 10: centre 0.5, half = 1.959964·√(0.025 + 0.0096037) ÷ 1.384146 = 0.263407 →
[0.236593, 0.763407]; 9 of 10: centre = (0.9 + 0.192073) ÷ 1.384146 = 0.788987, half =
1.959964·√(0.009 + 0.0096037) ÷ 1.384146 = 0.193137 → [0.595850, 0.982124]. Newcombe low =
0.4 − √((0.9 − 0.595850)² + (0.763407 − 0.5)²) = 0.4 − 0.402356 = −0.002356: met (0.9 ≥ 0.75,
10 ≥ the minimum of 3) but within the noise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from metrics.coaching import plans
from metrics.coaching.plans import NewGoal, NewObservation, NewPlan, NewRefresher, PlanChanged
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database
from modules.content import TrainingModule, load_modules
from modules.policy import Policy, load_policy

OPENED = "2026-11-11T10:00:00+00:00"
REVIEW = "2026-11-26T10:00:00+00:00"


@pytest.fixture
def modules() -> list[TrainingModule]:
    # The shipped policy's modules: the test's minimum of 3 would make a question read twice.
    return [loaded.module for loaded in load_modules(load_policy().policy)]


@pytest.fixture
def people(db: Database) -> dict[str, Viewer]:
    add_team(db, "A")
    add_team(db, "B")
    found = {}
    for key, role, team in [
        ("ana", "agent", "A"),
        ("ben", "agent", "A"),
        ("cleo", "agent", "B"),
        ("sup_a", "supervisor", "A"),
        ("sup_b", "supervisor", "B"),
        ("owner", "owner", None),
    ]:
        staff_id = add_staff(
            db, NewStaffMember(name=key.title(), email=f"{key}@x.example", role=role, team=team)
        )
        viewer = staff_viewer(db, staff_id)
        assert viewer is not None
        found[key] = viewer
    ana = found["ana"].staff_id
    days = [date(2026, 10, 28) + timedelta(days=i) for i in range(10)]
    days += [date(2026, 11, 12) + timedelta(days=i) for i in range(10)]
    for i, day in enumerate(days, start=1):
        queued = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        resolved = i <= 5 if i <= 10 else i != 20
        db.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, resolved_at, abandoned, resolved)"
            " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, ?, false, ?)",
            [
                i,
                str(i),
                ana,
                found["ana"].team_id,
                queued,
                queued + timedelta(seconds=10),
                queued + timedelta(seconds=10) if resolved else None,
                resolved,
            ],
        )
    return found


def new_plan(agent: Viewer, **changes: object) -> NewPlan:
    fields: dict[str, object] = {
        "agent_id": agent.staff_id,
        "opened_from": "candidate",
        "focus": ["resolution_rate"],
        "focus_from": date(2026, 10, 28),
        "focus_to": date(2026, 11, 6),
        "observations": [NewObservation(observed="Closes chats before the fix", interaction_id=3)],
        "goals": [NewGoal(metric="resolution_rate", target=0.75, due=date(2026, 11, 25))],
        "review_on": date(2026, 11, 26),
    }
    fields.update(changes)
    return NewPlan.model_validate(fields)


@pytest.fixture
def opened(
    db: Database,
    people: dict[str, Viewer],
    policy: Policy,
    modules: list[TrainingModule],
    monkeypatch: pytest.MonkeyPatch,
) -> int:
    monkeypatch.setenv("ACADEMY_NOW", OPENED)
    refresher = NewRefresher(module_id=modules[0].id, due=date(2026, 11, 20))
    return plans.open_plan(
        db, people["sup_a"], policy, modules, new_plan(people["ana"], refreshers=[refresher])
    )


def test_a_supervisor_opens_a_plan_with_its_focus_goal_observation_and_refresher(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    opened: int,
) -> None:  # fmt: skip
    plan = plans.get_plan(db, people["ana"], opened, modules, policy)
    assert plan.agent == "Ana" and plan.opened_from == "candidate" and plan.is_open
    assert (plan.focus_from, plan.focus_to) == (date(2026, 10, 28), date(2026, 11, 6))
    [focus] = plan.focus
    # 28 Oct .. 6 Nov: 5 of 10 resolved, against the policy's 0.75.
    assert (focus.metric, focus.value, focus.n, focus.target) == ("resolution_rate", 0.5, 10, 0.75)
    assert focus.low == pytest.approx(0.236593, abs=1e-5)
    [observation] = plan.observations
    assert (observation.evidence_kind, observation.interaction_id) == ("contact", 3)
    [refresher] = plan.refreshers
    assert refresher.module_id == modules[0].id and refresher.due == date(2026, 11, 20)
    assert not refresher.taken
    stored = db.execute(
        "SELECT staff_id, item, source, fresh_pass FROM training_assignments WHERE id = ?",
        [refresher.assignment_id],
    ).fetchone()
    assert stored == (people["ana"].staff_id, modules[0].id, "supervisor", True)


def test_without_dates_the_focus_is_the_last_four_weeks_ending_yesterday(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-22T10:00:00+00:00")
    plan_id = plans.open_plan(
        db, people["sup_a"], policy, modules,
        new_plan(people["ana"], focus_from=None, focus_to=None, review_on=date(2026, 12, 10)),
    )  # fmt: skip
    plan = plans.get_plan(db, people["sup_a"], plan_id, modules, policy)
    # 25 Oct .. 21 Nov holds all 20 contacts: 5 + 9 resolved.
    assert (plan.focus_from, plan.focus_to) == (date(2026, 10, 25), date(2026, 11, 21))
    assert (plan.focus[0].n, plan.focus[0].value) == (20, 14 / 20)


def test_a_supervisor_of_another_team_cannot_open_a_plan_and_nothing_is_stored(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACADEMY_NOW", OPENED)
    refresher = NewRefresher(module_id=modules[0].id, due=date(2026, 11, 20))
    with pytest.raises(AccessDenied):
        plans.open_plan(
            db, people["sup_b"], policy, modules, new_plan(people["ana"], refreshers=[refresher])
        )
    with pytest.raises(AccessDenied):  # nor an agent, for a colleague
        plans.open_plan(db, people["ben"], policy, modules, new_plan(people["ana"]))
    assert db.execute("SELECT count(*) FROM coaching_plans").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM training_assignments").fetchone() == (0,)


def test_the_team_is_checked_against_the_stored_row_inside_the_transaction(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACADEMY_NOW", OPENED)
    # The supervisor's viewer was built while Ana was in team A; she has moved to B since.
    db.execute(
        "UPDATE staff SET team_id = ? WHERE id = ?",
        [people["cleo"].team_id, people["ana"].staff_id],
    )
    with pytest.raises(AccessDenied):
        plans.open_plan(db, people["sup_a"], policy, modules, new_plan(people["ana"]))


def test_evidence_must_be_the_agents_own(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACADEMY_NOW", OPENED)
    db.execute("UPDATE interactions SET agent_id = ? WHERE id = 3", [people["ben"].staff_id])
    with pytest.raises(plans.PlanError, match="contact 3 is not one this agent handled"):
        plans.open_plan(db, people["sup_a"], policy, modules, new_plan(people["ana"]))
    with pytest.raises(plans.PlanError, match="complaint 99"):
        plans.open_plan(
            db, people["sup_a"], policy, modules,
            new_plan(people["ana"], observations=[NewObservation(observed="x", complaint_id=99)]),
        )  # fmt: skip
    with pytest.raises(plans.PlanError, match="attempt 7"):
        plans.open_plan(
            db, people["sup_a"], policy, modules,
            new_plan(
                people["ana"],
                observations=[NewObservation(observed="x", attempt_id=7, step_id="s1")],
            ),
        )  # fmt: skip
    assert db.execute("SELECT count(*) FROM coaching_plans").fetchone() == (0,)


def test_each_reader_sees_only_the_plans_in_their_scope(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    opened: int,
) -> None:  # fmt: skip
    assert [p.id for p in plans.plans_in_scope(db, people["ana"])] == [opened]
    assert [p.id for p in plans.plans_in_scope(db, people["sup_a"])] == [opened]
    assert [p.id for p in plans.plans_in_scope(db, people["owner"])] == [opened]
    assert plans.plans_in_scope(db, people["ben"]) == []
    assert plans.plans_in_scope(db, people["sup_b"]) == []
    for outsider in ("ben", "sup_b", "cleo"):
        with pytest.raises(AccessDenied):
            plans.get_plan(db, people[outsider], opened, modules, policy)


def test_only_the_agent_acknowledges_and_only_once(
    db: Database, people: dict[str, Viewer], opened: int
) -> None:
    with pytest.raises(AccessDenied):
        plans.acknowledge(db, people["sup_a"], opened)
    with pytest.raises(AccessDenied):
        plans.acknowledge(db, people["ben"], opened)
    plans.acknowledge(db, people["ana"], opened)
    with pytest.raises(PlanChanged, match="already"):  # the second tab is told
        plans.acknowledge(db, people["ana"], opened)
    row = db.execute("SELECT acknowledged_at FROM coaching_plans WHERE id = ?", [opened])
    assert row.fetchone() == (datetime.fromisoformat(OPENED),)


def test_comments_by_the_agent_and_their_supervisor_only(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    opened: int,
) -> None:  # fmt: skip
    plans.comment(db, people["ana"], opened, "I will ask before closing chats")
    plans.comment(db, people["sup_a"], opened, "Good, let us look again in two weeks")
    for outsider in ("ben", "sup_b"):
        with pytest.raises(AccessDenied):
            plans.comment(db, people[outsider], opened, "not mine to say")
    with pytest.raises(plans.PlanError, match="write a comment"):
        plans.comment(db, people["ana"], opened, "   ")
    notes = plans.get_plan(db, people["ana"], opened, modules, policy).notes
    assert [(n.kind, n.written_by_name) for n in notes] == [
        ("comment", "Ana"),
        ("comment", "Sup_A"),
    ]


def test_an_extension_moves_the_review_later_and_a_stale_tab_is_told(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    opened: int,
) -> None:  # fmt: skip
    with pytest.raises(plans.PlanError, match="after the current one"):
        plans.extend(
            db, people["sup_a"], opened, date(2026, 11, 26), "same day",
            seen_review_on=date(2026, 11, 26),
        )  # fmt: skip
    with pytest.raises(AccessDenied):
        plans.extend(
            db, people["ana"], opened, date(2026, 12, 3), "more time",
            seen_review_on=date(2026, 11, 26),
        )  # fmt: skip
    plans.extend(
        db, people["sup_a"], opened, date(2026, 12, 3), "a week more: holidays",
        seen_review_on=date(2026, 11, 26),
    )  # fmt: skip
    with pytest.raises(PlanChanged, match="moved to 03 Dec 2026 meanwhile"):
        plans.extend(
            db, people["owner"], opened, date(2026, 12, 10), "two weeks",
            seen_review_on=date(2026, 11, 26),
        )  # fmt: skip
    plan = plans.get_plan(db, people["sup_a"], opened, modules, policy)
    assert plan.review_on == date(2026, 12, 3)
    assert [(n.kind, n.review_on) for n in plan.notes] == [("extended", date(2026, 12, 3))]


def test_at_the_review_the_goal_is_judged_and_closing_keeps_the_judgement(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    opened: int, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    plan = plans.get_plan(db, people["sup_a"], opened, modules, policy)
    assert not plans.review_due(plan, policy)  # 11 Nov, the review is on 26 Nov
    monkeypatch.setenv("ACADEMY_NOW", REVIEW)
    assert plans.review_due(plan, policy)
    [judged] = plans.before_and_after(db, people["sup_a"], plan, policy)
    assert judged.weeks is not None and judged.weeks.weeks == 2
    assert judged.before is not None and judged.since is not None
    assert (judged.before.successes, judged.before.n) == (5, 10)
    assert (judged.since.successes, judged.since.n) == (9, 10)
    assert judged.since.low == pytest.approx(0.595850, abs=1e-5)
    assert judged.since.high == pytest.approx(0.982124, abs=1e-5)
    assert judged.verdict == "met"
    assert judged.interval is not None
    assert judged.interval[0] == pytest.approx(-0.002356, abs=1e-5)
    assert judged.change == "within the noise"
    # The agent reads the same numbers (their own).
    assert plans.before_and_after(db, people["ana"], plan, policy) == [judged]

    with pytest.raises(AccessDenied):
        plans.close(db, people["sup_b"], opened, "not mine", [judged])
    plans.close(db, people["sup_a"], opened, "Resolution is up; keep asking", [judged])
    with pytest.raises(PlanChanged, match="closed already"):  # the second tab
        plans.close(db, people["owner"], opened, "again", [judged])
    with pytest.raises(PlanChanged):
        plans.extend(
            db, people["sup_a"], opened, date(2026, 12, 20), "more",
            seen_review_on=date(2026, 11, 26),
        )  # fmt: skip
    with pytest.raises(PlanChanged):
        plans.acknowledge(db, people["ana"], opened)
    closed = plans.get_plan(db, people["ana"], opened, modules, policy)
    assert not closed.is_open and closed.closing_note == "Resolution is up; keep asking"
    [goal] = closed.goal_list
    assert (goal.closed_value, goal.closed_n, goal.met) == (0.9, 10, True)
    assert closed.goals_met == 1


def test_history_lists_open_plans_first(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    opened: int, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACADEMY_NOW", REVIEW)
    plan = plans.get_plan(db, people["sup_a"], opened, modules, policy)
    plans.close(
        db,
        people["sup_a"],
        opened,
        "done",
        plans.before_and_after(db, people["sup_a"], plan, policy),
    )
    second = plans.open_plan(
        db, people["sup_a"], policy, modules,
        new_plan(
            people["ana"], goals=[NewGoal(metric="csat", target=0.85, due=date(2026, 12, 20))],
            review_on=date(2026, 12, 20),
        ),
    )  # fmt: skip
    history = plans.plans_in_scope(db, people["ana"], agent_id=people["ana"].staff_id)
    assert [p.id for p in history] == [second, opened]
    assert [p.id for p in plans.open_plans_of(db, people["ana"], people["ana"].staff_id)] == [
        second
    ]


def test_form_input_is_refused_with_a_reason(
    db: Database, people: dict[str, Viewer], policy: Policy, modules: list[TrainingModule],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACADEMY_NOW", OPENED)
    with pytest.raises(plans.PlanError, match="not after today"):
        plans.open_plan(
            db, people["sup_a"], policy, modules,
            new_plan(people["ana"], review_on=date(2026, 11, 11)),
        )  # fmt: skip
    with pytest.raises(plans.PlanError, match="names that complaint"):
        plans.open_plan(
            db, people["sup_a"], policy, modules, new_plan(people["ana"], opened_from="complaint")
        )
    with pytest.raises(plans.PlanError, match="no training module 'nope'"):
        plans.open_plan(
            db, people["sup_a"], policy, modules,
            new_plan(
                people["ana"], refreshers=[NewRefresher(module_id="nope", due=date(2026, 11, 20))]
            ),
        )  # fmt: skip
    with pytest.raises(plans.PlanError, match="not an agent"):
        plans.open_plan(db, people["owner"], policy, modules, new_plan(people["sup_a"]))
