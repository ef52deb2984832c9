"""The lists that drive the day, who sees which complaint and whose customers' details, working a
complaint, and erasing details (after the retention period, or on a customer's request).

Today is Tuesday 10 November 2026 in Zagreb. The register (follow-up 3 days after receipt):

| # | received by | received | promised | follow-up due | state                       |
|---|-------------|----------|----------|---------------|-----------------------------|
| 1 | Ana (A)     | 5 Nov    | 9 Nov    | 8 Nov         | open: promise broken, follow-up overdue |
| 2 | Ana (A)     | 7 Nov    | 10 Nov   | 10 Nov        | open: promise and follow-up due today    |
| 3 | Ana (A)     | 10 Nov   | on the spot | 13 Nov     | open: resolved, not followed up yet      |
| 4 | Ada (A)     | 6 Nov    | 7 Nov    | 9 Nov         | closed: resolved and followed up         |
| 5 | Bob (B)     | 8 Nov    | 12 Nov   | 11 Nov        | open                                     |
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from metrics.complaints.register import (
    ComplaintError,
    ComplaintUpdate,
    NewComplaint,
    approvals_waiting,
    complaint_list,
    complaints_today,
    end_of_local_day,
    erase_customer_details,
    erase_expired_details,
    find_customer_complaints,
    follow_up_due_moment,
    get_complaint,
    list_complaints,
    list_erasures,
    proposed_follow_up,
    record_complaint,
    update_complaint,
)
from metrics.people import AccessDenied, Viewer, set_team, staff_viewer
from metrics.store import Database
from modules.policy import Policy
from tests.metrics.complaints.conftest import NOW

TODAY = date(2026, 11, 10)


def received(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=UTC)


def new(day: int, promised: int | None, name: str) -> NewComplaint:
    return NewComplaint(
        received_at=received(day),
        channel="phone",
        category="late_delivery",
        description="Late again.",
        customer_name=name,
        customer_phone="+385 91 555 0" + str(day).zfill(3),
        resolved_on_the_spot=promised is None,
        promised_by=date(2026, 11, promised) if promised else None,
    )


@pytest.fixture
def register(db: Database, people: dict[str, Viewer], policy: Policy) -> dict[int, int]:
    rows = [
        (1, "ana", 5, 9),
        (2, "ana", 7, 10),
        (3, "ana", 10, None),
        (4, "ada", 6, 7),
        (5, "bob", 8, 12),
    ]
    ids = {
        n: record_complaint(db, people[who], new(day, promised, f"Customer {n}"), policy, now=NOW)
        for n, who, day, promised in rows
    }
    update_complaint(db, people["ada"], ids[4], ComplaintUpdate(resolved=True), policy, now=NOW)
    update_complaint(
        db,
        people["ada"],
        ids[4],
        ComplaintUpdate(followed_up=True, customer_satisfied=True),
        policy,
        now=NOW,
    )
    return ids


def numbers(complaints: list, ids: dict[int, int]) -> list[int]:
    by_id = {complaint_id: n for n, complaint_id in ids.items()}
    return [by_id[c.id] for c in complaints]


def test_the_days_lists_are_the_agents_own(
    db: Database, people: dict[str, Viewer], register: dict[int, int]
) -> None:
    ana = people["ana"]
    assert numbers(complaint_list(db, ana, "open", TODAY), register) == [1, 2, 3]
    assert numbers(complaint_list(db, ana, "promises_due_today", TODAY), register) == [2]
    assert numbers(complaint_list(db, ana, "promises_broken", TODAY), register) == [1]
    assert numbers(complaint_list(db, ana, "follow_ups_due_today", TODAY), register) == [2]
    assert numbers(complaint_list(db, ana, "follow_ups_overdue", TODAY), register) == [1]
    assert numbers(complaint_list(db, people["ada"], "open", TODAY), register) == []
    assert numbers(complaint_list(db, people["bob"], "open", TODAY), register) == [5]


def test_a_supervisor_sees_their_teams_and_an_owner_everyones(
    db: Database, people: dict[str, Viewer], register: dict[int, int]
) -> None:
    assert numbers(complaint_list(db, people["sam"], "open", TODAY), register) == [1, 2, 3]
    assert numbers(complaint_list(db, people["sue"], "open", TODAY), register) == [5]
    assert numbers(complaint_list(db, people["olga"], "open", TODAY), register) == [
        1,
        2,
        5,
        3,
    ]  # oldest first
    assert numbers(list_complaints(db, people["sam"]), register) == [3, 2, 4, 1]


def test_home_counts_what_is_the_agents_today(
    db: Database, people: dict[str, Viewer], register: dict[int, int], policy: Policy
) -> None:
    today = complaints_today(db, people["ana"], policy, TODAY)
    assert (
        today.open,
        today.promises_due_today,
        today.promises_broken,
        today.follow_ups_due_today,
        today.follow_ups_overdue,
        today.approvals_to_decide,
        today.approvals_waiting,
    ) == (3, 1, 1, 1, 1, 0, 0)


def test_customers_details_only_for_the_receiver_their_supervisor_and_owners(
    db: Database, people: dict[str, Viewer], register: dict[int, int]
) -> None:
    first = register[1]
    for who in ("ana", "sam", "olga"):
        customer = get_complaint(db, people[who], first).customer
        assert customer is not None and customer.name == "Customer 1", who
    for who in ("ada", "bob", "sue"):  # a colleague, another team, another team's supervisor
        with pytest.raises(AccessDenied):
            get_complaint(db, people[who], first)
    # Listed to another agent or supervisor, it is not there at all, details or not.
    assert first not in [c.id for c in list_complaints(db, people["ada"])]
    assert first not in [c.id for c in list_complaints(db, people["sue"])]
    assert all(c.details == "shown" for c in list_complaints(db, people["sam"]))


def test_working_a_complaint(
    db: Database, people: dict[str, Viewer], register: dict[int, int], policy: Policy
) -> None:
    second = register[2]
    with pytest.raises(AccessDenied):
        update_complaint(db, people["ada"], second, ComplaintUpdate(resolved=True), policy)
    with pytest.raises(AccessDenied):
        update_complaint(db, people["sue"], second, ComplaintUpdate(resolved=True), policy)
    with pytest.raises(ComplaintError, match="say whether the customer was satisfied"):
        update_complaint(db, people["ana"], second, ComplaintUpdate(followed_up=True), policy)
    later = NOW + timedelta(hours=2)
    update_complaint(
        db,
        people["sam"],
        second,
        ComplaintUpdate(promised_by=date(2026, 11, 11), steps="Courier called"),
        policy,
        now=later,
    )
    update_complaint(db, people["ana"], second, ComplaintUpdate(resolved=True), policy, now=later)
    with pytest.raises(ComplaintError, match="marked resolved already"):
        update_complaint(db, people["ana"], second, ComplaintUpdate(resolved=True), policy)
    update_complaint(
        db,
        people["ana"],
        second,
        ComplaintUpdate(followed_up=True, customer_satisfied=False),
        policy,
        now=later,
    )
    stored = get_complaint(db, people["ana"], second)
    assert stored.promised_by == date(2026, 11, 11)
    assert stored.steps == "Courier called"
    assert stored.resolved_at == stored.followed_up_at == later
    assert stored.customer_satisfied is False and stored.closed


def test_follow_up_due_across_a_month_end_and_the_clock_changes(policy: Policy) -> None:
    zone = "Europe/Zagreb"
    # 28 Nov 11:00 local + 3 days = 1 Dec; it ends at midnight CET (UTC+1): 23:00 UTC.
    at = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert proposed_follow_up(at, policy) == date(2026, 12, 1)
    assert follow_up_due_moment(at, None, policy) == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    # 23:30 UTC on 30 Nov is already 1 Dec in Zagreb: the local day counts.
    assert proposed_follow_up(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), policy) == date(
        2026, 12, 4
    )
    # Received 24 Oct 00:30 CEST (UTC+2); clocks go back on 25 Oct; due 27 Oct, which ends at
    # 28 Oct 00:00 CET = 27 Oct 23:00 UTC (not 22:00, as it would have been in summer time).
    autumn = datetime(2026, 10, 23, 22, 30, tzinfo=UTC)
    assert proposed_follow_up(autumn, policy) == date(2026, 10, 27)
    assert follow_up_due_moment(autumn, None, policy) == datetime(2026, 10, 27, 23, tzinfo=UTC)
    # Received 27 Mar 13:00 CET; clocks go forward on 29 Mar; due 30 Mar, ending at
    # 31 Mar 00:00 CEST = 30 Mar 22:00 UTC.
    spring = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    assert follow_up_due_moment(spring, None, policy) == datetime(2026, 3, 30, 22, tzinfo=UTC)
    # An earlier follow-up date set on the complaint wins; a later one does not.
    assert follow_up_due_moment(spring, date(2026, 3, 28), policy) == end_of_local_day(
        date(2026, 3, 28), zone
    )
    assert follow_up_due_moment(spring, date(2026, 4, 5), policy) == datetime(
        2026, 3, 30, 22, tzinfo=UTC
    )


def test_details_are_erased_from_complaints_closed_longer_than_the_retention_period(
    db: Database, people: dict[str, Viewer], register: dict[int, int], policy: Policy
) -> None:
    # Complaint 4 was closed at NOW; 730 days of retention end at NOW + 730 days.
    assert erase_expired_details(db, policy, now=NOW + timedelta(days=730)) == 0
    assert erase_expired_details(db, policy, now=NOW + timedelta(days=730, seconds=1)) == 1
    erased = get_complaint(db, people["olga"], register[4])
    assert (erased.details, erased.customer) == ("erased", None)
    assert erased.description == "Late again." and erased.category == "late_delivery"
    # The open ones keep their details however old they are.
    assert get_complaint(db, people["olga"], register[1]).details == "shown"
    (log,) = list_erasures(db, people["olga"])
    assert (log.reason, log.erased_by, log.complaint_ids) == ("retention", None, [register[4]])
    stored = db.execute(
        "SELECT count(*) FROM complaints WHERE customer_name = 'Customer 4'"
        " OR customer_phone LIKE '%006'"
    ).fetchone()
    assert stored == (0,)


def test_an_owner_erases_one_customers_details_on_request(
    db: Database, people: dict[str, Viewer], register: dict[int, int]
) -> None:
    with pytest.raises(AccessDenied):
        find_customer_complaints(db, people["sam"], "Customer 2")
    with pytest.raises(AccessDenied):
        erase_customer_details(db, people["sam"], [register[2]])
    # Found by the phone number's digits, written any way.
    found = find_customer_complaints(db, people["olga"], "091 555 0007")
    assert [c.id for c in found] == [register[2]]
    erase_customer_details(db, people["olga"], [c.id for c in found], now=NOW)
    assert get_complaint(db, people["ana"], register[2]).details == "erased"
    assert get_complaint(db, people["ana"], register[1]).details == "shown"
    (log,) = list_erasures(db, people["olga"])
    assert (log.reason, log.erased_by_name, log.complaint_ids, log.erased_at) == (
        "customer_request",
        "Olga",
        [register[2]],
        NOW,
    )


def test_an_approver_moved_to_another_team_sees_the_request_but_not_the_customer(
    db: Database, people: dict[str, Viewer], policy: Policy
) -> None:
    request = new(10, 12, "Customer Moved").model_copy(
        update={
            "compensation_kind": "account_credit",
            "compensation_amount": Decimal(30),
            "compensation_approver": people["sam"].staff_id,
        }
    )
    complaint_id = record_complaint(db, people["ana"], request, policy, now=NOW)
    set_team(db, "sam@x.example", "B")
    sam = staff_viewer(db, people["sam"].staff_id)
    assert sam is not None
    [waiting] = approvals_waiting(db, sam, policy)
    assert waiting.complaint.id == complaint_id
    assert (waiting.complaint.details, waiting.complaint.customer) == ("hidden", None)
    assert not waiting.may_decide and "supervises another team" in (waiting.why_not or "")


def test_the_follow_up_is_brought_forward_never_put_back(
    db: Database, people: dict[str, Viewer], register: dict[int, int], policy: Policy
) -> None:
    fifth = register[5]  # received 8 Nov: the policy's follow-up is 11 Nov
    with pytest.raises(ComplaintError, match="2026-11-11 at the latest"):
        update_complaint(
            db, people["bob"], fifth, ComplaintUpdate(follow_up_due=date(2026, 11, 12)), policy
        )
    update_complaint(
        db, people["bob"], fifth, ComplaintUpdate(follow_up_due=date(2026, 11, 10)), policy
    )
    assert numbers(complaint_list(db, people["bob"], "follow_ups_due_today", TODAY), register) == [
        5
    ]
