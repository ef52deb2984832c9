"""Contact by contact: an agent's contacts for drill-down and download, and what customers wrote.
Times are returned as local wall-clock times in the organisation's zone, as people read them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.contacts.ratings import GOOD_RATING
from metrics.people import Viewer, get_staff_member
from metrics.performance.period import Period, scope_sql, standards_cte, visible_period
from metrics.store import Database
from modules.policy import Policy

RATING_TEXT = (
    "CASE WHEN f.scale = 'good/bad' THEN CASE f.rating WHEN 1 THEN 'good' ELSE 'bad' END"
    " ELSE CAST(f.rating AS VARCHAR) END"
)


def agent_contacts(
    db: Database, viewer: Viewer, policy: Policy, period: Period, agent_id: int
) -> pd.DataFrame:
    """Every contact of the period the agent handled, oldest first, one row each.

    Columns: source, contact_id (the id in the source system), channel, queued_at,
    answered_at, resolved_at (local times), wait_s, within_standard (wait ≤ the channel's
    standard), resolved, case_id, category, rating ('1'–'5', 'good', 'bad' or empty: the
    latest rating when a customer rated twice) and comment. The period's team filter does not
    apply (an agent's contacts are theirs whichever queue they came from); the channel filter
    does. Agents may ask for themselves only; supervisors for their team.
    """
    get_staff_member(db, viewer, agent_id)
    where, params = scope_sql(policy, replace(period, team_id=None))
    standards, standard_params = standards_cte(policy)
    timezone = policy.business_hours.timezone
    sql = f"""
        WITH {standards}
        SELECT i.source, i.external_id AS contact_id, i.channel,
               timezone(?, i.queued_at) AS queued_at,
               timezone(?, i.answered_at) AS answered_at,
               timezone(?, i.resolved_at) AS resolved_at,
               epoch(i.answered_at) - epoch(i.queued_at) AS wait_s,
               epoch(i.answered_at) - epoch(i.queued_at) <= s.within_s AS within_standard,
               i.resolved, i.case_id, i.category,
               {RATING_TEXT} AS rating, f.comment
        FROM interactions i JOIN standard s USING (channel)
        LEFT JOIN feedback f ON f.interaction_id = i.id
        WHERE {where} AND i.agent_id = ? AND i.answered_at IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY i.id ORDER BY f.received_at DESC) = 1
        ORDER BY i.queued_at, i.id
    """
    with db.cursor() as cur:
        return cur.execute(sql, standard_params + [timezone] * 3 + params + [agent_id]).df()


def customer_comments(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    period: Period,
    *,
    agent_id: int | None = None,
    praise_only: bool = False,
    limit: int = 10,
) -> pd.DataFrame:
    """What customers wrote about the period's handled contacts, newest first, at most `limit`.

    One agent's (`agent_id`: agents may ask for themselves only, supervisors for their team)
    or, without it, those of every agent in the viewer's scope (supervisors and owners only).
    `praise_only` keeps comments with a good rating (4 or 5 of 5, or 'good'). Columns:
    received_at (local), agent_id, agent (name), channel, rating (as `agent_contacts`),
    comment, feedback_id (the comment's row, to pass it on as kudos). Blank comments are left
    out.
    """
    if agent_id is None:
        where, params = scope_sql(policy, visible_period(viewer, period))
    else:
        get_staff_member(db, viewer, agent_id)
        where, params = scope_sql(policy, replace(period, team_id=None))
        where += " AND i.agent_id = ?"
        params.append(agent_id)
    if praise_only:
        where += f" AND {GOOD_RATING}"
    sql = f"""
        SELECT timezone(?, f.received_at) AS received_at, i.agent_id, st.name AS agent,
               i.channel, {RATING_TEXT} AS rating, f.comment, f.id AS feedback_id
        FROM interactions i
        JOIN feedback f ON f.interaction_id = i.id
        JOIN staff st ON st.id = i.agent_id
        WHERE {where} AND i.answered_at IS NOT NULL AND length(trim(f.comment)) > 0
        ORDER BY f.received_at DESC, f.id DESC
        LIMIT ?
    """
    with db.cursor() as cur:
        return cur.execute(sql, [policy.business_hours.timezone, *params, limit]).df()
