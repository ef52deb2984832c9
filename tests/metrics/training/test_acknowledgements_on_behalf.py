"""An owner records a paper signature on someone's behalf, and the versions' history counts who
acknowledged each version. Hand-made: team A with Ana and Ben (agents), the owner Olga; version
1 (the shipped file) in force, version 2 a draft."""

from __future__ import annotations

import pytest

from metrics.organisation import ensure_policy_in_force, save_policy_draft
from metrics.people import (
    AccessDenied,
    NewStaffMember,
    PeopleError,
    Viewer,
    add_staff,
    add_team,
    staff_viewer,
)
from metrics.store import Database
from metrics.training import records
from modules.policy import load_policy


@pytest.fixture
def org(db: Database) -> dict[str, Viewer]:
    add_team(db, "A")
    viewers = {}
    for key, name, role, team in [
        ("ana", "Ana Agent", "agent", "A"),
        ("ben", "Ben Agent", "agent", "A"),
        ("olga", "Olga Owner", "owner", None),
    ]:
        staff_id = add_staff(
            db, NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team)
        )
        viewer = staff_viewer(db, staff_id)
        assert viewer is not None
        viewers[key] = viewer
    return viewers


def in_force(db: Database) -> None:
    ensure_policy_in_force(db, load_policy())


def test_an_owner_records_a_paper_signature_as_themselves(
    db: Database, org: dict[str, Viewer]
) -> None:
    in_force(db)
    owner, ana = org["olga"], org["ana"]
    recorded = records.acknowledge_on_behalf(
        db, owner, ana.staff_id, "  Paper signature, rollout session 3 Dec  "
    )
    assert recorded.already_recorded is False
    assert recorded.email == "ana@x.example"
    signed = recorded.acknowledgement
    assert (signed.staff_id, signed.policy_version) == (ana.staff_id, 1)
    assert signed.recorded_by == owner.staff_id
    assert signed.recorded_by_name == "Olga Owner"
    assert signed.note == "Paper signature, rollout session 3 Dec"
    assert records.acknowledgement(db, ana, ana.staff_id, 1) == signed


def test_at_the_command_line_it_is_recorded_as_made_there(
    db: Database, org: dict[str, Viewer]
) -> None:
    in_force(db)
    signed = records.acknowledge_on_behalf(
        db,
        Viewer.local_admin(),
        org["ben"].staff_id,
        "Paper signature",
        recorded_via="command line (user alice)",
    ).acknowledgement
    assert signed.recorded_by == 0
    assert signed.recorded_by_name == "command line (user alice)"


def test_an_acknowledgement_already_there_is_kept_unchanged(
    db: Database, org: dict[str, Viewer]
) -> None:
    in_force(db)
    owner, ana = org["olga"], org["ana"]
    first = records.acknowledge_on_behalf(db, owner, ana.staff_id, "first note")
    again = records.acknowledge_on_behalf(db, owner, ana.staff_id, "second note")
    assert again.already_recorded is True
    assert again.acknowledgement == first.acknowledgement  # the first note, the first time


def test_refusals_change_nothing(db: Database, org: dict[str, Viewer]) -> None:
    owner, ana = org["olga"], org["ana"]
    with pytest.raises(records.TrainingError, match="no policy version is in force"):
        records.acknowledge_on_behalf(db, owner, ana.staff_id, "note")
    in_force(db)
    with pytest.raises(AccessDenied):
        records.acknowledge_on_behalf(db, org["ben"], ana.staff_id, "an agent may not")
    with pytest.raises(records.TrainingError, match="write a note"):
        records.acknowledge_on_behalf(db, owner, ana.staff_id, "   ")
    with pytest.raises(records.TrainingError, match=f"at most {records.MAX_NOTE_CHARS}"):
        records.acknowledge_on_behalf(db, owner, ana.staff_id, "x" * (records.MAX_NOTE_CHARS + 1))
    with pytest.raises(PeopleError, match="999"):
        records.acknowledge_on_behalf(db, owner, 999, "nobody")
    assert records.acknowledgement(db, owner, ana.staff_id, 1) is None


def test_the_history_counts_who_acknowledged_each_version(
    db: Database, org: dict[str, Viewer]
) -> None:
    in_force(db)
    owner = org["olga"]
    for key in ("ana", "ben"):
        records.acknowledge_on_behalf(db, owner, org[key].staff_id, "paper")
    records.acknowledge_on_behalf(db, owner, org["ana"].staff_id, "twice: counted once")
    loaded = load_policy()
    save_policy_draft(db, loaded.text, kind="minor", source="test", created_by=owner.staff_id)
    history = records.policy_version_history(db)
    assert [(v.version, v.status, v.kind, v.acknowledged) for v in history] == [
        (1, "published", "major", 2),
        (2, "draft", "minor", 0),
    ]
    assert history[0].published_at is not None
    assert history[1].published_at is None
