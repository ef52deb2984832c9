"""Customers' details past the retention period are erased by `academy complaints
erase-expired` and at every start of the app; the erasure is logged without the details."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from metrics.complaints.register import (
    ComplaintUpdate,
    NewComplaint,
    get_complaint,
    list_erasures,
    record_complaint,
    update_complaint,
)
from metrics.people import NewStaffMember, Viewer, add_staff, staff_viewer
from metrics.store import open_database
from modules.policy import load_policy
from training_app.cli import main
from training_app.startup import open_app_store

# Three years ago: past the default retention of 730 days.
LONG_AGO = datetime.now(UTC) - timedelta(days=3 * 365)


def closed_long_ago(path: Path) -> tuple[int, Viewer]:
    """A complaint received, resolved and followed up three years ago, and an open one."""
    db = open_database(path)
    try:
        policy = load_policy().policy
        staff_id = add_staff(db, NewStaffMember(name="Ana", email="ana@x.example", role="owner"))
        ana = staff_viewer(db, staff_id)
        assert ana is not None
        ids = []
        for name in ("Old Customer", "Open Customer"):
            new = NewComplaint(
                received_at=LONG_AGO,
                channel="email",
                category="billing",
                description="Charged twice.",
                customer_name=name,
                customer_email=f"{name.split()[0].lower()}@example.com",
                promised_by=LONG_AGO.date() + timedelta(days=1),
            )
            ids.append(record_complaint(db, ana, new, policy, now=LONG_AGO))
        for change in (
            ComplaintUpdate(resolved=True),
            ComplaintUpdate(followed_up=True, customer_satisfied=True),
        ):
            update_complaint(db, ana, ids[0], change, policy, now=LONG_AGO + timedelta(days=1))
    finally:
        db.close()
    return ids[0], ana


def test_the_command_erases_expired_details_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "academy.duckdb"
    old, ana = closed_long_ago(path)
    assert main(["complaints", "erase-expired", "--db", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"erased": 1}
    assert main(["complaints", "erase-expired", "--db", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"erased": 0}
    db = open_database(path)
    try:
        assert get_complaint(db, ana, old).details == "erased"
        still_open = get_complaint(db, ana, old + 1)
        assert still_open.customer is not None and still_open.customer.name == "Open Customer"
        [log] = list_erasures(db, ana)
        row = db.execute("SELECT * FROM complaint_erasures").fetchone()
    finally:
        db.close()
    assert (log.reason, log.complaint_ids) == ("retention", [old])
    assert "Old" not in str(row) and "old@" not in str(row)


def test_the_app_erases_expired_details_when_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "academy.duckdb"
    old, ana = closed_long_ago(path)
    store = open_app_store(path, load_policy())
    try:
        assert get_complaint(store.db, ana, old).details == "erased"
        assert store.demo_created is None  # a store with staff gets no demo
    finally:
        store.db.close()
