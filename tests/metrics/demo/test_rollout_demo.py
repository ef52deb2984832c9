"""The demo's past rollout session: generated, for version 1, presented by the demo owner a week
into the period to the staff there by then; removed with the demo, real sessions kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from metrics.demo.generate import ROLLOUT_AFTER_DAYS, ROLLOUT_HOUR, generate_demo, remove_demo
from metrics.demo.people import DEMO_ACCOUNTS
from metrics.demo.rollout import MARKED_PRESENT, NO_DEVICE_NOTE
from metrics.people import NewStaffMember, Viewer, add_staff, staff_viewer
from metrics.store import Database, open_database
from metrics.training import rollout
from modules.policy import Policy, load_policy

UNTIL = date(2026, 3, 1)
DAYS = 21
AGENTS = 8


@pytest.fixture
def policy() -> Policy:
    return load_policy().policy


@pytest.fixture
def demo_db(tmp_path: Path, policy: Policy) -> Database:
    db = open_database(tmp_path / "t.duckdb")
    generate_demo(db, policy, seed=42, agents=AGENTS, days=DAYS, until=UNTIL)
    return db


def owner(db: Database) -> Viewer:
    (staff_id,) = db.execute(
        "SELECT id FROM staff WHERE email = ?", [DEMO_ACCOUNTS["owner"]]
    ).fetchone()  # type: ignore[misc]
    viewer = staff_viewer(db, staff_id)
    assert viewer is not None
    return viewer


def test_one_ended_session_for_version_one_with_its_summary(
    demo_db: Database, policy: Policy
) -> None:
    presenter = owner(demo_db)
    [session] = rollout.sessions_to_present(demo_db, presenter)
    assert (session.policy_version, session.team_id, session.ended_at is not None) == (
        1,
        None,
        True,
    )
    assert session.started_by == presenter.staff_id
    # The 21 days to 1 March start on 9 February; a week later, 16 February, at 09:00 in
    # Zagreb (winter time, UTC+1): 08:00 UTC.
    first_day = UNTIL - timedelta(days=DAYS - 1)
    assert first_day == date(2026, 2, 9)
    presented = datetime(2026, 2, 9 + ROLLOUT_AFTER_DAYS, ROLLOUT_HOUR - 1, tzinfo=UTC)
    assert session.started_at == presented
    assert demo_db.execute("SELECT bool_and(is_demo) FROM rollout_sessions").fetchone() == (True,)

    summary = rollout.session_summary(demo_db, presenter, session.id)
    there = {
        staff_id
        for (staff_id,) in demo_db.execute(
            "SELECT id FROM staff WHERE active AND id <> ? AND created_at <= ?",
            [presenter.staff_id, session.started_at],
        ).fetchall()
    }
    attended = {a.staff_id for a in summary.attended}
    assert attended | {a.staff_id for a in summary.absent} == there
    assert not attended & {a.staff_id for a in summary.absent}
    marked = [a for a in summary.attended if a.marked_by is not None]
    assert len(marked) == MARKED_PRESENT and {a.note for a in marked} == {NO_DEVICE_NOTE}
    # The demo's sign-in agent joined on the period's last day: not in the room, nor absent.
    (agent_id,) = demo_db.execute(
        "SELECT id FROM staff WHERE email = ?", [DEMO_ACCOUNTS["agent"]]
    ).fetchone()  # type: ignore[misc]
    assert agent_id not in attended | there
    [question] = summary.questions
    assert question.options[0] == policy.standards.phone.answer_within
    assert question.answered == len(attended) - MARKED_PRESENT
    assert sum(question.counts) == question.answered
    assert rollout.attendance_by_staff(demo_db, 1).keys() == attended


def test_remove_deletes_the_demo_session_and_keeps_a_real_one(demo_db: Database) -> None:
    presenter = owner(demo_db)
    real_id = add_staff(
        demo_db, NewStaffMember(name="Iva Real", email="iva@example.com", role="agent")
    )
    real = staff_viewer(demo_db, real_id)
    assert real is not None
    kept = rollout.start_session(demo_db, presenter, 1, "Why we have this policy")
    rollout.join(demo_db, real, kept.join_code)
    question = rollout.open_question(
        demo_db,
        presenter,
        kept.id,
        rollout.NewCheckQuestion(
            kind="single_choice", prompt="?", options=["a", "b"], correct=[0], explanation="."
        ),
    )
    rollout.answer(demo_db, real, kept.join_code, question.id, [0])

    remove_demo(demo_db)

    assert demo_db.execute("SELECT id FROM rollout_sessions").fetchall() == [(kept.id,)]
    assert demo_db.execute("SELECT staff_id FROM rollout_attendance").fetchall() == [(real_id,)]
    assert demo_db.execute("SELECT staff_id FROM rollout_answers").fetchall() == [(real_id,)]
    assert demo_db.execute("SELECT id FROM rollout_questions").fetchall() == [(question.id,)]
