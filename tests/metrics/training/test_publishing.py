"""Publishing a version: a minor one keeps every acknowledgement, a major one asks everyone to
sign again and makes due again only the mandatory modules that quote a standard it changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from metrics import organisation
from metrics.organisation import PolicyStatusError
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database
from metrics.training.assignments import ACKNOWLEDGEMENT, assignments_of
from metrics.training.publishing import publish_policy
from modules.content import LoadedModule, load_modules
from modules.policy import load_policy

POLICY_MODULE, COMPLAINTS = "customer-service-policy", "handling-complaints"
SIGNED_AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def org(db: Database) -> dict[str, int]:
    """Version 1 (the shipped file) in force; an owner, a supervisor, Ana who passed both
    modules and signed version 1, Ben who did neither, and Cleo who left."""
    organisation.ensure_policy_in_force(db, load_policy())
    add_team(db, "A")
    ids = {
        key: add_staff(
            db, NewStaffMember(name=key.title(), email=f"{key}@x.example", role=role, team=team)
        )
        for key, role, team in [
            ("owner", "owner", None),
            ("sup", "supervisor", "A"),
            ("ana", "agent", "A"),
            ("ben", "agent", "A"),
            ("cleo", "agent", "A"),
        ]
    }
    db.execute("UPDATE staff SET active = false WHERE id = ?", [ids["cleo"]])
    for module_id in (POLICY_MODULE, COMPLAINTS):
        db.execute(
            "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
            " policy_version, attempt_number, plan, started_at, last_active_at, completed_at,"
            " score, pass_mark, passed) VALUES (?, ?, 1, ?, 1, 1, '{}', ?, ?, ?, 0.9, 0.8, true)",
            [ids["ana"], module_id, module_id, SIGNED_AT, SIGNED_AT, SIGNED_AT],
        )
    db.execute(
        "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
        " acknowledged_at) VALUES (?, 1, 'Ana', ?)",
        [ids["ana"], SIGNED_AT],
    )
    return ids


def owner(db: Database, org: dict[str, int]) -> Viewer:
    found = staff_viewer(db, org["owner"])
    assert found is not None
    return found


def draft(db: Database, old: str, new: str, kind: str) -> tuple[int, list[LoadedModule]]:
    text = load_policy().text
    assert text.count(old) >= 1
    stored = organisation.save_policy_draft(
        db,
        text.replace(old, new, 1),
        kind=kind,
        source="test",
        created_by=None,  # type: ignore[arg-type]
    )
    loaded = organisation.stored_policy(db, stored.version)
    assert loaded is not None
    return stored.version, load_modules(loaded.policy)


def left(db: Database, staff_id: int, modules: list[LoadedModule]) -> dict[str, str]:
    policy = organisation.policy_in_force(db).policy
    return {
        a.module_id: a.reason
        for a in assignments_of(
            db, Viewer.local_admin(), staff_id, [m.module for m in modules], policy
        )
    }


def test_a_minor_version_keeps_every_acknowledgement_and_every_pass(
    db: Database, org: dict[str, int]
) -> None:
    version, modules = draft(db, "would choose us again", "would gladly choose us again", "minor")
    result = publish_policy(db, version, by=owner(db, org), modules=modules)
    assert (result.version, result.kind, result.assigned, result.acknowledgements_kept) == (
        2,
        "minor",
        0,
        1,
    )
    assert result.modules_due_again == [] and result.reasons == {}
    kept = db.execute(
        "SELECT staff_id, typed_name, acknowledged_at, kept_from_version"
        " FROM policy_acknowledgements WHERE policy_version = 2"
    ).fetchall()
    assert kept == [(org["ana"], "Ana", SIGNED_AT, 1)]  # signed when she signed version 1
    assert organisation.policy_in_force_key(db)[0] == 2  # type: ignore[index]
    assert left(db, org["ana"], modules) == {}  # nothing left: passes and signature kept
    assert set(left(db, org["ben"], modules)) == {POLICY_MODULE, COMPLAINTS, ACKNOWLEDGEMENT}


def test_a_major_version_resets_acknowledgements_and_makes_due_again_only_what_quotes_a_change(
    db: Database, org: dict[str, int]
) -> None:
    # The phone's answer time, 30 s -> 20 s: the policy module quotes it; Handling complaints
    # quotes only the phone's procedure (standards.phone.procedure[1]), not its time.
    version, modules = draft(db, "answer_within_s: 30", "answer_within_s: 20", "major")
    assert [m.module.id for m in modules if m.quotes("standards.phone")] == [
        POLICY_MODULE,
        COMPLAINTS,
    ]
    today = datetime.now(UTC).date()
    result = publish_policy(db, version, by=owner(db, org), modules=modules)
    assert (result.kind, result.acknowledgements_kept) == ("major", 0)
    assert result.modules_due_again == [POLICY_MODULE]
    assert result.reasons == {POLICY_MODULE: ["due again: quotes the phone standard, 30 s → 20 s"]}
    # The four active people (owner, supervisor, Ana, Ben; not Cleo) × the signature and the
    # policy module.
    assert result.assigned == 8
    assert db.execute(
        "SELECT count(*) FROM policy_acknowledgements WHERE policy_version = 2"
    ).fetchone() == (0,)
    ana = left(db, org["ana"], modules)
    assert ana == {
        POLICY_MODULE: "due again: quotes the phone standard, 30 s → 20 s",
        ACKNOWLEDGEMENT: "policy version 2 is a major version: sign it again",
    }  # her pass of Handling complaints is kept
    [due] = {row[0] for row in db.execute("SELECT due FROM training_assignments").fetchall()}
    # 14 days from today (or the version's effective date, 5 January 2026, which is earlier).
    assert abs((due - (today + timedelta(days=14))).days) <= 1
    assert db.execute(
        "SELECT count(*) FROM training_assignments WHERE staff_id = ?", [org["cleo"]]
    ).fetchone() == (0,)


def test_a_changed_standard_both_modules_quote_makes_both_due_again_with_a_date(
    db: Database, org: dict[str, int]
) -> None:
    version, modules = draft(
        db, "complaint_follow_up_days: 3", "complaint_follow_up_days: 2", "major"
    )
    result = publish_policy(db, version, by=owner(db, org), modules=modules, due=date(2027, 1, 15))
    line = "due again: quotes the complaint follow-up standard, 3 days → 2 days"
    assert result.reasons == {POLICY_MODULE: [line], COMPLAINTS: [line]}
    assert result.assigned == 4 * 3
    found = assignments_of(
        db,
        Viewer.local_admin(),
        org["ana"],
        [m.module for m in modules],
        organisation.policy_in_force(db).policy,
        today=date(2027, 1, 18),
    )
    assert [(a.module_id, a.due, a.state, a.overdue_days) for a in found] == [
        (POLICY_MODULE, date(2027, 1, 15), "overdue", 3),
        (COMPLAINTS, date(2027, 1, 15), "overdue", 3),
        (ACKNOWLEDGEMENT, date(2027, 1, 15), "overdue", 3),
    ]


def test_only_an_owner_publishes_and_only_a_draft_or_pilot_and_a_refusal_changes_nothing(
    db: Database, org: dict[str, int]
) -> None:
    version, modules = draft(db, "answer_within_s: 30", "answer_within_s: 20", "major")
    supervisor = staff_viewer(db, org["sup"])
    assert supervisor is not None
    with pytest.raises(AccessDenied):
        publish_policy(db, version, by=supervisor, modules=modules)
    assert organisation.policy_version(db, version).status == "draft"  # type: ignore[union-attr]
    assert db.execute("SELECT count(*) FROM training_assignments").fetchone() == (0,)
    with pytest.raises(PolicyStatusError):
        publish_policy(db, 1, by=owner(db, org), modules=modules)  # in force already
    with pytest.raises(PolicyStatusError):
        publish_policy(db, 9, by=owner(db, org), modules=modules)
    assert organisation.policy_in_force_key(db)[0] == 1  # type: ignore[index]


def test_a_module_due_again_is_passed_again_before_the_new_version_is_signed(
    db: Database, org: dict[str, int]
) -> None:
    from metrics.training.records import TrainingError, acknowledge_policy

    version, modules = draft(db, "answer_within_s: 30", "answer_within_s: 20", "major")
    publish_policy(db, version, by=owner(db, org), modules=modules)
    ana = staff_viewer(db, org["ana"])
    assert ana is not None
    # Her pass of 3 November was before the phone's standard changed: it no longer counts.
    with pytest.raises(TrainingError, match="Pass the policy module"):
        acknowledge_policy(db, ana, version, "Ana", POLICY_MODULE)
    again = datetime.now(UTC) + timedelta(seconds=1)
    db.execute(
        "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
        " policy_version, attempt_number, plan, started_at, last_active_at, completed_at,"
        " score, pass_mark, passed) VALUES (?, ?, 1, ?, 2, 2, '{}', ?, ?, ?, 0.95, 0.8, true)",
        [org["ana"], POLICY_MODULE, POLICY_MODULE, again, again, again],
    )
    signed = acknowledge_policy(db, ana, version, "Ana", POLICY_MODULE)
    assert (signed.policy_version, signed.typed_name) == (2, "Ana")
