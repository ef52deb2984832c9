from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from metrics import auth, people
from metrics.people import (
    AccessDenied,
    FirstOwnerExists,
    NewStaffMember,
    PeopleError,
    Viewer,
    add_first_owner,
    add_staff,
    add_team,
    get_staff_member,
    list_staff,
    list_teams,
    owner_can_sign_in,
    set_role,
    set_team,
    staff_viewer,
)
from metrics.performance import overview
from modules.policy import load_policy

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
    ids = {
        email: add_staff(
            db, NewStaffMember(name=name, email=email, role=role, team=team, password=PASSWORD)
        )
        for name, email, role, team in people
    }
    viewers = {}
    for key, email in [
        ("owner", "owner@x.example"),
        ("front_sup", "sup.front@x.example"),
        ("elif", "elif@x.example"),
        ("ana", "ana@x.example"),
    ]:
        viewer = staff_viewer(db, ids[email])
        assert viewer is not None
        viewers[key] = viewer
    return viewers


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
        overview.team_overview(db, supervisor, load_policy().policy, team_id=billing)


def test_agents_see_only_themselves(db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]) -> None:
    agent = org["elif"]
    with pytest.raises(AccessDenied):
        list_staff(db, agent)
    with pytest.raises(AccessDenied):
        get_staff_member(db, agent, org["ana"].staff_id)
    with pytest.raises(AccessDenied):
        overview.store_overview(db, agent)
    with pytest.raises(AccessDenied):
        overview.team_overview(db, agent, load_policy().policy)
    assert get_staff_member(db, agent, agent.staff_id).email == "elif@x.example"
    assert overview.agent_overview(db, agent, load_policy().policy).supervisors == ["Daniel Brooks"]


def test_a_role_or_team_change_is_read_by_the_next_viewer(
    db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]
) -> None:
    elif_id = org["elif"].staff_id
    set_team(db, "Elif@x.example", "Billing")
    set_role(db, "elif@x.example", "supervisor")
    moved = staff_viewer(db, elif_id)
    assert moved is not None and (moved.role, moved.team_id) == ("supervisor", 2)
    # Billing now: its supervisors first (Elif, Noa), then its agent.
    assert [m.name for m in list_staff(db, moved)] == ["Elif Yılmaz", "Noa Levi", "Ana Horvat"]
    set_team(db, "elif@x.example", None)
    assert staff_viewer(db, elif_id).team_id is None  # type: ignore[union-attr]
    with pytest.raises(PeopleError, match="no team named 'Nowhere'"):
        set_team(db, "elif@x.example", "Nowhere")
    with pytest.raises(PeopleError, match=r"no staff member with e-mail nobody@x\.example"):
        set_role(db, "nobody@x.example", "owner")


# --- The organisation keeps an owner who can sign in ---------------------------------------------


def test_the_last_owner_can_be_neither_deactivated_nor_demoted(
    db: duckdb.DuckDBPyConnection, org: dict[str, Viewer]
) -> None:
    last = "Maja Kovač is the only owner who can sign in; make someone else an owner first"
    with pytest.raises(PeopleError, match=last):
        auth.set_active(db, "owner@x.example", False)
    with pytest.raises(PeopleError, match=last):
        set_role(db, "owner@x.example", "supervisor")
    assert owner_can_sign_in(db)
    set_role(db, "sup.billing@x.example", "owner")
    auth.set_active(db, "owner@x.example", False)  # another owner remains: allowed
    assert [m.email for m in list_staff(db, org["owner"]) if not m.active] == ["owner@x.example"]


def at_the_same_moment(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, actions: list[Callable[[], object]]
) -> list[object]:
    """Run `actions` in threads that each pause before `module.name` (called after the owners
    were read, before the transaction commits) until all have reached it, so each decides on
    what it read before any commits; the pause gives up after a second when another action was
    refused first."""
    meet = threading.Barrier(len(actions), timeout=1)
    original = getattr(module, name)

    def wait_then(*args: object, **kwargs: object) -> object:
        with contextlib.suppress(threading.BrokenBarrierError):
            meet.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wait_then)

    def outcome(action: Callable[[], object]) -> object:
        try:
            return action()
        except PeopleError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(outcome, actions))


def test_two_owners_deactivating_each_other_at_once_leave_one(
    db: duckdb.DuckDBPyConnection, org: dict[str, Viewer], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_role(db, "sup.billing@x.example", "owner")
    outcomes = at_the_same_moment(
        monkeypatch,
        auth,
        "end_sessions_of",
        [
            lambda: auth.set_active(db, "owner@x.example", False),
            lambda: auth.set_active(db, "sup.billing@x.example", False),
        ],
    )
    refused = [o for o in outcomes if isinstance(o, PeopleError)]
    assert len(refused) == 1
    assert "at the same moment" in str(refused[0])
    assert owner_can_sign_in(db)


def test_the_first_owner_is_made_only_while_no_owner_can_sign_in(
    db: duckdb.DuckDBPyConnection,
) -> None:
    add_team(db, "Front line")
    add_staff(db, NewStaffMember(name="Imported", role="agent", team="Front line"))
    # An owner without a password (say, imported) signs nobody in.
    add_staff(db, NewStaffMember(name="Old Owner", email="old@x.example", role="owner"))
    assert not owner_can_sign_in(db)
    first = NewStaffMember(name="Olga", email="olga@x.example", role="owner", password=PASSWORD)
    add_first_owner(db, first)
    assert owner_can_sign_in(db)
    second = first.model_copy(update={"email": "mallory@x.example"})
    with pytest.raises(FirstOwnerExists, match="an owner account exists already"):
        add_first_owner(db, second)
    with pytest.raises(PeopleError, match="needs a name, an e-mail and a password"):
        add_first_owner(db, NewStaffMember(name="No Pass", email="np@x.example", role="owner"))


def test_two_browsers_creating_the_first_owner_at_once_make_one(
    db: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes = at_the_same_moment(
        monkeypatch,
        people,
        "_insert_staff",
        [
            lambda email=email: add_first_owner(  # type: ignore[misc]
                db,
                NewStaffMember(name=email, email=email, role="owner", password=PASSWORD),
            )
            for email in ("a@x.example", "b@x.example")
        ],
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["FirstOwnerExists", "int"]
    owners = [m for m in list_staff(db, Viewer.local_admin()) if m.role == "owner"]
    assert len(owners) == 1
