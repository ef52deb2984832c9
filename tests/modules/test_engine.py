"""Attempt plans, scoring an attempt against the pass mark and feedback; due dates are
metrics.training.records.training_standing's."""

from __future__ import annotations

import random

import pytest

from modules.content import TrainingModule
from modules.engine import (
    AttemptPlan,
    build_plan,
    choose_reply,
    credit_for,
    describe_answer,
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


def all_wrong(tiny: TrainingModule) -> dict[str, AnyAnswer]:
    kettle = tiny.step("broken-kettle")
    return {
        "phone-time": ChoiceAnswer(selected=[1]),
        "record": ChoiceAnswer(selected=[2]),
        "policy-excuse": TrueFalseAnswer(value=True),
        "steps": OrderingAnswer(order=[2, 1, 0]),
        "compensation": MatchingAnswer(picked=["Supervisor", "Agent"]),
        "broken-kettle": choose_reply(kettle, None, 1),  # type: ignore[arg-type]
        "pool-a": TrueFalseAnswer(value=False),
        "pool-b": TrueFalseAnswer(value=True),
    }


def test_every_missed_item_states_the_right_answer_and_why(tiny: TrainingModule) -> None:
    plan = build_plan(tiny, random.Random(1))
    result = score_attempt(tiny, plan, all_wrong(tiny), pass_mark=0.8)
    missed = {item.step_id: item for item in result.missed}
    assert {
        step_id: item.right_answer
        for step_id, item in missed.items()
        if step_id != ("broken-kettle")
    } == {
        "phone-time": "Within 30 seconds",
        "record": "The customer's name; The date and time",
        "policy-excuse": "False",
        "steps": "Listen → Find the cause → Resolve",
        "compensation": "A small credit → Agent; A full refund → Supervisor",
        **{
            drawn: {"pool-a": "True", "pool-b": "False"}[drawn]
            for drawn in missed
            if drawn.startswith("pool-")
        },
    }
    # A role-play's right answer is the conversation the policy asks for, to its ending.
    assert missed["broken-kettle"].right_answer.splitlines() == [
        "Customer: My kettle broke after a week!",
        "Agent: I'm sorry, tell me what happened.",
        "Customer: It just stopped.",
        "Agent: I'll send a new one today.",
        "Customer: Thank you!",
        "Outcome: customer kept",
    ]
    assert missed["policy-excuse"].explanation == "Never hide behind policy."  # and why
    assert all(item.explanation for item in missed.values())


def test_a_module_can_require_role_play_customers_to_be_kept(tiny: TrainingModule) -> None:
    strict = tiny.model_copy(update={"customers_kept_to_pass": 1})
    plan = build_plan(strict, random.Random(1))
    answers = all_right(strict)
    kettle = strict.step("broken-kettle")
    # Right everywhere else; the customer walks out after the first, harmful, reply.
    answers["broken-kettle"] = choose_reply(kettle, None, 1)  # type: ignore[arg-type]
    result = score_attempt(strict, plan, answers, pass_mark=0.8)
    assert result.score == pytest.approx(6 / 7)  # above the pass mark
    assert (result.customers_kept, result.customers_to_keep, result.role_plays) == (0, 1, 1)
    assert not result.passed
    assert score_attempt(tiny, plan, answers, pass_mark=0.8).passed  # without the rule
    answers["broken-kettle"] = choose_reply(kettle, choose_reply(kettle, None, 0), 1)  # type: ignore[arg-type]
    kept = score_attempt(strict, plan, answers, pass_mark=0.8)
    assert (kept.customers_kept, kept.passed) == (1, True)


def test_a_retake_asks_what_the_last_attempt_did_not_in_a_new_order(
    tiny: TrainingModule,
) -> None:
    def drawn(plan: AttemptPlan) -> list[str]:
        return [planned.step_id for planned in plan.steps if planned.step_id.startswith("pool-")]

    for seed in range(50):
        first = build_plan(tiny, random.Random(seed))
        retake = build_plan(tiny, random.Random(seed + 1000), previous=first)
        assert drawn(retake) != drawn(first)  # the pool's other question
        before = {planned.step_id: planned for planned in first.steps}
        for planned in retake.steps:
            old = before.get(planned.step_id)
            if old is None:
                continue
            # Asked again: its options, items, pairs or replies come in another order.
            assert planned.shuffle is None or planned.shuffle != old.shuffle, planned.step_id
            for node, order in (planned.reply_orders or {}).items():
                assert old.reply_orders is not None
                assert order != old.reply_orders[node], (planned.step_id, node)
    plan = build_plan(tiny, random.Random(1))
    # Matching pairs and each role-play node's replies are shuffled like options.
    assert sorted(plan.steps[plan.index_of("compensation")].shuffle or []) == [0, 1]
    kettle = plan.steps[plan.index_of("broken-kettle")]
    assert kettle.reply_orders is not None and set(kettle.reply_orders) == {"opening", "offer"}
