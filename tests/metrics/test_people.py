from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from metrics.people import (
    AccessDenied,
    NewStaffMember,
    PeopleError,
    Viewer,
    add_staff,
    add_team,
    authenticate,
    get_staff_member,
    list_staff,
    list_teams,
    set_active,
    set_password,
)
from metrics.performance import overview

PASSWORD = "correct horse battery"


@pytest.fixture
def org(db: duckdb.DuckDBPyConnection) -> dict[str, Viewer]:
    """Two teams, a supervisor and two agents in each, one owner; returns signed-in viewers."""
    for team in ("Front line", "Billing"):
        add_team(db, team)
    people = [
        ("Maja Kovač", "owner@x.example", "owner", None),
        ("Daniel Brooks", "sup.front@x.example", "supervisor", "Front line"),
        ("Noa Levi", "sup.billing@x.example", "supervisor", "Billing"),
        ("Elif Yılmaz", "elif@x.example", "agent", "Front line"),
        ("Jānis Ozoliņš", "janis@x.example", "agent", "Front line"),
        ("Ana Horvat", "ana@x.example", "agent", "Billing"),
    ]
    for name, email, role, team in people:
        add_staff(
            db, NewStaffMember(name=name, email=email, role=role, team=team, password=PASSWORD)
        )
    viewers = {}
    for key, email in [
        ("owner", "owner@x.example"),
        ("front_sup", "sup.front@x.example"),
        ("elif", "elif@x.example"),
        ("ana", "ana@x.example"),
    ]:
        viewer = authenticate(db, email, PASSWORD)
        assert viewer is not None
        viewers[key] = viewer
    return viewers


def test_sign_in_needs_the_right_password_and_an_active_account(
    db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]
) -> None:
    assert authenticate(db, "ELIF@x.example ", PASSWORD) == org["elif"]
    assert authenticate(db, "elif@x.example", "wrong password") is None
    assert authenticate(db, "nobody@x.example", PASSWORD) is None
    set_active(db, "elif@x.example", False)
    assert authenticate(db, "elif@x.example", PASSWORD) is None
    set_password(db, "ana@x.example", "a new long password")
    assert authenticate(db, "ana@x.example", PASSWORD) is None
    assert authenticate(db, "ana@x.example", "a new long password") is not None


def test_staff_without_a_password_cannot_sign_in(db: duckdb.DuckDBPyConnection) -> None:
    add_staff(db, NewStaffMember(name="Imported Agent", email="imp@x.example", role="agent"))
    assert authenticate(db, "imp@x.example", "") is None


def test_passwords_are_stored_only_as_argon2_hashes(
    db: duckdb.DuckDBPyConnection, org: dict[str, Viewer], tmp_path: Path
) -> None:
    hashes = [h for (h,) in db.execute("SELECT password_hash FROM staff").fetchall()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == len(hashes)  # salted: the same password hashes differently
    db.execute("CHECKPOINT")
    assert PASSWORD.encode() not in (tmp_path / "academy.duckdb").read_bytes()


def test_bad_account_input_is_refused_with_the_field_named(db: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValidationError, match="password"):
        NewStaffMember(name="A", email="a@x.example", role="agent", password="short")
    with pytest.raises(ValidationError, match="email"):
        NewStaffMember(name="A", email="not-an-email", role="agent")
    with pytest.raises(PeopleError, match="no team named 'Nowhere'; existing teams: none"):
        add_staff(db, NewStaffMember(name="A", email="a@x.example", role="agent", team="Nowhere"))
    add_staff(db, NewStaffMember(name="A", email="a@x.example", role="agent"))
    with pytest.raises(PeopleError, match="already has an account"):
        add_staff(db, NewStaffMember(name="B", email="A@x.example", role="agent"))


def test_owners_see_everyone(db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]) -> None:
    assert len(list_staff(db, org["owner"])) == 6
    assert [t.name for t in list_teams(db, org["owner"])] == ["Billing", "Front line"]
    ana = org["ana"]
    assert get_staff_member(db, org["owner"], ana.staff_id).name == "Ana Horvat"


def test_supervisors_see_only_their_own_team(
    db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]
) -> None:
    supervisor = org["front_sup"]
    names = [m.name for m in list_staff(db, supervisor)]
    assert names == ["Daniel Brooks", "Elif Yılmaz", "Jānis Ozoliņš"]
    billing = next(t.id for t in list_teams(db, org["owner"]) if t.name == "Billing")
    with pytest.raises(AccessDenied):
        list_staff(db, supervisor, team_id=billing)
    with pytest.raises(AccessDenied):
        get_staff_member(db, supervisor, org["ana"].staff_id)
    assert get_staff_member(db, supervisor, org["elif"].staff_id).name == "Elif Yılmaz"
    assert [t.name for t in list_teams(db, supervisor)] == ["Front line"]
    with pytest.raises(AccessDenied):
        overview.team_overview(db, supervisor, team_id=billing)


def test_agents_see_only_themselves(db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]) -> None:
    agent = org["elif"]
    with pytest.raises(AccessDenied):
        list_staff(db, agent)
    with pytest.raises(AccessDenied):
        get_staff_member(db, agent, org["ana"].staff_id)
    with pytest.raises(AccessDenied):
        overview.store_overview(db, agent)
    with pytest.raises(AccessDenied):
        overview.team_overview(db, agent)
    assert get_staff_member(db, agent, agent.staff_id).email == "elif@x.example"
    assert overview.agent_overview(db, agent).supervisors == ["Daniel Brooks"]
