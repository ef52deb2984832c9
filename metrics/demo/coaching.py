"""The demo organisation's coaching plans (issue 14, item 1), generated and marked `is_demo`.

How they are made, so that nobody mistakes them for evidence:

- the agents are the demo's own coaching candidates (`coaching_candidates`: enough contacts,
  below a target) over the whole weeks before each plan's day, read from the generated
  contacts by the product's own metrics: for the closed plans the two clearest cases and the
  two least clear ones (only possibly below); the focus (the agent's main gap, beside the
  policy's target) and the observation follow from that, and the goal agreed is half of the
  way from the agent's value to the policy's target (GOAL_STEP);
- *closed* plans were opened k whole weeks after the demo's first day (k = up to 4, as many as
  the demo's days allow on both sides) and closed the day after k whole weeks since; each goal
  is judged then exactly as the plan page judges it (`metrics/coaching/before_after.py`, over
  the generated contacts), so which goals were met is whatever the generated traffic gives,
  never written in;
- *open* plans were opened 10 days before the demo's last day, for the next candidates over
  the four weeks before (fewer in a short demo), with the review four weeks after opening;
  one is acknowledged by its agent, one is not.

No refresher module is assigned by the demo's plans: an assignment would change the demo's
training compliance, which other pages show as generated. The plans are written in their own
transaction after the demo's contacts are committed, since the metrics read committed data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from metrics import people
from metrics.coaching.before_after import GoalJudgement, Side, judge_goal, weeks_around
from metrics.coaching.plans import metric_side
from metrics.performance.agents import agent_metrics, targets
from metrics.performance.period import DEFAULT_DAYS, Period
from metrics.performance.recognition import METRIC_LABELS, coaching_candidates
from metrics.store import Database, transaction
from modules.policy import Policy

CLOSED_PLANS = 4
OPEN_PLANS = 2
MAX_WEEKS = 4  # the weeks each side of a closed plan, when the demo has the days for them
OPEN_SINCE_DAYS = 10
MIN_FOCUS_DAYS = 7  # an open plan's focus is read over four weeks, or at least one in a short demo
REVIEW_AFTER_DAYS = 28
# A first plan asks for a step towards the target, not the whole way in a month: half of it.
GOAL_STEP = 0.5
CLOSING_NOTE = "Reviewed together (demo)."
PLAN_HOUR = 10  # local time the demo's supervisors sat down with their agents
_METRIC_BY_LABEL = {label: metric for metric, label in METRIC_LABELS.items()}


@dataclass(frozen=True)
class _Plan:
    agent_id: int
    metric: str
    focus: Side
    focus_from: date
    focus_to: date
    target: float  # the policy's, beside the focus
    goal: float  # the goal agreed
    opened: date
    review: date
    closed: date | None
    judged: GoalJudgement | None
    acknowledged: bool


def _spread(candidates: list[tuple[int, str]], count: int) -> list[tuple[int, str]]:
    """The clearest half of `count` candidates and the least clear half: a supervisor coaches
    both those clearly below and those only possibly so, and the plans show what that gives."""
    if len(candidates) <= count:
        return candidates
    clearest = count - count // 2
    return candidates[:clearest] + candidates[len(candidates) - count // 2 :]


def _goal(focus: Side, target: float) -> float:
    """The goal a demo supervisor agrees: GOAL_STEP of the way from where the agent stood to
    the policy's target, in whole percent (the policy's target when there was no value)."""
    if focus.value is None or focus.value >= target:
        return target
    return round(focus.value + GOAL_STEP * (target - focus.value), 2)


def _moment(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(PLAN_HOUR), zone)


def _candidates(db: Database, policy: Policy, start: date, end: date) -> list[tuple[int, str]]:
    """(agent id, main metric) of the demo's coaching candidates over the dates."""
    frame = agent_metrics(db, people.Viewer.local_admin(), policy, Period(start=start, end=end))
    found = coaching_candidates(frame, policy)
    return [
        (int(row["agent_id"]), _METRIC_BY_LABEL[str(row["metric"])])
        for row in found.to_dict("records")
    ]


def insert_coaching(db: Database, policy: Policy, first_day: date, last_day: date) -> int:
    """Write the demo's plans over contacts from `first_day` to `last_day` (local dates);
    returns how many plans were written."""
    zone = ZoneInfo(policy.business_hours.timezone)
    span = (last_day - first_day).days + 1
    weeks = min(MAX_WEEKS, (span - 1) // 14)
    viewer = people.Viewer.local_admin()
    planned: list[_Plan] = []
    policy_targets = targets(policy)
    used: set[int] = set()
    if weeks >= 1:
        plan_day = first_day + timedelta(days=7 * weeks)
        closed_day = plan_day + timedelta(days=7 * weeks + 1)
        around = weeks_around(plan_day, closed_day)
        assert around is not None and around.weeks == weeks
        for agent_id, metric in _spread(
            _candidates(db, policy, around.before_start, around.before_end), CLOSED_PLANS
        ):
            before = metric_side(
                db, viewer, policy, agent_id, metric, around.before_start, around.before_end
            )
            since = metric_side(
                db, viewer, policy, agent_id, metric, around.since_start, around.since_end
            )
            target = _goal(before, policy_targets[metric])
            judged = judge_goal(
                metric, target, around, before, since, min_contacts=policy.standards.min_contacts
            )
            planned.append(
                _Plan(
                    agent_id, metric, before, around.before_start, around.before_end,
                    policy_targets[metric], target, plan_day, closed_day, closed_day, judged,
                    acknowledged=True,
                )
            )  # fmt: skip
            used.add(agent_id)
    open_day = last_day - timedelta(days=OPEN_SINCE_DAYS)
    if open_day - timedelta(days=MIN_FOCUS_DAYS) >= first_day:
        focus_start = max(first_day, open_day - timedelta(days=DEFAULT_DAYS))
        fresh = [
            found
            for found in _candidates(db, policy, focus_start, open_day - timedelta(days=1))
            if found[0] not in used
        ][:OPEN_PLANS]
        for index, (agent_id, metric) in enumerate(fresh):
            focus = metric_side(
                db, viewer, policy, agent_id, metric, focus_start, open_day - timedelta(days=1)
            )
            planned.append(
                _Plan(
                    agent_id, metric, focus, focus_start, open_day - timedelta(days=1),
                    policy_targets[metric], _goal(focus, policy_targets[metric]), open_day,
                    open_day + timedelta(days=REVIEW_AFTER_DAYS),
                    None, None, acknowledged=index == 0,
                )
            )  # fmt: skip
    with transaction(db) as cur:
        supervisors = dict(
            cur.execute(
                "SELECT team_id, min(id) FROM staff WHERE role = 'supervisor' AND is_demo"
                " GROUP BY team_id"
            ).fetchall()
        )
        teams = dict(cur.execute("SELECT id, team_id FROM staff WHERE is_demo").fetchall())
        for plan in planned:
            team_id = teams.get(plan.agent_id)
            supervisor = supervisors.get(team_id)
            if supervisor is None:
                continue
            opened = _moment(plan.opened, zone)
            closed = _moment(plan.closed, zone) if plan.closed is not None else None
            row = cur.execute(
                "INSERT INTO coaching_plans (agent_id, team_id, opened_by, opened_at,"
                " opened_from, review_on, acknowledged_at, closed_at, closed_by, closing_note,"
                " focus_from, focus_to, is_demo)"
                " VALUES (?, ?, ?, ?, 'candidate', ?, ?, ?, ?, ?, ?, ?, true) RETURNING id",
                [
                    plan.agent_id,
                    team_id,
                    supervisor,
                    opened,
                    plan.review,
                    opened + timedelta(days=1) if plan.acknowledged else None,
                    closed,
                    supervisor if closed is not None else None,
                    CLOSING_NOTE if closed is not None else None,
                    plan.focus_from,
                    plan.focus_to,
                ],
            ).fetchone()
            assert row is not None
            plan_id = int(row[0])
            cur.execute(
                "INSERT INTO coaching_plan_focus (plan_id, metric, value, n, low, high, target)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    plan_id,
                    plan.metric,
                    plan.focus.value,
                    plan.focus.n,
                    plan.focus.low,
                    plan.focus.high,
                    plan.target,
                ],
            )
            cur.execute(
                "INSERT INTO coaching_observations (plan_id, observed) VALUES (?, ?)",
                [
                    plan_id,
                    f"Demo: below the target on {METRIC_LABELS[plan.metric].lower()} in the "
                    "weeks before.",
                ],
            )
            result = plan.judged.since if plan.judged is not None else None
            cur.execute(
                "INSERT INTO coaching_goals (plan_id, metric, target, due, closed_value,"
                " closed_n, met) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    plan_id,
                    plan.metric,
                    plan.goal,
                    plan.review,
                    result.value if result is not None else None,
                    result.n if result is not None else None,
                    plan.judged.met if plan.judged is not None else None,
                ],
            )
            if closed is not None:
                cur.execute(
                    "INSERT INTO coaching_plan_notes (plan_id, kind, written_by, written_at,"
                    " note) VALUES (?, 'closed', ?, ?, ?)",
                    [plan_id, supervisor, closed, CLOSING_NOTE],
                )
        written = cur.execute("SELECT count(*) FROM coaching_plans WHERE is_demo").fetchone()
    return int(written[0]) if written else 0


def remove_coaching(cur: Database) -> int:
    """Delete the demo's plans and everything of theirs, inside the caller's transaction."""
    demo = "plan_id IN (SELECT id FROM coaching_plans WHERE is_demo)"
    for table in (
        "coaching_plan_focus",
        "coaching_observations",
        "coaching_goals",
        "coaching_plan_refreshers",
        "coaching_plan_notes",
    ):
        cur.execute(f"DELETE FROM {table} WHERE {demo}")
    row = cur.execute("DELETE FROM coaching_plans WHERE is_demo").fetchone()
    return int(row[0]) if row else 0
