"""Did the coached number move? A goal's metric over the weeks before its plan and the weeks
since, each with its n and 95% Wilson interval; met or not; and whether the change is clear or
within the noise.

The weeks, chosen the same way for every goal of a plan:

- the plan's day is the local date it was opened (the policy's `business_hours.timezone`); it
  belongs to neither side, since the talk happened during it;
- *since*: whole weeks of seven days from the day after the plan's day, as many as have ended
  before today (today is not over yet): k = (today − plan's day − 1) ÷ 7, rounded down;
- *before*: the same k whole weeks ending the day before the plan's day.

So both sides cover the same weekdays equally often. With no whole week since the plan yet,
there is nothing to compare.

A goal is met when the rate since the plan is at or above its target, and it is judged only on
at least the policy's minimum sample (`standards.min_contacts`) in the weeks since: the rate's
own n (contacts handled for service level and resolution, ratings for CSAT, complaints due for
follow-up compliance); on fewer it says "too few contacts to judge".

The change (since − before) is *clear* when the 95% interval of the difference of the two
proportions excludes 0, else *within the noise*. The interval is Newcombe's hybrid score
interval (method 10 of Newcombe 1998), built from the two Wilson intervals: with p₁, [l₁, u₁]
before and p₂, [l₂, u₂] since and d = p₂ − p₁,
low = d − √((p₂ − l₂)² + (u₁ − p₁)²), high = d + √((u₂ − p₂)² + (p₁ − l₁)²).

Everything here is pure and tested on hand-made numbers
(tests/metrics/coaching/test_before_after.py); `metrics/coaching/plans.py` reads the counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from metrics.performance.intervals import wilson_interval

DAYS_IN_WEEK = 7
Change = Literal["clear improvement", "clear drop", "within the noise", "nothing to compare"]
Verdict = Literal["met", "not met", "too few contacts to judge", "no whole week yet"]


@dataclass(frozen=True)
class Weeks:
    """The two sides of the comparison: local dates, both inclusive, `weeks` whole weeks each."""

    weeks: int
    before_start: date
    before_end: date
    since_start: date
    since_end: date


def weeks_around(plan_day: date, today: date) -> Weeks | None:
    """The whole weeks before and since a plan opened on `plan_day` (see the module's
    docstring); None while no whole week since the plan has ended."""
    weeks = (today - plan_day).days - 1
    weeks = weeks // DAYS_IN_WEEK if weeks > 0 else 0
    if weeks == 0:
        return None
    length = timedelta(days=weeks * DAYS_IN_WEEK)
    since_start = plan_day + timedelta(days=1)
    return Weeks(
        weeks=weeks,
        before_start=plan_day - length,
        before_end=plan_day - timedelta(days=1),
        since_start=since_start,
        since_end=since_start + length - timedelta(days=1),
    )


@dataclass(frozen=True)
class Side:
    """One side's rate: successes ÷ n, with its 95% Wilson interval (None when n is 0)."""

    successes: int
    n: int
    value: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, successes: int, n: int) -> Side:
        if not 0 <= successes <= n:
            raise ValueError(f"{successes} successes out of {n} is not a rate")
        low, high = wilson_interval(successes, n)
        return cls(successes, n, successes / n if n else None, low, high)


def newcombe_difference(before: Side, after: Side) -> tuple[float, float] | None:
    """The 95% interval of after − before (Newcombe's hybrid score interval from the two
    Wilson intervals; see the module's docstring); None when a side has no n."""
    if (
        before.value is None
        or after.value is None
        or before.low is None
        or before.high is None
        or after.low is None
        or after.high is None
    ):
        return None
    difference = after.value - before.value
    low = difference - math.sqrt((after.value - after.low) ** 2 + (before.high - before.value) ** 2)
    high = difference + math.sqrt(
        (after.high - after.value) ** 2 + (before.value - before.low) ** 2
    )
    return low, high


@dataclass(frozen=True)
class GoalJudgement:
    """One goal at the review: its metric before and since, met?, and the change."""

    metric: str
    target: float
    weeks: Weeks | None
    before: Side | None
    since: Side | None
    verdict: Verdict
    difference: float | None
    interval: tuple[float, float] | None
    change: Change

    @property
    def met(self) -> bool | None:
        """True or False once judged; None when it could not be (too few, no week yet)."""
        return {"met": True, "not met": False}.get(self.verdict)


def judge_goal(
    metric: str,
    target: float,
    weeks: Weeks | None,
    before: Side | None,
    since: Side | None,
    *,
    min_contacts: int,
) -> GoalJudgement:
    """A goal judged on its two sides (see the module's docstring for the rules)."""
    if weeks is None or before is None or since is None:
        return GoalJudgement(
            metric, target, weeks, before, since, "no whole week yet", None, None,
            "nothing to compare",
        )  # fmt: skip
    verdict: Verdict
    if since.n < min_contacts or since.value is None:
        verdict = "too few contacts to judge"
    else:
        verdict = "met" if since.value >= target else "not met"
    interval = newcombe_difference(before, since)
    change: Change
    difference = None
    if interval is None or before.value is None or since.value is None:
        change = "nothing to compare"
    else:
        difference = since.value - before.value
        if interval[0] > 0:
            change = "clear improvement"
        elif interval[1] < 0:
            change = "clear drop"
        else:
            change = "within the noise"
    return GoalJudgement(
        metric, target, weeks, before, since, verdict, difference, interval, change
    )
