"""The Compliance page on the small demo store: owners see every team, a supervisor only their
own, agents cannot open it; the signature recorded on someone's behalf and a supervisor's
assignment show in the table with who and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics.demo.people import DEMO_ACCOUNTS
from metrics.people import Viewer
from metrics.store import open_database
from metrics.training.compliance import compliance_report
from modules.content import load_modules
from modules.policy import load_policy
from tests.training_app.apptest import app_as, open_address

PAGE = "app_pages/compliance.py"


def compliance_page(viewer: Viewer):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def tables(at) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The page's tables by the heading above them: Per team, Who is overdue, Everyone."""
    frames = [element.value for element in at.dataframe]
    names = (
        ["Per team", "Who is overdue", "Everyone"] if len(frames) == 3 else ["Per team", "Everyone"]
    )
    return dict(zip(names, frames, strict=True))


def report_for(path: Path, viewer: Viewer):  # type: ignore[no-untyped-def]
    db = open_database(path)
    try:
        policy = load_policy().policy
        modules = [loaded.module for loaded in load_modules(policy)]
        return compliance_report(db, viewer, modules, policy)
    finally:
        db.close()


def test_an_owner_sees_every_team_its_rates_and_who_is_overdue_with_their_addresses(
    viewers, demo_db_path: Path
) -> None:
    at = compliance_page(viewers["owner"])
    assert at.title[0].value == "Compliance"
    report = report_for(demo_db_path, viewers["owner"])
    shown = tables(at)
    per_team = shown["Per team"]
    assert list(per_team["Team"]) == [t.team or "no team" for t in report.teams]
    assert list(per_team["Completed"]) == [f"{t.completed_rate:.0%}" for t in report.teams]
    everyone = shown["Everyone"]
    assert set(everyone["Name"]) == {p.name for p in report.staff}
    late = report.overdue()
    assert late  # the demo has agents part-way and some who never started, long since due
    assert list(shown["Who is overdue"]["Name"]) == [p.name for p in late]
    days = [int(text.split()[0]) for text in shown["Who is overdue"]["Longest overdue"]]
    assert days == sorted(days, reverse=True)
    [addresses] = [c.value for c in at.code]
    assert addresses == ", ".join(p.email for p in late if p.email)
    [download] = at.get("download_button")
    assert download.proto.label == "Download as CSV"


def test_the_filters_narrow_the_table_to_a_state_and_a_module(viewers) -> None:
    at = compliance_page(viewers["owner"])
    at.multiselect(key="compliance_states").select("passed").run()
    at.multiselect(key="compliance_modules").select("handling-complaints").run()
    assert not at.exception
    everyone = tables(at)["Everyone"]
    assert set(everyone["State"]) == {"passed"}
    assert set(everyone["Module"]) == {"Handling complaints"}


def test_a_supervisor_sees_only_their_team_and_assigns_a_module_to_an_agent(
    viewers, demo_db_path: Path
) -> None:
    supervisor = viewers["supervisor"]
    at = compliance_page(supervisor)
    everyone = tables(at)["Everyone"]
    assert set(everyone["Team"]) == {"Front line"}
    assert list(tables(at)["Per team"]["Team"]) == ["Front line"]
    assert not [form for form in at.button if form.label == "Record the signature"]  # owners'

    agent = viewers["agent"]
    form_agent = next(s for s in at.selectbox if s.label == "Agent")
    form_agent.select_index(
        next(i for i, label in enumerate(form_agent.options) if label.startswith(agent.name))
    )
    next(d for d in at.date_input if d.label == "Due").set_value(date(2027, 1, 31))
    next(t for t in at.text_input if t.label == "Why").input(
        "Two complaints last week were not followed up"
    )
    next(b for b in at.button if b.label == "Assign the module").click().run()
    assert not at.exception
    assert not at.error and not at.warning, [*at.error, *at.warning]
    assert at.success[0].value.startswith("Our customer-service policy assigned to Elif")
    rows = tables(at)["Everyone"]
    mine = rows[(rows["Name"] == agent.name) & (rows["Module"] == "Our customer-service policy")]
    assert list(mine["Why"]) == ["Two complaints last week were not followed up"]
    assert list(mine["Due"]) == ["31 Jan 2027"]


def test_an_owner_records_a_paper_signature_with_a_note(viewers) -> None:
    owner, agent = viewers["owner"], viewers["agent"]
    at = compliance_page(owner)
    who = next(s for s in at.selectbox if s.label == "Who signed")
    who.select_index(next(i for i, label in enumerate(who.options) if label.startswith(agent.name)))
    next(t for t in at.text_input if t.label == "Note").input("Paper signature, 2 Dec")
    next(b for b in at.button if b.label == "Record the signature").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Recorded the signature of Elif")
    rows = tables(at)["Everyone"]
    signed = set(rows[rows["Name"] == agent.name]["Policy v1"])
    [text] = signed
    assert text.startswith("signed ") and text.endswith(
        f", recorded by {owner.name}: Paper signature, 2 Dec"
    )


@pytest.mark.parametrize("role", ["agent"])
def test_an_agent_does_not_reach_the_compliance_page(viewers, role: str) -> None:
    with pytest.raises(ValueError):
        app_as(viewers[role]).run().switch_page(PAGE).run()
    at = open_address(app_as(viewers[role]).run(), "compliance").run()
    assert not at.exception
    assert at.warning[0].value == "Compliance is not open to agents."
    assert DEMO_ACCOUNTS[role]  # the demo agent, signed in


def test_states_and_signatures_are_said_in_words() -> None:
    from datetime import UTC, datetime

    from metrics.training.compliance import Signature, StaffCompliance
    from training_app.components.compliance import signature_text, state_text

    assert state_text("overdue", 1) == "overdue by 1 day"
    assert state_text("overdue", 3) == "overdue by 3 days"
    assert state_text("expired", 23) == "expired 23 days ago"
    assert state_text("expired", 0) == "expired"
    assert state_text("in_progress", 0) == "in progress"
    person = StaffCompliance(
        staff_id=1,
        email=None,
        name="Cleo",
        team=None,
        role="agent",
        signature=Signature(
            version=2,
            at=datetime(2026, 12, 1, 23, 30, tzinfo=UTC),  # 2 December in Zagreb
            recorded_by_name="Maja",
            note="paper",
            kept_from_version=1,
        ),
        signature_due=None,
        attended_at=None,
        modules=[],
    )
    assert signature_text(person, 2, "Europe/Zagreb") == (
        "signed 02 Dec 2026 (kept from version 1), recorded by Maja: paper"
    )
    assert signature_text(person, 3, "Europe/Zagreb") == "not signed (signed version 2)"
