"""The Complaint numbers page on the small demo store with a few complaints added by hand: an
owner sees every team, a supervisor only their own team's agents, an agent only their own
numbers (no colleague's name or numbers anywhere on the page)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.people import StaffMember, Viewer, list_staff
from metrics.store import open_database
from modules.policy import load_policy
from tests.metrics.complaints.test_report import add_complaint
from tests.training_app.apptest import app_as

PAGE = "app_pages/complaint_numbers.py"


def staff_by_email(path: Path) -> dict[str, StaffMember]:
    db = open_database(path)
    try:
        return {m.email or "": m for m in list_staff(db, Viewer.local_admin())}
    finally:
        db.close()


@pytest.fixture
def complaints(viewers: dict[str, Viewer], demo_db_path: Path) -> dict[str, str]:
    """Three complaints for the demo agent, one for a colleague in their team and two for an
    agent of another team, instead of any the demo holds; returns the colleague's and the other
    agent's names."""
    staff = staff_by_email(demo_db_path)
    agent = viewers["agent"]
    team_mates = [
        m
        for m in staff.values()
        if m.role == "agent" and m.team_id == agent.team_id and m.id != agent.staff_id
    ]
    others = [m for m in staff.values() if m.role == "agent" and m.team_id != agent.team_id]
    mate, other = team_mates[0], others[0]

    def as_viewer(member: StaffMember) -> Viewer:
        return Viewer(
            staff_id=member.id,
            name=member.name,
            email=member.email or "",
            role=member.role,
            team_id=member.team_id,
        )

    policy = load_policy().policy
    db = open_database(demo_db_path)
    try:
        db.execute("DELETE FROM complaints")
        for who, day, category in [
            (agent, 16, "late_delivery"),
            (agent, 17, "late_delivery"),
            (agent, 18, "billing"),
            (as_viewer(mate), 17, "faulty_product"),
            (as_viewer(other), 17, "hard_to_reach"),
            (as_viewer(other), 18, "hard_to_reach"),
        ]:
            add_complaint(
                db,
                policy,
                who,
                datetime(2026, 11, day, 9, 0, tzinfo=UTC),
                category,
                resolved_on_the_spot=True,
                resolved_at=datetime(2026, 11, day, 9, 30, tzinfo=UTC),
                followed_up_at=datetime(2026, 11, day + 1, 9, 0, tzinfo=UTC),
                customer_satisfied=True,
                prevention="Call before the delivery day" if category == "late_delivery" else None,
            )
    finally:
        db.close()
    return {"mate": mate.name, "other": other.name}


def numbers_page(viewer: Viewer) -> AppTest:
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    """Everything the page wrote, its tables' cells and its chart's data included."""
    parts = [str(element.value) for element in [*at.markdown, *at.caption, *at.title]]
    parts += [str(element.value) for element in at.subheader]
    parts += [element.value.to_csv() for element in at.dataframe]
    parts += [str(element.proto.spec) for element in at.get("arrow_vega_lite_chart")]
    parts += [json.dumps(json.loads(el.proto.spec)) for el in at.get("vega_lite_chart")]
    parts += [str(metric.proto) for metric in at.metric]
    return "\n".join(parts)


def test_a_supervisor_sees_their_team_and_its_top_problems(
    viewers: dict[str, Viewer], complaints: dict[str, str]
) -> None:
    at = numbers_page(viewers["supervisor"])
    assert at.title[0].value == "Complaint numbers"
    # Their team's four complaints: late delivery twice, then billing and faulty product.
    top = "\n".join(str(m.value) for m in at.markdown)
    assert "1\\. Late or missed delivery: 2 complaints (50%)" in top
    assert "2\\. Billing, payment or refund: 1 complaints (25%)" in top
    assert "3\\. Faulty or damaged product: 1 complaints (25%)" in top
    assert "Call before the delivery day" in top
    agents = {tuple(row) for row in at.dataframe[1].value[["Agent", "Complaints"]].values}
    assert agents == {(viewers["agent"].name, 3), (complaints["mate"], 1)}
    text = page_text(at)
    assert complaints["other"] not in text
    assert "Waiting or hard to reach us" not in "\n".join(str(m.value) for m in at.markdown)
    assert [box.label for box in at.selectbox] == ["Dates (received, local)"]  # no team choice
    [chart] = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert chart is not None


def test_an_owner_sees_every_team(viewers: dict[str, Viewer], complaints: dict[str, str]) -> None:
    at = numbers_page(viewers["owner"])
    top = "\n".join(str(m.value) for m in at.markdown)
    assert "Late or missed delivery: 2 complaints (33%)" in top
    assert "Waiting or hard to reach us: 2 complaints (33%)" in top
    [per_team] = [
        d.value
        for d in at.dataframe
        if "Team" in d.value.columns and "Agent" not in d.value.columns
    ][:1]
    assert sorted(per_team["Complaints"]) == [2, 4]
    assert "Team" in [box.label for box in at.selectbox]
    assert complaints["other"] in page_text(at)


def test_an_agent_sees_only_their_own_numbers(
    viewers: dict[str, Viewer], complaints: dict[str, str]
) -> None:
    at = numbers_page(viewers["agent"])
    assert at.title[0].value == "My complaint numbers"
    text = page_text(at)
    assert complaints["mate"] not in text
    assert complaints["other"] not in text
    assert "Faulty or damaged product: 1" not in text  # the colleague's complaint
    assert "1\\. Late or missed delivery: 2 complaints (67%)" in text
    assert all("Agent" not in d.value.columns for d in at.dataframe)
    assert [box.label for box in at.selectbox] == ["Dates (received, local)"]


def test_without_complaints_the_page_says_so(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    db = open_database(demo_db_path)
    try:
        db.execute("DELETE FROM complaints")
    finally:
        db.close()
    at = numbers_page(viewers["supervisor"])
    assert "No complaints are recorded yet" in at.info[0].value


@pytest.mark.parametrize("role", ["owner", "supervisor", "agent"])
def test_home_links_to_the_complaint_numbers(viewers: dict[str, Viewer], role: str) -> None:
    at = app_as(viewers[role]).run()
    assert not at.exception
    labels = [link.proto.label for link in at.get("page_link")]
    assert "Complaint numbers and top problems" in labels


def test_a_rate_tile_names_its_n_and_its_interval() -> None:
    """5 of 10: Wilson's 95% interval is 0.5 ± 1.96·√(0.25/10 + 1.96²/400) / (1 + 1.96²/10)
    = 0.5 ± 0.2634, so 24%–76%; with no denominator there is no interval to name."""
    from metrics.complaints.report import Rate
    from training_app.components.complaint_numbers import rate_caption

    assert rate_caption(Rate.of(5, 10)) == "5 of 10 · 95% 24%–76%"
    assert rate_caption(Rate.of(0, 0)) == "0 of 0"
