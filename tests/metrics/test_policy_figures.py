"""The store keeps the figures of the policy version in force (`metrics/policy_figures.py`) in
the transaction that puts a version in force, and says so only while they are that version's."""

from __future__ import annotations

import duckdb

from metrics import organisation
from metrics.policy_figures import FIGURES_SETTING, kept_figures_in_force
from metrics.store import transaction
from modules.policy import load_policy, parse_policy
from modules.policy_figures import PolicyFigures
from tests.modules.test_policy_figures import changed_text


def test_a_new_store_keeps_the_figures_of_the_version_it_starts_from(
    db: duckdb.DuckDBPyConnection,
) -> None:
    assert kept_figures_in_force(db) is None  # no version in force yet
    loaded = load_policy()
    organisation.ensure_policy_in_force(db, loaded)
    assert kept_figures_in_force(db) == PolicyFigures.of(loaded.policy)


def test_publishing_a_version_keeps_its_figures(db: duckdb.DuckDBPyConnection) -> None:
    organisation.ensure_policy_in_force(db, load_policy())
    draft = organisation.save_policy_draft(
        db, changed_text(), kind="major", source="changed.yaml", created_by=None
    )
    assert draft.version == 2
    # Saved, not in force: the figures kept are still version 1's.
    assert kept_figures_in_force(db) == PolicyFigures.of(load_policy().policy)
    with transaction(db) as cur:
        organisation.mark_published(cur, draft.version)
    kept = kept_figures_in_force(db)
    stored = organisation.policy_in_force(db).policy  # the version's text, validated
    assert kept == PolicyFigures.of(stored)
    assert kept is not None and kept.version == 2
    assert kept.standards.channel("chat").answer_within_s == 90  # as changed_text() says
    assert kept.business_hours.timezone == "America/New_York"


def test_figures_of_another_version_are_not_taken_for_the_version_in_force(
    db: duckdb.DuckDBPyConnection,
) -> None:
    organisation.ensure_policy_in_force(db, load_policy())
    other = PolicyFigures.of(parse_policy(changed_text(), "changed.yaml").policy)  # version 7
    db.execute(
        "UPDATE organisation_settings SET value = ? WHERE key = ?",
        [other.to_json(), FIGURES_SETTING],
    )
    assert kept_figures_in_force(db) is None


def test_a_store_whose_version_was_in_force_before_gets_them_at_the_next_start(
    db: duckdb.DuckDBPyConnection,
) -> None:
    loaded = load_policy()
    organisation.ensure_policy_in_force(db, loaded)
    db.execute("DELETE FROM organisation_settings WHERE key = ?", [FIGURES_SETTING])
    assert kept_figures_in_force(db) is None
    organisation.ensure_policy_in_force(db, loaded)  # as the app's start does
    assert kept_figures_in_force(db) == PolicyFigures.of(loaded.policy)
