"""Formatting shared by pages: times in the organisation's zone, counts people can read."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, timezone: str, fmt: str = "%d %b %Y %H:%M") -> str:
    """A stored UTC moment as the organisation reads it; '–' when there is none."""
    if moment is None:
        return "–"
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt)


def local_day(moment: datetime | None, timezone: str) -> str:
    return local_time(moment, timezone, "%d %b %Y")


def count(n: int) -> str:
    """12345 -> '12,345'."""
    return f"{n:,}"


def percent(value: object) -> str:
    """A rate as a whole percentage; '–' when it has no value (None or NaN: no denominator)."""
    if value is None or value != value:  # NaN is the only value unequal to itself
        return "–"
    return f"{float(value):.0%}"  # type: ignore[arg-type]


def file_slug(text: str, fallback: str) -> str:
    """A name for a downloaded file: 'Marija Šimić' -> 'marija-simic'; `fallback` when nothing
    Latin is left (a Hebrew name, say)."""
    latin = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-")
    return slug or fallback
