"""Daily rollups of the contacts, so the agent report need not aggregate every contact.

Two tables (migration 0005), both functions of the stored contacts alone, never of the policy:

- `contact_days`: additive counts per UTC day of `queued_at`, agent, queue team and channel
  (offered, answered, abandoned, handled, resolved, first-contact resolved, ratings, good
  ratings, and the count and sum of 1–5 ratings);
- `contact_waits`: one row per answered contact with its wait, computed exactly as the metrics
  compute it, for the wait mean and quantiles (which no sum can give) and for "within the
  standard", which is applied when reading, so that a policy change needs no rebuild; and
  (migration 0010) whether it was resolved and its ratings and good ratings, for an agent's
  weekly numbers;
- `contact_unanswered` (migration 0007): one row per unanswered, unabandoned contact seen so
  (metrics/contacts/waiting.py), with how long it had waited by then, for "still waiting or
  already missed", which is applied when reading too;
- `contact_hours` (migration 0010): additive counts per UTC hour of `queued_at`, queue team and
  channel (offered, answered, abandoned, resolved, and the ratings of answered contacts per
  value), for Team performance's queue-wide reads by local week, weekday and hour
  (metrics/performance/hours.py).

A report period is local days; for the agent report its whole UTC days are read from
`contact_days` and the hours before the first and after the last whole UTC day from
`interactions` (see metrics/performance/agents.py). In a zone whose offset is whole hours a
local day is whole UTC hours, so the queue-wide reads take it from `contact_hours` alone.

Kept exact inside every writer's transaction, with no new call for a writer of contacts that
already keeps `interactions.case_contacts` (a writer that moves a stored contact's
`seen_unanswered_at` marks it with `mark_contacts_changed` first):

- `refresh_case_contacts` and `forget_case_contacts` (metrics/contacts/case_sizes.py) mark the UTC
  days whose rows can change in `contact_days_pending`: the days of contacts inserted, of
  contacts about to be deleted, and of every contact whose case count changed (first-contact
  resolution reads it);
- `refresh_contact_rollups(cur)`, called once the contacts *and their ratings* are written
  (after `refresh_case_contacts`), counts the pending days again and empties the list.

While any day is pending (a writer did not call `refresh_contact_rollups` yet) the metrics read
`interactions` instead: still exact, only slower. A writer that changes ratings or contacts
without going through `metrics.contacts.case_sizes` calls `mark_contacts_changed` for the contacts
concerned first; after anything not marked, `refresh_contact_rollups(cur, everything=True)`.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from metrics.contacts.ratings import GOOD_RATING
from metrics.contacts.waiting import UNANSWERED_S
from metrics.store import Database

# A contact's rollup day: its queued_at's date in UTC (the store's instants). The same date as
# migration 0005's CAST(timezone('UTC', queued_at) AS DATE), from the instant's microseconds:
# no time-zone library call per contact (a tenth of a second per million contacts, twice per
# refresh).
UTC_DAY = "CAST(make_timestamp(epoch_us({column})) AS DATE)"

# The ratings of the pending days' contacts, one row per rated contact, in every form the
# rollups count them: worked out once per refresh and read by the three inserts below (each
# joining feedback to the contacts on its own took about a third of the refresh).
_RATINGS_SQL = """
    CREATE OR REPLACE TEMP TABLE rollup_ratings AS
    SELECT f.interaction_id, count(*) AS ratings,
           count(*) FILTER (WHERE {good}) AS good_ratings,
           count(*) FILTER (WHERE f.scale = '1-5') AS ratings_1_5,
           coalesce(sum(f.rating) FILTER (WHERE f.scale = '1-5'), 0) AS rating_1_5_sum,
           count(*) FILTER (WHERE f.scale = '1-5' AND f.rating = 1) AS rated_1,
           count(*) FILTER (WHERE f.scale = '1-5' AND f.rating = 2) AS rated_2,
           count(*) FILTER (WHERE f.scale = '1-5' AND f.rating = 3) AS rated_3,
           count(*) FILTER (WHERE f.scale = '1-5' AND f.rating = 4) AS rated_4,
           count(*) FILTER (WHERE f.scale = '1-5' AND f.rating = 5) AS rated_5,
           count(*) FILTER (WHERE f.scale = 'good/bad' AND f.rating = 0) AS rated_bad,
           count(*) FILTER (WHERE f.scale = 'good/bad' AND f.rating = 1) AS rated_good
    FROM feedback f SEMI JOIN (SELECT i.id FROM interactions i WHERE {where}) c
      ON c.id = f.interaction_id
    GROUP BY f.interaction_id
"""
# The rollup rows of the contacts selected by {where} over `i` (interactions), with their
# ratings from `rollup_ratings`; kept in step with migration 0005, which built the tables of a
# store migrated with contacts in it.
_DAYS_SQL = """
    INSERT INTO contact_days
    WITH period_contact AS (
        SELECT i.id, {day} AS day, i.agent_id, i.team_id, i.channel,
               i.answered_at IS NOT NULL AS answered, i.abandoned, i.resolved,
               i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL AS handled,
               i.case_contacts
        FROM interactions i WHERE {where}
    )
    SELECT c.day, c.agent_id, c.team_id, c.channel,
           count(*), count(*) FILTER (WHERE c.answered), count(*) FILTER (WHERE c.abandoned),
           count(*) FILTER (WHERE c.handled), count(*) FILTER (WHERE c.handled AND c.resolved),
           count(*) FILTER (WHERE c.handled AND c.resolved AND c.case_contacts = 1),
           coalesce(sum(r.ratings) FILTER (WHERE c.handled), 0),
           coalesce(sum(r.good_ratings) FILTER (WHERE c.handled), 0),
           coalesce(sum(r.ratings_1_5) FILTER (WHERE c.handled), 0),
           coalesce(sum(r.rating_1_5_sum) FILTER (WHERE c.handled), 0)
    FROM period_contact c LEFT JOIN rollup_ratings r ON r.interaction_id = c.id
    GROUP BY c.day, c.agent_id, c.team_id, c.channel
    ORDER BY c.agent_id, c.day
"""
# The hourly rows (kept in step with migration 0010, which built them for a store migrated
# with contacts in it): UTC hour as a TIMESTAMP from the instant's microseconds, as UTC_DAY.
UTC_HOUR = "date_trunc('hour', make_timestamp(epoch_us({column})))"
_HOURS_SQL = """
    INSERT INTO contact_hours
    WITH period_contact AS (
        SELECT i.id, {hour} AS utc_hour, i.team_id, i.channel,
               i.answered_at IS NOT NULL AS answered, i.abandoned, i.resolved
        FROM interactions i WHERE {where}
    )
    SELECT c.utc_hour, c.team_id, c.channel,
           count(*), count(*) FILTER (WHERE c.answered), count(*) FILTER (WHERE c.abandoned),
           count(*) FILTER (WHERE c.answered AND c.resolved),
           coalesce(sum(r.rated_1) FILTER (WHERE c.answered), 0),
           coalesce(sum(r.rated_2) FILTER (WHERE c.answered), 0),
           coalesce(sum(r.rated_3) FILTER (WHERE c.answered), 0),
           coalesce(sum(r.rated_4) FILTER (WHERE c.answered), 0),
           coalesce(sum(r.rated_5) FILTER (WHERE c.answered), 0),
           coalesce(sum(r.rated_bad) FILTER (WHERE c.answered), 0),
           coalesce(sum(r.rated_good) FILTER (WHERE c.answered), 0)
    FROM period_contact c LEFT JOIN rollup_ratings r ON r.interaction_id = c.id
    GROUP BY c.utc_hour, c.team_id, c.channel
    ORDER BY c.utc_hour
"""
_WAITS_SQL = """
    INSERT INTO contact_waits
    SELECT i.queued_at, i.agent_id, i.team_id, i.channel,
           epoch(i.answered_at) - epoch(i.queued_at) AS wait_s, i.resolved,
           coalesce(r.ratings, 0), coalesce(r.good_ratings, 0)
    FROM interactions i LEFT JOIN rollup_ratings r ON r.interaction_id = i.id
    WHERE i.answered_at IS NOT NULL AND {where}
    ORDER BY i.agent_id, wait_s
"""
_UNANSWERED_SQL = f"""
    INSERT INTO contact_unanswered
    SELECT i.queued_at, i.agent_id, i.team_id, i.channel, {UNANSWERED_S} AS unanswered_s
    FROM interactions i WHERE {UNANSWERED_S} IS NOT NULL AND {{where}}
    ORDER BY i.agent_id, unanswered_s
"""
# Both tables are written in agent order (grouping by agent is then ~30% quicker); the waits in
# (agent_id, wait_s) order: quantile_cont per agent over rows in that order takes
# about two thirds of its time over rows in queue order (1M contacts: ~0.036 s against ~0.055 s).
# Each refresh appends its days in that order, so a store written by many imports is in order
# import by import; `refresh_contact_rollups(cur, everything=True)` puts it all in order.


def _pending_sql(cur: Database, column: str) -> tuple[str, list[object], int]:
    """A WHERE clause over `column` (a contact's queued_at) selecting the contacts of the pending
    days, its parameters, and how many days are pending. The range of instants lets DuckDB skip
    row groups by their min/max; the days themselves are looked up only when the pending days
    have gaps (an import of a year marks every day of it: no lookup per contact)."""
    row = cur.execute("SELECT count(*), min(day), max(day) FROM contact_days_pending").fetchone()
    assert row is not None
    pending, first, last = int(row[0]), row[1], row[2]
    if not pending:
        return "false", [], 0
    start = datetime.combine(first, time(0), UTC)
    after = datetime.combine(last + timedelta(days=1), time(0), UTC)
    where = f"{column} >= ? AND {column} < ?"
    if pending < (last - first).days + 1:
        where += f" AND {UTC_DAY.format(column=column)} IN (SELECT day FROM contact_days_pending)"
    return where, [start, after], pending


def mark_contacts_changed(cur: Database, condition: str, params: list[object]) -> None:
    """Mark the days of the contacts matching `condition` (a WHERE clause over `interactions`,
    written by the caller, never from user input; values in `params`): call it before deleting
    them, or after changing them or their ratings other than through metrics.contacts.case_sizes."""
    cur.execute(
        "INSERT INTO contact_days_pending"
        f" SELECT DISTINCT {UTC_DAY.format(column='queued_at')} FROM interactions"
        f" WHERE ({condition})"
        " EXCEPT SELECT day FROM contact_days_pending",
        params,
    )


def refresh_contact_rollups(cur: Database, *, everything: bool = False) -> int:
    """Bring `contact_days`, `contact_hours`, `contact_waits` and `contact_unanswered` up to
    date; call it on the writer's cursor, inside its transaction, after the contacts and their
    ratings are written and `refresh_case_contacts` has run.
    Returns the number of days counted again.

    By default only the pending days are; with `everything`, the tables are rebuilt.
    """
    if everything:
        cur.execute("DELETE FROM contact_days_pending")
        cur.execute(
            "INSERT INTO contact_days_pending"
            f" SELECT DISTINCT {UTC_DAY.format(column='queued_at')} FROM interactions"
        )
        cur.execute("DELETE FROM contact_days")
        cur.execute("DELETE FROM contact_hours")
        cur.execute("DELETE FROM contact_waits")
        cur.execute("DELETE FROM contact_unanswered")
    where, params, pending = _pending_sql(cur, "i.queued_at")
    if not pending:
        return 0
    if not everything:
        cur.execute("DELETE FROM contact_days WHERE day IN (SELECT day FROM contact_days_pending)")
        cur.execute(
            "DELETE FROM contact_hours"
            " WHERE CAST(utc_hour AS DATE) IN (SELECT day FROM contact_days_pending)"
        )
        for table in ("contact_waits", "contact_unanswered"):
            cur.execute(f"DELETE FROM {table} AS i WHERE {where}", params)
    cur.execute(_RATINGS_SQL.format(where=where, good=GOOD_RATING), params)
    day = UTC_DAY.format(column="i.queued_at")
    cur.execute(_DAYS_SQL.format(day=day, where=where), params)
    hour = UTC_HOUR.format(column="i.queued_at")
    cur.execute(_HOURS_SQL.format(hour=hour, where=where), params)
    cur.execute(_WAITS_SQL.format(where=where), params)
    cur.execute(_UNANSWERED_SQL.format(where=where), params)
    cur.execute("DROP TABLE rollup_ratings")
    cur.execute("DELETE FROM contact_days_pending")
    return pending


def rollups_current(cur: Database) -> bool:
    """Whether the rollups hold every stored contact as it is (no day pending)."""
    row = cur.execute("SELECT NOT EXISTS (SELECT 1 FROM contact_days_pending)").fetchone()
    return bool(row and row[0])
