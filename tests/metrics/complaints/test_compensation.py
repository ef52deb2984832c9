"""Compensation within each role's limit, and its approval.

The shipped policy's account credit: an agent may grant 25 EUR alone, a supervisor 100, an owner
any amount. These tests give the owner a limit of 500 so that "above anyone on the ladder" can
be reached. Each limit is tried at the limit, one cent below and one cent above."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from metrics.complaints.register import (
    ComplaintError,
    NewComplaint,
    approvals_waiting,
    decide_compensation,
    get_complaint,
    possible_approvers,
    record_complaint,
)
from metrics.people import AccessDenied, Viewer, set_role
from metrics.store import Database, transaction
from modules.policy import CompensationLimits, Policy
from tests.metrics.complaints.conftest import NOW

AGENT_LIMIT, SUPERVISOR_LIMIT, OWNER_LIMIT = Decimal("25"), Decimal("100"), Decimal("500")
CENT = Decimal("0.01")


@pytest.fixture
def capped(policy: Policy) -> Policy:
    """The shipped policy with the owner's account credit capped at 500 EUR."""
    options = [
        option.model_copy(
            update={"limits": CompensationLimits(agent=25, supervisor=100, owner=500)}
        )
        if option.id == "account_credit"
        else option
        for option in policy.compensation.options
    ]
    compensation = policy.compensation.model_copy(update={"options": options})
    return policy.model_copy(update={"compensation": compensation})


def credit(
    amount: Decimal, approver: int | None = None, kind: str = "account_credit"
) -> NewComplaint:
    return NewComplaint(
        received_at=datetime(2026, 11, 10, 8, 30, tzinfo=UTC),
        channel="chat",
        category="faulty_product",
        description="The kettle leaks.",
        promised_by=date(2026, 11, 11),
        compensation_kind=kind,
        compensation_amount=amount,
        compensation_approver=approver,
    )


def status(db: Database, viewer: Viewer, complaint_id: int) -> str | None:
    return get_complaint(db, viewer, complaint_id).compensation_status


@pytest.mark.parametrize("amount", [AGENT_LIMIT - CENT, AGENT_LIMIT])
def test_an_agent_grants_up_to_their_limit_alone(
    db: Database, people: dict[str, Viewer], capped: Policy, amount: Decimal
) -> None:
    complaint_id = record_complaint(db, people["ana"], credit(amount), capped, now=NOW)
    assert status(db, people["ana"], complaint_id) == "granted"


def test_one_cent_above_an_agents_limit_needs_an_approver(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    above = AGENT_LIMIT + CENT
    with pytest.raises(ComplaintError, match=r"25\.01 EUR is above Ana's limit.*name an approver"):
        record_complaint(db, people["ana"], credit(above), capped, now=NOW)
    complaint_id = record_complaint(
        db, people["ana"], credit(above, people["sam"].staff_id), capped, now=NOW
    )
    assert status(db, people["ana"], complaint_id) == "awaiting_approval"


@pytest.mark.parametrize("amount", [SUPERVISOR_LIMIT - CENT, SUPERVISOR_LIMIT])
def test_the_teams_supervisor_approves_up_to_their_limit(
    db: Database, people: dict[str, Viewer], capped: Policy, amount: Decimal
) -> None:
    complaint_id = record_complaint(
        db, people["ana"], credit(amount, people["sam"].staff_id), capped, now=NOW
    )
    decide_compensation(
        db, people["sam"], complaint_id, approve=True, reason="Our courier's fault", policy=capped
    )
    stored = get_complaint(db, people["ana"], complaint_id)
    assert stored.compensation_status == "approved"
    assert stored.compensation_decided_by_name == "Sam"
    assert stored.compensation_decision_reason == "Our courier's fault"
    assert stored.compensation_decided_at is not None


def test_one_cent_above_a_supervisors_limit_only_an_owner_approves(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    above = SUPERVISOR_LIMIT + CENT
    # The supervisor cannot be named for it, nor decide it when an owner was named.
    with pytest.raises(ComplaintError, match=r"Sam may not approve 100\.01 EUR"):
        record_complaint(db, people["ana"], credit(above, people["sam"].staff_id), capped, now=NOW)
    complaint_id = record_complaint(
        db, people["ana"], credit(above, people["olga"].staff_id), capped, now=NOW
    )
    with pytest.raises(AccessDenied, match=r"a supervisor's limit is 100\.00 EUR"):
        decide_compensation(
            db, people["sam"], complaint_id, approve=True, reason="ok", policy=capped
        )
    decide_compensation(db, people["olga"], complaint_id, approve=True, reason="ok", policy=capped)
    assert status(db, people["ana"], complaint_id) == "approved"


@pytest.mark.parametrize("amount", [OWNER_LIMIT - CENT, OWNER_LIMIT])
def test_an_owner_approves_up_to_the_top_of_the_ladder(
    db: Database, people: dict[str, Viewer], capped: Policy, amount: Decimal
) -> None:
    complaint_id = record_complaint(
        db, people["ana"], credit(amount, people["olga"].staff_id), capped, now=NOW
    )
    decide_compensation(db, people["olga"], complaint_id, approve=True, reason="ok", policy=capped)
    assert status(db, people["ana"], complaint_id) == "approved"


def test_above_anyone_negative_and_unknown_options_are_refused(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    olga = people["olga"].staff_id
    refusals = [
        (
            credit(OWNER_LIMIT + CENT, olga),
            r"above what anyone on the escalation ladder may grant"
            r" \(at most 500\.00 EUR\)",
        ),
        (credit(Decimal("-5")), "cannot be negative"),
        (credit(Decimal("5"), kind="free_holiday"), "'free_holiday' is not one of the policy's"),
    ]
    for new, message in refusals:
        with pytest.raises(ComplaintError, match=message):
            record_complaint(db, people["ana"], new, capped, now=NOW)
    assert db.execute("SELECT count(*) FROM complaints").fetchone() == (0,)


def test_a_supervisor_grants_up_to_their_own_limit_alone(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    at = record_complaint(db, people["sam"], credit(SUPERVISOR_LIMIT), capped, now=NOW)
    assert status(db, people["sam"], at) == "granted"
    with pytest.raises(ComplaintError, match="above Sam's limit"):
        record_complaint(db, people["sam"], credit(SUPERVISOR_LIMIT + CENT), capped, now=NOW)


def test_another_teams_supervisor_may_not_approve(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    with pytest.raises(ComplaintError, match="Sue supervises another team"):
        record_complaint(db, people["ana"], credit(Decimal("30"), people["sue"].staff_id), capped)
    complaint_id = record_complaint(
        db, people["ana"], credit(Decimal("30"), people["olga"].staff_id), capped, now=NOW
    )
    with pytest.raises(AccessDenied):
        decide_compensation(
            db, people["sue"], complaint_id, approve=True, reason="x", policy=capped
        )
    assert [a.complaint.id for a in approvals_waiting(db, people["sue"], capped)] == []


def test_the_approvers_role_is_read_as_it_is_when_they_decide(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    complaint_id = record_complaint(
        db, people["ana"], credit(Decimal("30"), people["sam"].staff_id), capped, now=NOW
    )
    set_role(db, "sam@x.example", "agent")  # the session's Viewer still says supervisor
    with pytest.raises(AccessDenied, match=r"an agent's limit is 25\.00 EUR"):
        decide_compensation(
            db, people["sam"], complaint_id, approve=True, reason="x", policy=capped
        )
    assert status(db, people["ana"], complaint_id) == "awaiting_approval"


def test_a_refusal_is_kept_with_its_reason_and_cannot_be_decided_twice(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    complaint_id = record_complaint(
        db, people["ana"], credit(Decimal("30"), people["sam"].staff_id), capped, now=NOW
    )
    with pytest.raises(ComplaintError, match="give the reason"):
        decide_compensation(
            db, people["sam"], complaint_id, approve=False, reason=" ", policy=capped
        )
    decide_compensation(
        db, people["sam"], complaint_id, approve=False, reason="Not our fault", policy=capped
    )
    stored = get_complaint(db, people["ana"], complaint_id)
    assert (stored.compensation_status, stored.compensation_decision_reason) == (
        "refused",
        "Not our fault",
    )
    with pytest.raises(ComplaintError, match="no compensation waiting for approval"):
        decide_compensation(
            db, people["olga"], complaint_id, approve=True, reason="x", policy=capped
        )


def test_the_queue_and_the_choice_of_approvers(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    thirty = record_complaint(
        db, people["ana"], credit(Decimal("30"), people["sam"].staff_id), capped, now=NOW
    )
    two_hundred = record_complaint(
        db, people["ana"], credit(Decimal("200"), people["olga"].staff_id), capped, now=NOW
    )
    sam_queue = approvals_waiting(db, people["sam"], capped)
    assert [(a.complaint.id, a.may_decide) for a in sam_queue] == [
        (thirty, True),
        (two_hundred, False),
    ]
    assert [a.complaint.id for a in approvals_waiting(db, people["olga"], capped)] == [
        thirty,
        two_hundred,
    ]
    # Ana sees her own waiting compensations, and may decide none.
    assert [a.may_decide for a in approvals_waiting(db, people["ana"], capped)] == [False, False]
    names = [
        a.name
        for a in possible_approvers(db, people["ana"], capped, "account_credit", Decimal("30"))
    ]
    assert names == ["Sam", "Olga"]  # not Sue: another team
    names = [
        a.name
        for a in possible_approvers(db, people["ana"], capped, "account_credit", Decimal("200"))
    ]
    assert names == ["Olga"]


def test_a_decision_made_meanwhile_is_told_not_raised(
    db: Database, people: dict[str, Viewer], capped: Policy
) -> None:
    complaint_id = record_complaint(
        db, people["ana"], credit(Decimal("30"), people["sam"].staff_id), capped, now=NOW
    )
    with transaction(db) as other:  # another approver's decision, not yet committed
        other.execute(
            "UPDATE complaints SET compensation_status = 'refused', compensation_decided_by = ?,"
            " compensation_decided_at = now(), compensation_decision_reason = 'no' WHERE id = ?",
            [people["olga"].staff_id, complaint_id],
        )
        with pytest.raises(ComplaintError, match="changed meanwhile; reload it"):
            decide_compensation(
                db, people["sam"], complaint_id, approve=True, reason="ok", policy=capped
            )
    assert status(db, people["ana"], complaint_id) == "refused"
