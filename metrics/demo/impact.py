"""The demo's visible training effect (issue 14, item 4), so that the Training impact page has
something to show. It is generated, not evidence of anything: the demo was made this way.

After the training history is written, agents who passed `IMPACT_MODULE` get, in the contacts
queued from the local day after their first pass on: `RESOLVED_SHARE` of the contacts they
handled and left unresolved resolved after all (as if the module's steps made them own the
customer's problem), and `BETTER_RATING_SHARE` of their low ratings without a comment raised to
the best (a comment, written for its rating, is left with it). Agents not trained yet, and
every contact before a pass, are left as they were, so that the difference in differences on
the demo shows the lift. Nothing else in the demo's contacts depends on training.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from metrics.contacts.ratings import GOOD_RATING
from metrics.contacts.rollups import mark_contacts_changed
from metrics.demo.contacts import HANDLE_MEDIAN_S
from metrics.store import Database
from modules.policy import CHANNELS, Policy

IMPACT_MODULE = "handling-complaints"  # the module whose effect the demo shows
# Shares that lift the trained agents' resolution and CSAT by a few points (about 5 and 4 on
# the default demo): visible beyond the noise of some 30 agents, not a miracle.
RESOLVED_SHARE = 0.30
BETTER_RATING_SHARE = 0.60

_PASSED_ON = """
    passes AS (
        SELECT staff_id, min(timezone(?, completed_at))::DATE AS passed_on
        FROM training_attempts WHERE is_demo AND passed AND module_id = ? GROUP BY staff_id
    )
"""


def _handle_s() -> tuple[str, list[object]]:
    """The channel's median handling time (the demo's own), as a CASE over `i.channel`."""
    whens = " ".join("WHEN ? THEN ?::DOUBLE" for _ in CHANNELS)
    params: list[object] = []
    for channel, seconds in zip(CHANNELS, HANDLE_MEDIAN_S, strict=True):
        params += [channel, seconds]
    return f"CASE i.channel {whens} END", params


def lift_after_training(
    cur: Database, rng: np.random.Generator, policy: Policy, horizon: datetime
) -> tuple[int, int]:
    """Apply the demo's training effect (see the module docstring) on the writer's cursor,
    inside its transaction, and mark the changed days for the rollups; the caller refreshes
    them. Returns (contacts resolved, ratings raised)."""
    zone = policy.business_hours.timezone
    handle, handle_params = _handle_s()
    unresolved = cur.execute(
        f"WITH {_PASSED_ON}"
        " SELECT i.id FROM interactions i JOIN passes p ON p.staff_id = i.agent_id"
        " WHERE i.is_demo AND i.answered_at IS NOT NULL AND NOT i.resolved"
        "   AND timezone(?, i.queued_at)::DATE > p.passed_on"
        f"   AND i.answered_at + to_seconds({handle}) < ?"
        " ORDER BY i.id",
        [zone, IMPACT_MODULE, zone, *handle_params, horizon],
    ).fetchall()
    ids = np.array([row[0] for row in unresolved], dtype=np.int64)
    resolved = ids[rng.random(len(ids)) < RESOLVED_SHARE].tolist()
    if resolved:
        mark_contacts_changed(cur, "id IN (SELECT unnest(?))", [resolved])
        cur.execute(
            f"UPDATE interactions i SET resolved = true,"
            f" resolved_at = i.answered_at + to_seconds({handle})"
            " WHERE i.id IN (SELECT unnest(?))",
            [*handle_params, resolved],
        )
    low = cur.execute(
        f"WITH {_PASSED_ON}"
        " SELECT f.id, f.interaction_id FROM feedback f"
        " JOIN interactions i ON i.id = f.interaction_id"
        " JOIN passes p ON p.staff_id = i.agent_id"
        f" WHERE f.is_demo AND f.comment IS NULL AND NOT {GOOD_RATING}"
        "   AND timezone(?, i.queued_at)::DATE > p.passed_on"
        " ORDER BY f.id",
        [zone, IMPACT_MODULE, zone],
    ).fetchall()
    chosen = rng.random(len(low)) < BETTER_RATING_SHARE
    raised = [feedback_id for (feedback_id, _), pick in zip(low, chosen, strict=True) if pick]
    contacts = [contact for (_, contact), pick in zip(low, chosen, strict=True) if pick]
    if raised:
        mark_contacts_changed(cur, "id IN (SELECT unnest(?))", [contacts])
        cur.execute(
            "UPDATE feedback SET rating = CASE scale WHEN '1-5' THEN 5 ELSE 1 END"
            " WHERE id IN (SELECT unnest(?))",
            [raised],
        )
    return len(resolved), len(raised)
