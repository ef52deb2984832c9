"""Acknowledged but not applied (issue 14, item 5): agents who signed the policy version in force
and passed its modules, yet are clearly below a standard that version changed, in the days since.

- **The version's changes**: the standards whose value differs between the version in force and
  the version published before it (`modules.policy_diff.changed_standards`; both read from the
  store). A channel's answer time or the service-level target is the service level's standard;
  the resolution and CSAT targets theirs. A change to the complaint follow-up days is named but
  cannot be judged (the policy sets no target for follow-up compliance); other changes (the pass
  mark, the minimum of contacts) are no agent's standard.
- **Signed and passed**: an active agent who signed the version in force (a signature a minor
  version carried over counts) and passed every module assigned to them (the compliance
  report's states, `metrics/training/compliance.py`), with at least one module passed.
- **Since**: from the local day after the later of the signature and their latest counting pass
  (the first whole day on which they had done both) to today (`metrics.clock`).
- **Clearly below**: over those days, with at least `standards.min_contacts` contacts counted for
  the rate (handled; ratings for CSAT), the whole 95% Wilson interval under the target of the
  version in force.

When the version in force is the first, or changed no standard an agent is judged on, nothing can
be flagged, and `nothing_to_flag` says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel

from metrics import clock
from metrics.organisation import list_policy_versions, stored_policy
from metrics.people import Viewer
from metrics.performance.agents import JUDGED, agent_metrics, targets
from metrics.performance.period import Period
from metrics.performance.recognition import DENOMINATORS
from metrics.store import Database
from metrics.training.assignments import Person, local_day, people_in_scope, standings
from metrics.training.compliance import compliance_report
from modules.content import TrainingModule
from modules.policy import Policy
from modules.policy_diff import changed_standards

# Which judged metric each changed standard of `policy_diff` (by its key) is a standard of.
METRIC_OF_STANDARD = {
    "standards.phone": "service_level",
    "standards.chat": "service_level",
    "standards.email": "service_level",
    "standards.social": "service_level",
    "standards.service_level_target": "service_level",
    "standards.resolution_target": "resolution_rate",
    "standards.csat_target": "csat",
    "standards.complaint_follow_up_days": "follow_up_compliance",
}
UNJUDGED = {"follow_up_compliance"}  # no target in the policy: named, never flagged


class ChangedStandard(BaseModel):
    metric: str
    lines: list[str]  # "phone: 30 s → 20 s", as the policy's comparison says them


class Flagged(BaseModel):
    """One agent clearly below one changed standard since they signed and passed."""

    staff_id: int
    name: str
    email: str | None
    team: str | None
    signed_at: datetime
    passed_at: datetime  # their latest counting pass of the version's modules
    since: date  # the first local day counted
    until: date  # today
    metric: str
    value: float
    n: int
    low: float
    high: float
    target: float

    @property
    def weeks(self) -> int:
        """Whole weeks counted."""
        return ((self.until - self.since).days + 1) // 7


class NotApplied(BaseModel):
    policy_version: int
    previous_version: int | None
    changed: list[ChangedStandard]
    nothing_to_flag: str | None  # why nothing can be flagged; None when something could be
    flagged: list[Flagged]

    def of(self, staff_id: int) -> list[Flagged]:
        return [found for found in self.flagged if found.staff_id == staff_id]


def previous_version(db: Database, version: int) -> int | None:
    """The version published before `version` (drafts and pilots never in force are skipped)."""
    earlier = [
        stored.version
        for stored in list_policy_versions(db)
        if stored.version < version and stored.published_at is not None
    ]
    return max(earlier, default=None)


def version_changes(before: Policy, after: Policy) -> list[ChangedStandard]:
    """The agents' standards that changed from `before` to `after`, by metric, in the order of
    `METRIC_OF_STANDARD`'s metrics."""
    lines: dict[str, list[str]] = {}
    for change in changed_standards(before, after):
        metric = METRIC_OF_STANDARD.get(change.key)
        if metric is not None:
            lines.setdefault(metric, []).append(change.line)
    order = list(dict.fromkeys(METRIC_OF_STANDARD.values()))
    return [ChangedStandard(metric=m, lines=lines[m]) for m in order if m in lines]


def not_applied(
    db: Database,
    viewer: Viewer,
    modules: Sequence[TrainingModule],
    policy: Policy,
    *,
    team_id: int | None = None,
) -> NotApplied:
    """The agents of one team, or every team the viewer may see (owners all, supervisors their
    own; agents are refused), who signed and passed but are clearly below a changed standard
    (see the module's docstring); by name, then metric."""
    people = {person.id: person for person in _agents(db, viewer, team_id)}  # refuses agents
    previous = previous_version(db, policy.version)
    if previous is None:
        return NotApplied(
            policy_version=policy.version,
            previous_version=None,
            changed=[],
            nothing_to_flag=(
                f"Version {policy.version:d} is the first version published: there is no "
                "earlier one it changed a standard of, so nothing can be flagged."
            ),
            flagged=[],
        )
    before = stored_policy(db, previous)
    assert before is not None  # listed just above; versions are never deleted
    changed = version_changes(before.policy, policy)
    judged = [change.metric for change in changed if change.metric not in UNJUDGED]
    if not judged:
        named = (
            " It changed complaint follow-up, which has no target to judge by." if changed else ""
        )
        return NotApplied(
            policy_version=policy.version,
            previous_version=previous,
            changed=changed,
            nothing_to_flag=(
                f"Version {policy.version:d} changed no standard agents are judged on "
                f"(service level, resolution, CSAT) from version {previous:d}, so nothing can "
                f"be flagged.{named}"
            ),
            flagged=[],
        )
    zone = policy.business_hours.timezone
    today = clock.today(zone)
    report = compliance_report(db, viewer, modules, policy, team_id=team_id, today=today)
    found = standings(db, list(people.values()), modules, policy, today=today)
    done: dict[int, tuple[datetime, datetime]] = {}
    for person in report.staff:
        if person.staff_id not in people or not person.acknowledged(policy.version):
            continue
        passes = [
            standing.passed_at
            for module in modules
            if (standing := found.get((person.staff_id, module.id))) is not None
            and standing.passed_at is not None
        ]
        if person.completed and passes and person.signature is not None:
            done[person.staff_id] = (person.signature.at, max(passes))
    minimum = policy.standards.min_contacts
    policy_targets = targets(policy)
    by_start: dict[date, list[int]] = {}
    for staff_id, (signed_at, passed_at) in done.items():
        since = local_day(max(signed_at, passed_at), zone) + timedelta(days=1)
        if since <= today:
            by_start.setdefault(since, []).append(staff_id)
    flagged: list[Flagged] = []
    for since, staff_ids in by_start.items():
        frame = agent_metrics(db, viewer, policy, Period(start=since, end=today, team_id=team_id))
        rows = {int(row["agent_id"]): row for row in frame.to_dict("records")}
        for staff_id in staff_ids:
            row = rows.get(staff_id)
            if row is None:
                continue
            for metric in judged:
                n, high = int(row[DENOMINATORS[metric]]), row[f"{metric}_high"]
                if n < minimum or not high < policy_targets[metric]:
                    continue
                agent = people[staff_id]
                signed_at, passed_at = done[staff_id]
                flagged.append(
                    Flagged(
                        staff_id=staff_id,
                        name=agent.name,
                        email=agent.email,
                        team=agent.team,
                        signed_at=signed_at,
                        passed_at=passed_at,
                        since=since,
                        until=today,
                        metric=metric,
                        value=float(row[metric]),
                        n=n,
                        low=float(row[f"{metric}_low"]),
                        high=float(high),
                        target=policy_targets[metric],
                    )
                )
    order = list(JUDGED)
    flagged.sort(key=lambda f: (f.name, f.staff_id, order.index(f.metric)))
    return NotApplied(
        policy_version=policy.version,
        previous_version=previous,
        changed=changed,
        nothing_to_flag=None,
        flagged=flagged,
    )


def _agents(db: Database, viewer: Viewer, team_id: int | None) -> list[Person]:
    return [person for person in people_in_scope(db, viewer, team_id) if person.role == "agent"]
