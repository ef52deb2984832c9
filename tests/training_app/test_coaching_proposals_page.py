"""The Coaching candidates page's "Proposed plans" under AppTest: a supervisor sees their team's
proposals only, an owner every team's, an agent cannot reach the page; setting a proposal aside
and the team's rule.

The store: North (Sue supervises; agents Cy and Ana) and South (Sam; agent Zora), the shipped
policy (30 contacts, resolution target 0.75). Today is Friday 20 Nov 2026; both rules are on
over 14 days. Cy and Zora each answered 30 phone calls within the standard on 18 Nov and
resolved none: resolution 0 of 30, interval 0–11% (z²/(n + z²) = 3.8415/33.8415), clearly below
75%. Ana resolved all of hers: nothing to propose.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from metrics.coaching.proposals import set_team_rule
from metrics.people import NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database, database_path, open_database
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts
from training_app.components.coaching_proposals import RULE_TEAM_KEY

PAGE = "app_pages/coaching.py"
NOW = "2026-11-20T12:00:00+00:00"


def calls(db: Database, agent: int, team: int, first_id: int, resolved: bool) -> None:
    queued = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("Europe/Zagreb"))
    for index in range(30):
        at = queued + timedelta(minutes=index)
        answered = at + timedelta(seconds=10)
        db.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, resolved_at, abandoned, resolved)"
            " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, ?, false, ?)",
            [
                first_id + index,
                str(first_id + index),
                agent,
                team,
                at,
                answered,
                answered if resolved else None,
                resolved,
            ],
        )


@pytest.fixture
def people(monkeypatch: pytest.MonkeyPatch) -> dict[str, Viewer]:
    monkeypatch.setenv("ACADEMY_NOW", NOW)
    db = open_database(database_path())
    try:
        teams = {name: add_team(db, name) for name in ("North", "South")}
        ids = {}
        for name, role, team in [
            ("Cy", "agent", "North"),
            ("Ana", "agent", "North"),
            ("Zora", "agent", "South"),
            ("Sue", "supervisor", "North"),
            ("Sam", "supervisor", "South"),
            ("Olga", "owner", None),
        ]:
            ids[name] = add_staff(
                db,
                NewStaffMember(
                    name=name,
                    email=f"{name.lower()}@x.example",
                    role=role,  # type: ignore[arg-type]
                    team=team,
                    password="a long enough password",
                ),
            )
        calls(db, ids["Cy"], teams["North"], 1, resolved=False)
        calls(db, ids["Ana"], teams["North"], 100, resolved=True)
        calls(db, ids["Zora"], teams["South"], 200, resolved=False)
        for team_id in teams.values():
            set_team_rule(db, Viewer.local_admin(), team_id, 14)
        viewers = {name: staff_viewer(db, staff_id) for name, staff_id in ids.items()}
    finally:
        db.close()
    assert all(viewers.values())
    return viewers  # type: ignore[return-value]


def open_page(viewer: Viewer) -> AppTest:
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def confirm_links(at: AppTest) -> list[str]:
    return [
        f"coaching-plan?{link.proto.query_string}"
        for link in at.get("page_link")
        if "Confirm" in link.proto.label
    ]


def test_a_supervisor_sees_only_their_teams_proposals(people: dict[str, Viewer]) -> None:
    at = open_page(people["Sue"])
    shown = texts(at)
    assert "Proposed plans" in shown
    assert "**Cy** · North · Resolution" in shown
    assert "0% against a target of 75%, n = 30, 95% interval 0% to 11%" in shown
    assert "Refresher: Our customer-service policy" in shown
    assert "Zora" not in shown and "South" not in shown
    assert confirm_links(at) == [
        f"coaching-plan?agent={people['Cy'].staff_id}&from=proposal&metric=resolution_rate"
        "&module=customer-service-policy"
    ]
    assert "North: on, over the last 14 days" in shown
    assert RULE_TEAM_KEY not in [box.key for box in at.selectbox]  # only their own team


def test_an_owner_sees_every_teams_proposals(people: dict[str, Viewer]) -> None:
    at = open_page(people["Olga"])
    shown = texts(at)
    assert "**Cy** · North · Resolution" in shown and "**Zora** · South · Resolution" in shown
    assert len(confirm_links(at)) == 2
    assert "Ana" not in shown


def test_an_agent_cannot_reach_the_page(people: dict[str, Viewer]) -> None:
    at = app_as(people["Cy"]).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_a_supervisor_sets_a_proposal_aside(people: dict[str, Viewer]) -> None:
    at = open_page(people["Sue"])
    at.text_input[0].input("Back from leave on Monday")
    [button] = [b for b in at.button if b.label == "Set this proposal aside"]
    button.click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "The proposal for Cy (Resolution) is set aside." in shown
    assert "**Cy** · North" not in shown and confirm_links(at) == []
    db = open_database(database_path())
    try:
        stored = db.execute(
            "SELECT agent_id, metric, dismissed_by, reason FROM coaching_proposal_dismissals"
        ).fetchall()
    finally:
        db.close()
    assert stored == [
        (
            people["Cy"].staff_id,
            "resolution_rate",
            people["Sue"].staff_id,
            "Back from leave on Monday",
        )
    ]


def test_an_owner_turns_a_teams_rule_off(people: dict[str, Viewer]) -> None:
    at = open_page(people["Olga"])
    at.selectbox(key=RULE_TEAM_KEY).select_index(1)  # South (teams by name)
    at.toggle[0].set_value(False)
    [save] = [b for b in at.button if b.label == "Save the rule"]
    save.click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "South's rule is off." in shown
    assert "South: off" in shown and "North: on, over the last 14 days" in shown
    assert "**Zora**" not in shown and "**Cy** · North · Resolution" in shown


def test_with_no_rule_on_nothing_is_proposed_and_the_page_says_why(
    people: dict[str, Viewer],
) -> None:
    db = open_database(database_path())
    try:
        for (team_id,) in db.execute("SELECT id FROM teams").fetchall():
            set_team_rule(db, Viewer.local_admin(), team_id, None)
    finally:
        db.close()
    at = open_page(people["Sue"])
    shown = texts(at)
    assert "No team's rule is on, so no plans are proposed." in shown
    assert confirm_links(at) == []
    # The candidates table is still there below it.
    assert "Of 2 agents with at least 30 contacts, 1 are below a target" in shown
    assert at.dataframe
