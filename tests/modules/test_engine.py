"""Attempt plans, scoring an attempt against the pass mark, feedback and due dates."""

from __future__ import annotations

import random
from datetime import date

import pytest

from modules.content import TrainingModule
from modules.engine import (
    build_plan,
    choose_reply,
    credit_for,
    describe_answer,
    due_date,
    feedback,
    score_attempt,
)
from modules.grading import (
    AnyAnswer,
    ChoiceAnswer,
    MatchingAnswer,
    OrderingAnswer,
    ReflectionAnswer,
    TrueFalseAnswer,
)


def test_a_plan_shows_every_step_and_draws_from_the_pool(tiny: TrainingModule) -> None:
    plan = build_plan(tiny, random.Random(1))
    ids = [planned.step_id for planned in plan.steps]
    fixed = ["phone", "phone-time", "record", "policy-excuse", "steps", "compensation"]
    assert ids[:6] == fixed
    assert ids[6:8] == ["broken-kettle", "reflect"]
    assert len(ids) == 9 and ids[8] in ("pool-a", "pool-b")


def test_retakes_draw_different_questions_and_orders(tiny: TrainingModule) -> None:
    plans = [build_plan(tiny, random.Random(seed)) for seed in range(20)]
    assert {plan.steps[8].step_id for plan in plans} == {"pool-a", "pool-b"}
    assert len({tuple(plan.steps[2].shuffle or []) for plan in plans}) > 1
    # An ordering exercise never starts already in the right order.
    assert all(plan.steps[4].shuffle != [0, 1, 2] for plan in plans)
    assert build_plan(tiny, random.Random(3)) == build_plan(tiny, random.Random(3))


def all_right(tiny: TrainingModule) -> dict[str, AnyAnswer]:
    kettle = tiny.step("broken-kettle")
    return {
        "phone-time": ChoiceAnswer(selected=[0]),
        "record": ChoiceAnswer(selected=[0, 1]),
        "policy-excuse": TrueFalseAnswer(value=False),
        "steps": OrderingAnswer(order=[0, 1, 2]),
        "compensation": MatchingAnswer(picked=["Agent", "Supervisor"]),
        "broken-kettle": choose_reply(kettle, choose_reply(kettle, None, 0), 0),  # type: ignore[arg-type]
        "reflect": ReflectionAnswer(text="I will listen before I answer."),
        "pool-a": TrueFalseAnswer(value=True),
        "pool-b": TrueFalseAnswer(value=False),
    }


def test_score_is_points_earned_over_points_available(tiny: TrainingModule) -> None:
    plan = build_plan(tiny, random.Random(1))
    answers = all_right(tiny)
    result = score_attempt(tiny, plan, answers, pass_mark=0.8)
    # 7 graded items of 1 point each; lesson and reflection do not count.
    assert (result.points, result.max_points, result.score, result.passed) == (7, 7, 1.0, True)
    assert result.missed == []

    answers["record"] = ChoiceAnswer(selected=[0])  # half credit
    answers["steps"] = OrderingAnswer(order=[2, 1, 0])  # none
    result = score_attempt(tiny, plan, answers, pass_mark=0.8)
    # 5 + 0.5 + 0 = 5.5 of 7 = 0.7857 < 0.8
    assert result.points == 5.5
    assert result.score == pytest.approx(5.5 / 7)
    assert not result.passed
    assert [item.step_id for item in result.missed] == ["record", "steps"]
    assert result.missed[1].explanation == "Understand before you fix."


def test_a_score_exactly_at_the_pass_mark_passes(tiny: TrainingModule) -> None:
    plan = build_plan(tiny, random.Random(1))
    answers = all_right(tiny)
    del answers["phone-time"]  # unanswered: 6 of 7 = 0.857
    assert score_attempt(tiny, plan, answers, pass_mark=6 / 7).passed
    assert not score_attempt(tiny, plan, answers, pass_mark=0.9).passed


def test_feedback_shows_each_chosen_options_reason_and_what_was_missed(
    tiny: TrainingModule,
) -> None:
    shown = feedback(tiny, "record", ChoiceAnswer(selected=[0, 2]))
    assert shown.verdict == "Not quite"  # (1 − 1) ÷ 2 = 0
    assert shown.notes == ["Yes.", "No.", "You missed: The date and time"]
    assert shown.explanation == "The record lets anyone follow up."
    half = feedback(tiny, "record", ChoiceAnswer(selected=[1]))
    assert half.verdict == "Partly right (50%)"
    assert feedback(tiny, "policy-excuse", TrueFalseAnswer(value=False)).verdict == "Correct"


def test_a_mandatory_module_is_due_after_joining_or_the_policy_whichever_is_later() -> None:
    assert due_date(date(2026, 11, 2), date(2026, 1, 1), 14) == date(2026, 11, 16)
    assert due_date(date(2025, 3, 1), date(2026, 1, 1), 14) == date(2026, 1, 15)


def test_reflections_and_unfinished_conversations_earn_no_credit_yet(tiny: TrainingModule) -> None:
    kettle = tiny.step("broken-kettle")
    reflect = tiny.step("reflect")
    assert credit_for(reflect, ReflectionAnswer(text="Listen first.")) is None
    halfway = choose_reply(kettle, None, 0)  # type: ignore[arg-type]
    assert credit_for(kettle, halfway) is None
    assert credit_for(kettle, choose_reply(kettle, halfway, 1)) == 0.75  # type: ignore[arg-type]


def test_answers_are_described_in_words_for_supervisors(tiny: TrainingModule) -> None:
    record = tiny.step("record")
    assert describe_answer(record, ChoiceAnswer(selected=[0, 2])) == (
        "The customer's name; The agent's star sign"
    )
    steps = tiny.step("steps")
    assert describe_answer(steps, OrderingAnswer(order=[1, 0, 2])) == (
        "Find the cause → Listen → Resolve"
    )
    matching = tiny.step("compensation")
    assert describe_answer(matching, MatchingAnswer(picked=["Agent", None])) == (
        "A small credit → Agent; A full refund → (none)"
    )
