"""Running a module: the plan of one attempt, moving through a role-play, feedback, the result.

An attempt's plan is drawn once, when it starts, and stored with it: which pool questions it
asks, in which order, and how options and items are shuffled. Resuming replays the same plan,
so a closed browser comes back to exactly the same screen.
"""

from __future__ import annotations

import math
import random

from pydantic import BaseModel, ConfigDict

from modules.content import (
    GRADED_KINDS,
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    QuestionPool,
    Reflection,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
)
from modules.grading import (
    AnyAnswer,
    ChoiceAnswer,
    MatchingAnswer,
    OrderingAnswer,
    ReflectionAnswer,
    RolePlayAnswer,
    RolePlayTurn,
    TrueFalseAnswer,
    WrongAnswer,
    grade,
)

# Scores are fractions; compare with a little slack so 0.8 of 0.8 is never a fail by rounding.
SCORE_EPSILON = 1e-9


class PlannedStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    step_id: str
    # Display order of options (choice questions), of pairs (matching) or the starting order of
    # items (ordering), as indexes into the module file's lists.
    shuffle: list[int] | None = None
    # A role-play's replies, per decision node: the order they are offered in.
    reply_orders: dict[str, list[int]] | None = None


class AttemptPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    steps: list[PlannedStep]

    def index_of(self, step_id: str) -> int:
        return [planned.step_id for planned in self.steps].index(step_id)

    @property
    def step_ids(self) -> list[str]:
        return [planned.step_id for planned in self.steps]


def _shuffled(
    count: int, rng: random.Random, avoid: list[list[int] | None], *, not_in_order: bool = False
) -> list[int]:
    """A random order of `count` indexes that is none of `avoid` (the order the last attempt
    showed), nor, with `not_in_order`, the right order itself (an ordering exercise that starts
    solved asks nothing); as far as `count` leaves another order to take."""
    unwanted = [order for order in avoid if order is not None]
    if not_in_order:
        unwanted.append(list(range(count)))
    possible = math.factorial(count) > len({tuple(order) for order in unwanted})
    order = list(range(count))
    rng.shuffle(order)
    while possible and order in unwanted:
        rng.shuffle(order)
    return order


def _planned(step: object, rng: random.Random, before: PlannedStep | None) -> PlannedStep:
    """How `step` is shown in this attempt; asked in the attempt before too (`before`), its
    options, items, pairs or replies come in another order than they did then."""
    last = before.shuffle if before is not None else None
    if isinstance(step, SingleChoice | MultipleChoice):
        return PlannedStep(step_id=step.id, shuffle=_shuffled(len(step.options), rng, [last]))
    if isinstance(step, Ordering):
        order = _shuffled(len(step.items), rng, [last], not_in_order=True)
        return PlannedStep(step_id=step.id, shuffle=order)
    if isinstance(step, Matching):
        return PlannedStep(step_id=step.id, shuffle=_shuffled(len(step.pairs), rng, [last]))
    if isinstance(step, RolePlay):
        orders = before.reply_orders if before is not None else None
        return PlannedStep(
            step_id=step.id,
            reply_orders={
                name: _shuffled(len(node.choices), rng, [(orders or {}).get(name)])
                for name, node in step.nodes.items()
                if not node.is_ending
            },
        )
    assert isinstance(step, Lesson | TrueFalse | Reflection)
    return PlannedStep(step_id=step.id)


def build_plan(
    module: TrainingModule, rng: random.Random, previous: AttemptPlan | None = None
) -> AttemptPlan:
    """The steps one attempt shows, in order: every step of the module, except that a pool
    contributes `draw` of its questions, in a random order.

    A retake (`previous`: the plan of the person's attempt before) draws first the questions
    the attempt before did not ask, so each pool renews min(draw, questions − draw) of its draw
    (`TrainingModule.new_on_retake`) whatever the luck; and whatever is asked again comes with
    its options, items, pairs and replies in another order."""
    before = {planned.step_id: planned for planned in previous.steps} if previous else {}
    planned: list[PlannedStep] = []
    for step in module.steps:
        if isinstance(step, QuestionPool):
            unseen = [q for q in step.questions if q.id not in before]
            seen = [q for q in step.questions if q.id in before]
            rng.shuffle(unseen)
            rng.shuffle(seen)
            drawn = (unseen + seen)[: step.draw]
            rng.shuffle(drawn)
            planned.extend(_planned(question, rng, before.get(question.id)) for question in drawn)
        else:
            planned.append(_planned(step, rng, before.get(step.id)))
    return AttemptPlan(steps=planned)


def is_graded(module: TrainingModule, step_id: str) -> bool:
    return module.step(step_id).kind in GRADED_KINDS


# -- role-plays ----------------------------------------------------------------------------


def current_node(step: RolePlay, answer: RolePlayAnswer | None) -> str:
    """The node the conversation is at: the start, or where the last reply led."""
    if answer is None or not answer.turns:
        return step.start
    last = answer.turns[-1]
    return step.nodes[last.node].choices[last.choice].next


def choose_reply(step: RolePlay, answer: RolePlayAnswer | None, choice: int) -> RolePlayAnswer:
    """The conversation after the agent picks reply `choice` at the current node."""
    answer = answer or RolePlayAnswer()
    if answer.ending is not None:
        raise WrongAnswer(f"{step.id}: the conversation has already ended")
    node_id = current_node(step, answer)
    node = step.nodes[node_id]
    if not 0 <= choice < len(node.choices):
        raise WrongAnswer(f"{step.id}: node {node_id} has no reply {choice}")
    picked = node.choices[choice]
    turn = RolePlayTurn(
        node=node_id,
        choice=choice,
        customer=node.customer,
        reply=picked.reply,
        points=picked.points,
    )
    following = step.nodes[picked.next]
    return RolePlayAnswer(
        turns=[*answer.turns, turn],
        ending=picked.next if following.is_ending else None,
        outcome=following.outcome,
    )


# -- feedback and results ------------------------------------------------------------------


class Feedback(BaseModel):
    """What the agent sees right after answering: a verdict and the reasons."""

    credit: float
    verdict: str
    notes: list[str]
    explanation: str


def verdict(credit: float) -> str:
    if credit >= 1 - SCORE_EPSILON:
        return "Correct"
    if credit <= SCORE_EPSILON:
        return "Not quite"
    return f"Partly right ({credit:.0%})"


def feedback(module: TrainingModule, step_id: str, answer: AnyAnswer) -> Feedback:
    """The verdict, the feedback of each option the agent chose (or of each item placed), and the
    step's explanation."""
    step = module.step(step_id)
    notes: list[str] = []
    if isinstance(step, SingleChoice | MultipleChoice) and isinstance(answer, ChoiceAnswer):
        notes = [step.options[i].feedback for i in answer.selected]
        if isinstance(step, MultipleChoice):
            missed = [
                option.text
                for i, option in enumerate(step.options)
                if option.correct and i not in answer.selected
            ]
            notes += [f"You missed: {text}" for text in missed]
    elif isinstance(step, TrueFalse) and isinstance(answer, TrueFalseAnswer):
        notes = [step.feedback_true if answer.value else step.feedback_false]
    elif isinstance(step, Ordering) and isinstance(answer, OrderingAnswer):
        notes = ["The right order: " + " → ".join(step.items)]
    elif isinstance(step, Matching) and isinstance(answer, MatchingAnswer):
        notes = [
            f"{pair.item} → {pair.answer}" + ("" if pick == pair.answer else f" (you chose {pick})")
            for pick, pair in zip(answer.picked, step.pairs, strict=True)
        ]
    elif isinstance(step, RolePlay) and isinstance(answer, RolePlayAnswer):
        notes = [step.nodes[turn.node].choices[turn.choice].feedback for turn in answer.turns]
    else:
        raise WrongAnswer(f"{step_id}: no feedback for a {type(answer).__name__}")
    credit = grade(step, answer)
    return Feedback(
        credit=credit, verdict=verdict(credit), notes=notes, explanation=step.explanation
    )


class ItemResult(BaseModel):
    step_id: str
    title: str
    kind: str
    credit: float
    points: int
    right_answer: str
    explanation: str


class AttemptResult(BaseModel):
    points: float
    max_points: int
    score: float
    pass_mark: float
    # The module's other condition: role-plays that ended with the customer kept, of those
    # asked, against how many must.
    role_plays: int = 0
    customers_kept: int = 0
    customers_to_keep: int = 0
    passed: bool
    items: list[ItemResult]

    @property
    def reached_pass_mark(self) -> bool:
        return self.score >= self.pass_mark - SCORE_EPSILON

    @property
    def kept_enough_customers(self) -> bool:
        return self.customers_kept >= self.customers_to_keep

    @property
    def missed(self) -> list[ItemResult]:
        """Items that did not earn full credit, for the results screen."""
        return [item for item in self.items if item.credit < 1 - SCORE_EPSILON]


def describe_answer(step: PlayableStep, answer: AnyAnswer) -> str:
    """An answer in words, for the supervisor's view and for exports."""
    if isinstance(step, SingleChoice | MultipleChoice) and isinstance(answer, ChoiceAnswer):
        return "; ".join(step.options[i].text for i in answer.selected) or "(nothing chosen)"
    if isinstance(answer, TrueFalseAnswer):
        return "True" if answer.value else "False"
    if isinstance(step, Ordering) and isinstance(answer, OrderingAnswer):
        return " → ".join(step.items[i] for i in answer.order)
    if isinstance(step, Matching) and isinstance(answer, MatchingAnswer):
        return "; ".join(
            f"{pair.item} → {pick or '(none)'}"
            for pair, pick in zip(step.pairs, answer.picked, strict=True)
        )
    if isinstance(answer, RolePlayAnswer):
        lines = []
        for turn in answer.turns:
            lines += [f"Customer: {turn.customer}", f"Agent: {turn.reply} ({turn.points} of 2)"]
        if answer.ending is not None and isinstance(step, RolePlay):
            lines.append(f"Customer: {step.nodes[answer.ending].customer}")
            lines.append(f"Outcome: customer {answer.outcome}")
        return "\n".join(lines)
    if isinstance(answer, ReflectionAnswer):
        return answer.text
    raise WrongAnswer(f"{step.id}: a {type(answer).__name__} does not answer a {step.kind} step")


def right_answer(step: PlayableStep) -> str:
    """The answer the step's key asks for, in the words of `describe_answer`: what a missed
    item shows beside the agent's own answer."""
    if isinstance(step, SingleChoice | MultipleChoice):
        return "; ".join(option.text for option in step.options if option.correct)
    if isinstance(step, TrueFalse):
        return "True" if step.answer else "False"
    if isinstance(step, Ordering):
        return " → ".join(step.items)
    if isinstance(step, Matching):
        return "; ".join(f"{pair.item} → {pair.answer}" for pair in step.pairs)
    if isinstance(step, RolePlay):
        lines = []
        node = step.start
        for node, reply in step.best_path():
            chosen = step.nodes[node].choices[reply]
            lines += [f"Customer: {step.nodes[node].customer}", f"Agent: {chosen.reply}"]
            node = chosen.next
        ending = step.nodes[node]
        lines += [f"Customer: {ending.customer}", f"Outcome: customer {ending.outcome}"]
        return "\n".join(lines)
    raise WrongAnswer(f"{step.id}: a {step.kind} step has no right answer")


def credit_for(step: PlayableStep, answer: AnyAnswer) -> float | None:
    """Credit for a stored answer; None while it earns none yet (a reflection, which is never
    graded, or a conversation still going on)."""
    if isinstance(step, Lesson | Reflection):
        return None
    if isinstance(answer, RolePlayAnswer) and answer.ending is None:
        return None
    return grade(step, answer)


def step_title(module: TrainingModule, step_id: str) -> str:
    step = module.step(step_id)
    if isinstance(step, Lesson | RolePlay):
        return step.title
    if isinstance(step, TrueFalse):
        return step.statement
    return step.prompt


def score_attempt(
    module: TrainingModule,
    plan: AttemptPlan,
    answers: dict[str, AnyAnswer],
    pass_mark: float,
) -> AttemptResult:
    """Score = points earned ÷ points available over the graded steps of the plan; a graded
    step left unanswered earns nothing. Passed when the score reaches the pass mark and at
    least the module's `customers_kept_to_pass` role-plays ended with the customer kept."""
    items: list[ItemResult] = []
    role_plays = kept = 0
    for planned in plan.steps:
        step = module.step(planned.step_id)
        if isinstance(step, Lesson | Reflection):
            continue
        answer = answers.get(planned.step_id)
        credit = grade(step, answer) if answer is not None else 0.0
        if isinstance(step, RolePlay):
            role_plays += 1
            kept += isinstance(answer, RolePlayAnswer) and answer.outcome == "kept"
        items.append(
            ItemResult(
                step_id=step.id,
                title=step_title(module, step.id),
                kind=step.kind,
                credit=credit,
                points=step.points,
                right_answer=right_answer(step),
                explanation=step.explanation,
            )
        )
    earned = sum(item.credit * item.points for item in items)
    available = sum(item.points for item in items)
    score = earned / available if available else 1.0
    to_keep = min(module.customers_kept_to_pass, role_plays)
    return AttemptResult(
        points=earned,
        max_points=available,
        score=score,
        pass_mark=pass_mark,
        role_plays=role_plays,
        customers_kept=kept,
        customers_to_keep=to_keep,
        passed=score >= pass_mark - SCORE_EPSILON and kept >= to_keep,
        items=items,
    )
