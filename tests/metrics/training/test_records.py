"""Stored training records: attempts resume exactly, best attempt counts, certificates verify,
acknowledgements are signed by name, and nobody reads another team's records."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database
from metrics.training import records
from modules.content import TrainingModule, load_modules
from modules.engine import build_plan, choose_reply
from modules.grading import (
    ChoiceAnswer,
    OrderingAnswer,
    ReflectionAnswer,
    RolePlayAnswer,
    TrueFalseAnswer,
)
from modules.policy import load_policy
from tests.modules.test_content import VALID_MODULE, write_module


@pytest.fixture
def tiny(tmp_path: Path) -> TrainingModule:
    write_module(tmp_path / "content", VALID_MODULE)
    return load_modules(load_policy().policy, tmp_path / "content")[0].module


def viewer(db: Database, name: str, email: str, role: str, team: str | None) -> Viewer:
    staff_id = add_staff(db, NewStaffMember(name=name, email=email, role=role, team=team))
    return Viewer(staff_id=staff_id, name=name, email=email, role=role, team_id=_team(db, team))


def _team(db: Database, team: str | None) -> int | None:
    if team is None:
        return None
    row = db.execute("SELECT id FROM teams WHERE name = ?", [team]).fetchone()
    return row[0] if row else None


@pytest.fixture
def org(db: Database) -> dict[str, Viewer]:
    add_team(db, "Front line")
    add_team(db, "Billing")
    return {
        "elif": viewer(db, "Elif Yılmaz", "elif@x.example", "agent", "Front line"),
        "ana": viewer(db, "Ana Horvat", "ana@x.example", "agent", "Billing"),
        "daniel": viewer(db, "Daniel Brooks", "daniel@x.example", "supervisor", "Front line"),
        "noa": viewer(db, "Noa Levi", "noa@x.example", "supervisor", "Billing"),
    }


def test_an_answer_is_stored_at_once_and_the_attempt_resumes_where_it_stopped(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    plan = build_plan(tiny, random.Random(5))
    attempt = records.start_attempt(db, elif_, tiny, 1, plan)
    assert (attempt.attempt_number, attempt.position, attempt.in_progress) == (1, 0, True)
    records.move_to(db, elif_, attempt, 1, seconds=40)
    records.save_answer(db, elif_, attempt, tiny, "phone-time", ChoiceAnswer(selected=[0]), 25)
    records.move_to(db, elif_, attempt, 2, seconds=5)
    with pytest.raises(records.TrainingError, match="outside the attempt's plan"):
        # Past the last step is the result, reached only by finishing the attempt.
        records.move_to(db, elif_, attempt, len(plan.steps), seconds=0)

    # A new browser: nothing is held in memory, only the store.
    resumed = records.open_attempt(db, elif_, elif_.staff_id, tiny.id)
    assert resumed is not None
    assert (resumed.id, resumed.position, resumed.plan) == (attempt.id, 2, plan)
    assert resumed.time_spent_s == 70
    [stored] = records.answers_of(db, elif_, attempt.id)
    assert (stored.step_id, stored.answer, stored.credit) == (
        "phone-time",
        ChoiceAnswer(selected=[0]),
        1.0,
    )
    assert stored.answer_text == "Within 30 seconds"
    # Starting again while one is open returns the open attempt, not a parallel one.
    assert records.start_attempt(db, elif_, tiny, 1, build_plan(tiny, random.Random(6))).id == (
        attempt.id
    )


def test_a_role_play_is_saved_turn_by_turn(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    attempt = records.start_attempt(db, elif_, tiny, 1, build_plan(tiny, random.Random(1)))
    step = tiny.step("broken-kettle")
    first = choose_reply(step, None, 0)  # type: ignore[arg-type]
    saved = records.save_answer(db, elif_, attempt, tiny, step.id, first, 10)
    assert saved.credit is None  # the conversation goes on
    second = choose_reply(step, first, 1)  # type: ignore[arg-type]
    records.save_answer(db, elif_, attempt, tiny, step.id, second, 10)
    [stored] = records.answers_of(db, elif_, attempt.id)
    assert isinstance(stored.answer, RolePlayAnswer)
    assert [turn.reply for turn in stored.answer.turns] == [
        "I'm sorry, tell me what happened.",
        "Send it back and we'll see.",
    ]
    assert (stored.answer.outcome, stored.credit) == ("kept", 0.75)  # 3 of the best path's 4
    assert stored.answer_text.splitlines() == [
        "Customer: My kettle broke after a week!",
        "Agent: I'm sorry, tell me what happened. (2 of 2)",
        "Customer: It just stopped.",
        "Agent: Send it back and we'll see. (1 of 2)",
        "Customer: Thank you!",
        "Outcome: customer kept",
    ]


def finish(
    db: Database, who: Viewer, module: TrainingModule, right: bool
) -> records.Certificate | None:
    plan = build_plan(module, random.Random(2))
    attempt = records.start_attempt(db, who, module, 1, plan)
    answers = {
        "phone-time": ChoiceAnswer(selected=[0 if right else 1]),
        "policy-excuse": TrueFalseAnswer(value=not right),
        "steps": OrderingAnswer(order=[0, 1, 2] if right else [2, 1, 0]),
        "reflect": ReflectionAnswer(text="Listen first, then act."),
    }
    for step_id, answer in answers.items():
        records.save_answer(db, who, attempt, module, step_id, answer, 30)
    records.finish_attempt(db, who, attempt, module, pass_mark=0.4, seconds=30)
    return records.certificate_for_attempt(db, who, attempt.id)


def test_the_best_attempt_counts_and_a_pass_issues_a_certificate(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    assert finish(db, elif_, tiny, right=False) is None  # 0 of 7
    progress = records.module_progress(db, elif_, elif_.staff_id)[tiny.id]
    assert (progress.state, progress.best_score, progress.attempts) == ("not passed", 0.0, 1)

    certificate = finish(db, elif_, tiny, right=True)  # 3 of 7 = 0.43 ≥ 0.4
    assert certificate is not None
    assert certificate.score == pytest.approx(3 / 7)
    assert certificate.staff_name == "Elif Yılmaz"
    progress = records.module_progress(db, elif_, elif_.staff_id)[tiny.id]
    assert (progress.state, progress.attempts) == ("passed", 2)
    assert progress.best_score == pytest.approx(3 / 7)
    assert progress.certificate_code == certificate.code

    attempts = records.attempts_of(db, elif_, elif_.staff_id)
    assert [a.attempt_number for a in attempts] == [2, 1]
    assert [a.passed for a in attempts] == [True, False]


def test_a_finished_attempt_takes_no_more_answers(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    finish(db, elif_, tiny, right=True)
    [attempt] = records.attempts_of(db, elif_, elif_.staff_id)
    with pytest.raises(records.TrainingError, match="finished"):
        records.save_answer(db, elif_, attempt, tiny, "phone-time", ChoiceAnswer(selected=[1]), 1)


def test_supervisors_verify_certificates_typed_loosely(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    certificate = finish(db, org["elif"], tiny, right=True)
    assert certificate is not None
    typed = certificate.code.lower().replace("-", " ")
    found = records.verify_certificate(db, org["noa"], typed)
    assert found == certificate
    assert records.verify_certificate(db, org["noa"], "SA-AAAA-AAAA") is None
    with pytest.raises(AccessDenied):
        records.verify_certificate(db, org["ana"], certificate.code)


def test_the_policy_is_signed_with_the_full_name_after_passing(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    with pytest.raises(records.TrainingError, match="pass the policy module"):
        records.acknowledge_policy(db, elif_, 1, "Elif Yılmaz", tiny.id)
    finish(db, elif_, tiny, right=True)
    with pytest.raises(records.TrainingError, match=r"exactly as it is on the staff list"):
        records.acknowledge_policy(db, elif_, 1, "Elif", tiny.id)
    # Any case and spacing will do; what was typed is kept as typed.
    signed = records.acknowledge_policy(db, elif_, 1, "  elif   yılmaz ", tiny.id)
    assert (signed.policy_version, signed.typed_name) == (1, "elif   yılmaz")
    again = records.acknowledge_policy(db, elif_, 1, "Elif Yılmaz", tiny.id)
    assert again.acknowledged_at == signed.acknowledged_at  # the first signature stands
    assert records.acknowledgements_of(db, org["daniel"], elif_.staff_id) == [signed]


def test_records_are_visible_to_the_person_and_their_supervisor_only(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    finish(db, elif_, tiny, right=True)
    [attempt] = records.attempts_of(db, org["daniel"], elif_.staff_id)
    assert len(records.answers_of(db, org["daniel"], attempt.id)) == 4
    for outsider in (org["noa"], org["ana"]):
        with pytest.raises(AccessDenied):
            records.attempts_of(db, outsider, elif_.staff_id)
        with pytest.raises(AccessDenied):
            records.answers_of(db, outsider, attempt.id)
    # Only the person taking the training answers for it, not even their supervisor.
    new = records.start_attempt(db, elif_, tiny, 1, build_plan(tiny, random.Random(1)))
    with pytest.raises(AccessDenied):
        records.move_to(db, org["daniel"], new, 1, 0)


def test_team_training_lists_each_agents_standing_and_due_date(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    policy = load_policy().policy
    finish(db, org["elif"], tiny, right=False)
    joined = db.execute("SELECT CAST(created_at AS DATE) FROM staff LIMIT 1").fetchone()[0]
    due = max(joined, policy.effective_from) + timedelta(days=policy.training.due_within_days)
    table = records.training_standing(db, org["daniel"], [tiny], policy, today=due)
    [row] = table.to_dict("records")
    assert (row["name"], row["state"], row["best_score"], row["attempts"]) == (
        "Elif Yılmaz",
        "not passed",
        0.0,
        1,
    )
    assert row["due"].date() == due and not row["overdue"]  # due today is not yet overdue
    late = records.training_standing(
        db, org["daniel"], [tiny], policy, today=due + timedelta(days=1)
    )
    assert late["overdue"].tolist() == [True]
    everyone = records.training_standing(db, Viewer.local_admin(), [tiny], policy, today=due)
    assert sorted(everyone["name"]) == ["Ana Horvat", "Elif Yılmaz"]
    assert everyone.set_index("name").loc["Ana Horvat", "state"] == "not started"
    with pytest.raises(AccessDenied):
        records.training_standing(db, org["ana"], [tiny], policy)
    [mine] = records.training_standing(
        db, org["daniel"], [tiny], policy, staff_id=org["daniel"].staff_id
    ).to_dict("records")
    assert (mine["name"], mine["state"], mine["attempts"]) == ("Daniel Brooks", "not started", 0)
