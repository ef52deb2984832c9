"""Recognition and coaching lists on per-agent frames written out by hand: every value, low and
high below is chosen here, so each expected order and sum can be checked by eye.

Targets (default policy): service level 0.80, resolution 0.75, CSAT 0.85.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.performance.recognition import coaching_candidates, most_improved, top_performers
from modules.policy import Policy, load_policy

METRICS = ("service_level", "resolution_rate", "csat")


@pytest.fixture
def policy() -> Policy:
    return load_policy().policy


def agent(
    agent_id: int, name: str, handled: int, rates: tuple[float, float, float], width: float = 0.05
) -> dict[str, object]:
    """One row as agent_metrics returns it; each interval is rate ± width; statuses by the
    targets, `insufficient` under 30 handled contacts (the default minimum)."""
    targets = {"service_level": 0.80, "resolution_rate": 0.75, "csat": 0.85}
    row: dict[str, object] = {
        "agent_id": agent_id,
        "name": name,
        "team": "A",
        "handled": handled,
        "ratings": handled // 4,
    }
    below = False
    for metric, rate in zip(METRICS, rates, strict=True):
        row[metric] = rate
        row[f"{metric}_low"] = rate - width
        row[f"{metric}_high"] = rate + width
        if handled < 30:
            row[f"status_{metric}"] = "insufficient"
        else:
            row[f"status_{metric}"] = "meets" if rate >= targets[metric] else "below"
            below |= rate < targets[metric]
    row["status"] = "insufficient" if handled < 30 else "below" if below else "meets"
    return row


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_top_performers_meet_every_standard_ranked_by_their_lower_bounds(policy) -> None:
    agents = frame(
        agent(1, "Ana", 200, (0.90, 0.85, 0.95)),  # lows .85 .80 .90: margin .05+.05+.05 = .15
        agent(2, "Ben", 40, (0.95, 0.90, 0.99), width=0.15),  # lows .80 .75 .84: margin −.01
        agent(3, "Cem", 300, (0.86, 0.80, 0.90)),  # lows .81 .75 .85: margin .01
        agent(4, "Dan", 300, (0.95, 0.95, 0.80)),  # CSAT below: not a top performer
        agent(5, "Eva", 10, (1.0, 1.0, 1.0)),  # 10 contacts: never ranked
    )
    top = top_performers(agents, policy)
    assert list(top["name"]) == ["Ana", "Cem", "Ben"]
    assert list(top["margin"]) == pytest.approx([0.15, 0.01, -0.01])
    assert list(top_performers(agents, policy, limit=1)["name"]) == ["Ana"]


def test_most_improved_counts_only_agents_judged_in_both_periods(policy) -> None:
    now = frame(
        agent(1, "Ana", 100, (0.90, 0.80, 0.90)),
        agent(2, "Ben", 100, (0.85, 0.85, 0.85)),
        agent(3, "Cem", 100, (0.99, 0.99, 0.99)),  # judged now, too few before
        agent(4, "Dan", 100, (0.70, 0.70, 0.70)),  # fell back
        agent(5, "Eva", 20, (0.99, 0.99, 0.99)),  # too few now
    )
    before = frame(
        agent(1, "Ana", 100, (0.80, 0.80, 0.80)),  # +.10 +0 +.10 = +.20
        agent(2, "Ben", 100, (0.80, 0.70, 0.84)),  # +.05 +.15 +.01 = +.21
        agent(3, "Cem", 20, (0.50, 0.50, 0.50)),
        agent(4, "Dan", 100, (0.80, 0.80, 0.80)),
        agent(5, "Eva", 100, (0.50, 0.50, 0.50)),
    )
    improved = most_improved(now, before, policy)
    assert list(improved["name"]) == ["Ben", "Ana"]
    assert list(improved["improvement"]) == pytest.approx([0.21, 0.20])
    assert list(improved["most_improved_metric"]) == ["Resolution", "Service level"]
    assert improved.loc[0, "resolution_rate_change"] == pytest.approx(0.15)
    assert list(improved["handled_before"]) == [100, 100]


def test_a_missing_rate_leaves_its_change_out(policy) -> None:
    now = frame(agent(1, "Ana", 100, (0.90, 0.80, float("nan"))))
    before = frame(agent(1, "Ana", 100, (0.80, 0.80, 0.80)))
    [row] = most_improved(now, before, policy).to_dict("records")
    assert row["improvement"] == pytest.approx(0.10)


def test_coaching_candidates_are_judged_agents_below_a_target(policy) -> None:
    agents = frame(
        agent(1, "Ana", 100, (0.70, 0.80, 0.90)),  # SL short by .10, interval .65–.75: clear
        agent(2, "Ben", 100, (0.78, 0.60, 0.90), width=0.10),  # SL .68–.88 not clear; res clear
        agent(3, "Cem", 100, (0.90, 0.90, 0.90)),  # meets everything
        agent(4, "Dan", 12, (0.10, 0.10, 0.10)),  # too few contacts: never flagged
    )
    candidates = coaching_candidates(agents, policy)
    assert list(zip(candidates["name"], candidates["metric"], strict=True)) == [
        ("Ben", "Resolution"),  # clear, short by .15
        ("Ana", "Service level"),  # clear, short by .10
        ("Ben", "Service level"),  # not clear, short by .02
    ]
    assert list(candidates["clearly_below"]) == [True, True, False]
    assert list(candidates["gap"]) == pytest.approx([0.15, 0.10, 0.02])
    assert list(candidates["n"]) == [100, 100, 100]
    assert coaching_candidates(frame(agent(3, "Cem", 100, (0.9, 0.9, 0.9))), policy).empty


def test_no_coaching_candidates_is_an_empty_list_of_the_same_columns(policy) -> None:
    # Nobody below target: the page counts distinct agents, and the clear ones among them, in
    # the list it gets, so an empty list must still be one with its columns and types.
    candidates = coaching_candidates(frame(agent(3, "Cem", 100, (0.9, 0.9, 0.9))), policy)
    assert list(candidates.columns) == [
        "agent_id",
        "name",
        "team",
        "handled",
        "metric",
        "value",
        "target",
        "n",
        "low",
        "high",
        "gap",
        "clearly_below",
    ]
    assert candidates["clearly_below"].dtype == bool
    assert candidates[candidates["clearly_below"]]["agent_id"].nunique() == 0
    assert candidates.drop_duplicates("agent_id").empty
