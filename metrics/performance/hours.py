"""Queue-wide numbers by local week, weekday and hour, from the rollups
(metrics/contacts/rollups.py), exactly as the contacts give them.

`contact_hours` holds additive counts per UTC hour, queue team and channel; `contact_waits` and
`contact_unanswered` one row per answered and per waiting-or-missed contact, to which the
policy's standards are applied here, when reading.

- A contact's local time is its instant plus the zone's offset then. Over a period the offset
  takes a few values (two a year where clocks change), so it is one CASE over the instants at
  which it changes (`offset_changes`): integer arithmetic per row, where `timezone()` costs a
  time-zone library call per contact.
- Where the zone's offset is whole hours all through the period, a UTC hour lies inside one
  local hour and the period's local days are whole UTC hours, so local weeks, weekdays and
  hours are exact sums of `contact_hours`, on the days the clocks change too
  (`hourly_rollups_apply`). Elsewhere (Asia/Kolkata, +05:30), or while any day's rollups are
  pending, the callers read the contacts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from metrics.contacts.case_sizes import cases_counted
from metrics.contacts.rollups import rollups_current
from metrics.performance.period import Period, filters_sql, within_s_sql
from metrics.store import Database

if TYPE_CHECKING:
    from modules.policy_figures import PolicyOrFigures

SECONDS_PER_HOUR = 3600
US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
US_PER_HOUR = SECONDS_PER_HOUR * US_PER_SECOND
# A zone's offset changes at most once within an hour (tzdata has no two changes closer), so
# looking at every hour finds every change; the second of each is then found by halving.
_LOOK_EVERY_S = SECONDS_PER_HOUR


@lru_cache(maxsize=64)
def offset_changes(
    timezone: str, first: datetime, after: datetime
) -> tuple[tuple[datetime, int], ...]:
    """The zone's UTC offset over [first, after) (instants to the second): ((since, offset in
    seconds), ...), the first since `first`, each next since the instant it changed."""
    zone = ZoneInfo(timezone)

    def at(second: int) -> datetime:
        return datetime.fromtimestamp(second, UTC)

    def offset(second: int) -> int:
        delta = at(second).astimezone(zone).utcoffset()
        assert delta is not None
        return int(delta.total_seconds())

    start, end = int(first.timestamp()), int(after.timestamp())
    changes = [(at(start), offset(start))]
    looked = start
    while looked < end:
        following = min(looked + _LOOK_EVERY_S, end)
        if offset(following) != changes[-1][1]:
            # The offset changed in (looked, following]: find the second it took effect.
            before, since = looked, following
            while since - before > 1:
                middle = (before + since) // 2
                if offset(middle) == changes[-1][1]:
                    before = middle
                else:
                    since = middle
            if since < end:
                changes.append((at(since), offset(since)))
        looked = following
    return tuple(changes)


def local_us_sql(
    column: str, changes: tuple[tuple[datetime, int], ...], *, wall: bool = False
) -> tuple[str, list[object]]:
    """SQL for the local wall time of `column` as microseconds since 1970-01-01 00:00 (local),
    and its parameters. `column` is an instant (TIMESTAMPTZ), or with `wall` a UTC wall time
    (TIMESTAMP, as `contact_hours.utc_hour`)."""
    if len(changes) == 1:
        return f"(epoch_us({column}) + ?)", [changes[0][1] * US_PER_SECOND]
    whens = " ".join(f"WHEN {column} < ? THEN ?" for _ in changes[1:])
    params: list[object] = []
    for (_, offset), (since, _) in pairwise(changes):
        params += [_utc_wall(since) if wall else since, offset * US_PER_SECOND]
    params.append(changes[-1][1] * US_PER_SECOND)
    return f"(epoch_us({column}) + CASE {whens} ELSE ? END)", params


def _utc_wall(instant: datetime) -> datetime:
    """An instant as the UTC wall time `contact_hours.utc_hour` holds (a naive TIMESTAMP)."""
    return instant.astimezone(UTC).replace(tzinfo=None)


def _whole_hour(instant: datetime) -> bool:
    utc = instant.astimezone(UTC)
    return utc.minute == 0 and utc.second == 0 and utc.microsecond == 0


def rollups_hold_every_contact(cur: Database) -> bool:
    """Whether the rollups may be read: no day pending, and no contact stored without its case's
    count (a writer that skipped `refresh_case_contacts` marked no day either)."""
    return cases_counted(cur) and rollups_current(cur)


def hourly_rollups_apply(cur: Database, policy: PolicyOrFigures, period: Period) -> bool:
    """Whether the period's queue-wide numbers are exact sums of `contact_hours`: the rollups
    hold every contact (`rollups_hold_every_contact`), the period's bounds are whole UTC hours
    and so is every change of the zone's offset in it, and every offset is whole hours."""
    first, after = period.bounds(policy.business_hours.timezone)
    changes = offset_changes(policy.business_hours.timezone, first, after)
    whole = _whole_hour(first) and _whole_hour(after)
    whole = whole and all(
        _whole_hour(since) and offset % SECONDS_PER_HOUR == 0 for since, offset in changes
    )
    return whole and rollups_hold_every_contact(cur)


def hour_counts_cte(
    policy: PolicyOrFigures, period: Period, bucket: str
) -> tuple[str, list[object]]:
    """CTEs ending in `hour_counts`: per local `bucket` of the period with contacts in scope,
    offered, answered, abandoned, resolved (answered and resolved), ratings and good_ratings (of
    answered contacts; good as in `GOOD_RATING`), answered_within (answered within the channel's
    standard) and waiting (unanswered, not abandoned, still within the standard when last seen).

    `bucket` is an integer SQL expression over `local_us` (the local wall time in microseconds
    since 1970), such as `WEEK_BUCKET`. Only for a period where `hourly_rollups_apply`."""
    timezone = policy.business_hours.timezone
    first, after = period.bounds(timezone)
    changes = offset_changes(timezone, first, after)
    within, within_params = within_s_sql(policy)
    hour_local, hour_local_params = local_us_sql("h.utc_hour", changes, wall=True)
    wait_local, wait_local_params = local_us_sql("w.queued_at", changes)
    unanswered_local, unanswered_local_params = local_us_sql("u.queued_at", changes)
    hour_filters, hour_params = filters_sql(period, "h")
    wait_filters, wait_params = filters_sql(period, "w")
    unanswered_filters, unanswered_params = filters_sql(period, "u")
    sql = f"""
        counts AS (
            SELECT {bucket} AS bucket, sum(offered)::BIGINT AS offered,
                   sum(answered)::BIGINT AS answered, sum(abandoned)::BIGINT AS abandoned,
                   sum(resolved)::BIGINT AS resolved, sum(ratings)::BIGINT AS ratings,
                   sum(good_ratings)::BIGINT AS good_ratings
            FROM (
                SELECT {hour_local} AS local_us, h.offered, h.answered, h.abandoned, h.resolved,
                       h.rated_1 + h.rated_2 + h.rated_3 + h.rated_4 + h.rated_5 + h.rated_bad
                           + h.rated_good AS ratings,
                       h.rated_4 + h.rated_5 + h.rated_good AS good_ratings
                FROM contact_hours h
                WHERE h.utc_hour >= ? AND h.utc_hour < ?{hour_filters}
            )
            GROUP BY bucket
        ),
        within_counts AS (
            SELECT {bucket} AS bucket, count(*) FILTER (WHERE within) AS answered_within
            FROM (
                SELECT {wait_local} AS local_us,
                       w.wait_s <= {within.replace("i.channel", "w.channel")} AS within
                FROM contact_waits w
                WHERE w.queued_at >= ? AND w.queued_at < ?{wait_filters}
            )
            GROUP BY bucket
        ),
        waiting_counts AS (
            SELECT {bucket} AS bucket, count(*) FILTER (WHERE waiting) AS waiting
            FROM (
                SELECT {unanswered_local} AS local_us,
                       u.unanswered_s <= {within.replace("i.channel", "u.channel")} AS waiting
                FROM contact_unanswered u
                WHERE u.queued_at >= ? AND u.queued_at < ?{unanswered_filters}
            )
            GROUP BY bucket
        ),
        hour_counts AS (
            SELECT c.*, coalesce(w.answered_within, 0) AS answered_within,
                   coalesce(u.waiting, 0) AS waiting
            FROM counts c
            LEFT JOIN within_counts w USING (bucket)
            LEFT JOIN waiting_counts u USING (bucket)
        )
    """
    params: list[object] = [
        *hour_local_params,
        _utc_wall(first),
        _utc_wall(after),
        *hour_params,
        *wait_local_params,
        *within_params,
        first,
        after,
        *wait_params,
        *unanswered_local_params,
        *within_params,
        first,
        after,
        *unanswered_params,
    ]
    return sql, params


# Buckets of `hour_counts_cte`, over a local wall time in microseconds since 1970-01-01 00:00,
# a Thursday: one division each (per contact, the cost of a bucket is its arithmetic).
# The week: weeks since Monday 1969-12-29 (its Monday is 7 × week − 3 days after 1970-01-01).
WEEK_BUCKET = f"((local_us // {US_PER_DAY} + 3) // 7)"
# The hour of the week from Monday 00:00: (ISO weekday − 1) × 24 + hour (Thursday 00:00 is 72).
HOUR_OF_WEEK_BUCKET = f"((local_us // {US_PER_HOUR} + 72) % 168)"


def hours_where(policy: PolicyOrFigures, period: Period) -> tuple[str, list[object]]:
    """The WHERE clause over `h` (contact_hours) selecting the period's hours and filters; only
    for a period where `hourly_rollups_apply`."""
    first, after = period.bounds(policy.business_hours.timezone)
    filters, params = filters_sql(period, "h")
    return f"h.utc_hour >= ? AND h.utc_hour < ?{filters}", [
        _utc_wall(first),
        _utc_wall(after),
        *params,
    ]
