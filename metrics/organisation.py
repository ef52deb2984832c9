"""Organisation settings and the policy versions staff are held to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from duckdb import DuckDBPyConnection
from pydantic import BaseModel

from metrics.policy_figures import FIGURES_SETTING
from metrics.store import Database, transaction
from modules.policy import LoadedPolicy, parse_policy, with_version_number
from modules.policy_figures import PolicyFigures

# "true" when the organisation asked for no demo (`academy serve --no-demo`): its first start
# then offers to create the first owner instead of generating the demo organisation.
NO_DEMO_SETTING = "no_demo"


PolicyStatus = Literal["draft", "pilot", "published", "retired"]
PolicyKind = Literal["major", "minor"]

# What may follow what by hand; publishing (mark_published) and replacement are not by hand.
_STATUS_CHANGES: dict[str, set[str]] = {"draft": {"pilot"}, "pilot": {"draft"}}


class PolicyStatusError(ValueError):
    """A version cannot go to that status from the one it has (or does not exist)."""


class NoPolicyInForce(LookupError):
    """The store has no published version yet (a store that was never opened by the app)."""


class StoredPolicyVersion(BaseModel):
    version: int
    title: str
    effective_from: date
    status: PolicyStatus
    kind: PolicyKind
    checksum: str
    recorded_at: datetime
    published_at: datetime | None
    created_by: int | None


_VERSION_COLUMNS = (
    "version, title, effective_from, status, kind, checksum, recorded_at, published_at, created_by"
)


def _stored(row: tuple[object, ...] | None) -> StoredPolicyVersion:
    assert row is not None  # each caller reads a row it knows is there
    fields = StoredPolicyVersion.model_fields
    return StoredPolicyVersion.model_validate(dict(zip(fields, row, strict=True)))


def get_setting(db: Database, key: str) -> str | None:
    with db.cursor() as cur:
        row = cur.execute("SELECT value FROM organisation_settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_setting(db: Database, key: str, value: str) -> None:
    with transaction(db) as cur:
        cur.execute(
            "INSERT INTO organisation_settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_at = now()",
            [key, value],
        )


def ensure_policy_in_force(db: Database, loaded_file: LoadedPolicy) -> StoredPolicyVersion:
    """A store with no policy version starts from the policy file, published as it is; a store
    that has one keeps its own, whatever the file now says (new versions are published through
    the Policy versions page or `academy policy publish`)."""
    with transaction(db) as cur:
        if cur.execute("SELECT count(*) FROM policy_versions").fetchone() == (0,):
            policy = loaded_file.policy
            cur.execute(
                "INSERT INTO policy_versions (version, title, effective_from, checksum,"
                " source_file, content, status, kind, published_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'published', 'major', now())",
                [
                    policy.version,
                    policy.title,
                    policy.effective_from,
                    loaded_file.checksum,
                    str(loaded_file.path),
                    loaded_file.text,
                ],
            )
        row = cur.execute(
            f"SELECT {_VERSION_COLUMNS} FROM policy_versions WHERE status = 'published'"
        ).fetchone()
        if row is not None:
            keep_figures_in_force(cur)  # a store whose version was in force before they were kept
    if row is None:
        raise NoPolicyInForce("the store has policy versions but none is published")
    return _stored(row)


def keep_figures_in_force(cur: DuckDBPyConnection) -> None:
    """Keep the published version's figures (`metrics/policy_figures.py`) from its validated
    text, inside the caller's transaction, unless those kept are already that version's."""
    row = cur.execute(
        "SELECT v.version, v.content, s.value FROM policy_versions v"
        " LEFT JOIN organisation_settings s ON s.key = ?"
        " WHERE v.status = 'published'",
        [FIGURES_SETTING],
    ).fetchone()
    if row is None:
        return
    version, text, kept = int(row[0]), str(row[1]), row[2]
    if kept is not None and PolicyFigures.from_json(str(kept)).version == version:
        return
    policy = parse_policy(text, f"policy version {version} (in the store)").policy
    cur.execute(
        "INSERT INTO organisation_settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
        [FIGURES_SETTING, PolicyFigures.of(policy).to_json()],
    )


def policy_in_force_key(db: Database) -> tuple[int, str] | None:
    """The version in force and its checksum: one indexed row, cheap enough for every rerun to
    ask whether a cached policy is still the one in force."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT version, checksum FROM policy_versions WHERE status = 'published'"
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def policy_in_force(db: Database) -> LoadedPolicy:
    """The published version, validated from its stored text (NoPolicyInForce if none)."""
    key = policy_in_force_key(db)
    if key is None:
        raise NoPolicyInForce("no policy version has been published in this store yet")
    found = stored_policy(db, key[0])
    assert found is not None  # its row was read just above; versions are never deleted
    return found


def stored_policy(db: Database, version: int) -> LoadedPolicy | None:
    """A stored version's text, validated, with the checksum recorded for it."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT content, checksum FROM policy_versions WHERE version = ?", [version]
        ).fetchone()
    if row is None:
        return None
    parsed = parse_policy(str(row[0]), f"policy version {version} (in the store)")
    return parsed.model_copy(update={"checksum": str(row[1])})


def list_policy_versions(db: Database) -> list[StoredPolicyVersion]:
    """Every version, oldest first."""
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_VERSION_COLUMNS} FROM policy_versions ORDER BY version"
        ).fetchall()
    return [_stored(row) for row in rows]


def policy_version(db: Database, version: int) -> StoredPolicyVersion | None:
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {_VERSION_COLUMNS} FROM policy_versions WHERE version = ?", [version]
        ).fetchone()
    return _stored(row) if row else None


def save_policy_draft(
    db: Database, text: str, *, kind: PolicyKind, source: str, created_by: int | None
) -> StoredPolicyVersion:
    """Validate `text` and keep it as a draft under the next version number.

    Validated before anything is written (ContentError with every problem, nothing saved). The
    number is chosen inside the transaction, and the text's own `version:` line is rewritten to
    it, so the text kept is the text exported and acknowledged."""
    parse_policy(text, source)  # every problem, before the number is even chosen
    with transaction(db) as cur:
        return insert_policy_draft(cur, text, kind=kind, source=source, created_by=created_by)


def insert_policy_draft(
    cur: DuckDBPyConnection, text: str, *, kind: PolicyKind, source: str, created_by: int | None
) -> StoredPolicyVersion:
    """`save_policy_draft` inside the caller's transaction (publishing a file keeps the draft
    and its publishing together: both, or neither)."""
    latest = cur.execute("SELECT max(version) FROM policy_versions").fetchone()
    number = int(latest[0] or 0) + 1 if latest else 1
    numbered = parse_policy(with_version_number(text, number, source), source)
    policy = numbered.policy
    cur.execute(
        "INSERT INTO policy_versions (version, title, effective_from, checksum, source_file,"
        " content, status, kind, created_by) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
        [
            number,
            policy.title,
            policy.effective_from,
            numbered.checksum,
            source,
            numbered.text,
            kind,
            created_by,
        ],
    )
    row = cur.execute(
        f"SELECT {_VERSION_COLUMNS} FROM policy_versions WHERE version = ?", [number]
    ).fetchone()
    return _stored(row)


def set_policy_status(cur: DuckDBPyConnection, version: int, status: PolicyStatus) -> None:
    """Move a version between draft and pilot, inside the caller's transaction, decided against
    the stored row."""
    row = cur.execute("SELECT status FROM policy_versions WHERE version = ?", [version]).fetchone()
    if row is None:
        raise PolicyStatusError(f"there is no policy version {version}")
    if status not in _STATUS_CHANGES.get(str(row[0]), set()):
        raise PolicyStatusError(f"version {version} is {row[0]}: it cannot become {status}")
    cur.execute("UPDATE policy_versions SET status = ? WHERE version = ?", [status, version])


def mark_published(cur: DuckDBPyConnection, version: int) -> int | None:
    """Make `version` the one in force, inside the caller's transaction (publishing's other
    consequences are `metrics/training/publishing.py`'s); the version it replaces is retired and
    its number returned (None for the first)."""
    row = cur.execute("SELECT status FROM policy_versions WHERE version = ?", [version]).fetchone()
    if row is None:
        raise PolicyStatusError(f"there is no policy version {version}")
    if row[0] not in ("draft", "pilot"):
        raise PolicyStatusError(
            f"version {version} is {row[0]}: only a draft or pilot is published"
        )
    previous = cur.execute(
        "SELECT version FROM policy_versions WHERE status = 'published'"
    ).fetchone()
    if previous is not None and int(previous[0]) > version:
        raise PolicyStatusError(
            f"version {previous[0]} is in force: version {version} is older and cannot replace it"
        )
    cur.execute("UPDATE policy_versions SET status = 'retired' WHERE status = 'published'")
    cur.execute(
        "UPDATE policy_versions SET status = 'published', published_at = now() WHERE version = ?",
        [version],
    )
    keep_figures_in_force(cur)
    return int(previous[0]) if previous else None
