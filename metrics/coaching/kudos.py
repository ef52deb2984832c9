"""Kudos: a supervisor's or owner's word of thanks to an agent, with its reason.

Supervisors give kudos to the agents of their own team, owners to anyone; who may give is read
from the stored staff rows inside the write's transaction (`metrics.people.managed_row`), never
from the viewer the page was built with. A kudos is private (the agent and those who manage
them see it) or shared with the agent's team. A customer's positive comment (4 or 5 on the 1–5
scale, or good) can be passed on as kudos once: the comment's `feedback_id` is stored with it,
and the table's UNIQUE constraint backs the check made in the transaction.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics import clock
from metrics.contacts.ratings import GOOD_RATING
from metrics.people import AccessDenied, Viewer, get_staff_member, managed_row
from metrics.store import Database, transaction

# A reason is a sentence or two for the agent's Home, not a letter.
REASON_MAX_CHARS = 500


class KudosError(ValueError):
    """A kudos that cannot be given as asked (said in one line)."""


class AlreadyPassedOn(KudosError):
    """The customer's comment was passed on as kudos before."""


def give_kudos(
    db: Database,
    viewer: Viewer,
    agent_id: int,
    reason: str,
    *,
    shared_with_team: bool = False,
    feedback_id: int | None = None,
    is_demo: bool = False,
) -> int:
    """Store a kudos from the viewer to an agent and return its id.

    Refused (AccessDenied) unless the viewer's stored row is an owner's, or a supervisor's of the
    agent's team; refused (KudosError) for an empty or too long reason, for someone who is not
    an agent, and for a comment that is not the agent's, not positive, blank, or already passed
    on (AlreadyPassedOn)."""
    reason = reason.strip()
    if not reason:
        raise KudosError("a kudos needs a reason")
    if len(reason) > REASON_MAX_CHARS:
        raise KudosError(f"the reason is longer than {REASON_MAX_CHARS} characters")
    with transaction(db) as cur:
        member = managed_row(cur, viewer, agent_id)
        if member.role != "agent":
            raise KudosError(f"{member.name} is not an agent; kudos are for agents")
        if feedback_id is not None:
            _check_comment(cur, feedback_id, agent_id)
        row = cur.execute(
            "INSERT INTO kudos (agent_id, given_by, given_at, reason, feedback_id,"
            " shared_with_team, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                agent_id,
                viewer.staff_id,
                clock.now(),
                reason,
                feedback_id,
                shared_with_team,
                is_demo,
            ],
        ).fetchone()
    assert row is not None
    return int(row[0])


def _check_comment(cur: duckdb.DuckDBPyConnection, feedback_id: int, agent_id: int) -> None:
    row = cur.execute(
        f"SELECT i.agent_id, {GOOD_RATING}, length(trim(coalesce(f.comment, ''))) > 0"
        " FROM feedback f JOIN interactions i ON i.id = f.interaction_id WHERE f.id = ?",
        [feedback_id],
    ).fetchone()
    if row is None:
        raise KudosError(f"no customer comment with id {feedback_id}")
    if row[0] != agent_id:
        raise KudosError("that comment is about another agent's contact")
    if not row[1] or not row[2]:
        raise KudosError("only a positive rating with a comment can be passed on as kudos")
    passed = cur.execute("SELECT 1 FROM kudos WHERE feedback_id = ?", [feedback_id]).fetchone()
    if passed is not None:
        raise AlreadyPassedOn("this comment was already passed on as kudos")


_KUDOS_SELECT = """
    SELECT k.id, k.agent_id, a.name AS agent, k.given_by,
           coalesce(g.name, 'an owner') AS given_by_name,
           k.given_at, k.reason, k.feedback_id, k.shared_with_team, k.is_demo
    FROM kudos k
    JOIN staff a ON a.id = k.agent_id
    LEFT JOIN staff g ON g.id = k.given_by
"""
_NEWEST_FIRST = " ORDER BY k.given_at DESC, k.id DESC"


def kudos_of_agent(db: Database, viewer: Viewer, agent_id: int) -> pd.DataFrame:
    """Every kudos an agent was given, newest first: for the agent themselves and for those who
    manage them (a supervisor of the agent's team, an owner). Columns: id, agent_id, agent,
    given_by, given_by_name, given_at (UTC), reason, feedback_id, shared_with_team, is_demo."""
    get_staff_member(db, viewer, agent_id)
    if viewer.role == "agent" and viewer.staff_id != agent_id:
        raise AccessDenied("you may not see another agent's kudos")
    with db.cursor() as cur:
        return cur.execute(_KUDOS_SELECT + " WHERE k.agent_id = ?" + _NEWEST_FIRST, [agent_id]).df()


def kudos_on_home(db: Database, viewer: Viewer) -> pd.DataFrame:
    """What an agent's Home shows: their own kudos (private or shared) and those shared with
    their team (the team as it is now), newest first. Another agent's private kudos never.
    Columns as `kudos_of_agent`, plus `mine` (the kudos is the viewer's own)."""
    with db.cursor() as cur:
        frame = cur.execute(
            _KUDOS_SELECT + " WHERE k.agent_id = ?"
            " OR (k.shared_with_team AND a.team_id IS NOT NULL AND a.team_id ="
            " (SELECT team_id FROM staff WHERE id = ?))" + _NEWEST_FIRST,
            [viewer.staff_id, viewer.staff_id],
        ).df()
    frame["mine"] = frame["agent_id"] == viewer.staff_id
    return frame


def passed_on(db: Database, feedback_ids: list[int]) -> set[int]:
    """Which of these comments were passed on as kudos already."""
    if not feedback_ids:
        return set()
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT feedback_id FROM kudos WHERE list_contains(?, feedback_id)", [feedback_ids]
        ).fetchall()
    return {int(row[0]) for row in rows}


def comment_reason(comment: str) -> str:
    """The reason prefilled when a customer's comment is passed on: the comment, quoted."""
    quoted = f"A customer wrote: “{comment.strip()}”"
    if len(quoted) <= REASON_MAX_CHARS:
        return quoted
    return quoted[: REASON_MAX_CHARS - 2] + "…”"
