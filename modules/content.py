"""Training modules: the content model, and the loader that fills in the policy's standards.

A module is a folder under `modules/content/` holding one `module.yaml` that an owner writes
by hand. The model is strict, and the loader reports every problem as file, line, key path and
message. Any text may quote the policy through placeholders such as
`{standards.phone.answer_within}`, so a lesson never repeats a number the policy already owns:
change the standard and the lesson, its questions and the dashboard change together.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from modules.content_errors import (
    ContentError,
    ContentIssue,
    issues_from_validation,
    key_path,
    line_of,
    read_yaml,
)
from modules.defaults import (  # re-exported: the names every caller imports from here
    DEFAULT_MODULES_DIR,  # noqa: F401
    MODULES_ENV_VAR,  # noqa: F401
    StandardMetric,
    modules_dir,
)
from modules.policy import Policy, StrictModel, Text

MODULE_FILE = "module.yaml"

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
ModuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
# A choice in a role-play is worth 0 (harmful), 1 (acceptable) or 2 (what the policy asks).
ChoicePoints = Annotated[int, Field(ge=0, le=2)]
Points = Annotated[int, Field(ge=1, le=5)]
# The verdict the player writes beside each reply, from its points; its feedback says why.
REPLY_VERDICTS = {2: "Best reply", 1: "Acceptable", 0: "Harmful"}
# A retake is a new test, not the old one again: by default at least half of the graded items
# a retake asks were not asked in the attempt before it. A module may ask for more, or less.
DEFAULT_RETAKE_NEW_SHARE = 0.5


class Lesson(StrictModel):
    """Reading: Markdown text. Not graded."""

    kind: Literal["lesson"]
    id: StepId
    title: Text
    body: Text


class Option(StrictModel):
    text: Text
    correct: bool = False
    feedback: Text


def _distinct_texts(options: list[Option]) -> None:
    # Checked after placeholders are filled: two policy values that happen to be equal (two
    # channels with the same standard) would otherwise show the agent two identical options.
    texts = [option.text for option in options]
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    if repeated:
        raise ValueError(f"two options read the same: {repeated}")


class SingleChoice(StrictModel):
    """One right option. Credit 1 for it, else 0."""

    kind: Literal["single_choice"]
    id: StepId
    prompt: Text
    options: list[Option] = Field(min_length=2)
    explanation: Text
    points: Points = 1

    @field_validator("options")
    @classmethod
    def exactly_one_correct(cls, options: list[Option]) -> list[Option]:
        _distinct_texts(options)
        right = sum(option.correct for option in options)
        if right != 1:
            raise ValueError(
                f"answer key: a single-choice question needs exactly one option with "
                f"`correct: true`; this one has {right}"
            )
        return options


class MultipleChoice(StrictModel):
    """Several right options; the agent ticks all that apply."""

    kind: Literal["multiple_choice"]
    id: StepId
    prompt: Text
    options: list[Option] = Field(min_length=3)
    explanation: Text
    points: Points = 1

    @field_validator("options")
    @classmethod
    def some_right_some_wrong(cls, options: list[Option]) -> list[Option]:
        _distinct_texts(options)
        right = sum(option.correct for option in options)
        if right == 0 or right == len(options):
            raise ValueError(
                "answer key: a multiple-choice question needs at least one right and one wrong "
                f"option; this one has {right} right of {len(options)}"
            )
        return options


class TrueFalse(StrictModel):
    """A statement that is true or false, with feedback for each answer."""

    kind: Literal["true_false"]
    id: StepId
    statement: Text
    answer: bool
    feedback_true: Text
    feedback_false: Text
    explanation: Text
    points: Points = 1


class Ordering(StrictModel):
    """Put items in order; `items` lists them in the right order (the player shuffles them)."""

    kind: Literal["ordering"]
    id: StepId
    prompt: Text
    items: list[Text] = Field(min_length=3)
    explanation: Text
    points: Points = 1

    @field_validator("items")
    @classmethod
    def distinct_items(cls, items: list[str]) -> list[str]:
        if len(set(items)) != len(items):
            raise ValueError("every item must be different, or the right order is ambiguous")
        return items


class Pair(StrictModel):
    item: Text
    answer: Text


class Matching(StrictModel):
    """Match each item to one of `choices` (choices may be used more than once or not at all)."""

    kind: Literal["matching"]
    id: StepId
    prompt: Text
    choices: list[Text] = Field(min_length=2)
    pairs: list[Pair] = Field(min_length=2)
    explanation: Text
    points: Points = 1

    @model_validator(mode="after")
    def answers_are_choices(self) -> Matching:
        for pair in self.pairs:
            if pair.answer not in self.choices:
                raise ValueError(
                    f"answer key: the answer {pair.answer!r} for {pair.item!r} is not one of "
                    "`choices`"
                )
        if len({pair.item for pair in self.pairs}) != len(self.pairs):
            raise ValueError("every item in `pairs` must be different")
        return self


class RolePlayChoice(StrictModel):
    reply: Text
    feedback: Text
    points: ChoicePoints
    next: StepId

    @property
    def repeats_the_verdict(self) -> bool:
        opening = self.feedback.strip().casefold()
        return any(opening.startswith(label.casefold()) for label in REPLY_VERDICTS.values())


def verdict_line(points: int) -> str:
    """What the player writes beside a reply worth `points`: "Harmful (0 of 2)"."""
    return f"{REPLY_VERDICTS[points]} ({points} of {max(REPLY_VERDICTS)})"


class RolePlayNode(StrictModel):
    """What the customer says; then either the agent's possible replies or, at an ending, the
    outcome of the conversation."""

    customer: Text
    choices: list[RolePlayChoice] = Field(default_factory=list)
    outcome: Literal["kept", "lost"] | None = None

    @model_validator(mode="after")
    def decision_or_ending(self) -> RolePlayNode:
        if self.outcome is None and len(self.choices) < 2:
            raise ValueError("a node needs at least two `choices`, or an `outcome` if it ends")
        if self.outcome is not None and self.choices:
            raise ValueError("an ending (a node with `outcome`) cannot also have `choices`")
        return self

    @property
    def is_ending(self) -> bool:
        return self.outcome is not None


class RolePlay(StrictModel):
    """A branching customer conversation, graded by the path taken: the points of the replies
    chosen ÷ the points of the best path from `start`."""

    kind: Literal["role_play"]
    id: StepId
    title: Text
    # The customer's own name, never that of someone who might play the conversation.
    customer_name: Text
    scenario: Text
    start: StepId
    nodes: dict[StepId, RolePlayNode]
    explanation: Text
    points: Points = 1

    def best_points(self, node: str | None = None) -> int:
        """The most points any path from `node` (default: the start) can collect."""
        current = self.nodes[node or self.start]
        if current.is_ending:
            return 0
        return max(choice.points + self.best_points(choice.next) for choice in current.choices)

    @property
    def decision_points(self) -> int:
        return sum(not node.is_ending for node in self.nodes.values())

    @property
    def can_keep_the_customer(self) -> bool:
        return any(node.outcome == "kept" for node in self.nodes.values())

    def best_path(self) -> list[tuple[str, int]]:
        """The (node, reply) pairs of the path that earns the most points, from the start to
        an ending; the first such reply where two tie."""
        path: list[tuple[str, int]] = []
        node = self.start
        while not self.nodes[node].is_ending:
            choices = self.nodes[node].choices
            best = max(
                range(len(choices)),
                key=lambda i: choices[i].points + self.best_points(choices[i].next),
            )
            path.append((node, best))
            node = choices[best].next
        return path


class Reflection(StrictModel):
    """Free text for the agent's supervisor to read. Not graded."""

    kind: Literal["reflection"]
    id: StepId
    prompt: Text
    min_characters: Annotated[int, Field(ge=0, le=2000)] = 40


def _role_play_problems(play: RolePlay) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """References that lead nowhere, nodes no path reaches, loops, and no ending at all."""
    dangling = False
    if play.start not in play.nodes:
        dangling = True
        yield ("start",), f"`start` names {play.start!r}, which is not one of `nodes`"
    for name, node in play.nodes.items():
        for number, choice in enumerate(node.choices):
            if choice.repeats_the_verdict:
                yield (
                    ("nodes", name, "choices", number, "feedback"),
                    "start with the reason, not the verdict: the app already writes "
                    f"'{verdict_line(choice.points)}' from the reply's points",
                )
            if choice.next not in play.nodes:
                dangling = True
                yield (
                    ("nodes", name, "choices", number, "next"),
                    f"this reply leads nowhere: there is no node {choice.next!r}",
                )
    if not any(node.is_ending for node in play.nodes.values()):
        yield ("nodes",), "the conversation needs at least one ending (a node with `outcome`)"
    if dangling:
        return
    seen: set[str] = set()
    todo = [play.start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(choice.next for choice in play.nodes[name].choices)
    for name in play.nodes:
        if name not in seen:
            yield ("nodes", name), "no path from `start` reaches this node"

    visiting: set[str] = set()
    done: set[str] = set()

    def loops(name: str) -> bool:
        if name in done:
            return False
        if name in visiting:
            return True
        visiting.add(name)
        if any(loops(choice.next) for choice in play.nodes[name].choices):
            return True
        visiting.discard(name)
        done.add(name)
        return False

    if loops(play.start):
        yield ("nodes",), "the conversation loops back on itself; every path must reach an ending"
    elif play.best_points() == 0:
        yield ("nodes",), "no path earns any points; give the replies the policy asks for 2"


def structure_problems(module: TrainingModule) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """What a single step's model cannot see: ids used twice, and role-plays that do not hold
    together. Each problem comes with its location in the file."""
    first_use: dict[str, str] = {}
    for index, step in enumerate(module.steps):
        located: list[tuple[tuple[int | str, ...], PlayableStep | QuestionPool]] = [
            (("steps", index), step)
        ]
        if isinstance(step, QuestionPool):
            located += [
                (("steps", index, "questions", number), question)
                for number, question in enumerate(step.questions)
            ]
        for loc, candidate in located:
            if candidate.id in first_use:
                yield (
                    (*loc, "id"),
                    f"the step id {candidate.id!r} is already used at {first_use[candidate.id]}; "
                    "every step needs its own id (answers are stored by it)",
                )
            else:
                first_use[candidate.id] = key_path(loc)
        if isinstance(step, RolePlay):
            for loc, problem in _role_play_problems(step):
                yield ("steps", index, *loc), problem
    keepable = sum(play.can_keep_the_customer for play in module.role_plays)
    if module.customers_kept_to_pass > keepable:
        yield (
            ("customers_kept_to_pass",),
            f"{module.customers_kept_to_pass} role-play customers must be kept to pass, but only "
            f"{keepable} role-play{'' if keepable == 1 else 's'} can end with the customer kept",
        )
    graded = module.graded_per_attempt
    needed = math.ceil(module.retake_new_share * graded - 1e-9)
    if module.new_on_retake < needed:
        yield (
            ("steps",),
            f"a retake must ask at least {needed} of its {graded} graded items new "
            f"(retake_new_share {module.retake_new_share:.0%}), but its pools can renew only "
            f"{module.new_on_retake}: add questions to a pool, which renews "
            "min(draw, questions - draw)",
        )


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching,
    Field(discriminator="kind"),
]


class QuestionPool(StrictModel):
    """Questions of which each attempt draws `draw`, in shuffled order, so a retake is not the
    same test again."""

    kind: Literal["pool"]
    id: StepId
    draw: Annotated[int, Field(ge=1)]
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def enough_to_draw(self) -> QuestionPool:
        if self.draw > len(self.questions):
            raise ValueError(
                f"`draw` is {self.draw} but the pool holds only {len(self.questions)} questions"
            )
        return self


Step = Annotated[
    Lesson
    | SingleChoice
    | MultipleChoice
    | TrueFalse
    | Ordering
    | Matching
    | RolePlay
    | Reflection
    | QuestionPool,
    Field(discriminator="kind"),
]
# A step an attempt puts on screen: a pool is never shown itself, only questions drawn from it.
PlayableStep = (
    Lesson | SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching | RolePlay | Reflection
)
GradedStep = SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching | RolePlay
GRADED_KINDS = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "ordering",
    "matching",
    "role_play",
)


class TrainingModule(StrictModel):
    id: ModuleId
    version: Annotated[int, Field(ge=1)]
    title: Text
    summary: Text
    estimated_minutes: Annotated[int, Field(ge=1, le=600)]
    mandatory: bool
    # Passing this module is followed by signing the policy version in force.
    acknowledges_policy: bool = False
    # To pass, besides the pass mark: this many role-plays end with the customer kept.
    customers_kept_to_pass: Annotated[int, Field(ge=0)] = 0
    # The share of a retake's graded items that its previous attempt did not ask.
    retake_new_share: Annotated[float, Field(ge=0, le=1)] = DEFAULT_RETAKE_NEW_SHARE
    # The standards this module teaches, by metric name: an agent clearly below one of them is
    # proposed this module as a refresher (metrics/coaching/proposals.py).
    teaches: list[StandardMetric] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)

    @field_validator("teaches")
    @classmethod
    def each_standard_once(cls, teaches: list[str]) -> list[str]:
        repeated = sorted({metric for metric in teaches if teaches.count(metric) > 1})
        if repeated:
            raise ValueError(f"a standard is named more than once: {repeated}")
        return teaches

    @cached_property
    def steps_by_id(self) -> dict[str, PlayableStep]:
        found: dict[str, PlayableStep] = {}
        for step in self.steps:
            if isinstance(step, QuestionPool):
                found.update((question.id, question) for question in step.questions)
            else:
                found[step.id] = step
        return found

    def step(self, step_id: str) -> PlayableStep:
        return self.steps_by_id[step_id]

    @property
    def graded_per_attempt(self) -> int:
        """How many graded items one attempt asks."""
        count = 0
        for step in self.steps:
            if isinstance(step, QuestionPool):
                count += step.draw
            elif step.kind in GRADED_KINDS:
                count += 1
        return count

    @property
    def new_on_retake(self) -> int:
        """How many graded items a retake can ask that the attempt before it did not: each pool
        renews as many of its draw as it holds questions besides the ones drawn last time."""
        return sum(
            min(step.draw, len(step.questions) - step.draw)
            for step in self.steps
            if isinstance(step, QuestionPool)
        )

    @property
    def role_plays(self) -> list[RolePlay]:
        return [step for step in self.steps if isinstance(step, RolePlay)]


class LoadedModule(BaseModel):
    module: TrainingModule
    path: Path
    # The policy paths its placeholders filled in ("standards.phone.answer_within"), as
    # written: what a new policy version must leave alone for a pass of it to keep counting.
    quoted: frozenset[str] = frozenset()

    def quotes(self, key: str) -> bool:
        """Whether the module quotes the policy value at `key` ("standards.phone"), a part of
        it ("standards.phone.answer_within") or the section holding it ("standards")."""
        return any(
            path == key or path.startswith(key + ".") or key.startswith(path + ".")
            for path in self.quoted
        )


# {standards.phone.answer_within}, {escalation[1].who}, {standards.csat_target:.0%};
# `{{` and `}}` stand for literal braces.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][\w.\[\]]*)(?::([^{}]*))?\}")
PATH_PART = re.compile(r"([A-Za-z_]\w*)((?:\[\d+\])*)")


def policy_value(policy: Policy, path: str) -> object:
    """Follow a dotted path such as `escalation[0].who` through the policy; KeyError if absent."""
    value: Any = policy
    for part in path.split("."):
        match = PATH_PART.fullmatch(part)
        if match is None:
            raise KeyError(path)
        name, indexes = match.groups()
        if isinstance(value, BaseModel) and (
            name in type(value).model_fields or name in type(value).model_computed_fields
        ):
            value = getattr(value, name)
        elif isinstance(value, dict) and name in value:
            value = value[name]
        else:
            raise KeyError(path)
        for index in re.findall(r"\d+", indexes):
            if not isinstance(value, list) or int(index) >= len(value):
                raise KeyError(path)
            value = value[int(index)]
    return value


def fill_placeholders(
    text: str, policy: Policy, quoted: set[str] | None = None
) -> tuple[str, list[str]]:
    """Replace each placeholder with the policy's value; return the text and the problems. The
    path of every placeholder filled in is added to `quoted`, when given."""
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        path, spec = match.group(1), match.group(2) or ""
        try:
            value = policy_value(policy, path)
        except KeyError:
            problems.append(f"unknown placeholder {{{path}}}: the policy has no such value")
            return token
        if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
            # A list of plain values (days, values, rules) reads as one sentence.
            value = ", ".join(str(item) for item in value)
        if isinstance(value, BaseModel | list | dict):
            problems.append(
                f"placeholder {{{path}}} names a whole section of the policy, not one value"
            )
            return token
        if value is None:
            problems.append(f"placeholder {{{path}}} has no value in the policy (it is empty)")
            return token
        if quoted is not None:
            quoted.add(path)
        if isinstance(value, float) and value.is_integer() and not spec:
            value = int(value)
        if isinstance(value, time) and not spec:
            spec = "%H:%M"  # a time of day as people write it, not 07:30:00
        try:
            return format(value, spec)
        except ValueError:
            problems.append(f"placeholder {{{path}:{spec}}}: {spec!r} does not suit {value!r}")
            return token

    return PLACEHOLDER.sub(replace, text), problems


def _fill_tree(
    data: object, policy: Policy, loc: tuple[int | str, ...], quoted: set[str]
) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Fill placeholders in every string of the parsed YAML in place; yield (loc, problem)."""
    items: list[tuple[Any, Any]]
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return
    for key, value in items:
        if isinstance(value, str):
            filled, problems = fill_placeholders(value, policy, quoted)
            data[key] = filled
            for problem in problems:
                yield (*loc, key), problem
        else:
            yield from _fill_tree(value, policy, (*loc, key), quoted)


def load_module(folder: Path, policy: Policy) -> LoadedModule:
    """Read, fill and validate one module folder; raise ContentError listing every problem."""
    file = folder / MODULE_FILE
    data, tree = read_yaml(file)
    quoted: set[str] = set()
    issues = [
        ContentIssue(str(file), key_path(loc), problem, line_of(tree, loc))
        for loc, problem in _fill_tree(data, policy, (), quoted)
    ]
    try:
        module = TrainingModule.model_validate(data)
    except ValidationError as exc:
        issues.extend(issues_from_validation(exc, file, tree, data))
        raise ContentError(issues) from None
    issues.extend(
        ContentIssue(str(file), key_path(loc), problem, line_of(tree, loc))
        for loc, problem in structure_problems(module)
    )
    if module.id != folder.name:
        issues.append(
            ContentIssue(
                str(file),
                "id",
                f"the module id {module.id!r} must be the folder's name {folder.name!r}",
                line_of(tree, ("id",)),
            )
        )
    if issues:
        raise ContentError(issues)
    return LoadedModule(module=module, path=file, quoted=frozenset(quoted))


def load_modules(
    policy: Policy, folder: str | os.PathLike[str] | None = None
) -> list[LoadedModule]:
    """Every module under the modules folder, in folder-name order; every problem in all of them
    is collected before raising, so one run of check-content shows the whole list."""
    root = modules_dir(folder)
    if not root.is_dir():
        raise ContentError([ContentIssue(str(root), "", "modules folder not found")])
    loaded: list[LoadedModule] = []
    issues: list[ContentIssue] = []
    for sub in sorted(path for path in root.iterdir() if path.is_dir()):
        if not (sub / MODULE_FILE).exists():
            continue
        try:
            loaded.append(load_module(sub, policy))
        except ContentError as exc:
            issues.extend(exc.issues)
    if issues:
        raise ContentError(issues)
    return loaded
