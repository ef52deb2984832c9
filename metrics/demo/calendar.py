"""The demo period's business days and their opening instants, in the policy's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from modules.policy import Policy

# --- The calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """The business days of the demo period and their opening instants, as UTC epoch seconds."""

    zone: ZoneInfo
    range_start: int  # local midnight starting the first day
    horizon: int  # local midnight ending `until`: the moment the demo is a snapshot of
    opens: np.ndarray  # per business day
    closes: np.ndarray
    night_start: np.ndarray  # start of the closed hours before each business day
    weekday: np.ndarray  # 0 = Monday
    progress: np.ndarray  # 0 on the first day of the period, 1 on the last
    dates: np.ndarray  # datetime64[D]
    opening_second: int  # local second of the day the doors open

    @property
    def open_length_s(self) -> np.ndarray:
        return self.closes - self.opens


def build_calendar(policy: Policy, until: date, days: int) -> Calendar:
    hours = policy.business_hours
    zone = ZoneInfo(hours.timezone)
    first = until - timedelta(days=days - 1)
    weekmask = [day in hours.days for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    every_day = np.arange(np.datetime64(first), np.datetime64(until) + 1)
    # The first business day after `until` too: messages sent on the last evening (or weekend)
    # wait for it, so the snapshot ends with a few of them still unanswered.
    next_open = np.busday_offset(np.datetime64(until) + 1, 0, roll="forward", weekmask=weekmask)
    dates = np.append(every_day[np.is_busday(every_day, weekmask=weekmask)], next_open)
    previous = np.busday_offset(dates, -1, weekmask=weekmask)
    range_start = instants(np.array([np.datetime64(first)]), time(0, 0), zone)[0]
    horizon = instants(np.array([np.datetime64(until) + 1]), time(0, 0), zone)[0]
    weekday = (dates.view("int64") + 3) % 7  # day 0, 1970-01-01, was a Thursday
    return Calendar(
        zone=zone,
        range_start=int(range_start),
        horizon=int(horizon),
        opens=instants(dates, hours.opens, zone),
        closes=instants(dates, hours.closes, zone),
        night_start=np.maximum(instants(previous, hours.closes, zone), range_start),
        weekday=weekday,
        progress=np.minimum(1, (dates - np.datetime64(first)).astype("int64") / max(days - 1, 1)),
        dates=dates,
        opening_second=seconds_of_day(hours.opens),
    )


def instants(dates: np.ndarray, clock: time, zone: ZoneInfo) -> np.ndarray:
    """UTC epoch seconds of a local clock time on each date."""
    local = pd.DatetimeIndex(dates.astype("datetime64[s]")) + pd.Timedelta(
        hours=clock.hour, minutes=clock.minute
    )
    # A clock time skipped or repeated by a daylight-saving change still needs one instant.
    utc = local.tz_localize(
        zone, ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(utc.as_unit("s").asi8, dtype="int64")


def seconds_of_day(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60
