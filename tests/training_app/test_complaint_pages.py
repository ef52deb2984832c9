"""The complaint register's pages on the small demo store: recording a complaint through the
form, the day's lists and one complaint's record (an agent never sees another agent's
customers, a supervisor never another team's), the approvals queue, the owner's erasure of a
customer's details, and Home's line on what is yours today."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from metrics.complaints.register import (
    NewComplaint,
    get_complaint,
    list_complaints,
    list_erasures,
    record_complaint,
)
from metrics.people import Viewer, list_staff, staff_viewer
from metrics.store import open_database
from modules.policy import load_policy
from tests.training_app.apptest import app_as

ZONE = ZoneInfo("Europe/Zagreb")


@pytest.fixture(autouse=True)
def without_the_demo_register(demo_db_path: Path) -> None:
    """These tests count the complaints they record: the demo's own register is set aside."""
    db = open_database(demo_db_path)
    try:
        db.execute("DELETE FROM complaints WHERE is_demo")
    finally:
        db.close()


def by_label(widgets, label: str):
    [found] = [w for w in widgets if w.label == label]
    return found


def colleagues(path: Path, viewers: dict[str, Viewer]) -> dict[str, Viewer]:
    """Another agent of the demo agent's team, an agent and the supervisor of another team."""
    db = open_database(path)
    try:
        staff = list_staff(db, Viewer.local_admin())
        agent = viewers["agent"]
        same = next(
            m
            for m in staff
            if m.role == "agent" and m.team_id == agent.team_id and m.id != agent.staff_id
        )
        other_agent = next(m for m in staff if m.role == "agent" and m.team_id != agent.team_id)
        other_supervisor = next(
            m for m in staff if m.role == "supervisor" and m.team_id == other_agent.team_id
        )
        found = {
            key: staff_viewer(db, member.id)
            for key, member in (
                ("colleague", same),
                ("other_agent", other_agent),
                ("other_supervisor", other_supervisor),
            )
        }
    finally:
        db.close()
    assert all(found.values())
    return found  # type: ignore[return-value]


def recorded(path: Path, viewer: Viewer, name: str, **fields: object) -> int:
    """A complaint received an hour ago (or at local midnight, if that was yesterday in the
    policy's zone), its follow-up due today."""
    db = open_database(path)
    try:
        policy = load_policy().policy
        now = datetime.now(UTC)
        midnight = datetime.combine(now.astimezone(ZONE).date(), time(), ZONE)
        received = max(now - timedelta(hours=1), midnight.astimezone(UTC))
        new = NewComplaint.model_validate(
            {
                "received_at": received,
                "channel": "phone",
                "category": "late_delivery",
                "description": f"{name}'s delivery did not come.",
                "customer_name": name,
                "customer_phone": "+385 91 000 1111",
                "promised_by": (now + timedelta(days=2)).astimezone(ZONE).date(),
                "follow_up_due": received.astimezone(ZONE).date(),
            }
            | fields
        )
        return record_complaint(db, viewer, new, policy)
    finally:
        db.close()


def page(viewer: Viewer, file: str):
    at = app_as(viewer).run()
    at.switch_page(f"app_pages/{file}").run()
    assert not at.exception
    return at


def test_an_agent_records_a_complaint_with_the_policys_steps_ticked(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    at = page(viewers["agent"], "record_complaint.py")
    assert at.title[0].value == "Record a complaint"
    steps = [c.label for c in at.checkbox]
    assert steps[0] == "1. Understand the problem and repeat it back" and len(steps) == 7
    at.checkbox[0].check()
    at.checkbox[4].check()
    by_label(at.text_input, "Customer's name").input("Marta Horvat")
    by_label(at.text_input, "Phone").input("+385 91 222 3333")
    by_label(at.selectbox, "Category").select("faulty_product")
    by_label(at.text_area, "What the customer said").input("The kettle leaks at the base.")
    promised = datetime.now(ZONE).date() + timedelta(days=2)
    by_label(at.date_input, "If not: promised by").set_value(promised)
    by_label(at.selectbox, "Option").select("account_credit")
    by_label(at.text_input, "Amount (EUR)").input("20")
    by_label(at.button, "Record the complaint").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    [notice] = at.success

    db = open_database(demo_db_path)
    try:
        [stored] = list_complaints(db, viewers["agent"])
    finally:
        db.close()
    # Numbered after the demo's register, set aside but not renumbered.
    assert notice.value.startswith(f"Complaint No. {stored.id} recorded; follow up by the end of")
    assert stored.customer is not None and stored.customer.name == "Marta Horvat"
    assert stored.category == "faulty_product" and stored.promised_by == promised
    assert stored.handling_steps_done == ["understand", "apologise"]
    # 20 EUR of account credit is within an agent's 25: granted without an approver.
    assert (stored.compensation_status, stored.compensation_amount) == ("granted", Decimal(20))
    # The form is empty again for the next customer.
    assert by_label(at.text_input, "Customer's name").value == ""


def test_above_the_agents_limit_without_an_approver_the_form_says_so(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    at = page(viewers["agent"], "record_complaint.py")
    by_label(at.text_area, "What the customer said").input("Broken on arrival.")
    by_label(at.toggle, "Resolved on the spot").set_value(True)
    by_label(at.selectbox, "Option").select("account_credit")
    by_label(at.text_input, "Amount (EUR)").input("40")
    by_label(at.button, "Record the complaint").click().run()
    [error] = at.error
    assert "above Elif Yılmaz's limit for this option: name an approver" in error.value
    # The team's supervisor and the owner are offered; no other team's supervisor.
    approvers = by_label(at.selectbox, "Approver, if above your limit").options
    assert approvers == [
        "Nobody: within my limit",
        "Daniel Brooks (supervisor)",
        "Maja Kovač (owner)",
    ]
    by_label(at.selectbox, "Approver, if above your limit").select_index(1)
    by_label(at.button, "Record the complaint").click().run()
    assert not at.error
    assert "waits for Daniel Brooks's approval" in at.success[0].value


def test_an_agent_sees_their_own_complaints_and_customers_never_a_colleagues(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    others = colleagues(demo_db_path, viewers)
    mine = recorded(demo_db_path, viewers["agent"], "Ivana Mine")
    recorded(demo_db_path, others["colleague"], "Petra Colleague")
    at = page(viewers["agent"], "complaints.py")
    [table] = at.dataframe
    assert list(table.value["No."]) == [mine]
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Ivana Mine" in text and "Petra Colleague" not in text
    lists = at.radio(key="complaint_list").options
    assert lists[0] == "Open complaints (1)" and "Follow-ups due today (1)" in lists
    # The list's CSV names no customer.
    [download] = at.get("download_button")
    assert "Ivana" not in str(download.proto)


def test_a_supervisor_sees_the_teams_complaints_never_another_teams(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    others = colleagues(demo_db_path, viewers)
    ours = recorded(demo_db_path, viewers["agent"], "Ivana Ours")
    theirs = recorded(demo_db_path, others["other_agent"], "Tomislav Theirs")
    at = page(viewers["supervisor"], "complaints.py")
    assert list(at.dataframe[0].value["No."]) == [ours]
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Ivana Ours" in text and "Tomislav Theirs" not in text
    at = page(others["other_supervisor"], "complaints.py")
    assert list(at.dataframe[0].value["No."]) == [theirs]
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Tomislav Theirs" in text and "Ivana Ours" not in text


def test_an_agent_records_the_follow_up_on_the_complaints_page(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    complaint_id = recorded(demo_db_path, viewers["agent"], "Ivana Follow")
    at = page(viewers["agent"], "complaints.py")
    at.radio(key="complaint_list").set_value("follow_ups_due_today").run()
    assert list(at.dataframe[0].value["No."]) == [complaint_id]
    by_label(at.toggle, "Followed up now").set_value(True)
    by_label(at.radio, "Was the customer satisfied?").set_value(True)
    by_label(at.button, "Save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value == f"Complaint No. {complaint_id} saved."
    db = open_database(demo_db_path)
    try:
        stored = get_complaint(db, viewers["agent"], complaint_id)
    finally:
        db.close()
    assert stored.followed_up_at is not None and stored.customer_satisfied is True


def test_the_supervisor_approves_from_the_queue_and_an_agent_cannot_open_it(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    supervisor = viewers["supervisor"]
    complaint_id = recorded(
        demo_db_path,
        viewers["agent"],
        "Ivana Approve",
        compensation_kind="account_credit",
        compensation_amount=Decimal(40),
        compensation_approver=supervisor.staff_id,
    )
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/approvals.py")
    at = page(supervisor, "approvals.py")
    assert at.title[0].value == "Compensation approvals"
    at.text_input(key=f"reason-{complaint_id}").input("Our courier's fault")
    by_label(at.button, "Approve").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == f"Compensation of No. {complaint_id} approved."
    assert at.info[0].value == "No compensation is waiting for approval."
    db = open_database(demo_db_path)
    try:
        stored = get_complaint(db, supervisor, complaint_id)
    finally:
        db.close()
    assert stored.compensation_status == "approved"
    assert stored.compensation_decided_by == supervisor.staff_id


def test_the_owner_erases_a_customers_details_and_a_supervisor_cannot_open_the_page(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    complaint_id = recorded(demo_db_path, viewers["agent"], "Ivana Erase")
    at = app_as(viewers["supervisor"]).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/customer_data.py")
    at = page(viewers["owner"], "customer_data.py")
    assert at.info[0].value == "Nothing was erased yet."
    at.text_input(key="customer_search").input("ivana erase").run()
    assert list(at.dataframe[0].value["Customer"]) == ["Ivana Erase"]
    by_label(at.checkbox, "The customer asked for it; erase their details for good").check()
    by_label(at.button, "Erase these details").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Details erased from 1 complaints; the erasure is logged."
    db = open_database(demo_db_path)
    try:
        assert get_complaint(db, viewers["agent"], complaint_id).details == "erased"
        [log] = list_erasures(db, viewers["owner"])
    finally:
        db.close()
    assert log.complaint_ids == [complaint_id] and log.erased_by == viewers["owner"].staff_id


def test_home_says_what_of_the_register_is_yours_today(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    at = app_as(viewers["agent"]).run()
    assert "Nothing due today in your complaints (0 open)." in [m.value for m in at.markdown]
    recorded(demo_db_path, viewers["agent"], "Ivana Home")
    at = app_as(viewers["agent"]).run()
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Of your 1 open complaints:" in text and "1 follow-up due today" in text
    at = app_as(viewers["supervisor"]).run()
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Of your team's 1 open complaints:" in text
