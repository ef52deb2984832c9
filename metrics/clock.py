"""What time it is for coaching: the real clock, or the one a journey or a demonstration set.

A coaching plan is judged at its review date over the weeks since it was opened. A journey in a
real browser cannot wait weeks, so `ACADEMY_NOW` (an ISO 8601 moment with its UTC offset, e.g.
`2027-01-15T09:00:00+00:00`) sets the clock of a whole process. It is for tests and
demonstrations; nothing sets it in production, and without it this is the real clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CLOCK_VARIABLE = "ACADEMY_NOW"


def now() -> datetime:
    """The current moment in UTC."""
    setting = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not setting:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(setting)
    except ValueError as error:
        raise ValueError(
            f"{CLOCK_VARIABLE}={setting!r} is not an ISO 8601 moment such as "
            "2027-01-15T09:00:00+00:00"
        ) from error
    if moment.tzinfo is None:
        raise ValueError(f"{CLOCK_VARIABLE}={setting!r} needs its UTC offset, e.g. +00:00")
    return moment.astimezone(UTC)


def today(zone: str) -> date:
    """Today's date in the time zone `zone` (the policy's business-hours zone)."""
    return now().astimezone(ZoneInfo(zone)).date()
