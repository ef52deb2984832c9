"""Teams, staff, sign-in and who may see whom.

Every function that returns people's data takes the `Viewer` asking and refuses what that viewer
may not see: an owner sees everyone, a supervisor their own team, an agent only themselves.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from metrics.store import Database, transaction
from modules.policy import Role

MIN_PASSWORD_LENGTH = 10  # long enough to resist guessing without a complexity rulebook
_hasher = PasswordHasher()


@cache
def _unknown_user_hash() -> str:
    # Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
    # password and sign-in timing does not reveal who has an account. Made on first use: a
    # hash costs ~0.1 s, too much for every command's start-up.
    return _hasher.hash("no such user: timing guard")


class AccessDenied(PermissionError):
    """The viewer asked for people's data their role does not allow."""


class PeopleError(ValueError):
    """A request about staff or teams that cannot be carried out (unknown team, taken e-mail...)."""


class Viewer(BaseModel):
    """Who is asking. Built at sign-in from the staff table, never from user input."""

    model_config = ConfigDict(frozen=True)

    staff_id: int
    name: str
    email: str
    role: Role
    team_id: int | None

    @classmethod
    def local_admin(cls) -> Viewer:
        """The command line acts with owner rights: whoever can run it can read the file anyway."""
        return cls(staff_id=0, name="local administrator", email="", role="owner", team_id=None)


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
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        verified = _hasher.verify(password_hash or _unknown_user_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return verified and password_hash is not None


def authenticate(db: Database, email: str, password: str) -> Viewer | None:
    """The viewer for these credentials, or None; inactive staff and staff without a password
    cannot sign in."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT id, name, email, role, team_id, password_hash FROM staff"
            " WHERE email = ? AND active",
            [email.strip().lower()],
        ).fetchone()
    stored_hash = row[5] if row is not None else None
    # Verify even for an unknown e-mail (against the timing-guard hash): timing reveals nothing.
    if not password_matches(stored_hash, password) or row is None:
        return None
    staff_id, name, email_found, role, team_id, _ = row
    return Viewer(staff_id=staff_id, name=name, email=email_found, role=role, team_id=team_id)


def add_team(db: Database, name: str, *, is_demo: bool = False) -> int:
    name = name.strip()
    if not name:
        raise PeopleError("a team needs a name")
    with transaction(db) as cur:
        if cur.execute("SELECT 1 FROM teams WHERE name = ?", [name]).fetchone():
            raise PeopleError(f"a team named {name!r} already exists")
        (team_id,) = cur.execute(
            "INSERT INTO teams (name, is_demo) VALUES (?, ?) RETURNING id", [name, is_demo]
        ).fetchone()  # type: ignore[misc]
    return int(team_id)


def add_staff(db: Database, new: NewStaffMember, *, is_demo: bool = False) -> int:
    """Create a staff member; a password makes it an account that can sign in."""
    with transaction(db) as cur:
        team_id = None
        if new.team:
            found = cur.execute("SELECT id FROM teams WHERE name = ?", [new.team]).fetchone()
            if found is None:
                names = [
                    n for (n,) in cur.execute("SELECT name FROM teams ORDER BY name").fetchall()
                ]
                raise PeopleError(
                    f"no team named {new.team!r}; existing teams: {', '.join(names) or 'none'}"
                )
            team_id = found[0]
        if new.email and cur.execute("SELECT 1 FROM staff WHERE email = ?", [new.email]).fetchone():
            raise PeopleError(f"{new.email} already has an account")
        (staff_id,) = cur.execute(
            "INSERT INTO staff (name, email, team_id, role, password_hash, is_demo)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [
                new.name,
                new.email,
                team_id,
                new.role,
                hash_password(new.password) if new.password else None,
                is_demo,
            ],
        ).fetchone()  # type: ignore[misc]
    return int(staff_id)


def set_password(db: Database, email: str, password: str) -> None:
    check_password(password)
    with transaction(db) as cur:
        updated = cur.execute(
            "UPDATE staff SET password_hash = ? WHERE email = ? RETURNING id",
            [hash_password(password), email.strip().lower()],
        ).fetchall()
    if not updated:
        raise PeopleError(f"no staff member with e-mail {email}")


def set_active(db: Database, email: str, active: bool) -> None:
    with transaction(db) as cur:
        updated = cur.execute(
            "UPDATE staff SET active = ? WHERE email = ? RETURNING id",
            [active, email.strip().lower()],
        ).fetchall()
    if not updated:
        raise PeopleError(f"no staff member with e-mail {email}")


_STAFF_SELECT = (
    "SELECT s.id, s.name, s.email, s.team_id, t.name, s.role, s.active,"
    " s.password_hash IS NOT NULL, s.is_demo"
    " FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
)


def _staff_member(row: tuple) -> StaffMember:
    keys = ("id", "name", "email", "team_id", "team", "role", "active", "can_sign_in", "is_demo")
    return StaffMember(**dict(zip(keys, row, strict=True)))


def visible_team_id(viewer: Viewer, team_id: int | None) -> int | None:
    """The team a viewer may list: owners any (None = all), supervisors only their own."""
    if viewer.role == "owner":
        return team_id
    if viewer.role == "supervisor" and team_id in (None, viewer.team_id):
        if viewer.team_id is None:
            raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
        return viewer.team_id
    raise AccessDenied("you may not list other people's records")


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
