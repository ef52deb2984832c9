"""The period every reading of contacts shares: which dates, team and channel count, who may
ask for them, and the SQL that selects them.

- The period selects contacts whose `queued_at` falls on a date from `start` to `end`, both
  inclusive, in the organisation's time zone (the policy's `business_hours.timezone`).
- "Within the standard" means a wait less than or equal to the channel's `answer_within_s`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from metrics.viewer import AccessDenied, Viewer, visible_team_id
from modules.defaults import CHANNELS, Channel

if TYPE_CHECKING:
    from modules.policy_figures import PolicyOrFigures

# The period every page opens on, home pages and dashboard alike, so that they count the same
# contacts: four whole weeks, in which every weekday comes equally often (a month's five
# Mondays would weigh the busiest day more), ending on the last day with stored contacts (an
# export may end days ago; a period ending today would then be partly empty).
DEFAULT_DAYS = 28
DEFAULT_PERIOD_NAME = f"Last {DEFAULT_DAYS} days"


@dataclass(frozen=True, kw_only=True)
class Period:
    """Which contacts count: the dates (inclusive, local) and optional team and channel.

    A plain dataclass (no Pydantic: the command line's report builds one); it is built from
    parsed dates and the team and channel the caller checked, and refuses a start after its end
    (ValueError)."""

    start: date
    end: date
    team_id: int | None = None
    channel: Channel | None = None

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"the period starts ({self.start}) after it ends ({self.end})")

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The period as UTC instants [from, to): local midnight of `start` to local midnight
        after `end`. Comparing instants keeps the filter on the stored column, so DuckDB can
        skip row groups by their min/max."""
        zone = ZoneInfo(timezone)
        first = datetime.combine(self.start, time(0), zone)
        after = datetime.combine(self.end + timedelta(days=1), time(0), zone)
        return first, after

    def days_in_week(self, monday: date) -> int:
        """How many days of the week starting on `monday` lie in the period: under 7, the
        week is partial (an edge of the dates chosen cuts it)."""
        first, last = max(self.start, monday), min(self.end, monday + timedelta(days=6))
        return max(0, (last - first).days + 1)

    def previous(self) -> Period:
        """The period of the same length just before this one, for 'change from last period'."""
        days = (self.end - self.start).days + 1
        return replace(
            self, start=self.start - timedelta(days=days), end=self.start - timedelta(days=1)
        )


def default_period(last_day: date, first_day: date | None = None) -> Period:
    """The DEFAULT_DAYS days ending on `last_day` (the last local day with stored contacts),
    cut to start no earlier than `first_day` when the store holds fewer days."""
    start = last_day - timedelta(days=DEFAULT_DAYS - 1)
    return Period(start=start if first_day is None else max(start, first_day), end=last_day)


def visible_period(viewer: Viewer, period: Period) -> Period:
    """The period narrowed to what the viewer may see: a supervisor's own team; agents see only
    their own numbers (`my_metrics`), never a list."""
    if viewer.role == "agent":
        raise AccessDenied("agents see their own numbers only")
    return replace(period, team_id=visible_team_id(viewer, period.team_id))


def scope_sql(policy: PolicyOrFigures, period: Period) -> tuple[str, list[object]]:
    """The WHERE clause and parameters selecting the period's contacts (`i` = interactions)."""
    team = period.team_id
    first, after = period.bounds(policy.business_hours.timezone)
    where = "i.queued_at >= ? AND i.queued_at < ?"
    params: list[object] = [first, after]
    if team is not None:
        where += " AND i.team_id = ?"
        params.append(team)
    if period.channel is not None:
        where += " AND i.channel = ?"
        params.append(period.channel)
    return where, params


def filters_sql(period: Period, alias: str) -> tuple[str, list[object]]:
    """The team and channel filters over `alias` (a table with team_id and channel columns)."""
    where, params = "", list[object]()
    if period.team_id is not None:
        where += f" AND {alias}.team_id = ?"
        params.append(period.team_id)
    if period.channel is not None:
        where += f" AND {alias}.channel = ?"
        params.append(period.channel)
    return where, params


def standards_cte(policy: PolicyOrFigures) -> tuple[str, list[object]]:
    values = ", ".join("(?, ?)" for _ in CHANNELS)
    params: list[object] = []
    for channel in CHANNELS:
        params += [channel, policy.standards.channel(channel).answer_within_s]
    return f"standard(channel, within_s) AS (SELECT * FROM (VALUES {values}))", params


def within_s_sql(policy: PolicyOrFigures) -> tuple[str, list[object]]:
    """The channel's answer standard in seconds for `i` (interactions), as one CASE expression.

    Cheaper than joining a table of standards: the join costs a hash probe per contact (about
    0.1 s per 10M contacts) and the CASE only a comparison. Every stored channel is one of
    CHANNELS (a CHECK constraint), so the CASE never falls through.
    """
    whens = " ".join("WHEN ? THEN ?::INTEGER" for _ in CHANNELS)
    params: list[object] = []
    for channel in CHANNELS:
        params += [channel, policy.standards.channel(channel).answer_within_s]
    return f"CASE i.channel {whens} END", params


def utc_days(policy: PolicyOrFigures, period: Period) -> tuple[datetime, datetime, date, date]:
    """The period's instants [first, after) and the whole UTC days [day_from, day_to) within
    them, which the daily rollups hold; the hours outside those days are read from
    interactions. When no whole UTC day fits, day_from = day_to and everything is read there."""
    first, after = period.bounds(policy.business_hours.timezone)
    first_utc, after_utc = first.astimezone(UTC), after.astimezone(UTC)
    day_from = first_utc.date() + timedelta(days=0 if first_utc.time() == time(0) else 1)
    day_to = after_utc.date()
    return first, after, day_from, max(day_from, day_to)
