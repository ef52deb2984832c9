"""The presenter's Rollout session page under AppTest, on the small demo store: an owner starts
a session and walks the slides, asks a training question the room answers (through
`metrics.training.rollout`, as the devices do), reveals it and ends the session with its
summary; a question written on the spot; an agent cannot reach the page and a supervisor
cannot open another team's session or its results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics.people import Viewer, list_staff, staff_viewer
from metrics.store import open_database
from metrics.training import rollout
from tests.training_app.apptest import app_as, viewer_of

PAGE = "app_pages/rollout_session.py"


def presenter(viewer: Viewer, session_id: int | None = None):  # type: ignore[no-untyped-def]
    at = app_as(viewer)
    if session_id is not None:
        at.query_params["session"] = str(session_id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def button(at, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def texts(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(m.value) for m in at.markdown)


def team_members(db_path: Path, team: str, count: int) -> list[Viewer]:
    db = open_database(db_path)
    try:
        found = [
            staff_viewer(db, m.id)
            for m in list_staff(db, Viewer.local_admin())
            if m.team == team and m.active and m.role == "agent"
        ][:count]
    finally:
        db.close()
    return [viewer for viewer in found if viewer is not None]


def test_an_agent_cannot_reach_the_presenters_page(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_an_owner_starts_a_session_and_walks_the_slides(viewers, demo_db_path: Path) -> None:
    at = presenter(viewers["owner"])
    assert at.selectbox[0].options[0] == "The whole organisation"
    button(at, "Start the session").click().run()
    assert not at.exception
    db = open_database(demo_db_path)
    [(session_id, code, slide)] = db.execute(
        "SELECT id, join_code, slide FROM rollout_sessions WHERE NOT is_demo"
    ).fetchall()
    db.close()
    assert at.query_params["session"] == str(session_id)
    shown = texts(at)
    assert code in shown  # the join code, large, beside its QR code
    assert "## Why we have this policy" in shown and slide == 0
    assert len(at.get("image")) == 1  # the QR code

    button(at, "Next").click().run()
    assert "## The first version of our policy" in texts(at)  # the demo has one version only
    db = open_database(demo_db_path)
    assert db.execute(
        "SELECT slide, slide_title FROM rollout_sessions WHERE NOT is_demo"
    ).fetchall() == [(1, "The first version of our policy")]
    db.close()


def test_a_training_question_answered_by_the_room_fills_the_chart_then_is_revealed(
    viewers, demo_db_path: Path
) -> None:
    owner = viewers["owner"]
    db = open_database(demo_db_path)
    session = rollout.start_session(db, owner, 1, "Why we have this policy")
    rollout.show_slide(db, owner, session.id, 2, "Standards per channel")
    db.close()
    at = presenter(owner, session.id)
    assert "## Standards per channel" in texts(at)
    picker = at.selectbox[0]
    # The standards slide offers first the questions quoting a standard.
    assert picker.options[0].startswith("On this slide: ")
    picker.select_index(0).run()
    button(at, "Ask this question").click().run()
    assert not at.exception

    db = open_database(demo_db_path)
    [question] = rollout.questions(db, owner, session.id)
    assert question.slide == 2 and question.source is not None
    room = team_members(demo_db_path, "Front line", 3)
    wrong = next(i for i in range(len(question.options)) if i not in question.correct)
    for person, choice in zip(room, [question.correct[0], question.correct[0], wrong], strict=True):
        rollout.join(db, person, session.join_code)
        rollout.answer(db, person, session.join_code, question.id, [choice])
    db.close()

    at.run()  # the live fragment reads the same counts every second
    assert "**3** of **3** in the room have answered" in texts(at)
    charts = [*at.get("vega_lite_chart"), *at.get("arrow_vega_lite_chart")]
    assert len(charts) == 1  # the bars (answers_chart, tested alone)

    button(at, "Reveal the right answer").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Right answer: ")
    db = open_database(demo_db_path)
    assert rollout.questions(db, owner, session.id)[0].revealed
    counts = rollout.answer_counts(db, owner, session.id, question.id)
    db.close()
    expected = [0] * len(question.options)
    expected[question.correct[0]] = 2
    expected[wrong] = 1
    assert counts.counts == expected


def test_a_question_written_on_the_spot_and_its_mistakes(viewers, demo_db_path: Path) -> None:
    owner = viewers["owner"]
    db = open_database(demo_db_path)
    session = rollout.start_session(db, owner, 1, "Why we have this policy")
    db.close()
    at = presenter(owner, session.id)
    [prompt] = [w for w in at.text_input if w.label == "Question"]
    [options] = [w for w in at.text_area if w.label.startswith("Options")]
    [letters] = [w for w in at.text_input if w.label.startswith("The right option")]
    [why] = [w for w in at.text_area if w.label.startswith("Why")]
    prompt.input("Who owns a contact?")
    options.input("Whoever took it\nThe supervisor\nNobody")
    letters.input("D")
    why.input("Owned, not passed around.")
    button(at, "Ask it").click().run()
    assert [e.value for e in at.error] == ["Give the right option by its letter: A, B, C (not D)."]
    [letters] = [w for w in at.text_input if w.label.startswith("The right option")]
    letters.input("A")
    button(at, "Ask it").click().run()
    assert not at.exception and not at.error
    db = open_database(demo_db_path)
    [question] = rollout.questions(db, owner, session.id)
    db.close()
    assert (question.kind, question.options, question.correct, question.source) == (
        "single_choice",
        ["Whoever took it", "The supervisor", "Nobody"],
        [0],
        None,
    )


def test_a_supervisor_cannot_open_another_teams_session_nor_its_results(
    viewers, demo_db_path: Path
) -> None:
    owner, supervisor = viewers["owner"], viewers["supervisor"]
    db = open_database(demo_db_path)
    teams = dict(db.execute("SELECT name, id FROM teams").fetchall())
    other = next(team_id for team_id in teams.values() if team_id != supervisor.team_id)
    theirs = rollout.start_session(db, owner, 1, "Why we have this policy", team_id=other)
    ended = rollout.start_session(db, owner, 1, "Why we have this policy", team_id=other)
    rollout.end_session(db, owner, ended.id)
    own = rollout.start_session(db, supervisor, 1, "Why we have this policy")
    db.close()
    for refused in (theirs, ended):
        at = presenter(supervisor, refused.id)
        assert at.error[0].value == "That rollout session is not one you may present or read."
        assert refused.join_code not in texts(at)
        assert not [s for s in at.subheader if s.value == "Who attended"]
    # Their own team's session is the only one they are offered.
    at = presenter(supervisor)
    [sessions] = [s for s in at.selectbox if s.label == "Open a session"]
    assert [option.split(" · ")[2:] for option in sessions.options] == [["Front line", "open"]]
    assert sessions.value == own.id


def test_ending_shows_and_stores_the_summary(viewers, demo_db_path: Path) -> None:
    supervisor = viewers["supervisor"]
    db = open_database(demo_db_path)
    session = rollout.start_session(db, supervisor, 1, "Why we have this policy")
    [first, second] = team_members(demo_db_path, "Front line", 2)
    rollout.join(db, first, session.join_code)
    rollout.mark_present(db, supervisor, session.id, second.staff_id, "No phone today")
    in_scope = [
        m
        for m in list_staff(db, Viewer.local_admin())
        if m.team_id == supervisor.team_id and m.active and m.id != supervisor.staff_id
    ]
    db.close()
    at = presenter(supervisor, session.id)
    button(at, "End the session").click().run()
    assert not at.exception
    assert at.title[0].value == "Rollout session: summary"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Attended"] == "2"
    assert metrics["Did not attend"] == str(len(in_scope) - 2)
    db = open_database(demo_db_path)
    stored = json.loads(
        db.execute("SELECT summary FROM rollout_sessions WHERE id = ?", [session.id]).fetchone()[0]
    )
    db.close()
    assert sorted(a["name"] for a in stored["attended"]) == sorted([first.name, second.name])
    assert [a["note"] for a in stored["attended"] if a["staff_id"] == second.staff_id] == [
        "No phone today"
    ]
    assert viewer_of(demo_db_path, supervisor.email).staff_id == supervisor.staff_id
