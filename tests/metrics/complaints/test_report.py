"""The complaint numbers, the top problems and `academy report complaints`, on hand-made
complaints whose answers are worked out here, complaint by complaint.

The shipped policy: Europe/Zagreb, `complaint_follow_up_days` 3. Zagreb is UTC+2 until the last
Sunday of October (25 Oct 2026, 03:00 → 02:00) and UTC+1 after it, until the last Sunday of
March (28 Mar 2027, 02:00 → 03:00).

The period of the report: 2 – 8 November 2026 (local), as of 30 Nov 2026 12:00 UTC, so every
due moment below has passed. Team A: Ana and Ada (agents), Sam (supervisor); team B: Bob, Sue.

Each complaint: who handles it; received (UTC); category; resolved on the spot or the promise;
resolved (UTC); follow-up due (the end of that local day); followed up; satisfied; customer;
compensation.

- c6 Ana, 11-01 22:30 (1 Nov 23:30 local: the previous period), billing, on the spot, 11-01
  22:40; mia@example.com.
- c1 Ana, 11-02 09:00, late_delivery, on the spot, 11-02 09:10; due 5 Nov (11-05 23:00 UTC),
  followed up 11-04 10:00 on time, satisfied; " Mia@Example.com"; 10 account credit, granted.
  Prevention "Confirm delivery slots by SMS".
- c2 Ana, 11-03 09:00, late_delivery, promised 5 Nov, resolved 11-05 20:00: kept (before 11-05
  23:00); due 6 Nov (11-06 23:00), followed up 11-07 09:00: late, not satisfied;
  mia@example.com. Prevention "Confirm delivery slots by SMS" again.
- c3 Ada, 11-04 09:00, faulty_product, promised 6 Nov, resolved 11-07 08:00: broken (after
  11-06 23:00); due 7 Nov, never followed up: late; +385 91 234 5678; 50 coupon, approved by
  Sam. Prevention " Test before dispatch ".
- c4 Ada (received by Ana), 11-05 09:00, faulty_product, promised 8 Nov, never resolved:
  broken; due 8 Nov, followed up 11-06 10:00 on time, satisfied; +385 (91) 234-5678.
- c5 Ana, 11-08 22:30 (8 Nov 23:30 local: in the period), billing, promised 25 Nov, never
  resolved: broken; due 11 Nov, never followed up: late; li@example.com; 5 delivery refund,
  awaiting approval.
- c8 Ana, 11-06 09:00, other (Parking), on the spot, 11-06 09:30; due 9 Nov (11-09 23:00),
  followed up 11-09 22:59 on time, satisfaction not asked; details erased.
- c7 Bob (team B), 11-03 09:00, billing, on the spot, 11-03 09:05; due 6 Nov, followed up
  11-04 09:00 on time, satisfied; MIA@example.com.

Team A in the period: c1, c2, c3, c4, c5, c8 = 6 complaints.
- resolved: c1, c2, c3, c8 = 4; on the spot: c1, c8 = 2 of 6.
- hours to resolve after the contact (c1 and c8 were on the spot, which has its own share):
  c2 59, c3 71 → median (59 + 71) / 2 = 65.
- promises: c2, c3, c4, c5 = 4; broken c3, c4, c5 = 3; kept c2: 1 of 4 decided.
- follow-ups: all 6 due; on time c1, c4, c8 = 3 of 6.
- satisfied: answered c1 (yes), c2 (no), c4 (yes) → 2 of 3.
- repeats: c1 (c6 nine and a half hours before, same e-mail ignoring case and spaces), c2 (c1),
  c4 (c3: the same phone digits) = 3 of 6; c8's details are erased, c5's e-mail is new.
- compensation given: 10 (granted) + 50 (approved) = 60; c5's 5 awaits approval: not given.
- contacts handled (answered, queued in the period): Ana 8, Ada 5 (one more unanswered) → 13.
  Per 1,000: team 6 / 13 × 1000; Ana (c1, c2, c5, c8) 4 / 8 × 1000 = 500; Ada 2 / 5 × 1000 = 400.
- per agent: Ana on time c1, c8 = 2 of 4, satisfied c1 yes, c2 no = 1 of 2; Ada on time c4 =
  1 of 2, satisfied c4 = 1 of 1.
- top problems: faulty_product 2 and late_delivery 2 tie, "Faulty or damaged product" before
  "Late or missed delivery"; billing 1 and other 1 tie, "Billing, payment or refund" before
  "Other"; then every other category with 0, by name. Previous period (26 Oct – 1 Nov): billing 1.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from metrics.complaints.register import follow_up_due_moment, proposed_follow_up
from metrics.complaints.report import (
    MIN_PHONE_DIGITS,
    complaint_numbers,
    report_answer,
    top_problems,
)
from metrics.people import AccessDenied, Viewer
from metrics.performance.intervals import wilson_interval
from metrics.performance.period import Period
from metrics.store import Database
from modules.policy import Policy
from training_app.cli import main

WEEK = Period(start=date(2026, 11, 2), end=date(2026, 11, 8))
AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def add_complaint(
    db: Database,
    policy: Policy,
    handled_by: Viewer,
    received_at: datetime,
    category: str = "late_delivery",
    *,
    received_by: Viewer | None = None,
    **fields: object,
) -> int:
    """A complaint as stored, with only what a test names; the follow-up date defaults to the
    policy's proposal (what the register stores when none is chosen)."""
    receiver = received_by or handled_by
    values: dict[str, object] = {
        "received_by": receiver.staff_id,
        "handled_by": handled_by.staff_id,
        "team_id": receiver.team_id,
        "received_at": received_at,
        "channel": "phone",
        "category": category,
        "follow_up_due": proposed_follow_up(received_at, policy),
        **fields,
    }
    if category == "other":
        values.setdefault("category_other", "Parking")
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    (found,) = db.execute(
        f"INSERT INTO complaints ({columns}) VALUES ({marks}) RETURNING id", list(values.values())
    ).fetchone()  # type: ignore[misc]
    return int(found)


def add_contacts(db: Database, agent: Viewer, answered: int, unanswered: int = 0) -> None:
    """Contacts queued to the agent's team on 3 Nov, `answered` of them answered by the agent."""
    (start,) = db.execute("SELECT coalesce(max(id), 0) FROM interactions").fetchone()  # type: ignore[misc]
    for n in range(answered + unanswered):
        queued = utc(11, 3, 8) + timedelta(minutes=n)
        db.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, abandoned, resolved)"
            " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, ?, false)",
            [
                start + n + 1,
                f"{agent.staff_id}-{n}",
                agent.staff_id if n < answered else None,
                agent.team_id,
                queued,
                queued + timedelta(seconds=20) if n < answered else None,
                n >= answered,
            ],
        )


@pytest.fixture
def register(db: Database, policy: Policy, people: dict[str, Viewer]) -> dict[str, int]:
    ana, ada, sam, bob = people["ana"], people["ada"], people["sam"], people["bob"]
    ids = {
        "c6": add_complaint(
            db,
            policy,
            ana,
            utc(11, 1, 22, 30),
            "billing",
            resolved_on_the_spot=True,
            resolved_at=utc(11, 1, 22, 40),
            customer_email="mia@example.com",
        ),
        "c1": add_complaint(
            db,
            policy,
            ana,
            utc(11, 2, 9),
            resolved_on_the_spot=True,
            resolved_at=utc(11, 2, 9, 10),
            followed_up_at=utc(11, 4, 10),
            customer_satisfied=True,
            customer_email=" Mia@Example.com",
            compensation_kind="account_credit",
            compensation_amount=10,
            compensation_status="granted",
            prevention="Confirm delivery slots by SMS",
        ),
        "c2": add_complaint(
            db,
            policy,
            ana,
            utc(11, 3, 9),
            promised_by=date(2026, 11, 5),
            resolved_at=utc(11, 5, 20),
            followed_up_at=utc(11, 7, 9),
            customer_satisfied=False,
            customer_email="mia@example.com",
            prevention="Confirm delivery slots by SMS",
        ),
        "c3": add_complaint(
            db,
            policy,
            ada,
            utc(11, 4, 9),
            "faulty_product",
            promised_by=date(2026, 11, 6),
            resolved_at=utc(11, 7, 8),
            customer_phone="+385 91 234 5678",
            compensation_kind="free_coupon",
            compensation_amount=50,
            compensation_status="approved",
            compensation_approver=sam.staff_id,
            compensation_decided_by=sam.staff_id,
            compensation_decided_at=utc(11, 4, 12),
            prevention=" Test before dispatch ",
        ),
        "c4": add_complaint(
            db,
            policy,
            ada,
            utc(11, 5, 9),
            "faulty_product",
            received_by=ana,
            promised_by=date(2026, 11, 8),
            followed_up_at=utc(11, 6, 10),
            customer_satisfied=True,
            customer_phone="+385 (91) 234-5678",
        ),
        "c5": add_complaint(
            db,
            policy,
            ana,
            utc(11, 8, 22, 30),
            "billing",
            promised_by=date(2026, 11, 25),
            customer_email="li@example.com",
            compensation_kind="delivery_refund",
            compensation_amount=5,
            compensation_status="awaiting_approval",
            compensation_approver=sam.staff_id,
        ),
        "c8": add_complaint(
            db,
            policy,
            ana,
            utc(11, 6, 9),
            "other",
            resolved_on_the_spot=True,
            resolved_at=utc(11, 6, 9, 30),
            followed_up_at=utc(11, 9, 22, 59),
            details_erased_at=utc(11, 20, 0),
        ),
        "c7": add_complaint(
            db,
            policy,
            bob,
            utc(11, 3, 9),
            "billing",
            resolved_on_the_spot=True,
            resolved_at=utc(11, 3, 9, 5),
            followed_up_at=utc(11, 4, 9),
            customer_satisfied=True,
            customer_email="MIA@example.com",
        ),
    }
    add_contacts(db, ana, answered=8)
    add_contacts(db, ada, answered=5, unanswered=1)
    return ids


def test_team_numbers_follow_the_definitions(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    report = complaint_numbers(db, people["sam"], policy, WEEK, AS_OF)
    team = report.overall
    assert team.complaints == 6
    assert team.contacts_handled == 13
    assert team.per_1000_contacts == pytest.approx(6 / 13 * 1000)
    low, high = wilson_interval(6, 13)
    assert (team.per_1000_low, team.per_1000_high) == (
        pytest.approx(low * 1000),  # type: ignore[operator]
        pytest.approx(high * 1000),  # type: ignore[operator]
    )
    assert team.resolved == 4
    assert team.median_hours_to_resolve == pytest.approx(65)
    assert (team.on_the_spot.successes, team.on_the_spot.n) == (2, 6)
    assert (team.promises, team.promises_broken) == (4, 3)
    assert (team.promises_kept.successes, team.promises_kept.n) == (1, 4)
    assert (team.follow_ups.successes, team.follow_ups.n, team.follow_ups.value) == (3, 6, 0.5)
    assert (team.follow_ups.low, team.follow_ups.high) == wilson_interval(3, 6)
    assert (team.satisfied.successes, team.satisfied.n) == (2, 3)
    assert (team.repeats.successes, team.repeats.n) == (3, 6)
    assert team.compensation_total == 60
    assert [(line.label, line.given, line.total) for line in report.compensation_by_kind] == [
        ("Discount coupon", 1, 50),
        ("Account credit", 1, 10),
    ]
    assert [(line.label, line.total) for line in report.compensation_by_approver] == [
        ("Sam", 50),  # decided above Ada's limit
        ("Ana", 10),  # within her own limit: she gave it
    ]
    # The supervisor's one team, and each agent who handles one of its complaints.
    assert [t.team for t in report.teams] == ["A"]
    agents = {a.name: a.numbers for a in report.agents}
    assert set(agents) == {"Ana", "Ada"}
    assert (agents["Ana"].complaints, agents["Ana"].per_1000_contacts) == (4, 500)
    assert (agents["Ana"].follow_ups.successes, agents["Ana"].follow_ups.n) == (2, 4)
    assert (agents["Ana"].satisfied.successes, agents["Ana"].satisfied.n) == (1, 2)
    assert (agents["Ada"].complaints, agents["Ada"].per_1000_contacts) == (2, 400)
    assert (agents["Ada"].follow_ups.successes, agents["Ada"].follow_ups.n) == (1, 2)
    assert (agents["Ada"].satisfied.successes, agents["Ada"].satisfied.n) == (1, 1)


def test_a_promise_not_yet_due_is_neither_kept_nor_broken(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    # On 20 Nov c5's promise (25 Nov) is still open; c3 and c4's have been broken, c2's kept.
    team = complaint_numbers(db, people["sam"], policy, WEEK, utc(11, 20, 12)).overall
    assert (team.promises, team.promises_broken) == (4, 2)
    assert (team.promises_kept.successes, team.promises_kept.n) == (1, 3)


def test_a_follow_up_is_due_only_once_its_day_has_ended(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    # At 11-06 23:00 UTC (midnight starting 7 Nov in Zagreb) c1 (due 11-05 23:00) and c2 (due
    # 11-06 23:00) are due; c3's ends at 11-07 23:00. c1 was on time, c2 not yet followed up.
    team = complaint_numbers(db, people["sam"], policy, WEEK, utc(11, 6, 23)).overall
    assert (team.follow_ups.successes, team.follow_ups.n) == (1, 2)
    one_second_earlier = utc(11, 6, 23) - timedelta(seconds=1)
    team = complaint_numbers(db, people["sam"], policy, WEEK, one_second_earlier).overall
    assert (team.follow_ups.successes, team.follow_ups.n) == (1, 1)


@pytest.mark.parametrize(
    ("received_at", "chosen", "due"),
    [
        # 29 Oct 11:00 local + 3 days = 1 Nov, across the month end: due at midnight starting
        # 2 Nov, 23:00 UTC on 1 Nov (winter time).
        (utc(10, 29, 10), None, utc(11, 1, 23)),
        # 22 Oct 23:30 local (summer, UTC+2) + 3 = 25 Oct, the day the clocks go back: its end is
        # midnight starting 26 Oct in winter time, 23:00 UTC (not 22:00, the summer offset).
        (utc(10, 22, 21, 30), None, utc(10, 25, 23)),
        # 23 Oct 22:30 UTC is already 24 Oct in Zagreb: + 3 = 27 Oct (not 26 Oct by the UTC date).
        (utc(10, 23, 22, 30), None, utc(10, 27, 23)),
        # 25 Mar 2027 13:00 local + 3 = 28 Mar, the day the clocks go forward: its end is
        # midnight starting 29 Mar in summer time, 22:00 UTC.
        (utc(3, 25, 12, year=2027), None, utc(3, 28, 22, year=2027)),
        # An earlier date set (30 Oct): due at its end.
        (utc(10, 29, 10), date(2026, 10, 30), utc(10, 30, 23)),
        # A later date stored than the policy allows (10 Nov): the policy's 1 Nov counts.
        (utc(10, 29, 10), date(2026, 11, 10), utc(11, 1, 23)),
    ],
)
def test_follow_up_due_moments_across_a_month_end_and_clock_changes(
    db: Database,
    policy: Policy,
    people: dict[str, Viewer],
    received_at: datetime,
    chosen: date | None,
    due: datetime,
) -> None:
    """One complaint followed up a second before the due moment, one exactly at it (the day has
    ended: late). The register's own rule gives the same moment."""
    assert follow_up_due_moment(received_at, chosen, policy) == due
    for followed_up_at in (due - timedelta(seconds=1), due):
        add_complaint(
            db,
            policy,
            people["ana"],
            received_at,
            resolved_on_the_spot=True,
            resolved_at=received_at,
            followed_up_at=followed_up_at,
            follow_up_due=chosen or proposed_follow_up(received_at, policy),
        )
    zone_day = received_at.astimezone(ZoneInfo(policy.business_hours.timezone)).date()
    period = Period(start=zone_day - timedelta(days=1), end=zone_day + timedelta(days=1))
    before = complaint_numbers(db, people["sam"], policy, period, due - timedelta(seconds=1))
    assert before.overall.follow_ups.n == 0  # not due yet, though one was followed up
    at = complaint_numbers(db, people["sam"], policy, period, due).overall
    assert (at.follow_ups.successes, at.follow_ups.n) == (1, 2)


def test_a_promise_is_broken_at_the_end_of_its_local_day(
    db: Database, policy: Policy, people: dict[str, Viewer]
) -> None:
    # Promised by 25 Oct 2026 (the clocks go back): the day ends at 23:00 UTC.
    received = utc(10, 24, 9)

    def promised(resolved_at: datetime | None) -> None:
        add_complaint(
            db,
            policy,
            people["ana"],
            received,
            promised_by=date(2026, 10, 25),
            resolved_at=resolved_at,
        )

    promised(utc(10, 25, 22, 59))
    promised(None)
    period = Period(start=date(2026, 10, 24), end=date(2026, 10, 24))
    before_end = complaint_numbers(db, people["sam"], policy, period, utc(10, 25, 22)).overall
    # Only the one resolved at 22:59 is decided (kept); the other's day has not ended.
    assert (before_end.promises_kept.successes, before_end.promises_broken) == (1, 0)
    at_end = complaint_numbers(db, people["sam"], policy, period, utc(10, 25, 23)).overall
    assert (at_end.promises_kept.successes, at_end.promises_broken) == (1, 1)
    # Resolved exactly at the day's end is after it: broken.
    promised(utc(10, 25, 23))
    after = complaint_numbers(db, people["sam"], policy, period, utc(10, 26, 0)).overall
    assert (after.promises, after.promises_kept.successes, after.promises_broken) == (3, 1, 2)
    assert (after.promises_kept.n, after.promises_kept.value) == (3, 1 / 3)


def test_repeat_complaints_match_e_mail_or_phone_within_30_days(
    db: Database, policy: Policy, people: dict[str, Viewer]
) -> None:
    ana = people["ana"]
    first = utc(11, 1, 10)
    add_complaint(db, policy, ana, first, customer_email="ivo@example.com", customer_phone="123")
    # 30 days later to the second: a repeat; a second more: not.
    add_complaint(db, policy, ana, first + timedelta(days=30), customer_email="IVO@example.com")
    add_complaint(
        db, policy, ana, first + timedelta(days=30, seconds=1), customer_email="x@example.com"
    )
    # The same short number (3 digits, under MIN_PHONE_DIGITS): no match.
    assert MIN_PHONE_DIGITS > 3
    add_complaint(db, policy, ana, first + timedelta(days=2), customer_phone="1-2-3")
    # An erased customer matches nobody, either way.
    add_complaint(
        db,
        policy,
        ana,
        first + timedelta(days=3),
        customer_email="ivo@example.com",
        customer_phone="+385 99 000 1111",
        details_erased_at=utc(11, 30, 0),
    )
    add_complaint(db, policy, ana, first + timedelta(days=10), customer_phone="+385-99-000-1111")
    period = Period(start=date(2026, 11, 2), end=date(2026, 12, 31))
    numbers = complaint_numbers(db, people["olga"], policy, period, AS_OF).overall
    # In the period: the five after the first; only the one 30 days later repeats (the last
    # one's number is the erased customer's, which matches nobody).
    assert (numbers.repeats.successes, numbers.repeats.n) == (1, 5)


def test_scope_supervisor_sees_their_team_agent_only_themselves(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    everyone = complaint_numbers(db, people["olga"], policy, WEEK, AS_OF)
    assert everyone.overall.complaints == 7
    assert [t.team for t in everyone.teams] == ["A", "B"]
    team_b = complaint_numbers(db, people["sue"], policy, WEEK, AS_OF)
    assert team_b.overall.complaints == 1
    assert [a.name for a in team_b.agents] == ["Bob"]
    # c7 repeats c1 (Mia, the day before), though c1 is another team's.
    assert team_b.overall.repeats.successes == 1
    with pytest.raises(AccessDenied):
        complaint_numbers(db, people["sue"], policy, replace(WEEK, team_id=people["ana"].team_id))
    ana = complaint_numbers(db, people["ana"], policy, WEEK, AS_OF)
    assert ana.overall.complaints == 4
    assert ana.teams == []
    assert [a.name for a in ana.agents] == ["Ana"]
    with pytest.raises(AccessDenied):
        complaint_numbers(db, people["ana"], policy, replace(WEEK, team_id=people["bob"].team_id))


def test_top_problems_rank_by_count_ties_by_name(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    problems = top_problems(db, people["sam"], policy, WEEK)
    assert (problems.complaints, problems.previous_complaints) == (6, 1)
    ranked = [(p.name, p.complaints, p.share, p.cumulative_share) for p in problems.problems]
    assert ranked[:4] == [
        ("Faulty or damaged product", 2, 2 / 6, 2 / 6),
        ("Late or missed delivery", 2, 2 / 6, 4 / 6),
        ("Billing, payment or refund", 1, 1 / 6, 5 / 6),
        ("Other", 1, 1 / 6, 1.0),
    ]
    zero = [name for name, count, _, _ in ranked[4:]]
    assert zero == sorted(zero, key=str.casefold)
    assert {count for _, count, _, _ in ranked[4:]} == {0}
    assert len(ranked) == len(policy.complaints.categories) + 1  # every category, and other
    by_name = {p.name: p for p in problems.problems}
    assert by_name["Billing, payment or refund"].previous == 1
    assert by_name["Late or missed delivery"].prevention == ["Confirm delivery slots by SMS"]
    assert by_name["Faulty or damaged product"].prevention == ["Test before dispatch"]
    assert [p.name for p in problems.most_significant()] == [
        "Faulty or damaged product",
        "Late or missed delivery",
        "Billing, payment or refund",
    ]


def test_report_answer_has_the_issues_shape(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    team_a = replace(WEEK, team_id=people["ana"].team_id)
    answer = report_answer(db, people["olga"], policy, team_a, AS_OF)
    assert list(answer) == [
        "period",
        "complaints",
        "per_1000_contacts",
        "resolved",
        "resolved_on_the_spot",
        "median_hours_to_resolve",
        "promises",
        "promises_broken",
        "follow_ups_due",
        "followed_up_on_time",
        "follow_up_compliance",
        "satisfied_after_follow_up",
        "satisfied_rate",
        "compensation_total",
        "top_problems",
        "agents",
    ]
    assert answer["period"] == {"from": "2026-11-02", "to": "2026-11-08"}
    assert answer["complaints"] == 6
    assert answer["per_1000_contacts"] == pytest.approx(6000 / 13)
    assert (answer["resolved"], answer["resolved_on_the_spot"]) == (4, 2)
    assert answer["median_hours_to_resolve"] == pytest.approx(65)
    assert (answer["promises"], answer["promises_broken"]) == (4, 3)
    assert (answer["follow_ups_due"], answer["followed_up_on_time"]) == (6, 3)
    assert answer["follow_up_compliance"] == 0.5
    assert answer["satisfied_after_follow_up"] == 2
    assert answer["satisfied_rate"] == pytest.approx(2 / 3)
    assert answer["compensation_total"] == 60
    top = answer["top_problems"]
    assert list(top[0]) == ["category", "complaints", "share", "cumulative_share"]  # type: ignore[index]
    assert top[0] == {  # type: ignore[index]
        "category": "Faulty or damaged product",
        "complaints": 2,
        "share": pytest.approx(1 / 3),
        "cumulative_share": pytest.approx(1 / 3),
    }
    assert answer["agents"] == [
        {
            "agent": "ada@x.example",
            "name": "Ada",
            "complaints": 2,
            "follow_up_compliance": 0.5,
            "satisfied_rate": 1.0,
        },
        {
            "agent": "ana@x.example",
            "name": "Ana",
            "complaints": 4,
            "follow_up_compliance": 0.5,
            "satisfied_rate": 0.5,
        },
    ]


def test_the_command_prints_the_report_as_json_and_csv(
    db: Database,
    policy: Policy,
    people: dict[str, Viewer],
    register: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db.close()
    store = str(tmp_path / "academy.duckdb")
    argv = ["report", "complaints", "--from", "2026-11-02", "--to", "2026-11-08"]
    assert main([*argv, "--team", "A", "--db", store]) == 0
    answer = json.loads(capsys.readouterr().out)
    # Now is after every due moment of the table: the same numbers as at AS_OF.
    assert (answer["complaints"], answer["follow_ups_due"], answer["promises_broken"]) == (6, 6, 3)
    assert [a["name"] for a in answer["agents"]] == ["Ada", "Ana"]
    assert main([*argv, "--format", "csv", "--db", store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "agent,name,complaints,follow_up_compliance,satisfied_rate"
    assert lines[1:] == [
        "ada@x.example,Ada,2,0.5,1.0",
        "ana@x.example,Ana,4,0.5,0.5",
        "bob@x.example,Bob,1,1.0,1.0",
    ]
    assert main([*argv, "--team", "Nobody", "--db", store]) == 1
    assert "--team: no team named 'Nobody'" in capsys.readouterr().err
    assert main(["report", "complaints", "--from", "2026-11-09", "--to", "2026-11-02"]) == 1
    assert "starts (2026-11-09) after it ends" in capsys.readouterr().err


def test_an_agent_may_not_ask_for_the_report_that_names_colleagues(
    db: Database, policy: Policy, people: dict[str, Viewer], register: dict[str, int]
) -> None:
    with pytest.raises(AccessDenied):
        report_answer(db, people["ana"], policy, WEEK, AS_OF)
