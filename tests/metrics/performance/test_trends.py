"""Trends, distributions, contact lists and comments on the hand-made day of
tests/metrics/performance/test_agents.py (its table gives every contact); expected values are
worked out here.

2 Nov 2026 is a Monday, so the period 2–3 Nov lies in the week starting 2 Nov (2 of its days);
Europe/Zagreb is UTC+1, so 09:00 UTC is 10:00 local.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from metrics.people import AccessDenied, Viewer
from metrics.performance.drilldown import agent_contacts, customer_comments
from metrics.performance.period import Period
from metrics.performance.trends import (
    agent_weekly_trends,
    contacts_by_hour,
    rating_distribution,
    wait_distribution,
    weekly_trends,
)
from metrics.store import Database
from modules.policy import Policy
from tests.metrics.conftest import DAY


def test_weekly_trends_count_each_week_by_its_local_dates(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    [week] = weekly_trends(db, org["sup_a"], policy, DAY).to_dict("records")
    assert week["week"].date() == date(2026, 11, 2) and week["days"] == 2
    # As queue_metrics: 7 offered, 5 within the standard, 1 abandoned; handled 6 of which
    # resolved 1, 2, 4 and 7; ratings 5, 3, good, bad of which 5 and good are good.
    assert (week["offered"], week["answered_within"], week["abandoned"]) == (7, 5, 1)
    assert week["service_level"] == pytest.approx(5 / 7)
    assert week["abandonment_rate"] == pytest.approx(1 / 7)
    assert (week["handled"], week["resolved"]) == (6, 4)
    assert week["resolution_rate"] == pytest.approx(4 / 6)
    assert (week["ratings"], week["good_ratings"], week["csat"]) == (4, 2, 0.5)

    # 1–4 Nov: contact 8 (Sunday 1 Nov, 23:30 local) falls in the week of 26 Oct, of which only
    # 1 Nov is in the period; contact 9 (4 Nov, 5 s, resolved) joins the week of 2 Nov.
    wider = Period(start=date(2026, 11, 1), end=date(2026, 11, 4))
    weeks = weekly_trends(db, org["sup_a"], policy, wider).to_dict("records")
    assert [(w["week"].date(), w["days"]) for w in weeks] == [
        (date(2026, 10, 26), 1),
        (date(2026, 11, 2), 3),
    ]
    assert (weeks[0]["offered"], weeks[0]["handled"], weeks[0]["service_level"]) == (1, 1, 1.0)
    assert (weeks[1]["offered"], weeks[1]["answered_within"], weeks[1]["resolved"]) == (8, 6, 5)


def test_agent_trends_sit_beside_the_team_median(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    ana = org["ana"].staff_id
    [week] = agent_weekly_trends(db, org["sup_a"], policy, DAY, ana).to_dict("records")
    # Ana handled 1–4: within 1, 3, 4 (31 s misses 30 s); resolved 1, 2, 4; 2 of 4 ratings
    # good; waits 30, 31, 60, 100 → median (31 + 60) / 2.
    assert (week["handled"], week["ratings"]) == (4, 4)
    assert week["service_level"] == 0.75 and week["resolution_rate"] == 0.75
    assert week["csat"] == 0.5 and week["wait_median_s"] == 45.5
    # Ben handled 5 and 7: both within, 7 resolved, no ratings, waits 10 and 20.
    # The median of two agents is their mean; Ben has no CSAT, so the team's is Ana's.
    assert week["team_agents"] == 2
    assert week["team_service_level"] == pytest.approx((0.75 + 1.0) / 2)
    assert week["team_resolution_rate"] == pytest.approx((0.75 + 0.5) / 2)
    assert week["team_csat"] == 0.5
    assert week["team_wait_median_s"] == pytest.approx((45.5 + 15) / 2)
    # The period 2–3 Nov holds 2 of the week's 7 days, as weekly_trends says: a partial week.
    assert week["days"] == 2
    # An agent asks for themselves; another team's supervisor and a colleague may not.
    assert len(agent_weekly_trends(db, org["ana"], policy, DAY, ana)) == 1
    for outsider in ("sup_b", "ben"):
        with pytest.raises(AccessDenied):
            agent_weekly_trends(db, org[outsider], policy, DAY, ana)


def test_waits_fall_into_quarters_of_the_channel_standard(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    frame = wait_distribution(db, org["sup_a"], policy, DAY)
    counts = {
        (row["channel"], row["bucket"]): row["contacts"]
        for row in frame.to_dict("records")
        if row["contacts"]
    }
    # Phone (30 s): 10 s in (7.5, 15], 20 s in (15, 22.5], 30 s exactly at the standard in
    # (22.5, 30], 31 s in (30, 45]. Chat (60 s): 60 s at the standard. E-mail (4 h): 100 s.
    assert counts == {
        ("phone", 1): 1,
        ("phone", 2): 1,
        ("phone", 3): 1,
        ("phone", 4): 1,
        ("chat", 3): 1,
        ("email", 0): 1,
    }
    phone = frame[frame["channel"] == "phone"]
    assert list(phone["label"]) == [
        "0 s–8 s",
        "8 s–15 s",
        "15 s–22 s",
        "22 s–30 s",
        "30 s–45 s",
        "45 s–60 s",
        "60 s–90 s",
        "over 90 s",
    ]
    assert list(phone["within"]) == [True] * 4 + [False] * 4
    assert list(phone["share"]) == [0, 0.25, 0.25, 0.25, 0.25, 0, 0, 0]
    assert set(frame["channel"]) == {"phone", "chat", "email"}  # no social contacts answered


def test_ratings_are_counted_per_scale(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    frame = rating_distribution(db, org["sup_a"], policy, DAY)
    assert list(frame["rating"]) == ["5", "4", "3", "2", "1", "good", "bad"]
    assert list(frame["ratings"]) == [1, 0, 1, 0, 0, 1, 1]
    assert list(frame["share"]) == [0.5, 0, 0.5, 0, 0, 0.5, 0.5]
    assert list(frame["good"]) == [True, True, False, False, False, True, False]


def test_contacts_by_local_weekday_and_hour(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    frame = contacts_by_hour(db, org["sup_a"], policy, DAY)
    cells = {
        (row["weekday_name"], row["hour"]): (
            row["offered"],
            row["answered_within"],
            row["abandoned"],
        )
        for row in frame.to_dict("records")
    }
    # Local Monday: 7 at 00:30; 1–4 at 10:00–10:30 (2 misses); 5 and the abandoned 6 at 11:xx.
    assert cells == {
        ("Monday", 0): (1, 1, 0),
        ("Monday", 10): (4, 3, 0),
        ("Monday", 11): (2, 1, 1),
    }
    assert frame.loc[frame["hour"] == 10, "service_level"].item() == 0.75


def test_an_agents_contacts_row_by_row(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    ana = org["ana"].staff_id
    frame = agent_contacts(db, org["sup_a"], policy, DAY, ana)
    # Contact 8 is on 1 Nov local time: outside the period.
    assert list(frame["contact_id"]) == ["1", "2", "3", "4"]
    assert list(frame["wait_s"]) == [30, 31, 60, 100]
    assert list(frame["within_standard"]) == [True, False, True, True]
    assert list(frame["rating"]) == ["5", "3", "good", "bad"]
    assert frame["queued_at"].iloc[0] == datetime(2026, 11, 2, 10, 0)  # local wall-clock time
    assert list(frame["channel"]) == ["phone", "phone", "chat", "email"]
    only_chat = replace(DAY, channel="chat")
    assert list(agent_contacts(db, org["ana"], policy, only_chat, ana)["contact_id"]) == ["3"]
    for outsider in ("sup_b", "ben"):
        with pytest.raises(AccessDenied):
            agent_contacts(db, org[outsider], policy, DAY, ana)


def test_comments_newest_first_without_blanks(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    for interaction, comment, day in [(1, "Great help", 2), (2, "   ", 2), (4, "Too slow", 3)]:
        db.execute(
            "UPDATE feedback SET comment = ?, received_at = ? WHERE interaction_id = ?",
            [comment, datetime(2026, 11, day, 12, 0, tzinfo=UTC), interaction],
        )
    ana = org["ana"].staff_id
    frame = customer_comments(db, org["sup_a"], policy, DAY, agent_id=ana)
    assert list(frame["comment"]) == ["Too slow", "Great help"]
    assert list(frame["rating"]) == ["bad", "5"]
    praise = customer_comments(db, org["sup_a"], policy, DAY, praise_only=True)
    assert list(zip(praise["agent"], praise["comment"], strict=True)) == [("Ana", "Great help")]
    assert customer_comments(db, org["sup_a"], policy, DAY, limit=1)["comment"].tolist() == [
        "Too slow"
    ]
    assert customer_comments(db, org["ben"], policy, DAY, agent_id=org["ben"].staff_id).empty
    with pytest.raises(AccessDenied):  # an agent never gets a list of everyone's comments
        customer_comments(db, org["ana"], policy, DAY)
    assert customer_comments(db, org["sup_b"], policy, DAY).empty  # team B has no contacts
