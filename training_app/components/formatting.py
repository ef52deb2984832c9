"""Formatting shared by pages: times in the organisation's zone, counts, rates and differences
of rates people can read, and one way of showing what is missing."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from metrics.performance.period import Period

MISSING = "–"  # how anything missing reads, in tiles, tables and captions alike
NO_CHANGE = "no change"
# Differences of rates are written in percentage points to one decimal: finer than that is
# noise at the sample sizes a contact centre has, and coarser hides a real half-point move.
POINTS_DECIMALS = Decimal("0.1")
# A difference is rounded after this many decimals of points are kept, so that float noise
# (0.8005 − 0.8 = 0.000499999…) rounds as the digits people read do.
FLOAT_NOISE_DECIMALS = 9


def is_missing(value: object) -> bool:
    """None, NaN, pandas' NA and NaT: a value that is not there."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):  # a list or an array is a value, not a gap
        return False


def shown(value: object) -> str:
    """Any value as text; MISSING when it is not there, never 'None', 'nan' or 'NaT'."""
    return MISSING if is_missing(value) else str(value)


def local_time(moment: datetime | None, timezone: str, fmt: str = "%d %b %Y %H:%M") -> str:
    """A stored UTC moment as the organisation reads it; MISSING when there is none."""
    if is_missing(moment):
        return MISSING
    assert moment is not None
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt)


def local_day(moment: datetime | None, timezone: str) -> str:
    return local_time(moment, timezone, "%d %b %Y")


def period_dates(period: Period | None) -> str:
    """A period's dates as a home page and the dashboard's caption write them: '03 Nov 2026 –
    30 Nov 2026, the last day with stored contacts'; what there is without one."""
    if period is None:
        return "No contacts are stored yet."
    return (
        f"{period.start:%d %b %Y} – {period.end:%d %b %Y}, ending on the last day with stored "
        "contacts."
    )


def count(n: int) -> str:
    """12345 -> '12,345'."""
    return f"{n:,}"


def percent(value: object) -> str:
    """A rate as a whole percentage; MISSING when it has no value (no denominator)."""
    if is_missing(value):
        return MISSING
    return f"{float(value):.0%}"  # type: ignore[arg-type]


def seconds(value: object) -> str:
    """A wait in whole seconds: '35 s'; MISSING when there is none."""
    if is_missing(value):
        return MISSING
    return f"{float(value):.0f} s"  # type: ignore[arg-type]


def _points(difference: float) -> Decimal:
    """A difference of two rates (fractions) in percentage points, rounded half away from
    zero to POINTS_DECIMALS."""
    noise_free = Decimal(repr(round(difference * 100, FLOAT_NOISE_DECIMALS)))
    return noise_free.quantize(POINTS_DECIMALS, rounding=ROUND_HALF_UP)


def signed_points(difference: object) -> str | None:
    """A difference of two rates (fractions) in percentage points: '+1.2 points', '-0.4
    points', or NO_CHANGE when it rounds to zero (never '-0.0 points'); None when missing."""
    if is_missing(difference):
        return None
    points = _points(float(difference))  # type: ignore[arg-type]
    return NO_CHANGE if points == 0 else f"{points:+} points"


def points_change(current: object, previous: object) -> str | None:
    """How a rate moved from `previous` to `current` (see `signed_points`); None when either
    rate is missing."""
    if is_missing(current) or is_missing(previous):
        return None
    return signed_points(float(current) - float(previous))  # type: ignore[arg-type]


def points_gap(gap: object) -> str:
    """How far a rate falls short of its target, in percentage points: '12.3 points'; 'less
    than 0.1 points' when that rounds to zero; MISSING when there is no rate."""
    if is_missing(gap):
        return MISSING
    points = _points(abs(float(gap)))  # type: ignore[arg-type]
    return f"less than {POINTS_DECIMALS} points" if points == 0 else f"{points} points"


def too_few(n: int, minimum: int, noun: str = "contacts") -> str:
    """What a rate under the policy's minimum sample says instead of being judged."""
    return f"too few {noun} ({n:d} of {minimum:d})"


def file_slug(text: str, fallback: str) -> str:
    """A name for a downloaded file: 'Marija Šimić' -> 'marija-simic'; `fallback` when nothing
    Latin is left (a Hebrew name, say)."""
    latin = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-")
    return slug or fallback
