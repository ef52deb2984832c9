"""The readable difference between two versions of the policy, section by section.

Owners read it before they publish, pilot staff and the rollout session are shown it, and
publishing asks it which standards changed (a module quoting one is due again). So it says
what changed the way people talk about the policy: a standard as "phone: 30 s → 20 s", a
reworded sentence word by word, an option or a rule added or removed by name. It compares the
validated models, never the YAML text, so re-indenting a file or reordering its keys changes
nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Literal

from pydantic import BaseModel

from modules.content_errors import key_path
from modules.policy import Policy

ARROW = "→"
# A value on one side only: a standard that is new, or one that was removed.
ABSENT = "—"

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class ValueChange:
    """One value that changed: a currency, a time zone, opening hours, a date."""

    key: str  # the policy path, as `academy check-content` names it: "business_hours.opens"
    label: str  # what people call it: "opens"
    before: str
    after: str

    @property
    def line(self) -> str:
        return f"{self.label}: {self.before} {ARROW} {self.after}"


@dataclass(frozen=True)
class StandardChange(ValueChange):
    """A value the training quotes and the dashboard judges by (an answer time, a target, the
    pass mark, a compensation limit). `key` is the path a module's placeholder starts with:
    "standards.phone" for a channel's answer time, "standards.csat_target", "training.pass_mark",
    "compensation.options[0].limits.agent" (the option's place in the newer version)."""


@dataclass(frozen=True)
class Words:
    """A run of words of a changed text, kept from the old one, removed from it or inserted."""

    change: Literal["kept", "removed", "inserted"]
    text: str


@dataclass(frozen=True)
class TextChange:
    """A sentence or paragraph reworded, word by word."""

    key: str  # "standards.phone.procedure[0]"
    label: str  # "phone, procedure, point 1"
    words: tuple[Words, ...]

    @property
    def before(self) -> str:
        return " ".join(run.text for run in self.words if run.change != "inserted")

    @property
    def after(self) -> str:
        return " ".join(run.text for run in self.words if run.change != "removed")

    @property
    def marked(self) -> str:
        """The change in plain text, as `git diff --word-diff` marks it: "[-old-] {+new+}"."""
        marks = {"kept": "{}", "removed": "[-{}-]", "inserted": "{{+{}+}}"}
        return " ".join(marks[run.change].format(run.text) for run in self.words)


@dataclass(frozen=True)
class ItemChange:
    """An entry of a list added or removed: a compensation option, a complaint step, a rule."""

    key: str  # its place in the version that has it: "compensation.options[4]"
    noun: str  # what the list holds: "option", "step", "rule"
    change: Literal["added", "removed"]
    text: str  # the entry's name, or the sentence itself

    @property
    def line(self) -> str:
        return f"{'new' if self.change == 'added' else 'removed'} {self.noun} {self.text}"


@dataclass(frozen=True)
class PolicySection:
    """A part of the policy read on its own: pilot staff comment on it, the difference is shown
    by it. `key` is stable across versions (comments are stored against it)."""

    key: str
    title: str
    fields: tuple[str, ...]  # the policy's top-level keys it holds


# Every top-level key but `version` (which every new version changes) belongs to exactly one
# section, in the order of the file; tests/modules/test_policy_diff.py holds the policy to it.
POLICY_SECTIONS: tuple[PolicySection, ...] = (
    PolicySection("about", "About this policy", ("title", "organisation", "effective_from")),
    PolicySection("vision", "Vision and purpose", ("vision", "mission_link", "values")),
    PolicySection("standards", "Standards", ("standards",)),
    PolicySection("business_hours", "Business hours", ("business_hours",)),
    PolicySection("communication", "Communication", ("communication",)),
    PolicySection("follow_up", "Follow-up", ("follow_up",)),
    PolicySection("retention", "Keeping customers", ("retention",)),
    PolicySection("recognition", "Recognition", ("recognition",)),
    PolicySection("equal_treatment", "Equal treatment", ("equal_treatment",)),
    PolicySection("complaint_handling", "Complaint handling", ("complaint_handling",)),
    PolicySection("compensation", "Compensation", ("compensation",)),
    PolicySection("escalation", "Escalation", ("escalation",)),
    PolicySection("returns", "Returns", ("returns",)),
    PolicySection("privacy", "Privacy", ("privacy",)),
    PolicySection("training", "Training", ("training",)),
    PolicySection("review", "Review and pilot", ("review",)),
    PolicySection("complaints", "Complaint register", ("complaints",)),
)


@dataclass(frozen=True)
class SectionDifference:
    """What changed in one section; a section with no change has no SectionDifference."""

    key: str
    title: str
    standards: tuple[StandardChange, ...]
    values: tuple[ValueChange, ...]
    items: tuple[ItemChange, ...]
    texts: tuple[TextChange, ...]

    @property
    def lines(self) -> list[str]:
        """The changes as short plain lines: standards, other values, entries, rewordings."""
        return (
            [change.line for change in self.standards]
            + [change.line for change in self.values]
            + [item.line for item in self.items]
            + [f"{text.label} reworded" for text in self.texts]
        )


def policy_difference(before: Policy, after: Policy) -> list[SectionDifference]:
    """The sections that changed from `before` to `after`, in the order of the policy."""
    differences = []
    for section in POLICY_SECTIONS:
        changes: list[ValueChange | ItemChange | TextChange] = []
        for field in section.fields:
            changes.extend(
                _compare(getattr(before, field), getattr(after, field), (field,), before, after)
            )
        if changes:
            differences.append(
                SectionDifference(
                    key=section.key,
                    title=section.title,
                    standards=tuple(c for c in changes if isinstance(c, StandardChange)),
                    values=tuple(
                        c
                        for c in changes
                        if isinstance(c, ValueChange) and not isinstance(c, StandardChange)
                    ),
                    items=tuple(c for c in changes if isinstance(c, ItemChange)),
                    texts=tuple(c for c in changes if isinstance(c, TextChange)),
                )
            )
    return differences


def changed_standards(before: Policy, after: Policy) -> list[StandardChange]:
    """The standards whose value changed, in the order of the policy."""
    return [change for section in policy_difference(before, after) for change in section.standards]


def change_lines(before: Policy, after: Policy) -> list[str]:
    """Short plain lines for a slide: the standards' lines first ("phone: 30 s → 20 s"), then
    every other change under its section's title ("Compensation: new option Gift card")."""
    sections = policy_difference(before, after)
    standards = [change.line for section in sections for change in section.standards]
    others = [
        f"{section.title}: {line}"
        for section in sections
        for line in section.lines[len(section.standards) :]
    ]
    return standards + others


# -- the standards and how each is said ----------------------------------------------------


def short_duration(seconds: int) -> str:
    """An answer time as a standard is quoted on a slide: 30 -> '30 s', 14400 -> '4 h'."""
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0 and seconds >= 120:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _counted(unit: str) -> Callable[[int], str]:
    return lambda n: f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 1):g}%"


@dataclass(frozen=True)
class _Standard:
    label: str
    say: Callable[[Any], str]  # the value as people say it: "30 s", "85%", "3 days"


# The numeric standards, by their path in the policy. A channel's answer time is keyed by the
# channel ("standards.phone"), the way publishing matches it against a module's placeholders.
_STANDARDS: dict[Loc, _Standard] = {
    **{
        ("standards", channel, "answer_within_s"): _Standard(channel, short_duration)
        for channel in ("phone", "chat", "email", "social")
    },
    ("standards", "complaint_follow_up_days"): _Standard("complaint follow-up", _counted("day")),
    ("standards", "service_level_target"): _Standard("service level target", _percent),
    ("standards", "resolution_target"): _Standard("resolution target", _percent),
    ("standards", "csat_target"): _Standard("CSAT target", _percent),
    ("standards", "min_contacts"): _Standard("minimum contacts", _counted("contact")),
    ("standards", "min_agents_for_comparison"): _Standard(
        "fewest agents for a comparison", _counted("agent")
    ),
    ("training", "pass_mark"): _Standard("pass mark", _percent),
    ("training", "due_within_days"): _Standard("training due within", _counted("day")),
    ("training", "refresher_every_months"): _Standard("refresher every", _counted("month")),
    ("training", "recertify_after_months"): _Standard("recertify after", _counted("month")),
    ("returns", "window_days"): _Standard("return window", _counted("day")),
    ("review", "every_months"): _Standard("policy review every", _counted("month")),
}

_LIMIT_ROLES = ("agent", "supervisor", "owner")


def _standard_key(loc: Loc) -> str:
    if loc[0] == "standards" and loc[-1] == "answer_within_s":
        return key_path(loc[:-1])
    return key_path(loc)


# -- walking two versions side by side -----------------------------------------------------

# What a list of the policy holds, for "new option Gift card"; other lists hold points.
_NOUNS = {
    "values": "value",
    "procedure": "procedure point",
    "days": "day",
    "steps": "step",
    "say_it_like": "example",
    "record_fields": "record field",
    "never_say": "phrase never to say",
    "principles": "principle",
    "options": "option",
    "escalation": "escalation level",
    "when": "reason to escalate",
    "rules": "rule",
}
_LABELS = {"csat_target": "CSAT target", "answer_within_s": "answer within"}


def _field_label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


def _identity(item: object) -> object | None:
    """What names an entry of a list across versions: its id, or an escalation's level."""
    return getattr(item, "id", None) or getattr(item, "level", None)


def _name(item: object) -> str:
    for attribute in ("name", "title", "who"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return str(item)


def _say(value: object) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(_say(item) for item in value)
    return str(value)


# A section named after its one key already says it: "opens", not "business hours, opens".
_SECTIONS_OF_ONE_KEY = frozenset(s.key for s in POLICY_SECTIONS if s.fields == (s.key,))


def _label(loc: Loc, after: Policy) -> str:
    """The path said in words, without its section's own key: ("standards", "phone",
    "procedure", 1) -> "phone, procedure, point 2"; an entry matched by id by its name."""
    words: list[str] = []
    node: object = after
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            items = node if isinstance(node, list) else []
            item = items[part] if part < len(items) else None
            if item is not None and _identity(item) is not None:
                words.append(_name(item))
            else:
                words.append(f"point {part + 1}")
            node = item
        else:
            if depth > 0 or part not in _SECTIONS_OF_ONE_KEY:
                words.append(_field_label(part))
            node = getattr(node, part, None)
    return ", ".join(words) if words else _field_label(str(loc[0]))


def _compare(
    old: object, new: object, loc: Loc, before: Policy, after: Policy
) -> Iterator[ValueChange | ItemChange | TextChange]:
    if isinstance(old, BaseModel) and isinstance(new, BaseModel):
        for field in type(new).model_fields:
            yield from _compare(
                getattr(old, field), getattr(new, field), (*loc, field), before, after
            )
    elif isinstance(old, list) and isinstance(new, list) and not _is_choice_list(old, new):
        yield from _compare_lists(old, new, loc, before, after)
    elif old != new:
        yield _changed_value(old, new, loc, before, after)


def _is_choice_list(old: list[object], new: list[object]) -> bool:
    """A list of single words (business days) reads as one value: "mon, tue → mon, tue, wed"."""
    return all(isinstance(item, str) and " " not in item for item in [*old, *new])


def _changed_value(
    old: object, new: object, loc: Loc, before: Policy, after: Policy
) -> ValueChange | TextChange:
    standard = _STANDARDS.get(loc)
    if standard is not None:
        return StandardChange(
            key=_standard_key(loc),
            label=standard.label,
            before=ABSENT if old is None else standard.say(old),
            after=ABSENT if new is None else standard.say(new),
        )
    if _is_limit(loc):
        option = _name(_at(after, loc[:3]))
        currency = after.compensation.currency
        return StandardChange(
            key=key_path(loc),
            label=f"{option}, {loc[-1]} limit",
            before=_limit(old, currency),
            after=_limit(new, currency),
        )
    if isinstance(old, str) and isinstance(new, str) and (" " in old or " " in new):
        return TextChange(key_path(loc), _label(loc, after), word_difference(old, new))
    return ValueChange(key_path(loc), _label(loc, after), _say(old), _say(new))


def _is_limit(loc: Loc) -> bool:
    return (
        len(loc) == 5 and loc[:2] == ("compensation", "options") and loc[3] == "limits"
    ) and loc[4] in _LIMIT_ROLES


def _limit(value: object, currency: str) -> str:
    return "no limit" if value is None else f"{_say(value)} {currency}"


def _at(policy: Policy, loc: Loc) -> object:
    node: object = policy
    for part in loc:
        node = (
            node[part]
            if isinstance(part, int) and isinstance(node, list)
            else getattr(node, str(part))
        )
    return node


def _compare_lists(
    old: list[object], new: list[object], loc: Loc, before: Policy, after: Policy
) -> Iterator[ValueChange | ItemChange | TextChange]:
    noun = _NOUNS.get(str(loc[-1]), "point")
    if all(_identity(item) is not None for item in [*old, *new]):
        # Entries with an id (options, steps) or a level are the same entry across versions
        # wherever they stand in the list.
        old_by_id = {_identity(item): item for item in old}
        new_ids = {_identity(item) for item in new}
        for place, item in enumerate(new):
            earlier = old_by_id.get(_identity(item))
            if earlier is None:
                yield ItemChange(key_path((*loc, place)), noun, "added", _name(item))
            else:
                yield from _compare(earlier, item, (*loc, place), before, after)
        for place, item in enumerate(old):
            if _identity(item) not in new_ids:
                yield ItemChange(key_path((*loc, place)), noun, "removed", _name(item))
        return
    # Sentences: the ones kept are matched whole; a sentence replaced in place is a rewording.
    matcher = difflib.SequenceMatcher(a=_texts(old), b=_texts(new), autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if operation == "replace" else 0
        for offset in range(paired):
            yield from _compare(
                old[i1 + offset], new[j1 + offset], (*loc, j1 + offset), before, after
            )
        for place in range(i1 + paired, i2):
            yield ItemChange(key_path((*loc, place)), noun, "removed", _say(old[place]))
        for place in range(j1 + paired, j2):
            yield ItemChange(key_path((*loc, place)), noun, "added", _say(new[place]))


def _texts(items: Sequence[object]) -> list[str]:
    return [item.model_dump_json() if isinstance(item, BaseModel) else _say(item) for item in items]


def word_difference(before: str, after: str) -> tuple[Words, ...]:
    """`before` changed into `after`, word by word: runs of kept, removed and inserted words
    (a removal comes before the insertion that replaces it). White space is not a word, so
    re-wrapping a paragraph changes nothing."""
    old, new = before.split(), after.split()
    runs: list[Words] = []

    def add(change: Literal["kept", "removed", "inserted"], words: list[str]) -> None:
        if not words:
            return
        if runs and runs[-1].change == change:
            runs[-1] = Words(change, f"{runs[-1].text} {' '.join(words)}")
        else:
            runs.append(Words(change, " ".join(words)))

    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            add("kept", old[i1:i2])
        else:
            add("removed", old[i1:i2])
            add("inserted", new[j1:j2])
    return tuple(runs)
