from __future__ import annotations

from pathlib import Path

from metrics.store import migrate, migrations, open_database, table_columns

# Pinned: a migration that changes these must be a new numbered file, and this test says so.
EXPECTED_COLUMNS = {
    "api_tokens": [
        "id",
        "name",
        "token_sha256",
        "role",
        "team_id",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ],
    "feedback": [
        "id",
        "interaction_id",
        "rating",
        "scale",
        "comment",
        "received_at",
        "is_demo",
        "import_batch_id",
    ],
    "import_batches": [
        "id",
        "file_name",
        "checksum",
        "format",
        "source",
        "rows_read",
        "loaded",
        "rejected",
        "duplicates",
        "new_agents",
        "new_teams",
        "imported_by_id",
        "imported_by",
        "imported_at",
        "removed_at",
        "removed_by",
        "timezone",
        "updated",
        "warnings",
    ],
    "import_rejects": ["batch_id", "row_number", "external_id", "field", "value", "reason"],
    "import_warnings": ["batch_id", "row_number", "external_id", "field", "value", "reason"],
    "import_writer": ["writes"],
    "interactions": [
        "id",
        "source",
        "external_id",
        "channel",
        "agent_id",
        "team_id",
        "case_id",
        "queued_at",
        "answered_at",
        "resolved_at",
        "abandoned",
        "resolved",
        "category",
        "is_demo",
        "import_batch_id",
        "content_hash",
        "reopens",
        "case_contacts",
        "seen_unanswered_at",
    ],
    "organisation_settings": ["key", "value", "updated_at"],
    "owner_roster": ["id", "changed_at"],
    "password_checks": ["id", "email", "client", "checked_at"],
    "policy_versions": [
        "version",
        "title",
        "effective_from",
        "checksum",
        "source_file",
        "content",
        "recorded_at",
    ],
    "schema_migrations": ["version", "name", "applied_at"],
    "sign_in_clears": ["email", "through_check_id", "reason", "cleared_by", "cleared_at"],
    "sign_in_sessions": [
        "token_sha256",
        "staff_id",
        "client",
        "created_at",
        "last_seen_at",
        "expires_at",
        "ended_at",
        "ended_why",
    ],
    "staff": [
        "id",
        "name",
        "email",
        "team_id",
        "role",
        "active",
        "password_hash",
        "is_demo",
        "created_at",
    ],
    "teams": ["id", "name", "is_demo", "created_at"],
    "contact_days": [
        "day",
        "agent_id",
        "team_id",
        "channel",
        "offered",
        "answered",
        "abandoned",
        "handled",
        "resolved",
        "first_contact_resolved",
        "ratings",
        "good_ratings",
        "ratings_1_5",
        "rating_1_5_sum",
    ],
    "contact_days_pending": ["day"],
    "contact_waits": ["queued_at", "agent_id", "team_id", "channel", "wait_s"],
    "contact_unanswered": ["queued_at", "agent_id", "team_id", "channel", "unanswered_s"],
    "certificates": [
        "code",
        "attempt_id",
        "staff_id",
        "staff_name",
        "module_id",
        "module_title",
        "module_version",
        "policy_version",
        "score",
        "pass_mark",
        "issued_at",
        "is_demo",
    ],
    "policy_acknowledgements": [
        "staff_id",
        "policy_version",
        "typed_name",
        "acknowledged_at",
        "is_demo",
    ],
    "training_answers": [
        "attempt_id",
        "step_id",
        "step_kind",
        "answer",
        "answer_text",
        "credit",
        "points",
        "answered_at",
    ],
    "training_attempts": [
        "id",
        "staff_id",
        "module_id",
        "module_version",
        "module_title",
        "policy_version",
        "attempt_number",
        "plan",
        "position",
        "started_at",
        "last_active_at",
        "completed_at",
        "time_spent_s",
        "points",
        "max_points",
        "score",
        "pass_mark",
        "passed",
        "is_demo",
    ],
}


def test_a_blank_database_migrates_to_the_pinned_schema(tmp_path: Path) -> None:
    db = open_database(tmp_path / "blank.duckdb")
    assert table_columns(db) == EXPECTED_COLUMNS
    applied = db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert applied == [(m.version, m.name) for m in migrations()]


def test_migrating_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.duckdb"
    open_database(path).close()
    db = open_database(path)
    assert migrate(db) == []
    assert table_columns(db) == EXPECTED_COLUMNS


def test_migrations_are_numbered_one_to_n_without_a_gap() -> None:
    numbers = [m.version for m in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
