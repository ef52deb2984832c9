"""Stored training records: attempts resume exactly, best attempt counts, certificates verify,
acknowledgements are signed by name, and nobody reads another team's records."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from metrics.organisation import ensure_policy_in_force
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database
from metrics.training import records
from modules.content import TrainingModule, load_modules
from modules.engine import choose_reply
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
    ensure_policy_in_force(db, load_policy())  # version 1 in force, as in any store
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
    attempt = records.start_attempt(db, elif_, tiny, 1, random.Random(5))
    plan = attempt.plan
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
    # Starting again while one is open is refused, naming the open attempt to continue.
    with pytest.raises(records.AttemptAlreadyOpen) as already:
        records.start_attempt(db, elif_, tiny, 1, random.Random(6))
    assert already.value.attempt.id == attempt.id


def test_a_retake_is_planned_against_the_stored_attempt_before_it(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    finish(db, elif_, tiny, right=False)
    for _ in range(5):
        finish(db, elif_, tiny, right=False)
        retake, first = records.attempts_of(db, elif_, elif_.staff_id)[:2]  # newest first
        drawn = [{s for s in a.plan.step_ids if s.startswith("pool-")} for a in (first, retake)]
        assert drawn[0] != drawn[1]  # the pool's other question, every time
        order = {a.id: a.plan.steps[a.plan.index_of("record")].shuffle for a in (first, retake)}
        assert order[first.id] != order[retake.id]  # asked again, in a new order


def test_a_role_play_is_saved_turn_by_turn(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    attempt = records.start_attempt(db, elif_, tiny, 1, random.Random(1))
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
    plan = random.Random(2)
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
    with pytest.raises(records.TrainingError, match=r"^Pass the policy module"):
        records.acknowledge_policy(db, elif_, 1, "Elif Yılmaz", tiny.id)
    finish(db, elif_, tiny, right=True)
    for wrong in ("Elif", "Elif Yilmazz", "Yılmaz Elif"):
        with pytest.raises(records.TrainingError) as refused:
            records.acknowledge_policy(db, elif_, 1, wrong, tiny.id)
        assert str(refused.value) == (
            "Type your full name as it is on the staff list (Elif Yılmaz) to sign; capitals "
            "and accents do not matter."
        )
    # Any case and spacing will do; what was typed is kept as typed.
    signed = records.acknowledge_policy(db, elif_, 1, "  elif   yılmaz ", tiny.id)
    assert (signed.policy_version, signed.typed_name) == (1, "elif   yılmaz")
    again = records.acknowledge_policy(db, elif_, 1, "Elif Yılmaz", tiny.id)
    assert again.acknowledged_at == signed.acknowledged_at  # the first signature stands
    assert records.acknowledgements_of(db, org["daniel"], elif_.staff_id) == [signed]


# Names as the staff list holds them, and as someone without that keyboard types them: letters
# with accents that Unicode decomposes (š, ā, ç, niqqud), and letters it does not (ı, İ, đ, ł,
# ø, ß, æ), which people type as their nearest plain letters.
@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Elif Yılmaz", "Elif Yilmaz"),  # Turkish dotless ı
        ("Elif Yılmaz", "ELİF YILMAZ"),  # Turkish capital dotted İ
        ("İsmail Çelik", "ismail celik"),
        ("Oğuz Şahin", "Oguz Sahin"),
        ("Đurđica Šimić", "Durdica Simic"),  # Croatian đ
        ("Marija Šimić", "MARIJA SIMIC"),
        ("Kārlis Bērziņš", "Karlis Berzins"),  # Latvian
        ("Līga Krūmiņa", "liga krumina"),
        ("נוֹעָה לֵוִי", "נועה לוי"),  # Hebrew, with and without its vowel points
        ("Noa Levi", "noa levi"),
        ("Łukasz Wróbel", "Lukasz Wrobel"),
        ("Søren Ærø", "Soren Aero"),
        ("Jürgen Großmann", "Jurgen Grossmann"),
        ("Siobhán O’Brien", "Siobhan O'Brien"),
    ],
)
def test_a_name_signs_whatever_its_case_and_accents_and_is_kept_as_typed(
    db: Database, tiny: TrainingModule, stored: str, typed: str
) -> None:
    ensure_policy_in_force(db, load_policy())
    person = viewer(db, stored, "person@x.example", "agent", None)
    finish(db, person, tiny, right=True)
    signed = records.acknowledge_policy(db, person, 1, f" {typed} ", tiny.id)
    assert signed.typed_name == typed


def test_a_different_name_does_not_sign_even_when_only_letters_differ(
    db: Database, tiny: TrainingModule
) -> None:
    person = viewer(db, "Ana Horvat", "ana@x.example", "agent", None)
    finish(db, person, tiny, right=True)
    for other in ("Ana Horvath", "Ane Horvat", "Ana"):
        with pytest.raises(records.TrainingError, match=r"^Type your full name"):
            records.acknowledge_policy(db, person, 1, other, tiny.id)


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
    new = records.start_attempt(db, elif_, tiny, 1, random.Random(1))
    with pytest.raises(AccessDenied):
        records.move_to(db, org["daniel"], new, 1, 0)


def test_team_training_lists_each_agents_standing_and_due_date(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    policy = load_policy().policy
    finish(db, org["elif"], tiny, right=False)
    # The day joined is the local day in the policy's zone, as the standing reads it.
    created = db.execute("SELECT created_at FROM staff LIMIT 1").fetchone()[0]
    joined = created.astimezone(ZoneInfo(policy.business_hours.timezone)).date()
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


# -- two tabs, same person -------------------------------------------------------------------
# Each browser tab holds its own copy of the attempt it shows; the store decides, inside the
# write's transaction, against the stored row.

TABS = 8  # browser tabs (threads, each on its own cursor) acting at the same moment
WRONG = {
    "phone-time": ChoiceAnswer(selected=[1]),
    "policy-excuse": TrueFalseAnswer(value=True),
    "steps": OrderingAnswer(order=[2, 1, 0]),
    "reflect": ReflectionAnswer(text="Listen first, then act."),
}


def at_once(tabs: int, work: Callable[[int], object]) -> list[object]:
    """`work(tab)` in `tabs` threads released together; what each returned or raised."""
    start = threading.Barrier(tabs)

    def tab(number: int) -> object:
        start.wait()
        try:
            return work(number)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(tabs) as pool:
        return list(pool.map(tab, range(tabs)))


def stored_attempts(db: Database) -> list[tuple]:
    return db.execute(
        "SELECT id, attempt_number, completed_at IS NULL FROM training_attempts ORDER BY id"
    ).fetchall()


def test_an_answer_from_a_tab_whose_attempt_was_finished_in_another_is_refused(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    first_tab = records.start_attempt(db, elif_, tiny, 1, random.Random(2))
    second_tab = records.open_attempt(db, elif_, elif_.staff_id, tiny.id)  # the same attempt
    assert second_tab is not None and second_tab.in_progress
    for step_id, answer in WRONG.items():
        records.save_answer(db, elif_, first_tab, tiny, step_id, answer, 30)
    records.finish_attempt(db, elif_, first_tab, tiny, pass_mark=0.4, seconds=30)
    finished = records.get_attempt(db, elif_, first_tab.id)
    answered = records.answers_of(db, elif_, first_tab.id)
    assert finished.score == 0.0

    # The second tab still shows the attempt open and answers the question right.
    with pytest.raises(records.AttemptFinished) as refused:
        records.save_answer(
            db, elif_, second_tab, tiny, "phone-time", ChoiceAnswer(selected=[0]), 5
        )
    assert refused.value.attempt == finished  # the page shows this attempt's result
    with pytest.raises(records.AttemptFinished):
        records.move_to(db, elif_, second_tab, 2, 5)
    with pytest.raises(records.AttemptFinished):
        records.finish_attempt(db, elif_, second_tab, tiny, pass_mark=0.4, seconds=5)
    assert records.answers_of(db, elif_, first_tab.id) == answered  # credit 0 stays 0
    assert records.get_attempt(db, elif_, first_tab.id) == finished
    assert records.certificate_for_attempt(db, elif_, first_tab.id) is None


def test_starting_one_module_in_many_tabs_at_once_opens_one_attempt(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    outcomes = at_once(
        TABS,
        lambda tab: records.start_attempt(db, elif_, tiny, 1, random.Random(tab)),
    )
    started = [o for o in outcomes if isinstance(o, records.Attempt)]
    refused = [o for o in outcomes if not isinstance(o, records.Attempt)]
    assert len(started) == 1, outcomes
    assert all(isinstance(o, records.AttemptAlreadyOpen) for o in refused), refused
    assert {o.attempt.id for o in refused} <= {started[0].id}  # type: ignore[union-attr]
    assert stored_attempts(db) == [(started[0].id, 1, True)]


def test_finishing_one_attempt_in_many_tabs_at_once_finishes_it_once(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    attempt = records.start_attempt(db, elif_, tiny, 1, random.Random(2))
    right = {
        "phone-time": ChoiceAnswer(selected=[0]),
        "policy-excuse": TrueFalseAnswer(value=False),
        "steps": OrderingAnswer(order=[0, 1, 2]),
        "reflect": ReflectionAnswer(text="Listen first, then act."),
    }
    for step_id, answer in right.items():
        records.save_answer(db, elif_, attempt, tiny, step_id, answer, 30)
    outcomes = at_once(
        TABS,
        lambda tab: records.finish_attempt(db, elif_, attempt, tiny, pass_mark=0.4, seconds=10),
    )
    finished = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(finished) == 1, outcomes
    assert all(isinstance(o, records.AttemptFinished) for o in refused), refused
    stored = records.get_attempt(db, elif_, attempt.id)
    assert stored.time_spent_s == 4 * 30 + 10  # the finishing step counted once
    assert db.execute("SELECT count(*) FROM certificates").fetchone() == (1,)


def test_answers_racing_a_finish_in_another_tab_never_change_its_stored_result(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    elif_ = org["elif"]
    attempt = records.start_attempt(db, elif_, tiny, 1, random.Random(2))
    for step_id, answer in WRONG.items():
        records.save_answer(db, elif_, attempt, tiny, step_id, answer, 30)

    def tab(number: int) -> object:
        if number == 0:
            return records.finish_attempt(db, elif_, attempt, tiny, pass_mark=0.4, seconds=10)
        # The other tabs change the first answer to the right one.
        return records.save_answer(
            db, elif_, attempt, tiny, "phone-time", ChoiceAnswer(selected=[0]), 1
        )

    outcomes = at_once(TABS, tab)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, records.AttemptFinished) for o in errors), errors
    stored = records.get_attempt(db, elif_, attempt.id)
    # Whatever the order, the stored score is the score of the answers stored.
    assert stored.score == records.attempt_result(db, elif_, stored, tiny).score


# -- when training is due ----------------------------------------------------------------------


def joined(db: Database, who: Viewer, at: str) -> None:
    """Set the moment someone joined (their staff record's creation), as an ISO instant."""
    db.execute("UPDATE staff SET created_at = ?::TIMESTAMPTZ WHERE id = ?", [at, who.staff_id])


@pytest.mark.parametrize(
    ("joined_at", "effective", "days", "due"),
    [
        # Joined at the end of January: due in February, counted in days across the month end.
        ("2026-01-25 09:00:00+00", date(2026, 1, 5), 14, date(2026, 2, 8)),
        ("2026-01-31 10:00:00+00", date(2026, 1, 5), 1, date(2026, 2, 1)),
        # 23:30 UTC on 31 January is 00:30 on 1 February in Zagreb: the day they joined there.
        ("2026-01-31 23:30:00+00", date(2026, 1, 5), 14, date(2026, 2, 15)),
        # Into a leap February and out of a 30-day month.
        ("2028-02-20 08:00:00+00", date(2026, 1, 5), 14, date(2028, 3, 5)),
        ("2026-04-30 08:00:00+00", date(2026, 1, 5), 30, date(2026, 5, 30)),
        # Joined before the policy took effect: counted from the policy.
        ("2025-12-15 08:00:00+00", date(2026, 1, 5), 14, date(2026, 1, 19)),
    ],
)
def test_training_is_due_the_policys_days_after_joining_or_the_policy_whichever_is_later(
    db: Database,
    org: dict[str, Viewer],
    tiny: TrainingModule,
    joined_at: str,
    effective: date,
    days: int,
    due: date,
) -> None:
    policy = load_policy().policy
    policy = policy.model_copy(
        update={
            "effective_from": effective,
            "training": policy.training.model_copy(update={"due_within_days": days}),
        }
    )
    elif_ = org["elif"]
    joined(db, elif_, joined_at)
    for today, overdue in [
        (due - timedelta(days=1), False),
        (due, False),
        (due + timedelta(days=1), True),
    ]:
        [row] = records.training_standing(
            db, elif_, [tiny], policy, staff_id=elif_.staff_id, today=today
        ).to_dict("records")
        assert (row["due"].date(), row["overdue"]) == (due, overdue), today


def test_nobody_is_due_before_the_day_they_joined_plus_the_days_to_train(
    db: Database, org: dict[str, Viewer], tiny: TrainingModule
) -> None:
    policy = load_policy().policy
    days = timedelta(days=policy.training.due_within_days)
    for number, joined_on in enumerate([date(2026, 1, 28), date(2026, 2, 27), date(2026, 12, 31)]):
        joined(db, org["elif"], f"{joined_on} 12:00:00+00")
        table = records.training_standing(db, org["daniel"], [tiny], policy, today=joined_on)
        row = table.set_index("name").loc["Elif Yılmaz"]
        assert row["due"].date() == joined_on + days, number
        assert not row["overdue"]  # on their first day, never overdue
