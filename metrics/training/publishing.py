"""Publishing a policy version, with everything that follows from it, in one transaction.

`organisation.mark_published` makes the version the one in force. Then, by its kind:

- a **minor** version (a typo, a clearer sentence) keeps every acknowledgement: each signature
  of the version it replaces is carried to it, saying from which version (`kept_from_version`);
  nothing is assigned and every pass keeps counting.
- a **major** version asks everyone to sign it again: nobody has acknowledged it yet, and every
  active member of staff is assigned its acknowledgement. Each mandatory module whose text
  quotes a standard that changed (`modules.policy_diff.changed_standards`, matched against the
  placeholders the loader filled, `LoadedModule.quoted`) is due again for everyone, saying which
  standard and how ("due again: quotes the phone standard, 30 s → 20 s"); modules that quote
  nothing that changed keep their passes.

Everything is decided inside the transaction against the stored rows: the version's kind and
text, the version it replaces, the staff who are active and the acknowledgements carried. The
modules are the caller's, loaded and filled in from the NEW version's policy, so their quoted
paths are that version's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
from pydantic import BaseModel

from metrics.organisation import (
    PolicyKind,
    PolicyStatusError,
    insert_policy_draft,
    mark_published,
)
from metrics.people import AccessDenied, Viewer, manager
from metrics.store import Database, transaction
from metrics.training.assignments import ACKNOWLEDGEMENT, insert_assignments
from modules.content import LoadedModule
from modules.defaults import CHANNELS
from modules.policy import Policy, parse_policy
from modules.policy_diff import StandardChange, changed_standards


class PublishResult(BaseModel):
    version: int
    kind: PolicyKind
    assigned: int  # assignments made (people × items)
    acknowledgements_kept: int
    modules_due_again: list[str]  # module ids, in the order given
    reasons: dict[str, list[str]]  # module id -> why it is due again, one line per standard


def _answer_time_paths(key: str) -> tuple[str, ...]:
    """The placeholders that quote a standard. A channel's standard ("standards.phone") is its
    answer time, quoted as `answer_within` or `answer_within_s`: a module quoting only the
    channel's label or procedure does not quote the time."""
    section, _, channel = key.partition(".")
    if section == "standards" and channel in CHANNELS:
        return (f"{key}.answer_within", f"{key}.answer_within_s")
    return (key,)


def quotes_standard(module: LoadedModule, change: StandardChange) -> bool:
    return any(module.quotes(path) for path in _answer_time_paths(change.key))


def due_again_reason(change: StandardChange) -> str:
    return f"due again: quotes the {change.label} standard, {change.before} → {change.after}"


def default_due(policy: Policy, today: date) -> date:
    """As for a new starter: the policy's days to train, from today or from the day the version
    takes effect, whichever is later."""
    return max(today, policy.effective_from) + timedelta(days=policy.training.due_within_days)


def _stored_text(cur: duckdb.DuckDBPyConnection, version: int) -> str:
    row = cur.execute("SELECT content FROM policy_versions WHERE version = ?", [version]).fetchone()
    if row is None:
        raise PolicyStatusError(f"there is no policy version {version}")
    return str(row[0])


def publish_policy(
    db: Database,
    version: int,
    *,
    by: Viewer,
    modules: Sequence[LoadedModule],
    due: date | None = None,
) -> PublishResult:
    """Publish a draft or pilot version (owners only) and carry out what its kind asks, all in
    one transaction (see the module docstring). `due` is when the acknowledgement and the
    modules due again are due; by default `training.due_within_days` of the new version after
    today or the day it takes effect, whichever is later. Raises PolicyStatusError for a version
    that is not a draft or pilot (or is older than the one in force), AccessDenied for anyone
    but an owner; nothing is changed then."""
    with transaction(db) as cur:
        return _publish(cur, version, by=by, modules=modules, due=due)


def publish_new_version(
    db: Database,
    text: str,
    *,
    kind: PolicyKind,
    source: str,
    by: Viewer,
    modules_for: Callable[[Policy], Sequence[LoadedModule]],
    due: date | None = None,
) -> PublishResult:
    """Validate `text`, keep it as the next version and publish it, all or nothing (as
    `academy policy publish` does): ContentError with every problem of the text, or of a module
    that cannot be filled in from it (`modules_for` loads them from the new version's policy),
    and nothing is saved."""
    parse_policy(text, source)  # every problem, before anything is written
    with transaction(db) as cur:
        if manager(cur, by).role != "owner":
            raise AccessDenied("only an owner publishes a policy version")
        created_by = None if by.staff_id == Viewer.local_admin().staff_id else by.staff_id
        stored = insert_policy_draft(cur, text, kind=kind, source=source, created_by=created_by)
        policy = parse_policy(_stored_text(cur, stored.version), source).policy
        return _publish(cur, stored.version, by=by, modules=modules_for(policy), due=due)


def _publish(
    cur: duckdb.DuckDBPyConnection,
    version: int,
    *,
    by: Viewer,
    modules: Sequence[LoadedModule],
    due: date | None,
) -> PublishResult:
    if manager(cur, by).role != "owner":
        raise AccessDenied("only an owner publishes a policy version")
    row = cur.execute("SELECT kind FROM policy_versions WHERE version = ?", [version]).fetchone()
    if row is None:
        raise PolicyStatusError(f"there is no policy version {version}")
    kind: PolicyKind = row[0]
    new = parse_policy(_stored_text(cur, version), f"policy version {version}").policy
    previous = mark_published(cur, version)
    if kind == "minor":
        kept = cur.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at, is_demo, recorded_by, recorded_by_name, note, kept_from_version)"
            " SELECT staff_id, ?, typed_name, acknowledged_at, is_demo, recorded_by,"
            " recorded_by_name, note, coalesce(kept_from_version, policy_version)"
            " FROM policy_acknowledgements WHERE policy_version = ?"
            " ON CONFLICT DO NOTHING RETURNING staff_id",
            [version, previous],
        ).fetchall()
        return PublishResult(
            version=version,
            kind=kind,
            assigned=0,
            acknowledgements_kept=len(kept),
            modules_due_again=[],
            reasons={},
        )
    changes = (
        changed_standards(
            parse_policy(_stored_text(cur, previous), f"policy version {previous}").policy, new
        )
        if previous is not None
        else []
    )
    reasons = {
        loaded.module.id: [due_again_reason(c) for c in changes if quotes_standard(loaded, c)]
        for loaded in modules
        if loaded.module.mandatory
    }
    reasons = {module_id: lines for module_id, lines in reasons.items() if lines}
    today = datetime.now(ZoneInfo(new.business_hours.timezone)).date()
    staff = [
        int(staff_id)
        for (staff_id,) in cur.execute("SELECT id FROM staff WHERE active ORDER BY id").fetchall()
    ]
    items = {
        ACKNOWLEDGEMENT: f"policy version {version:d} is a major version: sign it again",
        **{
            module_id: "due again: " + "; ".join(line.removeprefix("due again: ") for line in lines)
            for module_id, lines in reasons.items()
        },
    }
    assigned = insert_assignments(
        cur,
        staff,
        items,
        policy_version=version,
        due=due or default_due(new, today),
        source="publish",
        by=by,
        fresh=set(reasons),
    )
    return PublishResult(
        version=version,
        kind=kind,
        assigned=assigned,
        acknowledgements_kept=0,
        modules_due_again=list(reasons),
        reasons=reasons,
    )
