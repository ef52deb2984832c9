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


def test_coaching_candidates_are_one_row_per_agent_the_clearest_first(policy) -> None:
    agents = frame(
        # SL short by .10, interval .66–.74: clearly, its top .06 under the target.
        agent(1, "Ana", 100, (0.70, 0.80, 0.90), width=0.04),
        # SL short by .02 (.68–.88: possibly chance); resolution by .15 (.50–.70: clearly, .05).
        agent(2, "Ben", 100, (0.78, 0.60, 0.90), width=0.10),
        agent(3, "Cem", 100, (0.90, 0.90, 0.90)),  # meets everything
        agent(4, "Dan", 12, (0.10, 0.10, 0.10)),  # too few contacts: never flagged
        # All below, none clearly: resolution by .03 (.67–.77), CSAT by .02 (.78–.88, top .03
        # over), SL by .01 (.74–.84, top .04 over).
        agent(5, "Eve", 100, (0.79, 0.72, 0.83)),
        # SL by .20 (.57–.63, .17 clear), CSAT by .07 (.75–.81, .04), resolution by .05
        # (.67–.73, .02): three clear gaps, the largest first.
        agent(6, "Fay", 200, (0.60, 0.70, 0.78), width=0.03),
    )
    candidates = coaching_candidates(agents, policy)
    assert list(candidates["name"]) == ["Fay", "Ana", "Ben", "Eve"]  # by how clearly below
    assert list(candidates["metric"]) == [
        "Service level",
        "Service level",
        "Resolution",
        "Resolution",
    ]
    assert list(candidates["gap"]) == pytest.approx([0.20, 0.10, 0.15, 0.03])
    assert list(candidates["clearly_below"]) == [True, True, True, False]
    assert list(candidates["clear_by"]) == pytest.approx([0.17, 0.06, 0.05, -0.02])
    assert list(candidates["n"]) == [200, 100, 100, 100]
    others = [
        [(gap["metric"], round(gap["gap"], 6), gap["clearly_below"]) for gap in row]
        for row in candidates["other_gaps"]
    ]
    assert others == [
        [("CSAT", 0.07, True), ("Resolution", 0.05, True)],
        [],
        [("Service level", 0.02, False)],
        [("CSAT", 0.02, False), ("Service level", 0.01, False)],
    ]
    assert coaching_candidates(frame(agent(3, "Cem", 100, (0.9, 0.9, 0.9))), policy).empty


def test_no_coaching_candidates_is_an_empty_list_of_the_same_columns(policy) -> None:
    # Nobody below target: the page counts the agents, and the clear ones among them, in the
    # list it gets, so an empty list must still be one with its columns and types.
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
        "clear_by",
        "other_gaps",
    ]
    assert candidates["clearly_below"].dtype == bool
    assert not candidates["clearly_below"].any()
