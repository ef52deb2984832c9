"""The pilot of a policy version: a draft tried by a chosen group of staff before it is published.

An owner puts a draft to pilot with a group (people picked by name, or a team's active members
as they are then); the group reads the version in the app, section by section
(`modules.policy_diff.POLICY_SECTIONS`), and comments on each section; the owner reads every
comment beside its section before publishing. A member sees only their own comments: a pilot
asks what each person thinks, not what the loudest colleague wrote first.

Who may do what is decided inside each write's transaction against the stored rows: the version
must still be in pilot and the person still in its group when the comment is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
from pydantic import BaseModel

from metrics.organisation import set_policy_status
from metrics.people import AccessDenied, PeopleError, Viewer
from metrics.store import Database, transaction
from modules.policy_diff import POLICY_SECTIONS

# A comment on one section of a policy is a few sentences; a page of text is a document to send
# the owner, and would make the owner's page unreadable beside the section.
MAX_COMMENT_CHARS = 2000

SECTION_TITLES = {section.key: section.title for section in POLICY_SECTIONS}


class PilotError(ValueError):
    """A pilot action that cannot be carried out (no group, the version is not in pilot...)."""


class PilotMember(BaseModel):
    staff_id: int
    name: str
    team: str | None
    added_at: datetime


class PilotComment(BaseModel):
    id: int
    policy_version: int
    section_key: str
    staff_id: int
    staff_name: str
    comment: str
    commented_at: datetime


def _require_owner(viewer: Viewer, what: str) -> None:
    if viewer.role != "owner":
        raise AccessDenied(f"only an owner may {what}")


def _status(cur: duckdb.DuckDBPyConnection, version: int) -> str:
    row = cur.execute("SELECT status FROM policy_versions WHERE version = ?", [version]).fetchone()
    if row is None:
        raise PilotError(f"there is no policy version {version}")
    return str(row[0])


def start_pilot(
    db: Database,
    viewer: Viewer,
    version: int,
    *,
    staff_ids: Iterable[int] = (),
    team_id: int | None = None,
) -> list[PilotMember]:
    """Put the draft `version` to pilot with a group: the people in `staff_ids` and the active
    members of team `team_id`. Only active staff join; the group replaces any earlier group of
    this version (comments already made are kept). Refused, with nothing changed, for a version
    that is not a draft or a group with nobody in it."""
    _require_owner(viewer, "put a policy version to pilot")
    chosen = sorted(set(staff_ids))
    with transaction(db) as cur:
        if _status(cur, version) != "draft":
            raise PilotError(f"version {version} is not a draft: only a draft can go to pilot")
        rows = cur.execute(
            "SELECT id FROM staff WHERE active AND (list_contains(?::INTEGER[], id)"
            " OR (?::INTEGER IS NOT NULL AND team_id = ?))",
            [chosen, team_id, team_id],
        ).fetchall()
        members = sorted(row[0] for row in rows)
        if not members:
            raise PilotError("choose at least one active member of staff, or a team with some")
        missing = sorted(set(chosen) - set(members))
        if missing:
            raise PeopleError(
                f"no active staff member with id {', '.join(str(i) for i in missing)}"
            )
        set_policy_status(cur, version, "pilot")
        cur.execute("DELETE FROM policy_pilot_members WHERE policy_version = ?", [version])
        cur.executemany(
            "INSERT INTO policy_pilot_members (policy_version, staff_id, added_by)"
            " VALUES (?, ?, ?)",
            [[version, member, viewer.staff_id] for member in members],
        )
    return pilot_members(db, viewer, version)


def end_pilot(db: Database, viewer: Viewer, version: int) -> None:
    """Take `version` back from pilot to draft (to change it, or to pilot it with another
    group); its group and comments are kept."""
    _require_owner(viewer, "end a pilot")
    with transaction(db) as cur:
        if _status(cur, version) != "pilot":
            raise PilotError(f"version {version} is not in pilot")
        set_policy_status(cur, version, "draft")


def pilot_members(db: Database, viewer: Viewer, version: int) -> list[PilotMember]:
    """The group of `version`'s pilot (the latest one, if it went to pilot more than once)."""
    _require_owner(viewer, "see a pilot group")
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT s.id, s.name, t.name, m.added_at FROM policy_pilot_members m"
            " JOIN staff s ON s.id = m.staff_id LEFT JOIN teams t ON t.id = s.team_id"
            " WHERE m.policy_version = ? ORDER BY s.name",
            [version],
        ).fetchall()
    return [PilotMember(staff_id=r[0], name=r[1], team=r[2], added_at=r[3]) for r in rows]


def pilot_version_of(db: Database, viewer: Viewer) -> int | None:
    """The version the viewer is piloting now: in pilot, with them in its group; else None."""
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT max(v.version) FROM policy_versions v JOIN policy_pilot_members m"
            " ON m.policy_version = v.version"
            " WHERE v.status = 'pilot' AND m.staff_id = ?",
            [viewer.staff_id],
        ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _piloting(cur: duckdb.DuckDBPyConnection, viewer: Viewer, version: int) -> None:
    if _status(cur, version) != "pilot":
        raise PilotError(f"version {version} is no longer in pilot: comments are closed")
    member = cur.execute(
        "SELECT 1 FROM policy_pilot_members m JOIN staff s ON s.id = m.staff_id"
        " WHERE m.policy_version = ? AND m.staff_id = ? AND s.active",
        [version, viewer.staff_id],
    ).fetchone()
    if member is None:
        raise AccessDenied(f"you are not in the pilot group of version {version}")


def add_pilot_comment(
    db: Database, viewer: Viewer, version: int, section_key: str, comment: str
) -> PilotComment:
    """A pilot member's comment on one section of the version they pilot."""
    if section_key not in SECTION_TITLES:
        raise PilotError(f"the policy has no section {section_key!r}")
    text = comment.strip()
    if not text:
        raise PilotError("write a comment first")
    if len(text) > MAX_COMMENT_CHARS:
        raise PilotError(
            f"a comment holds at most {MAX_COMMENT_CHARS} characters (this one has {len(text)}); "
            "shorten it, or split it over the sections it is about"
        )
    with transaction(db) as cur:
        _piloting(cur, viewer, version)
        row = cur.execute(
            "INSERT INTO policy_pilot_comments (policy_version, section_key, staff_id, comment)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            [version, section_key, viewer.staff_id, text],
        ).fetchone()
    assert row is not None
    [stored] = [c for c in _comments(db, version, None) if c.id == row[0]]
    return stored


def pilot_comments(db: Database, viewer: Viewer, version: int) -> list[PilotComment]:
    """The comments on `version`, oldest first: every comment for an owner, a pilot member's
    own for them; anyone else is refused."""
    if viewer.role == "owner":
        return _comments(db, version, None)
    with db.cursor() as cur:
        member = cur.execute(
            "SELECT 1 FROM policy_pilot_members WHERE policy_version = ? AND staff_id = ?",
            [version, viewer.staff_id],
        ).fetchone()
    if member is None:
        raise AccessDenied("only the owner and the pilot group see a pilot's comments")
    return _comments(db, version, viewer.staff_id)


def _comments(db: Database, version: int, staff_id: int | None) -> list[PilotComment]:
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT c.id, c.policy_version, c.section_key, c.staff_id, s.name, c.comment,"
            " c.commented_at FROM policy_pilot_comments c JOIN staff s ON s.id = c.staff_id"
            " WHERE c.policy_version = ? AND (?::INTEGER IS NULL OR c.staff_id = ?)"
            " ORDER BY c.commented_at, c.id",
            [version, staff_id, staff_id],
        ).fetchall()
    return [PilotComment(**dict(zip(PilotComment.model_fields, r, strict=True))) for r in rows]
