"""The customer-service policy: the single source of truth for standards, targets and rules.

The training text quotes its standards and the dashboard judges agents by them, so the model is
strict: an unknown key, a target outside 0..1 or a compensation limit that a junior role could
exceed is an error in the file, reported with its key path, never silently accepted.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, time
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    computed_field,
    field_validator,
    model_validator,
)

from modules.content_errors import (
    ContentError,
    ContentIssue,
    issues_from_validation,
    parse_yaml,
    read_yaml,
)
from modules.defaults import (  # re-exported: the names every caller imports from here
    CHANNELS,
    DEFAULT_POLICY_PATH,  # noqa: F401
    POLICY_ENV_VAR,  # noqa: F401
    ROLES,  # noqa: F401
    Channel,
    Role,
    policy_path,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

Fraction = Annotated[float, Field(ge=0, le=1)]
Text = Annotated[str, Field(min_length=1)]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def duration_text(seconds: int) -> str:
    """A standard as people say it: 30 -> '30 seconds', 14400 -> '4 hours', 5400 -> '90 minutes'."""

    def plural(n: int, unit: str) -> str:
        return f"{n} {unit}" if n == 1 else f"{n} {unit}s"

    if seconds % 86400 == 0:
        return plural(seconds // 86400, "day")
    if seconds % 3600 == 0:
        return plural(seconds // 3600, "hour")
    if seconds % 60 == 0 and seconds >= 120:
        return plural(seconds // 60, "minute")
    return plural(seconds, "second")


class ChannelStandard(StrictModel):
    label: Text
    answer_within_s: Annotated[int, Field(gt=0)]
    procedure: list[Text] = Field(min_length=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answer_within(self) -> str:
        return duration_text(self.answer_within_s)


class Standards(StrictModel):
    phone: ChannelStandard
    chat: ChannelStandard
    email: ChannelStandard
    social: ChannelStandard
    complaint_follow_up_days: Annotated[int, Field(gt=0)]
    service_level_target: Fraction
    resolution_target: Fraction
    csat_target: Fraction
    min_contacts: Annotated[int, Field(gt=0)]
    # An agent sees their team's median of a number only when at least this many agents were
    # judged on it: the median of two is their mean, so 2 × median − one's own value would be
    # the other agent's number exactly; of one, it is one's own. Three is the least allowed.
    min_agents_for_comparison: Annotated[int, Field(ge=3)] = 5

    def channel(self, channel: Channel) -> ChannelStandard:
        return getattr(self, channel)

    @property
    def answer_within_s(self) -> dict[Channel, int]:
        return {channel: self.channel(channel).answer_within_s for channel in CHANNELS}


class BusinessHours(StrictModel):
    timezone: Text
    days: list[Weekday] = Field(min_length=1)
    opens: time
    closes: time
    outside_hours: Text

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use a name like 'Europe/Zagreb')"
            ) from None
        return value

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def quoted_clock_time(cls, value: object) -> object:
        # Unquoted 07:30 is the integer 450 in YAML 1.1; accepting it would silently mean 00:07:30.
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            raise ValueError("write the time as 'HH:MM' in quotes, e.g. '07:30'")
        return value

    @field_validator("days")
    @classmethod
    def no_repeated_days(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a day is listed twice")
        return value

    @model_validator(mode="after")
    def opens_before_closing(self) -> BusinessHours:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


class ComplaintStep(StrictModel):
    id: Slug
    title: Text
    what_to_do: Text
    say_it_like: list[Text] = []


class ComplaintHandling(StrictModel):
    steps: list[ComplaintStep] = Field(min_length=1)
    record_fields: list[Text] = Field(min_length=1)
    never_say: list[Text] = []

    @field_validator("steps")
    @classmethod
    def unique_step_ids(cls, steps: list[ComplaintStep]) -> list[ComplaintStep]:
        ids = [step.id for step in steps]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"step ids must be unique; repeated: {', '.join(repeated)}")
        return steps


class CompensationLimits(StrictModel):
    """The most each role may grant alone; null means no limit (the owner, usually)."""

    agent: Annotated[float, Field(ge=0)]
    supervisor: Annotated[float, Field(ge=0)] | None
    owner: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def senior_roles_may_grant_more(self) -> CompensationLimits:
        ladder = [("agent", self.agent), ("supervisor", self.supervisor), ("owner", self.owner)]
        for (junior, low), (senior, high) in pairwise(ladder):
            if low is None and high is not None:
                raise ValueError(f"{junior} has no limit but {senior} has one")
            if low is not None and high is not None and high < low:
                raise ValueError(f"{senior}'s limit ({high:g}) is below {junior}'s ({low:g})")
        return self

    def limit_for(self, role: Role) -> float | None:
        return {"agent": self.agent, "supervisor": self.supervisor, "owner": self.owner}[role]


class CompensationOption(StrictModel):
    id: Slug
    name: Text
    description: Text
    limits: CompensationLimits


class Compensation(StrictModel):
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    principles: list[Text] = Field(min_length=1)
    options: list[CompensationOption] = Field(min_length=1)


class EscalationLevel(StrictModel):
    level: Annotated[int, Field(ge=1)]
    who: Text
    role: Role
    contact: Text
    when: list[Text] = Field(min_length=1)


class Returns(StrictModel):
    window_days: Annotated[int, Field(gt=0)]
    rules: list[Text] = Field(min_length=1)


class Privacy(StrictModel):
    rules: list[Text] = Field(min_length=1)


class ComplaintCategory(StrictModel):
    id: Slug
    name: Text


# The register's categories when the policy names none: the problems a seller of household
# appliances hears most. "other" (with the receiver's words) is always allowed beside them.
DEFAULT_COMPLAINT_CATEGORIES: tuple[ComplaintCategory, ...] = (
    ComplaintCategory(id="late_delivery", name="Late or missed delivery"),
    ComplaintCategory(id="faulty_product", name="Faulty or damaged product"),
    ComplaintCategory(id="wrong_item", name="Wrong item or incomplete order"),
    ComplaintCategory(id="billing", name="Billing, payment or refund"),
    ComplaintCategory(id="repair_service", name="Repair or installation service"),
    ComplaintCategory(id="returns", name="Return or exchange"),
    ComplaintCategory(id="product_information", name="Wrong product information or advice"),
    ComplaintCategory(id="hard_to_reach", name="Waiting or hard to reach us"),
    ComplaintCategory(id="staff_conduct", name="How staff treated the customer"),
)
OTHER_CATEGORY = "other"
# Two years: long enough to see a customer's repeat complaints and answer a late warranty
# dispute, short enough not to keep personal data "just in case".
DEFAULT_DETAILS_RETENTION_DAYS = 730


class ComplaintRegister(StrictModel):
    """The complaint register's rules. Optional in the file: the defaults apply without it."""

    categories: list[ComplaintCategory] = Field(
        default_factory=lambda: list(DEFAULT_COMPLAINT_CATEGORIES), min_length=1
    )
    # After this many days from a complaint's closing (resolved and followed up), the
    # customer's name and contact details are erased; the anonymised record stays.
    details_retention_days: Annotated[int, Field(gt=0)] = DEFAULT_DETAILS_RETENTION_DAYS

    @field_validator("categories")
    @classmethod
    def unique_categories(cls, categories: list[ComplaintCategory]) -> list[ComplaintCategory]:
        ids = [category.id for category in categories]
        if OTHER_CATEGORY in ids:
            raise ValueError(f"{OTHER_CATEGORY!r} is always allowed; do not list it")
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"category ids must be unique; repeated: {', '.join(repeated)}")
        return categories

    def category_name(self, category: str, other: str | None = None) -> str:
        """A stored category as people read it: its name, or the receiver's words for 'other'."""
        if category == OTHER_CATEGORY:
            return f"Other: {other}" if other else "Other"
        return next((c.name for c in self.categories if c.id == category), category)


class Training(StrictModel):
    pass_mark: Annotated[float, Field(gt=0, le=1)]
    due_within_days: Annotated[int, Field(gt=0)]
    refresher_every_months: Annotated[int, Field(gt=0)]
    # A pass expires this many months after it was completed, and the module is due again;
    # None: a pass lasts.
    recertify_after_months: Annotated[int, Field(gt=0)] | None = None
    # Training impact (metrics/coaching/impact.py) concludes nothing from fewer trained agents
    # than this (nor fewer agents to compare them with): below it one agent's good or bad
    # month decides the answer. Two is the least a bootstrap over agents can resample at all.
    min_agents_for_impact: Annotated[int, Field(ge=2)] = 5


class Review(StrictModel):
    every_months: Annotated[int, Field(gt=0)]
    customer_feedback: Text
    pilot: Text


class Policy(StrictModel):
    version: Annotated[int, Field(ge=1)]
    title: Text
    organisation: Text
    effective_from: date
    vision: Text
    mission_link: Text
    values: list[Text] = Field(min_length=1)
    standards: Standards
    business_hours: BusinessHours
    communication: list[Text] = Field(min_length=1)
    follow_up: list[Text] = Field(min_length=1)
    retention: list[Text] = Field(min_length=1)
    recognition: list[Text] = Field(min_length=1)
    equal_treatment: Text
    complaint_handling: ComplaintHandling
    compensation: Compensation
    escalation: list[EscalationLevel] = Field(min_length=1)
    returns: Returns
    privacy: Privacy
    training: Training
    review: Review
    complaints: ComplaintRegister = Field(default_factory=ComplaintRegister)

    @field_validator("escalation")
    @classmethod
    def ladder_counts_up_from_one(cls, ladder: list[EscalationLevel]) -> list[EscalationLevel]:
        levels = [step.level for step in ladder]
        if levels != list(range(1, len(ladder) + 1)):
            raise ValueError(f"levels must be 1, 2, 3, ... in order; found {levels}")
        return ladder


class LoadedPolicy(BaseModel):
    """A validated policy and where it came from, so a stored version can be matched to its file."""

    model_config = ConfigDict(frozen=True)

    policy: Policy
    path: Path
    checksum: str
    text: str


def load_policy(path: str | os.PathLike[str] | None = None) -> LoadedPolicy:
    """Read and validate a policy file; raise ContentError listing every problem found."""
    file = policy_path(path)
    data, tree = read_yaml(file)
    policy = _validated(data, tree, str(file))
    raw = file.read_bytes()
    return LoadedPolicy(
        policy=policy,
        path=file,
        checksum=hashlib.sha256(raw).hexdigest(),
        text=raw.decode("utf-8-sig"),
    )


def parse_policy(text: str, source: str) -> LoadedPolicy:
    """Validate policy text that is not (or no longer) a file: an upload, the page's editor, a
    version kept in the store. `source` names it in every problem reported."""
    data, tree = parse_yaml(text, source)
    policy = _validated(data, tree, source)
    return LoadedPolicy(policy=policy, path=Path(source), checksum=policy_checksum(text), text=text)


def policy_checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The top-level `version: N` line of a policy's YAML (the model requires the key).
_VERSION_LINE = re.compile(r"^version:[ \t]*[^\n#]*", re.MULTILINE)


def with_version_number(text: str, version: int, source: str) -> str:
    """The policy text with its top-level `version:` set to `version`: the store numbers versions,
    and the text kept (and exported, and acknowledged) must say the same number."""
    renumbered, found = _VERSION_LINE.subn(f"version: {version}", text, count=1)
    if not found:
        issue = ContentIssue(source, "version", "write the version as a line `version: N`")
        raise ContentError([issue])
    return renumbered


def _validated(data: object, tree: Any, source: str) -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise ContentError(issues_from_validation(exc, Path(source), tree)) from None
