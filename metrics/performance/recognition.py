"""Who to recognise and who to coach, read off the per-agent numbers of `agent_metrics`.

The rule that runs through all of it: an agent with fewer handled contacts than the policy's
minimum (status `insufficient`) is never ranked, praised or flagged, in either period. Rankings
use the lower end of each rate's 95% Wilson interval, so a long record of good service ranks
above a short lucky streak.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.performance.agents import JUDGED, targets
from modules.policy import Policy

METRIC_LABELS = {
    "service_level": "Service level",
    "resolution_rate": "Resolution",
    "csat": "CSAT",
}
DENOMINATORS = {"service_level": "handled", "resolution_rate": "handled", "csat": "ratings"}


def top_performers(agents: pd.DataFrame, policy: Policy, limit: int = 5) -> pd.DataFrame:
    """Agents who meet every judged standard (service level, resolution and CSAT all `meets`),
    best first.

    Ranked by `margin`: the sum over the three metrics of (lower end of the 95% interval −
    target), in fractions. Columns: agent_id, name, team, handled, ratings, the three rates and
    margin. At most `limit` rows.
    """
    policy_targets = targets(policy)
    meets_all = np.logical_and.reduce(
        [agents[f"status_{metric}"] == "meets" for metric in policy_targets]
    )
    chosen = agents[meets_all].copy()
    chosen["margin"] = sum(
        chosen[f"{metric}_low"] - target for metric, target in policy_targets.items()
    )
    columns = ["agent_id", "name", "team", "handled", "ratings", *policy_targets, "margin"]
    return (
        chosen.sort_values(["margin", "handled"], ascending=[False, False])
        .head(limit)[columns]
        .reset_index(drop=True)
    )


def most_improved(
    now: pd.DataFrame, before: pd.DataFrame, policy: Policy, limit: int = 5
) -> pd.DataFrame:
    """Agents whose numbers rose most from the previous period to this one.

    Only agents judged (at least the minimum of handled contacts) in both periods. For each
    judged metric, change = rate now − rate before (in fractions; left out when either side
    has no rate). `improvement` is the sum of the changes; agents whose sum is not above zero
    are not listed. Columns: agent_id, name, team, handled, handled_before, `<metric>` and
    `<metric>_change` for each metric, improvement, and `most_improved_metric` (the metric with
    the largest rise). Best first, at most `limit` rows.
    """
    judged_now = now[now["status"] != "insufficient"]
    judged_before = before[before["status"] != "insufficient"]
    both = judged_now.merge(
        judged_before[["agent_id", "handled", *JUDGED]],
        on="agent_id",
        suffixes=("", "_before"),
    )
    changes = [f"{metric}_change" for metric in JUDGED]
    for metric in JUDGED:
        both[f"{metric}_change"] = both[metric] - both[f"{metric}_before"]
    both["improvement"] = both[changes].sum(axis=1, skipna=True)
    both = both[both["improvement"] > 0].copy()
    labels = {f"{metric}_change": METRIC_LABELS[metric] for metric in JUDGED}
    both["most_improved_metric"] = both[changes].idxmax(axis=1).map(labels)
    columns = ["agent_id", "name", "team", "handled", "handled_before"]
    for metric in JUDGED:
        columns += [metric, f"{metric}_change"]
    columns += ["improvement", "most_improved_metric"]
    return (
        both.sort_values(["improvement", "handled"], ascending=[False, False])
        .head(limit)[columns]
        .reset_index(drop=True)
    )


CANDIDATE_COLUMNS = {
    "agent_id": "int64",
    "name": "object",
    "team": "object",
    "handled": "int64",
    "metric": "object",
    "value": "float64",
    "target": "float64",
    "n": "int64",
    "low": "float64",
    "high": "float64",
    "gap": "float64",
    "clearly_below": "bool",
    "clear_by": "float64",
    "other_gaps": "object",
}


def coaching_candidates(agents: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per agent with enough data who is below at least one of the policy's targets.

    For each metric an agent is below on: gap = target − value; `clearly_below` when the whole
    95% interval lies under the target (chance alone is then an unlikely explanation); and
    clear_by = target − the interval's top (above zero exactly when clearly below).

    The row names the agent's main gap: their largest clear gap, or their largest gap if none
    is clear, with its metric (label), value, target, n (the rate's denominator), low and high,
    gap and clearly_below. `other_gaps` lists the agent's other metrics below target, each
    {metric, gap, clearly_below, clear_by}, the clearest first. The row's `clear_by` is the
    agent's largest over all their gaps: how clearly they are below anything. Rows are sorted
    by it, the clearest first (so every clearly-below agent comes before the others).
    """
    policy_targets = targets(policy)
    rows = []
    for record in agents.to_dict("records"):
        if record["status"] == "insufficient":
            continue
        gaps = [
            {
                "metric": METRIC_LABELS[metric],
                "value": record[metric],
                "target": target,
                "n": record[DENOMINATORS[metric]],
                "low": record[f"{metric}_low"],
                "high": record[f"{metric}_high"],
                "gap": target - record[metric],
                "clearly_below": bool(record[f"{metric}_high"] < target),
                "clear_by": target - record[f"{metric}_high"],
            }
            for metric, target in policy_targets.items()
            if record[f"status_{metric}"] == "below"
        ]
        if not gaps:
            continue
        main = max(gaps, key=lambda gap: (gap["clearly_below"], gap["gap"]))
        others = sorted((gap for gap in gaps if gap is not main), key=lambda gap: -gap["clear_by"])
        rows.append(
            {
                "agent_id": record["agent_id"],
                "name": record["name"],
                "team": record["team"],
                "handled": record["handled"],
                **{key: value for key, value in main.items() if key != "clear_by"},
                "clear_by": max(gap["clear_by"] for gap in gaps),
                "other_gaps": [
                    {key: gap[key] for key in ("metric", "gap", "clearly_below", "clear_by")}
                    for gap in others
                ],
            }
        )
    # Typed columns, so that a list with nobody on it still reads like one with somebody.
    frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS)).astype(CANDIDATE_COLUMNS)
    return frame.sort_values(["clear_by", "gap"], ascending=[False, False]).reset_index(drop=True)
