"""The coaching plan pages, started from the entry script: a supervisor opens a plan from the
prefilled form, the agent acknowledges and comments, at the review the supervisor reads the
before/after and closes it; and who must not see a plan does not."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from metrics import clock
from metrics.coaching import plans
from metrics.people import NewStaffMember, Viewer, add_staff, list_staff, staff_viewer
from metrics.store import open_database
from modules.content import load_modules
from modules.policy import load_policy
from tests.training_app.apptest import app_as, open_address
from tests.training_app.test_pages import texts


def colleague(db_path: Path, of: Viewer) -> Viewer:
    """Another agent of the same team, without a plan of their own (the demo has some)."""
    db = open_database(db_path)
    try:
        coached = {
            agent for (agent,) in db.execute("SELECT agent_id FROM coaching_plans").fetchall()
        }
        member = next(
            m
            for m in list_staff(db, Viewer.local_admin())
            if m.role == "agent"
            and m.team_id == of.team_id
            and m.id != of.staff_id
            and m.active
            and m.id not in coached
        )
        found = staff_viewer(db, member.id)
    finally:
        db.close()
    assert found is not None
    return found


def other_supervisor(db_path: Path, of: Viewer) -> Viewer:
    """A supervisor of a team that is not the agent's."""
    db = open_database(db_path)
    try:
        team = next(
            m.team_id
            for m in list_staff(db, Viewer.local_admin())
            if m.team_id is not None and m.team_id != of.team_id
        )
        team_name = next(m.team for m in list_staff(db, Viewer.local_admin()) if m.team_id == team)
        staff_id = add_staff(
            db,
            NewStaffMember(
                name="Other Supervisor",
                email="other.sup@x.example",
                role="supervisor",
                team=team_name,
            ),
        )
        found = staff_viewer(db, staff_id)
    finally:
        db.close()
    assert found is not None
    return found


def open_one(db_path: Path, supervisor: Viewer, agent: Viewer) -> int:
    db = open_database(db_path)
    try:
        policy = load_policy().policy
        modules = [loaded.module for loaded in load_modules(policy)]
        today = clock.today(policy.business_hours.timezone)
        new = plans.NewPlan(
            agent_id=agent.staff_id,
            opened_from="agent_page",
            focus=["csat"],
            observations=[plans.NewObservation(observed="Ends calls **abruptly**")],
            goals=[plans.NewGoal(metric="csat", target=0.85, due=today + timedelta(days=21))],
            review_on=today + timedelta(days=21),
        )
        return plans.open_plan(db, supervisor, policy, modules, new)
    finally:
        db.close()


def press(at, label: str) -> None:  # type: ignore[no-untyped-def]
    [button] = [b for b in at.button if b.label == label]
    button.click().run()


def plan_page(viewer: Viewer, **params: str):  # type: ignore[no-untyped-def]
    at = app_as(viewer)
    for name, value in params.items():
        at.query_params[name] = value
    return open_address(at, "coaching-plan").run()


def test_a_supervisor_opens_a_plan_from_the_prefilled_form(viewers, demo_db_path: Path) -> None:
    agent = viewers["agent"]
    at = plan_page(
        viewers["supervisor"],
        agent=str(agent.staff_id),
        **{"from": "candidate", "metric": "resolution_rate,csat"},
    )
    assert not at.exception
    assert at.title[0].value == "Open a coaching plan"
    assert at.multiselect(key="plan_focus").value == ["resolution_rate", "csat"]
    assert "Read over the last four weeks" in texts(at)
    at.text_area(key="plan_observed").input("Closes chats before the customer confirms")
    press(at, "Open the plan")
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Coaching plan ")
    assert "the agent sees it" in texts(at)
    db = open_database(demo_db_path)
    try:
        rows = db.execute(
            "SELECT p.agent_id, p.opened_from, count(DISTINCT f.metric), count(DISTINCT g.id)"
            " FROM coaching_plans p JOIN coaching_plan_focus f ON f.plan_id = p.id"
            " JOIN coaching_goals g ON g.plan_id = p.id WHERE NOT p.is_demo"
            " GROUP BY p.agent_id, p.opened_from"
        ).fetchall()
    finally:
        db.close()
    assert rows == [(agent.staff_id, "candidate", 2, 2)]


def test_an_agent_cannot_open_the_form(viewers) -> None:
    at = plan_page(viewers["agent"], agent=str(viewers["agent"].staff_id), **{"from": "candidate"})
    assert not at.exception
    assert "Only supervisors and owners open coaching plans." in texts(at)


def test_the_agent_acknowledges_and_comments_and_text_is_shown_as_typed(
    viewers, demo_db_path: Path
) -> None:
    plan_id = open_one(demo_db_path, viewers["supervisor"], viewers["agent"])
    at = plan_page(viewers["agent"], plan=str(plan_id))
    assert not at.exception
    assert "Please read your plan and acknowledge it." in texts(at)
    assert "Ends calls **abruptly**" in [t.value for t in at.text]  # as typed, not bold
    press(at, "I have read my plan: acknowledge it")
    assert not at.exception
    assert "You acknowledged your coaching plan." in texts(at)
    assert "Please read your plan" not in texts(at)
    at.text_area[0].input("I will let the customer finish")
    press(at, "Add the comment")
    assert "Your comment is on the plan." in texts(at)
    assert "I will let the customer finish" in [t.value for t in at.text]
    # The review is for the supervisor: the agent has no close or extend.
    assert "Review" not in [s.value for s in at.subheader]


def test_another_agent_and_a_supervisor_of_another_team_are_refused(
    viewers, demo_db_path: Path
) -> None:
    plan_id = open_one(demo_db_path, viewers["supervisor"], viewers["agent"])
    for outsider in (
        colleague(demo_db_path, viewers["agent"]),
        other_supervisor(demo_db_path, viewers["agent"]),
    ):
        at = plan_page(outsider, plan=str(plan_id))
        assert not at.exception
        assert "This coaching plan is not one you may see." in texts(at)
        assert "Ends calls" not in " ".join(t.value for t in at.text)
        listing = open_address(app_as(outsider), "coaching-plans").run()
        assert not listing.exception
        shown = listing.dataframe[0].value["Plan"].tolist() if listing.dataframe else []
        assert plan_id not in shown


def test_the_lists_of_plans_by_role(viewers, demo_db_path: Path) -> None:
    plan_id = open_one(demo_db_path, viewers["supervisor"], viewers["agent"])
    mine = open_address(app_as(viewers["agent"]), "coaching-plans").run()
    assert not mine.exception
    assert mine.title[0].value == "My coaching plans"
    assert plan_id in mine.dataframe[0].value["Plan"].tolist()
    team = open_address(app_as(viewers["supervisor"]), "coaching-plans").run()
    assert not team.exception and team.title[0].value == "Coaching plans"
    assert plan_id in team.dataframe[0].value["Plan"].tolist()


def test_at_the_review_the_supervisor_reads_before_and_after_and_closes(
    viewers, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = open_one(demo_db_path, viewers["supervisor"], viewers["agent"])
    before = plan_page(viewers["supervisor"], plan=str(plan_id))
    assert "The review is on" in texts(before) and "Close the plan" not in [
        b.label for b in before.button
    ]
    later = clock.now() + timedelta(days=22)
    monkeypatch.setenv("ACADEMY_NOW", later.isoformat())
    at = plan_page(viewers["supervisor"], plan=str(plan_id))
    assert not at.exception
    assert "whole weeks each side" in texts(at)
    [line] = [m.value for m in at.markdown if m.value.startswith("**CSAT**, target 85%")]
    # Before and since each with n and interval, met or not, and the change judged.
    assert re.search(r"before (\d+% \(n \d+, 95% \d+%–\d+%\)|no contacts) → since ", line), line
    assert re.search(r"\*\*(met|not met|too few contacts to judge)\*\*", line), line
    assert re.search(r"(clear improvement|clear drop|within the noise|nothing to compare)", line)
    at.text_area[-1].input("Reviewed together")
    press(at, "Close the plan")
    assert not at.exception
    assert "The plan is closed" in texts(at)
    db = open_database(demo_db_path)
    try:
        closed = db.execute(
            "SELECT closed_at IS NOT NULL, closing_note FROM coaching_plans WHERE id = ?", [plan_id]
        ).fetchone()
    finally:
        db.close()
    assert closed == (True, "Reviewed together")


def test_the_agent_sees_their_open_plan_on_home_and_my_performance(
    viewers, demo_db_path: Path
) -> None:
    open_one(demo_db_path, viewers["supervisor"], viewers["agent"])
    for address in ("home", "my-performance"):
        at = open_address(app_as(viewers["agent"]), address).run()
        assert not at.exception
        assert "You have a coaching plan from" in texts(at)
        assert "Please read it and acknowledge it." in texts(at)
    # A colleague of the same team has no plan: nothing is said about another's.
    at = open_address(app_as(colleague(demo_db_path, viewers["agent"])), "home").run()
    assert not at.exception and "coaching plan" not in texts(at)


def test_links_to_open_a_plan_from_candidates_the_agent_page_and_a_complaint(
    viewers, demo_db_path: Path
) -> None:
    def plan_links(at) -> list[str]:  # type: ignore[no-untyped-def]
        return [
            str(link.proto.page) + "?" + str(link.proto.query_string)
            for link in at.get("page_link")
            if "coaching_plan.py" in str(link.proto.page) or "coaching-plan" in str(link.proto.page)
        ]

    candidates = open_address(app_as(viewers["supervisor"]), "coaching").run()
    assert not candidates.exception
    assert any("from=candidate" in link for link in plan_links(candidates))
    at = app_as(viewers["supervisor"])
    at.query_params["agent"] = str(viewers["agent"].staff_id)
    agent_page = open_address(at, "agent").run()
    assert not agent_page.exception
    assert "Coaching plans" in [s.value for s in agent_page.subheader]
    assert any("from=agent_page" in link for link in plan_links(agent_page))
    complaints = open_address(app_as(viewers["supervisor"]), "complaints").run()
    assert not complaints.exception
    assert any("from=complaint" in link and "complaint=" in link for link in plan_links(complaints))
    # An agent's complaints page offers no plan.
    own = open_address(app_as(viewers["agent"]), "complaints").run()
    assert not plan_links(own)
