"""The first start: an empty store gets the demo, unless the organisation said no demo."""

from __future__ import annotations

from pathlib import Path

from metrics.organisation import NO_DEMO_SETTING, set_setting
from metrics.people import staff_count
from metrics.store import open_database
from modules.policy import load_policy
from training_app.startup import open_app_store


def test_a_store_that_asked_for_no_demo_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "academy.duckdb"
    db = open_database(path)
    set_setting(db, NO_DEMO_SETTING, "true")
    db.close()
    store = open_app_store(path, load_policy())
    assert store.demo_created is None
    assert staff_count(store.db) == 0
