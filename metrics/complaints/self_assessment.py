"""The service self-assessment kept over time: rounds an owner opens, the owner's answers, and,
when the owner asks, the anonymous answers of supervisors and agents.

Anonymity holds three ways:
- in the store: who answered and what was answered are separate tables sharing only the round
  (see migration 0017); an answer set is named by a random UUID and no time is kept with either,
  so nothing links an answer to a person;
- in what is read: staff's answers are only ever returned summed up (average, lowest and
  highest), never one person's set;
- against working one person out: the staff's view of a round is shown only once the round is
  closed (so nobody can compare the view before and after one colleague answered), and only
  from `MIN_STAFF_ANSWERS` answers (with one or two, the "average" would be one person's
  answers, or the other's once the owner knows their own). Below that only the number of
  answers is told.

Every write decides inside its transaction, against the stored rows, whether it may be made
(the round open, the person's role as stored now, not answered yet), and the writes take turns
(`_ROUND_WRITES`): DuckDB's optimistic transactions would otherwise let an answer commit beside
the close it raced with. One process owns the store (the app), and a write takes a millisecond.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

import duckdb
from pydantic import BaseModel

from metrics.people import AccessDenied, Viewer
from metrics.store import Database, transaction
from modules.self_assessment import (
    Assessment,
    Ratings,
    StaffView,
    assess,
    check_ratings,
    staff_view,
)

# Fewer staff answers than this and their view is not shown: with one answer the average is
# that person's, and with two each of them can work out the other's.
MIN_STAFF_ANSWERS = 3
STAFF_ROLES = ("supervisor", "agent")

_ROUND_WRITES = threading.Lock()


class SelfAssessmentRefused(ValueError):
    """A self-assessment action that cannot be carried out; one line for the person."""


class OpenRound(BaseModel):
    """The round now open, as an owner sees it while it runs."""

    id: int
    opened_at: datetime
    opened_by: str
    staff_asked: bool
    staff_in_the_app: int  # supervisors and agents active now: who may answer
    staff_answers: int
    owner_answered: bool
    owner_ratings: dict[str, int] | None  # the opener's answers, to change while it is open


class Invitation(BaseModel):
    """The open round asking staff to answer, as a member of staff sees it."""

    round_id: int
    opened_at: datetime
    answered: bool


class RoundResult(BaseModel):
    """One round's results, for owners."""

    id: int
    number: int  # 1 for the first round the store holds, and so on
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    staff_asked: bool
    owner: Assessment | None  # the opener's answers scored
    staff_answers: int
    staff: StaffView | None  # None while open, or from fewer than MIN_STAFF_ANSWERS
    # Why the staff's view is not shown, when staff were asked and it is not.
    staff_withheld: str | None


def _stored_role(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> str | None:
    row = cur.execute(
        "SELECT role FROM staff WHERE id = ? AND active", [viewer.staff_id]
    ).fetchone()
    return None if row is None else str(row[0])


def _owner_only(cur: duckdb.DuckDBPyConnection, viewer: Viewer, what: str) -> None:
    if _stored_role(cur, viewer) != "owner":
        raise AccessDenied(f"only an owner may {what}")


def _open_round_row(cur: duckdb.DuckDBPyConnection) -> tuple[int, int, bool, str | None] | None:
    """(id, opened_by, staff_asked, owner_response) of the round now open, if any."""
    row = cur.execute(
        "SELECT id, opened_by, staff_asked, CAST(owner_response AS VARCHAR)"
        " FROM self_assessment_rounds WHERE closed_at IS NULL"
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3])


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def open_round(
    db: Database, viewer: Viewer, *, ask_staff: bool, now: datetime | None = None
) -> int:
    """A new round, opened by an owner, with supervisors and agents asked to answer too when
    `ask_staff`. One round is open at a time: results are compared round by round."""
    with _ROUND_WRITES, transaction(db) as cur:
        _owner_only(cur, viewer, "open a self-assessment round")
        if _open_round_row(cur) is not None:
            raise SelfAssessmentRefused(
                "a self-assessment round is already open: close it before opening another"
            )
        row = cur.execute(
            "INSERT INTO self_assessment_rounds (opened_by, opened_at, staff_asked)"
            " VALUES (?, ?, ?) RETURNING id",
            [viewer.staff_id, _now(now), ask_staff],
        ).fetchone()
    assert row is not None
    return int(row[0])


def _insert_answers(
    cur: duckdb.DuckDBPyConnection, round_id: int, ratings: Mapping[str, int]
) -> str:
    response = str(uuid.uuid4())
    cur.executemany(
        "INSERT INTO self_assessment_answers (round_id, response, statement, rating)"
        " VALUES (?, ?, ?, ?)",
        [[round_id, response, statement, rating] for statement, rating in ratings.items()],
    )
    return response


def _round_to_answer(cur: duckdb.DuckDBPyConnection, round_id: int) -> tuple[int, bool, str | None]:
    row = _open_round_row(cur)
    if row is None or row[0] != round_id:
        raise SelfAssessmentRefused(
            "this self-assessment round is closed: answers are no longer taken"
        )
    return row[1], row[2], row[3]


def answer_as_owner(db: Database, viewer: Viewer, round_id: int, ratings: Ratings) -> None:
    """The owner's view of an open round: the answers of the owner who opened it. Answering
    again while it is open replaces them."""
    checked = check_ratings(ratings)
    with _ROUND_WRITES, transaction(db) as cur:
        _owner_only(cur, viewer, "answer as the owner")
        opened_by, _, previous = _round_to_answer(cur, round_id)
        if opened_by != viewer.staff_id:
            raise SelfAssessmentRefused(
                "the owner's view of a round is the answers of the owner who opened it"
            )
        if previous is not None:
            cur.execute("DELETE FROM self_assessment_answers WHERE response = ?", [previous])
        response = _insert_answers(cur, round_id, checked)
        cur.execute(
            "UPDATE self_assessment_rounds SET owner_response = ? WHERE id = ?",
            [response, round_id],
        )


def answer_as_staff(db: Database, viewer: Viewer, round_id: int, ratings: Ratings) -> None:
    """A supervisor's or agent's anonymous answers to an open round that asks staff: who
    answered is recorded apart from what, once per person and round."""
    checked = check_ratings(ratings)
    with _ROUND_WRITES, transaction(db) as cur:
        if _stored_role(cur, viewer) not in STAFF_ROLES:
            raise AccessDenied("only supervisors and agents answer a round anonymously")
        _, staff_asked, _ = _round_to_answer(cur, round_id)
        if not staff_asked:
            raise SelfAssessmentRefused("this round does not ask staff to answer")
        answered = cur.execute(
            "SELECT 1 FROM self_assessment_participants WHERE round_id = ? AND staff_id = ?",
            [round_id, viewer.staff_id],
        ).fetchone()
        if answered is not None:
            raise SelfAssessmentRefused(
                "you have already answered this round; answers are anonymous, so they cannot be "
                "changed"
            )
        cur.execute(
            "INSERT INTO self_assessment_participants (round_id, staff_id) VALUES (?, ?)",
            [round_id, viewer.staff_id],
        )
        _insert_answers(cur, round_id, checked)


def close_round(db: Database, viewer: Viewer, round_id: int, now: datetime | None = None) -> None:
    """Close the open round: no more answers; the staff's view is shown from now on."""
    with _ROUND_WRITES, transaction(db) as cur:
        _owner_only(cur, viewer, "close a self-assessment round")
        row = _open_round_row(cur)
        if row is None or row[0] != round_id:
            raise SelfAssessmentRefused("this self-assessment round is already closed")
        cur.execute(
            "UPDATE self_assessment_rounds SET closed_at = ?, closed_by = ? WHERE id = ?",
            [_now(now), viewer.staff_id, round_id],
        )


def _answer_sets(
    cur: duckdb.DuckDBPyConnection, round_id: int, *, response: str | None = None
) -> dict[str, dict[str, int]]:
    """The round's answer sets by response (or the one named), each statement -> rating."""
    rows = cur.execute(
        "SELECT CAST(response AS VARCHAR), statement, rating FROM self_assessment_answers"
        " WHERE round_id = ? AND (CAST(? AS UUID) IS NULL OR response = CAST(? AS UUID))",
        [round_id, response, response],
    ).fetchall()
    sets: dict[str, dict[str, int]] = {}
    for name, statement, rating in rows:
        sets.setdefault(name, {})[statement] = rating
    return sets


def current_round(db: Database, viewer: Viewer) -> OpenRound | None:
    """The round now open, for owners."""
    with db.cursor() as cur:
        _owner_only(cur, viewer, "see the self-assessment")
        row = cur.execute(
            "SELECT r.id, r.opened_at, coalesce(s.name, 'an owner no longer here'),"
            " r.staff_asked, CAST(r.owner_response AS VARCHAR), r.opened_by,"
            " (SELECT count(*) FROM self_assessment_participants p WHERE p.round_id = r.id),"
            " (SELECT count(*) FROM staff WHERE active AND role IN ('supervisor', 'agent'))"
            " FROM self_assessment_rounds r LEFT JOIN staff s ON s.id = r.opened_by"
            " WHERE r.closed_at IS NULL"
        ).fetchone()
        if row is None:
            return None
        owner = None if row[4] is None else _answer_sets(cur, row[0], response=row[4])[row[4]]
    return OpenRound(
        id=row[0],
        opened_at=row[1],
        opened_by=row[2],
        staff_asked=row[3],
        staff_in_the_app=row[7],
        staff_answers=row[6],
        owner_answered=owner is not None,
        owner_ratings=owner if row[5] == viewer.staff_id else None,
    )


def invitation(db: Database, viewer: Viewer) -> Invitation | None:
    """The open round asking this supervisor or agent to answer, and whether they have."""
    if viewer.role not in STAFF_ROLES:
        return None
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT r.id, r.opened_at, EXISTS (SELECT 1 FROM self_assessment_participants p"
            "  WHERE p.round_id = r.id AND p.staff_id = ?)"
            " FROM self_assessment_rounds r WHERE r.closed_at IS NULL AND r.staff_asked",
            [viewer.staff_id],
        ).fetchone()
    if row is None:
        return None
    return Invitation(round_id=row[0], opened_at=row[1], answered=row[2])


def results(db: Database, viewer: Viewer) -> list[RoundResult]:
    """Every round, oldest first, with the owner's view and the staff's (when it may be shown):
    owners only."""
    with db.cursor() as cur:
        _owner_only(cur, viewer, "see the self-assessment's results")
        rounds = cur.execute(
            "SELECT r.id, r.opened_at, coalesce(s.name, 'an owner no longer here'),"
            " r.closed_at, r.staff_asked, CAST(r.owner_response AS VARCHAR),"
            " (SELECT count(*) FROM self_assessment_participants p WHERE p.round_id = r.id)"
            " FROM self_assessment_rounds r LEFT JOIN staff s ON s.id = r.opened_by"
            " ORDER BY r.opened_at, r.id"
        ).fetchall()
        answers = {round_id: _answer_sets(cur, round_id) for round_id, *_ in rounds}
    found = []
    for number, (round_id, opened_at, opened_by, closed_at, asked, owner, answered) in enumerate(
        rounds, start=1
    ):
        sets = answers[round_id]
        staff_sets = [ratings for response, ratings in sets.items() if response != owner]
        withheld = None
        if not asked:
            pass
        elif closed_at is None:
            withheld = "shown once the round is closed"
        elif len(staff_sets) < MIN_STAFF_ANSWERS:
            withheld = (
                f"{len(staff_sets)} staff answered: shown from {MIN_STAFF_ANSWERS} answers, "
                "so that nobody's answers can be told apart"
            )
        found.append(
            RoundResult(
                id=round_id,
                number=number,
                opened_at=opened_at,
                opened_by=opened_by,
                closed_at=closed_at,
                staff_asked=asked,
                owner=None if owner is None else assess(sets[owner]),
                staff_answers=answered,
                staff=staff_view(staff_sets) if asked and withheld is None else None,
                staff_withheld=withheld,
            )
        )
    return found
