"""Who is asking, proven: API tokens for the HTTP API.

**API tokens.** An owner creates a token for an integration (a nightly import, a helpdesk job),
scoped to a role and a team exactly like a person: a supervisor's token sees and imports for its
team only. The token is random, shown once, and only its SHA-256 is stored (a 256-bit random
secret needs no slow hash: nobody can guess one to test against the digest). A request with the
token acts as a `Viewer` whose `staff_id` is the token's id made negative: below every staff id
(they start at 1) and the command line's local administrator (0), so it never passes for a person,
and whatever a request does is recorded under the token's name ("API token nightly-import").
Tokens are revoked, never deleted, and a name is never reused, so the request log names one token
for ever.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from metrics.people import AccessDenied, Viewer
from metrics.store import Database, transaction
from modules.policy import Role

# --- API tokens ----------------------------------------------------------------------------------

API_TOKEN_BYTES = 32  # 256 random bits: not guessable, so a plain SHA-256 of it is safe to keep
API_TOKEN_PREFIX = "sa_"  # tells a Service Academy token apart in a config file or a leak scan
# `last_used_at` is an UPDATE, and two requests updating one row at once conflict in DuckDB:
# written at most this often per token, and a conflicting write is skipped (it is a hint only).
LAST_USED_RESOLUTION = timedelta(minutes=1)
API_TOKEN_VIEWER_PREFIX = "API token "  # the viewer's name, as import records show it


class TokenError(ValueError):
    """A request about API tokens that cannot be carried out (taken name, unknown team...)."""


class ApiToken(BaseModel):
    """A token as the Staff page and `academy tokens list` show it: never the token itself."""

    name: str
    role: Role
    team: str | None
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class NewApiToken(BaseModel):
    """A token just created: the only time its secret is seen."""

    name: str
    role: Role
    team: str | None
    token: str


class ApiTokenRequest(BaseModel):
    """Form-sized input for a new token, validated strictly at the boundary."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.@-]+( [\w.@-]+)*$")]
    role: Role
    team: str | None = None

    @field_validator("name", "team", mode="before")
    @classmethod
    def strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _who(viewer: Viewer) -> str:
    return f"{viewer.name} <{viewer.email}>" if viewer.email else viewer.name


def _require_owner(viewer: Viewer) -> None:
    if viewer.role != "owner":
        raise AccessDenied("only owners manage API tokens")


def create_api_token(db: Database, viewer: Viewer, request: ApiTokenRequest) -> NewApiToken:
    """A new token with the request's role and team; the name must never have been used."""
    _require_owner(viewer)
    if request.role != "owner" and not request.team:
        raise TokenError(f"a {request.role}'s token needs a team, as a {request.role} has one")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(API_TOKEN_BYTES)
    with transaction(db) as cur:
        taken = cur.execute(
            "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = ?", [request.name]
        ).fetchone()
        if taken is not None:
            state = "a revoked token" if taken[0] else "a token"
            raise TokenError(
                f"{state} is already named {request.name!r}; names are never reused, so the "
                f"request log always means one token: choose another name"
            )
        team_id = None
        if request.team:
            found = cur.execute("SELECT id FROM teams WHERE name = ?", [request.team]).fetchone()
            if found is None:
                names = [
                    n for (n,) in cur.execute("SELECT name FROM teams ORDER BY name").fetchall()
                ]
                raise TokenError(
                    f"no team named {request.team!r}; existing teams: {', '.join(names) or 'none'}"
                )
            team_id = found[0]
        cur.execute(
            "INSERT INTO api_tokens (name, token_sha256, role, team_id, created_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [request.name, _token_digest(token), request.role, team_id, _who(viewer)],
        )
    return NewApiToken(name=request.name, role=request.role, team=request.team, token=token)


_TOKEN_SELECT = (
    "SELECT k.name, k.role, t.name, k.created_by, k.created_at, k.last_used_at, k.revoked_at,"
    " k.revoked_by FROM api_tokens k LEFT JOIN teams t ON t.id = k.team_id"
)
_TOKEN_KEYS = (
    "name",
    "role",
    "team",
    "created_by",
    "created_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
)


def list_api_tokens(db: Database, viewer: Viewer) -> list[ApiToken]:
    """Every token, active ones first, then by name."""
    _require_owner(viewer)
    with db.cursor() as cur:
        rows = cur.execute(_TOKEN_SELECT + " ORDER BY k.revoked_at IS NOT NULL, k.name").fetchall()
    return [ApiToken(**dict(zip(_TOKEN_KEYS, row, strict=True))) for row in rows]


def revoke_api_token(db: Database, viewer: Viewer, name: str) -> ApiToken:
    """Revoke a token by name: from the next request on it is refused."""
    _require_owner(viewer)
    name = name.strip()
    with transaction(db) as cur:
        state = cur.execute(
            "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = ?", [name]
        ).fetchone()
        if state is None:
            raise TokenError(f"no API token named {name!r}")
        if state[0]:
            raise TokenError(f"the API token {name!r} is already revoked")
        cur.execute(
            "UPDATE api_tokens SET revoked_at = current_timestamp, revoked_by = ? WHERE name = ?",
            [_who(viewer), name],
        )
        row = cur.execute(_TOKEN_SELECT + " WHERE k.name = ?", [name]).fetchone()
    assert row is not None
    return ApiToken(**dict(zip(_TOKEN_KEYS, row, strict=True)))


def api_token_viewer(db: Database, token: str) -> Viewer | None:
    """The viewer a request with this token acts as, or None when the token is unknown or
    revoked. Records when the token was last used (to the minute)."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    digest = _token_digest(token)
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT id, name, role, team_id, last_used_at FROM api_tokens"
            " WHERE token_sha256 = ? AND revoked_at IS NULL",
            [digest],
        ).fetchone()
    if row is None:
        return None
    token_id, name, role, team_id, last_used = row
    now = datetime.now(UTC)
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        try:
            with transaction(db) as cur:
                cur.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [now, token_id])
        except duckdb.TransactionException:
            pass  # another request of this token wrote it at the same moment: as good
    return Viewer(
        staff_id=-int(token_id),
        name=API_TOKEN_VIEWER_PREFIX + name,
        email="",
        role=role,
        team_id=team_id,
    )
