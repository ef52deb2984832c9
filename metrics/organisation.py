"""Organisation settings and the policy versions staff are held to."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from metrics.store import Database, transaction
from modules.policy import LoadedPolicy

# "true" when the organisation asked for no demo (`academy serve --no-demo`): its first start
# then offers to create the first owner instead of generating the demo organisation.
NO_DEMO_SETTING = "no_demo"


class PolicyVersionConflict(ValueError):
    """The policy file says version N, but version N was recorded with different text."""


class PolicyVersion(BaseModel):
    version: int
    title: str
    effective_from: date
    checksum: str
    source_file: str
    recorded_at: datetime


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


def check_policy_version(db: Database, loaded: LoadedPolicy) -> None:
    """Raise PolicyVersionConflict if the file's version was recorded with other text."""
    recorded = policy_version(db, loaded.policy.version)
    if recorded is not None and recorded.checksum != loaded.checksum:
        raise PolicyVersionConflict(
            f"{loaded.path}: version: version {loaded.policy.version} was already recorded with "
            f"different text, and staff may have acknowledged it. Raise `version` (and "
            f"`effective_from`) in the policy file to publish the change."
        )


def record_policy_version(db: Database, loaded: LoadedPolicy) -> PolicyVersion:
    """Record the policy file's version the first time it is seen.

    Staff acknowledge a specific version, so a version's text is immutable once recorded: the
    same version number with different content is refused until the owner raises the number.
    """
    policy = loaded.policy
    with transaction(db) as cur:
        cur.execute(
            "INSERT INTO policy_versions"
            " (version, title, effective_from, checksum, source_file, content)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING",
            [
                policy.version,
                policy.title,
                policy.effective_from,
                loaded.checksum,
                str(loaded.path),
                loaded.text,
            ],
        )
    # Checked after the insert, so the version recorded by this call or an earlier one is the
    # one compared: one check covers both.
    check_policy_version(db, loaded)
    found = policy_version(db, policy.version)
    assert found is not None  # recorded just above
    return found


def policy_version(db: Database, version: int) -> PolicyVersion | None:
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT version, title, effective_from, checksum, source_file, recorded_at"
            " FROM policy_versions WHERE version = ?",
            [version],
        ).fetchone()
    if row is None:
        return None
    keys = ("version", "title", "effective_from", "checksum", "source_file", "recorded_at")
    return PolicyVersion(**dict(zip(keys, row, strict=True)))
