"""The performance metrics: how customers were served, judged against the policy's standards.

Every definition lives here, once, as SQL that DuckDB aggregates; nothing pulls contacts into
Python. Each function's docstring states its formula. Conventions shared by all of them:

- The period selects contacts whose `queued_at` falls on a date from `start` to `end`, both
  inclusive, in the organisation's time zone (the policy's `business_hours.timezone`).
- A rate is a fraction from 0 to 1, or NULL when its denominator is zero, and it is always
  returned beside that denominator (its `n`) and a 95% Wilson interval.
- "Within the standard" means a wait less than or equal to the channel's `answer_within_s`.
- A contact nobody has answered that the customer did not give up on (a ticket with no reply
  yet) is *waiting* while its channel's standard had not passed when it was last seen
  unanswered (metrics/contacts/waiting.py); the queue's service level leaves it out until then,
  and counts it as a miss after.
- Nobody with fewer handled contacts than `standards.min_contacts` is judged: their status is
  `insufficient`, and recognition and coaching lists leave them out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Literal

from metrics.contacts.case_sizes import cases_counted
from metrics.contacts.ratings import GOOD_RATING
from metrics.contacts.rollups import rollups_current
from metrics.contacts.waiting import UNANSWERED_S
from metrics.performance.hours import hourly_rollups_apply, hours_where
from metrics.performance.period import (
    Period,
    filters_sql,
    scope_sql,
    utc_days,
    visible_period,
    within_s_sql,
)
from metrics.store import Database
from metrics.viewer import Viewer

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from modules.policy_figures import PolicyOrFigures

# pandas and numpy (about a second to import) are imported by the functions that build frames:
# `agent_report`, what `academy report agents` prints, is built from DuckDB's rows without them.
# Nor does this module import Pydantic (its results are dataclasses, the policy is read through
# its figures, staff rows through `metrics.people` where they are read): the command line's
# report imports this module, and Pydantic's import and first model are a third of its start.

Status = Literal["meets", "below", "insufficient"]


WILSON_RATES = {  # rate: (successes, n)
    "service_level": ("answered_within", "handled"),
    "resolution_rate": ("resolved", "handled"),
    "fcr_rate": ("first_contact_resolved", "resolved"),
    "csat": ("good_ratings", "ratings"),
}


def _with_wilson_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `<rate>_low` and `<rate>_high` for each rate of `WILSON_RATES`."""
    from metrics.performance.intervals import wilson_bounds

    bounds: dict[str, np.ndarray] = {}
    for rate, (successes, n) in WILSON_RATES.items():
        low, high = wilson_bounds(frame[successes].to_numpy(), frame[n].to_numpy())
        bounds[f"{rate}_low"], bounds[f"{rate}_high"] = low, high
    return frame.assign(**bounds)


# One scan's queue totals: offered, answered, abandoned, answered within the standard, waiting.
# `{within}` is the channel's standard (`within_s_sql`), twice: its parameters go in twice.
_QUEUE_COUNTS = (
    "count(*), count(i.answered_at), count(*) FILTER (WHERE i.abandoned),"
    " count(*) FILTER (WHERE epoch(i.answered_at) - epoch(i.queued_at) <= {within}),"
    f" count(*) FILTER (WHERE {UNANSWERED_S} <= {{within}})"
)


@dataclass(frozen=True)
class QueueMetrics:
    """Team, channel and queue level: what customers experienced, whoever answered."""

    offered: int
    answered: int
    abandoned: int
    answered_within: int
    # Unanswered tickets still within their standard when last seen: not judged yet.
    waiting: int
    # The contacts the service level is judged on: offered − waiting.
    judged: int
    abandonment_rate: float | None
    abandonment_low: float | None
    abandonment_high: float | None
    service_level: float | None
    service_level_low: float | None
    service_level_high: float | None


def queue_metrics(
    db: Database, viewer: Viewer, policy: PolicyOrFigures, period: Period
) -> QueueMetrics:
    """Over the period's contacts (after the team and channel filters):

    - offered = all contacts; answered = contacts with `answered_at`; abandoned = contacts
      marked abandoned (the customer gave up: a call or chat that ended unanswered);
    - waiting = contacts nobody answered, not abandoned, whose channel's standard had not
      passed when they were last seen unanswered (a wait equal to the standard is within it);
    - abandonment rate = abandoned ÷ offered;
    - service level = contacts answered within their channel's standard ÷ (offered − waiting):
      abandoned contacts, and contacts whose standard passed with no answer, count as missed.
    """
    return _queue(*_queue_counts(db, policy, visible_period(viewer, period)))


def _queue_counts(
    db: Database, policy: PolicyOrFigures, period: Period
) -> tuple[int, int, int, int, int]:
    """The counts of `_QUEUE_COUNTS` over the period (already narrowed to the viewer)."""
    where, params = scope_sql(policy, period)
    within_s, within_params = within_s_sql(policy)
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_QUEUE_COUNTS.format(within=within_s)} FROM interactions i WHERE {where}",
            within_params * 2 + params,
        ).fetchone()
    assert row is not None
    offered, answered, abandoned, within, waiting = (int(v) for v in row)
    return offered, answered, abandoned, within, waiting


def _queue_rates(
    offered: int, abandoned: int, within: int, waiting: int
) -> tuple[float | None, float | None]:
    """Abandonment and service level from the counts (see `queue_metrics`)."""
    judged = offered - waiting
    abandonment = abandoned / offered if offered else None
    service_level = within / judged if judged else None
    return abandonment, service_level


def _queue(offered: int, answered: int, abandoned: int, within: int, waiting: int) -> QueueMetrics:
    """QueueMetrics from the counts of `_QUEUE_COUNTS`."""
    from metrics.performance.intervals import wilson_interval

    judged = offered - waiting
    abandonment, service_level = _queue_rates(offered, abandoned, within, waiting)
    abandonment_low, abandonment_high = wilson_interval(abandoned, offered)
    service_level_low, service_level_high = wilson_interval(within, judged)
    return QueueMetrics(
        offered=offered,
        answered=answered,
        abandoned=abandoned,
        answered_within=within,
        waiting=waiting,
        judged=judged,
        abandonment_rate=abandonment,
        abandonment_low=abandonment_low,
        abandonment_high=abandonment_high,
        service_level=service_level,
        service_level_low=service_level_low,
        service_level_high=service_level_high,
    )


AGENT_COLUMNS = [
    "agent_id",
    "agent",
    "name",
    "team",
    "handled",
    "wait_mean_s",
    "wait_median_s",
    "wait_p90_s",
    "answered_within",
    "service_level",
    "resolved",
    "resolution_rate",
    "first_contact_resolved",
    "fcr_rate",
    "ratings",
    "good_ratings",
    "csat",
    "csat_mean",
]


def agent_metrics(
    db: Database, viewer: Viewer, policy: PolicyOrFigures, period: Period
) -> pd.DataFrame:
    """One row per agent who handled (answered) at least one of the period's contacts.

    Over the contacts the agent answered (handled):
    - wait = answered_at − queued_at in seconds: mean; median (the mean of the two middle
      values for an even count); p90 by linear interpolation (`quantile_cont`);
    - service level = handled answered within the channel's standard ÷ handled;
    - resolution rate = resolved ÷ handled;
    - first-contact resolution = resolved contacts whose case has exactly one contact among all
      stored contacts ÷ resolved contacts. A case is (source, case_id): two systems' numbering
      never meet; a contact without a case id is its own case;
    - CSAT pools both rating scales: (ratings of 4 or 5 on the 1–5 scale + good) ÷ (ratings on
      the 1–5 scale + good + bad); `csat_mean` is the mean of the 1–5 ratings (NULL if none).

    Each rate has its denominator (handled, resolved, ratings) and `_low`/`_high` Wilson
    bounds; then `status_*` per judged metric and the overall `status` (see `judge`).
    """
    return _agent_metrics(db, policy, visible_period(viewer, period))


@dataclass(frozen=True)
class TeamMedians:
    """A team's median of each of an agent's numbers (`TEAM_MEDIANS`); None where there is
    none. `hidden` lists the numbers withheld from an agent because too few agents were judged
    on them to keep colleagues' numbers out of reach (see `agent_standing`)."""

    values: dict[str, float | None]
    hidden: list[str] = field(default_factory=list)

    def get(self, metric: str) -> float | None:
        return self.values.get(metric)


# The numbers an agent's own are set beside, and the agents who count for each: judged agents
# with a value of it (a CSAT needs ratings, first-contact resolution resolved contacts).
TEAM_MEDIANS = (
    "wait_mean_s",
    "wait_median_s",
    "wait_p90_s",
    "service_level",
    "resolution_rate",
    "fcr_rate",
    "csat",
    "csat_mean",
)


def my_metrics(
    db: Database, viewer: Viewer, policy: PolicyOrFigures, period: Period
) -> tuple[dict[str, object] | None, TeamMedians]:
    """The signed-in person's own `agent_standing`."""
    return agent_standing(db, viewer, policy, period, viewer.staff_id)


def agent_standing(
    db: Database, viewer: Viewer, policy: PolicyOrFigures, period: Period, agent_id: int
) -> tuple[dict[str, object] | None, TeamMedians]:
    """An agent's row of `agent_metrics` (None if they handled nothing) and their team's
    median of each number over agents with enough contacts to be judged: no other agent's
    name or numbers leave this function, so agents may ask for themselves. The period's team
    filter is replaced by the agent's team.

    Asked by an agent, a median over fewer than `standards.min_agents_for_comparison` judged
    agents with a value of that number is withheld (None, and named in `hidden`): with two, 2 ×
    median − one's own value is the colleague's number exactly. Supervisors and owners see
    every median."""
    from metrics.people import get_staff_member

    member = get_staff_member(db, viewer, agent_id)
    team_period = replace(period, team_id=member.team_id)
    frame = _agent_metrics(db, policy, team_period)
    mine = frame[frame["agent_id"] == agent_id]
    judged = frame[frame["status"] != "insufficient"]
    anonymous = viewer.role == "agent"
    medians: dict[str, float | None] = {}
    hidden: list[str] = []
    for column in TEAM_MEDIANS:
        values = judged[column].dropna()
        if anonymous and len(values) < policy.standards.min_agents_for_comparison:
            hidden.append(column)
            medians[column] = None
        else:
            medians[column] = float(values.median()) if len(values) else None
    own = {str(key): value for key, value in mine.iloc[0].items()} if not mine.empty else None
    return own, TeamMedians(values=medians, hidden=hidden)


# The period's contacts, one row each, marked `handled` when an agent answered them. First-contact
# resolution needs the number of stored contacts in each contact's case: normally the count
# every writer keeps in `interactions.case_contacts` (see metrics/contacts/case_sizes.py), read with
# the contact, so that one scan of the period does. Counting cases over every stored contact
# instead costs several times the rest of the report (an aggregation over the whole store).
_CONTACTS_COUNTED = """
    contact AS (
        SELECT i.agent_id, i.resolved, i.abandoned, i.case_contacts,
               i.answered_at IS NOT NULL AS answered,
               i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL AS handled,
               epoch(i.answered_at) - epoch(i.queued_at) AS wait_s, {within} AS within_s,
               {unanswered} AS unanswered_s
        FROM interactions i
        WHERE {where}
    )
"""
# The same rows when some stored contact has no count yet (a writer did not call
# `refresh_case_contacts`, so counts of its cases may be stale too): the cases of the period's
# resolved contacts are counted over all stored contacts, as the definition says, on the spot.
_CONTACTS_RECOUNTED = """
    case_sizes AS (
        SELECT x.source, x.case_id, count(*) AS contacts
        FROM interactions x
        SEMI JOIN (
            SELECT i.source, i.case_id FROM interactions i
            WHERE {where} AND i.resolved AND i.case_id IS NOT NULL
        ) r ON r.source = x.source AND r.case_id = x.case_id
        GROUP BY x.source, x.case_id
    ),
    contact AS (
        SELECT i.agent_id, i.resolved, i.abandoned,
               CASE WHEN i.case_id IS NULL THEN 1 ELSE c.contacts END AS case_contacts,
               i.answered_at IS NOT NULL AS answered,
               i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL AS handled,
               epoch(i.answered_at) - epoch(i.queued_at) AS wait_s, {within} AS within_s,
               {unanswered} AS unanswered_s
        FROM interactions i
        LEFT JOIN case_sizes c ON c.source = i.source AND c.case_id = i.case_id
        WHERE {where}
    )
"""
# Grouped by agent (NULL collects the contacts nobody handled): the agents' numbers over their
# handled contacts, and the queue's totals (see `queue_metrics`) summed over the groups, so
# that the agent report needs one scan of the period. The ratings scan the period again,
# joined to feedback: reusing `contact` there would make DuckDB materialise it (slower, and
# hundreds of MB more at 10M contacts).
_AGENT_SQL = """
    WITH {contact},
    per_group AS (
        SELECT agent_id,
               count(*) AS offered,
               count(*) FILTER (WHERE answered) AS q_answered,
               count(*) FILTER (WHERE abandoned) AS q_abandoned,
               count(*) FILTER (WHERE wait_s <= within_s) AS q_within,
               count(*) FILTER (WHERE unanswered_s <= within_s) AS q_waiting,
               count(*) FILTER (WHERE handled) AS handled,
               avg(wait_s) FILTER (WHERE handled) AS wait_mean_s,
               quantile_cont(wait_s, [0.5, 0.9]) FILTER (WHERE handled) AS wait_q,
               count(*) FILTER (WHERE handled AND wait_s <= within_s) AS answered_within,
               count(*) FILTER (WHERE handled AND resolved) AS resolved,
               count(*) FILTER (WHERE handled AND resolved AND case_contacts = 1)
                   AS first_contact_resolved
        FROM contact
        GROUP BY agent_id
    ),
    with_queue AS (
        SELECT *, sum(offered) OVER () AS q_offered_all,
               sum(q_answered) OVER () AS q_answered_all,
               sum(q_abandoned) OVER () AS q_abandoned_all,
               sum(q_within) OVER () AS q_within_all,
               sum(q_waiting) OVER () AS q_waiting_all
        FROM per_group
    ),
    rated AS (
        SELECT i.agent_id,
               count(*) AS ratings,
               count(*) FILTER (WHERE {good}) AS good_ratings,
               avg(f.rating) FILTER (WHERE f.scale = '1-5') AS csat_mean
        FROM feedback f JOIN interactions i ON i.id = f.interaction_id
        WHERE {where} AND i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL
        GROUP BY i.agent_id
    )
    SELECT p.agent_id, st.email AS agent, st.name, t.name AS team, p.handled,
           p.wait_mean_s, p.wait_q[1] AS wait_median_s, p.wait_q[2] AS wait_p90_s,
           p.answered_within, p.answered_within / p.handled AS service_level,
           p.resolved, p.resolved / p.handled AS resolution_rate,
           p.first_contact_resolved,
           CASE WHEN p.resolved > 0 THEN p.first_contact_resolved / p.resolved END AS fcr_rate,
           coalesce(r.ratings, 0) AS ratings, coalesce(r.good_ratings, 0) AS good_ratings,
           CASE WHEN r.ratings > 0 THEN r.good_ratings / r.ratings END AS csat,
           r.csat_mean,
           p.q_offered_all, p.q_answered_all, p.q_abandoned_all, p.q_within_all,
           p.q_waiting_all
    FROM with_queue p
    JOIN staff st ON st.id = p.agent_id
    LEFT JOIN teams t ON t.id = st.team_id
    LEFT JOIN rated r ON r.agent_id = p.agent_id
    WHERE p.handled > 0
    ORDER BY st.name, p.agent_id
"""
_QUEUE_TOTALS = [
    "q_offered_all",
    "q_answered_all",
    "q_abandoned_all",
    "q_within_all",
    "q_waiting_all",
]

# The same numbers from the daily rollups (metrics/contacts/rollups.py), for a store whose rollups
# are current: the counts of the period's whole UTC days from `contact_days`, plus the contacts
# (and their ratings) of the hours before and after them read from interactions; the waits,
# and "within the standard" under this policy, from `contact_waits`, one row per answered
# contact, so that the mean and quantiles are those of the contacts themselves; and the
# waiting tickets, still within the standard under this policy, from `contact_unanswered`.
_ROLLUP_SQL = """
    WITH waits AS (
        SELECT w.agent_id, avg(w.wait_s) AS wait_mean_s,
               quantile_cont(w.wait_s, [0.5, 0.9]) AS wait_q,
               count(*) FILTER (WHERE w.wait_s <= {within}) AS within
        FROM contact_waits w
        WHERE w.queued_at >= ? AND w.queued_at < ? {wait_filters}
        GROUP BY w.agent_id
    ),
    unanswered AS (
        SELECT u.agent_id, count(*) FILTER (WHERE u.unanswered_s <= {within_u}) AS waiting
        FROM contact_unanswered u
        WHERE u.queued_at >= ? AND u.queued_at < ? {unanswered_filters}
        GROUP BY u.agent_id
    ),
    counted AS (
        SELECT d.agent_id, d.offered, d.answered, d.abandoned, d.handled, d.resolved,
               d.first_contact_resolved, d.ratings, d.good_ratings, d.ratings_1_5,
               d.rating_1_5_sum
        FROM contact_days d
        WHERE d.day >= ? AND d.day < ? {day_filters}
        UNION ALL
        SELECT i.agent_id, 1, (i.answered_at IS NOT NULL)::INTEGER, i.abandoned::INTEGER,
               h.handled::INTEGER, (h.handled AND i.resolved)::INTEGER,
               (h.handled AND i.resolved AND i.case_contacts = 1)::INTEGER, 0, 0, 0, 0
        FROM interactions i, LATERAL (SELECT i.answered_at IS NOT NULL
                                             AND i.agent_id IS NOT NULL AS handled) h
        WHERE {edges}
        UNION ALL
        SELECT i.agent_id, 0, 0, 0, 0, 0, 0, 1,
               {good}::INTEGER,
               (f.scale = '1-5')::INTEGER, CASE WHEN f.scale = '1-5' THEN f.rating ELSE 0 END
        FROM feedback f JOIN interactions i ON i.id = f.interaction_id
        WHERE {edges} AND i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL
    ),
    per_group AS (
        SELECT agent_id, sum(offered)::BIGINT AS offered, sum(answered)::BIGINT AS answered,
               sum(abandoned)::BIGINT AS abandoned, sum(handled)::BIGINT AS handled,
               sum(resolved)::BIGINT AS resolved,
               sum(first_contact_resolved)::BIGINT AS first_contact_resolved,
               sum(ratings)::BIGINT AS ratings, sum(good_ratings)::BIGINT AS good_ratings,
               sum(ratings_1_5)::BIGINT AS ratings_1_5,
               sum(rating_1_5_sum)::BIGINT AS rating_1_5_sum
        FROM counted
        GROUP BY agent_id
    ),
    with_queue AS (
        SELECT p.*, w.wait_mean_s, w.wait_q, coalesce(w.within, 0) AS answered_within,
               sum(p.offered) OVER () AS q_offered_all,
               sum(p.answered) OVER () AS q_answered_all,
               sum(p.abandoned) OVER () AS q_abandoned_all,
               sum(coalesce(w.within, 0)) OVER () AS q_within_all,
               sum(coalesce(u.waiting, 0)) OVER () AS q_waiting_all
        FROM per_group p LEFT JOIN waits w ON w.agent_id IS NOT DISTINCT FROM p.agent_id
        LEFT JOIN unanswered u ON u.agent_id IS NOT DISTINCT FROM p.agent_id
    )
    SELECT p.agent_id, st.email AS agent, st.name, t.name AS team, p.handled,
           p.wait_mean_s, p.wait_q[1] AS wait_median_s, p.wait_q[2] AS wait_p90_s,
           p.answered_within, p.answered_within / p.handled AS service_level,
           p.resolved, p.resolved / p.handled AS resolution_rate,
           p.first_contact_resolved,
           CASE WHEN p.resolved > 0 THEN p.first_contact_resolved / p.resolved END AS fcr_rate,
           p.ratings, p.good_ratings,
           CASE WHEN p.ratings > 0 THEN p.good_ratings / p.ratings END AS csat,
           CASE WHEN p.ratings_1_5 > 0 THEN p.rating_1_5_sum / p.ratings_1_5 END AS csat_mean,
           p.q_offered_all, p.q_answered_all, p.q_abandoned_all, p.q_within_all,
           p.q_waiting_all
    FROM with_queue p
    JOIN staff st ON st.id = p.agent_id
    LEFT JOIN teams t ON t.id = st.team_id
    WHERE p.handled > 0
    ORDER BY st.name, p.agent_id
"""


def _rollup_query(policy: PolicyOrFigures, period: Period) -> tuple[str, list[object]]:
    """`_ROLLUP_SQL` and its parameters for the period (see `_agents_and_queue`)."""
    first, after, day_from, day_to = utc_days(policy, period)
    from_at = datetime.combine(day_from, time(0), UTC)
    to_at = datetime.combine(day_to, time(0), UTC)
    within, within_params = within_s_sql(policy)
    wait_filters, wait_params = filters_sql(period, "w")
    unanswered_filters, unanswered_params = filters_sql(period, "u")
    day_filters, day_params = filters_sql(period, "d")
    edge_filters, edge_params = filters_sql(period, "i")
    if day_from < day_to:
        edges = "(i.queued_at >= ? AND i.queued_at < ? OR i.queued_at >= ? AND i.queued_at < ?)"
        edge_params = [first, from_at, to_at, after, *edge_params]
    else:
        edges = "i.queued_at >= ? AND i.queued_at < ?"
        edge_params = [first, after, *edge_params]
    sql = _ROLLUP_SQL.format(
        good=GOOD_RATING,
        within=within.replace("i.channel", "w.channel"),
        within_u=within.replace("i.channel", "u.channel"),
        wait_filters=wait_filters,
        unanswered_filters=unanswered_filters,
        day_filters=day_filters,
        edges=edges + edge_filters,
    )
    params = [
        *within_params,
        first,
        after,
        *wait_params,
        *within_params,
        first,
        after,
        *unanswered_params,
        day_from,
        day_to,
        *day_params,
    ]
    return sql, [*params, *edge_params, *edge_params]


def _agent_metrics(db: Database, policy: PolicyOrFigures, period: Period) -> pd.DataFrame:
    return _agents_and_queue(db, policy, period)[0]


def _agents_query(
    cur: Database, policy: PolicyOrFigures, period: Period
) -> tuple[str, list[object]]:
    """The one query, and its parameters, of the period's agents (`agent_metrics`) with the
    queue totals riding on every row (`_QUEUE_TOTALS`): from the rollups when they are current,
    else from the contacts (counting cases on the spot while any contact is uncounted)."""
    where, params = scope_sql(policy, period)
    within_s, within_params = within_s_sql(policy)
    counted = cases_counted(cur)
    if counted and rollups_current(cur):
        return _rollup_query(policy, period)
    if counted:
        contact = _CONTACTS_COUNTED.format(within=within_s, where=where, unanswered=UNANSWERED_S)
        contact_params = within_params + params
    else:
        contact = _CONTACTS_RECOUNTED.format(within=within_s, where=where, unanswered=UNANSWERED_S)
        contact_params = params + within_params + params
    sql = _AGENT_SQL.format(contact=contact, where=where, good=GOOD_RATING)
    return sql, contact_params + params


def _agents_and_queue(
    db: Database, policy: PolicyOrFigures, period: Period
) -> tuple[pd.DataFrame, QueueMetrics | None]:
    """The frame of `agent_metrics` and, from the same scan, the period's `queue_metrics`
    (None when no agent handled anything: the queue totals then have no row to ride on)."""
    with db.cursor() as cur:
        sql, params = _agents_query(cur, policy, period)
        frame = cur.execute(sql, params).df()
    totals = frame[_QUEUE_TOTALS]
    frame = frame.drop(columns=_QUEUE_TOTALS)
    queue = _queue(*(int(v) for v in totals.iloc[0])) if not totals.empty else None
    frame = frame.astype({"handled": "int64", "resolved": "int64", "ratings": "int64"})
    frame = _with_wilson_columns(frame)
    return judge(frame, policy), queue


JUDGED = {
    "service_level": "service_level_target",
    "resolution_rate": "resolution_target",
    "csat": "csat_target",
}


def targets(policy: PolicyOrFigures) -> dict[str, float]:
    """The policy's target for each judged metric (`JUDGED`), by metric name."""
    return {metric: getattr(policy.standards, target) for metric, target in JUDGED.items()}


def metric_status(rate: float | None, handled: int, target: float, min_contacts: int) -> Status:
    """One judged metric of one agent: `insufficient` when they handled fewer contacts than
    `standards.min_contacts` or the rate has no denominator (None or NaN), else `meets` when
    the rate is at or above its target, else `below`."""
    if handled < min_contacts or rate is None or math.isnan(rate):
        return "insufficient"
    return "meets" if rate >= target else "below"


def overall_status(handled: int, statuses: Sequence[Status], min_contacts: int) -> Status:
    """An agent's overall status: `insufficient` under the minimum, else `below` if any judged
    metric is below, else `meets`."""
    if handled < min_contacts:
        return "insufficient"
    return "below" if "below" in statuses else "meets"


def judge(frame: pd.DataFrame, policy: PolicyOrFigures) -> pd.DataFrame:
    """Status per judged metric (`status_<metric>`, see `metric_status`) and overall (`status`,
    see `overall_status`), by the policy's targets."""
    minimum = policy.standards.min_contacts
    handled = frame["handled"].tolist()
    per_metric = []
    for metric, target in targets(policy).items():
        statuses = [
            metric_status(rate, n, target, minimum)
            for rate, n in zip(frame[metric].tolist(), handled, strict=True)
        ]
        frame[f"status_{metric}"] = statuses
        per_metric.append(statuses)
    by_agent = zip(*per_metric, strict=True)  # each agent's statuses, metric by metric
    frame["status"] = [
        overall_status(n, statuses, minimum) for n, statuses in zip(handled, by_agent, strict=True)
    ]
    return frame


REPORT_AGENT_FIELDS = [
    "agent",
    "name",
    "team",
    "handled",
    "wait_mean_s",
    "wait_median_s",
    "wait_p90_s",
    "service_level",
    "resolved",
    "resolution_rate",
    "fcr_rate",
    "ratings",
    "csat",
    "csat_mean",
    "status",
]


def json_value(value: object) -> object:
    """NaN/NA to None and numpy scalars to Python, for JSON."""
    import numpy as np
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def agent_report(
    db: Database, viewer: Viewer, policy: PolicyOrFigures, period: Period, team_name: str | None
) -> dict[str, object]:
    """The agent report of `academy report agents`, in its documented JSON shape.

    The numbers of `agent_metrics` and `queue_metrics`, from the same one query (`_agents_query`),
    judged by the same rules (`metric_status`, `overall_status`); built from DuckDB's rows as
    Python values, without pandas, because the command line pays for every import."""
    visible = visible_period(viewer, period)
    with db.cursor() as cur:
        sql, params = _agents_query(cur, policy, visible)
        result = cur.execute(sql, params)
        columns = [column[0] for column in result.description]
        rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    if rows:
        offered, answered, abandoned, within, waiting = (int(rows[0][q]) for q in _QUEUE_TOTALS)
    else:
        offered, answered, abandoned, within, waiting = _queue_counts(db, policy, visible)
    abandonment_rate, service_level = _queue_rates(offered, abandoned, within, waiting)
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "timezone": policy.business_hours.timezone,
        },
        "filters": {"team": team_name, "channel": period.channel},
        "standards": {
            "answer_within_s": policy.standards.answer_within_s,
            "service_level_target": policy.standards.service_level_target,
            "csat_target": policy.standards.csat_target,
            "resolution_target": policy.standards.resolution_target,
            "min_contacts": policy.standards.min_contacts,
        },
        "team": {
            "offered": offered,
            "answered": answered,
            "abandoned": abandoned,
            "waiting": waiting,
            "abandonment_rate": abandonment_rate,
            "service_level": service_level,
        },
        "agents": [_report_row(row, policy) for row in rows],
    }


def _report_row(row: dict[str, object], policy: PolicyOrFigures) -> dict[str, object]:
    """One agent of the report: the fields of `REPORT_AGENT_FIELDS`, with the overall status."""
    minimum = policy.standards.min_contacts
    handled = int(row["handled"])  # type: ignore[call-overload]
    statuses = [
        metric_status(row[metric], handled, target, minimum)  # type: ignore[arg-type]
        for metric, target in targets(policy).items()
    ]
    judged = {**row, "handled": handled, "status": overall_status(handled, statuses, minimum)}
    return {field: judged[field] for field in REPORT_AGENT_FIELDS}


@dataclass(frozen=True)
class TeamSummary:
    """The headline numbers of a team (or of everyone the viewer may see) for a period."""

    queue: QueueMetrics
    handled: int
    wait_median_s: float | None
    resolved: int
    resolution_rate: float | None
    ratings: int
    good_ratings: int
    csat: float | None


def team_summary(
    db: Database, viewer: Viewer, policy: PolicyOrFigures, period: Period
) -> TeamSummary:
    """Queue metrics (see `queue_metrics`) plus, over all handled contacts pooled: the median
    wait, resolution rate = resolved ÷ handled, and CSAT as in `agent_metrics` (ratings 4–5 and
    good ÷ all ratings). From the rollups where they give the numbers exactly
    (`hourly_rollups_apply`), else from the contacts."""
    visible = visible_period(viewer, period)
    with db.cursor() as cur:
        if hourly_rollups_apply(cur, policy, visible):
            sql, params = _summary_from_rollups(policy, visible)
        else:
            sql, params = _summary_from_contacts(policy, visible)
        row = cur.execute(sql, params).fetchone()
    assert row is not None
    offered, answered, abandoned, within, waiting, median, resolved, ratings, good = row
    queue = _queue(int(offered), int(answered), int(abandoned), int(within), int(waiting))
    handled = queue.answered
    return TeamSummary(
        queue=queue,
        handled=int(handled),
        wait_median_s=median,
        resolved=int(resolved),
        resolution_rate=resolved / handled if handled else None,
        ratings=int(ratings),
        good_ratings=int(good),
        csat=good / ratings if ratings else None,
    )


def _summary_from_contacts(policy: PolicyOrFigures, period: Period) -> tuple[str, list[object]]:
    """`team_summary`'s numbers (offered, answered, abandoned, within, waiting, median wait,
    resolved, ratings, good ratings) in one row, from the contacts: one scan of the period for
    the queue and the handled contacts (handled = answered here: whoever answered); the ratings
    join feedback to a second scan."""
    where, params = scope_sql(policy, period)
    within_s, within_params = within_s_sql(policy)
    sql = (
        f"WITH contacts AS (SELECT {_QUEUE_COUNTS.format(within=within_s)},"
        "   quantile_cont(epoch(i.answered_at) - epoch(i.queued_at), 0.5),"
        "   count(*) FILTER (WHERE i.answered_at IS NOT NULL AND i.resolved)"
        f"  FROM interactions i WHERE {where}),"
        " rated AS (SELECT count(*),"
        f"   count(*) FILTER (WHERE {GOOD_RATING})"
        "  FROM feedback f JOIN interactions i ON i.id = f.interaction_id"
        f"  WHERE {where} AND i.answered_at IS NOT NULL)"
        " SELECT * FROM contacts, rated"
    )
    return sql, within_params * 2 + params + params


def _summary_from_rollups(policy: PolicyOrFigures, period: Period) -> tuple[str, list[object]]:
    """The row of `_summary_from_contacts` from the rollups: the counts from `contact_hours`, the
    waits (within the standard, median) from `contact_waits` in one scan, the waiting tickets
    from `contact_unanswered`."""
    hours, hour_params = hours_where(policy, period)
    first, after = period.bounds(policy.business_hours.timezone)
    within, within_params = within_s_sql(policy)
    wait_filters, wait_params = filters_sql(period, "w")
    unanswered_filters, unanswered_params = filters_sql(period, "u")
    sql = f"""
        WITH counts AS (
            SELECT coalesce(sum(h.offered), 0) AS offered,
                   coalesce(sum(h.answered), 0) AS answered,
                   coalesce(sum(h.abandoned), 0) AS abandoned,
                   coalesce(sum(h.resolved), 0) AS resolved,
                   coalesce(sum(h.rated_1 + h.rated_2 + h.rated_3 + h.rated_4 + h.rated_5
                                + h.rated_bad + h.rated_good), 0) AS ratings,
                   coalesce(sum(h.rated_4 + h.rated_5 + h.rated_good), 0) AS good_ratings
            FROM contact_hours h WHERE {hours}
        ),
        waits AS (
            SELECT count(*) FILTER (WHERE w.wait_s <= {within.replace("i.channel", "w.channel")})
                       AS answered_within,
                   quantile_cont(w.wait_s, 0.5) AS wait_median_s
            FROM contact_waits w
            WHERE w.queued_at >= ? AND w.queued_at < ?{wait_filters}
        ),
        unanswered AS (
            SELECT count(*) FILTER (WHERE u.unanswered_s
                                    <= {within.replace("i.channel", "u.channel")}) AS waiting
            FROM contact_unanswered u
            WHERE u.queued_at >= ? AND u.queued_at < ?{unanswered_filters}
        )
        SELECT c.offered, c.answered, c.abandoned, w.answered_within, u.waiting,
               w.wait_median_s, c.resolved, c.ratings, c.good_ratings
        FROM counts c, waits w, unanswered u
    """
    params = [
        *hour_params,
        *within_params,
        first,
        after,
        *wait_params,
        *within_params,
        first,
        after,
        *unanswered_params,
    ]
    return sql, params


DEFINITIONS = {
    "Offered": "Every contact queued in the period (by its local date), answered or not.",
    "Service level": (
        "Contacts answered within their channel's standard ÷ contacts offered, leaving out those "
        "still waiting. Abandoned contacts, and contacts whose standard passed with no answer, "
        "count as missed. For an agent: handled contacts answered within the standard ÷ handled "
        "contacts. A wait equal to the standard is within it."
    ),
    "Waiting": (
        "A ticket nobody has answered yet (a helpdesk ticket with no reply, an e-mail or social "
        "message with no answer time) is waiting, not abandoned, while its channel's standard "
        "had not passed when it was last seen unanswered: at the latest time in the export that "
        "brought it. It is left out of the service level until then; once the standard has "
        "passed with no reply it counts as missed. A later export with the reply updates it."
    ),
    "Abandonment": (
        "Contacts the customer gave up on before an answer (a call or chat that ended "
        "unanswered) ÷ contacts offered. A ticket with no reply is waiting, not abandoned."
    ),
    "Wait": (
        "Answered at − queued at, in seconds, over answered contacts: mean, median (the middle "
        "value; the mean of the two middle values for an even count) and p90 (90% of customers "
        "waited this long or less; linear interpolation)."
    ),
    "Resolution": "Resolved contacts ÷ handled (answered) contacts.",
    "First-contact resolution": (
        "Resolved contacts whose case has exactly one contact among everything stored ÷ "
        "resolved contacts. A contact without a case id is a case of its own."
    ),
    "CSAT": (
        "Ratings of 4 or 5 on the 1–5 scale plus 'good' ratings ÷ all ratings on either scale. "
        "The mean of the 1–5 ratings is shown beside it."
    ),
    "n and the interval": (
        "Every rate shows its denominator (n) and a 95% Wilson interval: the range the true "
        "rate is likely in, given how few contacts it rests on."
    ),
    "Status": (
        "meets / below the policy's target for service level, resolution and CSAT; "
        "'insufficient' when the agent handled fewer contacts than the policy's minimum. "
        "Nobody with insufficient data is flagged, ranked or praised."
    ),
}


def contact_days(db: Database, policy: PolicyOrFigures) -> tuple[date, date] | None:
    """The first and last local dates with a stored contact (None when there are none): the
    range a date filter can offer."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT CAST(timezone(?, min(queued_at)) AS DATE),"
            " CAST(timezone(?, max(queued_at)) AS DATE) FROM interactions",
            [policy.business_hours.timezone] * 2,
        ).fetchone()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]
