"""The demo's complaint register: generated, labelled demo, the same for the same seed, removed
with the demo (a complaint kept from an import stays, with what it refers to), and shaped like a
real register, each expectation checked against the rows."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from metrics.complaints.register import compensation_needs_approval, proposed_follow_up
from metrics.demo.complaints import COMPLAINT_RATE
from metrics.demo.generate import generate_demo, remove_demo
from metrics.demo.people import DEMO_ACCOUNTS
from metrics.store import Database, open_database
from modules.policy import Policy, load_policy
from tests.conftest import SMALL_DEMO

COLUMNS = (
    "received_by, received_at, team_id, handled_by, channel, interaction_id, customer_name,"
    " customer_phone, customer_email, customer_address, category, category_other, description,"
    " resolution, resolved_on_the_spot, promised_by, steps, follow_up_due, resolved_at,"
    " followed_up_at, customer_satisfied, prevention, compensation_kind, compensation_amount,"
    " compensation_status, compensation_approver, compensation_decided_by"
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy().policy


def rows(db: Database, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with db.cursor() as cur:
        return cur.execute(sql, params or []).fetchall()


def register(db: Database) -> list[tuple[Any, ...]]:
    return rows(db, f"SELECT {COLUMNS} FROM complaints ORDER BY received_at, interaction_id")


@pytest.fixture
def demo(demo_db_path: Path) -> Database:
    """A copy of the small demo of tests/conftest.py (nine agents, four weeks)."""
    db = open_database(demo_db_path)
    yield db
    db.close()


def test_the_register_is_generated_and_labelled_demo(demo: Database) -> None:
    # The demo's sign-in agent starts with nothing of their own, as with the training.
    [(sign_in_agent,)] = rows(
        demo, "SELECT id FROM staff WHERE email = ?", [DEMO_ACCOUNTS["agent"]]
    )
    answered = rows(
        demo,
        "SELECT count(*) FROM interactions WHERE is_demo AND answered_at IS NOT NULL"
        " AND agent_id <> ?",
        [sign_in_agent],
    )[0][0]
    assert rows(demo, "SELECT count(*) FROM complaints WHERE received_by = ?", [sign_in_agent]) == [
        (0,)
    ]
    [(complaints, demo_rows, app_rows)] = rows(
        demo,
        "SELECT count(*), count(*) FILTER (is_demo), count(*) FILTER (source = 'app')"
        " FROM complaints",
    )
    # Nine in a thousand of the others' contacts (those of the snapshot's last minutes aside).
    assert complaints == demo_rows == app_rows
    assert abs(complaints - answered * COMPLAINT_RATE) <= 2, (complaints, answered)
    # Each was received by the agent who answered its contact, in that contact's team and
    # channel, right after it was answered.
    mismatched = rows(
        demo,
        "SELECT count(*) FROM complaints c JOIN interactions i ON i.id = c.interaction_id"
        " WHERE c.received_by <> i.agent_id OR c.handled_by <> i.agent_id"
        " OR c.team_id IS DISTINCT FROM i.team_id OR c.channel <> i.channel"
        " OR c.received_at < i.answered_at OR c.received_at > i.answered_at + INTERVAL 5 MINUTE",
    )
    assert mismatched == [(0,)]


def test_the_same_seed_gives_the_same_register_and_another_seed_does_not(
    tmp_path: Path, policy: Policy
) -> None:
    made = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        db = open_database(tmp_path / f"{name}.duckdb")
        generate_demo(db, policy, **{**SMALL_DEMO, "seed": seed})
        made[name] = register(db)
        db.close()
    assert made["a"] == made["b"]
    assert made["a"] != made["c"]


def test_the_register_is_removed_with_the_demo_and_an_imported_complaint_stays(
    demo: Database,
) -> None:
    agent, team, contact = rows(
        demo,
        "SELECT agent_id, team_id, id FROM interactions WHERE is_demo AND agent_id IS NOT NULL"
        " ORDER BY id LIMIT 1",
    )[0]
    rows(
        demo,
        "INSERT INTO complaints (source, external_id, received_by, received_at, team_id,"
        " handled_by, channel, interaction_id, category, follow_up_due)"
        " VALUES ('import', 'K-1', ?, TIMESTAMPTZ '2026-11-10 09:00:00+00', ?, ?, 'phone', ?,"
        " 'billing', DATE '2026-11-13')",
        [agent, team, agent, contact],
    )
    generated = rows(demo, "SELECT count(*) FROM complaints WHERE is_demo")[0][0]

    removed = remove_demo(demo)

    assert removed.complaints == generated > 0
    # The imported complaint stays; the demo contact it came from is gone, and so is the link;
    # the demo agent who received it and their team stay, as for an imported contact.
    assert rows(demo, "SELECT external_id, interaction_id, is_demo FROM complaints") == [
        ("K-1", None, False)
    ]
    assert rows(demo, "SELECT id, team_id FROM staff") == [(agent, team)]


def test_the_register_looks_like_a_real_one(tmp_path: Path, policy: Policy) -> None:
    """Sixteen weeks of 24 agents (about 450 complaints): the shares the module's constants aim
    at, each well clear of the edge it is checked against."""
    db = open_database(tmp_path / "shape.duckdb")
    generate_demo(db, policy, seed=11, agents=24, days=112, until=SMALL_DEMO["until"])
    horizon = datetime(2026, 11, 20, 23, tzinfo=UTC)  # local midnight ending 20 November
    complaints = rows(
        db,
        "SELECT c.received_at, c.category, c.resolved_on_the_spot, c.promised_by, c.resolved_at,"
        " c.follow_up_due, c.followed_up_at, c.customer_satisfied, c.compensation_kind,"
        " c.compensation_amount, c.compensation_status, r.role, a.role, a.team_id, c.team_id,"
        " c.customer_email, CAST(timezone('Europe/Zagreb', c.resolved_at) AS DATE),"
        " c.followed_up_at <= timezone('Europe/Zagreb', CAST(c.follow_up_due + 1 AS TIMESTAMP))"
        " FROM complaints c JOIN staff r ON r.id = c.received_by"
        " LEFT JOIN staff a ON a.id = c.compensation_approver ORDER BY c.received_at",
    )
    db.close()
    n = len(complaints)
    assert n > 300

    # The top three categories make more than half, each clearly above the fourth.
    by_category = Counter(row[1] for row in complaints).most_common()
    top_three = sum(count for _, count in by_category[:3])
    assert [category for category, _ in by_category[:3]] == [
        "late_delivery",
        "faulty_product",
        "billing",
    ]
    assert top_three > n / 2 and by_category[2][1] > 1.3 * by_category[3][1]

    # Most resolved on the spot; some promises broken (past, and resolved late or not at all).
    on_the_spot = sum(row[2] for row in complaints)
    assert 0.5 * n < on_the_spot < 0.7 * n
    promised = [row for row in complaints if row[3] is not None and row[3] < horizon.date()]
    broken = [row for row in promised if row[4] is None or row[16] > row[3]]
    assert 0.04 * len(promised) < len(broken) < 0.3 * len(promised)

    # Follow-ups: the policy's due day, mostly on time, some late, some missed; satisfied
    # mostly yes, and only once followed up.
    assert all(row[5] == proposed_follow_up(row[0], policy) for row in complaints)
    due = [row for row in complaints if row[5] < horizon.date()]
    on_time = [row for row in due if row[17]]
    late = [row for row in due if row[6] is not None and not row[17]]
    missed = [row for row in due if row[6] is None]
    assert 0.7 * len(due) < len(on_time) < 0.92 * len(due)
    assert late and missed
    followed_up = [row for row in complaints if row[6] is not None]
    assert all(row[7] is not None for row in followed_up)
    assert all(row[7] is None for row in complaints if row[6] is None)
    assert (
        0.7 * len(followed_up) < sum(bool(row[7]) for row in followed_up) < 0.95 * len(followed_up)
    )
    assert all(row[6] < horizon and (row[4] is None or row[4] < horizon) for row in followed_up)

    # Compensation: within the receiver's limit when granted; above it only with the team's
    # supervisor as approver, within theirs; approved ones decided, the last one waiting.
    compensated = [row for row in complaints if row[8] is not None]
    assert 0.25 * n < len(compensated) < 0.45 * n
    for row in compensated:
        amount, status = Decimal(row[9]), row[10]
        needs = compensation_needs_approval(policy, row[11], row[8], amount)
        assert status == ("granted" if not needs else status)
        if needs:
            assert status in ("approved", "awaiting_approval")
            assert row[12] == "supervisor" and row[13] == row[14]
            assert not compensation_needs_approval(policy, "supervisor", row[8], amount)
    above = [row for row in compensated if row[10] != "granted"]
    assert 1 <= len(above) < 0.15 * len(compensated)
    assert [row[10] for row in above].count("awaiting_approval") == 1

    # Some customers complain again within 30 days; most once.
    emails = Counter(row[15] for row in complaints)
    again = sum(count - 1 for count in emails.values())
    assert 0 < again < 0.1 * n
