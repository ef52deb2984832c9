"""The policy's minimum of agents for Training impact: an optional field with a default, so the
shipped policy (pinned byte for byte in test_policy.py) leaves it out and reads 5."""

from __future__ import annotations

from pathlib import Path

from modules.policy import DEFAULT_POLICY_PATH, load_policy
from tests.modules.test_policy import issues_of, write_policy


def test_five_trained_agents_unless_the_policy_says(tmp_path: Path) -> None:
    assert "min_agents_for_impact" not in DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    assert load_policy(DEFAULT_POLICY_PATH).policy.training.min_agents_for_impact == 5
    eight = write_policy(tmp_path, lambda d: d["training"].update(min_agents_for_impact=8))
    assert load_policy(eight).policy.training.min_agents_for_impact == 8
    # One agent cannot be resampled: the bootstrap over agents needs two.
    one = write_policy(tmp_path, lambda d: d["training"].update(min_agents_for_impact=1))
    assert issues_of(one) == [
        ("training.min_agents_for_impact", "Input should be greater than or equal to 2")
    ]
