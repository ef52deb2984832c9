"""What each role's home page summarises: plain counts, scoped to what the viewer may see.

These are counts, not judgements: rates measured against the policy live with the metric
definitions, where each carries its sample size. A home page counts the dashboard's default
period (`metrics.performance.period.default_period`, named DEFAULT_PERIOD_NAME), selected as
every reading of contacts selects it (`scope_sql`), so Home and the dashboard agree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pydantic import BaseModel

from metrics.people import AccessDenied, Viewer, visible_team_id
from metrics.performance.agents import contact_days
from metrics.performance.period import Period, default_period, scope_sql
from metrics.store import Database
from modules.policy import Policy


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
    period: Period | None  # None: no contacts are stored, so there is no period to count
    contacts: int
    answered: int
    abandoned: int
    ratings: int


class AgentOverview(BaseModel):
    name: str
    team: str | None
    supervisors: list[str]
    period: Period | None
    handled: int
    resolved: int
    ratings: int


def home_period(db: Database, policy: Policy) -> Period | None:
    """The period a home page counts: the default period over the stored contacts."""
    stored = contact_days(db, policy)
    return None if stored is None else default_period(stored[1], stored[0])


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


def team_overview(
    db: Database, viewer: Viewer, policy: Policy, team_id: int | None = None
) -> TeamOverview:
    """A supervisor's own team (owners may name any team) over the `home_period`: contacts
    queued to the team's queue, answered, abandoned, and ratings of its answered contacts."""
    team = visible_team_id(viewer, team_id)
    if team is None:
        raise AccessDenied("name a team")
    period = home_period(db, policy)
    with db.cursor() as cur:
        found = cur.execute(
            "SELECT t.name, (SELECT count(*) FROM staff s WHERE s.team_id = t.id"
            " AND s.role = 'agent' AND s.active) FROM teams t WHERE t.id = ?",
            [team],
        ).fetchone()
        if found is None:
            raise AccessDenied("no such team")
        counts = (0, 0, 0, 0)
        if period is not None:
            where, params = scope_sql(policy, replace(period, team_id=team))
            counts = cur.execute(  # type: ignore[assignment]
                "SELECT count(*), count(i.answered_at), count(*) FILTER (WHERE i.abandoned),"
                " (SELECT count(*) FROM feedback f JOIN interactions i ON i.id = f.interaction_id"
                f"  WHERE {where} AND i.answered_at IS NOT NULL)"
                f" FROM interactions i WHERE {where}",
                params + params,
            ).fetchone()
    name, agents = found
    contacts, answered, abandoned, ratings = counts
    return TeamOverview(
        team=name,
        agents=agents,
        period=period,
        contacts=contacts,
        answered=answered,
        abandoned=abandoned,
        ratings=ratings,
    )


def agent_overview(db: Database, viewer: Viewer, policy: Policy) -> AgentOverview:
    """The viewer's own work over the `home_period` (contacts they handled, resolved, and the
    ratings of those); nobody else's."""
    period = home_period(db, policy)
    with db.cursor() as cur:
        team, supervisors = cur.execute(
            "SELECT t.name, coalesce(list(sup.name ORDER BY sup.name)"
            "  FILTER (WHERE sup.id IS NOT NULL), [])"
            " FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
            " LEFT JOIN staff sup ON sup.team_id = s.team_id AND sup.role = 'supervisor'"
            " WHERE s.id = ? GROUP BY t.name",
            [viewer.staff_id],
        ).fetchone() or (None, [])
        counts = (0, 0, 0)
        if period is not None:
            where, params = scope_sql(policy, period)
            counts = cur.execute(  # type: ignore[assignment]
                "SELECT count(DISTINCT i.id), count(DISTINCT i.id) FILTER (WHERE i.resolved),"
                " count(f.id)"
                " FROM interactions i LEFT JOIN feedback f ON f.interaction_id = i.id"
                f" WHERE {where} AND i.agent_id = ? AND i.answered_at IS NOT NULL",
                [*params, viewer.staff_id],
            ).fetchone()
    handled, resolved, ratings = counts
    return AgentOverview(
        name=viewer.name,
        team=team,
        supervisors=supervisors,
        period=period,
        handled=handled,
        resolved=resolved,
        ratings=ratings,
    )
