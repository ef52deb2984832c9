"""The demo organisation's past rollout session: the owner presented version 1 to everyone a
week into the demo's period, most staff joined on their phones, two without one were marked
present, and the room answered one check question. So the compliance report and the Rollout
session page have attendance to show. Every row is generated (`rollout_sessions.is_demo`)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from metrics.store import Database
from metrics.training.rollout import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    SESSION_OPEN_FOR,
    summary_of,
)
from modules.policy import Policy

JOINED_SHARE = 0.8  # of the others, joined on their own device
MARKED_PRESENT = 2  # without a device, marked present by the presenter
RIGHT_SHARE = 0.85  # of those answering, the share who chose the right answer
NO_DEVICE_NOTE = "No phone with them; signed the paper attendance list"
LAST_SLIDE_TITLE = "What you must do next"


def insert_rollout_session(
    cur: Database,
    rng: random.Random,
    policy: Policy,
    presenter_id: int,
    staff_ids: Sequence[int],
    started_at: datetime,
) -> int:
    """One ended session of the policy in force for the whole organisation, its summary stored."""
    taken = {code for (code,) in cur.execute("SELECT join_code FROM rollout_sessions").fetchall()}
    code = ""
    while not code or code in taken:
        code = "".join(rng.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    ended_at = started_at + timedelta(minutes=45)
    (session_id,) = cur.execute(
        "INSERT INTO rollout_sessions (policy_version, join_code, team_id, started_by,"
        " started_at, expires_at, slide, slide_title, ended_at, ended_by, summary, is_demo)"
        " VALUES (?, ?, NULL, ?, ?, ?, 5, ?, ?, ?, '{}', true) RETURNING id",
        [
            policy.version,
            code,
            presenter_id,
            started_at,
            started_at + SESSION_OPEN_FOR,
            LAST_SLIDE_TITLE,
            ended_at,
            presenter_id,
        ],
    ).fetchone()  # type: ignore[misc]
    room = [staff_id for staff_id in staff_ids if staff_id != presenter_id]
    marked = rng.sample(room, min(MARKED_PRESENT, len(room)))
    joined = [s for s in room if s not in marked and rng.random() < JOINED_SHARE]
    for staff_id in joined:
        cur.execute(
            "INSERT INTO rollout_attendance (session_id, staff_id, joined_at) VALUES (?, ?, ?)",
            [session_id, staff_id, started_at + timedelta(seconds=rng.randint(0, 600))],
        )
    for staff_id in marked:
        cur.execute(
            "INSERT INTO rollout_attendance (session_id, staff_id, joined_at, marked_by, note)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                session_id,
                staff_id,
                started_at + timedelta(minutes=12),
                presenter_id,
                NO_DEVICE_NOTE,
            ],
        )
    standards = policy.standards
    options = [
        standards.phone.answer_within,
        standards.chat.answer_within,
        standards.email.answer_within,
    ]
    (question_id,) = cur.execute(
        "INSERT INTO rollout_questions (session_id, slide, kind, prompt, options, correct,"
        " explanation, source, opened_at, revealed_at)"
        " VALUES (?, 2, 'single_choice', ?, ?, [0], ?, NULL, ?, ?) RETURNING id",
        [
            session_id,
            "Within what time must a phone call be answered?",
            options,
            f"Our standard: every call answered within {standards.phone.answer_within}.",
            started_at + timedelta(minutes=20),
            started_at + timedelta(minutes=22),
        ],
    ).fetchone()  # type: ignore[misc]
    for staff_id in joined:
        choice = 0 if rng.random() < RIGHT_SHARE else rng.randint(1, len(options) - 1)
        cur.execute(
            "INSERT INTO rollout_answers (question_id, staff_id, choices, answered_at)"
            " VALUES (?, ?, ?, ?)",
            [question_id, staff_id, [choice], started_at + timedelta(minutes=21)],
        )
    cur.execute(
        "UPDATE rollout_sessions SET summary = ? WHERE id = ?",
        [summary_of(cur, int(session_id)).model_dump_json(), session_id],
    )
    return int(session_id)


def remove_rollout_sessions(cur: Database) -> int:
    """Delete the generated sessions with their attendance, questions and answers; and any
    rollout rows of staff who are gone. Returns how many sessions went."""
    demo = "SELECT id FROM rollout_sessions WHERE is_demo"
    cur.execute(
        "DELETE FROM rollout_answers WHERE question_id IN"
        f" (SELECT id FROM rollout_questions WHERE session_id IN ({demo}))"
    )
    cur.execute(f"DELETE FROM rollout_questions WHERE session_id IN ({demo})")
    cur.execute(f"DELETE FROM rollout_attendance WHERE session_id IN ({demo})")
    (removed,) = cur.execute("DELETE FROM rollout_sessions WHERE is_demo").fetchone()  # type: ignore[misc]
    return int(removed)


def forget_gone_staff(cur: Database) -> None:
    """Rollout rows of demo staff deleted with the demo (demo accounts could take part in real
    sessions, whose rows are not flagged demo themselves)."""
    gone = "staff_id NOT IN (SELECT id FROM staff)"
    cur.execute(f"DELETE FROM rollout_answers WHERE {gone}")
    cur.execute(f"DELETE FROM rollout_attendance WHERE {gone}")
