"""What is left to do in the training, as each role's Home says it: one's own mandatory modules
and the policy signature, and the people a supervisor or owner has to chase. Read from
`records.training_standing`, so Home, My training and Training records tell the same story,
with the same due dates."""

from __future__ import annotations

from datetime import date

import pandas as pd
from pydantic import BaseModel

from metrics.people import Viewer
from metrics.store import Database
from metrics.training import assignments
from metrics.training.records import ModuleState, training_standing
from modules.content import TrainingModule
from modules.policy import Policy


class ModuleLeft(BaseModel):
    """An assigned module not passed yet (or whose pass no longer counts)."""

    module_id: str
    title: str
    state: ModuleState
    due: date
    overdue: bool
    # Why, when someone assigned it or it is due again; None for the mandatory training
    # every new starter has.
    reason: str | None = None


class TrainingLeft(BaseModel):
    """One person's training still to do: the mandatory modules not passed, overdue first and
    then by due date, and the policy version to sign once its module is passed."""

    modules: list[ModuleLeft]
    # The module whose passing is followed by signing the policy (None if no module does).
    signing_module_id: str | None
    signing_module_title: str | None
    policy_version: int
    signed: bool
    sign_by: date | None = None  # the signature's due date

    @property
    def to_sign(self) -> bool:
        """The module that teaches the policy is passed, and the version in force not signed."""
        waiting = {left.module_id for left in self.modules}
        return (
            self.signing_module_id is not None
            and not self.signed
            and self.signing_module_id not in waiting
        )

    @property
    def nothing_left(self) -> bool:
        return not self.modules and (self.signing_module_id is None or self.signed)


class OverduePerson(BaseModel):
    """Someone with mandatory modules past their due date."""

    staff_id: int
    name: str
    team: str | None
    modules: list[str]  # titles, in module order
    since: date  # the earliest due date passed


def _day(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def training_left(
    db: Database,
    viewer: Viewer,
    modules: list[TrainingModule],
    policy: Policy,
    *,
    today: date | None = None,
) -> TrainingLeft:
    """What the viewer has left to do in their own training, today."""
    standing = training_standing(db, viewer, modules, policy, staff_id=viewer.staff_id, today=today)
    left = [
        ModuleLeft(
            module_id=row["module_id"],
            title=row["module_title"],
            state=row["state"],
            due=_day(row["due"]),
            overdue=bool(row["overdue"]),
            reason=None if row["source"] == "new starter" else row["reason"],
        )
        for row in standing.to_dict("records")
        if row["assigned"] and row["state"] != "passed"
    ]
    left.sort(key=lambda module: (not module.overdue, module.due))
    signing = next((module for module in modules if module.acknowledges_policy), None)
    people = assignments.people_with_ids(db, [viewer.staff_id])
    signature = assignments.standings(db, people, modules, policy, today=today).get(
        (viewer.staff_id, assignments.ACKNOWLEDGEMENT)
    )
    return TrainingLeft(
        modules=left,
        signing_module_id=signing.id if signing else None,
        signing_module_title=signing.title if signing else None,
        policy_version=policy.version,
        signed=bool(standing["policy_signed_at"].notna().any()),
        sign_by=signature.due if signature is not None else None,
    )


def overdue_people(
    db: Database,
    viewer: Viewer,
    modules: list[TrainingModule],
    policy: Policy,
    *,
    team_id: int | None = None,
    today: date | None = None,
) -> list[OverduePerson]:
    """The active agents of a team (a supervisor's own; for an owner any, or every team) with an
    assigned module overdue today: longest overdue first."""
    standing = training_standing(db, viewer, modules, policy, team_id=team_id, today=today)
    late = standing[standing["overdue"]]
    people = [
        OverduePerson(
            staff_id=int(rows["staff_id"].iloc[0]),
            name=rows["name"].iloc[0],
            team=None if pd.isna(rows["team"].iloc[0]) else rows["team"].iloc[0],
            modules=list(rows["module_title"]),
            since=_day(rows["due"].min()),
        )
        for _, rows in late.groupby("staff_id", sort=False)
    ]
    return sorted(people, key=lambda person: (person.since, person.team or "", person.name))
