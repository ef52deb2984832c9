"""Team performance under AppTest: what each role sees, the empty store, and filters that stay
put between pages."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from metrics.people import NewStaffMember, Viewer, add_staff
from metrics.performance.period import Period
from metrics.store import open_database
from tests.training_app.apptest import app_as
from tests.training_app.stores import Contact, build_store
from tests.training_app.test_pages import texts
from training_app.components.filters import FROM_KEY, TO_KEY

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
    at.text_input(key=FROM_KEY).input("02.11.2026").run()
    at.text_input(key=TO_KEY).input("2026-11-15").run()  # ISO 8601 is read too
    saved = at.session_state["performance_period"]
    assert isinstance(saved, Period) and (saved.start, saved.end) == (
        date(2026, 11, 2),
        date(2026, 11, 15),
    )
    at.switch_page("app_pages/policy.py").run()
    at.switch_page(PAGE).run()
    assert at.session_state["performance_period"] == saved
    assert at.text_input(key=FROM_KEY).value == "02.11.2026"
    assert at.text_input(key=TO_KEY).value == "15.11.2026"
    assert set(at.dataframe[0].value["Team"]) == teams


def test_typed_dates_stay_when_moving_straight_to_another_page_with_the_filters(
    viewers,
) -> None:
    # The fields are the next page's own widgets: once they came up empty there, and the
    # page said "“” is not a date".
    at = open_page(viewers["supervisor"])
    at.text_input(key=FROM_KEY).input("09.11.2026").run()
    for page in ("app_pages/coaching.py", "app_pages/recognition.py", PAGE):
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page
        assert at.text_input(key=FROM_KEY).value == "09.11.2026", page
        saved = at.session_state["performance_period"]
        assert saved.start == date(2026, 11, 9), page


def test_a_mistyped_date_says_so_in_one_line_and_keeps_the_dates(viewers) -> None:
    at = open_page(viewers["supervisor"])
    shown_before = at.session_state["performance_period"]
    at.text_input(key=FROM_KEY).input("31.02.2026").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "“31.02.2026” is not a date. Type a date as DD.MM.YYYY, such as 02.11.2026."
    ]
    assert at.session_state["performance_period"] == shown_before
    at.text_input(key=FROM_KEY).input("10.11.2026")
    at.text_input(key=TO_KEY).input("03.11.2026").run()
    assert [e.value for e in at.error] == [
        "The dates end (03.11.2026) before they start (10.11.2026): type the earlier date in From."
    ]
    # Before the first stored day (24 Oct): the dates are cut to the store, and it says so.
    at.text_input(key=FROM_KEY).input("01.10.2026")
    at.text_input(key=TO_KEY).input("30.10.2026").run()
    assert not at.error
    saved = at.session_state["performance_period"]
    assert (saved.start, saved.end) == (date(2026, 10, 24), date(2026, 10, 30))
    assert "so the dates shown are 24.10.2026 to 30.10.2026" in texts(at)


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
    assert at.text_input(key=FROM_KEY).value == "24.10.2026"
    assert at.text_input(key=TO_KEY).value == "31.10.2026"
    assert next(box for box in at.selectbox if box.label == "Quick choice").value is None
    assert "24 Oct 2026 – 31 Oct 2026" in texts(at)


# -- hand-made stores whose every tile is worked out here ------------------------------------

NOW = Period(start=date(2026, 11, 16), end=date(2026, 11, 29))  # before: 2–15 Nov
PEOPLE = [
    ("Olga Owner", "olga@x.example", "owner"),
    ("Sam Super", "sam@x.example", "supervisor"),
    ("Ana Agent", "ana@x.example", "agent"),
]


def spread(first: date, answered: int, abandoned: int, rated: int) -> list[Contact]:
    """`answered` contacts Ana answers in 10 s and resolves (the first `rated` of them rated 5)
    and `abandoned` ones, one a minute over the 14 days from `first`."""
    contacts = [
        Contact(
            day=first + timedelta(days=n % 14),
            agent="ana@x.example",
            minute=n,
            rating=5 if n < rated else None,
        )
        for n in range(answered)
    ]
    return contacts + [
        Contact(day=first + timedelta(days=n % 14), agent=None, minute=200 + n)
        for n in range(abandoned)
    ]


def team_page(viewer: Viewer, period: Period):  # type: ignore[no-untyped-def]
    at = app_as(viewer)
    at.session_state["performance_period"] = period
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_a_change_that_rounds_to_zero_reads_no_change(tmp_path: Path) -> None:
    # Before: 48 answered + 1 abandoned; now: 49 + 1. Service level 48/49 = 97.96% to
    # 49/50 = 98.00% (+0.04 points), abandonment 2.04% to 2.00% (−0.04 points), resolution and
    # CSAT 100% both times: every change rounds to zero points.
    contacts = spread(date(2026, 11, 2), 48, 1, 40) + spread(NOW.start, 49, 1, 40)
    viewers = build_store(tmp_path / "academy.duckdb", PEOPLE, contacts)
    at = team_page(viewers["sam@x.example"], NOW)
    tiles = {m.label: m.delta for m in at.metric}
    assert list(tiles.values())[:4] == ["no change"] * 4, tiles


def test_tiles_and_cells_under_the_minimum_say_too_few_contacts(tmp_path: Path) -> None:
    # Now: two contacts, one answered within the standard and one in 40 s: 50% and 100%.
    now = [
        Contact(day=NOW.start, agent="ana@x.example"),
        Contact(day=NOW.start, agent="ana@x.example", wait_s=40, minute=5),
    ]
    viewers = build_store(
        tmp_path / "academy.duckdb", PEOPLE, spread(date(2026, 11, 2), 40, 0, 0) + now
    )
    at = team_page(viewers["sam@x.example"], NOW)
    shown = texts(at)
    assert shown.count("too few contacts (2 of 30)") >= 2  # service level and resolution tiles
    assert "too few ratings (0 of 30)" in shown  # CSAT: nobody rated
    assert not any(m.delta for m in at.metric[:4])  # no change from two contacts
    table = at.dataframe[0].value
    [status] = table["Status"]
    assert status == "… too few contacts (2 of 30)"
    assert set(table["SL vs target"]) == {"… too few contacts (2 of 30)"}
