"""Team performance under AppTest: what each role sees, the empty store, and filters that stay
put between pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics.people import NewStaffMember, Viewer, add_staff
from metrics.performance.period import Period
from metrics.store import open_database
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts

PAGE = "app_pages/team_performance.py"


def open_page(viewer: Viewer):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_a_supervisor_sees_their_team_against_the_policy(viewers) -> None:
    at = open_page(viewers["supervisor"])
    shown = texts(at)
    assert "Team performance" in shown
    labels = [m.label for m in at.metric]
    assert labels[:4] == [
        "Service level (target 80%)",
        "Abandoned",
        "Resolution (target 75%)",
        "CSAT (target 85%)",
    ]
    table = at.dataframe[0].value
    assert set(table["Team"]) == {"Front line"}  # their own team's agents only
    assert set(table["Status"]) <= {"✓ meets", "▼ below", "… too few contacts"}
    assert (table["Handled (n)"] > 0).all()
    assert "**Status.**" in shown  # definitions one click away


def test_the_owner_filters_by_team_and_the_filters_stay_between_pages(viewers) -> None:
    at = open_page(viewers["owner"])
    assert len(set(at.dataframe[0].value["Team"])) == 3
    team = next(box for box in at.selectbox if box.label == "Team")
    team.select_index(2).run()  # "All teams", then teams by name: the second
    assert not at.exception
    teams = set(at.dataframe[0].value["Team"])
    assert len(teams) == 1
    at.date_input[0].set_value((date(2026, 11, 2), date(2026, 11, 15))).run()
    saved = at.session_state["performance_period"]
    assert isinstance(saved, Period) and (saved.start, saved.end) == (
        date(2026, 11, 2),
        date(2026, 11, 15),
    )
    at.switch_page("app_pages/policy.py").run()
    at.switch_page(PAGE).run()
    assert at.session_state["performance_period"] == saved
    assert at.date_input[0].value == (date(2026, 11, 2), date(2026, 11, 15))
    assert set(at.dataframe[0].value["Team"]) == teams


def test_agents_cannot_reach_team_performance(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()


def test_a_store_without_contacts_says_so(tmp_path: Path) -> None:
    db = open_database(tmp_path / "academy.duckdb")
    owner_id = add_staff(db, NewStaffMember(name="Olga Owner", email="o@x.example", role="owner"))
    db.close()
    owner = Viewer(
        staff_id=owner_id, name="Olga Owner", email="o@x.example", role="owner", team_id=None
    )
    at = open_page(owner)
    assert "No customer contacts are stored yet." in texts(at)


def test_an_agent_sees_their_own_numbers_and_no_one_elses(viewers, demo_db_path: Path) -> None:
    at = app_as(viewers["agent"]).run()
    at.switch_page("app_pages/my_performance.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "My performance" in shown
    assert [m.label for m in at.metric][:3] == [
        "Service level (target 80%)",
        "Resolution (target 75%)",
        "CSAT (target 85%)",
    ]
    assert "Team median" in shown
    db = open_database(demo_db_path)
    try:
        others = [
            name
            for (name,) in db.execute(
                "SELECT name FROM staff WHERE role = 'agent' AND id <> ?",
                [viewers["agent"].staff_id],
            ).fetchall()
        ]
    finally:
        db.close()
    everything = shown + "".join(str(at.session_state[k]) for k in at.session_state)
    assert not [name for name in others if name in everything]
    assert not at.dataframe  # no table of anyone


def test_supervisors_do_not_get_the_agent_self_view(viewers) -> None:
    at = app_as(viewers["supervisor"]).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/my_performance.py").run()


def test_a_quick_choice_sets_the_dates_to_a_month(viewers) -> None:
    at = open_page(viewers["supervisor"])
    quick = next(box for box in at.selectbox if box.label == "Quick choice")
    # The small demo holds 24 Oct – 20 Nov 2026: October is cut to the stored days.
    assert quick.options[:2] == ["Last 28 days", "November 2026"]
    quick.set_value("October 2026").run()
    assert not at.exception
    saved = at.session_state["performance_period"]
    assert (saved.start, saved.end) == (date(2026, 10, 24), date(2026, 10, 31))
    assert at.date_input[0].value == (date(2026, 10, 24), date(2026, 10, 31))
    assert next(box for box in at.selectbox if box.label == "Quick choice").value is None
    assert "24 Oct 2026 – 31 Oct 2026" in texts(at)
