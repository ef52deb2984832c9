"""Teams, staff, their roles and who may see whom.

Every function that returns people's data takes the `Viewer` asking and refuses what that viewer
may not see: an owner sees everyone, a supervisor their own team, an agent only themselves.
Checking passwords and sign-in sessions are in `metrics.auth`.
"""

from __future__ import annotations

from typing import Annotated

import duckdb
from argon2 import PasswordHasher
from pydantic import BaseModel, ConfigDict, Field, field_validator

from metrics.store import Database, transaction
from metrics.viewer import AccessDenied, Viewer, visible_team_id  # re-exported
from modules.defaults import Role

MIN_PASSWORD_LENGTH = 10  # long enough to resist guessing without a complexity rulebook
PASSWORD_HASHER = PasswordHasher()  # Argon2id with the library's defaults: 64 MiB per hash


class PeopleError(ValueError):
    """A request about staff or teams that cannot be carried out (unknown team, taken e-mail...)."""


class Team(BaseModel):
    id: int
    name: str
    is_demo: bool
    agents: int
    supervisors: list[str]


class StaffMember(BaseModel):
    id: int
    name: str
    email: str | None
    team_id: int | None
    team: str | None
    role: Role
    active: bool
    can_sign_in: bool
    is_demo: bool
    must_choose_password: bool = False


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PeopleError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


class NewStaffMember(BaseModel):
    """Form-sized input for a new account, validated strictly at the boundary."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    role: Role
    team: str | None = None
    password: str | None = None

    @field_validator("name", "team")
    @classmethod
    def strip(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None

    @field_validator("email")
    @classmethod
    def lower(cls, value: str | None) -> str | None:
        return value.strip().lower() if value is not None else None

    @field_validator("password")
    @classmethod
    def long_enough(cls, value: str | None) -> str | None:
        return check_password(value) if value is not None else None


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def add_team(db: Database, name: str, *, is_demo: bool = False) -> int:
    with transaction(db) as cur:
        return _insert_team(cur, name, is_demo)


def _insert_team(cur: duckdb.DuckDBPyConnection, name: str, is_demo: bool) -> int:
    name = name.strip()
    if not name:
        raise PeopleError("a team needs a name")
    if cur.execute("SELECT 1 FROM teams WHERE name = ?", [name]).fetchone():
        raise PeopleError(f"a team named {name!r} already exists")
    (team_id,) = cur.execute(
        "INSERT INTO teams (name, is_demo) VALUES (?, ?) RETURNING id", [name, is_demo]
    ).fetchone()  # type: ignore[misc]
    return int(team_id)


def _team_id(cur: duckdb.DuckDBPyConnection, name: str) -> int:
    found = cur.execute("SELECT id FROM teams WHERE name = ?", [name]).fetchone()
    if found is None:
        names = [n for (n,) in cur.execute("SELECT name FROM teams ORDER BY name").fetchall()]
        raise PeopleError(f"no team named {name!r}; existing teams: {', '.join(names) or 'none'}")
    return int(found[0])


def _insert_staff(
    cur: duckdb.DuckDBPyConnection,
    new: NewStaffMember,
    is_demo: bool,
    *,
    temporary_password: bool = False,
) -> int:
    team_id = _team_id(cur, new.team) if new.team else None
    if new.email and cur.execute("SELECT 1 FROM staff WHERE email = ?", [new.email]).fetchone():
        raise PeopleError(f"{new.email} already has an account")
    # Hashed here, inside the caller's transaction: a hash takes ~0.1 s, short beside a form.
    password_hash = hash_password(new.password) if new.password else None
    (staff_id,) = cur.execute(
        "INSERT INTO staff"
        " (name, email, team_id, role, password_hash, is_demo, must_choose_password)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            new.name,
            new.email,
            team_id,
            new.role,
            password_hash,
            is_demo,
            temporary_password and password_hash is not None,
        ],
    ).fetchone()  # type: ignore[misc]
    return int(staff_id)


def add_staff(db: Database, new: NewStaffMember, *, is_demo: bool = False) -> int:
    """Create a staff member; a password makes it an account that can sign in."""
    with transaction(db) as cur:
        return _insert_staff(cur, new, is_demo)


# --- Owners: the organisation always keeps one who can sign in ----------------------------------

_OWNERS_WHO_CAN_SIGN_IN = (
    "SELECT count(*) FROM staff WHERE role = 'owner' AND active AND password_hash IS NOT NULL"
)


class FirstOwnerExists(PeopleError):
    """The first owner was asked for, but an owner who can sign in exists (or was just made)."""


class OwnersChangedMeanwhile(PeopleError):
    """Another transaction changed who can sign in as owner while this one was deciding."""


def owner_can_sign_in(db: Database) -> bool:
    """Whether any active owner account has a password. Without one, nobody can manage the
    organisation, so the signed-out app offers to create the first owner."""
    with db.cursor() as cur:
        (owners,) = cur.execute(_OWNERS_WHO_CAN_SIGN_IN).fetchone()  # type: ignore[misc]
    return bool(owners)


def claim_owner_roster(cur: duckdb.DuckDBPyConnection) -> None:
    """Call first in a transaction that changes who can sign in as owner. It rewrites the one
    row of `owner_roster`, so two such transactions at once conflict and the second is refused
    here: each decides against the owners as they are, never against a snapshot another change
    is about to make untrue (two owners deactivating each other, two first owners)."""
    try:
        cur.execute("UPDATE owner_roster SET changed_at = now() WHERE id = 1")
    except duckdb.TransactionException:
        raise OwnersChangedMeanwhile(
            "the owners were being changed by someone else at the same moment; nothing was "
            "changed, so look again and retry"
        ) from None


def keep_another_owner(cur: duckdb.DuckDBPyConnection, staff_id: int, name: str) -> None:
    """Refuse, inside the caller's transaction, to take away the last owner who can sign in."""
    claim_owner_roster(cur)
    (others,) = cur.execute(_OWNERS_WHO_CAN_SIGN_IN + " AND id <> ?", [staff_id]).fetchone()  # type: ignore[misc]
    if not others:
        raise PeopleError(
            f"{name} is the only owner who can sign in; make someone else an owner first, so "
            "the organisation is never left without one"
        )


def add_first_owner(db: Database, new: NewStaffMember) -> int:
    """Create the organisation's first owner account, only while no owner can sign in.

    The check is made inside the write's transaction, against the stored staff, after claiming
    the owner roster: of two browsers submitting at once, one creates the owner and the other is
    told one exists.
    """
    if new.role != "owner" or not new.password or not new.email:
        raise PeopleError("the first owner needs a name, an e-mail and a password")
    try:
        with transaction(db) as cur:
            claim_owner_roster(cur)
            (owners,) = cur.execute(_OWNERS_WHO_CAN_SIGN_IN).fetchone()  # type: ignore[misc]
            if owners:
                raise FirstOwnerExists(FIRST_OWNER_EXISTS)
            return _insert_staff(cur, new, is_demo=False)
    except OwnersChangedMeanwhile:
        # The other browser's owner is being made: this one is told so, as if it came first.
        raise FirstOwnerExists(FIRST_OWNER_EXISTS) from None


FIRST_OWNER_EXISTS = "an owner account exists already: sign in, or ask that owner for an account"


# --- Changes to someone's role, team or state ---------------------------------------------------


def _member_by_email(cur: duckdb.DuckDBPyConnection, email: str) -> tuple[int, str, str, bool]:
    """(id, name, role, whether they now sign in as an owner) for an e-mail, or PeopleError."""
    row = cur.execute(
        "SELECT id, name, role, role = 'owner' AND active AND password_hash IS NOT NULL"
        " FROM staff WHERE email = ?",
        [email.strip().lower()],
    ).fetchone()
    if row is None:
        raise PeopleError(f"no staff member with e-mail {email}")
    return int(row[0]), str(row[1]), str(row[2]), bool(row[3])


def set_role(db: Database, email: str, role: Role) -> None:
    """Change someone's role; open sessions show the new role's pages at their next click. The
    last owner who can sign in cannot be given another role."""
    with transaction(db) as cur:
        staff_id, name, _, signs_in_as_owner = _member_by_email(cur, email)
        if signs_in_as_owner and role != "owner":
            keep_another_owner(cur, staff_id, name)
        cur.execute("UPDATE staff SET role = ? WHERE id = ?", [role, staff_id])


def set_team(db: Database, email: str, team: str | None) -> None:
    """Move someone to another team (None: no team); an open session sees the new team's
    people and numbers at its next click."""
    with transaction(db) as cur:
        staff_id, *_ = _member_by_email(cur, email)
        team_id = _team_id(cur, team.strip()) if team is not None else None
        cur.execute("UPDATE staff SET team_id = ? WHERE id = ?", [team_id, staff_id])


def staff_viewer(db: Database, staff_id: int) -> Viewer | None:
    """The viewer a staff member is now, read from their row: None once deactivated."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT id, name, coalesce(email, ''), role, team_id, must_choose_password"
            " FROM staff WHERE id = ? AND active",
            [staff_id],
        ).fetchone()
    if row is None:
        return None
    return Viewer(
        staff_id=row[0],
        name=row[1],
        email=row[2],
        role=row[3],
        team_id=row[4],
        must_choose_password=row[5],
    )


_STAFF_SELECT = (
    "SELECT s.id, s.name, s.email, s.team_id, t.name, s.role, s.active,"
    " s.password_hash IS NOT NULL, s.is_demo, s.must_choose_password"
    " FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
)


def _staff_member(row: tuple) -> StaffMember:
    keys = (
        "id",
        "name",
        "email",
        "team_id",
        "team",
        "role",
        "active",
        "can_sign_in",
        "is_demo",
        "must_choose_password",
    )
    return StaffMember(**dict(zip(keys, row, strict=True)))


def list_staff(db: Database, viewer: Viewer, team_id: int | None = None) -> list[StaffMember]:
    """Staff the viewer may see, ordered by team, role and name."""
    team = visible_team_id(viewer, team_id)
    where, params = (" WHERE s.team_id = ?", [team]) if team is not None else ("", [])
    with db.cursor() as cur:
        rows = cur.execute(
            _STAFF_SELECT + where + " ORDER BY t.name NULLS LAST, s.role DESC, s.name", params
        ).fetchall()
    return [_staff_member(row) for row in rows]


def get_staff_member(db: Database, viewer: Viewer, staff_id: int) -> StaffMember:
    with db.cursor() as cur:
        row = cur.execute(_STAFF_SELECT + " WHERE s.id = ?", [staff_id]).fetchone()
    if row is None:
        raise PeopleError(f"no staff member with id {staff_id}")
    member = _staff_member(row)
    allowed = (
        viewer.role == "owner"
        or viewer.staff_id == staff_id
        or (
            viewer.role == "supervisor"
            and viewer.team_id is not None
            and member.team_id == viewer.team_id
        )
    )
    if not allowed:
        raise AccessDenied("you may not see this staff member's record")
    return member


def list_teams(db: Database, viewer: Viewer) -> list[Team]:
    """Teams with their size; owners see all teams, everyone else only their own."""
    where, params = ("", []) if viewer.role == "owner" else (" WHERE t.id = ?", [viewer.team_id])
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT t.id, t.name, t.is_demo,"
            " count(s.id) FILTER (WHERE s.role = 'agent' AND s.active),"
            " coalesce(list(s.name ORDER BY s.name) FILTER (WHERE s.role = 'supervisor'), [])"
            " FROM teams t LEFT JOIN staff s ON s.team_id = t.id"
            + where
            + " GROUP BY ALL ORDER BY t.name",
            params,
        ).fetchall()
    return [Team(id=r[0], name=r[1], is_demo=r[2], agents=r[3], supervisors=r[4]) for r in rows]


def staff_count(db: Database) -> int:
    with db.cursor() as cur:
        (count,) = cur.execute("SELECT count(*) FROM staff").fetchone()  # type: ignore[misc]
    return int(count)


# --- Managing staff in the app: owners anyone, supervisors their own team's agents -------------
#
# Every rule is checked inside the write's transaction against the stored rows: the one asking
# as they are now (a supervisor moved to another team a moment ago manages that team), and the
# person changed as they are now (an agent promoted meanwhile is no longer a supervisor's).


class StaffChange(BaseModel):
    """An edit of someone's record, as the Staff page's form sends it."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    role: Role
    team: str | None = None

    @field_validator("name")
    @classmethod
    def strip_name(cls, value: str) -> str:
        return value.strip()

    @field_validator("team")
    @classmethod
    def strip_team(cls, value: str | None) -> str | None:
        return (value.strip() or None) if value is not None else None

    @field_validator("email", mode="before")
    @classmethod
    def lower(cls, value: object) -> object:
        return (value.strip().lower() or None) if isinstance(value, str) else value


class Manager(BaseModel):
    """Who is managing staff, read from their stored row inside the write's transaction."""

    role: Role
    team_id: int | None
    team: str | None


def manager(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> Manager:
    """The viewer as the store has them now, if they may manage staff at all."""
    if viewer.staff_id == Viewer.local_admin().staff_id:
        return Manager(role="owner", team_id=None, team=None)
    row = cur.execute(
        "SELECT s.role, s.team_id, t.name FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
        " WHERE s.id = ? AND s.active",
        [viewer.staff_id],
    ).fetchone()
    if row is None or row[0] == "agent":
        raise AccessDenied("only owners and supervisors manage staff")
    if row[0] == "supervisor" and row[1] is None:
        raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
    return Manager(role=row[0], team_id=row[1], team=row[2])


def check_may_give(who: Manager, role: Role, team_id: int | None) -> None:
    """A supervisor gives only the role agent, and only in their own team."""
    if who.role == "owner":
        return
    if role != "agent":
        raise AccessDenied("a supervisor adds and edits agents only; ask an owner for other roles")
    if team_id != who.team_id:
        raise AccessDenied(f"a supervisor manages their own team ({who.team}) only")


class ManagedRow(BaseModel):
    id: int
    name: str
    email: str | None
    role: Role
    team_id: int | None
    signs_in_as_owner: bool


def managed_row(cur: duckdb.DuckDBPyConnection, viewer: Viewer, staff_id: int) -> ManagedRow:
    """The stored row of someone the viewer may manage (checked against it), or a refusal."""
    who = manager(cur, viewer)
    row = cur.execute(
        "SELECT id, name, email, role, team_id,"
        " role = 'owner' AND active AND password_hash IS NOT NULL FROM staff WHERE id = ?",
        [staff_id],
    ).fetchone()
    if row is None:
        raise PeopleError(f"no staff member with id {staff_id}")
    member = ManagedRow(
        id=row[0],
        name=row[1],
        email=row[2],
        role=row[3],
        team_id=row[4],
        signs_in_as_owner=row[5],
    )
    if who.role == "supervisor" and (member.role != "agent" or member.team_id != who.team_id):
        raise AccessDenied(f"a supervisor manages the agents of their own team ({who.team}) only")
    return member


def may_manage(viewer: Viewer, member: StaffMember) -> bool:
    """Whether the Staff page offers to change this person (the write checks it again)."""
    if viewer.role == "owner":
        return True
    return (
        viewer.role == "supervisor"
        and viewer.team_id is not None
        and member.role == "agent"
        and member.team_id == viewer.team_id
    )


def add_member(db: Database, viewer: Viewer, new: NewStaffMember) -> int:
    """Add someone from the Staff page. A password given is temporary: they choose their own at
    their first sign-in. A supervisor adds agents to their own team only (no team named: theirs)."""
    with transaction(db) as cur:
        who = manager(cur, viewer)
        if who.role == "supervisor" and new.team is None:
            new = new.model_copy(update={"team": who.team})
        team_id = _team_id(cur, new.team) if new.team else None
        check_may_give(who, new.role, team_id)
        return _insert_staff(cur, new, is_demo=False, temporary_password=True)


def update_member(db: Database, viewer: Viewer, staff_id: int, change: StaffChange) -> None:
    """Edit someone's name, e-mail, role and team (moving them to another team). A supervisor
    edits their own team's agents and keeps them agents in that team; the last owner who can
    sign in stays an owner. An open session of theirs sees the change at its next click."""
    with transaction(db) as cur:
        member = managed_row(cur, viewer, staff_id)
        team_id = _team_id(cur, change.team) if change.team else None
        check_may_give(manager(cur, viewer), change.role, team_id)
        if (
            change.email
            and cur.execute(
                "SELECT 1 FROM staff WHERE email = ? AND id <> ?", [change.email, staff_id]
            ).fetchone()
        ):
            raise PeopleError(f"{change.email} already has an account")
        if member.email and not change.email:
            raise PeopleError("an e-mail cannot be removed: it is how they sign in")
        if member.signs_in_as_owner and change.role != "owner":
            keep_another_owner(cur, staff_id, member.name)
        cur.execute(
            "UPDATE staff SET name = ?, email = ?, role = ?, team_id = ? WHERE id = ?",
            [change.name, change.email, change.role, team_id, staff_id],
        )


def _owner_only(cur: duckdb.DuckDBPyConnection, viewer: Viewer, what: str) -> None:
    if manager(cur, viewer).role != "owner":
        raise AccessDenied(f"only an owner may {what}")


def create_team(db: Database, viewer: Viewer, name: str) -> int:
    """A new team, from the Staff page: owners only."""
    with transaction(db) as cur:
        _owner_only(cur, viewer, "add teams")
        return _insert_team(cur, name, is_demo=False)


def rename_team(db: Database, viewer: Viewer, team_id: int, name: str) -> None:
    """Give a team a new name (its people, numbers and imports stay with it): owners only."""
    name = name.strip()
    if not name:
        raise PeopleError("a team needs a name")
    with transaction(db) as cur:
        _owner_only(cur, viewer, "rename teams")
        if cur.execute(
            "SELECT 1 FROM teams WHERE name = ? AND id <> ?", [name, team_id]
        ).fetchone():
            raise PeopleError(f"a team named {name!r} already exists")
        if not cur.execute(
            "UPDATE teams SET name = ? WHERE id = ? RETURNING id", [name, team_id]
        ).fetchall():
            raise PeopleError(f"no team with id {team_id}")
