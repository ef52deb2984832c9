"""The figures of a policy that reading the contacts needs: each channel's answer standard, the
targets, the minimums and the time zone, as plain frozen dataclasses.

The policy model (`modules/policy.py`) is the one definition: `PolicyFigures.of(policy)` copies
these figures out of a validated policy, and the store keeps that copy as JSON beside each
version's text, written when the version is saved (`metrics/organisation.py`). A process that
only reads metrics (`academy report agents`) then reads the figures of the version in force
without Pydantic or a YAML parser, which cost it about a third of its start. They mirror the
model's own attribute names (`policy.standards.channel("chat").answer_within_s`,
`policy.business_hours.timezone`), so a function reading the figures takes either.

Standard library only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from modules.defaults import CHANNELS, Channel

if TYPE_CHECKING:
    from typing import TypeAlias

    from modules.policy import Policy


@dataclass(frozen=True)
class ChannelFigures:
    answer_within_s: int


@dataclass(frozen=True)
class StandardsFigures:
    phone: ChannelFigures
    chat: ChannelFigures
    email: ChannelFigures
    social: ChannelFigures
    service_level_target: float
    resolution_target: float
    csat_target: float
    min_contacts: int
    min_agents_for_comparison: int

    def channel(self, channel: Channel) -> ChannelFigures:
        found: ChannelFigures = getattr(self, channel)
        return found

    @property
    def answer_within_s(self) -> dict[Channel, int]:
        return {channel: self.channel(channel).answer_within_s for channel in CHANNELS}


@dataclass(frozen=True)
class BusinessHoursFigures:
    timezone: str


@dataclass(frozen=True)
class PolicyFigures:
    version: int
    standards: StandardsFigures
    business_hours: BusinessHoursFigures

    @classmethod
    def of(cls, policy: Policy) -> PolicyFigures:
        """The figures of a validated policy, as the model says them."""
        standards = policy.standards
        return cls(
            version=policy.version,
            standards=StandardsFigures(
                **{
                    channel: ChannelFigures(standards.channel(channel).answer_within_s)
                    for channel in CHANNELS
                },
                service_level_target=standards.service_level_target,
                resolution_target=standards.resolution_target,
                csat_target=standards.csat_target,
                min_contacts=standards.min_contacts,
                min_agents_for_comparison=standards.min_agents_for_comparison,
            ),
            business_hours=BusinessHoursFigures(timezone=policy.business_hours.timezone),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PolicyFigures:
        """The figures as `to_json` wrote them (from a validated policy: not checked again)."""
        data = json.loads(text)
        standards = data["standards"]
        return cls(
            version=int(data["version"]),
            standards=StandardsFigures(
                **{
                    **standards,
                    **{channel: ChannelFigures(**standards[channel]) for channel in CHANNELS},
                }
            ),
            business_hours=BusinessHoursFigures(**data["business_hours"]),
        )


if TYPE_CHECKING:
    # What a reading of the contacts takes: the whole policy (the pages have it), or its figures
    # (the command line's report reads only those).
    PolicyOrFigures: TypeAlias = Policy | PolicyFigures
