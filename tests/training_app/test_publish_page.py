"""Publishing from the Policy versions page (its button calls `publish_policy`): the next run of
every page has the new version in force, and the demo agent's My training has the policy module
due again with its reason."""

from __future__ import annotations

from pathlib import Path

from metrics.organisation import ensure_policy_in_force, list_policy_versions, save_policy_draft
from metrics.store import open_database
from modules.policy import load_policy
from tests.training_app.apptest import app_as


def test_an_owner_publishes_a_major_version_from_the_page_and_the_agent_sees_it_due_again(
    viewers, demo_db_path: Path
) -> None:
    db = open_database(demo_db_path)
    try:
        ensure_policy_in_force(db, load_policy())  # as the app's first start does
        text = load_policy().text.replace("answer_within_s: 30", "answer_within_s: 20", 1)
        save_policy_draft(db, text, kind="major", source="test", created_by=None)
        (active,) = db.execute("SELECT count(*) FROM staff WHERE active").fetchone()
    finally:
        db.close()
    owner = app_as(viewers["owner"]).run()
    owner.switch_page("app_pages/policy_versions.py").run()
    assert not owner.exception
    publish = next(b for b in owner.button if b.label.startswith("Publish version 2"))
    publish.click().run()
    assert not owner.exception
    # Everyone active is assigned the signature and the policy module (it quotes the phone's
    # answer time); Handling complaints quotes only the phone's procedure.
    assert owner.success[0].value == (
        f"Version 2 (major) is in force: {2 * active:d} assignments made, 0 acknowledgements "
        "kept, 1 module due again."
    )
    db = open_database(demo_db_path)
    try:
        assert [(v.version, v.status) for v in list_policy_versions(db)] == [
            (1, "retired"),
            (2, "published"),
        ]
    finally:
        db.close()

    agent = app_as(viewers["agent"]).run()
    agent.switch_page("app_pages/my_training.py").run()
    assert not agent.exception
    reasons = [info.value for info in agent.info]
    assert "A new policy version: due again: quotes the phone standard, 30 s → 20 s" in [
        reason.replace("\\", "") for reason in reasons
    ]
