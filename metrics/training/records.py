"""Training records: attempts and their answers, certificates, policy acknowledgements.

Each answer is written the moment it is given, together with the attempt's position, in one
transaction, so whatever happens to the browser nothing answered is lost. Every read that
returns someone's records takes the `Viewer` asking and refuses what that viewer may not see.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
from pydantic import BaseModel, TypeAdapter

from metrics.organisation import stored_policy
from metrics.people import AccessDenied, PeopleError, Viewer, get_staff_member, visible_team_id
from metrics.store import Database, transaction
from metrics.training import assignments
from modules.certificate import CertificateDetails, new_verification_code
from modules.content import TrainingModule
from modules.engine import (
    AttemptPlan,
    AttemptResult,
    build_plan,
    credit_for,
    describe_answer,
    score_attempt,
)
from modules.grading import AnyAnswer
from modules.policy import Policy

_answer_adapter: TypeAdapter[AnyAnswer] = TypeAdapter(AnyAnswer)

# A screen left open over lunch is not training time: one step counts for at most this long.
MAX_SECONDS_PER_STEP = 15 * 60
# Two tabs writing one attempt at the same moment: DuckDB commits one and fails the other with a
# conflict. The one that failed decides again on what is stored by then; a handful of rounds
# (a few milliseconds apart) settles even a burst of clicks in many tabs.
CONFLICT_RETRIES = 8
CONFLICT_PAUSE_S = 0.005

T = TypeVar("T")


class TrainingError(ValueError):
    """A training action that cannot be carried out (wrong name typed, module not passed...)."""


class Attempt(BaseModel):
    id: int
    staff_id: int
    module_id: str
    module_version: int
    module_title: str
    policy_version: int
    attempt_number: int
    plan: AttemptPlan
    position: int
    started_at: datetime
    last_active_at: datetime
    completed_at: datetime | None
    time_spent_s: int
    points: float | None
    max_points: int | None
    score: float | None
    pass_mark: float | None
    passed: bool | None

    @property
    def in_progress(self) -> bool:
        return self.completed_at is None


class StoredAnswer(BaseModel):
    step_id: str
    step_kind: str
    answer: AnyAnswer
    answer_text: str
    credit: float | None
    points: int | None
    answered_at: datetime


class Certificate(BaseModel):
    code: str
    attempt_id: int
    staff_id: int
    staff_name: str
    module_id: str
    module_title: str
    module_version: int
    policy_version: int
    score: float
    pass_mark: float
    issued_at: datetime

    def details(self, organisation: str) -> CertificateDetails:
        return CertificateDetails(
            code=self.code,
            staff_name=self.staff_name,
            module_title=self.module_title,
            module_version=self.module_version,
            policy_version=self.policy_version,
            score=self.score,
            pass_mark=self.pass_mark,
            issued_on=self.issued_at.date(),
            organisation=organisation,
        )


class Acknowledgement(BaseModel):
    staff_id: int
    policy_version: int
    typed_name: str
    acknowledged_at: datetime
    # Recorded on the person's behalf (a paper signature): by whom (a staff id; the local
    # administrator's 0 at the command line), their name or "command line (user alice)", and the
    # note saying what was signed. All None when the person signed in the app themselves.
    recorded_by: int | None = None
    recorded_by_name: str | None = None
    note: str | None = None


class RecordedAcknowledgement(BaseModel):
    acknowledgement: Acknowledgement
    already_recorded: bool  # the person had acknowledged that version already: nothing changed
    email: str | None


class PolicyVersionStanding(BaseModel):
    """A stored policy version and how many staff acknowledged it."""

    version: int
    title: str
    effective_from: date
    status: str
    kind: str
    published_at: datetime | None
    acknowledged: int


ModuleState = Literal["not started", "in progress", "passed", "not passed", "due again"]


class ModuleProgress(BaseModel):
    """One person's standing in one module: the best completed attempt counts."""

    module_id: str
    attempts: int
    state: ModuleState
    best_score: float | None
    best_attempt_id: int | None
    open_attempt_id: int | None
    certificate_code: str | None
    last_active_at: datetime | None


_ATTEMPT_COLUMNS = (
    "id, staff_id, module_id, module_version, module_title, policy_version, attempt_number,"
    " plan, position, started_at, last_active_at, completed_at, time_spent_s, points,"
    " max_points, score, pass_mark, passed"
)
_ATTEMPT_KEYS = [name.strip() for name in _ATTEMPT_COLUMNS.split(",")]


def _attempt(row: tuple) -> Attempt:
    values = dict(zip(_ATTEMPT_KEYS, row, strict=True))
    values["plan"] = AttemptPlan.model_validate_json(values["plan"])
    return Attempt(**values)


class AttemptFinished(TrainingError):
    """The attempt was finished meanwhile, in another tab or window: `attempt` is the attempt as
    stored, whose result the page shows. Nothing was written."""

    def __init__(self, attempt: Attempt) -> None:
        super().__init__(
            "This attempt was finished in another tab or window: your result is below."
        )
        self.attempt = attempt


class AttemptAlreadyOpen(TrainingError):
    """An attempt at the module is open already, started in another tab or window: `attempt`
    is it, to be continued. Nothing was written."""

    def __init__(self, attempt: Attempt) -> None:
        super().__init__("An attempt was already started in another tab: continuing it.")
        self.attempt = attempt


def _decided(db: Database, decide: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """`decide(cur)` in one transaction: it reads the stored attempt, decides, and writes. When
    another tab's transaction wrote the same rows first, DuckDB fails this one (a conflict on
    update, or a duplicate key); it is then decided again, from the start, on what is stored."""
    for round_ in range(CONFLICT_RETRIES):
        try:
            with transaction(db) as cur:
                return decide(cur)
        except (duckdb.TransactionException, duckdb.ConstraintException):
            if round_ == CONFLICT_RETRIES - 1:
                raise
            time.sleep(CONFLICT_PAUSE_S * (round_ + 1))
    raise AssertionError("unreachable")


def _stored_attempt(cur: duckdb.DuckDBPyConnection, attempt_id: int) -> Attempt:
    row = cur.execute(
        f"SELECT {_ATTEMPT_COLUMNS} FROM training_attempts WHERE id = ?", [attempt_id]
    ).fetchone()
    if row is None:
        raise TrainingError(f"No attempt {attempt_id}.")
    return _attempt(row)


def _open_stored_attempt(cur: duckdb.DuckDBPyConnection, attempt_id: int) -> Attempt:
    """The attempt as stored, refused with AttemptFinished if it is finished."""
    stored = _stored_attempt(cur, attempt_id)
    if not stored.in_progress:
        raise AttemptFinished(stored)
    return stored


def _step_seconds(seconds: float) -> int:
    return int(min(max(seconds, 0), MAX_SECONDS_PER_STEP))


def _check_own(viewer: Viewer, staff_id: int) -> None:
    if viewer.staff_id != staff_id:
        raise AccessDenied("only the person taking the training may answer for it")


# -- taking a module -----------------------------------------------------------------------


def start_attempt(
    db: Database,
    viewer: Viewer,
    module: TrainingModule,
    policy_version: int,
    rng: random.Random,
) -> Attempt:
    """Open a new attempt for the viewer, numbered after their last one at this module, with a
    plan drawn (by `modules.engine.build_plan`, from `rng`) against the plan of that last
    attempt as stored: a retake asks what it did not, and in a new order.

    There is one open attempt per person and module: if one is stored already (started in
    another tab or window, or at the same moment), AttemptAlreadyOpen names it instead."""

    def decide(cur: duckdb.DuckDBPyConnection) -> Attempt:
        row = cur.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM training_attempts"
            " WHERE staff_id = ? AND module_id = ? ORDER BY attempt_number DESC LIMIT 1",
            [viewer.staff_id, module.id],
        ).fetchone()
        last = _attempt(row) if row is not None else None
        if last is not None and last.in_progress:
            raise AttemptAlreadyOpen(last)
        plan = build_plan(module, rng, last.plan if last is not None else None)
        # Two tabs starting at once both number their attempt max + 1: the unique attempt
        # number refuses the second, which then finds the first one open.
        row = cur.execute(
            "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
            " policy_version, attempt_number, plan, started_at, last_active_at)"
            " SELECT ?, ?, ?, ?, ?, coalesce(max(attempt_number), 0) + 1, ?, now(), now()"
            " FROM training_attempts WHERE staff_id = ? AND module_id = ?"
            f" RETURNING {_ATTEMPT_COLUMNS}",
            [
                viewer.staff_id,
                module.id,
                module.version,
                module.title,
                policy_version,
                plan.model_dump_json(),
                viewer.staff_id,
                module.id,
            ],
        ).fetchone()
        assert row is not None
        return _attempt(row)

    get_staff_member(db, viewer, viewer.staff_id)  # an active member of the staff list
    return _decided(db, decide)


def get_attempt(db: Database, viewer: Viewer, attempt_id: int) -> Attempt:
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM training_attempts WHERE id = ?", [attempt_id]
        ).fetchone()
    if row is None:
        raise TrainingError(f"No attempt {attempt_id}.")
    attempt = _attempt(row)
    get_staff_member(db, viewer, attempt.staff_id)  # raises AccessDenied
    return attempt


def open_attempt(db: Database, viewer: Viewer, staff_id: int, module_id: str) -> Attempt | None:
    """The attempt at this module still in progress, if any."""
    get_staff_member(db, viewer, staff_id)
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM training_attempts"
            " WHERE staff_id = ? AND module_id = ? AND completed_at IS NULL"
            " ORDER BY attempt_number DESC LIMIT 1",
            [staff_id, module_id],
        ).fetchone()
    return _attempt(row) if row else None


def save_answer(
    db: Database,
    viewer: Viewer,
    attempt: Attempt,
    module: TrainingModule,
    step_id: str,
    answer: AnyAnswer,
    seconds: float,
) -> StoredAnswer:
    """Grade and store an answer (replacing an earlier one to the same step, as a role-play
    grows turn by turn) and the time spent on it, in one transaction. Refused with
    AttemptFinished when the stored attempt is finished, whatever the caller's copy says."""
    _check_own(viewer, attempt.staff_id)
    if step_id not in {planned.step_id for planned in attempt.plan.steps}:
        raise TrainingError(f"Step {step_id!r} is not part of this attempt.")
    step = module.step(step_id)
    credit = credit_for(step, answer)
    points = getattr(step, "points", None)

    def decide(cur: duckdb.DuckDBPyConnection) -> None:
        _open_stored_attempt(cur, attempt.id)
        cur.execute(
            "INSERT OR REPLACE INTO training_answers (attempt_id, step_id, step_kind, answer,"
            " answer_text, credit, points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, now())",
            [
                attempt.id,
                step_id,
                step.kind,
                answer.model_dump_json(),
                describe_answer(step, answer),
                credit,
                points,
            ],
        )
        # Writing the attempt's row also makes a finish in another tab, at the same moment,
        # conflict with this answer: one of the two goes first, the other decides again.
        cur.execute(
            "UPDATE training_attempts SET last_active_at = now(),"
            " time_spent_s = time_spent_s + ? WHERE id = ?",
            [_step_seconds(seconds), attempt.id],
        )

    _decided(db, decide)
    stored = {found.step_id: found for found in answers_of(db, viewer, attempt.id)}
    return stored[step_id]


def move_to(db: Database, viewer: Viewer, attempt: Attempt, position: int, seconds: float) -> None:
    """Record that the agent moved on to the step at `position` (after reading or answering).
    Refused with AttemptFinished when the stored attempt is finished."""
    _check_own(viewer, attempt.staff_id)
    if not 0 <= position < len(attempt.plan.steps):
        # Past the last step is the result: that is finish_attempt's, never a position.
        raise TrainingError(f"Position {position} is outside the attempt's plan.")

    def decide(cur: duckdb.DuckDBPyConnection) -> None:
        _open_stored_attempt(cur, attempt.id)
        cur.execute(
            "UPDATE training_attempts SET position = ?, last_active_at = now(),"
            " time_spent_s = time_spent_s + ? WHERE id = ?",
            [position, _step_seconds(seconds), attempt.id],
        )

    _decided(db, decide)


def answers_of(db: Database, viewer: Viewer, attempt_id: int) -> list[StoredAnswer]:
    """The answers of an attempt, in the order given."""
    get_attempt(db, viewer, attempt_id)  # raises AccessDenied
    with db.cursor() as cur:
        return _answers(cur, attempt_id)


def _answers(cur: duckdb.DuckDBPyConnection, attempt_id: int) -> list[StoredAnswer]:
    rows = cur.execute(
        "SELECT step_id, step_kind, answer, answer_text, credit, points, answered_at"
        " FROM training_answers WHERE attempt_id = ? ORDER BY answered_at, step_id",
        [attempt_id],
    ).fetchall()
    return [
        StoredAnswer(
            step_id=row[0],
            step_kind=row[1],
            answer=_answer_adapter.validate_json(row[2]),
            answer_text=row[3],
            credit=row[4],
            points=row[5],
            answered_at=row[6],
        )
        for row in rows
    ]


def finish_attempt(
    db: Database,
    viewer: Viewer,
    attempt: Attempt,
    module: TrainingModule,
    pass_mark: float,
    seconds: float,
) -> AttemptResult:
    """Score the attempt from the answers stored and close it; on a pass, issue its
    certificate in the same transaction. Refused with AttemptFinished when the stored attempt
    is finished already (in another tab, or at the same moment)."""
    _check_own(viewer, attempt.staff_id)
    member = get_staff_member(db, viewer, attempt.staff_id)

    def decide(cur: duckdb.DuckDBPyConnection) -> AttemptResult:
        stored = _open_stored_attempt(cur, attempt.id)
        answers = {found.step_id: found.answer for found in _answers(cur, attempt.id)}
        result = score_attempt(module, stored.plan, answers, pass_mark)
        cur.execute(
            "UPDATE training_attempts SET completed_at = now(), last_active_at = now(),"
            " position = ?, time_spent_s = time_spent_s + ?, points = ?, max_points = ?,"
            " score = ?, pass_mark = ?, passed = ? WHERE id = ?",
            [
                len(stored.plan.steps),
                _step_seconds(seconds),
                result.points,
                result.max_points,
                result.score,
                result.pass_mark,
                result.passed,
                attempt.id,
            ],
        )
        if result.passed:
            _issue_certificate(cur, stored, member.name, result)
        return result

    return _decided(db, decide)


def attempt_result(
    db: Database, viewer: Viewer, attempt: Attempt, module: TrainingModule
) -> AttemptResult:
    """The result of a finished attempt, item by item, scored from its stored answers with the
    pass mark it was taken under."""
    if attempt.in_progress or attempt.pass_mark is None:
        raise TrainingError("This attempt is not finished yet.")
    answers = {stored.step_id: stored.answer for stored in answers_of(db, viewer, attempt.id)}
    return score_attempt(module, attempt.plan, answers, attempt.pass_mark)


def _issue_certificate(
    cur: duckdb.DuckDBPyConnection, attempt: Attempt, staff_name: str, result: AttemptResult
) -> None:
    # Codes are random from a 30-letter alphabet (8 characters: ~6.5e11 codes); a clash is
    # checked rather than assumed away.
    for _ in range(5):
        code = new_verification_code()
        taken = cur.execute("SELECT 1 FROM certificates WHERE code = ?", [code]).fetchone()
        if taken is None:
            break
    else:
        raise TrainingError("Could not find a free certificate code; try again.")
    cur.execute(
        "INSERT INTO certificates (code, attempt_id, staff_id, staff_name, module_id,"
        " module_title, module_version, policy_version, score, pass_mark, issued_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
        [
            code,
            attempt.id,
            attempt.staff_id,
            staff_name,
            attempt.module_id,
            attempt.module_title,
            attempt.module_version,
            attempt.policy_version,
            result.score,
            result.pass_mark,
        ],
    )


_CERTIFICATE_COLUMNS = (
    "code, attempt_id, staff_id, staff_name, module_id, module_title, module_version,"
    " policy_version, score, pass_mark, issued_at"
)


def _certificate(row: tuple) -> Certificate:
    keys = [name.strip() for name in _CERTIFICATE_COLUMNS.split(",")]
    return Certificate(**dict(zip(keys, row, strict=True)))


def certificate_for_attempt(db: Database, viewer: Viewer, attempt_id: int) -> Certificate | None:
    get_attempt(db, viewer, attempt_id)
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_CERTIFICATE_COLUMNS} FROM certificates WHERE attempt_id = ?", [attempt_id]
        ).fetchone()
    return _certificate(row) if row else None


def certificates_of(db: Database, viewer: Viewer, staff_id: int) -> list[Certificate]:
    """Someone's certificates, best score first within each module."""
    get_staff_member(db, viewer, staff_id)
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_CERTIFICATE_COLUMNS} FROM certificates WHERE staff_id = ?"
            " ORDER BY module_id, score DESC, issued_at DESC",
            [staff_id],
        ).fetchall()
    return [_certificate(row) for row in rows]


def verify_certificate(db: Database, viewer: Viewer, code: str) -> Certificate | None:
    """The certificate with this code, for a supervisor or owner checking one shown to them.
    Codes are compared ignoring case, spaces and dashes, the way people type them."""
    if viewer.role == "agent":
        raise AccessDenied("only supervisors and owners verify certificates")
    wanted = "".join(ch for ch in code.upper() if ch.isalnum())
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_CERTIFICATE_COLUMNS} FROM certificates WHERE replace(code, '-', '') = ?",
            [wanted],
        ).fetchone()
    return _certificate(row) if row else None


# -- standing and history ------------------------------------------------------------------


# One rule for a module's state, over per-module aggregates named `passed`, `open` and
# `attempts` (NULL when nothing was attempted): used by every query that reports a state.
_STATE_SQL = (
    "CASE WHEN passed THEN 'passed' WHEN open THEN 'in progress'"
    " WHEN attempts > 0 THEN 'not passed' ELSE 'not started' END"
)


def module_progress(db: Database, viewer: Viewer, staff_id: int) -> dict[str, ModuleProgress]:
    """Per module someone has touched: attempts, the best completed score and its state."""
    get_staff_member(db, viewer, staff_id)
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT module_id, attempts, {_STATE_SQL}, best_score, best_attempt_id,"
            " open_attempt_id, certificate_code, last_active_at FROM ("
            " SELECT a.module_id, count(*) AS attempts,"
            "  max(a.score) FILTER (WHERE a.completed_at IS NOT NULL) AS best_score,"
            "  arg_max(a.id, a.score) FILTER (WHERE a.completed_at IS NOT NULL)"
            "   AS best_attempt_id,"
            "  bool_or(a.passed) AS passed, bool_or(a.completed_at IS NULL) AS open,"
            "  max(a.id) FILTER (WHERE a.completed_at IS NULL) AS open_attempt_id,"
            "  max(c.code) AS certificate_code, max(a.last_active_at) AS last_active_at"
            " FROM training_attempts a LEFT JOIN certificates c ON c.attempt_id = a.id"
            " WHERE a.staff_id = ? GROUP BY a.module_id)",
            [staff_id],
        ).fetchall()
    keys = list(ModuleProgress.model_fields)
    return {row[0]: ModuleProgress(**dict(zip(keys, row, strict=True))) for row in rows}


def attempts_of(db: Database, viewer: Viewer, staff_id: int) -> list[Attempt]:
    """Every attempt of one person, newest first."""
    get_staff_member(db, viewer, staff_id)
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM training_attempts WHERE staff_id = ?"
            " ORDER BY started_at DESC, attempt_number DESC",
            [staff_id],
        ).fetchall()
    return [_attempt(row) for row in rows]


def training_standing(
    db: Database,
    viewer: Viewer,
    modules: list[TrainingModule],
    policy: Policy,
    *,
    team_id: int | None = None,
    staff_id: int | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """One row per module and person: one person (`staff_id`, any role), else the active agents
    of a team or of every team the viewer may see. Columns: attempts, best completed score,
    state, whether the module is assigned to them, its due date, whether it is overdue, why it
    was assigned (`reason`, `source`), and when the person signed the policy version in force
    (NULL if not yet).

    Due dates and whether a pass still counts come from the assignments
    (`metrics.training.assignments`), the one rule for every page and report: a mandatory
    module is due `training.due_within_days` after the later of the day the person joined and
    the day the policy took effect, unless assigned since with another date; a module due
    again (a standard it quotes changed, a supervisor assigned it, its pass expired) is in
    state "due again" until passed again. It is overdue from the day after its due date."""
    today = today or datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    team: int | None
    if staff_id is not None:
        get_staff_member(db, viewer, staff_id)
        where, team = "s.id = ?", staff_id
    else:
        team = visible_team_id(viewer, team_id)
        where = "s.active AND s.role = 'agent'" + (" AND s.team_id = ?" if team is not None else "")
    params: list[object] = [
        [m.id for m in modules],
        [m.title for m in modules],
        [m.mandatory for m in modules],
    ]
    if team is not None:
        params.append(team)
    params.append(policy.version)
    with db.cursor() as cur:
        table = cur.execute(
            "WITH module AS ("
            "   SELECT unnest(?::VARCHAR[]) AS module_id, unnest(?::VARCHAR[]) AS module_title,"
            "          unnest(?::BOOLEAN[]) AS mandatory),"
            " standing AS ("
            "   SELECT staff_id, module_id, count(*) AS attempts,"
            "          max(score) FILTER (WHERE completed_at IS NOT NULL) AS best_score,"
            "          coalesce(bool_or(passed), false) AS passed,"
            "          bool_or(completed_at IS NULL) AS open,"
            "          max(last_active_at) AS last_active_at"
            "   FROM training_attempts GROUP BY ALL),"
            " rows AS ("
            "   SELECT s.id AS staff_id, s.name, s.email, t.name AS team, m.module_id,"
            "          m.module_title, m.mandatory, coalesce(g.attempts, 0) AS attempts,"
            "          g.best_score, g.last_active_at, coalesce(g.open, false) AS open,"
            f"          {_STATE_SQL} AS state"
            "   FROM staff s CROSS JOIN module m"
            "   LEFT JOIN teams t ON t.id = s.team_id"
            "   LEFT JOIN standing g ON g.staff_id = s.id AND g.module_id = m.module_id"
            f"  WHERE {where})"
            " SELECT r.*, k.acknowledged_at AS policy_signed_at"
            " FROM rows r LEFT JOIN policy_acknowledgements k"
            "   ON k.staff_id = r.staff_id AND k.policy_version = ?"
            " ORDER BY r.team NULLS LAST, r.name, r.module_id",
            params,
        ).df()
    people = assignments.people_with_ids(db, sorted(set(table["staff_id"].tolist())))
    found = assignments.standings(db, people, modules, policy, today=today)
    rows = table[["staff_id", "module_id", "state", "open"]].to_dict("records")
    judged = [found.get((int(row["staff_id"]), str(row["module_id"]))) for row in rows]
    table["state"] = [
        _state(row["state"], bool(row["open"]), standing)
        for row, standing in zip(rows, judged, strict=True)
    ]
    table["assigned"] = [standing is not None for standing in judged]
    table["due"] = pd.to_datetime(
        pd.Series([standing.due if standing else None for standing in judged], dtype=object)
    )
    table["overdue"] = [
        standing is not None and standing.state != "passed" and standing.overdue_days > 0
        for standing in judged
    ]
    table["reason"] = [standing.reason if standing else None for standing in judged]
    table["source"] = [standing.source if standing else None for standing in judged]
    columns = [name for name in table.columns if name not in ("open", "policy_signed_at")]
    return table[[*columns, "policy_signed_at"]]


def _state(
    attempted: ModuleState, open: bool, standing: assignments.Standing | None
) -> ModuleState:
    """A module's state on the training pages: from its attempts, or, when it is assigned,
    from whether a pass still counts for the assignment."""
    if standing is None:
        return attempted
    if standing.state == "passed":
        return "passed"
    if open:
        return "in progress"
    if standing.due_again:
        return "due again"
    return "not passed" if standing.attempts else "not started"


def acknowledge_policy(
    db: Database,
    viewer: Viewer,
    policy_version: int,
    typed_name: str,
    required_module_id: str,
) -> Acknowledgement:
    """Sign the policy version: the viewer types their full name as it is on the staff list
    (compared by `name_key`, so any keyboard will do) and what they typed is kept, having passed
    the module that teaches the policy. Signing twice keeps the first signature."""
    member = get_staff_member(db, viewer, viewer.staff_id)
    if name_key(typed_name) != name_key(member.name):
        raise TrainingError(
            f"Type your full name as it is on the staff list ({member.name}) to sign; capitals "
            "and accents do not matter."
        )
    signed = stored_policy(db, policy_version)
    if signed is None:
        raise TrainingError(f"There is no policy version {policy_version} to sign.")
    with transaction(db) as cur:
        # A pass that no longer counts (the module is due again, or its pass expired) is no
        # pass: decided here, against the stored attempts and assignments.
        if not assignments.pass_counts(cur, viewer.staff_id, required_module_id, signed.policy):
            raise TrainingError("Pass the policy module before signing the policy.")
        cur.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at) VALUES (?, ?, ?, now()) ON CONFLICT DO NOTHING",
            [viewer.staff_id, policy_version, typed_name.strip()],
        )
    found = acknowledgement(db, viewer, viewer.staff_id, policy_version)
    assert found is not None
    return found


# Letters Unicode does not decompose into a plain letter and an accent, written as people
# without that keyboard write them (after casefolding: Đ, Ł, Ø, Æ are lower case by then, and
# ß is ss already).
_PLAIN_LETTERS = str.maketrans(
    {"ı": "i", "đ": "d", "ð": "d", "ħ": "h", "ł": "l", "ŀ": "l", "ø": "o", "ŧ": "t", "æ": "ae",
     "œ": "oe", "þ": "th"}
)  # fmt: skip


def name_key(name: str) -> str:
    """A name as compared when someone types it: without regard to case, accents (š, ā, ç,
    Hebrew vowel points, and the letters of _PLAIN_LETTERS), punctuation or spacing, so
    "ELIF YILMAZ" and "elif yılmaz" both match "Elif Yılmaz", and "O'Brien" matches "O’Brien".
    """
    folded = unicodedata.normalize("NFKD", name.casefold()).translate(_PLAIN_LETTERS)
    kept = []
    for character in folded:
        category = unicodedata.category(character)
        if category == "Pd":  # a hyphen joins two names: "Anna-Maria" is "Anna Maria"
            kept.append(" ")
        elif not (category.startswith("M") or category.startswith("P")):
            kept.append(character)
    return " ".join("".join(kept).split())


def acknowledgement(
    db: Database, viewer: Viewer, staff_id: int, policy_version: int
) -> Acknowledgement | None:
    get_staff_member(db, viewer, staff_id)
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_ACKNOWLEDGEMENT_COLUMNS}"
            " FROM policy_acknowledgements WHERE staff_id = ? AND policy_version = ?",
            [staff_id, policy_version],
        ).fetchone()
    return _acknowledgement(row) if row else None


def acknowledgements_of(db: Database, viewer: Viewer, staff_id: int) -> list[Acknowledgement]:
    get_staff_member(db, viewer, staff_id)
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_ACKNOWLEDGEMENT_COLUMNS}"
            " FROM policy_acknowledgements WHERE staff_id = ? ORDER BY policy_version DESC",
            [staff_id],
        ).fetchall()
    return [_acknowledgement(row) for row in rows]


_ACKNOWLEDGEMENT_COLUMNS = ", ".join(Acknowledgement.model_fields)


def _acknowledgement(row: tuple) -> Acknowledgement:
    return Acknowledgement(**dict(zip(Acknowledgement.model_fields, row, strict=True)))


# A note says what was signed, where and when ("paper signature at the rollout session of 3
# December"); a letter belongs in a file of its own, and a long note would crowd the report.
MAX_NOTE_CHARS = 500


def acknowledge_on_behalf(
    db: Database,
    viewer: Viewer,
    staff_id: int,
    note: str,
    *,
    recorded_via: str | None = None,
) -> RecordedAcknowledgement:
    """An owner records, on a person's behalf, their acknowledgement of the version in force (a
    paper signature), with a note and who recorded it: the owner as themselves, or, where nobody
    is signed in, `recorded_via` ("command line (user alice)"). A person who had acknowledged
    that version already keeps their acknowledgement, unchanged (`already_recorded`). Which
    version is in force, and whether the person acknowledged it, is decided inside the write's
    transaction against the stored rows."""
    if viewer.role != "owner":
        raise AccessDenied("only an owner may record an acknowledgement on someone's behalf")
    text = note.strip()
    if not text:
        raise TrainingError("write a note: what was signed, where and when")
    if len(text) > MAX_NOTE_CHARS:
        raise TrainingError(
            f"a note holds at most {MAX_NOTE_CHARS} characters (this one has {len(text)})"
        )
    with transaction(db) as cur:
        row = cur.execute(
            "SELECT max(version) FROM policy_versions WHERE status = 'published'"
        ).fetchone()
        version = None if row is None else row[0]
        if version is None:
            raise TrainingError("no policy version is in force yet: publish one first")
        member = cur.execute("SELECT name, email FROM staff WHERE id = ?", [staff_id]).fetchone()
        if member is None:
            raise PeopleError(f"no staff member with id {staff_id}")
        inserted = cur.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at, recorded_by, recorded_by_name, note)"
            " VALUES (?, ?, ?, now(), ?, ?, ?) ON CONFLICT DO NOTHING RETURNING staff_id",
            [staff_id, version, member[0], viewer.staff_id, recorded_via or viewer.name, text],
        ).fetchall()
    found = acknowledgement(db, viewer, staff_id, version)
    assert found is not None  # stored above, or before
    return RecordedAcknowledgement(
        acknowledgement=found, already_recorded=not inserted, email=member[1]
    )


def policy_version_history(db: Database) -> list[PolicyVersionStanding]:
    """Every stored policy version, oldest first, with the number of staff who acknowledged it
    (for owners and `academy policy versions`; nobody's name is in it)."""
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT v.version, v.title, v.effective_from, v.status, v.kind, v.published_at,"
            " count(DISTINCT k.staff_id)"
            " FROM policy_versions v"
            " LEFT JOIN policy_acknowledgements k ON k.policy_version = v.version"
            " GROUP BY ALL ORDER BY v.version"
        ).fetchall()
    return [
        PolicyVersionStanding(**dict(zip(PolicyVersionStanding.model_fields, row, strict=True)))
        for row in rows
    ]
