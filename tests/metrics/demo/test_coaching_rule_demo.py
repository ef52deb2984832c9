"""The demo turns the coaching rule on for the team of the supervisor who signs in, so the demo
shows plans proposed from its generated contacts; removing the demo takes the rule with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.coaching.proposals import DEFAULT_WINDOW_DAYS, proposals, team_rules
from metrics.demo.generate import remove_demo
from metrics.demo.people import DEMO_ACCOUNTS
from metrics.people import Viewer
from metrics.store import open_database
from modules.content import load_modules
from modules.policy import load_policy


def test_the_demo_supervisors_team_has_its_rule_on_and_is_proposed_plans(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-20T12:00:00+00:00")  # the small demo's last day
    policy = load_policy().policy
    modules = [loaded.module for loaded in load_modules(policy)]
    db = open_database(demo_db_path)
    try:
        (team,) = db.execute(
            "SELECT t.name FROM staff s JOIN teams t ON t.id = s.team_id WHERE s.email = ?",
            [DEMO_ACCOUNTS["supervisor"]],
        ).fetchone()  # type: ignore[misc]
        rules = {rule.team: rule.window_days for rule in team_rules(db, Viewer.local_admin())}
        assert rules.pop(team) == DEFAULT_WINDOW_DAYS
        assert set(rules.values()) == {None}  # the other teams' rules are off
        found = proposals(db, Viewer.local_admin(), policy, modules)
        assert found and {proposal.team for proposal in found} == {team}
        remove_demo(db)
        assert db.execute("SELECT count(*) FROM team_coaching_rules").fetchone() == (0,)
    finally:
        db.close()
