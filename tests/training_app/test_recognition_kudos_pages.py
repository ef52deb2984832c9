"""Kudos and the monthly recognition report under AppTest: a supervisor passes a positive
comment on with one click (a second click says it was passed on already), the agent reads it on
Home and never a colleague's private kudos, kudos given from the agent page, the report for an
owner (PDF and CSV) and a supervisor (their team only), and an agent who cannot reach it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics.coaching import kudos
from metrics.people import Viewer, list_staff
from metrics.store import open_database
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts
from training_app.components.agent_link import AGENT_KEY

RECOGNITION = "app_pages/recognition.py"
HOME = "app_pages/home_agent.py"
AGENT = "app_pages/agent_performance.py"
NOVEMBER = date(2026, 11, 1)  # the small demo runs from 24 October to 20 November 2026


def without_kudos(path: Path) -> None:
    """The demo's own kudos removed, so that every comment can be passed on."""
    db = open_database(path)
    try:
        db.execute("DELETE FROM kudos")
    finally:
        db.close()


def open_page(viewer: Viewer, page: str, **state: object):  # type: ignore[no-untyped-def]
    at = app_as(viewer)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def stored_kudos(path: Path) -> list[tuple[int, int | None, str]]:
    db = open_database(path)
    try:
        return db.execute("SELECT agent_id, feedback_id, reason FROM kudos ORDER BY id").fetchall()
    finally:
        db.close()


def test_a_supervisor_passes_a_comment_on_once_and_the_agent_sees_it(viewers, demo_db_path) -> None:
    without_kudos(demo_db_path)
    at = open_page(viewers["supervisor"], RECOGNITION)
    [first, *_] = [b for b in at.button if b.label == "Pass on as kudos"]
    first.click().run()
    assert not at.exception, at.exception
    assert "Kudos given. The agent sees it on their Home." in texts(at)
    [(agent_id, feedback_id, reason)] = stored_kudos(demo_db_path)
    assert feedback_id is not None and reason.startswith("A customer wrote: “")
    [again] = [b for b in at.button if b.key == first.key]
    again.click().run()
    assert "Already passed on: this comment was already passed on as kudos." in texts(at)
    assert len(stored_kudos(demo_db_path)) == 1
    # The agent it was for reads it on Home.
    db = open_database(demo_db_path)
    try:
        member = next(m for m in list_staff(db, Viewer.local_admin()) if m.id == agent_id)
    finally:
        db.close()
    agent = Viewer(
        staff_id=member.id,
        name=member.name,
        email=member.email or "",
        role="agent",
        team_id=member.team_id,
    )
    home = open_page(agent, HOME)
    assert reason in [block.value for block in home.text]


def test_an_agent_never_sees_a_colleagues_private_kudos(viewers, demo_db_path) -> None:
    without_kudos(demo_db_path)
    me = viewers["agent"]
    db = open_database(demo_db_path)
    try:
        colleague = next(
            m
            for m in list_staff(db, Viewer.local_admin())
            if m.role == "agent" and m.team_id == me.team_id and m.id != me.staff_id
        )
        kudos.give_kudos(db, viewers["supervisor"], me.staff_id, "Yours, privately")
        kudos.give_kudos(db, viewers["supervisor"], colleague.id, "A colleague's, privately")
        kudos.give_kudos(
            db, viewers["supervisor"], colleague.id, "A colleague's, shared", shared_with_team=True
        )
    finally:
        db.close()
    home = open_page(me, HOME)
    shown = [block.value for block in home.text]
    assert "Yours, privately" in shown and "A colleague's, shared" in shown
    assert "A colleague's, privately" not in shown


def test_kudos_given_from_the_agent_page(viewers, demo_db_path) -> None:
    without_kudos(demo_db_path)
    agent = viewers["agent"]
    at = open_page(viewers["supervisor"], AGENT, **{AGENT_KEY: agent.staff_id})
    [reason] = [area for area in at.text_area if area.label == "Reason"]
    reason.input("Took over a queue when two colleagues were ill")
    [give] = [b for b in at.button if b.label == "Give kudos"]
    give.click().run()
    assert not at.exception, at.exception
    assert stored_kudos(demo_db_path) == [
        (agent.staff_id, None, "Took over a queue when two colleagues were ill")
    ]
    assert "Took over a queue when two colleagues were ill" in [b.value for b in at.text]


def report_tables(at):  # type: ignore[no-untyped-def]
    return [frame.value for frame in at.dataframe if "95% interval" in frame.value.columns]


def test_the_owner_reads_the_monthly_report_and_downloads_it(viewers) -> None:
    at = open_page(viewers["owner"], RECOGNITION)
    at.selectbox(key="recognition-month").set_value(NOVEMBER).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Demo data: these figures come from the generated demo organisation." in shown
    assert "Nobody is ranked on fewer than 30 contacts" in shown
    [top, *_] = report_tables(at)
    assert {"Team", "Channel mix", "Rank", "Value", "n", "95% interval"} <= set(top.columns)
    assert (top["n"] >= 30).all()
    assert top["Team"].nunique() > 1  # every team, each ranked on its own
    for (_, _, _), group in top.groupby(["Standard", "Team", "Channel mix"]):
        assert list(group["Rank"]) == list(range(1, len(group) + 1))
    labels = [button.label for button in at.get("download_button")]
    assert "Download the report (PDF)" in labels and "Download the report (CSV)" in labels


def test_a_supervisor_reads_their_teams_report_without_downloads(viewers) -> None:
    supervisor = viewers["supervisor"]
    at = open_page(supervisor, RECOGNITION)
    at.selectbox(key="recognition-month").set_value(NOVEMBER).run()
    tables = report_tables(at)
    assert tables and all(table["Team"].nunique() == 1 for table in tables)
    labels = [button.label for button in at.get("download_button")]
    assert "Download the report (PDF)" not in labels


def test_an_agent_cannot_reach_recognition(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page(RECOGNITION).run()
