"""How the numbers of `metrics.performance.agents` move and spread: weekly trends, the
distribution of waits and ratings, and when contacts arrive. Same period, scope and definitions
as there; the formulas are stated per function. Everything is aggregated in DuckDB."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.contacts.ratings import GOOD_RATING
from metrics.contacts.waiting import UNANSWERED_S
from metrics.people import Viewer, get_staff_member
from metrics.performance.hours import (
    HOUR_OF_WEEK_BUCKET,
    WEEK_BUCKET,
    hour_counts_cte,
    hourly_rollups_apply,
    hours_where,
    local_us_sql,
    offset_changes,
    rollups_hold_every_contact,
)
from metrics.performance.period import (
    Period,
    filters_sql,
    scope_sql,
    standards_cte,
    visible_period,
    within_s_sql,
)
from metrics.store import Database
from modules.policy import Policy

# Wait buckets as multiples of the channel's standard, so a 30-second phone standard and a
# 4-hour e-mail standard read on one scale: the first four buckets are within the standard.
WAIT_BUCKET_EDGES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


# The Monday (local date) starting the week a contact was queued in; `?` is the time zone.
WEEK = "CAST(date_trunc('week', CAST(timezone(?, i.queued_at) AS DATE)) AS DATE)"


# Per week of `weekly` (week, offered, waiting, answered_within, abandoned, handled, resolved,
# ratings, good_ratings), whichever path counted them: the rates and the days in the period.
_WEEKLY_SELECT = """
    SELECT w.week,
           date_diff('day', greatest(w.week, ?::DATE), least(w.week + 6, ?::DATE)) + 1 AS days,
           w.offered, w.waiting, w.answered_within,
           CASE WHEN w.offered > w.waiting
                THEN w.answered_within / (w.offered - w.waiting) END AS service_level,
           w.abandoned, w.abandoned / w.offered AS abandonment_rate,
           w.handled, w.resolved,
           CASE WHEN w.handled > 0 THEN w.resolved / w.handled END AS resolution_rate,
           w.ratings, w.good_ratings,
           CASE WHEN w.ratings > 0 THEN w.good_ratings / w.ratings END AS csat
    FROM weekly w
    ORDER BY w.week
"""


def weekly_trends(db: Database, viewer: Viewer, policy: Policy, period: Period) -> pd.DataFrame:
    """One row per week (weeks start on Monday, local dates) with contacts in the period.

    Per week, with the definitions of `queue_metrics` and `team_summary`: offered, waiting,
    answered within the standard and service level (÷ offered − waiting), abandoned and
    abandonment rate,
    handled (answered), resolved and resolution rate (÷ handled), ratings, good ratings and CSAT
    (÷ ratings). `days` is how many of the week's days lie inside the period: an edge week with
    fewer than 7 days is partial and is labelled so by the pages.

    From the hourly rollups where they give the numbers exactly (`hourly_rollups_apply`), else
    from the contacts.
    """
    visible = visible_period(viewer, period)
    with db.cursor() as cur:
        if hourly_rollups_apply(cur, policy, visible):
            sql, params = _weekly_from_hours(policy, visible)
        else:
            sql, params = _weekly_from_contacts(policy, visible)
        frame = cur.execute(sql + _WEEKLY_SELECT, [*params, period.start, period.end]).df()
    return frame.astype({"offered": "int64", "handled": "int64", "ratings": "int64"})


def _weekly_from_contacts(policy: Policy, period: Period) -> tuple[str, list[object]]:
    where, params = scope_sql(policy, period)
    standards, standard_params = standards_cte(policy)
    sql = f"""
        WITH {standards},
        scoped AS (
            SELECT {WEEK} AS week, i.id, i.abandoned, i.resolved,
                   i.answered_at IS NOT NULL AS answered,
                   epoch(i.answered_at) - epoch(i.queued_at) <= s.within_s AS within,
                   {UNANSWERED_S} <= s.within_s AS waiting
            FROM interactions i JOIN standard s USING (channel)
            WHERE {where}
        ),
        counted AS (
            SELECT week, count(*) AS offered,
                   count(*) FILTER (WHERE waiting) AS waiting,
                   count(*) FILTER (WHERE within) AS answered_within,
                   count(*) FILTER (WHERE abandoned) AS abandoned,
                   count(*) FILTER (WHERE answered) AS handled,
                   count(*) FILTER (WHERE answered AND resolved) AS resolved
            FROM scoped GROUP BY week
        ),
        rated AS (
            SELECT c.week, count(*) AS ratings, count(*) FILTER (WHERE {GOOD_RATING}) AS good
            FROM scoped c JOIN feedback f ON f.interaction_id = c.id
            WHERE c.answered GROUP BY c.week
        ),
        weekly AS (
            SELECT c.*, coalesce(r.ratings, 0) AS ratings, coalesce(r.good, 0) AS good_ratings
            FROM counted c LEFT JOIN rated r USING (week)
        )
    """
    return sql, [*standard_params, policy.business_hours.timezone, *params]


def _weekly_from_hours(policy: Policy, period: Period) -> tuple[str, list[object]]:
    hours, params = hour_counts_cte(policy, period, WEEK_BUCKET)
    sql = f"""
        WITH {hours},
        weekly AS (
            SELECT DATE '1970-01-01' + (7 * bucket - 3)::INTEGER AS week, offered, waiting,
                   answered_within, abandoned, answered AS handled, resolved, ratings,
                   good_ratings
            FROM hour_counts
        )
    """
    return sql, params


AGENT_TREND_METRICS = ("service_level", "resolution_rate", "csat", "wait_median_s")


def agent_weekly_trends(
    db: Database, viewer: Viewer, policy: Policy, period: Period, agent_id: int
) -> pd.DataFrame:
    """One row per week in which the agent handled contacts: the agent's numbers beside their
    team's median that week.

    Per agent and week, over handled contacts (as in `agent_metrics`): service level (answered
    within the standard ÷ handled), resolution rate (resolved ÷ handled), CSAT (good ÷ ratings)
    and median wait; `days` as in `weekly_trends` (under 7: a partial week). `team_<metric>` is
    the median of that number over the agents of the agent's team who handled contacts that
    week (the agent included); `team_agents` says how many. The period's team filter is
    replaced by the agent's own team; the channel filter stays. Agents may ask for themselves
    only; supervisors for their team.

    Asked by an agent, a week's `team_<metric>` is left empty (NaN) unless at least
    `standards.min_agents_for_comparison` agents were judged on it that week (handled
    `standards.min_contacts` or more; for CSAT, with ratings): a median of fewer would let
    them work out a colleague's numbers. Nor is `team_agents` given to an agent.

    From `contact_waits` (one row per answered contact) while the rollups hold every contact,
    else from the contacts.
    """
    member = get_staff_member(db, viewer, agent_id)
    team_period = replace(period, team_id=member.team_id)
    # No team: the agent is compared with nobody but themselves.
    only = agent_id if member.team_id is None else None
    with db.cursor() as cur:
        if rollups_hold_every_contact(cur):
            handled, params = _handled_from_waits(policy, team_period, only)
        else:
            handled, params = _handled_from_contacts(policy, team_period, only)
        judged_from = policy.standards.min_contacts
        frame = cur.execute(
            _AGENT_WEEKS_SQL.format(handled=handled),
            [*params, judged_from, judged_from, agent_id],
        ).df()
    frame = frame.astype({"handled": "int64", "ratings": "int64", "team_agents": "int64"})
    frame.insert(1, "days", [period.days_in_week(week.date()) for week in frame["week"]])
    if viewer.role == "agent":
        least = policy.standards.min_agents_for_comparison
        for metric, judged in _TEAM_TREND_JUDGED.items():
            frame[f"team_{metric}"] = frame[f"team_{metric}"].where(frame[judged] >= least)
        frame = frame.drop(columns=["team_agents"])
    return frame.drop(columns=["judged_agents", "judged_rated"])


# Per agent and week over `handled` (week, agent_id, wait_s, within_s, resolved) and `rated`
# (week, agent_id, ratings, csat; weeks with ratings only), whichever path made them: the
# agent's numbers and the team's medians (see `agent_weekly_trends`).
_AGENT_WEEKS_SQL = """
    WITH {handled},
    per_agent AS (
        SELECT h.week, h.agent_id, count(*) AS handled,
               count(*) FILTER (WHERE h.wait_s <= h.within_s) / count(*) AS service_level,
               count(*) FILTER (WHERE h.resolved) / count(*) AS resolution_rate,
               quantile_cont(h.wait_s, 0.5) AS wait_median_s,
               any_value(r.ratings) AS ratings, any_value(r.csat) AS csat
        FROM handled h LEFT JOIN rated r USING (week, agent_id)
        GROUP BY ALL
    ),
    team AS (
        SELECT week, count(*) AS team_agents,
               median(service_level) AS team_service_level,
               median(resolution_rate) AS team_resolution_rate,
               median(csat) AS team_csat,
               median(wait_median_s) AS team_wait_median_s,
               count(*) FILTER (WHERE handled >= ?) AS judged_agents,
               count(*) FILTER (WHERE handled >= ? AND csat IS NOT NULL) AS judged_rated
        FROM per_agent GROUP BY week
    )
    SELECT p.week, p.handled, p.service_level, p.resolution_rate,
           coalesce(p.ratings, 0) AS ratings, p.csat, p.wait_median_s,
           t.team_agents, t.team_service_level, t.team_resolution_rate, t.team_csat,
           t.team_wait_median_s, t.judged_agents, t.judged_rated
    FROM per_agent p JOIN team t USING (week)
    WHERE p.agent_id = ?
    ORDER BY p.week
"""


def _handled_from_contacts(
    policy: Policy, period: Period, only: int | None
) -> tuple[str, list[object]]:
    """`handled` and `rated` of `_AGENT_WEEKS_SQL` from the contacts and their ratings."""
    where, params = scope_sql(policy, period)
    if only is not None:
        where += " AND i.agent_id = ?"
        params.append(only)
    within, within_params = within_s_sql(policy)
    sql = f"""
        handled AS (
            SELECT {WEEK} AS week, i.id, i.agent_id, i.resolved,
                   epoch(i.answered_at) - epoch(i.queued_at) AS wait_s, {within} AS within_s
            FROM interactions i
            WHERE {where} AND i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL
        ),
        rated AS (
            SELECT h.week, h.agent_id, count(*) AS ratings,
                   count(*) FILTER (WHERE {GOOD_RATING}) / count(*) AS csat
            FROM handled h JOIN feedback f ON f.interaction_id = h.id
            GROUP BY ALL
        )
    """
    return sql, [policy.business_hours.timezone, *within_params, *params]


def _handled_from_waits(
    policy: Policy, period: Period, only: int | None
) -> tuple[str, list[object]]:
    """`handled` and `rated` of `_AGENT_WEEKS_SQL` from `contact_waits` alone (one row per
    answered contact, with its ratings), the local week by the zone's offsets: exact in any
    zone."""
    timezone = policy.business_hours.timezone
    first, after = period.bounds(timezone)
    local, local_params = local_us_sql("w.queued_at", offset_changes(timezone, first, after))
    filters, filter_params = filters_sql(period, "w")
    if only is not None:
        filters += " AND w.agent_id = ?"
        filter_params.append(only)
    within, within_params = within_s_sql(policy)
    week = WEEK_BUCKET.replace("local_us", local)
    sql = f"""
        handled AS (
            SELECT DATE '1970-01-01' + (7 * {week} - 3)::INTEGER AS week, w.agent_id,
                   w.resolved, w.wait_s, {within.replace("i.channel", "w.channel")} AS within_s,
                   w.ratings, w.good_ratings
            FROM contact_waits w
            WHERE w.queued_at >= ? AND w.queued_at < ?{filters} AND w.agent_id IS NOT NULL
        ),
        rated AS (
            SELECT week, agent_id, sum(ratings)::BIGINT AS ratings,
                   sum(good_ratings)::BIGINT / sum(ratings)::BIGINT AS csat
            FROM handled
            GROUP BY ALL HAVING sum(ratings) > 0
        )
    """
    return sql, [*local_params, *within_params, first, after, *filter_params]


# Which week's count of judged agents a team median of `agent_weekly_trends` needs, for an agent.
_TEAM_TREND_JUDGED = {
    "service_level": "judged_agents",
    "resolution_rate": "judged_agents",
    "wait_median_s": "judged_agents",
    "csat": "judged_rated",
}


def _duration(seconds: float) -> str:
    """A wait bucket's edge as people read it: 8 s, 1.5 min, 3 h."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def wait_distribution(db: Database, viewer: Viewer, policy: Policy, period: Period) -> pd.DataFrame:
    """How long customers waited, per channel, over answered contacts.

    Waits (answered_at − queued_at) fall into buckets cut at 25%, 50%, 75%, 100%, 150%, 200%
    and 300% of the channel's standard; the first four hold the waits within the standard
    (a wait equal to an edge falls in the lower bucket). Columns: channel, bucket (0–7),
    label (e.g. '23–30 s'), within (whether the bucket is within the standard), contacts,
    and share = contacts ÷ the channel's answered contacts. Only channels with answered
    contacts appear; every bucket of such a channel is listed, empty ones with 0.

    From `contact_waits` while the rollups hold every contact, else from the contacts.
    """
    visible = visible_period(viewer, period)
    # The edges as DOUBLE products (exact: quarters of whole seconds), not DECIMAL: half the time.
    cases = " ".join(
        f"WHEN wait_s <= {edge} * within_s THEN {bucket}"
        for bucket, edge in enumerate(WAIT_BUCKET_EDGES)
    )
    within, within_params = within_s_sql(policy)
    with db.cursor() as cur:
        if rollups_hold_every_contact(cur):  # one row per answered contact, with its wait
            first, after = visible.bounds(policy.business_hours.timezone)
            filters, filter_params = filters_sql(visible, "w")
            waits = (
                f"SELECT w.channel, w.wait_s, ({within.replace('i.channel', 'w.channel')})::DOUBLE"
                " AS within_s FROM contact_waits w"
                f" WHERE w.queued_at >= ? AND w.queued_at < ?{filters}"
            )
            params = [*within_params, first, after, *filter_params]
        else:
            where, scope_params = scope_sql(policy, visible)
            waits = (
                "SELECT i.channel, epoch(i.answered_at) - epoch(i.queued_at) AS wait_s,"
                f" ({within})::DOUBLE AS within_s FROM interactions i"
                f" WHERE {where} AND i.answered_at IS NOT NULL"
            )
            params = [*within_params, *scope_params]
        sql = f"""
            WITH answered AS (
                SELECT channel, CASE {cases} ELSE {len(WAIT_BUCKET_EDGES)} END AS bucket
                FROM ({waits})
            )
            SELECT channel, bucket, count(*) AS contacts FROM answered GROUP BY ALL
        """
        counted = cur.execute(sql, params).df()
    rows = []
    for channel in sorted(set(counted["channel"])):
        within_s = policy.standards.channel(channel).answer_within_s
        of_channel = counted[counted["channel"] == channel]
        total = int(of_channel["contacts"].sum())
        by_bucket = dict(zip(of_channel["bucket"], of_channel["contacts"], strict=True))
        lower = 0.0
        for bucket in range(len(WAIT_BUCKET_EDGES) + 1):
            if bucket < len(WAIT_BUCKET_EDGES):
                upper = WAIT_BUCKET_EDGES[bucket] * within_s
                label = f"{_duration(lower)}–{_duration(upper)}"
            else:
                label = f"over {_duration(lower)}"
            contacts = int(by_bucket.get(bucket, 0))
            rows.append(
                {
                    "channel": channel,
                    "bucket": bucket,
                    "label": label,
                    "within": bucket < WAIT_BUCKET_EDGES.index(1.0) + 1,
                    "contacts": contacts,
                    "share": contacts / total,
                }
            )
            lower = upper
    return pd.DataFrame(rows, columns=["channel", "bucket", "label", "within", "contacts", "share"])


RATING_LABELS = [("1-5", 5, "5"), ("1-5", 4, "4"), ("1-5", 3, "3"), ("1-5", 2, "2")]
RATING_LABELS += [("1-5", 1, "1"), ("good/bad", 1, "good"), ("good/bad", 0, "bad")]
# Each rating's count in `contact_hours`.
_RATING_COLUMNS = {
    **{("1-5", value): f"rated_{value}" for value in range(1, 6)},
    ("good/bad", 1): "rated_good",
    ("good/bad", 0): "rated_bad",
}


def rating_distribution(
    db: Database, viewer: Viewer, policy: Policy, period: Period
) -> pd.DataFrame:
    """How customers rated the period's handled contacts: one row per possible rating (5 to 1,
    then good and bad), with ratings = how many, share = ratings ÷ all ratings on that scale,
    and good = whether it counts as good for CSAT (4, 5 and good). From the hourly rollups
    where they give the numbers exactly (`hourly_rollups_apply`), else from the contacts."""
    visible = visible_period(viewer, period)
    with db.cursor() as cur:
        if hourly_rollups_apply(cur, policy, visible):
            where, params = hours_where(policy, visible)
            sums = ", ".join(f"sum(h.{column})" for column in _RATING_COLUMNS.values())
            totals = cur.execute(f"SELECT {sums} FROM contact_hours h WHERE {where}", params)
            row = totals.fetchone()
            assert row is not None
            counted = [
                (scale, value, total or 0)
                for (scale, value), total in zip(_RATING_COLUMNS, row, strict=True)
            ]
        else:
            where, params = scope_sql(policy, visible)
            counted = cur.execute(
                "SELECT f.scale, f.rating, count(*) FROM interactions i"
                " JOIN feedback f ON f.interaction_id = i.id"
                f" WHERE {where} AND i.answered_at IS NOT NULL GROUP BY ALL",
                params,
            ).fetchall()
    counts = {(scale, int(rating)): int(n) for scale, rating, n in counted}
    per_scale = {
        scale: sum(n for (s, _), n in counts.items() if s == scale) for scale in ("1-5", "good/bad")
    }
    rows = [
        {
            "scale": scale,
            "rating": label,
            "good": (scale == "1-5" and value >= 4) or (scale == "good/bad" and value == 1),
            "ratings": counts.get((scale, value), 0),
            "share": counts.get((scale, value), 0) / per_scale[scale] if per_scale[scale] else None,
        }
        for scale, value, label in RATING_LABELS
    ]
    return pd.DataFrame(rows, columns=["scale", "rating", "good", "ratings", "share"])


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def contacts_by_hour(db: Database, viewer: Viewer, policy: Policy, period: Period) -> pd.DataFrame:
    """When contacts arrive: one row per local weekday and hour with contacts queued.

    Columns: weekday (1 = Monday … 7 = Sunday), weekday_name, hour (0–23, local), offered,
    answered_within and service level (answered within the standard ÷ offered − waiting, as in
    `queue_metrics`), abandoned. From the hourly rollups where they give the numbers exactly
    (`hourly_rollups_apply`), else from the contacts.
    """
    visible = visible_period(viewer, period)
    with db.cursor() as cur:
        if hourly_rollups_apply(cur, policy, visible):
            hours, params = hour_counts_cte(policy, visible, HOUR_OF_WEEK_BUCKET)
            sql = (
                f"WITH {hours}, by_hour AS (SELECT bucket // 24 + 1 AS weekday,"
                "  bucket % 24 AS hour, offered, answered_within, waiting, abandoned"
                "  FROM hour_counts)"
            )
        else:
            where, scope_params = scope_sql(policy, visible)
            standards, standard_params = standards_cte(policy)
            sql = (
                f"WITH {standards},"
                " scoped AS (SELECT timezone(?, i.queued_at) AS local_queued, i.abandoned,"
                "   epoch(i.answered_at) - epoch(i.queued_at) <= s.within_s AS within,"
                f"   {UNANSWERED_S} <= s.within_s AS waiting"
                f"  FROM interactions i JOIN standard s USING (channel) WHERE {where}),"
                " by_hour AS (SELECT isodow(local_queued) AS weekday, hour(local_queued) AS hour,"
                "  count(*) AS offered, count(*) FILTER (WHERE within) AS answered_within,"
                "  count(*) FILTER (WHERE waiting) AS waiting,"
                "  count(*) FILTER (WHERE abandoned) AS abandoned"
                "  FROM scoped GROUP BY ALL)"
            )
            params = [*standard_params, policy.business_hours.timezone, *scope_params]
        frame = cur.execute(
            sql + " SELECT weekday, hour, offered, answered_within,"
            " answered_within / NULLIF(offered - waiting, 0) AS service_level, abandoned"
            " FROM by_hour ORDER BY weekday, hour",
            params,
        ).df()
    frame = frame.astype({"weekday": "int64", "hour": "int64", "offered": "int64"})
    frame.insert(1, "weekday_name", [WEEKDAYS[day - 1] for day in frame["weekday"]])
    return frame
