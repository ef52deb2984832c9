from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from metrics.organisation import (
    PolicyVersionConflict,
    get_setting,
    record_policy_version,
    set_setting,
)
from modules.policy import DEFAULT_POLICY_PATH, load_policy


def test_a_policy_version_is_recorded_once(db: duckdb.DuckDBPyConnection) -> None:
    loaded = load_policy(DEFAULT_POLICY_PATH)
    first = record_policy_version(db, loaded)
    again = record_policy_version(db, loaded)
    assert first == again
    assert (first.version, first.checksum) == (loaded.policy.version, loaded.checksum)
    assert db.execute("SELECT count(*) FROM policy_versions").fetchone() == (1,)


def test_changed_text_under_the_same_version_is_refused(
    db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    record_policy_version(db, load_policy(DEFAULT_POLICY_PATH))
    edited = tmp_path / "policy.yaml"
    shutil.copyfile(DEFAULT_POLICY_PATH, edited)
    edited.write_text(edited.read_text().replace("answer_within_s: 30", "answer_within_s: 20"))
    with pytest.raises(PolicyVersionConflict, match="Raise `version`"):
        record_policy_version(db, load_policy(edited))

    edited.write_text(edited.read_text().replace("version: 1\n", "version: 2\n", 1))
    assert record_policy_version(db, load_policy(edited)).version == 2


def test_settings_are_upserted(db: duckdb.DuckDBPyConnection) -> None:
    assert get_setting(db, "organisation_name") is None
    set_setting(db, "organisation_name", "Lumen")
    set_setting(db, "organisation_name", "Lumen Home Goods")
    assert get_setting(db, "organisation_name") == "Lumen Home Goods"
