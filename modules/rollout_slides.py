"""The slides of the mandatory rollout session, generated from the policy: nothing on them is
typed twice, so a new version presents itself.

One slide at a time, each with presenter notes: vision and purpose; what changed since the
previous version (`modules.policy_diff.change_lines`), or that this is the first version;
the standards per channel; the complaint-handling steps; compensation limits and escalation;
what staff must do next (their assignments and due dates, handed in as `NextStep`s).

Each slide names the parts of the policy it presents (`topics`), so that the presenter is
offered the training modules' single- and multiple-choice questions that quote those parts
(`questions_on`): the standards slide offers the questions on answer times, the compensation
slide those on limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from modules.content import PLACEHOLDER, MultipleChoice, QuestionPool, SingleChoice
from modules.content_errors import read_yaml
from modules.policy import CHANNELS, Policy
from modules.policy_diff import change_lines, changed_standards

FIRST_SLIDE_TITLE = "Why we have this policy"  # where every session starts


@dataclass(frozen=True)
class NextStep:
    """Something the room must do after the session: a module to pass or the policy to sign."""

    what: str  # "Pass the module Handling complaints", "Sign policy version 2"
    due: date | None
    people: int  # how many in the session's scope have it to do


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    points: tuple[str, ...]
    notes: tuple[str, ...]
    # Policy paths the slide presents ("standards", "compensation"): a question quoting one of
    # them, or a part of one, is on the slide's topic.
    topics: tuple[str, ...] = ()


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g}%"


def _money(amount: float | None, currency: str) -> str:
    return "without a limit" if amount is None else f"up to {amount:g} {currency}"


def vision_slide(policy: Policy) -> Slide:
    return Slide(
        key="vision",
        title=FIRST_SLIDE_TITLE,
        points=(policy.vision, policy.mission_link, *policy.values),
        notes=(
            f"Open with the purpose: {policy.title}, version {policy.version}, of "
            f"{policy.organisation}, in force from {policy.effective_from:%d %B %Y}.",
            "Read the vision aloud and ask for an example of a contact that lived up to it.",
            "Everyone here signs this version afterwards: the session explains what they sign.",
        ),
        topics=("vision", "mission_link", "values", "equal_treatment"),
    )


def changes_slide(current: Policy, previous: Policy | None) -> Slide:
    if previous is None:
        return Slide(
            key="changes",
            title="The first version of our policy",
            points=(
                f"Version {current.version} is the first version: there is no earlier one to "
                "compare it with.",
                "Everything in it is new to the training and to how the dashboard judges us.",
            ),
            notes=(
                "Say that later versions will be presented with what changed, standard by "
                "standard.",
            ),
        )
    lines = change_lines(previous, current)
    return Slide(
        key="changes",
        title=f"What changed since version {previous.version}",
        points=tuple(lines)
        or (
            "Nothing a member of staff would notice: the text was tidied, the rules are the same.",
        ),
        notes=(
            "Go through each change and say why it was made: the pilot group's comments, "
            "customers' feedback or a new rule.",
            "Modules that quote a changed standard are due again; the last slide says by when.",
        ),
        topics=tuple(change.key for change in changed_standards(previous, current)),
    )


def standards_slide(policy: Policy) -> Slide:
    standards = policy.standards
    channels = [
        f"{standards.channel(channel).label}: answered within "
        f"{standards.channel(channel).answer_within}"
        for channel in CHANNELS
    ]
    return Slide(
        key="standards",
        title="Standards per channel",
        points=(
            *channels,
            f"Complaints followed up within {standards.complaint_follow_up_days} days",
            f"Targets: service level {_percent(standards.service_level_target)}, resolution "
            f"{_percent(standards.resolution_target)}, customer satisfaction "
            f"{_percent(standards.csat_target)}",
        ),
        notes=(
            *(
                f"{standards.channel(channel).label}: {standards.channel(channel).procedure[0]}"
                for channel in CHANNELS
            ),
            f"Nobody is judged on fewer than {standards.min_contacts} contacts.",
        ),
        topics=("standards",),
    )


def complaints_slide(policy: Policy) -> Slide:
    steps = policy.complaint_handling.steps
    return Slide(
        key="complaints",
        title=f"Handling a complaint: the {len(steps)} steps",
        points=tuple(f"{number}. {step.title}" for number, step in enumerate(steps, 1)),
        notes=tuple(f"{step.title}: {step.what_to_do}" for step in steps),
        topics=("complaint_handling",),
    )


def compensation_slide(policy: Policy) -> Slide:
    compensation = policy.compensation
    currency = compensation.currency
    options = [
        f"{option.name}: an agent {_money(option.limits.agent, currency)}, a supervisor "
        f"{_money(option.limits.supervisor, currency)}"
        for option in compensation.options
    ]
    ladder = [f"Level {level.level}: {level.who}" for level in policy.escalation]
    return Slide(
        key="compensation",
        title="Compensation limits and escalation",
        points=(*options, *ladder),
        notes=(
            *compensation.principles,
            *(f"{level.who}: {' '.join(level.when)}" for level in policy.escalation),
        ),
        topics=("compensation", "escalation"),
    )


def next_steps_slide(policy: Policy, next_steps: Sequence[NextStep]) -> Slide:
    points = tuple(
        f"{step.what}: due {step.due:%d %B %Y}" if step.due else step.what for step in next_steps
    )
    return Slide(
        key="next-steps",
        title="What you must do next",
        points=points or ("Nothing is assigned for this version yet.",),
        notes=(
            "Everyone finds their own list, with its due dates, on My training.",
            f"The pass mark is {_percent(policy.training.pass_mark)}; the best attempt counts.",
            *(f"{step.what}: {step.people} in this session's scope" for step in next_steps),
        ),
    )


def rollout_slides(
    current: Policy, previous: Policy | None, next_steps: Sequence[NextStep]
) -> list[Slide]:
    """The session's slides in the order they are presented."""
    return [
        vision_slide(current),
        changes_slide(current, previous),
        standards_slide(current),
        complaints_slide(current),
        compensation_slide(current),
        next_steps_slide(current, next_steps),
    ]


# -- check questions from the training modules ------------------------------------------------

ChoiceQuestion = SingleChoice | MultipleChoice


@dataclass(frozen=True)
class TrainingQuestion:
    """A module's single- or multiple-choice question, filled in from the policy, with the
    policy paths its own text quotes."""

    module_id: str
    module_title: str
    question: ChoiceQuestion
    quoted: frozenset[str]

    @property
    def source(self) -> str:
        return f"{self.module_id}/{self.question.id}"

    @property
    def correct(self) -> list[int]:
        return [index for index, option in enumerate(self.question.options) if option.correct]


def _on_topic(path: str, topic: str) -> bool:
    """`values[2]` is on `values`, `standards.phone.answer_within` on `standards.phone` and on
    `standards`; a changed `standards.phone` is quoted by `standards.phone.answer_within`."""
    return (
        path == topic
        or path.startswith((topic + ".", topic + "["))
        or topic.startswith((path + ".", path + "["))
    )


def questions_on(slide: Slide, questions: Iterable[TrainingQuestion]) -> list[TrainingQuestion]:
    """The questions whose text quotes a part of the policy the slide presents."""
    return [
        question
        for question in questions
        if any(_on_topic(path, topic) for path in question.quoted for topic in slide.topics)
    ]


def step_quotes(module_file: Path) -> dict[str, frozenset[str]]:
    """Step id -> the policy paths its own text quotes, read from the module file as written
    (the loaded module has the values filled in). A pool's questions are listed one by one."""
    data, _ = read_yaml(module_file)
    found: dict[str, frozenset[str]] = {}

    def paths(value: object) -> set[str]:
        if isinstance(value, str):
            return {match.group(1) for match in PLACEHOLDER.finditer(value) if match.group(1)}
        if isinstance(value, dict):
            return set().union(*(paths(item) for item in value.values()))
        if isinstance(value, list):
            return set().union(*(paths(item) for item in value))
        return set()

    def record(step: object) -> None:
        if isinstance(step, dict) and isinstance(step.get("id"), str):
            found[step["id"]] = frozenset(paths(step))

    steps = data.get("steps", []) if isinstance(data, dict) else []
    for step in steps:
        if isinstance(step, dict) and step.get("kind") == "pool":
            for question in step.get("questions", []):
                record(question)
        else:
            record(step)
    return found


def training_questions(
    module_id: str, module_title: str, steps: Iterable[object], quotes: dict[str, frozenset[str]]
) -> list[TrainingQuestion]:
    """A module's single- and multiple-choice questions, pools included, in module order."""
    found: list[TrainingQuestion] = []
    for step in steps:
        candidates = step.questions if isinstance(step, QuestionPool) else [step]
        for candidate in candidates:
            if isinstance(candidate, SingleChoice | MultipleChoice):
                found.append(
                    TrainingQuestion(
                        module_id=module_id,
                        module_title=module_title,
                        question=candidate,
                        quoted=quotes.get(candidate.id, frozenset()),
                    )
                )
    return found


_MARKDOWN_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def plain(text: str) -> str:
    """A module's Markdown prompt as plain text for a phone: `**not**` reads "not"."""
    return _MARKDOWN_EMPHASIS.sub(lambda match: match.group(1) or match.group(2), text).strip()
