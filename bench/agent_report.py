"""Benchmark of the agent report on a year of generated contacts: is it near what DuckDB can do?

For each size (default 1M and 10M contacts) the script, in a fresh subprocess of its own:

1. generates a store set-wise inside DuckDB (in a further subprocess, so that the generation's
   memory does not hide the peak of the measurements): 3 teams, 200 agents, N contacts over one
   year on all four channels, ~4% abandoned, skewed waits, ~80% resolved, ~15% of cases with
   two or more contacts, ~20% of answered contacts rated on both scales; then stores each
   contact's case size and the daily rollups as every writer does (`refresh_case_contacts`,
   `refresh_contact_rollups`);
2. times `metrics.performance.agent_report` over the whole year (one warm-up run, then the best
   and median of five);
3. times the "floor", one hand-written DuckDB query for the same per-agent numbers and queue
   totals over the same stored tables the report reads (the daily rollups of
   metrics/contacts/rollups.py, and the contacts of the hours outside whole UTC days), and asserts
   it agrees with `agent_report`; and, for information, the "raw floor": one hand-written query
   over the contacts themselves, asserted equal too;
4. at 1M only, times a straightforward pandas implementation (read, then groupby/merge/quantile)
   and asserts it agrees too; and, for comparison only, the same counting every case itself.
   The floor and pandas read the stored case sizes, as the report does;
5. times whole processes, alternating, as a script or a user meets them: `academy report agents`
   over the year, against the "process floor", a Python process that imports DuckDB, opens the
   store and runs the floor query (step 3) and nothing else; and `academy --help`;
6. renders the team performance page under Streamlit's AppTest, if the page exists: in a fresh
   process, the app once, then the page over the whole year with Streamlit's caches empty (its
   imports included), then again (warm); then, every cache emptied, a new session's first
   render of the year (the first render's target: a server already running), and the page's
   reads called directly (its floor); and, in this process, the page as it opens and with the
   whole year chosen;
7. reads the process's peak resident memory.

Then it prints one table with the targets: report ≤ 1.5x floor at 10M, ≥ 10x faster than pandas
at 1M, Team performance's first render over the year < 1.0 s and its warm render ≤ 0.2 s at 10M,
peak memory < 1.5 GB, and, at 1M, `academy report agents` as a process ≤ 1.5x the process
floor and `academy --help` < 0.3 s.

Run: `.venv/bin/python bench/agent_report.py [--sizes 1000000 10000000] [--keep DIR [--reuse]]`
(`--reuse` measures the stores kept in DIR by an earlier run instead of generating them again).
The data is drawn from `hash(row * 100 + stream)` rather than `random()`: it is the same on every
run and thread count, which `setseed` + `random()` is not once DuckDB inserts in parallel.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import TypeVar

import pandas as pd
from pydantic import BaseModel

from metrics.contacts.case_sizes import cases_counted, refresh_case_contacts
from metrics.contacts.rollups import refresh_contact_rollups, rollups_current
from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.performance.agents import REPORT_AGENT_FIELDS, agent_report, json_value
from metrics.performance.period import Period, utc_days
from metrics.store import DB_ENV_VAR, Database, open_database
from modules.policy import CHANNELS, Policy, load_policy

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "training_app" / "app.py"
DASHBOARD_PAGE = "app_pages/team_performance.py"  # relative to the app's folder
PERIOD = Period(start=date(2025, 1, 1), end=date(2025, 12, 31))
DEFAULT_SIZES = [1_000_000, 10_000_000]
PANDAS_MAX_SIZE = 1_000_000  # pandas runs only at sizes up to this
REPEATS = 5
RESULT_MARK = "BENCH-RESULT "  # prefix of the JSON line a subprocess prints for its parent

TEAMS = ["Front line", "Orders and delivery", "Technical support"]
AGENTS = 200
OWNER = NewStaffMember(name="Bench Owner", email="owner@bench.example", role="owner")

# Targets
FLOOR_RATIO_MAX = 1.5  # agent_report ≤ 1.5x the floor, at the largest size
PROCESS_RATIO_MAX = 1.5  # `academy report agents` ≤ 1.5x a one-query DuckDB process, at 1M
PROCESS_SIZE = 1_000_000  # the size the whole-process targets are checked at
HELP_MAX_S = 0.3  # `academy --help` as a process
PROCESS_REPEATS = 9  # each process, alternating, after one warm-up of each
PANDAS_SPEEDUP_MIN = 10.0  # agent_report ≥ 10x faster than pandas, at 1M
FIRST_RENDER_MAX_S = 1.0  # Team performance over the year in a fresh process, at the largest size
WARM_RENDER_MAX_S = 0.2  # the same page run again, at the largest size
PEAK_MAX_MB = 1536.0  # per size, the measuring process

T = TypeVar("T")

# DuckDB 2.0's `.df()` calls a pandas 3.1 API that pandas deprecates: noise, once per query.
warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")


def load() -> str:
    """The load average: other work on the machine makes the timings slower and noisier."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Generation -------------------------------------------------------------------------------

# A uniform draw in [0, 1) for row i and stream k (0..99): the top 53 bits of DuckDB's hash of
# one integer. (Not `hash(i, k)`: that combines hash(i) and hash(k), and its streams correlate.)
UNIFORM_MACRO = (
    "CREATE OR REPLACE TEMP MACRO bench_u(i, k) AS"
    " (hash(i * 100 + k) >> 11)::DOUBLE / 9007199254740992.0"
)

# Each agent's own level: how fast they answer (a multiplier of the mean wait), how often they
# resolve, and how often customers are pleased; agents are drawn uniformly (k = 0..199).
AGENTS_SQL = """
CREATE OR REPLACE TEMP TABLE bench_agents AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id AS staff_id, team_id,
       0.6 + 0.9 * bench_u(id, 97) AS wait_factor,
       0.70 + 0.20 * bench_u(id, 98) AS resolve_p,
       0.75 + 0.20 * bench_u(id, 99) AS good_p
FROM staff WHERE role = 'agent'
"""

# Contacts in queue order (id and time grow together, as an import writes them). Channels
# 45/30/20/5%; 4% abandoned; waits exponential with a mean of 0.24-0.6x the channel's standard
# (most within it, a tail beyond); cases: 3% without a case id, 16.5% follow up a case opened
# by one of the 50 contacts before (so ~15% of cases have 2+ contacts), the rest open their own.
INTERACTIONS_SQL = """
INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id, case_id,
                          queued_at, answered_at, resolved_at, abandoned, resolved, category)
WITH standard(channel, within_s) AS (SELECT * FROM (VALUES {standards})),
draw AS (
    SELECT i,
           bench_u(i, 1) < 0.04 AS abandoned,
           floor(bench_u(i, 2) * {agents})::BIGINT AS k,
           bench_u(i, 3) AS u_channel,
           -ln(1 - bench_u(i, 4)) AS exp_wait,
           bench_u(i, 5) AS u_resolve,
           bench_u(i, 6) AS u_case,
           ['order', 'delivery', 'return', 'warranty', 'billing'][
               1 + floor(bench_u(i, 7) * 5)::INTEGER] AS category,
           $first::TIMESTAMPTZ
               + to_seconds(floor((i + bench_u(i, 8)) * $span_s / $n)::BIGINT) AS queued_at
    FROM range($n) r(i)
),
contact AS (
    SELECT d.*, a.staff_id, a.team_id, a.resolve_p,
           CASE WHEN d.u_channel < 0.45 THEN 'phone' WHEN d.u_channel < 0.75 THEN 'chat'
                WHEN d.u_channel < 0.95 THEN 'email' ELSE 'social' END AS channel,
           a.wait_factor
    FROM draw d JOIN bench_agents a USING (k)
),
timed AS (
    SELECT c.*,
           CASE WHEN NOT c.abandoned THEN c.queued_at + to_seconds(
               round(c.exp_wait * s.within_s * 0.4 * c.wait_factor)::BIGINT) END AS answered_at,
           NOT c.abandoned AND c.u_resolve < c.resolve_p AS resolved
    FROM contact c JOIN standard s USING (channel)
)
SELECT i + 1, 'bench', 'bench-' || i, channel,
       CASE WHEN NOT abandoned THEN staff_id END, team_id,
       CASE WHEN u_case < 0.03 THEN NULL
            WHEN u_case < 0.195
                THEN 'case-' || greatest(i - 1 - floor(bench_u(i, 9) * 50)::BIGINT, 0)
            ELSE 'case-' || i END,
       queued_at, answered_at,
       CASE WHEN resolved THEN answered_at + to_seconds(
           60 + floor(bench_u(i, 10) * 1800)::BIGINT) END,
       abandoned, resolved, category
FROM timed
"""

# One rating for ~20% of answered contacts, half on each scale; pleased customers with the
# agent's own probability (4 or 5 of 5, or 'good'), the rest 1-3 or 'bad'.
FEEDBACK_SQL = """
INSERT INTO feedback (id, interaction_id, rating, scale, received_at)
WITH rated AS (
    SELECT i.id, i.answered_at, a.good_p, bench_u(i.id, 12) AS u_rating,
           CASE WHEN bench_u(i.id, 13) < 0.5 THEN '1-5' ELSE 'good/bad' END AS scale
    FROM interactions i JOIN bench_agents a ON a.staff_id = i.agent_id
    WHERE i.answered_at IS NOT NULL AND bench_u(i.id, 11) < 0.20
)
SELECT id, id,
       CASE WHEN scale = 'good/bad' THEN CASE WHEN u_rating < good_p THEN 1 ELSE 0 END
            WHEN u_rating < good_p * 0.6 THEN 5
            WHEN u_rating < good_p THEN 4
            ELSE 1 + floor((u_rating - good_p) / (1 - good_p) * 3)::INTEGER END,
       scale, answered_at + to_seconds(3600 + floor(bench_u(id, 14) * 86400)::BIGINT)
FROM rated
"""

SHAPE_SQL = """
WITH cases AS (
    SELECT count(*) AS contacts FROM interactions WHERE case_id IS NOT NULL
    GROUP BY source, case_id
)
SELECT (SELECT avg(abandoned::INTEGER) FROM interactions),
       (SELECT avg(resolved::INTEGER) FILTER (WHERE answered_at IS NOT NULL) FROM interactions),
       (SELECT avg((contacts >= 2)::INTEGER) FROM cases),
       (SELECT count(*) FROM feedback)
           / (SELECT count(*) FROM interactions WHERE answered_at IS NOT NULL),
       (SELECT avg((scale = '1-5')::INTEGER) FROM feedback)
"""


class Shape(BaseModel):
    """What the generated data looks like, to check it against what was asked for."""

    abandoned: float
    resolved_of_answered: float
    cases_with_2plus: float
    rated_of_answered: float
    rated_1_5: float


class Generated(BaseModel):
    seconds: float
    peak_mb: float
    store_mb: float
    owner: Viewer
    shape: Shape


def standard_values(policy: Policy) -> str:
    """The policy's answer standards as SQL VALUES rows: ('phone', 30), ..."""
    return ", ".join(
        f"('{channel}', {policy.standards.channel(channel).answer_within_s})"
        for channel in CHANNELS
    )


def generate(path: Path, size: int, policy: Policy) -> Generated:
    """A new store at `path`: teams and staff through `metrics.people`, contacts and feedback
    set-wise inside DuckDB."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    started = time.perf_counter()
    db = open_database(path)
    try:
        for name in TEAMS:
            add_team(db, name)
        owner_id = add_staff(db, OWNER)
        for number in range(1, AGENTS + 1):
            add_staff(
                db,
                NewStaffMember(
                    name=f"Agent {number:03d}",
                    email=f"agent{number:03d}@bench.example",
                    role="agent",
                    team=TEAMS[number % len(TEAMS)],
                ),
            )
        first, after = PERIOD.bounds(policy.business_hours.timezone)
        with db.cursor() as cur:
            cur.execute(UNIFORM_MACRO)
            cur.execute(AGENTS_SQL)
            cur.execute(
                INTERACTIONS_SQL.format(standards=standard_values(policy), agents=AGENTS),
                {"first": first, "span_s": (after - first).total_seconds(), "n": size},
            )
            cur.execute(FEEDBACK_SQL)
            # Like every writer of contacts: each contact's case count (see
            # metrics/contacts/case_sizes.py), which the report, the floor and pandas all read.
            refresh_case_contacts(cur)
            assert cases_counted(cur)
            # And the daily rollups the report reads (see metrics/contacts/rollups.py).
            refresh_contact_rollups(cur)
            assert rollups_current(cur)
            cur.execute("CHECKPOINT")
            row = cur.execute(SHAPE_SQL).fetchone()
        assert row is not None
        shape = Shape(
            abandoned=row[0],
            resolved_of_answered=row[1],
            cases_with_2plus=row[2],
            rated_of_answered=row[3],
            rated_1_5=row[4],
        )
    finally:
        db.close()
    seconds = time.perf_counter() - started
    owner = Viewer(
        staff_id=owner_id, name=OWNER.name, email=str(OWNER.email), role="owner", team_id=None
    )
    return Generated(
        seconds=seconds,
        peak_mb=peak_rss_mb(),
        store_mb=path.stat().st_size / 2**20,
        owner=owner,
        shape=shape,
    )


# --- The numbers compared -----------------------------------------------------------------------

TEAM_FIELDS = ["offered", "answered", "abandoned", "abandonment_rate", "service_level"]
AGENT_FIELDS = [f for f in REPORT_AGENT_FIELDS if f not in ("agent", "status")]
Numbers = dict[str, dict[str, object]]  # "team" -> fields, and each agent's e-mail -> fields


def report_numbers(report: dict[str, object]) -> Numbers:
    team = report["team"]
    agents = report["agents"]
    assert isinstance(team, dict) and isinstance(agents, list)
    numbers: Numbers = {"team": {field: team[field] for field in TEAM_FIELDS}}
    for agent in agents:
        numbers[agent["agent"]] = {field: agent[field] for field in AGENT_FIELDS}
    return numbers


def _same(expected: object, got: object) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, str) or isinstance(got, str):
        return expected == got
    assert isinstance(expected, int | float) and isinstance(got, int | float)
    return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-9)


def assert_same(expected: Numbers, got: Numbers, what: str) -> None:
    """Every team and agent number equal (floats to 1e-9), or an AssertionError listing the
    first differences."""
    problems = [f"{key}: missing" for key in expected.keys() - got.keys()]
    problems += [f"{key}: not in agent_report" for key in got.keys() - expected.keys()]
    for key in sorted(expected.keys() & got.keys()):
        for field, value in expected[key].items():
            if not _same(value, got[key].get(field)):
                problems.append(
                    f"{key}.{field}: agent_report {value!r}, {what} {got[key][field]!r}"
                )
    if problems:
        raise AssertionError(
            f"{what} disagrees with agent_report in {len(problems)} places: "
            + "; ".join(problems[:10])
        )


# --- The floor: one hand-written query -----------------------------------------------------------

# One scan of the period's contacts grouped by agent (NULL collects those nobody handled, for
# the queue totals, summed by window over the groups). First-contact resolution reads each
# contact's stored case count (`case_contacts`, kept by every writer), as `agent_report` does:
# a floor that counted cases over the whole store would make the report look faster than it is.
# Ratings join a second scan of the period: reusing the first scan would make DuckDB
# materialise it (no faster, and ~200 MB more memory at 10M contacts).
FLOOR_SQL = """
WITH standard(channel, within_s) AS (SELECT * FROM (VALUES {standards})),
contact AS (
    SELECT i.agent_id, i.resolved, i.abandoned, i.case_contacts = 1 AS single_contact_case,
           i.answered_at IS NOT NULL AS answered,
           i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL AS handled,
           epoch(i.answered_at) - epoch(i.queued_at) AS wait_s, s.within_s
    FROM interactions i JOIN standard s USING (channel)
    WHERE i.queued_at >= $first AND i.queued_at < $after
),
per_group AS (
    SELECT agent_id,
           count(*) AS offered,
           count(*) FILTER (answered) AS answered,
           count(*) FILTER (abandoned) AS abandoned,
           count(*) FILTER (wait_s <= within_s) AS queue_within,
           count(*) FILTER (handled) AS handled,
           avg(wait_s) FILTER (handled) AS wait_mean_s,
           quantile_cont(wait_s, [0.5, 0.9]) FILTER (handled) AS wait_q,
           count(*) FILTER (handled AND wait_s <= within_s) AS answered_within,
           count(*) FILTER (handled AND resolved) AS resolved,
           count(*) FILTER (handled AND resolved AND single_contact_case) AS first_contact
    FROM contact GROUP BY agent_id
),
with_totals AS (
    SELECT *, sum(offered) OVER () AS q_offered, sum(answered) OVER () AS q_answered,
           sum(abandoned) OVER () AS q_abandoned, sum(queue_within) OVER () AS q_within
    FROM per_group
),
rated AS (
    SELECT i.agent_id, count(*) AS ratings,
           count(*) FILTER ((f.scale = '1-5' AND f.rating >= 4)
               OR (f.scale = 'good/bad' AND f.rating = 1)) AS good,
           avg(f.rating) FILTER (f.scale = '1-5') AS csat_mean
    FROM feedback f JOIN interactions i ON i.id = f.interaction_id
    WHERE i.queued_at >= $first AND i.queued_at < $after AND i.answered_at IS NOT NULL
        AND i.agent_id IS NOT NULL
    GROUP BY i.agent_id
)
SELECT st.email, st.name, t.name AS team, g.handled, g.wait_mean_s,
       g.wait_q[1] AS wait_median_s, g.wait_q[2] AS wait_p90_s,
       g.answered_within / g.handled AS service_level,
       g.resolved, g.resolved / g.handled AS resolution_rate,
       CASE WHEN g.resolved > 0 THEN g.first_contact / g.resolved END AS fcr_rate,
       coalesce(r.ratings, 0) AS ratings,
       CASE WHEN r.ratings > 0 THEN r.good / r.ratings END AS csat, r.csat_mean,
       g.q_offered, g.q_answered, g.q_abandoned,
       g.q_abandoned / g.q_offered AS abandonment_rate, g.q_within / g.q_offered AS q_service
FROM with_totals g
JOIN staff st ON st.id = g.agent_id
LEFT JOIN teams t ON t.id = st.team_id
LEFT JOIN rated r ON r.agent_id = g.agent_id
WHERE g.handled > 0
"""


# The floor: the same numbers in one hand-written query over what the report reads. The whole
# UTC days of the period from the rollups: counts from `contact_days`, the waits (mean,
# quantiles, within the standard) from `contact_waits`; the contacts and ratings of the hours
# outside whole UTC days from interactions and feedback.
ROLLUP_FLOOR_SQL = """
WITH waits AS (
    SELECT w.agent_id, avg(w.wait_s) AS wait_mean_s, quantile_cont(w.wait_s, [0.5, 0.9]) AS q,
           count(*) FILTER (w.wait_s <= {within}) AS within
    FROM contact_waits w WHERE w.queued_at >= $first AND w.queued_at < $after
    GROUP BY w.agent_id
),
edge AS (
    SELECT * FROM interactions
    WHERE queued_at >= $first AND queued_at < $day_from_at
        OR queued_at >= $day_to_at AND queued_at < $after
),
counted AS (
    SELECT agent_id, offered, answered, abandoned, handled, resolved, first_contact_resolved,
           ratings, good_ratings, ratings_1_5, rating_1_5_sum
    FROM contact_days WHERE day >= $day_from AND day < $day_to
    UNION ALL
    SELECT agent_id, 1, (answered_at IS NOT NULL)::INTEGER, abandoned::INTEGER,
           (answered_at IS NOT NULL AND agent_id IS NOT NULL)::INTEGER,
           (answered_at IS NOT NULL AND agent_id IS NOT NULL AND resolved)::INTEGER,
           (answered_at IS NOT NULL AND agent_id IS NOT NULL AND resolved
               AND case_contacts = 1)::INTEGER, 0, 0, 0, 0
    FROM edge
    UNION ALL
    SELECT e.agent_id, 0, 0, 0, 0, 0, 0, 1,
           ((f.scale = '1-5' AND f.rating >= 4)
               OR (f.scale = 'good/bad' AND f.rating = 1))::INTEGER,
           (f.scale = '1-5')::INTEGER, CASE WHEN f.scale = '1-5' THEN f.rating ELSE 0 END
    FROM feedback f JOIN edge e ON e.id = f.interaction_id
    WHERE e.answered_at IS NOT NULL AND e.agent_id IS NOT NULL
),
g AS (
    SELECT c.agent_id, sum(offered) AS offered, sum(answered) AS answered,
           sum(abandoned) AS abandoned, sum(handled) AS handled, sum(resolved) AS resolved,
           sum(first_contact_resolved) AS first_contact, sum(ratings) AS ratings,
           sum(good_ratings) AS good, sum(ratings_1_5) AS n15, sum(rating_1_5_sum) AS s15
    FROM counted c GROUP BY c.agent_id
),
totals AS (
    SELECT g.*, w.wait_mean_s, w.q, w.within, sum(g.offered) OVER () AS q_offered,
           sum(g.answered) OVER () AS q_answered, sum(g.abandoned) OVER () AS q_abandoned,
           sum(coalesce(w.within, 0)) OVER () AS q_within
    FROM g LEFT JOIN waits w ON w.agent_id IS NOT DISTINCT FROM g.agent_id
)
SELECT st.email, st.name, t.name AS team, g.handled::BIGINT, g.wait_mean_s,
       g.q[1], g.q[2], g.within / g.handled, g.resolved::BIGINT, g.resolved / g.handled,
       CASE WHEN g.resolved > 0 THEN g.first_contact / g.resolved END,
       g.ratings::BIGINT, CASE WHEN g.ratings > 0 THEN g.good / g.ratings END,
       CASE WHEN g.n15 > 0 THEN g.s15 / g.n15 END,
       g.q_offered::BIGINT, g.q_answered::BIGINT, g.q_abandoned::BIGINT,
       g.q_abandoned / g.q_offered, g.q_within / g.q_offered
FROM totals g
JOIN staff st ON st.id = g.agent_id
LEFT JOIN teams t ON t.id = st.team_id
WHERE g.handled > 0
"""


def _numbers(rows: list[tuple]) -> Numbers:
    assert rows, "the floor query found no agents"
    q = rows[0]
    numbers: Numbers = {
        "team": {
            "offered": q[14],
            "answered": q[15],
            "abandoned": q[16],
            "abandonment_rate": q[17],
            "service_level": q[18],
        }
    }
    for row in rows:
        numbers[row[0]] = dict(zip(AGENT_FIELDS, (json_value(v) for v in row[1:14]), strict=True))
    return numbers


def raw_floor_numbers(db: Database, policy: Policy) -> Numbers:
    """The numbers by one hand-written query over the contacts themselves (FLOOR_SQL)."""
    first, after = PERIOD.bounds(policy.business_hours.timezone)
    with db.cursor() as cur:
        rows = cur.execute(
            FLOOR_SQL.format(standards=standard_values(policy)), {"first": first, "after": after}
        ).fetchall()
    return _numbers(rows)


def floor_numbers(db: Database, policy: Policy) -> Numbers:
    """The numbers by one hand-written query over the rollups the report reads."""
    first, after, day_from, day_to = utc_days(policy, PERIOD)
    within = " ".join(
        f"WHEN '{channel}' THEN {policy.standards.channel(channel).answer_within_s}"
        for channel in CHANNELS
    )
    with db.cursor() as cur:
        rows = cur.execute(
            ROLLUP_FLOOR_SQL.format(within=f"CASE w.channel {within} END"),
            {
                "first": first,
                "after": after,
                "day_from": day_from,
                "day_to": day_to,
                "day_from_at": datetime.combine(day_from, dtime(0), UTC),
                "day_to_at": datetime.combine(day_to, dtime(0), UTC),
            },
        ).fetchall()
    return _numbers(rows)


# --- The common alternative: pandas ------------------------------------------------------------


def pandas_numbers(db: Database, policy: Policy, *, count_cases: bool = False) -> Numbers:
    """Read the needed columns into DataFrames and compute the same numbers in pandas.

    A case's size is the stored `case_contacts`, as the report and the floor read it; with
    `count_cases`, pandas counts every stored contact's case itself (what it would have to do
    without the stored count), for comparison.
    """
    first, after = PERIOD.bounds(policy.business_hours.timezone)
    case_columns = "source, case_id" if count_cases else "case_contacts"
    with db.cursor() as cur:
        contacts = cur.execute(
            f"SELECT id, {case_columns}, channel, agent_id, queued_at, answered_at, abandoned,"
            " resolved FROM interactions"
        ).df()
        feedback = cur.execute("SELECT interaction_id, rating, scale FROM feedback").df()
        staff = cur.execute(
            "SELECT s.id AS agent_id, s.email, s.name, t.name AS team"
            " FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
        ).df()

    if count_cases:
        case_size = (
            contacts.dropna(subset=["case_id"])
            .groupby(["source", "case_id"])
            .size()
            .rename("case_size")
            .reset_index()
        )
    # A merge, not `channel.map(dict)`: on pandas 3.1's Arrow strings that map costs ~0.8 s
    # per million rows, which would flatter agent_report's speed-up.
    standards = pd.DataFrame(
        list(policy.standards.answer_within_s.items()), columns=["channel", "within_s"]
    )
    period = contacts[(contacts["queued_at"] >= first) & (contacts["queued_at"] < after)]
    period = period.merge(standards, on="channel", how="left")
    period["wait_s"] = (period["answered_at"] - period["queued_at"]).dt.total_seconds()
    period["within"] = period["wait_s"] <= period["within_s"]
    offered = len(period)
    abandoned = int(period["abandoned"].sum())
    team: dict[str, object] = {
        "offered": offered,
        "answered": int(period["answered_at"].notna().sum()),
        "abandoned": abandoned,
        "abandonment_rate": abandoned / offered,
        "service_level": int(period["within"].sum()) / offered,
    }

    handled = period[period["answered_at"].notna() & period["agent_id"].notna()]
    if count_cases:
        handled = handled.merge(case_size, on=["source", "case_id"], how="left")
        handled["first_contact"] = handled["resolved"] & (
            handled["case_id"].isna() | (handled["case_size"] == 1)
        )
    else:
        handled["first_contact"] = handled["resolved"] & (handled["case_contacts"] == 1)
    by_agent = handled.groupby("agent_id")
    agents = pd.DataFrame(
        {
            "handled": by_agent.size(),
            "wait_mean_s": by_agent["wait_s"].mean(),
            "wait_median_s": by_agent["wait_s"].median(),
            "wait_p90_s": by_agent["wait_s"].quantile(0.9),
            "answered_within": by_agent["within"].sum(),
            "resolved": by_agent["resolved"].sum(),
            "first_contact": by_agent["first_contact"].sum(),
        }
    )
    rated = feedback.merge(
        handled[["id", "agent_id"]], left_on="interaction_id", right_on="id", how="inner"
    )
    rated["good"] = ((rated["scale"] == "1-5") & (rated["rating"] >= 4)) | (
        (rated["scale"] == "good/bad") & (rated["rating"] == 1)
    )
    rated["rating_1_5"] = rated["rating"].where(rated["scale"] == "1-5").astype(float)
    by_rater = rated.groupby("agent_id")
    agents["ratings"] = by_rater.size()
    agents["good"] = by_rater["good"].sum()
    agents["csat_mean"] = by_rater["rating_1_5"].mean()
    agents["ratings"] = agents["ratings"].fillna(0)
    agents = agents.reset_index().merge(staff, on="agent_id", how="left")

    numbers: Numbers = {"team": team}
    for row in agents.to_dict("records"):
        resolved = int(row["resolved"])
        ratings = int(row["ratings"])
        numbers[row["email"]] = {
            "name": row["name"],
            "team": json_value(row["team"]),
            "handled": int(row["handled"]),
            "wait_mean_s": row["wait_mean_s"],
            "wait_median_s": row["wait_median_s"],
            "wait_p90_s": row["wait_p90_s"],
            "service_level": row["answered_within"] / row["handled"],
            "resolved": resolved,
            "resolution_rate": resolved / row["handled"],
            "fcr_rate": row["first_contact"] / resolved if resolved else None,
            "ratings": ratings,
            "csat": row["good"] / ratings if ratings else None,
            "csat_mean": json_value(row["csat_mean"]),
        }
    return numbers


# --- Timing -----------------------------------------------------------------------------------


class Timing(BaseModel):
    first_s: float  # the warm-up run
    best_s: float
    median_s: float


def timed(run: Callable[[], T], repeats: int = REPEATS) -> tuple[Timing, T]:
    """One warm-up run, then `repeats` timed runs; the last run's result."""
    started = time.perf_counter()
    result = run()
    first = time.perf_counter() - started
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return Timing(first_s=first, best_s=min(times), median_s=statistics.median(times)), result


class PageView(BaseModel):
    cold_s: float  # the run that computes the numbers (Streamlit's caches empty for them)
    warm_s: list[float]  # the same view run again: the numbers come from Streamlit's cache

    @property
    def warm_median_s(self) -> float:
        return statistics.median(self.warm_s)


class Dashboard(BaseModel):
    status: str  # "ok", "skipped (...)" or "failed (...)"
    app_cold_s: float | None = None  # the app's first run: store, policy, modules, home page
    opening: PageView | None = None  # the page as it opens (its default dates)
    year: PageView | None = None  # the whole year chosen in the date filter

    @property
    def warm_median_s(self) -> float | None:
        """The slower of the two views, warm."""
        views = [view for view in (self.opening, self.year) if view is not None]
        return max(view.warm_median_s for view in views) if views else None


def dashboard(store: Path, viewer: Viewer, page: str) -> Dashboard:
    """Render the page server-side under AppTest, signed in as `viewer`: the app once, then the
    page as it opens and with the whole year chosen, each once cold and twice warm."""
    if not (APP.parent / page).exists():
        return Dashboard(status="skipped (page not present)")
    os.environ[DB_ENV_VAR] = str(store)
    from streamlit.testing.v1 import AppTest  # only here: importing Streamlit takes a while

    # Setting session state before the first run logs "missing ScriptRunContext": harmless.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )
    at = AppTest.from_file(str(APP), default_timeout=120)
    # Signed in as the sign-in page does it: a session in the store, its token in the browser's
    # session state (training_app/session.py).
    from metrics.auth import start_session
    from training_app.session import TOKEN_KEY

    db = open_database(store)
    try:
        at.session_state[TOKEN_KEY] = start_session(db, viewer.staff_id, "bench")
    finally:
        db.close()

    def run(what: str, step: Callable[[], object]) -> float:
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"{what}: {at.exception[0].message.splitlines()[0]}")
        return seconds

    def view(what: str, first: Callable[[], object]) -> PageView:
        cold = run(what, first)
        if not at.dataframe:
            raise RuntimeError(f"{what}: no table on the page")
        return PageView(cold_s=cold, warm_s=[run(what, at.run) for _ in range(2)])

    def whole_year(at: AppTest) -> AppTest:
        """The year typed into From and To, as a user types dates (they apply once whole)."""
        from training_app.components.filters import DATE_FORMAT, FROM_KEY, TO_KEY

        at.text_input(key=FROM_KEY).input(f"{PERIOD.start:{DATE_FORMAT}}")
        at.text_input(key=TO_KEY).input(f"{PERIOD.end:{DATE_FORMAT}}")
        return at

    try:
        app_cold = run("app", at.run)
        opening = view("page", lambda: at.switch_page(page).run())
        year = view("whole year", lambda: whole_year(at).run())
    except Exception as exc:  # a page still being written may fail in any way: report, go on
        return Dashboard(status=f"failed ({type(exc).__name__}: {exc})")
    return Dashboard(status="ok", app_cold_s=app_cold, opening=opening, year=year)


# The page's reads (training_app/data.py) over the whole year, as the page calls them: called
# directly, after the render, they are the floor of its first render (the numbers alone).
def page_reads(db: Database, viewer: Viewer, policy: Policy) -> None:
    from metrics.performance import trends
    from metrics.performance.agents import agent_metrics, contact_days, team_summary

    contact_days(db, policy)
    team_summary(db, viewer, policy, PERIOD)
    team_summary(db, viewer, policy, PERIOD.previous())
    agent_metrics(db, viewer, policy, PERIOD)
    for read in (
        trends.weekly_trends,
        trends.wait_distribution,
        trends.rating_distribution,
        trends.contacts_by_hour,
    ):
        read(db, viewer, policy, PERIOD)


class FirstRender(BaseModel):
    status: str  # "ok", "skipped (...)" or "failed (...)"
    app_s: float | None = None  # the app's first run in a fresh process (home page, imports)
    # Then the page over the whole year, Streamlit's caches empty: in that fresh process (the
    # page's own imports, altair's among them, included), ...
    fresh_process_s: float | None = None
    warm_s: list[float] = []  # ... the same page run again in the same session, ...
    # ... and for a new session once every cache is emptied again (a server already running).
    first_s: float | None = None
    reads_s: float | None = None  # the page's reads called directly after (`page_reads`)
    raw_reads_s: float | None = None  # the same with the rollups turned off (information)
    # The processor time (every thread of this process) of the new session's first render and
    # of the reads: the work itself, which other load on the machine does not stretch as it
    # stretches the wall-clock times (with 2 cores, wall ≥ processor time ÷ 2).
    first_cpu_s: float | None = None
    reads_cpu_s: float | None = None
    raw_reads_cpu_s: float | None = None

    @property
    def warm_median_s(self) -> float | None:
        return statistics.median(self.warm_s) if self.warm_s else None


FIRST_RENDER_WARM_RUNS = 3


def first_render(store: Path, viewer: Viewer, page: str) -> FirstRender:
    """In this (fresh) process, under AppTest: the app once, then the page opened with the whole
    year already chosen (as by a user who chose it on another performance page), so that its
    first run computes every number of the year; then the page again (from Streamlit's caches);
    then, with every cache emptied, the same for a new session; then the page's reads called
    directly, the floor of a first render."""
    if not (APP.parent / page).exists():
        return FirstRender(status="skipped (page not present)")
    os.environ[DB_ENV_VAR] = str(store)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from metrics.auth import start_session
    from training_app.components.filters import FILTERS_KEY
    from training_app.session import TOKEN_KEY

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )

    def session() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        db = open_database(store)
        try:
            at.session_state[TOKEN_KEY] = start_session(db, viewer.staff_id, "bench")
        finally:
            db.close()
        return at

    def run(at: AppTest, what: str, step: Callable[[], object]) -> float:
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"{what}: {at.exception[0].message.splitlines()[0]}")
        return seconds

    def open_year(at: AppTest, what: str) -> float:
        at.session_state[FILTERS_KEY] = PERIOD
        seconds = run(at, what, lambda: at.switch_page(page).run())
        if not at.dataframe:
            raise RuntimeError(f"{what}: no table on the page")
        return seconds

    def timed_cpu(step: Callable[[], object]) -> tuple[float, float]:
        """Wall-clock and processor seconds of `step`."""
        started, started_cpu = time.perf_counter(), time.process_time()
        step()
        return time.perf_counter() - started, time.process_time() - started_cpu

    try:
        at = session()
        app_s = run(at, "app", at.run)
        fresh_process_s = open_year(at, "first render in a fresh process")
        warm_s = [run(at, "warm render", at.run) for _ in range(FIRST_RENDER_WARM_RUNS)]
        st.cache_data.clear()
        st.cache_resource.clear()
        again = session()
        run(again, "app, new session", again.run)
        started_cpu = time.process_time()
        first_s = open_year(again, "first render, new session")
        first_cpu_s = time.process_time() - started_cpu
    except Exception as exc:  # a page still being written may fail in any way: report, go on
        return FirstRender(status=f"failed ({type(exc).__name__}: {exc})")
    import metrics.performance.agents
    import metrics.performance.hours

    db = open_database(store)
    try:
        policy = load_policy().policy
        reads_s, reads_cpu_s = timed_cpu(lambda: page_reads(db, viewer, policy))
        # The rollups turned off as the tests turn them off: the reads go to the contacts.
        for module in (metrics.performance.agents, metrics.performance.hours):
            setattr(module, "rollups_current", lambda cur: False)  # noqa: B010
        raw_reads_s, raw_reads_cpu_s = timed_cpu(lambda: page_reads(db, viewer, policy))
    finally:
        db.close()
    return FirstRender(
        status="ok",
        app_s=app_s,
        fresh_process_s=fresh_process_s,
        warm_s=warm_s,
        first_s=first_s,
        reads_s=reads_s,
        raw_reads_s=raw_reads_s,
        first_cpu_s=first_cpu_s,
        reads_cpu_s=reads_cpu_s,
        raw_reads_cpu_s=raw_reads_cpu_s,
    )


# --- One size, in its own process -------------------------------------------------------------


# The process floor: Python, DuckDB, the store and the floor query; nothing of the product.
FLOOR_PROCESS = """
import json, sys
import duckdb
sql, params = json.loads(sys.argv[1])
db = duckdb.connect(sys.argv[2])
rows = db.execute(sql, params).fetchall()
print(len(rows))
"""


class Processes(BaseModel):
    report: Timing  # `academy report agents` over the year, as a whole process
    floor: Timing  # a process that only imports DuckDB and runs the floor query
    help: Timing  # `academy --help`


def time_processes(store: Path, policy: Policy, expected: Numbers) -> Processes:
    """Whole processes, alternating (so both see the same load), after a warm-up of each; the
    report's output is checked against `agent_report`'s numbers."""
    first, after, day_from, day_to = utc_days(policy, PERIOD)
    within = " ".join(
        f"WHEN '{channel}' THEN {policy.standards.channel(channel).answer_within_s}"
        for channel in CHANNELS
    )
    sql = ROLLUP_FLOOR_SQL.format(within=f"CASE w.channel {within} END")
    params = {
        "first": first.isoformat(),
        "after": after.isoformat(),
        "day_from": day_from.isoformat(),
        "day_to": day_to.isoformat(),
        "day_from_at": datetime.combine(day_from, dtime(0), UTC).isoformat(),
        "day_to_at": datetime.combine(day_to, dtime(0), UTC).isoformat(),
    }
    # The floor's parameters as text cast in SQL, so the process needs nothing but DuckDB.
    for name in params:
        kind = "DATE" if name in ("day_from", "day_to") else "TIMESTAMPTZ"
        sql = re.sub(rf"\${name}\b", f"CAST(${name} AS {kind})", sql)  # not $day_from_at
    commands = {
        "report": [
            sys.executable,
            "-m",
            "training_app.cli",
            "report",
            "agents",
            "--db",
            str(store),
            "--from",
            PERIOD.start.isoformat(),
            "--to",
            PERIOD.end.isoformat(),
        ],
        "floor": [sys.executable, "-c", FLOOR_PROCESS, json.dumps([sql, params]), str(store)],
        "help": [sys.executable, "-m", "training_app.cli", "--help"],
    }
    outputs = {}
    for name, command in commands.items():  # warm-up: the files in the page cache
        outputs[name] = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert_same(expected, report_numbers(json.loads(outputs["report"])), "academy report agents")
    assert int(outputs["floor"]) == len(expected) - 1
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(PROCESS_REPEATS):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[name].append(time.perf_counter() - started)
    timing = {
        name: Timing(first_s=spent[0], best_s=min(spent), median_s=statistics.median(spent))
        for name, spent in times.items()
    }
    return Processes(**timing)


class SizeResult(BaseModel):
    size: int
    generated: Generated
    agents: int
    report: Timing
    floor: Timing  # one query over the rollups the report reads
    raw_floor: Timing | None = None  # one query over the contacts themselves (information)
    pandas: Timing | None
    pandas_counting: Timing | None = None  # pandas counting cases itself (not a target)
    dashboard: Dashboard
    first_render: FirstRender | None = None  # Team performance in a fresh process
    processes: Processes | None = None  # at PROCESS_SIZE only
    peak_mb: float
    # The peak so far after each step (it only grows): the first is agent_report's own.
    peak_after_mb: dict[str, float]


def measure(size: int, store: Path, page: str, *, reuse: bool = False) -> SizeResult:
    """Generate (in a subprocess of its own; with `reuse`, only if no store generated before is
    at `store`), then measure in this process."""
    described = store.with_suffix(".json")
    if reuse and store.exists() and described.exists():
        log(f"[{size:,}] reusing the store at {store}")
        generated = Generated.model_validate_json(described.read_text())
    else:
        log(f"[{size:,}] generating the store at {store} ...")
        generated = Generated.model_validate_json(
            run_self(["--generate", str(size), "--store", str(store)])
        )
        described.write_text(generated.model_dump_json())
    shape = generated.shape
    log(
        f"[{size:,}] generated in {generated.seconds:.1f} s ({generated.store_mb:.0f} MB):"
        f" abandoned {shape.abandoned:.1%}, resolved {shape.resolved_of_answered:.1%} of"
        f" answered, cases with 2+ contacts {shape.cases_with_2plus:.1%}, rated"
        f" {shape.rated_of_answered:.1%} of answered ({shape.rated_1_5:.0%} on 1-5)"
    )
    policy = load_policy().policy
    viewer = Viewer.local_admin()
    peaks: dict[str, float] = {}
    db = open_database(store)
    try:
        log(f"[{size:,}] agent_report ...")
        report_time, report = timed(lambda: agent_report(db, viewer, policy, PERIOD, None))
        peaks["agent_report"] = peak_rss_mb()
        expected = report_numbers(report)
        log(f"[{size:,}] the floor query ...")
        floor_time, floor = timed(lambda: floor_numbers(db, policy))
        peaks["floor"] = peak_rss_mb()
        assert_same(expected, floor, "the floor query")
        log(f"[{size:,}] the raw floor query ...")
        raw_floor_time, floor = timed(lambda: raw_floor_numbers(db, policy))
        peaks["raw floor"] = peak_rss_mb()
        assert_same(expected, floor, "the raw floor query")
        pandas_time = counting_time = None
        if size <= PANDAS_MAX_SIZE:
            log(f"[{size:,}] pandas ...")
            pandas_time, by_pandas = timed(lambda: pandas_numbers(db, policy))
            peaks["pandas"] = peak_rss_mb()
            assert_same(expected, by_pandas, "pandas")
            log(f"[{size:,}] pandas counting cases itself ...")
            counting_time, by_pandas = timed(lambda: pandas_numbers(db, policy, count_cases=True))
            peaks["pandas counting"] = peak_rss_mb()
            assert_same(expected, by_pandas, "pandas counting cases")
    finally:
        db.close()
    processes = None
    if size == PROCESS_SIZE:
        log(f"[{size:,}] whole processes: academy report agents, the process floor, --help ...")
        processes = time_processes(store, policy, expected)
    log(f"[{size:,}] Team performance's first render, in a fresh process ...")
    rendered = FirstRender.model_validate_json(
        run_self(
            [
                "--render",
                json.dumps(dataclasses.asdict(generated.owner)),
                "--store",
                str(store),
                "--page",
                page,
            ]
        )
    )
    log(f"[{size:,}] dashboard ...")
    board = dashboard(store, generated.owner, page)
    peaks["dashboard"] = peak_rss_mb()
    return SizeResult(
        size=size,
        generated=generated,
        agents=len(expected) - 1,
        report=report_time,
        floor=floor_time,
        raw_floor=raw_floor_time,
        pandas=pandas_time,
        pandas_counting=counting_time,
        dashboard=board,
        first_render=rendered,
        processes=processes,
        peak_mb=peak_rss_mb(),
        peak_after_mb=peaks,
    )


def run_self(arguments: list[str]) -> str:
    """Run this script again with `arguments`; its result line (JSON). Its log goes to ours."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *arguments],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed (exit {done.returncode})")
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if not lines:
        raise SystemExit(f"{' '.join(arguments)} printed no result")
    return lines[-1].removeprefix(RESULT_MARK)


# --- The table --------------------------------------------------------------------------------


def _s(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def verdict(holds: bool) -> str:
    return "PASS" if holds else "FAIL"


def print_results(results: list[SizeResult]) -> bool:
    """The details per size, the table and the targets; whether every target checked holds."""
    print()
    for r in results:
        print(f"== {r.size:,} contacts, {r.agents} agents with handled contacts")
        print(
            f"  store: {r.generated.store_mb:.0f} MB, generated in {r.generated.seconds:.1f} s"
            f" (generation peak {r.generated.peak_mb:.0f} MB)"
        )
        for name, timing in (
            ("agent_report", r.report),
            ("floor", r.floor),
            ("raw floor", r.raw_floor),
            ("pandas", r.pandas),
            ("pandas, counting cases", r.pandas_counting),
        ):
            if timing is not None:
                print(
                    f"  {name:<22} first {timing.first_s:.3f} s, best {timing.best_s:.3f} s,"
                    f" median {timing.median_s:.3f} s (of {REPEATS})"
                )
        print(
            f"  agent_report ÷ floor: {r.report.median_s / r.floor.median_s:.2f}x by medians,"
            f" {r.report.best_s / r.floor.best_s:.2f}x by bests"
        )
        if r.processes is not None:
            p = r.processes
            for name, timing in (
                ("academy report agents", p.report),
                ("process floor", p.floor),
                ("academy --help", p.help),
            ):
                print(
                    f"  process {name:<22} best {timing.best_s:.3f} s, median"
                    f" {timing.median_s:.3f} s (of {PROCESS_REPEATS}, alternating)"
                )
            print(f"  report process ÷ process floor: {p.report.median_s / p.floor.median_s:.2f}x")
        board = r.dashboard
        if board.opening is not None and board.year is not None:
            print(f"  dashboard render: app first run {_s(board.app_cold_s)} s")
            for name, view in (("as it opens", board.opening), ("whole year", board.year)):
                warm = ", ".join(f"{t:.3f}" for t in view.warm_s)
                print(f"    {name:<12} cold {view.cold_s:.3f} s, warm {warm} s")
        else:
            print(f"  dashboard render: {board.status}")
        first = r.first_render
        if first is not None and first.first_s is not None and first.reads_s is not None:
            warm = ", ".join(f"{t:.3f}" for t in first.warm_s)
            print(
                f"  Team performance over the whole year: in a fresh process, app first run"
                f" {_s(first.app_s)} s, the page's first render {_s(first.fresh_process_s)} s"
                f" (its imports included), warm {warm} s; a new session with every cache"
                f" emptied: first render {first.first_s:.3f} s; the page's reads alone"
                f" {first.reads_s:.3f} s (first render ÷ reads"
                f" {first.first_s / first.reads_s:.2f}x), and from the contacts, as before the"
                f" rollups, {_s(first.raw_reads_s)} s"
            )
            print(
                f"    processor time (all threads): first render {_s(first.first_cpu_s)} s,"
                f" reads {_s(first.reads_cpu_s)} s, reads from the contacts"
                f" {_s(first.raw_reads_cpu_s)} s"
            )
        elif first is not None:
            print(f"  Team performance over the whole year: {first.status}")
        steps = ", ".join(f"{step} {mb:.0f}" for step, mb in r.peak_after_mb.items())
        print(f"  peak memory (measuring process): {r.peak_mb:.0f} MB; so far after {steps} MB")
    print()
    header = (
        f"{'size':>11} {'gen s':>7} {'report s':>9} {'floor s':>8} {'rep/floor':>9}"
        f" {'raw floor s':>11}"
        f" {'pandas s':>9} {'speed-up':>8} {'first s':>7} {'warm s':>6} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = r.report.median_s / r.floor.median_s
        pandas_s = r.pandas.median_s if r.pandas else None
        speedup = pandas_s / r.report.median_s if pandas_s else None
        print(
            f"{r.size:>11,} {r.generated.seconds:>7.1f} {r.report.median_s:>9.3f}"
            f" {r.floor.median_s:>8.3f} {ratio:>8.2f}x"
            f" {_s(r.raw_floor.median_s if r.raw_floor else None):>11} {_s(pandas_s):>9}"
            f" {_s(speedup, 1) + 'x' if speedup else '–':>8}"
            f" {_s(r.first_render.first_s if r.first_render else None):>7}"
            f" {_s(r.first_render.warm_median_s if r.first_render else None):>6}"
            f" {r.peak_mb:>8.0f}"
        )
    print(
        f"(times are medians of {REPEATS} warm runs; speed-up = pandas ÷ agent_report; floor ="
        " one query over the rollups the report reads, raw floor = one over the contacts;"
        " first = Team performance's first render over the year for a new session, every cache"
        " empty; warm = the median of the runs after a first render)"
    )
    print()
    return print_targets(results)


def print_targets(results: list[SizeResult]) -> bool:
    largest = max(results, key=lambda r: r.size)
    checks: list[tuple[str, bool | None, str]] = []
    ratio = largest.report.median_s / largest.floor.median_s
    checks.append(
        (
            f"report ≤ {FLOOR_RATIO_MAX}x floor at {largest.size:,}",
            ratio <= FLOOR_RATIO_MAX,
            f"{ratio:.2f}x",
        )
    )
    at_pandas = [r for r in results if r.pandas is not None]
    if at_pandas:
        r = at_pandas[-1]
        assert r.pandas is not None
        speedup = r.pandas.median_s / r.report.median_s
        checks.append(
            (
                f"≥ {PANDAS_SPEEDUP_MIN:.0f}x faster than pandas at {r.size:,}",
                speedup >= PANDAS_SPEEDUP_MIN,
                f"{speedup:.1f}x",
            )
        )
    else:
        checks.append((f"≥ {PANDAS_SPEEDUP_MIN:.0f}x faster than pandas", None, "not run"))
    rendered = largest.first_render
    first_s = rendered.first_s if rendered else None
    warm_s = rendered.warm_median_s if rendered else None
    status = rendered.status if rendered else "not run"
    checks.append(
        (
            f"Team performance first render < {FIRST_RENDER_MAX_S:.1f} s at {largest.size:,}",
            None if first_s is None else first_s < FIRST_RENDER_MAX_S,
            status if first_s is None else f"{first_s:.3f} s",
        )
    )
    checks.append(
        (
            f"Team performance warm render ≤ {WARM_RENDER_MAX_S:.1f} s at {largest.size:,}",
            None if warm_s is None else warm_s <= WARM_RENDER_MAX_S,
            status if warm_s is None else f"{warm_s:.3f} s",
        )
    )
    for r in results:
        if r.processes is None:
            continue
        p = r.processes
        ratio = p.report.median_s / p.floor.median_s
        checks.append(
            (
                f"academy report agents ≤ {PROCESS_RATIO_MAX}x a one-query process at {r.size:,}",
                ratio <= PROCESS_RATIO_MAX,
                f"{ratio:.2f}x ({p.report.median_s:.3f} s ÷ {p.floor.median_s:.3f} s)",
            )
        )
        checks.append(
            (
                f"academy --help < {HELP_MAX_S} s",
                p.help.median_s < HELP_MAX_S,
                f"{p.help.median_s:.3f} s",
            )
        )
    for r in results:
        checks.append(
            (
                f"peak memory < {PEAK_MAX_MB / 1024:.1f} GB at {r.size:,}",
                r.peak_mb < PEAK_MAX_MB,
                f"{r.peak_mb:.0f} MB",
            )
        )
    print("targets:")
    for name, holds, value in checks:
        print(f"  {'SKIP' if holds is None else verdict(holds)}  {name}: {value}")
    for r in results:
        if r.pandas_counting is not None:
            print(
                f"  (not a target: pandas counting every case itself at {r.size:,} takes"
                f" {r.pandas_counting.median_s:.3f} s,"
                f" {r.pandas_counting.median_s / r.report.median_s:.1f}x agent_report)"
            )
    return all(holds is not False for _, holds, _ in checks)


# --- Command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=DEFAULT_SIZES,
        metavar="N",
        help="numbers of contacts (default: 1000000 10000000)",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the stores in DIR")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: measure the stores generated in DIR before, if there (no generation)",
    )
    parser.add_argument(
        "--page", default=DASHBOARD_PAGE, help="the dashboard page, relative to training_app/"
    )
    parser.add_argument("--one", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--render", metavar="VIEWER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.render is not None:
        rendered = first_render(args.store, Viewer(**json.loads(args.render)), args.page)
        print(RESULT_MARK + rendered.model_dump_json(), flush=True)
        return 0

    if args.generate is not None:
        generated = generate(args.store, args.generate, load_policy().policy)
        print(RESULT_MARK + generated.model_dump_json(), flush=True)
        return 0
    if args.one is not None:
        if args.store:
            result = measure(args.one, args.store, args.page, reuse=args.reuse)
        else:
            with tempfile.TemporaryDirectory(prefix="agent-report-bench-") as scratch:
                result = measure(args.one, Path(scratch) / "bench.duckdb", args.page)
        print(RESULT_MARK + result.model_dump_json(), flush=True)
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="agent-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    log(f"stores in {folder}")
    print(f"started {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {load()}")
    try:
        results = []
        for size in args.sizes:
            store = folder / f"bench-{size}.duckdb"
            one = ["--one", str(size), "--store", str(store), "--page", args.page]
            one += ["--reuse"] if args.reuse and args.keep else []
            results.append(SizeResult.model_validate_json(run_self(one)))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"finished {datetime.now():%Y-%m-%d %H:%M}, {load()}")
    return 0 if print_results(results) else 1


if __name__ == "__main__":
    sys.exit(main())
