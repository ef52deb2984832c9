"""Assignments: who must take which module, or sign the policy, by when and why.

An assignment comes from one of five sources:

- **new starter**: every mandatory module, and signing the policy version in force, from the
  moment someone's staff row exists, due `training.due_within_days` after the later of the day
  they joined and the day the policy took effect (the one due-date rule of
  `records.training_standing`). Worked out from the staff row when read, never stored, so no
  way of creating an account (the Staff page, the CLI, a staff CSV, a contact import that finds
  a new agent, the demo) can miss it.
- **publish**: publishing a major policy version assigns everyone its acknowledgement and the
  mandatory modules that quote a standard it changed (`metrics/training/publishing.py`).
- **owner**: an owner assigns the mandatory modules and the acknowledgement to all active staff
  or to a team, with a due date.
- **supervisor**: a supervisor (or an owner) assigns any module to one agent of their team, with
  a due date and a reason.
- **recertification**: with `training.recertify_after_months` set, a pass expires that many
  months after it was completed, and the module is due again on that day. Worked out when read.

Stored assignments are never marked done: whether one is done is read from the attempts and the
acknowledgements each time, so a record and its assignment cannot disagree. For each person and
module the newest assignment gives the due date and the reason; a pass counts when it was
completed after every assignment that made the module *due again* (`fresh_pass`: publishing
after a changed standard, a supervisor's assignment) and has not expired.

States, as the compliance report names them: `passed`; `expired` (the last pass ran out and no
new one counts yet); `overdue` (past the due date, not passed); `in_progress` (an attempt open,
or finished without a pass, since the module was last due); `not_started`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import duckdb
from pydantic import BaseModel

from metrics.organisation import policy_in_force
from metrics.people import (
    AccessDenied,
    Viewer,
    get_staff_member,
    managed_row,
    manager,
    visible_team_id,
)
from metrics.store import Database, transaction
from modules.content import TrainingModule, load_modules
from modules.policy import Policy

ACKNOWLEDGEMENT = "policy-acknowledgement"  # the item that stands for signing the policy
StoredSource = Literal["publish", "owner", "supervisor"]
Source = Literal["publish", "owner", "supervisor", "new starter", "recertification"]
State = Literal["not_started", "in_progress", "passed", "overdue", "expired"]
# Reasons are read on a phone beside the module's title: a sentence, not an essay.
MAX_REASON_CHARS = 300


class AssignmentError(ValueError):
    """An assignment that cannot be made (no reason, a date in the past, an unknown module)."""


class Requirement(BaseModel):
    """One assignment of one item to one person, stored or implied, before it is judged."""

    staff_id: int
    item: str  # a module id or ACKNOWLEDGEMENT
    due: date
    reason: str
    source: Source
    assigned_by: int | None
    assigned_by_name: str | None
    assigned_at: datetime
    fresh_pass: bool


class AttemptRecord(BaseModel):
    """What the judging needs of one attempt."""

    staff_id: int
    module_id: str
    started_at: datetime
    completed_at: datetime | None
    score: float | None
    passed: bool


class Standing(BaseModel):
    """Where one person stands in one assigned item today."""

    staff_id: int
    item: str
    state: State
    due: date
    overdue_days: int  # days past the due date, 0 when not past it or passed
    reason: str
    source: Source
    assigned_by: int | None
    assigned_by_name: str | None
    assigned_at: datetime
    attempts: int  # since the module was last due
    best_score: float | None  # of the attempts since the module was last due
    passed_at: datetime | None  # the pass that counts
    expires_on: date | None  # when that pass (or the last one, if expired) runs out
    due_again: bool  # a pass from before no longer counts (a changed standard, expiry)


class Assignment(BaseModel):
    """Something a person has to do, as My training, Home and the rollout session show it."""

    staff_id: int
    module_id: str  # a module id, or ACKNOWLEDGEMENT
    title: str
    due: date
    reason: str
    source: Source
    assigned_by: int | None
    assigned_by_name: str | None
    assigned_at: datetime
    state: State
    overdue_days: int


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 = 28 or
    29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def new_starter_due(joined: date, policy: Policy) -> date:
    """The one due-date rule: `training.due_within_days` after the later of the day someone
    joined and the day the policy took effect."""
    return max(joined, policy.effective_from) + timedelta(days=policy.training.due_within_days)


def judge(
    requirements: Sequence[Requirement],
    attempts: Sequence[AttemptRecord],
    *,
    today: date,
    zone: str,
    recertify_after_months: int | None,
) -> Standing | None:
    """Where someone stands in one module, from its assignments to them and their attempts at
    it; None when it is not assigned to them."""
    if not requirements:
        return None
    newest = max(requirements, key=lambda found: found.assigned_at)
    fresh = [found.assigned_at for found in requirements if found.fresh_pass]
    since = max(fresh) if fresh else None
    counted = [
        attempt
        for attempt in attempts
        if attempt.completed_at is None or since is None or attempt.completed_at >= since
    ]
    passes = sorted(
        attempt.completed_at
        for attempt in counted
        if attempt.passed and attempt.completed_at is not None
    )
    earlier_pass = any(attempt.passed for attempt in attempts)
    scores = [attempt.score for attempt in counted if attempt.score is not None]
    last_pass = passes[-1] if passes else None
    expires_on = (
        add_months(local_day(last_pass, zone), recertify_after_months)
        if last_pass is not None and recertify_after_months is not None
        else None
    )
    current = newest
    state: State
    if last_pass is not None and (expires_on is None or today < expires_on):
        state = "passed"
    elif last_pass is not None and expires_on is not None:
        state = "expired"
        expired_at = datetime.combine(expires_on, time(), ZoneInfo(zone))
        if newest.assigned_at < expired_at:
            current = Requirement(
                staff_id=newest.staff_id,
                item=newest.item,
                due=expires_on,
                reason=(
                    f"due again: the pass of {local_day(last_pass, zone):%d %b %Y} expired "
                    f"after {recertify_after_months:d} months"
                ),
                source="recertification",
                assigned_by=None,
                assigned_by_name=None,
                assigned_at=expired_at,
                fresh_pass=False,
            )
    elif today > newest.due:
        state = "overdue"
    elif counted:
        state = "in_progress"
    else:
        state = "not_started"
    overdue = 0 if state == "passed" else max(0, (today - current.due).days)
    return Standing(
        staff_id=current.staff_id,
        item=current.item,
        state=state,
        due=current.due,
        overdue_days=overdue,
        reason=current.reason,
        source=current.source,
        assigned_by=current.assigned_by,
        assigned_by_name=current.assigned_by_name,
        assigned_at=current.assigned_at,
        attempts=sum(attempt.completed_at is not None for attempt in counted),
        best_score=max(scores) if scores else None,
        passed_at=last_pass if state == "passed" else None,
        expires_on=expires_on,
        due_again=state != "passed" and ((earlier_pass and not passes) or state == "expired"),
    )


def judge_acknowledgement(
    requirements: Sequence[Requirement], acknowledged: bool, *, today: date
) -> Standing | None:
    """Where someone stands in signing the version in force."""
    if not requirements:
        return None
    newest = max(requirements, key=lambda found: found.assigned_at)
    state: State = "passed" if acknowledged else "overdue" if today > newest.due else "not_started"
    return Standing(
        staff_id=newest.staff_id,
        item=newest.item,
        state=state,
        due=newest.due,
        overdue_days=0 if acknowledged else max(0, (today - newest.due).days),
        reason=newest.reason,
        source=newest.source,
        assigned_by=newest.assigned_by,
        assigned_by_name=newest.assigned_by_name,
        assigned_at=newest.assigned_at,
        attempts=0,
        best_score=None,
        passed_at=None,
        expires_on=None,
        due_again=False,
    )


# --- Reading ------------------------------------------------------------------------------


class Person(BaseModel):
    """A member of staff as the assignments need them."""

    id: int
    name: str
    email: str | None
    team_id: int | None
    team: str | None
    role: str
    active: bool
    created_at: datetime


def _people(cur: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[Person]:
    rows = cur.execute(
        "SELECT s.id, s.name, s.email, s.team_id, t.name, s.role, s.active, s.created_at"
        f" FROM staff s LEFT JOIN teams t ON t.id = s.team_id WHERE {where}"
        " ORDER BY t.name NULLS LAST, s.name, s.id",
        params,
    ).fetchall()
    keys = list(Person.model_fields)
    return [Person(**dict(zip(keys, row, strict=True))) for row in rows]


def people_in_scope(db: Database, viewer: Viewer, team_id: int | None = None) -> list[Person]:
    """The active staff (every role) of a team, or of every team the viewer may see: an owner
    everyone (or one team), a supervisor their own team; agents nobody else."""
    team = visible_team_id(viewer, team_id)
    where = "s.active" + (" AND s.team_id = ?" if team is not None else "")
    with db.cursor() as cur:
        return _people(cur, where, [team] if team is not None else [])


def people_with_ids(db: Database, staff_ids: Sequence[int]) -> list[Person]:
    """These members of staff, active or not (the caller has checked who may see them)."""
    with db.cursor() as cur:
        return _people(cur, "s.id IN (SELECT unnest(?::INTEGER[]))", [list(staff_ids)])


def _stored(cur: duckdb.DuckDBPyConnection, staff_ids: list[int]) -> list[Requirement]:
    rows = cur.execute(
        "SELECT a.staff_id, a.item, a.due, a.reason, a.source, a.assigned_by, b.name,"
        " a.assigned_at, a.fresh_pass"
        " FROM training_assignments a LEFT JOIN staff b ON b.id = a.assigned_by"
        " WHERE a.staff_id IN (SELECT unnest(?::INTEGER[])) ORDER BY a.assigned_at, a.id",
        [staff_ids],
    ).fetchall()
    keys = list(Requirement.model_fields)
    found = [Requirement(**dict(zip(keys, row, strict=True))) for row in rows]
    return [
        requirement.model_copy(update={"assigned_by_name": "the command line"})
        if requirement.assigned_by is None
        else requirement
        for requirement in found
    ]


def _attempts(cur: duckdb.DuckDBPyConnection, staff_ids: list[int]) -> list[AttemptRecord]:
    rows = cur.execute(
        "SELECT staff_id, module_id, started_at, completed_at, score, coalesce(passed, false)"
        " FROM training_attempts WHERE staff_id IN (SELECT unnest(?::INTEGER[]))",
        [staff_ids],
    ).fetchall()
    keys = list(AttemptRecord.model_fields)
    return [AttemptRecord(**dict(zip(keys, row, strict=True))) for row in rows]


def _acknowledged(cur: duckdb.DuckDBPyConnection, staff_ids: list[int], version: int) -> set[int]:
    rows = cur.execute(
        "SELECT staff_id FROM policy_acknowledgements"
        " WHERE policy_version = ? AND staff_id IN (SELECT unnest(?::INTEGER[]))",
        [version, staff_ids],
    ).fetchall()
    return {int(staff_id) for (staff_id,) in rows}


def implied(person: Person, modules: Iterable[TrainingModule], policy: Policy) -> list[Requirement]:
    """A new starter's assignments: every mandatory module, and signing the policy when a
    module leads to it."""
    modules = list(modules)
    zone = policy.business_hours.timezone
    due = new_starter_due(local_day(person.created_at, zone), policy)
    items = [module.id for module in modules if module.mandatory]
    if any(module.acknowledges_policy for module in modules):
        items.append(ACKNOWLEDGEMENT)
    return [
        Requirement(
            staff_id=person.id,
            item=item,
            due=due,
            reason="mandatory for all staff",
            source="new starter",
            assigned_by=None,
            assigned_by_name=None,
            assigned_at=person.created_at,
            fresh_pass=False,
        )
        for item in items
    ]


def standings(
    db: Database,
    people: Sequence[Person],
    modules: Sequence[TrainingModule],
    policy: Policy,
    *,
    today: date | None = None,
) -> dict[tuple[int, str], Standing]:
    """Where each person stands in each item assigned to them, by (staff id, item): the
    modules and the acknowledgement of the version in force (`policy.version`)."""
    zone = policy.business_hours.timezone
    today = today or datetime.now(ZoneInfo(zone)).date()
    ids = [person.id for person in people]
    with db.cursor() as cur:
        stored = _stored(cur, ids)
        attempts = _attempts(cur, ids)
        signed = _acknowledged(cur, ids, policy.version)
    required: dict[tuple[int, str], list[Requirement]] = {}
    for person in people:
        for requirement in implied(person, modules, policy):
            required.setdefault((person.id, requirement.item), []).append(requirement)
    known = {module.id for module in modules} | {ACKNOWLEDGEMENT}
    for requirement in stored:
        if requirement.item in known:  # a module no longer in use asks nothing of anyone
            required.setdefault((requirement.staff_id, requirement.item), []).append(requirement)
    tried: dict[tuple[int, str], list[AttemptRecord]] = {}
    for attempt in attempts:
        tried.setdefault((attempt.staff_id, attempt.module_id), []).append(attempt)
    found: dict[tuple[int, str], Standing] = {}
    for key, requirements in required.items():
        if key[1] == ACKNOWLEDGEMENT:
            standing = judge_acknowledgement(requirements, key[0] in signed, today=today)
        else:
            standing = judge(
                requirements,
                tried.get(key, []),
                today=today,
                zone=zone,
                recertify_after_months=policy.training.recertify_after_months,
            )
        if standing is not None:
            found[key] = standing
    return found


def pass_counts(
    cur: duckdb.DuckDBPyConnection, staff_id: int, module_id: str, policy: Policy
) -> bool:
    """Whether someone's pass of a module counts today, read with the caller's cursor (inside
    its transaction): passed after every assignment that made the module due again, and not
    expired."""
    zone = policy.business_hours.timezone
    today = datetime.now(ZoneInfo(zone)).date()
    ever = Requirement(
        staff_id=staff_id,
        item=module_id,
        due=today,
        reason="-",
        source="new starter",
        assigned_by=None,
        assigned_by_name=None,
        assigned_at=datetime.min.replace(tzinfo=ZoneInfo("UTC")),
        fresh_pass=False,
    )
    stored = [found for found in _stored(cur, [staff_id]) if found.item == module_id]
    tried = [found for found in _attempts(cur, [staff_id]) if found.module_id == module_id]
    standing = judge(
        [ever, *stored],
        tried,
        today=today,
        zone=zone,
        recertify_after_months=policy.training.recertify_after_months,
    )
    return standing is not None and standing.state == "passed"


def item_title(item: str, modules: Sequence[TrainingModule], policy: Policy) -> str:
    if item == ACKNOWLEDGEMENT:
        return f"Sign policy version {policy.version:d}"
    return next((module.title for module in modules if module.id == item), item)


def assignments_of(
    db: Database,
    viewer: Viewer,
    staff_id: int,
    modules: Sequence[TrainingModule] | None = None,
    policy: Policy | None = None,
    *,
    today: date | None = None,
) -> list[Assignment]:
    """What is left for one person to do: each assigned module not passed (or whose pass
    expired) and signing the version in force if not signed, soonest due first; with why and
    who assigned it. The viewer may see that person (themselves, their team, anyone).

    `policy` defaults to the version in force in the store, `modules` to the modules in use
    (the modules folder, filled in from that policy); pages pass their cached ones."""
    if policy is None:
        policy = policy_in_force(db).policy
    if modules is None:
        modules = [loaded.module for loaded in load_modules(policy)]
    with db.cursor() as cur:
        people = _people(cur, "s.id = ?", [staff_id])
    if not people:
        raise AccessDenied(f"no staff member with id {staff_id}")
    get_staff_member(db, viewer, staff_id)  # refuses whom the viewer may not see
    found = standings(db, people, modules, policy, today=today)
    order = [module.id for module in modules] + [ACKNOWLEDGEMENT]
    left = [
        Assignment(
            staff_id=staff_id,
            module_id=item,
            title=item_title(item, modules, policy),
            due=standing.due,
            reason=standing.reason,
            source=standing.source,
            assigned_by=standing.assigned_by,
            assigned_by_name=standing.assigned_by_name,
            assigned_at=standing.assigned_at,
            state=standing.state,
            overdue_days=standing.overdue_days,
        )
        for item in order
        if (standing := found.get((staff_id, item))) is not None and standing.state != "passed"
    ]
    return sorted(left, key=lambda assignment: (assignment.due, order.index(assignment.module_id)))


# --- Writing ------------------------------------------------------------------------------


def insert_assignments(
    cur: duckdb.DuckDBPyConnection,
    staff_ids: Sequence[int],
    reasons: dict[str, str],
    *,
    policy_version: int,
    due: date,
    source: StoredSource,
    by: Viewer,
    fresh: set[str],
) -> int:
    """Assign each item of `reasons` (item -> reason) to each of `staff_ids`, inside the
    caller's transaction; items in `fresh` are due again (only a new pass counts). Returns how
    many assignments were made."""
    assigned_by = None if by.staff_id == Viewer.local_admin().staff_id else by.staff_id
    rows = [
        (staff_id, item, policy_version, due, reason, source, assigned_by, item in fresh)
        for staff_id in staff_ids
        for item, reason in reasons.items()
    ]
    if rows:
        cur.executemany(
            "INSERT INTO training_assignments (staff_id, item, policy_version, due, reason,"
            " source, assigned_by, assigned_at, fresh_pass)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?)",
            [list(row) for row in rows],
        )
    return len(rows)


def _clean_reason(reason: str | None, default: str) -> str:
    text = " ".join((reason or "").split()) or default
    if len(text) > MAX_REASON_CHARS:
        raise AssignmentError(f"the reason is longer than {MAX_REASON_CHARS} characters")
    return text


def _check_due(due: date, today: date) -> None:
    if due < today:
        raise AssignmentError(f"the due date {due:%d %b %Y} is in the past")


def assign_mandatory(
    db: Database,
    viewer: Viewer,
    modules: Sequence[TrainingModule],
    policy: Policy,
    *,
    due: date,
    team_id: int | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> int:
    """An owner assigns the mandatory modules and signing the version in force to every active
    member of staff, or of one team, by `due`. Passes that count are kept (it is the same
    training). Owners only, checked inside the transaction against the owner's stored row.
    Returns how many assignments were made."""
    today = today or datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    _check_due(due, today)
    text = _clean_reason(reason, "assigned by an owner")
    items = [module.id for module in modules if module.mandatory]
    if any(module.acknowledges_policy for module in modules):
        items.append(ACKNOWLEDGEMENT)
    with transaction(db) as cur:
        if manager(cur, viewer).role != "owner":
            raise AccessDenied("only an owner assigns the mandatory training")
        where = "s.active" + (" AND s.team_id = ?" if team_id is not None else "")
        staff_ids = [
            person.id for person in _people(cur, where, [] if team_id is None else [team_id])
        ]
        return insert_assignments(
            cur,
            staff_ids,
            dict.fromkeys(items, text),
            policy_version=policy.version,
            due=due,
            source="owner",
            by=viewer,
            fresh=set(),
        )


def assign_module(
    db: Database,
    viewer: Viewer,
    staff_id: int,
    module: TrainingModule,
    policy: Policy,
    *,
    due: date,
    reason: str,
    today: date | None = None,
) -> None:
    """A supervisor assigns one module to one agent of their own team (an owner to anyone),
    with a due date and a reason, as coaching does: a pass from before does not count, the
    module is to be taken again. Who may is decided inside the transaction, against the stored
    rows of both people: a form sent after the agent moved to another team is refused."""
    today = today or datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    _check_due(due, today)
    text = " ".join(reason.split())
    if not text:
        raise AssignmentError("say why the module is assigned: the agent reads it")
    text = _clean_reason(text, text)
    with transaction(db) as cur:
        assign_module_within(cur, viewer, staff_id, module, policy, due=due, reason=text)


def assign_module_within(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    staff_id: int,
    module: TrainingModule,
    policy: Policy,
    *,
    due: date,
    reason: str,
) -> int:
    """`assign_module`'s write inside the caller's transaction (a coaching plan makes its
    refresher modules in its own), with the due date and reason already checked: who may is
    decided here, against the stored rows. Returns the new assignment's id."""
    who = manager(cur, viewer)
    member = managed_row(cur, viewer, staff_id)  # a supervisor: an agent of their team
    if not cur.execute("SELECT 1 FROM staff WHERE id = ? AND active", [member.id]).fetchone():
        raise AssignmentError(f"{member.name} is not active")
    insert_assignments(
        cur,
        [member.id],
        {module.id: reason},
        policy_version=policy.version,
        due=due,
        source="owner" if who.role == "owner" else "supervisor",
        by=viewer,
        fresh={module.id},
    )
    row = cur.execute(
        "SELECT max(id) FROM training_assignments WHERE staff_id = ? AND item = ?",
        [member.id, module.id],
    ).fetchone()
    assert row is not None and row[0] is not None  # inserted just above, in this transaction
    return int(row[0])
