"""What is left to do, as Home says it: one's own modules and signature, and whom a supervisor
or owner has to chase; worked out on hand-made people and dates."""

from __future__ import annotations

import random
from datetime import date

import pytest

from metrics.organisation import ensure_policy_in_force
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database
from metrics.training import records
from metrics.training.to_do import overdue_people, training_left
from modules.content import (
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    Reflection,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
    load_modules,
)
from modules.engine import choose_reply
from modules.grading import (
    AnyAnswer,
    ChoiceAnswer,
    MatchingAnswer,
    OrderingAnswer,
    ReflectionAnswer,
    RolePlayAnswer,
    TrueFalseAnswer,
)
from modules.policy import Policy, load_policy

JOINED = "2026-11-20 08:00:00+00"  # a Friday; the policy gives 14 days: due 4 December


def right_answer_to(step: PlayableStep) -> AnyAnswer | None:
    """The answer the module's key asks for, worked out from the content."""
    if isinstance(step, SingleChoice | MultipleChoice):
        return ChoiceAnswer(selected=[i for i, o in enumerate(step.options) if o.correct])
    if isinstance(step, TrueFalse):
        return TrueFalseAnswer(value=step.answer)
    if isinstance(step, Ordering):
        return OrderingAnswer(order=list(range(len(step.items))))
    if isinstance(step, Matching):
        return MatchingAnswer(picked=[pair.answer for pair in step.pairs])
    if isinstance(step, RolePlay):
        play: RolePlayAnswer | None = None
        for _, reply in step.best_path():
            play = choose_reply(step, play, reply)
        return play
    if isinstance(step, Reflection):
        return ReflectionAnswer(text="I will repeat the problem back before I offer anything.")
    assert isinstance(step, Lesson)
    return None


def pass_module(db: Database, who: Viewer, module: TrainingModule, policy: Policy) -> None:
    """Take `module` as `who`, every answer right, through the records' own functions."""
    attempt = records.start_attempt(db, who, module, policy.version, random.Random(3))
    for planned in attempt.plan.steps:
        answer = right_answer_to(module.step(planned.step_id))
        if answer is not None:
            records.save_answer(db, who, attempt, module, planned.step_id, answer, 20)
    result = records.finish_attempt(db, who, attempt, module, policy.training.pass_mark, 20)
    assert result.passed


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy().policy


@pytest.fixture(scope="module")
def shipped(policy: Policy) -> dict[str, TrainingModule]:
    return {loaded.module.id: loaded.module for loaded in load_modules(policy)}


def person(db: Database, name: str, email: str, role: str, team: str | None) -> Viewer:
    staff_id = add_staff(db, NewStaffMember(name=name, email=email, role=role, team=team))
    db.execute("UPDATE staff SET created_at = ?::TIMESTAMPTZ WHERE id = ?", [JOINED, staff_id])
    row = db.execute("SELECT team_id FROM staff WHERE id = ?", [staff_id]).fetchone()
    assert row is not None
    return Viewer(staff_id=staff_id, name=name, email=email, role=role, team_id=row[0])


@pytest.fixture
def org(db: Database) -> dict[str, Viewer]:
    ensure_policy_in_force(db, load_policy())  # version 1 in force, as in any store
    add_team(db, "Front line")
    add_team(db, "Billing")
    return {
        "elif": person(db, "Elif Yılmaz", "elif@x.example", "agent", "Front line"),
        "luka": person(db, "Luka Babić", "luka@x.example", "agent", "Front line"),
        "ana": person(db, "Ana Horvat", "ana@x.example", "agent", "Billing"),
        "daniel": person(db, "Daniel Brooks", "daniel@x.example", "supervisor", "Front line"),
        "noa": person(db, "Noa Levi", "noa@x.example", "supervisor", "Billing"),
        "maja": person(db, "Maja Kovač", "maja@x.example", "owner", None),
    }


def test_an_agent_has_the_modules_then_the_signature_then_nothing_left(
    db: Database, org: dict[str, Viewer], shipped: dict[str, TrainingModule], policy: Policy
) -> None:
    elif_, modules = org["elif"], list(shipped.values())
    today = date(2026, 11, 25)
    left = training_left(db, elif_, modules, policy, today=today)
    assert [(m.title, m.state, m.due, m.overdue) for m in left.modules] == [
        ("Our customer-service policy", "not started", date(2026, 12, 4), False),
        ("Handling complaints", "not started", date(2026, 12, 4), False),
    ]
    assert (left.to_sign, left.nothing_left) == (False, False)  # the module comes first

    pass_module(db, elif_, shipped["customer-service-policy"], policy)
    left = training_left(db, elif_, modules, policy, today=today)
    assert [m.title for m in left.modules] == ["Handling complaints"]
    assert left.to_sign and left.signing_module_title == "Our customer-service policy"

    pass_module(db, elif_, shipped["handling-complaints"], policy)
    left = training_left(db, elif_, modules, policy, today=today)
    assert left.modules == [] and left.to_sign and not left.nothing_left

    records.acknowledge_policy(db, elif_, policy.version, "Elif Yilmaz", "customer-service-policy")
    left = training_left(db, elif_, modules, policy, today=today)
    assert (left.modules, left.to_sign, left.nothing_left) == ([], False, True)


def test_what_is_overdue_comes_first(
    db: Database, org: dict[str, Viewer], shipped: dict[str, TrainingModule], policy: Policy
) -> None:
    elif_, modules = org["elif"], list(shipped.values())
    records.start_attempt(db, elif_, shipped["handling-complaints"], 1, random.Random(1))
    db.execute(
        "UPDATE staff SET created_at = '2026-11-10 08:00:00+00' WHERE id = ?", [elif_.staff_id]
    )
    # Joined on 10 November: due 24 November, overdue from the 25th, passed or not.
    left = training_left(db, elif_, modules, policy, today=date(2026, 11, 25))
    assert [(m.title, m.state, m.overdue) for m in left.modules] == [
        ("Our customer-service policy", "not started", True),
        ("Handling complaints", "in progress", True),
    ]
    assert (
        not training_left(db, elif_, modules, policy, today=date(2026, 11, 24)).modules[0].overdue
    )


def test_a_supervisor_chases_their_team_and_an_owner_everyone(
    db: Database, org: dict[str, Viewer], shipped: dict[str, TrainingModule], policy: Policy
) -> None:
    modules = list(shipped.values())
    for module in modules:
        pass_module(db, org["luka"], module, policy)  # Luka is done
    pass_module(db, org["ana"], shipped["customer-service-policy"], policy)
    db.execute(
        "UPDATE staff SET created_at = '2026-11-01 08:00:00+00' WHERE id = ?", [org["ana"].staff_id]
    )
    today = date(2026, 12, 5)  # Elif's modules were due on the 4th, Ana's on 15 November
    chased = overdue_people(db, org["daniel"], modules, policy, today=today)
    assert [(p.name, p.team, p.modules, p.since) for p in chased] == [
        (
            "Elif Yılmaz",
            "Front line",
            ["Our customer-service policy", "Handling complaints"],
            date(2026, 12, 4),
        )
    ]
    assert [p.name for p in overdue_people(db, org["noa"], modules, policy, today=today)] == [
        "Ana Horvat"
    ]
    everyone = overdue_people(db, org["maja"], modules, policy, today=today)
    assert [(p.name, p.modules, p.since) for p in everyone] == [
        ("Ana Horvat", ["Handling complaints"], date(2026, 11, 15)),  # longest overdue first
        ("Elif Yılmaz", ["Our customer-service policy", "Handling complaints"], date(2026, 12, 4)),
    ]
    assert overdue_people(db, org["maja"], modules, policy, today=date(2026, 11, 15)) == []
    with pytest.raises(AccessDenied):
        overdue_people(db, org["elif"], modules, policy, today=today)
