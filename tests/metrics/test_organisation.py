from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from metrics.organisation import (
    NoPolicyInForce,
    PolicyStatusError,
    ensure_policy_in_force,
    get_setting,
    list_policy_versions,
    mark_published,
    policy_in_force,
    policy_in_force_key,
    save_policy_draft,
    set_policy_status,
    set_setting,
    stored_policy,
)
from metrics.store import transaction
from modules.content_errors import ContentError
from modules.policy import DEFAULT_POLICY_PATH, load_policy

SHIPPED_TEXT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def test_a_store_without_a_version_starts_from_the_file_once(
    db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with pytest.raises(NoPolicyInForce):
        policy_in_force(db)
    loaded = load_policy(DEFAULT_POLICY_PATH)
    first = ensure_policy_in_force(db, loaded)
    assert (first.version, first.status, first.kind) == (1, "published", "major")
    assert first.published_at is not None and first.created_by is None

    # The file changes afterwards: the store keeps its own version in force.
    edited = tmp_path / "policy.yaml"
    shutil.copyfile(DEFAULT_POLICY_PATH, edited)
    edited.write_text(SHIPPED_TEXT.replace("answer_within_s: 30", "answer_within_s: 20"))
    assert ensure_policy_in_force(db, load_policy(edited)) == first
    in_force = policy_in_force(db)
    assert in_force.policy.standards.phone.answer_within_s == 30
    assert in_force.checksum == loaded.checksum
    assert policy_in_force_key(db) == (1, loaded.checksum)


def test_a_draft_is_validated_before_anything_is_saved(db: duckdb.DuckDBPyConnection) -> None:
    ensure_policy_in_force(db, load_policy(DEFAULT_POLICY_PATH))
    broken = SHIPPED_TEXT.replace("csat_target: 0.85", "csat_target: 1.5").replace(
        "min_contacts: 30", "min_contacts: many"
    )
    with pytest.raises(ContentError) as raised:
        save_policy_draft(db, broken, kind="major", source="upload.yaml", created_by=None)
    assert [(issue.file, issue.key_path) for issue in raised.value.issues] == [
        ("upload.yaml", "standards.csat_target"),
        ("upload.yaml", "standards.min_contacts"),
    ]
    assert [found.version for found in list_policy_versions(db)] == [1]


def test_a_draft_gets_the_next_number_and_its_text_says_so(
    db: duckdb.DuckDBPyConnection,
) -> None:
    ensure_policy_in_force(db, load_policy(DEFAULT_POLICY_PATH))
    # The uploaded text still says version 1: the store numbers it 2, and so does the text kept.
    edited = SHIPPED_TEXT.replace("answer_within_s: 30", "answer_within_s: 20")
    draft = save_policy_draft(db, edited, kind="minor", source="upload.yaml", created_by=7)
    assert (draft.version, draft.status, draft.kind, draft.created_by) == (2, "draft", "minor", 7)
    assert draft.published_at is None
    kept = stored_policy(db, 2)
    assert kept is not None
    assert kept.policy.version == 2
    assert kept.text.startswith(SHIPPED_TEXT[: SHIPPED_TEXT.index("version: 1")] + "version: 2\n")
    assert kept.policy.standards.phone.answer_within_s == 20
    # Still a draft: version 1 is in force.
    assert policy_in_force(db).policy.version == 1


def test_publishing_retires_the_version_it_replaces(db: duckdb.DuckDBPyConnection) -> None:
    ensure_policy_in_force(db, load_policy(DEFAULT_POLICY_PATH))
    save_policy_draft(db, SHIPPED_TEXT, kind="major", source="a.yaml", created_by=None)
    save_policy_draft(db, SHIPPED_TEXT, kind="major", source="b.yaml", created_by=None)
    with transaction(db) as cur:
        set_policy_status(cur, 3, "pilot")
        assert mark_published(cur, 3) == 1
    statuses = [(found.version, found.status) for found in list_policy_versions(db)]
    assert statuses == [(1, "retired"), (2, "draft"), (3, "published")]
    assert policy_in_force(db).policy.version == 3
    with transaction(db) as cur, pytest.raises(PolicyStatusError, match="older"):
        mark_published(cur, 2)
    with transaction(db) as cur, pytest.raises(PolicyStatusError, match="retired"):
        set_policy_status(cur, 1, "pilot")
    with transaction(db) as cur, pytest.raises(PolicyStatusError, match="no policy version 9"):
        mark_published(cur, 9)


def test_versions_recorded_before_the_lifecycle_are_in_force_newest_first(
    tmp_path: Path,
) -> None:
    from metrics.store import migrate, migrations

    db = duckdb.connect(str(tmp_path / "old.duckdb"))
    db.execute(
        "CREATE TABLE schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)"
    )
    for migration in migrations()[:11]:  # a store as the last release left it
        db.execute(migration.sql)
        db.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, now())",
            [migration.version, migration.name],
        )
    for version in (1, 2):
        db.execute(
            "INSERT INTO policy_versions (version, title, effective_from, checksum, source_file,"
            " content) VALUES (?, 'P', DATE '2026-01-05', 'x', 'f', 'text')",
            [version],
        )
    migrate(db)
    rows = db.execute(
        "SELECT version, status, kind, published_at = recorded_at FROM policy_versions"
        " ORDER BY version"
    ).fetchall()
    assert rows == [(1, "retired", "major", True), (2, "published", "major", True)]


def test_settings_are_upserted(db: duckdb.DuckDBPyConnection) -> None:
    assert get_setting(db, "organisation_name") is None
    set_setting(db, "organisation_name", "Lumen")
    set_setting(db, "organisation_name", "Lumen Home Goods")
    assert get_setting(db, "organisation_name") == "Lumen Home Goods"
