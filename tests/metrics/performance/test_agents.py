"""Each metric on a small hand-made day whose answers are worked out here, contact by contact.

Europe/Zagreb is UTC+1 in November. Standards (default policy): phone 30 s, chat 60 s,
e-mail 4 h. Targets: service level 0.80, resolution 0.75, CSAT 0.85; the minimum is lowered to
3 contacts so the small sample can be judged.

| # | agent | channel | queued (UTC)      | wait | resolved | case | rating   | in period |
|---|-------|---------|-------------------|------|----------|------|----------|-----------|
| 1 | Ana   | phone   | 11-02 09:00       | 30 s | yes      | C1   | 5        | yes       |
| 2 | Ana   | phone   | 11-02 09:10       | 31 s | yes      | C2   | 3        | yes       |
| 3 | Ana   | chat    | 11-02 09:20       | 60 s | no       | –    | good     | yes       |
| 4 | Ana   | email   | 11-02 09:30       | 100s | yes      | –    | bad      | yes       |
| 5 | Ben   | phone   | 11-02 10:00       | 10 s | no       | C2   | –        | yes       |
| 6 | –     | phone   | 11-02 10:30       | abandoned        | –    | –        | yes       |
| 7 | Ben   | phone   | 11-01 23:30 (00:30 local, 2 Nov) 20 s | yes | – | – | yes     |
| 8 | Ana   | phone   | 11-01 22:30 (23:30 local, 1 Nov) 5 s  | yes | – | – | no      |
| 9 | Ana   | phone   | 11-04 09:00       | 5 s  | yes      | –    | –        | no        |
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from metrics.people import AccessDenied, Viewer
from metrics.performance.agents import (
    agent_metrics,
    agent_standing,
    contact_days,
    my_metrics,
    queue_metrics,
    team_summary,
)
from metrics.performance.intervals import wilson_interval
from metrics.performance.period import Period
from metrics.store import Database
from modules.policy import Policy
from tests.metrics.conftest import DAY
from training_app.cli import main


def rows(db: Database, viewer: Viewer, policy: Policy, period: Period = DAY) -> dict[str, dict]:
    frame = agent_metrics(db, viewer, policy, period)
    return {row["name"]: row for row in frame.to_dict("records")}


def test_queue_level_counts_abandoned_and_unanswered_contacts_as_missed(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    queue = queue_metrics(db, org["sup_a"], policy, DAY)
    # In the period (local dates): contacts 1–7; 8 is 1 Nov local, 9 is 4 Nov.
    assert (queue.offered, queue.answered, queue.abandoned) == (7, 6, 1)
    assert queue.abandonment_rate == pytest.approx(1 / 7)
    # Within the standard: 1 (30 s = phone standard), 3 (60 s = chat), 4 (e-mail), 5, 7 → 5 of 7
    assert queue.answered_within == 5
    assert queue.service_level == pytest.approx(5 / 7)
    assert (queue.service_level_low, queue.service_level_high) == wilson_interval(5, 7)


def test_wait_times_mean_median_and_p90(db: Database, org: dict[str, Viewer], policy) -> None:
    ana, ben = rows(db, org["sup_a"], policy)["Ana"], rows(db, org["sup_a"], policy)["Ben"]
    # Ana: 30, 31, 60, 100 s
    assert ana["handled"] == 4
    assert ana["wait_mean_s"] == pytest.approx((30 + 31 + 60 + 100) / 4)  # 55.25
    assert ana["wait_median_s"] == pytest.approx((31 + 60) / 2)  # even count: middle two
    assert ana["wait_p90_s"] == pytest.approx(60 + 0.7 * (100 - 60))  # rank 0.9·3 = 2.7
    # Ben: 10, 20 s (contact 7 counts: 00:30 local on 2 Nov)
    assert (ben["handled"], ben["wait_median_s"]) == (2, 15)
    assert ben["wait_p90_s"] == pytest.approx(10 + 0.9 * 10)


def test_agent_service_level_counts_a_wait_exactly_at_the_standard_as_within(
    db: Database, org: dict[str, Viewer], policy
) -> None:
    ana = rows(db, org["sup_a"], policy)["Ana"]
    # 30 s phone ✓ (= standard), 31 s phone ✗, 60 s chat ✓ (= standard), 100 s e-mail ✓
    assert (ana["answered_within"], ana["service_level"]) == (3, 0.75)
    assert (ana["service_level_low"], ana["service_level_high"]) == pytest.approx(
        wilson_interval(3, 4)
    )


def test_resolution_and_first_contact_resolution_with_a_case_of_two_contacts(
    db: Database, org: dict[str, Viewer], policy
) -> None:
    ana = rows(db, org["sup_a"], policy)["Ana"]
    assert (ana["resolved"], ana["resolution_rate"]) == (3, 0.75)
    # Resolved: 1 (case C1, one contact ✓), 2 (case C2, two contacts with Ben's 5 ✗),
    # 4 (no case id: its own case ✓) → 2 of 3
    assert ana["first_contact_resolved"] == 2
    assert ana["fcr_rate"] == pytest.approx(2 / 3)


def test_csat_pools_the_five_point_and_good_bad_scales(
    db: Database, org: dict[str, Viewer], policy
) -> None:
    ana, ben = rows(db, org["sup_a"], policy)["Ana"], rows(db, org["sup_a"], policy)["Ben"]
    # 5 (good), 3 (not), good, bad → 2 good of 4; mean of the 1–5 ratings (5 + 3) / 2
    assert (ana["ratings"], ana["good_ratings"], ana["csat"]) == (4, 2, 0.5)
    assert ana["csat_mean"] == 4.0
    # Ben has no ratings: no rate, no mean, no interval — not zero.
    assert ben["ratings"] == 0
    assert pd.isna(ben["csat"]) and pd.isna(ben["csat_mean"]) and pd.isna(ben["csat_low"])


def test_status_judges_by_the_policy_and_never_an_agent_under_the_minimum(
    db: Database, org: dict[str, Viewer], policy
) -> None:
    ana, ben = rows(db, org["sup_a"], policy)["Ana"], rows(db, org["sup_a"], policy)["Ben"]
    # Ana, 4 ≥ 3 contacts: SL 0.75 < 0.80 below; resolution 0.75 ≥ 0.75 meets; CSAT 0.5 below.
    assert (ana["status_service_level"], ana["status_resolution_rate"], ana["status_csat"]) == (
        "below",
        "meets",
        "below",
    )
    assert ana["status"] == "below"
    # Ben, 2 < 3: insufficient everywhere, although his SL is 100%.
    assert ben["service_level"] == 1.0
    assert (ben["status"], ben["status_service_level"]) == ("insufficient", "insufficient")


def test_the_channel_filter_and_the_local_date_bounds(
    db: Database, org: dict[str, Viewer], policy
) -> None:
    phone = rows(db, org["sup_a"], policy, replace(DAY, channel="phone"))
    assert phone["Ana"]["handled"] == 2  # contacts 1 and 2
    first_of_november = Period(start=date(2026, 11, 1), end=date(2026, 11, 1))
    assert rows(db, org["sup_a"], policy, first_of_november)["Ana"]["handled"] == 1  # contact 8
    assert "Ben" not in rows(db, org["sup_a"], policy, first_of_november)


def test_nobody_reads_another_teams_numbers_and_agents_see_only_their_own(
    db: Database, org: dict[str, Viewer], policy
) -> None:
    assert rows(db, org["sup_b"], policy) == {}  # their own team B: nothing handled
    with pytest.raises(AccessDenied):
        agent_metrics(db, org["sup_b"], policy, replace(DAY, team_id=1))
    with pytest.raises(AccessDenied):
        agent_metrics(db, org["ana"], policy, DAY)
    mine, team_median = my_metrics(db, org["ana"], policy, DAY)
    assert mine is not None and mine["handled"] == 4 and mine["name"] == "Ana"
    # Only Ana has enough contacts to be judged, so the team median is hers (Ben stays out):
    # her supervisor sees it, she does not, as it rests on fewer than five judged agents.
    assert team_median.get("service_level") is None and "service_level" in team_median.hidden
    _, supervisors = agent_standing(db, org["sup_a"], policy, DAY, org["ana"].staff_id)
    assert supervisors.get("service_level") == 0.75


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [(5, 10, (0.2366, 0.7634)), (0, 10, (0.0, 0.2775)), (10, 10, (0.7225, 1.0))],
)
def test_wilson_interval_matches_published_values(successes, n, expected) -> None:
    low, high = wilson_interval(successes, n)
    assert (round(low, 4), round(high, 4)) == expected
    assert wilson_interval(0, 0) == (None, None)


def test_the_report_command_prints_the_documented_json_and_csv(
    db: Database,
    org: dict[str, Viewer],
    policy: Policy,
    tmp_path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["report", "agents", "--from", "2026-11-02", "--to", "2026-11-03"]
    args += ["--db", str(tmp_path / "academy.duckdb"), "--team", "A"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["period", "filters", "standards", "team", "agents"]
    assert report["period"] == {
        "from": "2026-11-02",
        "to": "2026-11-03",
        "timezone": "Europe/Zagreb",
    }
    assert report["filters"] == {"team": "A", "channel": None}
    assert report["standards"]["answer_within_s"] == {
        "phone": 30,
        "chat": 60,
        "email": 14400,
        "social": 7200,
    }
    assert report["standards"]["min_contacts"] == 30  # the shipped policy: nobody judged here
    assert report["team"] == {
        "offered": 7,
        "answered": 6,
        "abandoned": 1,
        "waiting": 0,
        "abandonment_rate": pytest.approx(1 / 7),
        "service_level": pytest.approx(5 / 7),
    }
    ana, ben = report["agents"]
    assert list(ana) == [
        "agent", "name", "team", "handled", "wait_mean_s", "wait_median_s", "wait_p90_s",
        "service_level", "resolved", "resolution_rate", "fcr_rate", "ratings", "csat",
        "csat_mean", "status",
    ]  # fmt: skip
    assert (ana["agent"], ana["handled"], ana["csat"], ana["status"]) == (
        "ana@x.example",
        4,
        0.5,
        "insufficient",
    )
    assert (ben["csat"], ben["csat_mean"]) == (None, None)

    assert main([*args, "--format", "csv", "--channel", "phone"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",") == list(ana)
    assert lines[1].startswith("ana@x.example,Ana,A,2,30.5,30.5,")

    assert main([*args[:-2], "--team", "Nowhere"]) == 1
    assert "no team named 'Nowhere' (teams: A, B)" in capsys.readouterr().err


def test_team_summary_pools_every_handled_contact(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    summary = team_summary(db, org["sup_a"], policy, DAY)
    assert summary.queue.offered == 7
    # Handled: 1, 2, 3, 4, 5, 7 with waits 30, 31, 60, 100, 10, 20 → median (30 + 31) / 2
    assert (summary.handled, summary.wait_median_s) == (6, 30.5)
    assert (summary.resolved, summary.resolution_rate) == (4, pytest.approx(4 / 6))  # 1, 2, 4, 7
    assert (summary.ratings, summary.good_ratings, summary.csat) == (4, 2, 0.5)
    assert contact_days(db, policy) == (date(2026, 11, 1), date(2026, 11, 4))
    empty = team_summary(db, org["sup_b"], policy, DAY)
    assert (empty.queue.offered, empty.queue.service_level, empty.csat) == (0, None, None)
