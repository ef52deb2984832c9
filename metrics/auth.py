"""Who is asking, proven: checking a password with limits on guessing, the sessions a sign-in
opens, and the API tokens of the HTTP API.

**Sessions live on the server.** Signing in stores a session row and hands the browser an
unguessable token; only its SHA-256 is stored. Every script run turns the token back into a
`Viewer` read from the staff row as it is then (`session_viewer`), so deactivation, a role change
or a team change applies at the person's next click. Signing out, deactivation and a password
change end sessions on the server; a session also ends `session_lifetime` after it started.
Where the browser keeps the token is the front-end's business, not this module's.

**Guessing is slowed, then stopped.** Each password check allowed to run is an appended row,
written before the password is verified, and each decision is made in one transaction against
those rows. Counted per e-mail as typed, known or not, so an unknown e-mail gets exactly the same
answers, waits and lock as a real one, and its password is verified all the same (against a
stand-in hash), so timing tells nothing either:

- the first `FREE_FAILURES` wrong passwords in a row cost nothing (typing errors happen);
- after each further one the next try must wait, `FIRST_DELAY_S` doubling each time: the try is
  refused with the wait in words, and the server thread never sleeps;
- after `LOCK_AFTER_FAILURES` the account is locked until an owner unlocks it (Staff page, or
  `academy users unlock EMAIL`);
- the right password clears the account's count;
- one client (network address) with `CLIENT_FAILURE_LIMIT` failures within `CLIENT_WINDOW`, on
  any accounts, is refused until the oldest of them leaves the window: this stops one password
  being tried against many accounts, which the per-account count alone would allow.

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
import logging
import math
import secrets
import threading
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated

import duckdb
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from metrics.organisation import get_setting, set_setting
from metrics.people import (
    PASSWORD_HASHER,
    AccessDenied,
    PeopleError,
    Viewer,
    check_password,
    hash_password,
    keep_another_owner,
    managed_row,
    staff_viewer,
)
from metrics.store import Database, transaction
from modules.policy import Role

log = logging.getLogger(__name__)

# --- Sessions ------------------------------------------------------------------------------------

SESSION_HOURS_SETTING = "session_hours"  # organisation setting: how long a sign-in lasts
DEFAULT_SESSION_HOURS = 8.0  # a working day: sign in once in the morning
TOKEN_BYTES = 32  # 256 random bits: not guessable, and the stored SHA-256 cannot be reversed
# Last seen is for owners reading who is about; writing it on every click would cost a write
# per click and conflict between two tabs of one session. (It never conflicts with ending a
# session: DuckDB tells writes of different columns of a row apart.)
LAST_SEEN_EVERY = timedelta(minutes=1)

# Why a session no longer signs anyone in (stored reasons, and the two found on reading).
SIGNED_OUT = "signed out"
DEACTIVATED = "deactivated"
PASSWORD_CHANGED = "password changed"
EXPIRED = "expired"

# --- Guessing ------------------------------------------------------------------------------------

MAX_EMAIL_LENGTH = 254  # the longest address mail can carry (RFC 5321); the sign-in form's limit
FREE_FAILURES = 3  # a few typing errors in a row are normal and cost nothing
FIRST_DELAY_S = 5  # the wait after the first failure beyond the free ones, doubling after each
# Ten guesses per account in all, and about five minutes of waits to reach them: an honest
# person has long since asked for a new password; a guesser gets nowhere.
LOCK_AFTER_FAILURES = 10
# Per client: a whole office behind one address makes far fewer typing errors than this, while
# one password tried against many accounts is held to two tries a minute.
CLIENT_FAILURE_LIMIT = 30
CLIENT_WINDOW = timedelta(minutes=15)
# Argon2id takes 64 MiB and about 0.1 s of both cores per check, so checks run at once only
# queue for the cores while each holds its memory: 100 sign-ins at once peaked at 1,047 MB
# unbounded and 269 MB bounded to two, in about the same time (bench/sign_in.py). Two keep both
# cores busy; the rest wait their turn.
SIMULTANEOUS_PASSWORD_CHECKS = 2
_password_checks = threading.BoundedSemaphore(SIMULTANEOUS_PASSWORD_CHECKS)
# The store has one owner process (the app), so one lock there makes every decide-and-record
# step see the checks recorded before it: simultaneous guesses cannot all pass one count.
_decisions = threading.Lock()

WRONG_PASSWORD = "That e-mail and password do not match an active account."
LOCKED = (
    "This account is locked after {failures} wrong passwords in a row. An owner can unlock it "
    "on the Staff and teams page."
)
ACCOUNT_WAIT = "Too many wrong passwords for this e-mail: wait {wait}, then try again."
CLIENT_WAIT = "Too many wrong passwords from this network address: wait {wait}, then try again."


class SignInResult(BaseModel):
    """A session token when the password was right, else what to tell the person."""

    token: str | None = None
    refusal: str | None = None


class LockedAccount(BaseModel):
    email: str
    name: str | None  # None: nobody on the staff has this e-mail (someone guessed addresses)
    failures: int
    last_failure_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_lifetime(db: Database) -> timedelta:
    """How long a sign-in lasts: the organisation's `session_hours`, else 8 hours."""
    stored = get_setting(db, SESSION_HOURS_SETTING)
    if stored is None:
        return timedelta(hours=DEFAULT_SESSION_HOURS)
    try:
        hours = float(stored)
    except ValueError:
        hours = 0
    if not math.isfinite(hours) or hours <= 0:
        log.warning(
            "organisation setting %s = %r is not a positive number of hours; using %s",
            SESSION_HOURS_SETTING,
            stored,
            DEFAULT_SESSION_HOURS,
        )
        return timedelta(hours=DEFAULT_SESSION_HOURS)
    return timedelta(hours=hours)


def _insert_session(
    cur: duckdb.DuckDBPyConnection, staff_id: int, client: str, lifetime: timedelta
) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = _now()
    cur.execute(
        "INSERT INTO sign_in_sessions"
        " (token_sha256, staff_id, client, created_at, last_seen_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [_digest(token), staff_id, client, now, now, now + lifetime],
    )
    return token


def start_session(db: Database, staff_id: int, client: str) -> str:
    """Open a session for a staff member (whose password was checked) and return its token."""
    lifetime = session_lifetime(db)
    with transaction(db) as cur:
        return _insert_session(cur, staff_id, client, lifetime)


def session_viewer(db: Database, token: str) -> Viewer | None:
    """The viewer a session token signs in now, built from the staff row as it is: None when the
    session was ended or has expired, or the person was deactivated."""
    now = _now()
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT staff_id, last_seen_at FROM sign_in_sessions"
            " WHERE token_sha256 = ? AND ended_at IS NULL AND expires_at > ?",
            [_digest(token), now],
        ).fetchone()
    if row is None:
        return None
    staff_id, last_seen_at = row
    viewer = staff_viewer(db, staff_id)
    if viewer is not None and now - last_seen_at >= LAST_SEEN_EVERY:
        try:
            with db.cursor() as cur:
                cur.execute(
                    "UPDATE sign_in_sessions SET last_seen_at = ? WHERE token_sha256 = ?",
                    [now, _digest(token)],
                )
        except duckdb.TransactionException:
            pass  # another tab of this session wrote it at the same moment: either time will do
    return viewer


def session_end(db: Database, token: str) -> str | None:
    """Why a token no longer signs anyone in (SIGNED_OUT, DEACTIVATED, PASSWORD_CHANGED or
    EXPIRED), or None for a token the store never issued."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT x.ended_why, x.expires_at <= ?, coalesce(s.active, false)"
            " FROM sign_in_sessions x LEFT JOIN staff s ON s.id = x.staff_id"
            " WHERE x.token_sha256 = ?",
            [_now(), _digest(token)],
        ).fetchone()
    if row is None:
        return None
    ended_why, expired, active = row
    if ended_why is not None:
        return str(ended_why)
    if not active:
        return DEACTIVATED
    return EXPIRED if expired else None


def end_session(db: Database, token: str) -> None:
    """Sign out: the token signs nobody in any more, wherever a copy of it is."""
    with transaction(db) as cur:
        cur.execute(
            "UPDATE sign_in_sessions SET ended_at = ?, ended_why = ?"
            " WHERE token_sha256 = ? AND ended_at IS NULL",
            [_now(), SIGNED_OUT, _digest(token)],
        )


def end_sessions_of(cur: duckdb.DuckDBPyConnection, staff_id: int, why: str) -> None:
    """End every open session of a staff member, inside the caller's transaction."""
    cur.execute(
        "UPDATE sign_in_sessions SET ended_at = ?, ended_why = ?"
        " WHERE staff_id = ? AND ended_at IS NULL",
        [_now(), why, staff_id],
    )


def set_active(db: Database, email: str, active: bool) -> None:
    """`academy users activate|deactivate EMAIL`: as the Staff page does it, with an owner's
    rights (`set_member_active`)."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT id FROM staff WHERE email = ?", [email.strip().lower()]
        ).fetchone()
    if row is None:
        raise PeopleError(f"no staff member with e-mail {email}")
    set_member_active(db, Viewer.local_admin(), int(row[0]), active)


def set_password(db: Database, email: str, password: str) -> None:
    """Give someone a new password; every session signed in with the old one ends with it."""
    password_hash = hash_password(check_password(password))
    with transaction(db) as cur:
        updated = cur.execute(
            "UPDATE staff SET password_hash = ? WHERE email = ? RETURNING id",
            [password_hash, email.strip().lower()],
        ).fetchall()
        if not updated:
            raise PeopleError(f"no staff member with e-mail {email}")
        end_sessions_of(cur, updated[0][0], PASSWORD_CHANGED)


# --- Managing staff in the app: who may is decided in `metrics.people` ---------------------------

# How long an owner may let a sign-in last: at least a quarter of an hour (shorter would sign
# people out between two questions), at most a week (a lost laptop stays signed in no longer).
MIN_SESSION_HOURS = 0.25
MAX_SESSION_HOURS = 168.0
SAME_PASSWORD = "choose a password other than the temporary one you were given"


def set_member_active(db: Database, viewer: Viewer, staff_id: int, active: bool) -> None:
    """Deactivate or reactivate someone from the Staff page: owners anyone, supervisors their
    own team's agents. Deactivation ends their open sessions in the same transaction and keeps
    their records; the last owner who can sign in stays active."""
    with transaction(db) as cur:
        member = managed_row(cur, viewer, staff_id)
        if not active and member.signs_in_as_owner:
            keep_another_owner(cur, staff_id, member.name)
        cur.execute("UPDATE staff SET active = ? WHERE id = ?", [active, staff_id])
        if not active:
            end_sessions_of(cur, staff_id, DEACTIVATED)


def set_temporary_password(db: Database, viewer: Viewer, staff_id: int, password: str) -> None:
    """Set or reset someone's password from the Staff page. It is temporary: at their next
    sign-in they choose their own before anything else. Their open sessions end with it."""
    password_hash = hash_password(check_password(password))
    with transaction(db) as cur:
        member = managed_row(cur, viewer, staff_id)
        if not member.email:
            raise PeopleError(f"{member.name} has no e-mail to sign in with; add one first")
        cur.execute(
            "UPDATE staff SET password_hash = ?, must_choose_password = true WHERE id = ?",
            [password_hash, staff_id],
        )
        end_sessions_of(cur, staff_id, PASSWORD_CHANGED)


def choose_own_password(db: Database, token: str, password: str) -> None:
    """The person signed in with a temporary password chooses their own. Decided against the
    stored rows inside the transaction: the session is live and its account still has a
    temporary password. Their other sessions end; this one goes on."""
    check_password(password)
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT s.password_hash FROM sign_in_sessions x JOIN staff s ON s.id = x.staff_id"
            " WHERE x.token_sha256 = ? AND x.ended_at IS NULL AND x.expires_at > ? AND s.active",
            [_digest(token), _now()],
        ).fetchone()
    if row is not None and password_matches(row[0], password):
        raise PeopleError(SAME_PASSWORD)
    password_hash = hash_password(password)
    with transaction(db) as cur:
        found = cur.execute(
            "SELECT s.id FROM sign_in_sessions x JOIN staff s ON s.id = x.staff_id"
            " WHERE x.token_sha256 = ? AND x.ended_at IS NULL AND x.expires_at > ? AND s.active"
            " AND s.must_choose_password",
            [_digest(token), _now()],
        ).fetchone()
        if found is None:
            raise PeopleError("this sign-in has no temporary password to replace")
        (staff_id,) = found
        cur.execute(
            "UPDATE staff SET password_hash = ?, must_choose_password = false WHERE id = ?",
            [password_hash, staff_id],
        )
        cur.execute(
            "UPDATE sign_in_sessions SET ended_at = ?, ended_why = ?"
            " WHERE staff_id = ? AND ended_at IS NULL AND token_sha256 <> ?",
            [_now(), PASSWORD_CHANGED, staff_id, _digest(token)],
        )


def set_session_hours(db: Database, viewer: Viewer, hours: float) -> None:
    """How long a sign-in lasts from now on (sessions open already keep their end): owners only."""
    if viewer.role != "owner":
        raise AccessDenied("only an owner may change how long a sign-in lasts")
    if not math.isfinite(hours) or not MIN_SESSION_HOURS <= hours <= MAX_SESSION_HOURS:
        raise PeopleError(
            f"a sign-in lasts between {MIN_SESSION_HOURS:g} and {MAX_SESSION_HOURS:g} hours"
        )
    set_setting(db, SESSION_HOURS_SETTING, f"{hours:g}")


# --- Checking a password, with the limits on guessing -------------------------------------------


@cache
def _unknown_user_hash() -> str:
    # Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
    # password. Made on first use: a hash costs ~0.1 s, too much for every command's start-up.
    return PASSWORD_HASHER.hash("no such user: timing guard")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Verify a password; with no hash (unknown e-mail, no password) the same work is done
    against a stand-in hash, and the answer is no."""
    try:
        verified = PASSWORD_HASHER.verify(password_hash or _unknown_user_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return verified and password_hash is not None


def _in_words(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    if whole < 120:
        return f"{whole} second" + ("" if whole == 1 else "s")
    minutes = math.ceil(whole / 60)
    return f"{minutes} minutes"


def _account_wait_s(failures: int) -> float:
    """How long the next try must wait after `failures` wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return float(FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES - 1))


# The checks of one e-mail (two parameters: it, twice) that still count against it: those after
# the last time its count was cleared.
_COUNTED_CHECKS = (
    " FROM password_checks WHERE email = ? AND id > coalesce("
    "  (SELECT max(through_check_id) FROM sign_in_clears WHERE email = ?), 0)"
)


def _refusal(cur: duckdb.DuckDBPyConnection, email: str, client: str, now: datetime) -> str | None:
    """Why a password check for this e-mail from this client may not run now, from the stored
    checks; None when it may."""
    failures, last_failure_at = cur.execute(
        "SELECT count(*), max(checked_at)" + _COUNTED_CHECKS, [email, email]
    ).fetchone()  # type: ignore[misc]
    if failures >= LOCK_AFTER_FAILURES:
        return LOCKED.format(failures=LOCK_AFTER_FAILURES)
    oldest_counted = cur.execute(
        "SELECT checked_at FROM password_checks c"
        " WHERE client = ? AND checked_at > ?"
        " AND NOT EXISTS (SELECT 1 FROM sign_in_clears k"
        "  WHERE k.reason = 'signed in' AND k.through_check_id = c.id)"
        " ORDER BY checked_at DESC LIMIT 1 OFFSET ?",
        [client, now - CLIENT_WINDOW, CLIENT_FAILURE_LIMIT - 1],
    ).fetchone()
    if oldest_counted is not None:
        return CLIENT_WAIT.format(
            wait=_in_words((oldest_counted[0] + CLIENT_WINDOW - now).total_seconds())
        )
    if failures:
        wait = _account_wait_s(failures) - (now - last_failure_at).total_seconds()
        if wait > 0:
            return ACCOUNT_WAIT.format(wait=_in_words(wait))
    return None


def sign_in(db: Database, email: str, password: str, client: str) -> SignInResult:
    """Check an e-mail and password within the limits on guessing (see the module docstring);
    the right password of an active account opens a session and clears the account's count."""
    email = email.strip().lower()
    with _decisions, transaction(db) as cur:
        now = _now()
        refusal = _refusal(cur, email, client, now)
        if refusal is not None:
            return SignInResult(refusal=refusal)
        # Recorded before the password is verified, so a guess still being verified counts for
        # every other try at once; the right password clears it below.
        (check_id,) = cur.execute(
            "INSERT INTO password_checks (email, client, checked_at) VALUES (?, ?, ?) RETURNING id",
            [email, client, now],
        ).fetchone()  # type: ignore[misc]
        account = cur.execute(
            "SELECT id, password_hash FROM staff WHERE email = ? AND active", [email]
        ).fetchone()
    with _password_checks:
        matched = password_matches(account[1] if account else None, password)
    if matched and account is not None:
        lifetime = session_lifetime(db)
        with transaction(db) as cur:
            cur.execute(
                "INSERT INTO sign_in_clears (email, through_check_id, reason)"
                " VALUES (?, ?, 'signed in')",
                [email, check_id],
            )
            return SignInResult(token=_insert_session(cur, account[0], client, lifetime))
    with db.cursor() as cur:
        now_refused = _refusal(cur, email, client, _now())
    return SignInResult(
        refusal=f"{WRONG_PASSWORD} {now_refused}" if now_refused else WRONG_PASSWORD
    )


def locked_accounts(db: Database, viewer: Viewer) -> list[LockedAccount]:
    """E-mails locked by wrong passwords, the latest first; owners only."""
    if viewer.role != "owner":
        raise AccessDenied("only an owner may see and unlock locked accounts")
    with db.cursor() as cur:
        rows = cur.execute(
            "WITH cleared AS (SELECT email, max(through_check_id) AS through"
            "  FROM sign_in_clears GROUP BY email)"
            " SELECT c.email, any_value(s.name), count(*), max(c.checked_at)"
            " FROM password_checks c LEFT JOIN cleared k ON k.email = c.email"
            " LEFT JOIN staff s ON s.email = c.email"
            " WHERE c.id > coalesce(k.through, 0)"
            " GROUP BY c.email HAVING count(*) >= ? ORDER BY max(c.checked_at) DESC, c.email",
            [LOCK_AFTER_FAILURES],
        ).fetchall()
    return [LockedAccount(email=r[0], name=r[1], failures=r[2], last_failure_at=r[3]) for r in rows]


def unlock(db: Database, viewer: Viewer, email: str) -> None:
    """Forget the wrong passwords counted against an e-mail, so it may sign in again at once
    (a lock or a wait); owners only."""
    if viewer.role != "owner":
        raise AccessDenied("only an owner may unlock an account")
    email = email.strip().lower()
    with transaction(db) as cur:
        latest, counted = cur.execute(
            "SELECT max(id), count(*)" + _COUNTED_CHECKS, [email, email]
        ).fetchone()  # type: ignore[misc]
        if not counted:
            raise PeopleError(f"no wrong passwords are counted against {email}: nothing to unlock")
        cur.execute(
            "INSERT INTO sign_in_clears (email, through_check_id, reason, cleared_by)"
            " VALUES (?, ?, 'unlocked', ?)",
            [email, latest, viewer.name],
        )


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
            [request.name, _digest(token), request.role, team_id, _who(viewer)],
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
    digest = _digest(token)
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
