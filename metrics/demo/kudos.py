"""A few demo kudos: each demo team's supervisor thanks some of their agents, passing on
customers' positive comments for most of them. Generated (seeded), `is_demo`, so they are
removed with the demo and never mistaken for a real supervisor's words."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import duckdb

from metrics.contacts.ratings import GOOD_RATING

# Enough to show kudos on an agent's Home and on the agent page, not a flood.
KUDOS_PER_TEAM = 3
PLAIN_REASONS = (
    "Stayed calm and kind with a customer who was upset, and solved it on the call.",
    "Helped a new colleague through their first complaint.",
    "Closed every follow-up on time this month.",
)
# A supervisor reads the comment a little after it arrives.
PASSED_ON_AFTER = timedelta(hours=20)


def insert_kudos(cur: duckdb.DuckDBPyConnection, rng: random.Random, horizon: datetime) -> int:
    """Kudos from each demo supervisor to agents of their team, none after `horizon`: the first
    two from the team's latest positive comments (the comment as the reason), the last a plain
    reason shared with the team. Returns how many."""
    supervisors = cur.execute(
        "SELECT id, team_id FROM staff WHERE is_demo AND role = 'supervisor' AND team_id IS NOT"
        " NULL ORDER BY id"
    ).fetchall()
    inserted = 0
    for supervisor_id, team_id in supervisors:
        comments = cur.execute(
            f"SELECT f.id, i.agent_id, f.comment, f.received_at FROM feedback f"
            f" JOIN interactions i ON i.id = f.interaction_id JOIN staff s ON s.id = i.agent_id"
            f" WHERE f.is_demo AND {GOOD_RATING} AND length(trim(coalesce(f.comment, ''))) > 0"
            " AND s.team_id = ? AND s.role = 'agent' AND f.received_at <= ?"
            " ORDER BY f.received_at DESC, f.id DESC LIMIT ?",
            [team_id, horizon - PASSED_ON_AFTER, KUDOS_PER_TEAM - 1],
        ).fetchall()
        for feedback_id, agent_id, comment, received_at in comments:
            cur.execute(
                "INSERT INTO kudos (agent_id, given_by, given_at, reason, feedback_id,"
                " shared_with_team, is_demo) VALUES (?, ?, ?, ?, ?, false, true)",
                [
                    agent_id,
                    supervisor_id,
                    received_at + PASSED_ON_AFTER,
                    f"A customer wrote: “{comment.strip()}”",
                    feedback_id,
                ],
            )
            inserted += 1
        agents = [
            agent_id
            for (agent_id,) in cur.execute(
                "SELECT id FROM staff WHERE is_demo AND role = 'agent' AND team_id = ? ORDER BY id",
                [team_id],
            ).fetchall()
        ]
        if agents:
            cur.execute(
                "INSERT INTO kudos (agent_id, given_by, given_at, reason, shared_with_team,"
                " is_demo) VALUES (?, ?, ?, ?, true, true)",
                [
                    rng.choice(agents),
                    supervisor_id,
                    horizon - timedelta(days=2),
                    rng.choice(PLAIN_REASONS),
                ],
            )
            inserted += 1
    return inserted


def remove_kudos(cur: duckdb.DuckDBPyConnection) -> None:
    """The demo's kudos, and any kudos passing on a demo comment (its comment is going)."""
    cur.execute(
        "DELETE FROM kudos WHERE is_demo OR feedback_id IN (SELECT id FROM feedback WHERE is_demo)"
    )
