"""Team performance's queue-wide reads from the hourly rollups (metrics/performance/hours.py), on
hand-made contacts around the change of clocks in the policy's zone, Europe/Zagreb: on Sunday
29 March 2026 at 01:00 UTC the clocks went from 02:00 CET (UTC+1) to 03:00 CEST (UTC+2), so that
day had no local hour 2. The period 28-30 March (local) runs from 27 Mar 23:00 UTC to 30 Mar
22:00 UTC: it starts and ends in the middle of UTC days.

    n  queued (UTC)   local           channel wait  resolved  rating   notes
    1  27 Mar 22:30   Fri 27 23:30    phone   20 s                     before the period
    2  27 Mar 23:30   Sat 28 00:30    phone   20 s  yes                within (30 s)
    3  29 Mar 00:30   Sun 29 01:30    phone   40 s            5        missed
    4  29 Mar 01:30   Sun 29 03:30    chat    10 s  yes       good     within (60 s)
    5  29 Mar 21:30   Sun 29 23:30    phone   -                        abandoned
    6  29 Mar 22:30   Mon 30 00:30    phone    5 s  yes       2        within
    7  30 Mar 21:59   Mon 30 23:59    email   -                        waiting (seen 1 h later)
    8  30 Mar 22:00   Tue 31 00:00    phone   20 s                     after the period

Each read is checked against the answers worked out here from the rollups, then with every
day marked changed (the metrics then read the contacts), the same frames exactly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from metrics.contacts.case_sizes import refresh_case_contacts
from metrics.contacts.rollups import mark_contacts_changed, refresh_contact_rollups
from metrics.people import Viewer, add_team
from metrics.performance.agents import TeamSummary, team_summary
from metrics.performance.hours import hourly_rollups_apply, offset_changes
from metrics.performance.period import Period
from metrics.performance.trends import (
    contacts_by_hour,
    rating_distribution,
    wait_distribution,
    weekly_trends,
)
from metrics.store import Database, transaction
from modules.policy import Policy

ADMIN = Viewer.local_admin()
PERIOD = Period(start=date(2026, 3, 28), end=date(2026, 3, 30))


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


CONTACTS = [
    # n, channel, queued, wait s (None = not answered), resolved, abandoned
    (1, "phone", at(27, 22, 30), 20, False, False),
    (2, "phone", at(27, 23, 30), 20, True, False),
    (3, "phone", at(29, 0, 30), 40, False, False),
    (4, "chat", at(29, 1, 30), 10, True, False),
    (5, "phone", at(29, 21, 30), None, False, True),
    (6, "phone", at(29, 22, 30), 5, True, False),
    (7, "email", at(30, 21, 59), None, False, False),
    (8, "phone", at(30, 22, 0), 20, False, False),
]
RATINGS = [(3, 5, "1-5"), (4, 1, "good/bad"), (6, 2, "1-5")]


@pytest.fixture
def clocks(db: Database) -> Database:
    team = add_team(db, "A")
    with transaction(db) as cur:  # as a writer: contacts, ratings, case sizes, rollups
        for n, channel, queued, wait, resolved, abandoned in CONTACTS:
            answered = queued + timedelta(seconds=wait) if wait is not None else None
            seen = queued + timedelta(hours=1) if n == 7 else None
            cur.execute(
                "INSERT INTO interactions (id, source, external_id, channel, team_id,"
                " queued_at, answered_at, resolved_at, abandoned, resolved, seen_unanswered_at)"
                " VALUES (?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    n,
                    str(n),
                    channel,
                    team,
                    queued,
                    answered,
                    answered if resolved else None,
                    abandoned,
                    resolved,
                    seen,
                ],
            )
        for n, rating, scale in RATINGS:
            cur.execute(
                "INSERT INTO feedback (interaction_id, rating, scale, received_at)"
                " VALUES (?, ?, ?, ?)",
                [n, rating, scale, at(31, 12, 0)],
            )
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
    return db


Reads = tuple[TeamSummary, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]


def reads(db: Database, policy: Policy) -> Reads:
    return (
        team_summary(db, ADMIN, policy, PERIOD),
        weekly_trends(db, ADMIN, policy, PERIOD),
        contacts_by_hour(db, ADMIN, policy, PERIOD),
        rating_distribution(db, ADMIN, policy, PERIOD),
        wait_distribution(db, ADMIN, policy, PERIOD),
    )


def from_the_contacts(db: Database, policy: Policy) -> Reads:
    with transaction(db) as cur:
        mark_contacts_changed(cur, "true", [])
    assert not hourly_rollups_apply(db, policy, PERIOD)
    return reads(db, policy)


def assert_worked_out(read: Reads) -> None:
    summary, weekly, by_hour, ratings, waits = read
    # 2-7: 6 offered, 4 answered (waits 20, 40, 10, 5: median 15), 3 within (2, 4, 6), 5
    # abandoned, 7 waiting (1 h of a 4 h standard); resolved 2, 4, 6; ratings 5, good, 2.
    queue = summary.queue
    counts = ("offered", "answered", "abandoned", "waiting")
    assert {count: getattr(queue, count) for count in counts} == {
        "offered": 6,
        "answered": 4,
        "abandoned": 1,
        "waiting": 1,
    }
    assert (summary.queue.answered_within, summary.queue.service_level) == (3, 3 / 5)
    assert (summary.wait_median_s, summary.resolved, summary.ratings, summary.good_ratings) == (
        15.0,
        3,
        3,
        2,
    )
    # Week of 23 Mar (28 and 29 Mar in the period): 2-5, the DST day's included; week of 30 Mar
    # (one day): 6 (from 22:30 UTC on Sunday) and 7.
    assert [(w.date(), d) for w, d in zip(weekly["week"], weekly["days"], strict=True)] == [
        (date(2026, 3, 23), 2),
        (date(2026, 3, 30), 1),
    ]
    columns = ["offered", "answered_within", "waiting", "abandoned", "handled", "resolved"]
    columns += ["ratings", "good_ratings"]
    assert weekly[columns].values.tolist() == [[4, 2, 0, 1, 3, 2, 2, 2], [2, 1, 1, 0, 1, 1, 1, 0]]
    assert weekly["service_level"].tolist() == [0.5, 1.0]
    assert weekly["csat"].tolist() == [1.0, 0.0]
    # Local weekday and hour: no hour 2 on Sunday 29 Mar; 03:30 CEST is 01:30 UTC.
    hours = by_hour[["weekday", "hour", "offered", "answered_within", "abandoned"]]
    assert hours.values.tolist() == [
        [1, 0, 1, 1, 0],
        [1, 23, 1, 0, 0],
        [6, 0, 1, 1, 0],
        [7, 1, 1, 0, 0],
        [7, 3, 1, 1, 0],
        [7, 23, 1, 0, 1],
    ]
    # Monday 23:59's ticket is still waiting: no service level for that hour.
    assert by_hour["service_level"].tolist()[:2] == [1.0, pytest.approx(np.nan, nan_ok=True)]
    assert dict(zip(ratings["rating"], ratings["ratings"], strict=True)) == {
        "5": 1,
        "4": 0,
        "3": 0,
        "2": 1,
        "1": 0,
        "good": 1,
        "bad": 0,
    }
    # Phone waits 5, 20, 40 of 30 s: buckets ≤ 7.5 s, ≤ 22.5 s, ≤ 45 s; chat 10 of 60 s: ≤ 15 s.
    counted = waits[waits["contacts"] > 0]
    assert list(zip(counted["channel"], counted["bucket"], counted["contacts"], strict=True)) == [
        ("chat", 0, 1),
        ("phone", 0, 1),
        ("phone", 2, 1),
        ("phone", 4, 1),
    ]


def assert_same(one: Reads, other: Reads) -> None:
    assert one[0] == other[0]
    for mine, theirs in zip(one[1:], other[1:], strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_local_weeks_and_hours_across_the_change_of_clocks(
    clocks: Database, policy: Policy
) -> None:
    assert hourly_rollups_apply(clocks, policy, PERIOD)
    by_rollups = reads(clocks, policy)
    assert_worked_out(by_rollups)
    raw = from_the_contacts(clocks, policy)
    assert_worked_out(raw)
    assert_same(by_rollups, raw)


def test_the_reads_come_from_the_rollups_where_they_are_exact(
    clocks: Database, policy: Policy
) -> None:
    # The contacts deleted behind the rollups' back (no day marked): what the reads still give
    # can only come from the rollups. In Asia/Kolkata (UTC+05:30) a local day is not whole UTC
    # hours: the reads there go to the contacts, and find none.
    kolkata = policy.model_copy(
        update={
            "business_hours": policy.business_hours.model_copy(update={"timezone": "Asia/Kolkata"})
        }
    )
    assert not hourly_rollups_apply(clocks, kolkata, PERIOD)
    clocks.execute("DELETE FROM feedback")
    clocks.execute("DELETE FROM interactions")
    assert_worked_out(reads(clocks, policy))
    summary, weekly, by_hour, ratings, _ = reads(clocks, kolkata)
    assert (summary.queue.offered, len(weekly), len(by_hour), ratings["ratings"].sum()) == (
        0,
        0,
        0,
        0,
    )


def test_a_policy_change_needs_no_rebuild(clocks: Database, policy: Policy) -> None:
    # A 45 s phone standard: contact 3 (40 s) is within it now.
    phone = policy.standards.phone.model_copy(update={"answer_within_s": 45})
    other = policy.model_copy(
        update={"standards": policy.standards.model_copy(update={"phone": phone})}
    )
    by_rollups = reads(clocks, other)
    assert by_rollups[0].queue.answered_within == 4
    assert_same(by_rollups, from_the_contacts(clocks, other))


def test_the_offsets_of_a_zone_and_when_they_change() -> None:
    def utc(*args: int) -> datetime:
        return datetime(*args, tzinfo=UTC)

    year = (utc(2026, 1, 1), utc(2027, 1, 1))
    assert offset_changes("Europe/Zagreb", *year) == (
        (utc(2026, 1, 1), 3600),
        (utc(2026, 3, 29, 1), 7200),
        (utc(2026, 10, 25, 1), 3600),
    )
    assert offset_changes("Asia/Kolkata", *year) == ((utc(2026, 1, 1), 19800),)
    # Newfoundland (UTC-03:30) changes at 02:00 local: 05:30 UTC, in the middle of an hour.
    assert offset_changes("America/St_Johns", *year)[1] == (utc(2026, 3, 8, 5, 30), -9000)
    # A change exactly at the end of the range is not in it.
    assert offset_changes("Europe/Zagreb", utc(2026, 3, 28), utc(2026, 3, 29, 1)) == (
        (utc(2026, 3, 28), 3600),
    )


@pytest.mark.parametrize(
    ("timezone", "exact"),
    [("Europe/Zagreb", True), ("UTC", True), ("Asia/Kolkata", False), ("America/St_Johns", False)],
)
def test_the_hourly_rollups_apply_where_local_days_are_whole_utc_hours(
    clocks: Database, policy: Policy, timezone: str, exact: bool
) -> None:
    hours = policy.business_hours.model_copy(update={"timezone": timezone})
    zoned = policy.model_copy(update={"business_hours": hours})
    assert hourly_rollups_apply(clocks, zoned, PERIOD) is exact
    assert_same(reads(clocks, zoned), from_the_contacts(clocks, zoned))
