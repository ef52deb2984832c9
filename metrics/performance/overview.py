"""What each role's home page summarises: plain counts, scoped to what the viewer may see.

These are counts, not judgements: rates measured against the policy live with the metric
definitions, where each carries its sample size.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from metrics.people import AccessDenied, Viewer, visible_team_id
from metrics.store import Database

RECENT_DAYS = 30  # "recent" on a home page: about one coaching cycle


class StoreOverview(BaseModel):
    staff_by_role: dict[str, int]
    accounts: int
    teams: int
    contacts: int
    demo_contacts: int
    ratings: int
    first_contact: datetime | None
    last_contact: datetime | None


class TeamOverview(BaseModel):
    team: str
    agents: int
    contacts: int
    answered: int
    abandoned: int
    ratings: int
    days: int


class AgentOverview(BaseModel):
    name: str
    team: str | None
    supervisors: list[str]
    handled: int
    resolved: int
    ratings: int
    days: int


def store_overview(db: Database, viewer: Viewer) -> StoreOverview:
    """The whole organisation, for owners."""
    if viewer.role != "owner":
        raise AccessDenied("only owners see the whole organisation")
    with db.cursor() as cur:
        by_role = dict(cur.execute("SELECT role, count(*) FROM staff GROUP BY role").fetchall())
        (accounts,) = cur.execute(  # type: ignore[misc]
            "SELECT count(*) FROM staff WHERE password_hash IS NOT NULL AND active"
        ).fetchone()
        (teams,) = cur.execute("SELECT count(*) FROM teams").fetchone()  # type: ignore[misc]
        contacts, demo, first, last = cur.execute(  # type: ignore[misc]
            "SELECT count(*), count(*) FILTER (WHERE is_demo), min(queued_at), max(queued_at)"
            " FROM interactions"
        ).fetchone()
        (ratings,) = cur.execute("SELECT count(*) FROM feedback").fetchone()  # type: ignore[misc]
    return StoreOverview(
        staff_by_role={role: by_role.get(role, 0) for role in ("owner", "supervisor", "agent")},
        accounts=accounts,
        teams=teams,
        contacts=contacts,
        demo_contacts=demo,
        ratings=ratings,
        first_contact=first,
        last_contact=last,
    )


def team_overview(db: Database, viewer: Viewer, team_id: int | None = None) -> TeamOverview:
    """A supervisor's own team (owners may name any team) over the last RECENT_DAYS days."""
    team = visible_team_id(viewer, team_id)
    if team is None:
        raise AccessDenied("name a team")
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT t.name,"
            " (SELECT count(*) FROM staff s WHERE s.team_id = t.id AND s.role = 'agent'"
            "  AND s.active),"
            " count(i.id), count(i.answered_at), count(i.id) FILTER (WHERE i.abandoned),"
            " (SELECT count(*) FROM feedback f JOIN interactions fi ON fi.id = f.interaction_id"
            "  WHERE fi.team_id = t.id AND fi.queued_at >= now() - to_days(?))"
            " FROM teams t LEFT JOIN interactions i"
            "  ON i.team_id = t.id AND i.queued_at >= now() - to_days(?)"
            " WHERE t.id = ? GROUP BY t.id, t.name",
            [RECENT_DAYS, RECENT_DAYS, team],
        ).fetchone()
    if row is None:
        raise AccessDenied("no such team")
    name, agents, contacts, answered, abandoned, ratings = row
    return TeamOverview(
        team=name,
        agents=agents,
        contacts=contacts,
        answered=answered,
        abandoned=abandoned,
        ratings=ratings,
        days=RECENT_DAYS,
    )


def agent_overview(db: Database, viewer: Viewer) -> AgentOverview:
    """The viewer's own recent work; nobody else's."""
    with db.cursor() as cur:
        team, supervisors = cur.execute(
            "SELECT t.name, coalesce(list(sup.name ORDER BY sup.name)"
            "  FILTER (WHERE sup.id IS NOT NULL), [])"
            " FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
            " LEFT JOIN staff sup ON sup.team_id = s.team_id AND sup.role = 'supervisor'"
            " WHERE s.id = ? GROUP BY t.name",
            [viewer.staff_id],
        ).fetchone() or (None, [])
        handled, resolved, ratings = cur.execute(  # type: ignore[misc]
            "SELECT count(DISTINCT i.id), count(DISTINCT i.id) FILTER (WHERE i.resolved),"
            " count(f.id)"
            " FROM interactions i LEFT JOIN feedback f ON f.interaction_id = i.id"
            " WHERE i.agent_id = ? AND i.queued_at >= now() - to_days(?)",
            [viewer.staff_id, RECENT_DAYS],
        ).fetchone()
    return AgentOverview(
        name=viewer.name,
        team=team,
        supervisors=supervisors,
        handled=handled,
        resolved=resolved,
        ratings=ratings,
        days=RECENT_DAYS,
    )
