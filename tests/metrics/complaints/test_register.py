"""Recording a complaint: the fields, the category, the promised date and the follow-up date
proposed from the policy (3 days in the shipped policy) and only ever brought forward."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from metrics.complaints.register import (
    ComplaintError,
    NewComplaint,
    get_complaint,
    record_complaint,
)
from metrics.people import Viewer
from metrics.store import Database
from modules.policy import Policy
from tests.metrics.complaints.conftest import NOW

RECEIVED = datetime(2026, 11, 10, 8, 30, tzinfo=UTC)  # 09:30 on Tuesday 10 November in Zagreb


def complaint(**fields: object) -> NewComplaint:
    base: dict[str, object] = {
        "received_at": RECEIVED,
        "channel": "phone",
        "category": "late_delivery",
        "description": "The fridge did not come on Monday as promised.",
        "promised_by": date(2026, 11, 12),
    }
    return NewComplaint.model_validate(base | fields)


def test_a_recorded_complaint_reads_back_with_every_field(
    db: Database, people: dict[str, Viewer], policy: Policy
) -> None:
    new = complaint(
        customer_name="Marta Horvat",
        customer_phone="+385 91 111 2222",
        customer_email="marta@example.com",
        customer_address="Ilica 1, Zagreb",
        resolution="Delivery rebooked for Thursday morning",
        steps="Warehouse asked to load it first",
        handling_steps_done=["apologise", "understand"],
        compensation_kind="delivery_refund",
        compensation_amount=Decimal("15"),
        prevention="Confirm slots the day before",
    )
    complaint_id = record_complaint(db, people["ana"], new, policy, now=NOW)

    stored = get_complaint(db, people["ana"], complaint_id)
    assert stored.received_by_name == "Ana"
    assert stored.handled_by == stored.recorded_by == people["ana"].staff_id
    assert stored.team_id == people["ana"].team_id
    assert stored.customer is not None and stored.customer.name == "Marta Horvat"
    assert stored.customer.address == "Ilica 1, Zagreb"
    assert stored.promised_by == date(2026, 11, 12)
    # Received on the 10th, local; three calendar days later is the 13th.
    assert stored.follow_up_due == date(2026, 11, 13)
    # Ticked in any order, kept in the policy's order.
    assert stored.handling_steps_done == ["understand", "apologise"]
    # 15 EUR of delivery refund is exactly an agent's limit: granted alone.
    assert stored.compensation_status == "granted"
    assert stored.compensation_amount == Decimal("15.00")
    assert stored.resolved_at is None and not stored.closed


def test_resolved_on_the_spot_is_resolved_when_received(
    db: Database, people: dict[str, Viewer], policy: Policy
) -> None:
    new = complaint(resolved_on_the_spot=True, promised_by=None, resolution="Refunded")
    stored = get_complaint(
        db, people["ana"], record_complaint(db, people["ana"], new, policy, now=NOW)
    )
    assert stored.resolved_at == RECEIVED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": "weather"}, "'weather' is not one of the policy's complaint categories"),
        ({"category": "other"}, "say in a few words what kind of complaint 'other' is"),
        ({"promised_by": None}, "give the date by which it was promised"),
        ({"resolved_on_the_spot": True}, "a complaint resolved on the spot has no promised date"),
        ({"follow_up_due": date(2026, 11, 14)}, "2026-11-13 at the latest"),
        ({"follow_up_due": date(2026, 11, 9)}, "cannot be before the complaint was received"),
        ({"handling_steps_done": ["shout"]}, "not a step of the policy's complaint handling"),
        ({"received_at": datetime(2026, 11, 11, tzinfo=UTC)}, "in the future"),
    ],
)
def test_a_complaint_the_policy_does_not_allow_is_refused_with_the_reason(
    db: Database,
    people: dict[str, Viewer],
    policy: Policy,
    fields: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(ComplaintError, match=message):
        record_complaint(db, people["ana"], complaint(**fields), policy, now=NOW)
    assert db.execute("SELECT count(*) FROM complaints").fetchone() == (0,)


def test_other_with_words_and_an_earlier_follow_up_are_kept(
    db: Database, people: dict[str, Viewer], policy: Policy
) -> None:
    new = complaint(
        category="other", category_other="Parking at the shop", follow_up_due=date(2026, 11, 11)
    )
    stored = get_complaint(
        db, people["ana"], record_complaint(db, people["ana"], new, policy, now=NOW)
    )
    assert (stored.category, stored.category_other) == ("other", "Parking at the shop")
    assert stored.follow_up_due == date(2026, 11, 11)
    assert policy.complaints.category_name("other", "Parking at the shop") == (
        "Other: Parking at the shop"
    )


def test_the_shipped_policy_file_is_unchanged_and_gets_the_register_defaults(
    policy: Policy,
) -> None:
    import hashlib

    from modules.policy import DEFAULT_POLICY_PATH

    # The complaints section is optional: the shipped file stays byte for byte what it was.
    digest = hashlib.sha256(DEFAULT_POLICY_PATH.read_bytes()).hexdigest()
    assert digest == "37f8e48a87d21a3fb7fb3ab524c5d2cbfb1ab7f3353929976ddf7f147a1d27f6"
    assert "late_delivery" in [c.id for c in policy.complaints.categories]
    assert policy.complaints.details_retention_days == 730
