"""Managing staff in the app (issue 11, item 2): owners anyone in any team, supervisors the
agents of their own team only, decided inside the write's transaction against the stored rows;
the last owner stays; a password set by someone else is temporary and ends the person's
sessions; teams and the session length are the owners'."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metrics import auth
from metrics.people import (
    AccessDenied,
    NewStaffMember,
    PeopleError,
    StaffChange,
    Viewer,
    add_member,
    add_staff,
    add_team,
    create_team,
    list_teams,
    rename_team,
    set_team,
    staff_viewer,
    update_member,
)
from metrics.store import Database

PASSWORD = "correct horse battery"
TEMPORARY = "temporary password"


def viewer(db: Database, staff_id: int) -> Viewer:
    found = staff_viewer(db, staff_id)
    assert found is not None
    return found


@pytest.fixture
def org(db: Database) -> dict[str, int]:
    """Teams Front and Back; an owner (who can sign in), a supervisor of Front, two agents of
    Front and one of Back."""
    for team in ("Front", "Back"):
        add_team(db, team)
    people = [
        ("owner", "Olga Owner", "owner", None, PASSWORD),
        ("sup", "Sam Sup", "supervisor", "Front", None),
        ("ann", "Ann Agent", "agent", "Front", None),
        ("al", "Al Agent", "agent", "Front", None),
        ("bea", "Bea Back", "agent", "Back", None),
    ]
    return {
        key: add_staff(
            db,
            NewStaffMember(
                name=name, email=f"{key}@x.example", role=role, team=team, password=password
            ),
        )
        for key, name, role, team, password in people
    }


def stored(db: Database, staff_id: int) -> tuple:
    return db.execute(
        "SELECT s.name, s.email, s.role, t.name, s.active, s.must_choose_password"
        " FROM staff s LEFT JOIN teams t ON t.id = s.team_id WHERE s.id = ?",
        [staff_id],
    ).fetchone()  # type: ignore[return-value]


def test_an_owner_adds_anyone_to_any_team_with_a_temporary_password(
    db: Database, org: dict[str, int]
) -> None:
    owner = viewer(db, org["owner"])
    new = NewStaffMember(
        name="Nia New", email="Nia@X.example", role="supervisor", team="Back", password=TEMPORARY
    )
    staff_id = add_member(db, owner, new)
    assert stored(db, staff_id) == ("Nia New", "nia@x.example", "supervisor", "Back", True, True)
    assert viewer(db, staff_id).must_choose_password
    # Without a password: on the staff list, no sign-in yet, nothing to choose.
    quiet = add_member(db, owner, NewStaffMember(name="Quinn", email="q@x.example", role="agent"))
    assert stored(db, quiet)[3:] == (None, True, False)


def test_a_supervisor_adds_agents_to_their_own_team_only(db: Database, org: dict[str, int]) -> None:
    sup = viewer(db, org["sup"])
    own = add_member(
        db, sup, NewStaffMember(name="Fay", email="fay@x.example", role="agent", team="Front")
    )
    assert stored(db, own)[2:4] == ("agent", "Front")
    unnamed = add_member(db, sup, NewStaffMember(name="Gus", email="gus@x.example", role="agent"))
    assert stored(db, unnamed)[3] == "Front"  # no team named: the supervisor's
    with pytest.raises(AccessDenied, match=r"their own team \(Front\) only"):
        add_member(
            db, sup, NewStaffMember(name="Hal", email="hal@x.example", role="agent", team="Back")
        )
    with pytest.raises(AccessDenied, match="agents only"):
        add_member(
            db,
            sup,
            NewStaffMember(name="Ivy", email="ivy@x.example", role="supervisor", team="Front"),
        )
    names = [n for (n,) in db.execute("SELECT name FROM staff ORDER BY id").fetchall()]
    assert "Hal" not in names and "Ivy" not in names


def test_a_supervisor_edits_their_own_agents_and_keeps_them_agents_in_their_team(
    db: Database, org: dict[str, int]
) -> None:
    sup = viewer(db, org["sup"])
    update_member(
        db,
        sup,
        org["ann"],
        StaffChange(name="Ann Smith", email="ann.s@x.example", role="agent", team="Front"),
    )
    assert stored(db, org["ann"])[:4] == ("Ann Smith", "ann.s@x.example", "agent", "Front")
    refusals = [
        (org["ann"], StaffChange(name="Ann", email="ann.s@x.example", role="agent", team="Back")),
        (
            org["ann"],
            StaffChange(name="Ann", email="ann.s@x.example", role="supervisor", team="Front"),
        ),
        (org["bea"], StaffChange(name="Bea", email="bea@x.example", role="agent", team="Back")),
        (org["owner"], StaffChange(name="Olga", email="owner@x.example", role="owner")),
    ]
    for staff_id, change in refusals:
        with pytest.raises(AccessDenied):
            update_member(db, sup, staff_id, change)
    assert stored(db, org["ann"])[:4] == ("Ann Smith", "ann.s@x.example", "agent", "Front")
    assert stored(db, org["bea"])[0] == "Bea Back"
    # An owner moves anyone between teams.
    owner = viewer(db, org["owner"])
    update_member(
        db,
        owner,
        org["ann"],
        StaffChange(name="Ann Smith", email="ann.s@x.example", role="agent", team="Back"),
    )
    assert stored(db, org["ann"])[3] == "Back"
    with pytest.raises(PeopleError, match=r"al@x\.example already has an account"):
        update_member(
            db, owner, org["ann"], StaffChange(name="Ann", email="al@x.example", role="agent")
        )


def test_a_supervisors_rights_are_read_from_the_store_inside_the_write(
    db: Database, org: dict[str, int]
) -> None:
    sup = viewer(db, org["sup"])  # built while they supervise Front...
    set_team(db, "sup@x.example", "Back")  # ...then moved to Back before their click lands
    with pytest.raises(AccessDenied, match=r"\(Back\)"):
        update_member(db, sup, org["ann"], StaffChange(name="Ann", role="agent", team="Front"))
    auth.set_active(db, "sup@x.example", False)
    with pytest.raises(AccessDenied, match="only owners and supervisors"):
        add_member(db, sup, NewStaffMember(name="Fay", email="fay@x.example", role="agent"))


def test_agents_manage_nobody(db: Database, org: dict[str, int]) -> None:
    ann = viewer(db, org["ann"])
    with pytest.raises(AccessDenied):
        add_member(db, ann, NewStaffMember(name="Fay", email="fay@x.example", role="agent"))
    with pytest.raises(AccessDenied):
        auth.set_member_active(db, ann, org["al"], False)
    with pytest.raises(AccessDenied):
        auth.set_temporary_password(db, ann, org["al"], TEMPORARY)


def test_the_last_owner_is_neither_demoted_nor_deactivated(
    db: Database, org: dict[str, int]
) -> None:
    owner = viewer(db, org["owner"])
    with pytest.raises(PeopleError, match="only owner who can sign in"):
        update_member(
            db,
            owner,
            org["owner"],
            StaffChange(name="Olga", email="owner@x.example", role="agent", team="Front"),
        )
    with pytest.raises(PeopleError, match="only owner who can sign in"):
        auth.set_member_active(db, owner, org["owner"], False)
    assert stored(db, org["owner"])[2:5] == ("owner", None, True)


def test_deactivating_ends_sessions_and_reactivating_lets_them_back(
    db: Database, org: dict[str, int]
) -> None:
    sup = viewer(db, org["sup"])
    token = auth.start_session(db, org["ann"], "test")
    auth.set_member_active(db, sup, org["ann"], False)
    assert auth.session_viewer(db, token) is None
    assert auth.session_end(db, token) == auth.DEACTIVATED
    with pytest.raises(AccessDenied):
        auth.set_member_active(db, sup, org["bea"], False)  # another team's
    auth.set_member_active(db, sup, org["ann"], True)
    assert stored(db, org["ann"])[4] is True


def test_a_password_set_by_someone_else_is_temporary_and_ends_their_sessions(
    db: Database, org: dict[str, int]
) -> None:
    sup = viewer(db, org["sup"])
    auth.set_temporary_password(db, sup, org["ann"], TEMPORARY)
    first = auth.sign_in(db, "ann@x.example", TEMPORARY, "test").token
    assert first is not None
    assert viewer(db, org["ann"]).must_choose_password
    auth.set_temporary_password(db, sup, org["ann"], "another temporary one")  # a reset
    assert auth.session_end(db, first) == auth.PASSWORD_CHANGED
    token = auth.sign_in(db, "ann@x.example", "another temporary one", "test").token
    other = auth.sign_in(db, "ann@x.example", "another temporary one", "other").token
    assert token is not None and other is not None
    with pytest.raises(PeopleError, match="other than the temporary one"):
        auth.choose_own_password(db, token, "another temporary one")
    auth.choose_own_password(db, token, "ann's own password")
    assert not viewer(db, org["ann"]).must_choose_password
    assert auth.session_viewer(db, token) is not None  # this one goes on, the other ends
    assert auth.session_end(db, other) == auth.PASSWORD_CHANGED
    assert auth.sign_in(db, "ann@x.example", "ann's own password", "test").token is not None
    with pytest.raises(PeopleError, match="no temporary password"):
        auth.choose_own_password(db, token, "yet another password")
    with pytest.raises(AccessDenied):
        auth.set_temporary_password(db, sup, org["bea"], TEMPORARY)


def test_owners_add_and_rename_teams(db: Database, org: dict[str, int]) -> None:
    owner, sup = viewer(db, org["owner"]), viewer(db, org["sup"])
    team_id = create_team(db, owner, "  Night  ")
    rename_team(db, owner, team_id, "Night shift")
    assert "Night shift" in [t.name for t in list_teams(db, owner)]
    with pytest.raises(PeopleError, match="'Front' already exists"):
        rename_team(db, owner, team_id, "Front")
    with pytest.raises(AccessDenied):
        create_team(db, sup, "Mine")
    with pytest.raises(AccessDenied):
        rename_team(db, sup, team_id, "Mine")


def test_an_owner_sets_how_long_a_sign_in_lasts(db: Database, org: dict[str, int]) -> None:
    assert auth.session_lifetime(db) == timedelta(hours=8)
    auth.set_session_hours(db, viewer(db, org["owner"]), 10.5)
    assert auth.session_lifetime(db) == timedelta(hours=10.5)
    for hours in (0.1, 169, float("nan")):
        with pytest.raises(PeopleError, match=r"between 0\.25 and 168 hours"):
            auth.set_session_hours(db, viewer(db, org["owner"]), hours)
    with pytest.raises(AccessDenied):
        auth.set_session_hours(db, viewer(db, org["sup"]), 12)
    assert auth.session_lifetime(db) == timedelta(hours=10.5)
