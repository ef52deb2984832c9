"""Grading, step kind by step kind, with each expected score worked out beside it."""

from __future__ import annotations

import pytest

from modules.content import (
    Matching,
    MultipleChoice,
    Ordering,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
)
from modules.engine import choose_reply
from modules.grading import (
    ChoiceAnswer,
    MatchingAnswer,
    OrderingAnswer,
    RolePlayAnswer,
    TrueFalseAnswer,
    WrongAnswer,
    grade,
)


def option(text: str, correct: bool = False) -> dict[str, object]:
    return {"text": text, "correct": correct, "feedback": "because"}


def test_single_choice_is_all_or_nothing() -> None:
    step = SingleChoice(
        kind="single_choice",
        id="q",
        prompt="p",
        options=[option("a"), option("b", True), option("c")],
        explanation="e",
    )
    assert grade(step, ChoiceAnswer(selected=[1])) == 1.0
    assert grade(step, ChoiceAnswer(selected=[0])) == 0.0
    assert grade(step, ChoiceAnswer(selected=[])) == 0.0


@pytest.fixture
def two_of_four() -> MultipleChoice:
    return MultipleChoice(
        kind="multiple_choice",
        id="q",
        prompt="p",
        options=[option("a", True), option("b", True), option("c"), option("d")],
        explanation="e",
    )


@pytest.mark.parametrize(
    ("ticked", "expected"),
    [
        ([0, 1], 1.0),  # (2 right − 0 wrong) ÷ 2
        ([0], 0.5),  # (1 − 0) ÷ 2
        ([0, 1, 2], 0.5),  # (2 − 1) ÷ 2
        ([0, 2], 0.0),  # (1 − 1) ÷ 2
        ([0, 1, 2, 3], 0.0),  # (2 − 2) ÷ 2: ticking everything earns nothing
        ([2, 3], 0.0),  # (0 − 2) ÷ 2 = −1, floored at 0
        ([], 0.0),
    ],
)
def test_multiple_choice_partial_credit(
    two_of_four: MultipleChoice, ticked: list[int], expected: float
) -> None:
    assert grade(two_of_four, ChoiceAnswer(selected=ticked)) == expected


def test_multiple_choice_refuses_an_option_that_does_not_exist(two_of_four: MultipleChoice) -> None:
    with pytest.raises(WrongAnswer):
        grade(two_of_four, ChoiceAnswer(selected=[7]))


def test_true_false() -> None:
    step = TrueFalse(
        kind="true_false",
        id="q",
        statement="s",
        answer=False,
        feedback_true="t",
        feedback_false="f",
        explanation="e",
    )
    assert grade(step, TrueFalseAnswer(value=False)) == 1.0
    assert grade(step, TrueFalseAnswer(value=True)) == 0.0


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ([0, 1, 2, 3, 4], 1.0),  # A B C D E: 4 of 4 neighbours right
        ([1, 0, 2, 3, 4], 0.5),  # B A C D E: B→A ✗ A→C ✗ C→D ✓ D→E ✓ = 2/4
        ([4, 0, 1, 2, 3], 0.75),  # E A B C D: E→A ✗, then 3 ✓ = 3/4
        ([4, 3, 2, 1, 0], 0.0),  # reversed: no neighbour right
        ([0, 2, 1, 3, 4], 0.25),  # A C B D E: A→C ✗ C→B ✗ B→D ✗ D→E ✓ = 1/4
    ],
)
def test_ordering_credits_neighbouring_pairs(order: list[int], expected: float) -> None:
    step = Ordering(kind="ordering", id="q", prompt="p", items=list("ABCDE"), explanation="e")
    assert grade(step, OrderingAnswer(order=order)) == expected


def test_ordering_must_place_every_item_once() -> None:
    step = Ordering(kind="ordering", id="q", prompt="p", items=list("ABC"), explanation="e")
    with pytest.raises(WrongAnswer):
        grade(step, OrderingAnswer(order=[0, 0, 1]))


def test_matching_credits_each_item_matched() -> None:
    step = Matching(
        kind="matching",
        id="q",
        prompt="p",
        choices=["Agent", "Supervisor", "Owner"],
        pairs=[
            {"item": "credit", "answer": "Agent"},
            {"item": "refund", "answer": "Supervisor"},
            {"item": "lawyer", "answer": "Owner"},
            {"item": "coupon", "answer": "Agent"},
        ],
        explanation="e",
    )
    assert grade(step, MatchingAnswer(picked=["Agent", "Supervisor", "Owner", "Agent"])) == 1.0
    # 3 of 4 right; an empty pick counts as wrong
    assert grade(step, MatchingAnswer(picked=["Agent", "Supervisor", "Owner", None])) == 0.75
    assert grade(step, MatchingAnswer(picked=["Owner", "Agent", "Agent", "Owner"])) == 0.0


def play(step: RolePlay, replies: list[int]) -> RolePlayAnswer:
    answer = None
    for reply in replies:
        answer = choose_reply(step, answer, reply)
    assert answer is not None
    return answer


def test_role_play_is_graded_by_the_path_taken(tiny: TrainingModule) -> None:
    step = tiny.step("broken-kettle")
    assert isinstance(step, RolePlay)
    # The best path: "I'm sorry..." (2) then "I'll send a new one" (2) = 4 points.
    assert step.best_points() == 4
    best = play(step, [0, 0])
    assert (best.ending, best.outcome, grade(step, best)) == ("kept", "kept", 1.0)
    # Listening (2) then the slow "send it back" (1): 3 of 4.
    slow = play(step, [0, 1])
    assert (slow.outcome, grade(step, slow)) == ("kept", 0.75)
    # Blaming the customer (0) loses them at once: 0 of 4.
    lost = play(step, [1])
    assert (lost.ending, lost.outcome, grade(step, lost)) == ("lost", "lost", 0.0)
    assert [turn.reply for turn in slow.turns] == [
        "I'm sorry, tell me what happened.",
        "Send it back and we'll see.",
    ]


def test_an_unfinished_role_play_earns_nothing_yet(tiny: TrainingModule) -> None:
    step = tiny.step("broken-kettle")
    assert isinstance(step, RolePlay)
    halfway = play(step, [0])
    assert halfway.ending is None
    assert grade(step, halfway) == 0.0


def test_a_finished_role_play_takes_no_more_replies(tiny: TrainingModule) -> None:
    step = tiny.step("broken-kettle")
    assert isinstance(step, RolePlay)
    with pytest.raises(WrongAnswer, match="already ended"):
        choose_reply(step, play(step, [1]), 0)


def test_an_answer_of_the_wrong_kind_is_refused(tiny: TrainingModule) -> None:
    step = tiny.step("phone-time")
    assert isinstance(step, SingleChoice)
    with pytest.raises(WrongAnswer):
        grade(step, TrueFalseAnswer(value=True))
