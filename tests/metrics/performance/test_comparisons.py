"""An agent is shown their team's median only when it cannot identify a colleague: at least
the policy's `min_agents_for_comparison` (5) agents judged on that number (at least
`min_contacts`, here 3, contacts handled). Supervisors keep every comparison.

The team: agents handle four phone contacts each on Monday 2 Nov 2026 (and some on Monday
9 Nov), each answered either within the 30 s standard (10 s) or beyond it (100 s), resolved or
not, some rated 5 (good) or 1. Every expected number is worked out in the test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.performance.agents import agent_standing, my_metrics
from metrics.performance.period import Period
from metrics.performance.trends import agent_weekly_trends
from metrics.store import Database
from modules.policy import Policy

MONDAY = date(2026, 11, 2)
FIRST_WEEK = Period(start=MONDAY, end=MONDAY)
TWO_WEEKS = Period(start=MONDAY, end=MONDAY + timedelta(days=7))
COMPARED = ("service_level", "resolution_rate", "csat", "wait_median_s")


class Team:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.team_id = add_team(db, "T")
        self.viewers: dict[str, Viewer] = {}
        self.contacts = 0
        self.supervisor = self._person("Sam", "supervisor")

    def _person(self, name: str, role: str) -> Viewer:
        email = f"{name.lower()}@x.example"
        staff_id = add_staff(self.db, NewStaffMember(name=name, email=email, role=role, team="T"))
        viewer = Viewer(staff_id=staff_id, name=name, email=email, role=role, team_id=self.team_id)
        self.viewers[name] = viewer
        return viewer

    def agent(self, name: str) -> Viewer:
        return self.viewers.get(name) or self._person(name, "agent")

    def handles(
        self, name: str, day: date, within: int, resolved: int, ratings: list[int], n: int = 4
    ) -> None:
        """`n` contacts on `day` (09:00 UTC on): the first `within` answered in 10 s, the rest
        in 100 s; the first `resolved` resolved; `ratings` on the first contacts."""
        agent = self.agent(name)
        for k in range(n):
            self.contacts += 1
            queued = datetime(day.year, day.month, day.day, 9, k, tzinfo=UTC)
            answered = queued + timedelta(seconds=10 if k < within else 100)
            self.db.execute(
                "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
                " queued_at, answered_at, resolved_at, abandoned, resolved)"
                " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, ?, false, ?)",
                [
                    self.contacts,
                    str(self.contacts),
                    agent.staff_id,
                    self.team_id,
                    queued,
                    answered,
                    answered if k < resolved else None,
                    k < resolved,
                ],
            )
            if k < len(ratings):
                self.db.execute(
                    "INSERT INTO feedback (interaction_id, rating, scale, received_at)"
                    " VALUES (?, ?, '1-5', ?)",
                    [self.contacts, ratings[k], answered],
                )


@pytest.fixture
def team(db: Database) -> Team:
    return Team(db)


def test_in_a_two_agent_team_an_agent_sees_no_median_and_the_supervisor_does(
    db: Database, team: Team, policy: Policy
) -> None:
    team.handles("Ana", MONDAY, within=3, resolved=2, ratings=[5, 5])  # SL .75, res .5, CSAT 1
    team.handles("Ben", MONDAY, within=1, resolved=4, ratings=[5, 1])  # SL .25, res 1, CSAT .5
    ana = team.viewers["Ana"]
    mine, medians = my_metrics(db, ana, policy, FIRST_WEEK)
    assert mine is not None and mine["service_level"] == 0.75
    # The median of two is their mean: 2 × median − 0.75 would give Ben's 0.25 exactly.
    for metric in COMPARED:
        assert medians.get(metric) is None, metric
    assert set(medians.hidden) >= set(COMPARED)
    _, supervisors = agent_standing(db, team.supervisor, policy, FIRST_WEEK, ana.staff_id)
    assert supervisors.get("service_level") == pytest.approx(0.5)
    assert supervisors.get("resolution_rate") == pytest.approx(0.75)
    assert supervisors.get("csat") == pytest.approx(0.75)
    assert supervisors.hidden == []


def test_five_judged_agents_make_a_median_an_agent_may_see_per_metric(
    db: Database, team: Team, policy: Policy
) -> None:
    # Service levels .75, .25, .5, 1, .5 → median .5; only four agents were rated.
    team.handles("Ana", MONDAY, within=3, resolved=2, ratings=[5, 5])
    team.handles("Ben", MONDAY, within=1, resolved=4, ratings=[5, 1])
    team.handles("Cem", MONDAY, within=2, resolved=3, ratings=[1])
    team.handles("Dan", MONDAY, within=4, resolved=1, ratings=[5])
    team.handles("Eda", MONDAY, within=2, resolved=2, ratings=[])
    # An agent with two contacts is not judged, so does not count towards the five.
    team.handles("Fay", MONDAY, within=0, resolved=0, ratings=[1, 1], n=2)
    mine, medians = my_metrics(db, team.viewers["Ana"], policy, FIRST_WEEK)
    assert mine is not None
    assert medians.get("service_level") == pytest.approx(0.5)
    assert medians.get("resolution_rate") == pytest.approx(0.5)  # .5 1 .75 .25 .5
    assert medians.get("csat") is None  # rated: Ana, Ben, Cem, Dan; Fay is not judged
    assert medians.hidden == ["csat", "csat_mean"]


def test_a_week_with_fewer_judged_agents_shows_an_agent_no_team_median(
    db: Database, team: Team, policy: Policy
) -> None:
    for name, within in [("Ana", 3), ("Ben", 1), ("Cem", 2), ("Dan", 4), ("Eda", 2)]:
        team.handles(name, MONDAY, within=within, resolved=2, ratings=[5, 5, 1])
    second = MONDAY + timedelta(days=7)
    team.handles("Ana", second, within=3, resolved=2, ratings=[5])
    team.handles("Ben", second, within=1, resolved=4, ratings=[1])
    team.handles("Cem", second, within=2, resolved=1, ratings=[], n=1)  # not judged
    ana = team.viewers["Ana"]
    weeks = agent_weekly_trends(db, ana, policy, TWO_WEEKS, ana.staff_id).set_index("week")
    first, later = pd.Timestamp(MONDAY), pd.Timestamp(second)
    assert weeks.loc[first, "team_service_level"] == pytest.approx(0.5)  # .75 .25 .5 1 .5
    assert pd.isna(weeks.loc[later, "team_service_level"])  # Ana and Ben: Ben's would show
    assert pd.isna(weeks.loc[later, "team_csat"])
    assert "team_agents" not in weeks.columns  # how many worked that week is not told either
    assert weeks.loc[later, "service_level"] == 0.75  # her own numbers stay
    supervisors = agent_weekly_trends(db, team.supervisor, policy, TWO_WEEKS, ana.staff_id)
    assert supervisors.set_index("week").loc[later, "team_agents"] == 3
