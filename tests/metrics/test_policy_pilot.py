"""The pilot of a policy version, on a hand-made organisation: team A (Ana and Ben, agents; Sara,
their supervisor), team B (Cai, agent), and the owner Olga. Version 1 (the shipped file) is in
force; version 2, a draft, answers the phone in 20 s."""

from __future__ import annotations

import pytest

from metrics.organisation import ensure_policy_in_force, list_policy_versions, save_policy_draft
from metrics.people import (
    AccessDenied,
    NewStaffMember,
    PeopleError,
    Viewer,
    add_staff,
    add_team,
    staff_viewer,
)
from metrics.policy_pilot import (
    MAX_COMMENT_CHARS,
    PilotError,
    add_pilot_comment,
    end_pilot,
    pilot_comments,
    pilot_members,
    pilot_version_of,
    start_pilot,
)
from metrics.store import Database
from modules.policy import load_policy

PEOPLE = [
    ("ana", "Ana Agent", "agent", "A"),
    ("ben", "Ben Agent", "agent", "A"),
    ("sara", "Sara Supervisor", "supervisor", "A"),
    ("cai", "Cai Agent", "agent", "B"),
    ("olga", "Olga Owner", "owner", None),
]


def phone_in_20_s(text: str) -> str:
    changed = text.replace("answer_within_s: 30\n", "answer_within_s: 20\n", 1)
    assert changed != text
    return changed


@pytest.fixture
def org(db: Database) -> dict[str, Viewer]:
    add_team(db, "A")
    add_team(db, "B")
    viewers = {}
    for key, name, role, team in PEOPLE:
        staff_id = add_staff(
            db, NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team)
        )
        viewer = staff_viewer(db, staff_id)
        assert viewer is not None
        viewers[key] = viewer
    loaded = load_policy()
    ensure_policy_in_force(db, loaded)
    draft = save_policy_draft(
        db,
        phone_in_20_s(loaded.text),
        kind="major",
        source="test",
        created_by=viewers["olga"].staff_id,
    )
    assert draft.version == 2 and draft.status == "draft"
    return viewers


def team_a_id(db: Database) -> int:
    row = db.execute("SELECT id FROM teams WHERE name = 'A'").fetchone()
    assert row is not None
    return int(row[0])


def statuses(db: Database) -> dict[int, str]:
    return {v.version: v.status for v in list_policy_versions(db)}


def test_a_team_and_people_picked_by_name_make_the_group(
    db: Database, org: dict[str, Viewer]
) -> None:
    owner = org["olga"]
    group = start_pilot(db, owner, 2, staff_ids=[org["cai"].staff_id], team_id=team_a_id(db))
    # Team A's active members (Ana, Ben, Sara) and Cai, by name.
    assert [m.name for m in group] == ["Ana Agent", "Ben Agent", "Cai Agent", "Sara Supervisor"]
    assert statuses(db) == {1: "published", 2: "pilot"}
    assert pilot_version_of(db, org["ana"]) == 2
    assert pilot_version_of(db, org["cai"]) == 2
    assert pilot_version_of(db, owner) is None  # the owner is not in the group


def test_a_pilot_is_refused_with_nothing_changed(db: Database, org: dict[str, Viewer]) -> None:
    owner, ana = org["olga"], org["ana"]
    with pytest.raises(AccessDenied):
        start_pilot(db, org["sara"], 2, staff_ids=[ana.staff_id])
    with pytest.raises(PilotError, match="not a draft"):
        start_pilot(db, owner, 1, staff_ids=[ana.staff_id])  # version 1 is published
    with pytest.raises(PilotError, match="at least one"):
        start_pilot(db, owner, 2)
    with pytest.raises(PeopleError, match="999"):
        start_pilot(db, owner, 2, staff_ids=[ana.staff_id, 999])
    with pytest.raises(PilotError, match="no policy version 7"):
        start_pilot(db, owner, 7, staff_ids=[ana.staff_id])
    assert statuses(db) == {1: "published", 2: "draft"}
    assert pilot_members(db, owner, 2) == []


def test_comments_are_seen_by_the_owner_and_each_by_its_author_only(
    db: Database, org: dict[str, Viewer]
) -> None:
    owner, ana, ben, cai = org["olga"], org["ana"], org["ben"], org["cai"]
    start_pilot(db, owner, 2, staff_ids=[ana.staff_id, ben.staff_id])
    add_pilot_comment(db, ana, 2, "standards", "  20 s is hard at 9 am.  ")
    add_pilot_comment(db, ben, 2, "standards", "Fine by me.")
    add_pilot_comment(db, ana, 2, "compensation", "Add a gift card?")

    everything = pilot_comments(db, owner, 2)
    assert [(c.staff_name, c.section_key, c.comment) for c in everything] == [
        ("Ana Agent", "standards", "20 s is hard at 9 am."),  # stripped
        ("Ben Agent", "standards", "Fine by me."),
        ("Ana Agent", "compensation", "Add a gift card?"),
    ]
    assert [c.comment for c in pilot_comments(db, ana, 2)] == [
        "20 s is hard at 9 am.",
        "Add a gift card?",
    ]
    assert [c.comment for c in pilot_comments(db, ben, 2)] == ["Fine by me."]
    for outsider in (cai, org["sara"]):  # not in the group: neither an agent nor a supervisor
        with pytest.raises(AccessDenied):
            pilot_comments(db, outsider, 2)


def test_only_the_group_comments_and_only_while_in_pilot(
    db: Database, org: dict[str, Viewer]
) -> None:
    owner, ana, cai = org["olga"], org["ana"], org["cai"]
    with pytest.raises(PilotError, match="no longer in pilot"):
        add_pilot_comment(db, ana, 2, "standards", "Too early: still a draft.")
    start_pilot(db, owner, 2, staff_ids=[ana.staff_id])
    with pytest.raises(AccessDenied):
        add_pilot_comment(db, cai, 2, "standards", "I am not in the group.")
    with pytest.raises(PilotError, match="no section 'pricing'"):
        add_pilot_comment(db, ana, 2, "pricing", "No such section.")
    with pytest.raises(PilotError, match="write a comment"):
        add_pilot_comment(db, ana, 2, "standards", "   ")
    with pytest.raises(PilotError, match=f"at most {MAX_COMMENT_CHARS}"):
        add_pilot_comment(db, ana, 2, "standards", "x" * (MAX_COMMENT_CHARS + 1))
    add_pilot_comment(db, ana, 2, "standards", "x" * MAX_COMMENT_CHARS)  # the limit itself is fine

    end_pilot(db, owner, 2)
    assert statuses(db) == {1: "published", 2: "draft"}
    assert pilot_version_of(db, ana) is None
    with pytest.raises(PilotError, match="no longer in pilot"):
        add_pilot_comment(db, ana, 2, "standards", "After the end.")
    # The pilot's comments stay for the owner.
    assert len(pilot_comments(db, owner, 2)) == 1
