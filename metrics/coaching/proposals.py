"""Refreshers that propose themselves (issue 14, item 2): a team's rule, and the plans it proposes.

A team's rule is on while its row in `team_coaching_rules` exists, with a rolling window in days.
Its team's supervisor, or an owner, turns it on, changes the window or turns it off; who may is
decided against the stored staff row inside the write's transaction.

A proposal is worked out when asked for, never stored: an agent of a team whose rule is on is
proposed a coaching plan on a judged standard (service level, resolution, CSAT) when, over the
window of `window_days` local days ending today (`metrics.clock`):

- the rate's own sample (handled contacts; ratings for CSAT) is at least the policy's
  `standards.min_contacts`, and
- they are *clearly* below its target: the whole 95% Wilson interval lies under it (the top of
  the interval is below the target; an interval touching the target is not clear),

unless the agent already has an open coaching plan with that focus metric, or a supervisor set
that proposal aside after the window began (a dismissal before the window's first day no longer
counts: the numbers judged are all newer than it). The contacts are those queued to the team, as
on the Coaching candidates page. Complaint follow-up compliance has no target in the policy, so
nothing is proposed on it.

Each proposal names the module that teaches its standard (a module's `teaches:`), or none. Its
"Confirm" is the address of the coaching plan's form, prefilled (`confirm_address`): nothing is
assigned until the supervisor submits that form. "Set aside" stores a dismissal (`set_aside`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import duckdb
from pydantic import BaseModel

from metrics import clock
from metrics.people import AccessDenied, PeopleError, Viewer, visible_team_id
from metrics.performance.agents import JUDGED, agent_metrics, targets
from metrics.performance.period import Period
from metrics.performance.recognition import DENOMINATORS
from metrics.store import Database, transaction
from modules.content import TrainingModule
from modules.policy import Policy

# The window a rule starts with: four whole weeks, the dashboard's default period, so that every
# weekday counts equally often.
DEFAULT_WINDOW_DAYS = 28
# The limits `team_coaching_rules` checks: under a week a few bad days decide; over a year the
# numbers say little about how someone works now.
MIN_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 365
MAX_REASON_CHARS = 300  # a sentence or two beside a dismissal
PLAN_PAGE = "coaching-plan"  # the coaching plan's page (its address is shared with plans14)


class CoachingRuleError(ValueError):
    """A rule or a dismissal that cannot be stored as asked: one line saying why."""


class TeamRule(BaseModel):
    """A team and its rule: `window_days` None when the rule is off."""

    team_id: int
    team: str
    window_days: int | None
    set_by: str | None  # who set it; None when it is off, or it was set at the command line
    set_at: datetime | None

    @property
    def is_on(self) -> bool:
        return self.window_days is not None


class Proposal(BaseModel):
    """One proposed plan: an agent clearly below one standard over their team's window."""

    agent_id: int
    agent: str | None  # e-mail
    name: str
    team_id: int
    team: str
    metric: str
    value: float
    n: int
    low: float
    high: float
    target: float
    window_start: date
    window_end: date
    window_days: int
    module_id: str | None  # the module that teaches this standard; None when no module does
    module_title: str | None

    @property
    def confirm_address(self) -> str:
        """The coaching plan's form for this agent, prefilled from the proposal."""
        query = {"agent": self.agent_id, "from": "proposal", "metric": self.metric}
        if self.module_id is not None:
            query["module"] = self.module_id
        return f"{PLAN_PAGE}?{urlencode(query)}"

    def answer(self) -> dict[str, object]:
        """The proposal as `academy coaching propose` prints it (dates ISO)."""
        return {
            "agent_id": self.agent_id,
            "agent": self.agent,
            "name": self.name,
            "team": self.team,
            "metric": self.metric,
            "value": self.value,
            "n": self.n,
            "interval": [self.low, self.high],
            "target": self.target,
            "window": {
                "start": self.window_start.isoformat(),
                "end": self.window_end.isoformat(),
                "days": self.window_days,
            },
            "module": (
                None
                if self.module_id is None
                else {"id": self.module_id, "title": self.module_title}
            ),
            "confirm": self.confirm_address,
        }


# --- The rule -----------------------------------------------------------------------------


def team_rules(db: Database, viewer: Viewer, team_id: int | None = None) -> list[TeamRule]:
    """Every team the viewer may see (owners all, supervisors their own) with its rule, by
    team name; one team with `team_id`."""
    team = visible_team_id(viewer, team_id)
    where, params = (" WHERE t.id = ?", [team]) if team is not None else ("", [])
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT t.id, t.name, r.window_days, s.name, r.set_at FROM teams t"
            " LEFT JOIN team_coaching_rules r ON r.team_id = t.id"
            " LEFT JOIN staff s ON s.id = r.set_by" + where + " ORDER BY t.name, t.id",
            params,
        ).fetchall()
    return [
        TeamRule(team_id=r[0], team=r[1], window_days=r[2], set_by=r[3], set_at=r[4]) for r in rows
    ]


def _check_may_set(cur: duckdb.DuckDBPyConnection, viewer: Viewer, team_id: int, what: str) -> str:
    """The team's name, if the viewer, as stored now, is an owner or this team's supervisor."""
    team = cur.execute("SELECT name FROM teams WHERE id = ?", [team_id]).fetchone()
    if team is None:
        raise PeopleError(f"no team with id {team_id}")
    if viewer.staff_id == Viewer.local_admin().staff_id:
        return str(team[0])
    row = cur.execute(
        "SELECT role, team_id FROM staff WHERE id = ? AND active", [viewer.staff_id]
    ).fetchone()
    if row is None or not (row[0] == "owner" or (row[0] == "supervisor" and row[1] == team_id)):
        raise AccessDenied(f"only an owner or the supervisor of {team[0]} may {what}")
    return str(team[0])


def set_team_rule(db: Database, viewer: Viewer, team_id: int, window_days: int | None) -> None:
    """Turn the team's rule on with a window of `window_days` days (or change the window), or
    off with None. An owner may set any team's, a supervisor their own team's."""
    if window_days is not None and not MIN_WINDOW_DAYS <= window_days <= MAX_WINDOW_DAYS:
        raise CoachingRuleError(
            f"the window must be {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS} days, not {window_days}"
        )
    local_admin = viewer.staff_id == Viewer.local_admin().staff_id
    with transaction(db) as cur:
        _check_may_set(cur, viewer, team_id, "set the team's coaching rule")
        cur.execute("DELETE FROM team_coaching_rules WHERE team_id = ?", [team_id])
        if window_days is not None:
            cur.execute(
                "INSERT INTO team_coaching_rules (team_id, window_days, set_by, set_at)"
                " VALUES (?, ?, ?, ?)",
                [team_id, window_days, None if local_admin else viewer.staff_id, clock.now()],
            )


# --- Proposals ----------------------------------------------------------------------------


def window(window_days: int, today: date) -> tuple[date, date]:
    """The rolling window's first and last local day: `window_days` days ending `today`."""
    return today - timedelta(days=window_days - 1), today


def teaching_module(metric: str, modules: Sequence[TrainingModule]) -> TrainingModule | None:
    """The first module (in the modules' order) that teaches the standard `metric`."""
    return next((module for module in modules if metric in module.teaches), None)


def proposals(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    modules: Sequence[TrainingModule],
    team_id: int | None = None,
) -> list[Proposal]:
    """The plans the teams' rules propose now (see the module's docstring), for the teams the
    viewer may see (owners: all, or `team_id`; supervisors: their own), clearest first: by how
    far the interval's top lies under the target."""
    zone = policy.business_hours.timezone
    today = clock.today(zone)
    minimum = policy.standards.min_contacts
    policy_targets = targets(policy)
    found: list[Proposal] = []
    for rule in team_rules(db, viewer, team_id):
        if rule.window_days is None:
            continue
        start, end = window(rule.window_days, today)
        period = Period(start=start, end=end, team_id=rule.team_id)
        window_began = period.bounds(zone)[0]
        members, open_focus, set_aside_since = _team_state(db, rule.team_id, window_began)
        frame = agent_metrics(db, viewer, policy, period)
        for record in frame.to_dict("records"):
            agent_id = int(record["agent_id"])
            if agent_id not in members:
                continue  # someone of another team who answered this team's contacts
            for metric in JUDGED:
                n = int(record[DENOMINATORS[metric]])
                high, target = record[f"{metric}_high"], policy_targets[metric]
                if n < minimum or not high < target:  # NaN (no rate) is never below
                    continue
                if (agent_id, metric) in open_focus or (agent_id, metric) in set_aside_since:
                    continue
                module = teaching_module(metric, modules)
                found.append(
                    Proposal(
                        agent_id=agent_id,
                        agent=record["agent"],
                        name=str(record["name"]),
                        team_id=rule.team_id,
                        team=rule.team,
                        metric=metric,
                        value=float(record[metric]),
                        n=n,
                        low=float(record[f"{metric}_low"]),
                        high=float(high),
                        target=target,
                        window_start=start,
                        window_end=end,
                        window_days=rule.window_days,
                        module_id=None if module is None else module.id,
                        module_title=None if module is None else module.title,
                    )
                )
    return sorted(found, key=lambda p: (p.high - p.target, p.team, p.name, p.metric))


def _team_state(
    db: Database, team_id: int, window_began: datetime
) -> tuple[set[int], set[tuple[int, str]], set[tuple[int, str]]]:
    """The team's active agents, the (agent, metric) of their open plans' focus, and the
    (agent, metric) set aside since the window began."""
    with db.cursor() as cur:
        members = {
            row[0]
            for row in cur.execute(
                "SELECT id FROM staff WHERE team_id = ? AND role = 'agent' AND active", [team_id]
            ).fetchall()
        }
        open_focus = {
            (row[0], row[1])
            for row in cur.execute(
                "SELECT p.agent_id, f.metric FROM coaching_plans p"
                " JOIN coaching_plan_focus f ON f.plan_id = p.id"
                " JOIN staff s ON s.id = p.agent_id"
                " WHERE p.closed_at IS NULL AND s.team_id = ?",
                [team_id],
            ).fetchall()
        }
        set_aside = {
            (row[0], row[1])
            for row in cur.execute(
                "SELECT d.agent_id, d.metric FROM coaching_proposal_dismissals d"
                " JOIN staff s ON s.id = d.agent_id"
                " WHERE s.team_id = ? AND d.dismissed_at >= ?",
                [team_id, window_began],
            ).fetchall()
        }
    return members, open_focus, set_aside


def set_aside(
    db: Database, viewer: Viewer, agent_id: int, metric: str, reason: str | None = None
) -> None:
    """A supervisor of the agent's team (or an owner) sets a proposal aside: it is not proposed
    again until the window starts after now. Checked against the stored rows."""
    if metric not in JUDGED:
        raise CoachingRuleError(f"{metric!r} is not a standard proposals are made on")
    note = (reason or "").strip() or None
    if note is not None and len(note) > MAX_REASON_CHARS:
        raise CoachingRuleError(f"the reason is longer than {MAX_REASON_CHARS} characters")
    with transaction(db) as cur:
        agent = cur.execute(
            "SELECT team_id FROM staff WHERE id = ? AND role = 'agent'", [agent_id]
        ).fetchone()
        if agent is None or agent[0] is None:
            raise PeopleError(f"no agent of a team with id {agent_id}")
        _check_may_set(cur, viewer, int(agent[0]), "set aside a proposal for its agents")
        cur.execute(
            "INSERT INTO coaching_proposal_dismissals"
            " (agent_id, metric, dismissed_by, dismissed_at, reason) VALUES (?, ?, ?, ?, ?)",
            [agent_id, metric, viewer.staff_id, clock.now(), note],
        )
