"""The demo's coaching rule (issue 14, item 2): the team of the supervisor who signs in has its
rule on, so the Coaching candidates page shows plans proposed from the generated contacts.

Nothing else is made up here: who is proposed follows from the generated traffic (some agents
are weak by construction, metrics/demo/people.py) judged by the same rule as real data.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from metrics.coaching.proposals import DEFAULT_WINDOW_DAYS
from metrics.demo.people import DEMO_ACCOUNTS


def insert_coaching_rule(cur: duckdb.DuckDBPyConnection, at: datetime) -> None:
    """Turn the rule on for the demo supervisor's team, as set by that supervisor."""
    row = cur.execute(
        "SELECT id, team_id FROM staff WHERE email = ? AND is_demo", [DEMO_ACCOUNTS["supervisor"]]
    ).fetchone()
    if row is None or row[1] is None:
        return
    cur.execute(
        "INSERT INTO team_coaching_rules (team_id, window_days, set_by, set_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (team_id) DO NOTHING",
        [row[1], DEFAULT_WINDOW_DAYS, row[0], at],
    )


def forget_gone_rules(cur: duckdb.DuckDBPyConnection) -> None:
    """After the demo is removed: the rules of teams that are gone, and the proposals set aside
    for agents who are gone."""
    cur.execute("DELETE FROM team_coaching_rules WHERE team_id NOT IN (SELECT id FROM teams)")
    cur.execute(
        "DELETE FROM coaching_proposal_dismissals WHERE agent_id NOT IN (SELECT id FROM staff)"
    )
