"""The demo generator: repeatable, realistic in the ways the pages rely on, and removable without
touching imported data. Small sizes keep each test to a fraction of a second."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from metrics.demo import (
    DEMO_ACCOUNTS,
    DEMO_SOURCE,
    DemoAlreadyPresent,
    DemoSummary,
    generate_demo,
    has_demo,
    remove_demo,
)
from metrics.store import Database, open_database
from modules.policy import CHANNELS, Policy, load_policy

UNTIL = date(2026, 3, 1)
DAYS = 21
AGENTS = 8
TABLES = ("teams", "staff", "interactions", "feedback")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy().policy


@pytest.fixture
def demo_db(tmp_path: Path, policy: Policy) -> Database:
    db = open_database(tmp_path / "t.duckdb")
    generate(db, policy)
    return db


def generate(db: Database, policy: Policy, seed: int = 42) -> DemoSummary:
    return generate_demo(db, policy, seed=seed, agents=AGENTS, days=DAYS, until=UNTIL)


def rows(db: Database, sql: str, params: list | None = None) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(sql, params or []).fetchall()


def value(db: Database, sql: str, params: list | None = None) -> Any:
    return rows(db, sql, params)[0][0]


def counts(db: Database) -> dict[str, int]:
    return {table: int(value(db, f"SELECT count(*) FROM {table}")) for table in TABLES}


# Per agent: contacts, total wait in seconds, resolved contacts and the sum of ratings.
AGENT_SUMS = """
    SELECT s.email,
        (SELECT count(*) FROM interactions i WHERE i.agent_id = s.id),
        (SELECT sum(epoch(i.answered_at) - epoch(i.queued_at))
            FROM interactions i WHERE i.agent_id = s.id),
        (SELECT count(*) FROM interactions i WHERE i.agent_id = s.id AND i.resolved),
        (SELECT sum(f.rating) FROM feedback f JOIN interactions i ON i.id = f.interaction_id
            WHERE i.agent_id = s.id)
    FROM staff s WHERE s.role = 'agent' ORDER BY s.email
"""
ALL_INTERACTIONS = "SELECT * EXCLUDE (id) FROM interactions ORDER BY external_id"


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(
    tmp_path: Path, policy: Policy
) -> None:
    first, second, other = (open_database(tmp_path / f"{name}.duckdb") for name in "abc")
    generate(first, policy, seed=7)
    generate(second, policy, seed=7)
    generate(other, policy, seed=8)

    assert counts(first) == counts(second)
    assert rows(first, AGENT_SUMS) == rows(second, AGENT_SUMS)
    assert rows(first, ALL_INTERACTIONS) == rows(second, ALL_INTERACTIONS)
    sums = [row[1:] for row in rows(first, AGENT_SUMS)]
    assert sums != [row[1:] for row in rows(other, AGENT_SUMS)]


def test_summary_matches_the_rows_and_the_period(tmp_path: Path, policy: Policy) -> None:
    db = open_database(tmp_path / "t.duckdb")
    summary = generate(db, policy)
    assert counts(db) == {
        "teams": summary.teams,
        "staff": summary.staff,
        "interactions": summary.interactions,
        "feedback": summary.feedback,
    }
    assert summary.staff == AGENTS + 3 + 1  # agents, a supervisor per team, the owner
    assert summary.first_day == UNTIL - timedelta(days=DAYS - 1)
    assert summary.last_day == UNTIL


def test_every_channel_is_present(demo_db: Database) -> None:
    channels = rows(demo_db, "SELECT DISTINCT channel FROM interactions")
    assert {channel for (channel,) in channels} == set(CHANNELS)


def test_abandoned_calls_exist_and_have_no_agent_but_a_queue(demo_db: Database) -> None:
    abandoned = rows(
        demo_db,
        "SELECT agent_id, answered_at, resolved, team_id FROM interactions"
        " WHERE abandoned AND channel = 'phone'",
    )
    assert abandoned
    assert all(
        agent is None and answered is None and not resolved and team is not None
        for agent, answered, resolved, team in abandoned
    )


def test_some_cases_are_reopened(demo_db: Database) -> None:
    reopened = value(
        demo_db,
        "SELECT count(*) FROM (SELECT case_id FROM interactions"
        " GROUP BY case_id HAVING count(*) >= 2)",
    )
    assert reopened > 0
    assert value(demo_db, "SELECT count(*) FROM interactions WHERE case_id IS NULL") == 0


def test_both_rating_scales_are_used(demo_db: Database) -> None:
    scales = {scale for (scale,) in rows(demo_db, "SELECT DISTINCT scale FROM feedback")}
    assert scales == {"1-5", "good/bad"}


@pytest.mark.parametrize(
    ("language", "letters"),
    [
        ("Croatian", "[čžšć]"),
        ("Latvian", "[āēīūņļ]"),
        ("Hebrew", "[\u05d0-\u05ea]"),
        ("Turkish", "[ışğ]"),
    ],
)
def test_comments_come_in_several_languages(demo_db: Database, language: str, letters: str) -> None:
    comments = rows(demo_db, "SELECT comment FROM feedback WHERE comment IS NOT NULL")
    assert any(re.search(letters, comment) for (comment,) in comments), language


def test_negative_comments_go_with_low_ratings(demo_db: Database) -> None:
    low = rows(
        demo_db,
        "SELECT comment FROM feedback WHERE comment IS NOT NULL"
        " AND ((scale = '1-5' AND rating <= 2) OR (scale = 'good/bad' AND rating = 0))",
    )
    high = rows(
        demo_db,
        "SELECT comment FROM feedback WHERE comment IS NOT NULL"
        " AND ((scale = '1-5' AND rating >= 4) OR (scale = 'good/bad' AND rating = 1))",
    )
    assert low and high
    assert not {c for (c,) in low} & {c for (c,) in high}


def test_weekdays_are_busier_than_weekends(demo_db: Database) -> None:
    weekday, weekend = rows(
        demo_db,
        "SELECT count(*) FILTER (WHERE isodow(queued_at AT TIME ZONE 'Europe/Zagreb') <= 5),"
        " count(*) FILTER (WHERE isodow(queued_at AT TIME ZONE 'Europe/Zagreb') > 5)"
        " FROM interactions",
    )[0]
    assert weekday > 5 * weekend


def test_only_the_three_demo_accounts_can_sign_in(demo_db: Database) -> None:
    with_password = rows(demo_db, "SELECT email, role FROM staff WHERE password_hash IS NOT NULL")
    assert {email: role for email, role in with_password} == {
        email: role for role, email in DEMO_ACCOUNTS.items()
    }


def test_at_least_one_agent_improves_clearly(demo_db: Database) -> None:
    early_until = UNTIL - timedelta(days=DAYS - 1) + timedelta(days=DAYS // 3)
    late_from = UNTIL - timedelta(days=DAYS // 3)
    rates = rows(
        demo_db,
        "WITH handled AS (SELECT agent_id, resolved,"
        " CAST(queued_at AT TIME ZONE 'Europe/Zagreb' AS DATE) AS day"
        " FROM interactions WHERE agent_id IS NOT NULL)"
        " SELECT agent_id, avg(resolved::INT) FILTER (WHERE day < ?),"
        " avg(resolved::INT) FILTER (WHERE day > ?) FROM handled GROUP BY agent_id",
        [early_until, late_from],
    )
    assert max(late - early for _, early, late in rates) > 0.1


def test_every_row_is_marked_demo(demo_db: Database) -> None:
    for table in TABLES:
        assert value(demo_db, f"SELECT count(*) FROM {table} WHERE is_demo") > 0, table
        assert value(demo_db, f"SELECT count(*) FROM {table} WHERE NOT is_demo") == 0, table
    assert value(demo_db, "SELECT count(*) FROM interactions WHERE source <> ?", [DEMO_SOURCE]) == 0
    settings = dict(rows(demo_db, "SELECT key, value FROM organisation_settings"))
    assert settings == {"organisation_name": "Lumen Home Goods (demo)", "demo": "true"}


def test_a_second_generate_is_refused(demo_db: Database, policy: Policy) -> None:
    assert has_demo(demo_db)
    with pytest.raises(DemoAlreadyPresent, match="--reset"):
        generate(demo_db, policy)


def test_remove_keeps_imported_data_and_the_demo_rows_it_refers_to(
    demo_db: Database, policy: Policy
) -> None:
    before = counts(demo_db)
    team_id = value(demo_db, "INSERT INTO teams (name) VALUES ('Imported team') RETURNING id")
    agent_id = value(
        demo_db,
        "INSERT INTO staff (name, email, team_id, role) VALUES"
        " ('Iva Imported', 'iva@example.com', ?, 'agent') RETURNING id",
        [team_id],
    )
    demo_agent, demo_team = rows(
        demo_db,
        "SELECT id, team_id FROM staff WHERE is_demo AND role = 'agent' AND password_hash IS NULL"
        " ORDER BY id LIMIT 1",
    )[0]
    for external_id, agent, team in (("G-1", agent_id, team_id), ("G-2", demo_agent, demo_team)):
        rows(
            demo_db,
            "INSERT INTO interactions (source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, abandoned, resolved) VALUES ('generic', ?, 'phone', ?, ?,"
            " TIMESTAMPTZ '2026-02-02 09:00:00+00', TIMESTAMPTZ '2026-02-02 09:00:20+00',"
            " false, true)",
            [external_id, agent, team],
        )

    removed = remove_demo(demo_db)

    assert removed.interactions == before["interactions"]
    assert removed.feedback == before["feedback"]
    assert removed.staff == before["staff"] - 1
    assert removed.teams == before["teams"] - 1
    assert rows(demo_db, "SELECT external_id FROM interactions ORDER BY 1") == [("G-1",), ("G-2",)]
    assert rows(demo_db, "SELECT name, is_demo FROM teams ORDER BY id") == [
        (value(demo_db, "SELECT name FROM teams WHERE id = ?", [demo_team]), True),
        ("Imported team", False),
    ]
    assert rows(demo_db, "SELECT id, is_demo FROM staff ORDER BY id") == [
        (demo_agent, True),
        (agent_id, False),
    ]
    assert value(demo_db, "SELECT count(*) FROM feedback") == 0
    assert rows(demo_db, "SELECT key FROM organisation_settings") == []
    assert not has_demo(demo_db)

    # A reset generates afresh beside the kept rows, whose names and e-mails it avoids.
    again = generate(demo_db, policy)
    assert again.interactions == before["interactions"]
    assert value(demo_db, "SELECT count(*) FROM staff") == before["staff"] + 2
