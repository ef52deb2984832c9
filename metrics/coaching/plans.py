"""Coaching plans (issue 14, item 1): a supervisor opens one for an agent of their team, with
the focus metrics as they stood, what was observed, agreed goals, refresher modules and a review
date; the agent acknowledges it and comments; at the review the plan shows each goal before and
since (metrics/coaching/before_after.py), and the supervisor closes or extends it.

Who may do what, each decided inside the write's transaction against the stored rows:

- open: a supervisor for an agent of their own team (the agent's stored row), an owner for any
  agent;
- acknowledge: the plan's agent, once, while the plan is open;
- comment: the plan's agent, a supervisor of the agent's team, or an owner, while it is open;
- extend (a new review date later than the stored one) and close: a supervisor of the agent's
  team or an owner, while it is open. A form sent from a second tab after the first changed the
  plan is told so (`PlanChanged`), never applied over it.

Reading is scoped by the `Viewer`: an agent their own plans, a supervisor the plans of the
agents now in their team, an owner everyone's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from metrics import clock
from metrics.coaching.before_after import GoalJudgement, Side, judge_goal, weeks_around
from metrics.complaints.report import complaint_numbers
from metrics.people import AccessDenied, PeopleError, Viewer, managed_row
from metrics.performance.agents import agent_standing, targets
from metrics.performance.period import DEFAULT_DAYS, Period
from metrics.store import Database, transaction
from metrics.training.assignments import AssignmentError, assign_module_within
from modules.content import TrainingModule
from modules.policy import Policy

Metric = Literal["service_level", "resolution_rate", "csat", "follow_up_compliance"]
METRICS: tuple[Metric, ...] = ("service_level", "resolution_rate", "csat", "follow_up_compliance")
METRIC_LABELS: dict[str, str] = {
    "service_level": "Service level",
    "resolution_rate": "Resolution",
    "csat": "CSAT",
    "follow_up_compliance": "Complaint follow-up compliance",
}
# Each contact metric's (successes, n) in a row of `agent_metrics`.
_COUNTS = {
    "service_level": ("answered_within", "handled"),
    "resolution_rate": ("resolved", "handled"),
    "csat": ("good_ratings", "ratings"),
}
# The policy asks every complaint to be followed up within its days, so its target is all of
# them; the policy has no other figure for it.
FOLLOW_UP_TARGET = 1.0
OpenedFrom = Literal["candidate", "agent_page", "complaint", "proposal"]
EvidenceKind = Literal["contact", "complaint", "training_answer"]
# A plan is read on a phone: a note or an observation is a paragraph, not a report.
MAX_NOTE_CHARS = 2000
# A plan's review further off than this is no plan: a quarter is the longest coaching cycle.
MAX_REVIEW_DAYS = 92


class PlanError(ValueError):
    """A plan, or a change to it, that cannot be made; the message says why."""


class PlanChanged(PlanError):
    """The plan changed since the form was shown (another tab, another person)."""


# --- Input --------------------------------------------------------------------------------


def _text(value: str, what: str) -> str:
    text = value.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"{what} is longer than {MAX_NOTE_CHARS} characters")
    return text


class NewObservation(BaseModel):
    """What was observed, in the supervisor's words, and optionally what shows it."""

    model_config = ConfigDict(extra="forbid")

    observed: str = Field(min_length=1)
    interaction_id: int | None = None  # a contact (interactions.id)
    complaint_id: int | None = None
    attempt_id: int | None = None  # with step_id: one answer of a training attempt
    step_id: str | None = None

    @field_validator("observed")
    @classmethod
    def clean(cls, value: str) -> str:
        text = _text(value, "an observation")
        if not text:
            raise ValueError("say what was observed")
        return text

    @property
    def kind(self) -> EvidenceKind | None:
        given: list[EvidenceKind] = []
        if self.interaction_id is not None:
            given.append("contact")
        if self.complaint_id is not None:
            given.append("complaint")
        if self.attempt_id is not None or self.step_id is not None:
            given.append("training_answer")
        if len(given) > 1:
            raise PlanError("an observation points at one contact, complaint or answer, not more")
        return given[0] if given else None


class NewGoal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: Metric
    target: float = Field(ge=0, le=1)
    due: date


class NewRefresher(BaseModel):
    model_config = ConfigDict(extra="forbid")

    module_id: str = Field(min_length=1)
    due: date


class NewPlan(BaseModel):
    """A plan as the supervisor's form sends it."""

    model_config = ConfigDict(extra="forbid")

    agent_id: int
    opened_from: OpenedFrom
    complaint_id: int | None = None
    focus: list[Metric] = Field(min_length=1)
    # The dates the supervisor was looking at; None: the DEFAULT_DAYS days ending yesterday.
    focus_from: date | None = None
    focus_to: date | None = None
    observations: list[NewObservation] = []
    goals: list[NewGoal] = Field(min_length=1)
    refreshers: list[NewRefresher] = []
    review_on: date


# --- Reading the numbers ------------------------------------------------------------------


def metric_side(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    agent_id: int,
    metric: str,
    start: date,
    end: date,
    *,
    as_of: datetime | None = None,
) -> Side:
    """One agent's `metric` over the local dates `start`..`end` with its n and interval, by the
    definitions of `metrics/performance/agents.py` (service level, resolution, CSAT) and of
    `metrics/complaints/report.py` (follow-up compliance: complaints received in the dates and
    followed up by their due moment ÷ those whose due moment has passed at `as_of`). The viewer
    must be allowed to see the agent."""
    period = Period(start=start, end=end)
    if metric == "follow_up_compliance":
        report = complaint_numbers(db, viewer, policy, period, as_of=as_of or clock.now())
        found = next((a.numbers.follow_ups for a in report.agents if a.agent_id == agent_id), None)
        return Side.of(found.successes, found.n) if found is not None else Side.of(0, 0)
    successes, n = _COUNTS[metric]
    own, _ = agent_standing(db, viewer, policy, period, agent_id)
    if own is None:
        return Side.of(0, 0)
    return Side.of(int(own[successes]), int(own[n]))  # type: ignore[call-overload]


def metric_target(policy: Policy, metric: str) -> float:
    """The policy's target for a focus metric."""
    if metric == "follow_up_compliance":
        return FOLLOW_UP_TARGET
    return targets(policy)[metric]


def focus_dates(
    looked_from: date | None, looked_to: date | None, today: date
) -> tuple[date, date, bool]:
    """The dates a plan's focus is read over: those the supervisor was looking at, else the
    DEFAULT_DAYS days ending yesterday (today is not over). The flag says which (True: the
    supervisor's)."""
    if looked_from is not None and looked_to is not None:
        if looked_from > looked_to:
            raise PlanError(
                f"the dates looked at start ({looked_from}) after they end ({looked_to})"
            )
        return looked_from, looked_to, True
    end = today - timedelta(days=1)
    return end - timedelta(days=DEFAULT_DAYS - 1), end, False


class Focus(BaseModel):
    metric: str
    value: float | None
    n: int
    low: float | None
    high: float | None
    target: float


def focus_snapshot(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    agent_id: int,
    metrics: Sequence[str],
    start: date,
    end: date,
) -> list[Focus]:
    """Each focus metric of an agent over the dates, beside the policy's target (what the form
    shows and what opening the plan keeps)."""
    found = []
    for metric in metrics:
        side = metric_side(db, viewer, policy, agent_id, metric, start, end)
        found.append(
            Focus(
                metric=metric,
                value=side.value,
                n=side.n,
                low=side.low,
                high=side.high,
                target=metric_target(policy, metric),
            )
        )
    return found


# --- Opening ------------------------------------------------------------------------------


def _check_evidence(
    cur: duckdb.DuckDBPyConnection, agent_id: int, observation: NewObservation
) -> EvidenceKind | None:
    """The observation's evidence, checked to be the agent's own; its kind."""
    kind = observation.kind
    if kind == "contact":
        row = cur.execute(
            "SELECT agent_id FROM interactions WHERE id = ?", [observation.interaction_id]
        ).fetchone()
        if row is None or row[0] != agent_id:
            raise PlanError(f"contact {observation.interaction_id} is not one this agent handled")
    elif kind == "complaint":
        row = cur.execute(
            "SELECT 1 FROM complaints WHERE id = ? AND ? IN (handled_by, received_by)",
            [observation.complaint_id, agent_id],
        ).fetchone()
        if row is None:
            raise PlanError(f"complaint {observation.complaint_id} is not one of this agent's")
    elif kind == "training_answer":
        row = cur.execute(
            "SELECT 1 FROM training_answers w JOIN training_attempts a ON a.id = w.attempt_id"
            " WHERE w.attempt_id = ? AND w.step_id = ? AND a.staff_id = ?",
            [observation.attempt_id, observation.step_id, agent_id],
        ).fetchone()
        if row is None:
            raise PlanError(
                f"answer {observation.step_id} of attempt {observation.attempt_id} is not this "
                "agent's"
            )
    return kind


def open_plan(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    modules: Sequence[TrainingModule],
    new: NewPlan,
    *,
    is_demo: bool = False,
) -> int:
    """Open a plan (see the module's docstring for who may). The focus is read over the dates
    the supervisor looked at (else the last DEFAULT_DAYS days) and kept as it stood; refresher
    modules are assigned in the same transaction as the plan (`assign_module_within`), so a plan
    is never stored without them, nor they without it. Returns the plan's id."""
    zone = policy.business_hours.timezone
    today = clock.today(zone)
    if new.review_on <= today:
        raise PlanError(f"the review date {new.review_on:%d %b %Y} is not after today")
    if new.review_on > today + timedelta(days=MAX_REVIEW_DAYS):
        raise PlanError(f"the review is more than {MAX_REVIEW_DAYS} days away")
    for goal in new.goals:
        if goal.due < today:
            raise PlanError(f"the goal's due date {goal.due:%d %b %Y} is in the past")
    if (new.opened_from == "complaint") != (new.complaint_id is not None):
        raise PlanError("a plan opened from a complaint names that complaint, and only then")
    if len(set(new.focus)) != len(new.focus):
        raise PlanError("each focus metric once")
    by_id = {module.id: module for module in modules}
    for refresher in new.refreshers:
        if refresher.module_id not in by_id:
            raise PlanError(f"no training module {refresher.module_id!r} is in use")
        if refresher.due < today:
            raise PlanError(f"the module's due date {refresher.due:%d %b %Y} is in the past")
    start, end, _ = focus_dates(new.focus_from, new.focus_to, today)
    focus = focus_snapshot(db, viewer, policy, new.agent_id, new.focus, start, end)
    opened_at = clock.now()
    with transaction(db) as cur:
        try:
            member = managed_row(cur, viewer, new.agent_id)
        except PeopleError as error:
            raise PlanError(str(error)) from error
        if member.role != "agent":
            raise PlanError(f"{member.name} is not an agent: coaching plans are for agents")
        if new.complaint_id is not None:
            _check_evidence(
                cur, member.id, NewObservation(observed="-", complaint_id=new.complaint_id)
            )
        kinds = [_check_evidence(cur, member.id, found) for found in new.observations]
        row = cur.execute(
            "INSERT INTO coaching_plans (agent_id, team_id, opened_by, opened_at, opened_from,"
            " complaint_id, review_on, focus_from, focus_to, is_demo)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                member.id,
                member.team_id,
                viewer.staff_id,
                opened_at,
                new.opened_from,
                new.complaint_id,
                new.review_on,
                start,
                end,
                is_demo,
            ],
        ).fetchone()
        assert row is not None
        plan_id = int(row[0])
        cur.executemany(
            "INSERT INTO coaching_plan_focus (plan_id, metric, value, n, low, high, target)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[plan_id, f.metric, f.value, f.n, f.low, f.high, f.target] for f in focus],
        )
        for observation, kind in zip(new.observations, kinds, strict=True):
            cur.execute(
                "INSERT INTO coaching_observations (plan_id, observed, evidence_kind,"
                " interaction_id, complaint_id, attempt_id, step_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    plan_id,
                    observation.observed,
                    kind,
                    observation.interaction_id,
                    observation.complaint_id,
                    observation.attempt_id,
                    observation.step_id,
                ],
            )
        cur.executemany(
            "INSERT INTO coaching_goals (plan_id, metric, target, due) VALUES (?, ?, ?, ?)",
            [[plan_id, goal.metric, goal.target, goal.due] for goal in new.goals],
        )
        for refresher in new.refreshers:
            try:
                assignment_id = assign_module_within(
                    cur,
                    viewer,
                    member.id,
                    by_id[refresher.module_id],
                    policy,
                    due=refresher.due,
                    reason=f"coaching plan {plan_id}: a refresher",
                )
            except AssignmentError as error:
                raise PlanError(str(error)) from error
            cur.execute(
                "INSERT INTO coaching_plan_refreshers (plan_id, assignment_id) VALUES (?, ?)",
                [plan_id, assignment_id],
            )
        return plan_id


# --- Reading plans ------------------------------------------------------------------------


class Observation(BaseModel):
    observed: str
    evidence_kind: EvidenceKind | None
    interaction_id: int | None
    complaint_id: int | None
    attempt_id: int | None
    step_id: str | None


class Goal(BaseModel):
    id: int
    metric: str
    target: float
    due: date
    closed_value: float | None
    closed_n: int | None
    met: bool | None


class Refresher(BaseModel):
    assignment_id: int
    module_id: str
    title: str
    due: date
    taken: bool  # passed since it was assigned (read from the attempts, as every assignment)


class Note(BaseModel):
    kind: Literal["comment", "extended", "closed"]
    written_by: int
    written_by_name: str
    written_at: datetime
    note: str | None
    review_on: date | None


class PlanSummary(BaseModel):
    id: int
    agent_id: int
    agent: str
    team: str | None
    opened_by_name: str
    opened_at: datetime
    opened_from: OpenedFrom
    review_on: date
    acknowledged_at: datetime | None
    closed_at: datetime | None
    goals: int
    goals_met: int

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Plan(PlanSummary):
    complaint_id: int | None
    focus_from: date | None
    focus_to: date | None
    closed_by_name: str | None
    closing_note: str | None
    is_demo: bool
    focus: list[Focus]
    observations: list[Observation]
    goal_list: list[Goal]
    refreshers: list[Refresher]
    notes: list[Note]


_SUMMARY_SELECT = """
    SELECT p.id, p.agent_id, a.name, t.name, coalesce(o.name, 'the command line'), p.opened_at,
           p.opened_from, p.review_on, p.acknowledged_at, p.closed_at,
           (SELECT count(*) FROM coaching_goals g WHERE g.plan_id = p.id),
           (SELECT count(*) FROM coaching_goals g WHERE g.plan_id = p.id AND g.met)
    FROM coaching_plans p
    JOIN staff a ON a.id = p.agent_id
    LEFT JOIN teams t ON t.id = a.team_id
    LEFT JOIN staff o ON o.id = p.opened_by
"""


def _scope_where(viewer: Viewer) -> tuple[str, list[object]]:
    """Which plans a viewer may read (see the module's docstring)."""
    if viewer.role == "owner":
        return "true", []
    if viewer.role == "supervisor":
        if viewer.team_id is None:
            raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
        return "a.team_id = ?", [viewer.team_id]
    return "p.agent_id = ?", [viewer.staff_id]


def _summaries(
    cur: duckdb.DuckDBPyConnection, where: str, params: list[object]
) -> list[PlanSummary]:
    rows = cur.execute(
        f"{_SUMMARY_SELECT} WHERE {where}"
        " ORDER BY p.closed_at IS NOT NULL, p.review_on, p.closed_at DESC, p.id",
        params,
    ).fetchall()
    keys = list(PlanSummary.model_fields)
    return [PlanSummary(**dict(zip(keys, row, strict=True))) for row in rows]


def plans_in_scope(
    db: Database, viewer: Viewer, *, agent_id: int | None = None
) -> list[PlanSummary]:
    """The plans the viewer may read (one agent's history with `agent_id`), open ones first
    (soonest review first), then closed ones, the latest closed first."""
    where, params = _scope_where(viewer)
    if agent_id is not None:
        where, params = f"({where}) AND p.agent_id = ?", [*params, agent_id]
    with db.cursor() as cur:
        return _summaries(cur, where, params)


def open_plans_of(db: Database, viewer: Viewer, agent_id: int) -> list[PlanSummary]:
    """An agent's open plans, as their Home and My performance show them."""
    return [found for found in plans_in_scope(db, viewer, agent_id=agent_id) if found.is_open]


def get_plan(
    db: Database, viewer: Viewer, plan_id: int, modules: Sequence[TrainingModule], policy: Policy
) -> Plan:
    """One plan in full, if the viewer may read it (AccessDenied otherwise, and for a plan that
    does not exist, so that an address cannot tell the two apart)."""
    where, params = _scope_where(viewer)
    with db.cursor() as cur:
        found = _summaries(cur, f"({where}) AND p.id = ?", [*params, plan_id])
        if not found:
            raise AccessDenied(f"coaching plan {plan_id} is not one you may see")
        summary = found[0]
        extra = cur.execute(
            "SELECT p.complaint_id, p.focus_from, p.focus_to, c.name, p.closing_note, p.is_demo"
            " FROM coaching_plans p LEFT JOIN staff c ON c.id = p.closed_by WHERE p.id = ?",
            [plan_id],
        ).fetchone()
        assert extra is not None
        focus = cur.execute(
            "SELECT metric, value, n, low, high, target FROM coaching_plan_focus"
            " WHERE plan_id = ? ORDER BY metric",
            [plan_id],
        ).fetchall()
        observations = cur.execute(
            "SELECT observed, evidence_kind, interaction_id, complaint_id, attempt_id, step_id"
            " FROM coaching_observations WHERE plan_id = ? ORDER BY id",
            [plan_id],
        ).fetchall()
        goals = cur.execute(
            "SELECT id, metric, target, due, closed_value, closed_n, met FROM coaching_goals"
            " WHERE plan_id = ? ORDER BY id",
            [plan_id],
        ).fetchall()
        refreshers = cur.execute(
            "SELECT a.id, a.item, a.due, a.assigned_at FROM coaching_plan_refreshers r"
            " JOIN training_assignments a ON a.id = r.assignment_id WHERE r.plan_id = ?"
            " ORDER BY a.due, a.id",
            [plan_id],
        ).fetchall()
        passes = cur.execute(
            "SELECT module_id, completed_at FROM training_attempts"
            " WHERE staff_id = ? AND passed AND completed_at IS NOT NULL",
            [summary.agent_id],
        ).fetchall()
        notes = cur.execute(
            "SELECT n.kind, n.written_by, coalesce(w.name, 'the command line'), n.written_at,"
            " n.note, n.review_on FROM coaching_plan_notes n"
            " LEFT JOIN staff w ON w.id = n.written_by WHERE n.plan_id = ?"
            " ORDER BY n.written_at, n.id",
            [plan_id],
        ).fetchall()
    titles = {module.id: module.title for module in modules}
    return Plan(
        **summary.model_dump(),
        complaint_id=extra[0],
        focus_from=extra[1],
        focus_to=extra[2],
        closed_by_name=extra[3],
        closing_note=extra[4],
        is_demo=extra[5],
        focus=[Focus(**dict(zip(Focus.model_fields, row, strict=True))) for row in focus],
        observations=[
            Observation(**dict(zip(Observation.model_fields, row, strict=True)))
            for row in observations
        ],
        goal_list=[Goal(**dict(zip(Goal.model_fields, row, strict=True))) for row in goals],
        refreshers=[
            Refresher(
                assignment_id=assignment_id,
                module_id=item,
                title=titles.get(item, item),
                due=due,
                taken=any(m == item and done >= assigned_at for m, done in passes),
            )
            for assignment_id, item, due, assigned_at in refreshers
        ],
        notes=[Note(**dict(zip(Note.model_fields, row, strict=True))) for row in notes],
    )


def review_due(plan: PlanSummary, policy: Policy) -> bool:
    """Whether the plan's review date has come (today, on the clock, in the policy's zone)."""
    return plan.is_open and clock.today(policy.business_hours.timezone) >= plan.review_on


def before_and_after(
    db: Database, viewer: Viewer, plan: Plan, policy: Policy
) -> list[GoalJudgement]:
    """Each goal's metric over the whole weeks before the plan and since (see
    metrics/coaching/before_after.py), judged now."""
    zone = policy.business_hours.timezone
    plan_day = plan.opened_at.astimezone(ZoneInfo(zone)).date()
    weeks = weeks_around(plan_day, clock.today(zone))
    judged = []
    for goal in plan.goal_list:
        before = since = None
        if weeks is not None:
            before = metric_side(
                db, viewer, policy, plan.agent_id, goal.metric, weeks.before_start,
                weeks.before_end,
            )  # fmt: skip
            since = metric_side(
                db, viewer, policy, plan.agent_id, goal.metric, weeks.since_start,
                weeks.since_end,
            )  # fmt: skip
        judged.append(
            judge_goal(
                goal.metric,
                goal.target,
                weeks,
                before,
                since,
                min_contacts=policy.standards.min_contacts,
            )
        )
    return judged


# --- Changing a plan ----------------------------------------------------------------------

_PLAN_ROW = (
    "SELECT p.agent_id, s.team_id, p.review_on, p.acknowledged_at, p.closed_at"
    " FROM coaching_plans p JOIN staff s ON s.id = p.agent_id WHERE p.id = ?"
)


def _stored_plan(
    cur: duckdb.DuckDBPyConnection, plan_id: int
) -> tuple[int, int | None, date, datetime | None, datetime | None]:
    row = cur.execute(_PLAN_ROW, [plan_id]).fetchone()
    if row is None:
        raise PlanError(f"there is no coaching plan {plan_id}")
    return row[0], row[1], row[2], row[3], row[4]


def _may_manage_plan(cur: duckdb.DuckDBPyConnection, viewer: Viewer, team_id: int | None) -> bool:
    """A supervisor of the agent's team (as stored now) or an owner."""
    if viewer.staff_id == Viewer.local_admin().staff_id:
        return True
    row = cur.execute(
        "SELECT role, team_id FROM staff WHERE id = ? AND active", [viewer.staff_id]
    ).fetchone()
    if row is None:
        return False
    return row[0] == "owner" or (
        row[0] == "supervisor" and row[1] is not None and row[1] == team_id
    )


def _note(
    cur: duckdb.DuckDBPyConnection,
    plan_id: int,
    kind: str,
    viewer: Viewer,
    note: str | None,
    review_on: date | None = None,
) -> None:
    cur.execute(
        "INSERT INTO coaching_plan_notes (plan_id, kind, written_by, written_at, note, review_on)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [plan_id, kind, viewer.staff_id, clock.now(), note, review_on],
    )


def _clean(note: str, what: str) -> str:
    text = note.strip()
    if not text:
        raise PlanError(f"write {what}")
    if len(text) > MAX_NOTE_CHARS:
        raise PlanError(f"{what} is longer than {MAX_NOTE_CHARS} characters")
    return text


def acknowledge(db: Database, viewer: Viewer, plan_id: int) -> None:
    """The plan's agent acknowledges it, once, while it is open."""
    with transaction(db) as cur:
        agent_id, _, _, acknowledged_at, closed_at = _stored_plan(cur, plan_id)
        if viewer.staff_id != agent_id:
            raise AccessDenied("only the agent acknowledges their own coaching plan")
        if closed_at is not None:
            raise PlanChanged("this plan was closed meanwhile")
        if acknowledged_at is not None:
            raise PlanChanged("you have acknowledged this plan already")
        cur.execute(
            "UPDATE coaching_plans SET acknowledged_at = ? WHERE id = ?", [clock.now(), plan_id]
        )


def comment(db: Database, viewer: Viewer, plan_id: int, text: str) -> None:
    """The agent, a supervisor of their team or an owner adds a comment to an open plan."""
    note = _clean(text, "a comment")
    with transaction(db) as cur:
        agent_id, team_id, _, _, closed_at = _stored_plan(cur, plan_id)
        if viewer.staff_id != agent_id and not _may_manage_plan(cur, viewer, team_id):
            raise AccessDenied("only the agent, their supervisor or an owner comments on a plan")
        if closed_at is not None:
            raise PlanChanged("this plan was closed meanwhile; it takes no more comments")
        _note(cur, plan_id, "comment", viewer, note)


def extend(
    db: Database,
    viewer: Viewer,
    plan_id: int,
    review_on: date,
    note: str,
    *,
    seen_review_on: date,
) -> None:
    """A supervisor of the agent's team or an owner moves an open plan's review to a later
    date, with a note. `seen_review_on` is the review date the form showed: if the stored one
    differs, someone changed the plan meanwhile and the extension is refused (PlanChanged)."""
    text = _clean(note, "a note on why the plan is extended")
    with transaction(db) as cur:
        _, team_id, stored_review, _, closed_at = _stored_plan(cur, plan_id)
        if not _may_manage_plan(cur, viewer, team_id):
            raise AccessDenied("only the agent's supervisor or an owner extends a plan")
        if closed_at is not None:
            raise PlanChanged("this plan was closed meanwhile; it cannot be extended")
        if stored_review != seen_review_on:
            raise PlanChanged(
                f"the review was moved to {stored_review:%d %b %Y} meanwhile; reload the plan"
            )
        if review_on <= stored_review:
            raise PlanError(
                f"the new review date must be after the current one ({stored_review:%d %b %Y})"
            )
        cur.execute("UPDATE coaching_plans SET review_on = ? WHERE id = ?", [review_on, plan_id])
        _note(cur, plan_id, "extended", viewer, text, review_on)


def close(
    db: Database,
    viewer: Viewer,
    plan_id: int,
    note: str,
    judgements: Sequence[GoalJudgement],
) -> None:
    """A supervisor of the agent's team or an owner closes an open plan with a note, keeping
    each goal's judgement (`before_and_after`, in the order of the plan's goals: the metric
    since the plan, its n, met or not, None when it could not be judged)."""
    text = _clean(note, "a closing note")
    with transaction(db) as cur:
        _, team_id, _, _, closed_at = _stored_plan(cur, plan_id)
        if not _may_manage_plan(cur, viewer, team_id):
            raise AccessDenied("only the agent's supervisor or an owner closes a plan")
        if closed_at is not None:
            raise PlanChanged("this plan was closed already")
        goal_ids = [
            int(found)
            for (found,) in cur.execute(
                "SELECT id FROM coaching_goals WHERE plan_id = ? ORDER BY id", [plan_id]
            ).fetchall()
        ]
        if len(goal_ids) != len(judgements):
            raise PlanChanged("the plan's goals changed meanwhile; reload the plan")
        for goal_id, judged in zip(goal_ids, judgements, strict=True):
            cur.execute(
                "UPDATE coaching_goals SET closed_value = ?, closed_n = ?, met = ? WHERE id = ?",
                [
                    judged.since.value if judged.since else None,
                    judged.since.n if judged.since else None,
                    judged.met,
                    goal_id,
                ],
            )
        closed_by = viewer.staff_id
        cur.execute(
            "UPDATE coaching_plans SET closed_at = ?, closed_by = ?, closing_note = ? WHERE id = ?",
            [clock.now(), closed_by, text, plan_id],
        )
        _note(cur, plan_id, "closed", viewer, text)
