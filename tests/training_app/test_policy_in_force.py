"""Every page quotes and judges by the store's policy in force: a version published while the app
runs is what the next rerun shows, without a restart."""

from __future__ import annotations

from pathlib import Path

from metrics.organisation import mark_published, save_policy_draft
from metrics.people import Viewer
from metrics.store import open_database, transaction
from modules.policy import DEFAULT_POLICY_PATH
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts


def test_a_published_version_is_quoted_at_the_next_rerun(
    demo_db_path: Path, viewers: dict[str, Viewer]
) -> None:
    at = app_as(viewers["agent"]).run()
    assert "answer the phone within 30 seconds" in texts(at)

    db = open_database(demo_db_path)
    try:
        text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
        faster = text.replace("answer_within_s: 30", "answer_within_s: 20")
        draft = save_policy_draft(db, faster, kind="major", source="test", created_by=None)
        with transaction(db) as cur:
            mark_published(cur, draft.version)
    finally:
        db.close()

    at.run()  # the same session, the same process: nothing restarted
    assert not at.exception
    page = texts(at)
    assert "answer the phone within 20 seconds" in page
    assert "answer the phone within 30 seconds" not in page
    at.switch_page("app_pages/policy.py").run()
    assert "version 2" in " ".join(caption.value for caption in at.caption)
