"""The demo's kudos: a few per team, most passing on a positive comment of the supervisor's own
team, every one marked demo, and all gone with the demo."""

from __future__ import annotations

from pathlib import Path

from metrics.contacts.ratings import GOOD_RATING
from metrics.demo.generate import generate_demo, remove_demo
from metrics.demo.kudos import KUDOS_PER_TEAM
from metrics.demo.people import TEAM_NAMES
from metrics.store import open_database
from modules.policy import Policy
from tests.metrics.demo.test_generate import AGENTS, DAYS, UNTIL


def test_demo_kudos_pass_on_good_comments_of_the_givers_team(
    tmp_path: Path, policy: Policy
) -> None:
    db = open_database(tmp_path / "t.duckdb")
    generate_demo(db, policy, seed=42, agents=AGENTS, days=DAYS, until=UNTIL)
    total, from_comments, demo, shared = db.execute(
        "SELECT count(*), count(feedback_id), count(*) FILTER (WHERE is_demo),"
        " count(*) FILTER (WHERE shared_with_team) FROM kudos"
    ).fetchone()
    assert total == len(TEAM_NAMES) * KUDOS_PER_TEAM == demo
    assert from_comments == len(TEAM_NAMES) * (KUDOS_PER_TEAM - 1)
    assert shared == len(TEAM_NAMES)
    wrong = db.execute(
        "SELECT count(*) FROM kudos k JOIN staff g ON g.id = k.given_by"
        " JOIN staff a ON a.id = k.agent_id"
        " LEFT JOIN feedback f ON f.id = k.feedback_id"
        " LEFT JOIN interactions i ON i.id = f.interaction_id"
        f" WHERE g.role <> 'supervisor' OR g.team_id <> a.team_id OR a.role <> 'agent'"
        f" OR (k.feedback_id IS NOT NULL AND (i.agent_id <> k.agent_id OR NOT {GOOD_RATING}))"
    ).fetchone()
    assert wrong == (0,)
    remove_demo(db)
    assert db.execute("SELECT count(*) FROM kudos").fetchone() == (0,)
