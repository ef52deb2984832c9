"""The compliance report: per member of staff, each assigned module's state, the signature of
the version in force and rollout-session attendance; per team, the rates of each.

Owners see everyone, supervisors their own team, agents nobody (AccessDenied). The states and
due dates are the assignments' (`metrics.training.assignments`), the same as on My training and
Home. Who attended is the rollout sessions' (`metrics.training.rollout.attendance_by_staff`).

Rates are fractions of the active staff of the team, each person counted once:

- **completed**: passed every module assigned to them (someone with none assigned counts as
  complete);
- **acknowledged**: signed the version in force (a signature carried over by a minor version
  counts);
- **attended**: joined, or was marked present at, a rollout session of the version in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from metrics.people import Viewer
from metrics.store import Database
from metrics.training import assignments
from metrics.training.assignments import ACKNOWLEDGEMENT, State
from metrics.training.rollout import attendance_by_staff
from modules.content import TrainingModule
from modules.policy import Policy

STATES: tuple[State, ...] = ("not_started", "in_progress", "passed", "overdue", "expired")
# The report's CSV: one row per member of staff and assigned module (a person with none
# assigned has one row with the module's columns empty).
CSV_FIELDS = [
    "email",
    "name",
    "team",
    "role",
    "acknowledged_version",
    "acknowledged_at",
    "attended",
    "module",
    "state",
    "due",
    "overdue_days",
    "best_score",
]


class ModuleCompliance(BaseModel):
    module: str  # the module id
    title: str
    state: State
    due: date
    overdue_days: int
    best_score: float | None
    reason: str
    source: assignments.Source


class Signature(BaseModel):
    """The newest policy version someone acknowledged."""

    version: int
    at: datetime
    recorded_by_name: str | None  # who recorded it on their behalf; None: they signed
    note: str | None
    kept_from_version: int | None  # carried over by a minor version from this one


class StaffCompliance(BaseModel):
    staff_id: int
    email: str | None
    name: str
    team: str | None
    role: str
    signature: Signature | None
    signature_due: assignments.Standing | None  # None once the version in force is signed
    attended_at: datetime | None
    modules: list[ModuleCompliance]

    def acknowledged(self, version: int) -> bool:
        return self.signature is not None and self.signature.version == version

    @property
    def completed(self) -> bool:
        return all(module.state == "passed" for module in self.modules)

    @property
    def overdue_days(self) -> int:
        """The longest any of their modules or their signature is overdue."""
        days = [module.overdue_days for module in self.modules]
        if self.signature_due is not None:
            days.append(self.signature_due.overdue_days)
        return max(days, default=0)


class TeamCompliance(BaseModel):
    team: str | None
    staff: int
    completed_rate: float
    acknowledged_rate: float
    attended_rate: float


class ComplianceReport(BaseModel):
    policy_version: int
    staff: list[StaffCompliance]
    teams: list[TeamCompliance]

    def overdue(self) -> list[StaffCompliance]:
        """Who is overdue with anything (a module, an expired pass, the signature), longest
        overdue first."""
        late = [person for person in self.staff if person.overdue_days > 0]
        return sorted(late, key=lambda person: (-person.overdue_days, person.name))

    def answer(self) -> dict[str, object]:
        """The JSON of `academy report compliance`, exactly."""
        return {
            "policy_version": self.policy_version,
            "staff": [
                {
                    "email": person.email,
                    "name": person.name,
                    "team": person.team,
                    "role": person.role,
                    "acknowledged_version": person.signature.version if person.signature else None,
                    "acknowledged_at": (
                        person.signature.at.isoformat() if person.signature else None
                    ),
                    "attended": person.attended_at is not None,
                    "modules": [
                        {
                            "module": module.module,
                            "state": module.state,
                            "due": module.due.isoformat(),
                            "overdue_days": module.overdue_days,
                            "best_score": module.best_score,
                        }
                        for module in person.modules
                    ],
                }
                for person in self.staff
            ],
            "teams": [team.model_dump() for team in self.teams],
        }

    def csv_rows(self) -> list[dict[str, object]]:
        """CSV_FIELDS, one row per member of staff and module."""
        rows: list[dict[str, object]] = []
        for person in self.answer()["staff"]:  # type: ignore[attr-defined]
            about = {key: person[key] for key in CSV_FIELDS[:7]}
            lines = person["modules"] or [dict.fromkeys(CSV_FIELDS[7:])]
            rows.extend({**about, **line} for line in lines)
        return rows


def _signatures(db: Database, staff_ids: list[int]) -> dict[int, Signature]:
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT staff_id, max(policy_version), arg_max(acknowledged_at, policy_version),"
            " arg_max(recorded_by_name, policy_version), arg_max(note, policy_version),"
            " arg_max(kept_from_version, policy_version)"
            " FROM policy_acknowledgements WHERE staff_id IN (SELECT unnest(?::INTEGER[]))"
            " GROUP BY staff_id",
            [staff_ids],
        ).fetchall()
    return {
        int(row[0]): Signature(
            version=row[1],
            at=row[2],
            recorded_by_name=row[3],
            note=row[4],
            kept_from_version=row[5],
        )
        for row in rows
    }


def _rate(count: int, of: int) -> float:
    return round(count / of, 4) if of else 0.0


def compliance_report(
    db: Database,
    viewer: Viewer,
    modules: Sequence[TrainingModule],
    policy: Policy,
    *,
    team_id: int | None = None,
    today: date | None = None,
) -> ComplianceReport:
    """The report for the active staff of one team, or of every team the viewer may see (an
    owner everyone, a supervisor their own team; an agent is refused), today."""
    today = today or datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    people = assignments.people_in_scope(db, viewer, team_id)
    ids = [person.id for person in people]
    found = assignments.standings(db, people, modules, policy, today=today)
    signatures = _signatures(db, ids)
    attended = attendance_by_staff(db, policy.version)
    staff = []
    for person in people:
        lines = [
            ModuleCompliance(
                module=module.id,
                title=module.title,
                state=standing.state,
                due=standing.due,
                overdue_days=standing.overdue_days,
                best_score=standing.best_score,
                reason=standing.reason,
                source=standing.source,
            )
            for module in modules
            if (standing := found.get((person.id, module.id))) is not None
        ]
        signing = found.get((person.id, ACKNOWLEDGEMENT))
        staff.append(
            StaffCompliance(
                staff_id=person.id,
                email=person.email,
                name=person.name,
                team=person.team,
                role=person.role,
                signature=signatures.get(person.id),
                signature_due=signing
                if signing is not None and signing.state != "passed"
                else None,
                attended_at=attended.get(person.id),
                modules=lines,
            )
        )
    teams: dict[str | None, list[StaffCompliance]] = {}
    for member in staff:
        teams.setdefault(member.team, []).append(member)
    return ComplianceReport(
        policy_version=policy.version,
        staff=staff,
        teams=[
            TeamCompliance(
                team=team,
                staff=len(members),
                completed_rate=_rate(sum(member.completed for member in members), len(members)),
                acknowledged_rate=_rate(
                    sum(member.acknowledged(policy.version) for member in members), len(members)
                ),
                attended_rate=_rate(
                    sum(member.attended_at is not None for member in members), len(members)
                ),
            )
            for team, members in teams.items()
        ],
    )


def filtered(
    report: ComplianceReport,
    *,
    states: Sequence[State] = (),
    module_ids: Sequence[str] = (),
) -> list[StaffCompliance]:
    """The staff with a module in one of `states` (any, when empty) among `module_ids` (any,
    when empty), each with only those modules: the page's filters."""
    kept = []
    for person in report.staff:
        lines = [
            line
            for line in person.modules
            if (not states or line.state in states)
            and (not module_ids or line.module in module_ids)
        ]
        if lines or not (states or module_ids):
            kept.append(person.model_copy(update={"modules": lines}))
    return kept
