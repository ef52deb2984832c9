"""Grading: pure functions from a step and an answer to credit between 0 and 1.

The rules are stated here once, shown to authors in docs/authoring-modules.md, and tested with
worked examples. Partial credit exists where an answer can be partly right (multiple choice,
ordering, matching, role-plays); a single choice or a true/false statement is right or wrong.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from modules.content import (
    GradedStep,
    Matching,
    MultipleChoice,
    Ordering,
    RolePlay,
    SingleChoice,
    TrueFalse,
)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChoiceAnswer(Answer):
    """Indexes of the ticked options, in the order the module file lists them."""

    kind: Literal["choice"] = "choice"
    selected: list[int]


class TrueFalseAnswer(Answer):
    kind: Literal["true_false"] = "true_false"
    value: bool


class OrderingAnswer(Answer):
    """The items as the agent ordered them, each given by its index in the right order."""

    kind: Literal["ordering"] = "ordering"
    order: list[int]


class MatchingAnswer(Answer):
    """For each pair, in file order, the choice the agent picked (None if left empty)."""

    kind: Literal["matching"] = "matching"
    picked: list[str | None]


class RolePlayTurn(BaseModel):
    node: str
    choice: int
    # Kept so a supervisor reads the conversation even after the module's text changes.
    customer: str
    reply: str
    points: int


class RolePlayAnswer(Answer):
    """The path taken so far; `ending` is set when the conversation has ended."""

    kind: Literal["role_play"] = "role_play"
    turns: list[RolePlayTurn] = Field(default_factory=list)
    ending: str | None = None
    outcome: Literal["kept", "lost"] | None = None


class ReflectionAnswer(Answer):
    kind: Literal["reflection"] = "reflection"
    text: str


AnyAnswer = Annotated[
    ChoiceAnswer
    | TrueFalseAnswer
    | OrderingAnswer
    | MatchingAnswer
    | RolePlayAnswer
    | ReflectionAnswer,
    Field(discriminator="kind"),
]


class WrongAnswer(ValueError):
    """The answer does not fit the step (a programming error in the player, not the agent's)."""


def grade_single_choice(step: SingleChoice, answer: ChoiceAnswer) -> float:
    """1 if exactly the right option is chosen, else 0."""
    right = [i for i, option in enumerate(step.options) if option.correct]
    return 1.0 if answer.selected == right else 0.0


def grade_multiple_choice(step: MultipleChoice, answer: ChoiceAnswer) -> float:
    """(right options ticked − wrong options ticked) ÷ right options, never below 0.

    With 2 right options of 4: both right ticked = 1; one right = 0.5; both right and one wrong
    = 0.5; one right and one wrong = 0; ticking everything = 0. Guessing by ticking all earns
    nothing, and each wrong tick costs as much as a right tick earns.
    """
    ticked = set(answer.selected)
    if not ticked <= set(range(len(step.options))):
        raise WrongAnswer(f"{step.id}: option index out of range: {sorted(ticked)}")
    right = {i for i, option in enumerate(step.options) if option.correct}
    earned = len(ticked & right) - len(ticked - right)
    return max(0.0, earned / len(right))


def grade_true_false(step: TrueFalse, answer: TrueFalseAnswer) -> float:
    """1 if the answer matches the statement's truth, else 0."""
    return 1.0 if answer.value == step.answer else 0.0


def grade_ordering(step: Ordering, answer: OrderingAnswer) -> float:
    """Share of neighbouring pairs in the right order: of the n − 1 places where one item
    follows another, how many have the item that comes directly next in the key.

    For A B C D E: A B C D E = 4/4 = 1; B A C D E = 2/4 (B→A and A→C are wrong, C→D, D→E right)
    = 0.5; E A B C D (one item moved from the end to the front) = 3/4; E D C B A = 0.
    Moving one step to the wrong place costs little; a shuffled list earns about nothing.
    """
    if sorted(answer.order) != list(range(len(step.items))):
        raise WrongAnswer(f"{step.id}: the order must use every item once: {answer.order}")
    in_place = sum(second == first + 1 for first, second in pairwise(answer.order))
    return in_place / (len(step.items) - 1)


def grade_matching(step: Matching, answer: MatchingAnswer) -> float:
    """Share of items matched to the right choice; an item left empty counts as wrong."""
    if len(answer.picked) != len(step.pairs):
        raise WrongAnswer(f"{step.id}: expected {len(step.pairs)} matches, got {answer.picked}")
    right = sum(pick == pair.answer for pick, pair in zip(answer.picked, step.pairs, strict=True))
    return right / len(step.pairs)


def grade_role_play(step: RolePlay, answer: RolePlayAnswer) -> float:
    """Points of the replies chosen ÷ points of the best path from the start.

    Each reply is worth 0 (harmful), 1 (acceptable) or 2 (what the policy asks). A path of three
    best replies earns 6/6 = 1; the same path with one acceptable reply 5/6. A conversation that
    ends early because the customer walked out earns only what was collected before, measured
    against the best path, so losing a customer always costs. An unfinished conversation is 0.
    """
    if answer.ending is None:
        return 0.0
    return sum(turn.points for turn in answer.turns) / step.best_points()


def grade(step: GradedStep, answer: AnyAnswer) -> float:
    """Credit from 0 to 1 for an answer to any graded step."""
    match step, answer:
        case SingleChoice(), ChoiceAnswer():
            return grade_single_choice(step, answer)
        case MultipleChoice(), ChoiceAnswer():
            return grade_multiple_choice(step, answer)
        case TrueFalse(), TrueFalseAnswer():
            return grade_true_false(step, answer)
        case Ordering(), OrderingAnswer():
            return grade_ordering(step, answer)
        case Matching(), MatchingAnswer():
            return grade_matching(step, answer)
        case RolePlay(), RolePlayAnswer():
            return grade_role_play(step, answer)
    raise WrongAnswer(f"{step.id}: a {type(answer).__name__} does not answer a {step.kind} step")
