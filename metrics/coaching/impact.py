"""What a training module (or a policy version's rollout) changed: difference in differences
with a 95% interval by bootstrap over agents (issue 14, item 4).

The step. An agent's step is the local date (the policy's `business_hours.timezone`) on which
they first passed the module (`training_attempts.passed`), or first signed the policy version
(`policy_acknowledgements`).

The weeks. For an agent whose step is day s, "before" is the `weeks` × 7 local days up to and
including s − 1, and "after" the `weeks` × 7 local days from s + 1: the step day itself, half
trained, belongs to neither. An agent counts as trained only once their whole after window has
ended (its last day is before today, by `metrics.clock`): a window still running would compare
a few days with whole weeks.

The comparison. For each trained agent, the agents not yet trained at that time, that is whose
own step (if any) comes after the trained agent's after window has ended, are measured over the
very same calendar days (the trained agent's before and after windows). Agents who passed on
the same day form one cohort and share one comparison; each trained agent is set beside their
cohort's comparison, so a cohort of many agents weighs as much as its agents.

An agent's value. In each window each agent has their own rate, over their own contacts there
(the definitions of `metrics/performance/agents.py` and `metrics/complaints/report.py`):
- `service_level`: handled contacts answered within the channel's standard ÷ handled;
- `resolution_rate`: resolved ÷ handled;
- `csat`: good ratings (4–5 on 1–5, or good) ÷ ratings of the contacts they handled;
- `follow_up_compliance`: complaints they handle, received in the window, followed up by their
  due moment ÷ those whose due moment has passed.
The rates are not weighted by contacts: the question is what the training did to agents, and
each agent counts once. An agent with no contacts (no ratings, no complaints due) in either
window has no change of that metric and is left out of it, trained or comparison alike; a
trained agent whose cohort has no comparison agent with a change is left out too.

The estimate. For a metric, with T the trained agents who count and, for agent i of cohort c,
C(c) the comparison agents who count over c's windows:
    trained_before = mean over i of before_i        (trained_after likewise)
    comparison_before = mean over i of (mean over j in C(c_i) of before_j(c_i))   (likewise)
    difference = (trained_after − trained_before) − (comparison_after − comparison_before)
All four metrics are fractions where higher is better, so the difference is in fraction points.

The interval. A bootstrap over agents, not contacts (an agent's contacts are not independent
of each other): `RESAMPLES` resamples of the agents who take part in the metric, drawn with
replacement (as multinomial counts, so an agent drawn twice weighs twice in every role they
play: trained, and comparison of earlier cohorts), the estimate recomputed on each with matrix
products (numpy, no loop over resamples), and percentiles of the estimates taken. The plain
2.5th and 97.5th percentiles are too narrow for a few agents (a bootstrap's spread is the
sample's, √((n−1)/n) of the population's, and a z where a t belongs): with 15 agents a side
they held the true difference 94% of the time. So the percentiles are those of the *expanded
percentile interval* (Hesterberg, "What teachers should know about the bootstrap", 2015):
α' = 2·Φ(−√(n/(n−1))·t(n−1, 0.975)) in place of 0.05, with n the smaller of the two groups;
on constructed cohorts of 10 to 30 agents a side that held it 95–98% of the time. The
generator is seeded (`BOOTSTRAP_SEED`): the same store gives the same interval every time.

The conclusion. "too few agents" when fewer than the policy's `training.min_agents_for_impact`
trained agents, or fewer comparison agents, count for the metric: then nothing can be
concluded. Else "within the noise" when the interval includes 0, else "improved" when it lies
above 0 and "worse" when below.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np

from metrics import clock
from metrics.contacts.ratings import GOOD_RATING
from metrics.performance.intervals import Z_95
from metrics.performance.period import within_s_sql
from metrics.store import Database
from metrics.viewer import AccessDenied, Viewer, visible_team_id
from modules.defaults import DEFAULT_IMPACT_WEEKS, MAX_IMPACT_WEEKS
from modules.policy import Policy

METRICS = ("service_level", "resolution_rate", "csat", "follow_up_compliance")
METRIC_LABELS = {
    "service_level": "Service level",
    "resolution_rate": "Resolution rate",
    "csat": "CSAT",
    "follow_up_compliance": "Complaint follow-up compliance",
}
Conclusion = Literal["improved", "worse", "within the noise", "too few agents"]
StepKind = Literal["module", "policy"]

# 2,000 resamples put a 2.5% percentile within about 0.06 standard errors of where infinitely
# many would (√(0.025 × 0.975 / 2000) ÷ φ(1.96)): enough for an interval read to one decimal of
# a point.
RESAMPLES = 2000
BOOTSTRAP_SEED = 14  # fixed, so that one store always shows one interval
DEFAULT_WEEKS, MAX_WEEKS = DEFAULT_IMPACT_WEEKS, MAX_IMPACT_WEEKS  # why: modules/defaults.py
# A resample where no trained agent has a comparison has no estimate; when more than this
# share of resamples have none, the cohort is too thin for an interval at all.
MAX_EMPTY_RESAMPLES = 0.05

METHOD = (
    "Difference in differences: the trained agents' change from the weeks before they passed to "
    "the weeks after, minus the change over the same calendar weeks of agents not yet trained "
    "then. Each agent's own rate counts once (not weighted by contacts). The 95% interval is a "
    f"bootstrap over agents ({RESAMPLES:,} resamples of agents, not contacts, seeded), its "
    "percentiles widened for small groups (the expanded percentile interval)."
)


class UnknownStep(LookupError):
    """The module or policy version asked for is not there."""


@dataclass(frozen=True)
class MetricImpact:
    """One metric's before and after, for the trained agents and the comparison."""

    metric: str
    trained_agents: int  # trained agents who count for this metric
    comparison_agents: int  # comparison agents who count for this metric
    trained_before: float | None
    trained_after: float | None
    comparison_before: float | None
    comparison_after: float | None
    difference: float | None
    low: float | None
    high: float | None
    conclusion: Conclusion

    @property
    def label(self) -> str:
        return METRIC_LABELS[self.metric]


@dataclass(frozen=True)
class TrainingImpact:
    """A module's (or a policy version's) impact over the viewer's agents."""

    kind: StepKind
    step: str  # the module's id, or the policy version's number as text
    weeks: int
    trained_agents: int  # agents whose after window has ended
    comparison_agents: int  # agents not yet trained over at least one trained agent's windows
    passed_recently: int  # passed, but their after window has not ended yet
    min_agents: int
    first_step: date | None
    last_step: date | None
    metrics: list[MetricImpact]

    def answer(self) -> dict[str, object]:
        """The JSON of `academy report training-impact`, exactly in the issue's shape."""
        return {
            "module": self.step,
            "weeks": self.weeks,
            "trained_agents": self.trained_agents,
            "comparison_agents": self.comparison_agents,
            "metrics": [
                {
                    "metric": found.metric,
                    "trained_before": found.trained_before,
                    "trained_after": found.trained_after,
                    "comparison_before": found.comparison_before,
                    "comparison_after": found.comparison_after,
                    "difference": found.difference,
                    "interval": [found.low, found.high],
                    "conclusion": found.conclusion,
                }
                for found in self.metrics
            ],
        }


# --- The estimate, on arrays -----------------------------------------------------------------


@dataclass(frozen=True)
class Cohorts:
    """One metric's rates, ready for the estimate. Agents are columns 0..A−1, cohorts (step
    days) rows 0..C−1. `before[c, a]` and `after[c, a]` are agent a's rates over cohort c's
    windows (NaN where they had nothing to count); `trained_agent[i]` and `trained_cohort[i]`
    say who trained agent i is and when they passed; `comparison[c, a]` whether agent a was
    not yet trained over cohort c's windows."""

    before: np.ndarray
    after: np.ndarray
    trained_agent: np.ndarray
    trained_cohort: np.ndarray
    comparison: np.ndarray


@dataclass(frozen=True)
class Estimate:
    trained_agents: int
    comparison_agents: int
    trained_before: float | None
    trained_after: float | None
    comparison_before: float | None
    comparison_after: float | None
    difference: float | None
    low: float | None
    high: float | None


def _four_means(
    weights: np.ndarray, cohorts: Cohorts, counted: np.ndarray, compared: np.ndarray
) -> tuple[np.ndarray, ...]:
    """The four means of the module docstring for each row of agent weights (B × A): the
    point estimate is one row of ones, a bootstrap resample a row of draw counts."""
    before = np.where(compared, cohorts.before, 0.0)
    after = np.where(compared, cohorts.after, 0.0)
    mask = compared.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        comparison_weight = weights @ mask.T  # B × C
        comparison_before = (weights @ before.T) / comparison_weight
        comparison_after = (weights @ after.T) / comparison_weight
        agent, cohort = cohorts.trained_agent, cohorts.trained_cohort
        trained_weight = weights[:, agent] * counted * (comparison_weight[:, cohort] > 0)
        total = trained_weight.sum(axis=1)
        own_before = np.where(counted, cohorts.before[cohort, agent], 0.0)
        own_after = np.where(counted, cohorts.after[cohort, agent], 0.0)

        def mean(values: np.ndarray) -> np.ndarray:
            return (trained_weight * np.nan_to_num(values)).sum(axis=1) / total

        return (
            mean(own_before),
            mean(own_after),
            mean(comparison_before[:, cohort]),
            mean(comparison_after[:, cohort]),
        )


def estimate(
    cohorts: Cohorts, *, resamples: int = RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> Estimate:
    """The difference in differences and its bootstrap interval (see the module docstring)."""
    agent, cohort = cohorts.trained_agent, cohorts.trained_cohort
    counted = np.isfinite(cohorts.before[cohort, agent]) & np.isfinite(cohorts.after[cohort, agent])
    compared = cohorts.comparison & np.isfinite(cohorts.before) & np.isfinite(cohorts.after)
    # Trained agents count only where their cohort has a comparison.
    counted &= compared[cohort].any(axis=1)
    used_cohorts = np.unique(cohort[counted])
    comparing = compared[used_cohorts].any(axis=0)
    trained_n = int(counted.sum())
    comparison_n = int(comparing.sum())
    if trained_n == 0 or comparison_n == 0:
        return Estimate(trained_n, comparison_n, None, None, None, None, None, None, None)
    taking_part = np.zeros(cohorts.before.shape[1], dtype=bool)
    taking_part[agent[counted]] = True
    taking_part |= comparing
    point = [
        float(v[0]) for v in _four_means(np.ones((1, len(taking_part))), cohorts, counted, compared)
    ]
    difference = (point[1] - point[0]) - (point[3] - point[2])

    # Resample the agents who take part; the others keep weight 0 in every resample.
    rng = np.random.default_rng(seed)
    part = np.flatnonzero(taking_part)
    draws = rng.multinomial(len(part), np.full(len(part), 1 / len(part)), size=resamples)
    weights = np.zeros((resamples, len(taking_part)))
    weights[:, part] = draws
    tb, ta, cb, ca = _four_means(weights, cohorts, counted, compared)
    differences = (ta - tb) - (ca - cb)
    finite = differences[np.isfinite(differences)]
    low = high = None
    if min(trained_n, comparison_n) >= 2 and len(finite) >= (1 - MAX_EMPTY_RESAMPLES) * resamples:
        tail = 50 * expanded_alpha(min(trained_n, comparison_n))
        low = float(np.percentile(finite, tail))
        high = float(np.percentile(finite, 100 - tail))
    trained_before, trained_after, comparison_before, comparison_after = point
    return Estimate(
        trained_n,
        comparison_n,
        trained_before,
        trained_after,
        comparison_before,
        comparison_after,
        difference,
        low,
        high,
    )


def _t_quantile(z: float, df: int) -> float:
    """Student's t quantile from the normal one `z`, by the Cornish-Fisher expansion
    (Abramowitz and Stegun 26.7.5): within 0.001 of the exact value from 4 degrees of freedom
    on (t(4, 0.975) = 2.7764, this gives 2.7756), no statistics library needed."""
    v = float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    )


def expanded_alpha(n: int) -> float:
    """The two-sided α of the expanded percentile interval for n agents (see the module
    docstring): below 0.05, more so the fewer the agents."""
    z = Z_95
    t = _t_quantile(z, n - 1)
    widened = math.sqrt(n / (n - 1)) * t
    return 2 * 0.5 * math.erfc(widened / math.sqrt(2))


def conclusion(found: Estimate, min_agents: int) -> Conclusion:
    """What the estimate allows one to say (see the module docstring)."""
    if (
        found.trained_agents < min_agents
        or found.comparison_agents < min_agents
        or found.low is None
        or found.high is None
    ):
        return "too few agents"
    if found.low <= 0 <= found.high:
        return "within the noise"
    return "improved" if found.low > 0 else "worse"


# --- From the store --------------------------------------------------------------------------


def modules_attempted(db: Database) -> set[str]:
    """The ids of the modules anyone has attempted: a module removed from the modules folder
    still has its history to measure."""
    with db.cursor() as cur:
        rows = cur.execute("SELECT DISTINCT module_id FROM training_attempts").fetchall()
    return {str(module_id) for (module_id,) in rows}


def _scope_team(viewer: Viewer, team_id: int | None) -> int | None:
    if viewer.role == "agent":
        raise AccessDenied("training impact compares agents: it is for supervisors and owners")
    return visible_team_id(viewer, team_id)


def _agents(db: Database, team: int | None) -> list[int]:
    where, params = ("AND team_id = ?", [team]) if team is not None else ("", [])
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT id FROM staff WHERE role = 'agent' {where} ORDER BY id", params
        ).fetchall()
    return [int(staff_id) for (staff_id,) in rows]


def _steps(
    db: Database, kind: StepKind, step: str, zone: str, agents: Sequence[int]
) -> dict[int, date]:
    """Each agent's step day: their first pass of the module, or first signature of the
    version."""
    if kind == "module":
        sql = (
            "SELECT staff_id, min(timezone(?, completed_at))::DATE FROM training_attempts"
            " WHERE module_id = ? AND passed AND staff_id IN (SELECT unnest(?))"
            " GROUP BY staff_id"
        )
        params: list[object] = [zone, step, list(agents)]
    else:
        sql = (
            "SELECT staff_id, min(timezone(?, acknowledged_at))::DATE"
            " FROM policy_acknowledgements"
            " WHERE policy_version = ? AND staff_id IN (SELECT unnest(?)) GROUP BY staff_id"
        )
        params = [zone, int(step), list(agents)]
    with db.cursor() as cur:
        return {int(staff): day for staff, day in cur.execute(sql, params).fetchall()}


def _daily_counts(
    db: Database,
    policy: Policy,
    agents: Sequence[int],
    first: date,
    last: date,
    as_of: datetime,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per metric, (successes, n) per agent (rows, in `agents` order) and local day (columns,
    `first` to `last`)."""
    zone = policy.business_hours.timezone
    local = ZoneInfo(zone)
    start = datetime.combine(first, time(0), local)
    end = datetime.combine(last + timedelta(days=1), time(0), local)
    days = (last - first).days + 1
    row_of = {agent: i for i, agent in enumerate(agents)}
    shape = (len(agents), days)
    counts = {
        name: np.zeros(shape)
        for name in ("handled", "within", "resolved", "ratings", "good", "due", "on_time")
    }
    within, within_params = within_s_sql(policy)
    contacts_sql = f"""
        SELECT i.agent_id, timezone(?, i.queued_at)::DATE AS day, count(*) AS handled,
            count(*) FILTER (WHERE epoch(i.answered_at) - epoch(i.queued_at) <= {within}),
            count(*) FILTER (WHERE i.resolved)
        FROM interactions i
        WHERE i.answered_at IS NOT NULL AND i.agent_id IN (SELECT unnest(?))
            AND i.queued_at >= ? AND i.queued_at < ?
        GROUP BY ALL
    """
    ratings_sql = f"""
        SELECT i.agent_id, timezone(?, i.queued_at)::DATE AS day, count(*),
            count(*) FILTER (WHERE {GOOD_RATING})
        FROM interactions i JOIN feedback f ON f.interaction_id = i.id
        WHERE i.answered_at IS NOT NULL AND i.agent_id IN (SELECT unnest(?))
            AND i.queued_at >= ? AND i.queued_at < ?
        GROUP BY ALL
    """
    # The follow-up's due moment as metrics/complaints/report.py defines it: the end of the
    # local day `complaint_follow_up_days` after receipt, or of an earlier `follow_up_due`.
    complaints_sql = """
        WITH due AS (
            SELECT c.handled_by, timezone(?, c.received_at)::DATE AS day, c.followed_up_at,
                timezone(?, (least(c.follow_up_due, timezone(?, c.received_at)::DATE
                    + ?::INTEGER) + 1)::TIMESTAMP) AS due_at
            FROM complaints c
            WHERE c.handled_by IN (SELECT unnest(?)) AND c.received_at >= ? AND c.received_at < ?
        )
        SELECT handled_by, day, count(*), count(*) FILTER (WHERE followed_up_at < due_at)
        FROM due WHERE due_at <= ? GROUP BY ALL
    """
    follow_up_days = policy.standards.complaint_follow_up_days
    with db.cursor() as cur:
        for agent, day, handled, answered_within, resolved in cur.execute(
            contacts_sql, [zone, *within_params, list(agents), start, end]
        ).fetchall():
            at = (row_of[int(agent)], (day - first).days)
            counts["handled"][at] = handled
            counts["within"][at] = answered_within
            counts["resolved"][at] = resolved
        for agent, day, ratings, good in cur.execute(
            ratings_sql, [zone, list(agents), start, end]
        ).fetchall():
            at = (row_of[int(agent)], (day - first).days)
            counts["ratings"][at] = ratings
            counts["good"][at] = good
        for agent, day, due, on_time in cur.execute(
            complaints_sql,
            [zone, zone, zone, follow_up_days, list(agents), start, end, as_of],
        ).fetchall():
            at = (row_of[int(agent)], (day - first).days)
            counts["due"][at] = due
            counts["on_time"][at] = on_time
    return {
        "service_level": (counts["within"], counts["handled"]),
        "resolution_rate": (counts["resolved"], counts["handled"]),
        "csat": (counts["good"], counts["ratings"]),
        "follow_up_compliance": (counts["on_time"], counts["due"]),
    }


def _window_rates(
    successes: np.ndarray, n: np.ndarray, starts: np.ndarray, length: int
) -> np.ndarray:
    """Each agent's rate over the days [start, start + length) of each cohort (C × A), from
    cumulative sums; NaN where they had nothing to count."""
    days = successes.shape[1]
    a = np.clip(starts, 0, days)
    b = np.clip(starts + length, 0, days)
    cum_s = np.concatenate([np.zeros((len(successes), 1)), successes.cumsum(axis=1)], axis=1)
    cum_n = np.concatenate([np.zeros((len(n), 1)), n.cumsum(axis=1)], axis=1)
    total_s = (cum_s[:, b] - cum_s[:, a]).T
    total_n = (cum_n[:, b] - cum_n[:, a]).T
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total_n > 0, total_s / total_n, np.nan)


def training_impact(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    *,
    module: str | None = None,
    policy_version: int | None = None,
    weeks: int = DEFAULT_WEEKS,
    team_id: int | None = None,
    as_of: datetime | None = None,
) -> TrainingImpact:
    """The impact of passing `module`, or of signing `policy_version` (exactly one of them), over
    the agents the viewer may see (a supervisor's team; an owner's everyone, or `team_id`), as
    the module docstring defines it. `as_of` is "now" (default: `metrics.clock.now()`).
    Raises UnknownStep for a policy version that was never recorded, AccessDenied for agents and
    beyond the viewer's scope, ValueError for weeks outside 1..MAX_WEEKS."""
    if (module is None) == (policy_version is None):
        raise ValueError("name a module or a policy version, not both")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be from 1 to {MAX_WEEKS}")
    team = _scope_team(viewer, team_id)
    kind: StepKind = "module" if module is not None else "policy"
    step = module if module is not None else str(policy_version)
    if kind == "policy":
        with db.cursor() as cur:
            known = cur.execute(
                "SELECT count(*) FROM policy_versions WHERE version = ?", [policy_version]
            ).fetchone()
        if known is None or known[0] == 0:
            raise UnknownStep(f"no policy version {policy_version} is recorded")
    zone = policy.business_hours.timezone
    moment = (as_of or clock.now()).astimezone(UTC)
    today = moment.astimezone(ZoneInfo(zone)).date()
    length = 7 * weeks
    agents = _agents(db, team)
    steps = _steps(db, kind, step, zone, agents)
    # Trained: their after window [s + 1, s + 1 + length) has ended before today.
    trained = {a: s for a, s in steps.items() if s + timedelta(days=1 + length) <= today}
    recent = len(steps) - len(trained)
    min_agents = policy.training.min_agents_for_impact
    if not trained:
        empty = Estimate(0, 0, None, None, None, None, None, None, None)
        return TrainingImpact(
            kind,
            step,
            weeks,
            0,
            0,
            recent,
            min_agents,
            None,
            None,
            [_metric(name, empty, min_agents) for name in METRICS],
        )
    cohort_days = sorted(set(trained.values()))
    first = cohort_days[0] - timedelta(days=length)
    last = cohort_days[-1] + timedelta(days=length)
    counts = _daily_counts(db, policy, agents, first, last, moment)
    cohort_of = {day: c for c, day in enumerate(cohort_days)}
    step_index = np.array(
        [(steps[a] - first).days if a in steps else np.iinfo(np.int32).max for a in agents],
        dtype=np.int64,
    )
    cohort_index = np.array([(day - first).days for day in cohort_days], dtype=np.int64)
    trained_agents = [i for i, a in enumerate(agents) if a in trained]
    trained_cohort = np.array([cohort_of[trained[agents[i]]] for i in trained_agents], dtype=int)
    # Not yet trained over the cohort's windows: no step up to the after window's last day.
    comparison = step_index[None, :] > (cohort_index + length)[:, None]
    comparing = int(comparison.any(axis=0).sum())
    results = []
    for name in METRICS:
        successes, n = counts[name]
        cohorts = Cohorts(
            before=_window_rates(successes, n, cohort_index - length, length),
            after=_window_rates(successes, n, cohort_index + 1, length),
            trained_agent=np.array(trained_agents, dtype=int),
            trained_cohort=trained_cohort,
            comparison=comparison,
        )
        results.append(_metric(name, estimate(cohorts), min_agents))
    return TrainingImpact(
        kind,
        step,
        weeks,
        len(trained),
        comparing,
        recent,
        min_agents,
        cohort_days[0],
        cohort_days[-1],
        results,
    )


def _metric(name: str, found: Estimate, min_agents: int) -> MetricImpact:
    return MetricImpact(
        metric=name,
        trained_agents=found.trained_agents,
        comparison_agents=found.comparison_agents,
        trained_before=found.trained_before,
        trained_after=found.trained_after,
        comparison_before=found.comparison_before,
        comparison_after=found.comparison_after,
        difference=found.difference,
        low=found.low,
        high=found.high,
        conclusion=conclusion(found, min_agents),
    )
