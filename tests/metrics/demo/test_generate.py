"""The demo generator: repeatable, realistic in the ways the pages rely on, and removable without
touching imported data. Small sizes keep each test to a fraction of a second."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from metrics.demo.contacts import DEMO_SOURCE
from metrics.demo.generate import (
    DemoAlreadyPresent,
    DemoSummary,
    generate_demo,
    has_demo,
    remove_demo,
)
from metrics.demo.people import DEMO_ACCOUNTS
from metrics.demo.training import ATTEMPT_TIME_RANGE_S
from metrics.people import Viewer
from metrics.performance.agents import agent_metrics, contact_days, targets
from metrics.performance.period import default_period
from metrics.performance.recognition import coaching_candidates, most_improved
from metrics.store import Database, open_database
from metrics.training.records import answers_of, get_attempt, training_standing
from modules.content import TrainingModule, load_modules
from modules.engine import credit_for, describe_answer, score_attempt
from modules.policy import CHANNELS, Policy, load_policy
from tests.conftest import SMALL_DEMO

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


# --- Training history ---------------------------------------------------------------------------
# The small demo of tests/conftest.py is generated with the shipped modules; these tests read a
# copy of it, and one generates it again.

TRAINING_TABLES = {
    "training_attempts": "SELECT * FROM training_attempts ORDER BY id",
    "training_answers": "SELECT * FROM training_answers ORDER BY attempt_id, step_id",
    "certificates": "SELECT * FROM certificates ORDER BY code",
    "policy_acknowledgements": "SELECT * FROM policy_acknowledgements ORDER BY staff_id",
}


@pytest.fixture(scope="module")
def shipped_modules(policy: Policy) -> dict[str, TrainingModule]:
    return {loaded.module.id: loaded.module for loaded in load_modules(policy)}


@pytest.fixture
def trained_db(demo_db_path: Path) -> Database:
    db = open_database(demo_db_path)
    yield db
    db.close()


def test_without_modules_there_is_no_training_history(demo_db: Database) -> None:
    for table in TRAINING_TABLES:
        assert value(demo_db, f"SELECT count(*) FROM {table}") == 0, table


def test_the_training_history_is_the_same_for_the_same_seed(
    trained_db: Database, tmp_path: Path, policy: Policy, shipped_modules: dict[str, TrainingModule]
) -> None:
    again = open_database(tmp_path / "again.duckdb")
    summary = generate_demo(again, policy, **SMALL_DEMO, modules=list(shipped_modules.values()))
    for table, sql in TRAINING_TABLES.items():
        assert rows(again, sql) == rows(trained_db, sql), table
    assert summary.training_attempts == value(trained_db, "SELECT count(*) FROM training_attempts")
    assert summary.certificates == value(trained_db, "SELECT count(*) FROM certificates")
    # The training has its own random stream: the contacts are those of a demo without it,
    # but for the demo's training effect (metrics/demo/impact.py): some contacts of agents who
    # passed handling-complaints, from the day after their pass, resolved after all.
    plain = open_database(tmp_path / "plain.duckdb")
    generate_demo(plain, policy, **SMALL_DEMO)
    unchanged = (
        "SELECT * EXCLUDE (id, resolved, resolved_at) FROM interactions ORDER BY external_id"
    )
    assert rows(plain, unchanged) == rows(trained_db, unchanged)
    resolved = "SELECT external_id, agent_id, queued_at FROM interactions WHERE resolved"
    lifted = set(rows(trained_db, resolved)) - set(rows(plain, resolved))
    assert set(rows(plain, resolved)) <= set(rows(trained_db, resolved))
    passes = dict(
        rows(
            trained_db,
            "SELECT staff_id, min(completed_at) FROM training_attempts"
            " WHERE passed AND module_id = 'handling-complaints' GROUP BY staff_id",
        )
    )
    assert lifted, "the demo's effect resolves some contacts"
    for _, agent, queued in lifted:
        assert agent in passes and queued > passes[agent]


def test_demo_agents_and_leaders_have_training_but_not_the_demo_sign_in_agent(
    trained_db: Database, policy: Policy
) -> None:
    trained = rows(
        trained_db,
        "SELECT DISTINCT s.email, s.role, s.is_demo FROM training_attempts a"
        " JOIN staff s ON s.id = a.staff_id",
    )
    assert trained
    leaders = {DEMO_ACCOUNTS["owner"], DEMO_ACCOUNTS["supervisor"]}
    assert all(role == "agent" or email in leaders for email, role, _ in trained)
    assert all(is_demo for *_, is_demo in trained)
    # The owner and supervisor who sign in roll the training out: passed, and the policy signed.
    for email in leaders:
        leader = value(trained_db, "SELECT id FROM staff WHERE email = ?", [email])
        passed = value(
            trained_db,
            "SELECT count(DISTINCT module_id) FROM training_attempts WHERE staff_id = ? AND passed",
            [leader],
        )
        assert passed == 2, email
        signed = value(
            trained_db,
            "SELECT count(*) FROM policy_acknowledgements"
            " WHERE staff_id = ? AND policy_version = ?",
            [leader, policy.version],
        )
        assert signed == 1, email
    demo_agent = value(trained_db, "SELECT id FROM staff WHERE email = ?", [DEMO_ACCOUNTS["agent"]])
    for table in ("training_attempts", "certificates", "policy_acknowledgements"):
        assert (
            value(trained_db, f"SELECT count(*) FROM {table} WHERE staff_id = ?", [demo_agent]) == 0
        )
        assert value(trained_db, f"SELECT count(*) FROM {table} WHERE NOT is_demo") == 0, table


def test_the_agents_are_in_every_training_state(
    trained_db: Database, policy: Policy, shipped_modules: dict[str, TrainingModule]
) -> None:
    standing = training_standing(
        trained_db,
        Viewer.local_admin(),
        list(shipped_modules.values()),
        policy,
        today=SMALL_DEMO["until"],
    )
    states = set(standing["state"])
    assert {"passed", "in progress", "not passed", "not started"} <= states
    # Someone passed on a retake after failing the first attempt.
    assert value(
        trained_db,
        "SELECT count(*) FROM training_attempts a JOIN training_attempts b"
        " ON a.staff_id = b.staff_id AND a.module_id = b.module_id"
        " WHERE a.attempt_number = 1 AND NOT a.passed AND b.attempt_number > 1 AND b.passed",
    )


def test_every_stored_score_is_what_the_engine_gives_its_stored_answers(
    trained_db: Database, shipped_modules: dict[str, TrainingModule]
) -> None:
    admin = Viewer.local_admin()
    attempt_ids = [i for (i,) in rows(trained_db, "SELECT id FROM training_attempts")]
    for attempt_id in attempt_ids:
        attempt = get_attempt(trained_db, admin, attempt_id)
        module = shipped_modules[attempt.module_id]
        stored = answers_of(trained_db, admin, attempt_id)
        for answer in stored:
            step = module.step(answer.step_id)
            assert answer.credit == credit_for(step, answer.answer)
            assert answer.answer_text == describe_answer(step, answer.answer)
            assert attempt.plan.index_of(answer.step_id) < attempt.position
            assert attempt.started_at <= answer.answered_at <= attempt.last_active_at
        if attempt.in_progress:
            assert 0 < attempt.position < len(attempt.plan.steps)
            assert attempt.score is None and attempt.passed is None
            continue
        assert attempt.position == len(attempt.plan.steps)
        assert attempt.pass_mark is not None
        answers = {answer.step_id: answer.answer for answer in stored}
        result = score_attempt(module, attempt.plan, answers, attempt.pass_mark)
        assert (attempt.points, attempt.max_points) == (result.points, result.max_points)
        assert (attempt.score, attempt.passed) == (result.score, result.passed)
        # A sitting's time, give or take the rounding of each step to whole seconds.
        low, high = ATTEMPT_TIME_RANGE_S
        assert low - 60 <= attempt.time_spent_s <= high + 60


def test_attempts_fall_in_working_time_after_joining_and_the_policy(
    trained_db: Database, policy: Policy
) -> None:
    earliest = value(
        trained_db,
        "SELECT min(a.started_at >= greatest(s.created_at, ?::DATE::TIMESTAMPTZ)"
        " AND a.last_active_at < ?::DATE + 1)"
        " FROM training_attempts a JOIN staff s ON s.id = a.staff_id",
        [policy.effective_from, SMALL_DEMO["until"]],
    )
    assert earliest is True


def test_passed_attempts_have_a_certificate_and_failed_ones_none(trained_db: Database) -> None:
    passed = {i for (i,) in rows(trained_db, "SELECT id FROM training_attempts WHERE passed")}
    failed = rows(trained_db, "SELECT count(*) FROM training_attempts WHERE NOT passed")[0][0]
    assert passed and failed
    certified = rows(
        trained_db,
        "SELECT c.attempt_id, c.staff_name = s.name, c.score = a.score,"
        " c.issued_at = a.completed_at, c.module_id = a.module_id"
        " FROM certificates c JOIN training_attempts a ON a.id = c.attempt_id"
        " JOIN staff s ON s.id = c.staff_id",
    )
    assert {row[0] for row in certified} == passed
    assert all(all(row[1:]) for row in certified)
    codes = [code for (code,) in rows(trained_db, "SELECT code FROM certificates")]
    assert all(re.fullmatch(r"SA-[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in codes)


def test_only_those_who_passed_the_policy_module_signed_the_policy(
    trained_db: Database, policy: Policy, shipped_modules: dict[str, TrainingModule]
) -> None:
    [policy_module] = [m.id for m in shipped_modules.values() if m.acknowledges_policy]
    signed = rows(
        trained_db,
        "SELECT k.staff_id, k.typed_name = s.name, k.policy_version,"
        " k.acknowledged_at - (SELECT min(completed_at) FROM training_attempts a"
        "   WHERE a.staff_id = k.staff_id AND a.module_id = ? AND a.passed)"
        " FROM policy_acknowledgements k JOIN staff s ON s.id = k.staff_id",
        [policy_module],
    )
    passed = rows(
        trained_db,
        "SELECT DISTINCT staff_id FROM training_attempts WHERE module_id = ? AND passed",
        [policy_module],
    )
    assert signed
    assert {row[0] for row in signed} == {staff_id for (staff_id,) in passed}
    for _, same_name, version, after_passing in signed:
        assert same_name and version == policy.version
        assert timedelta(0) < after_passing < timedelta(hours=1)


def test_remove_deletes_the_training_history_and_keeps_real_records(
    trained_db: Database,
) -> None:
    before = {
        table: value(trained_db, f"SELECT count(*) FROM {table}") for table in TRAINING_TABLES
    }
    # Someone imported took the training for real: their records stay.
    staff_id = value(
        trained_db,
        "INSERT INTO staff (name, email, role) VALUES ('Iva Imported', 'iva@example.com',"
        " 'agent') RETURNING id",
    )
    attempt_id = value(
        trained_db,
        "INSERT INTO training_attempts (staff_id, module_id, module_version, module_title,"
        " policy_version, attempt_number, plan, started_at, last_active_at)"
        " VALUES (?, 'm', 1, 'M', 1, 1, '{\"steps\": []}', now(), now()) RETURNING id",
        [staff_id],
    )
    rows(
        trained_db,
        "INSERT INTO training_answers (attempt_id, step_id, step_kind, answer, answer_text,"
        " answered_at) VALUES (?, 's', 'reflection', '{}', 'text', now())",
        [attempt_id],
    )

    # An assignment of a demo person goes with them; a real person's stays.
    demo_agent = value(trained_db, "SELECT id FROM staff WHERE email = ?", [DEMO_ACCOUNTS["agent"]])
    for assigned in (demo_agent, staff_id):
        rows(
            trained_db,
            "INSERT INTO training_assignments (staff_id, item, policy_version, due, reason,"
            " source, assigned_at, fresh_pass) VALUES (?, 'm', 1, DATE '2026-12-24', 'x',"
            " 'owner', now(), false)",
            [assigned],
        )

    removed = remove_demo(trained_db)

    assert rows(trained_db, "SELECT staff_id FROM training_assignments") == [(staff_id,)]
    assert removed.training_attempts == before["training_attempts"]
    assert removed.certificates == before["certificates"]
    assert removed.acknowledgements == before["policy_acknowledgements"]
    assert rows(trained_db, "SELECT id FROM training_attempts") == [(attempt_id,)]
    assert rows(trained_db, "SELECT attempt_id FROM training_answers") == [(attempt_id,)]
    assert value(trained_db, "SELECT count(*) FROM certificates") == 0
    assert value(trained_db, "SELECT count(*) FROM policy_acknowledgements") == 0


def test_the_demo_sign_in_agent_is_a_new_starter_whose_training_is_not_yet_due(
    trained_db: Database, policy: Policy, shipped_modules: dict[str, TrainingModule]
) -> None:
    """Whoever signs in as the demo agent takes the training from the start: they joined on the
    demo's last day, so their training is due the policy's days later and nothing is overdue."""
    agent = value(trained_db, "SELECT id FROM staff WHERE email = ?", [DEMO_ACCOUNTS["agent"]])
    first_day = SMALL_DEMO["until"] + timedelta(days=1)  # the day after the demo's last
    standing = training_standing(
        trained_db,
        Viewer.local_admin(),
        list(shipped_modules.values()),
        policy,
        staff_id=agent,
        today=first_day,
    )
    due = {row["module_id"]: row["due"].date() for row in standing.to_dict("records")}
    assert set(due.values()) == {
        SMALL_DEMO["until"] + timedelta(days=policy.training.due_within_days)
    }
    assert not standing["overdue"].any()


def team_shape(db: Database, policy: Policy) -> dict[str, object]:
    """How the demo's agents stand over the default period (the dashboard's first view): how
    many are judged, meet each standard and all of them, are below some target, clearly below
    one (the whole 95% interval under it), and improved (by 10 points or more in total since the
    period before: the sum of three rates' changes moves by several points by chance alone).
    `python -m tests.metrics.demo.test_generate` prints it for the shipped demo."""
    stored = contact_days(db, policy)
    assert stored is not None
    period = default_period(stored[1])
    admin = Viewer.local_admin()
    agents = agent_metrics(db, admin, policy, period)
    before = agent_metrics(db, admin, policy, period.previous())
    judged = agents[agents["status"] != "insufficient"]
    candidates = coaching_candidates(agents, policy)
    improved = most_improved(agents, before, policy, limit=len(agents))
    return {
        "agents": len(agents),
        "judged": len(judged),
        **{
            f"meets {metric}": int((judged[f"status_{metric}"] == "meets").sum())
            for metric in targets(policy)
        },
        "meets every standard": int((judged["status"] == "meets").sum()),
        "below a target": len(candidates),
        "clearly below one": int(candidates["clearly_below"].sum()),
        "improved 10 points or more": int((improved["improvement"] >= 0.10).sum()),
    }


def test_the_demo_team_looks_like_a_real_one(tmp_path: Path, policy: Policy) -> None:
    # The full demo as the app creates it: most agents meet the standards, a few are clearly
    # below one, a few are improving. (Once 6 of 40 met every standard and 34 were below one.)
    db = open_database(tmp_path / "full.duckdb")
    generate_demo(db, policy, until=UNTIL)
    shape = team_shape(db, policy)
    judged = shape["judged"]
    assert judged == shape["agents"] == 40
    assert shape["meets every standard"] >= 0.6 * judged
    for metric in targets(policy):
        assert shape[f"meets {metric}"] >= 0.7 * judged, metric
    assert 1 <= shape["clearly below one"] <= 0.2 * judged
    assert shape["below a target"] <= 0.35 * judged
    assert 2 <= shape["improved 10 points or more"] <= 0.2 * judged


if __name__ == "__main__":  # the shape of the demo the app creates today, for the issue note
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        store = open_database(Path(folder) / "demo.duckdb")
        shipped = load_policy().policy
        generate_demo(store, shipped)
        for key, value in team_shape(store, shipped).items():
            print(f"{key}: {value}")
