"""The compliance report on screen: the tables (pure functions of the report, tested without
Streamlit), the list of who is overdue with their e-mail addresses to copy, and the owner's and
supervisor's forms (a signature recorded on someone's behalf, assigning training)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from metrics.people import AccessDenied, PeopleError, Viewer
from metrics.training import assignments, records
from metrics.training.compliance import ComplianceReport, ModuleCompliance, StaffCompliance
from modules.content import TrainingModule
from modules.policy import Policy
from training_app import data
from training_app.components.formatting import local_day
from training_app.components.text import md

NOTICE_KEY = "compliance_notice"  # what a form did, said once on the next run
STATE_WORDS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "passed": "passed",
    "overdue": "overdue",
    "expired": "expired",
}


def days_text(days: int) -> str:
    return f"{days:d} day{'' if days == 1 else 's'}"


def state_text(state: str, overdue_days: int) -> str:
    """A module's state in words: "overdue by 3 days", "expired 1 day ago"."""
    days = days_text(overdue_days)
    if state == "overdue":
        return f"overdue by {days}"
    if state == "expired" and overdue_days:
        return f"expired {days} ago"
    return STATE_WORDS[state]


def signature_text(person: StaffCompliance, version: int, zone: str) -> str:
    """Whether they signed the version in force: when, and who recorded it on their behalf."""
    signed = person.signature
    if signed is None or signed.version != version:
        earlier = f" (signed version {signed.version:d})" if signed is not None else ""
        due = person.signature_due
        late = f", overdue by {days_text(due.overdue_days)}" if due and due.overdue_days else ""
        return f"not signed{late}{earlier}"
    text = f"signed {local_day(signed.at, zone)}"
    if signed.kept_from_version is not None:
        text += f" (kept from version {signed.kept_from_version:d})"
    if signed.recorded_by_name:
        text += f", recorded by {signed.recorded_by_name}"
        if signed.note:
            text += f": {signed.note}"
    return text


def team_table(report: ComplianceReport) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Team": team.team or "no team",
                "Staff": team.staff,
                "Completed": f"{team.completed_rate:.0%}",
                "Acknowledged": f"{team.acknowledged_rate:.0%}",
                "Attended": f"{team.attended_rate:.0%}",
            }
            for team in report.teams
        ]
    )


def staff_table(people: list[StaffCompliance], version: int, zone: str) -> pd.DataFrame:
    """One row per member of staff and assigned module (a person with none: one row)."""
    rows = []
    for person in people:
        lines: list[ModuleCompliance | None] = list(person.modules) or [None]
        for module in lines:
            rows.append(
                {
                    "Name": person.name,
                    "Module": module.title if module else "none assigned",
                    "State": state_text(module.state, module.overdue_days) if module else "",
                    # A passed module's due date is history; the others' is what matters.
                    "Due": f"{module.due:%d %b %Y}" if module and module.state != "passed" else "",
                    "Team": person.team or "no team",
                    f"Policy v{version:d}": signature_text(person, version, zone),
                    "Rollout session": (
                        f"attended {local_day(person.attended_at, zone)}"
                        if person.attended_at is not None
                        else "not attended"
                    ),
                    "Best score": (
                        f"{module.best_score:.0%}"
                        if module and module.best_score is not None
                        else ""
                    ),
                    "Why": module.reason if module else "",
                    "Role": person.role,
                }
            )
    return pd.DataFrame(rows)


def overdue_table(report: ComplianceReport) -> pd.DataFrame:
    """Who is overdue, longest first, with what."""
    rows = []
    for person in report.overdue():
        late = [
            f"{module.title} ({state_text(module.state, module.overdue_days)})"
            for module in person.modules
            if module.overdue_days > 0
        ]
        if person.signature_due is not None and person.signature_due.overdue_days > 0:
            late.append(f"signing policy version {report.policy_version:d}")
        rows.append(
            {
                "Name": person.name,
                "Team": person.team or "no team",
                "E-mail": person.email or "no e-mail",
                "Longest overdue": days_text(person.overdue_days),
                "What": "; ".join(late),
            }
        )
    return pd.DataFrame(rows)


def overdue_addresses(report: ComplianceReport) -> str:
    """The e-mail addresses of who is overdue, longest first, ready to paste into "To"."""
    return ", ".join(person.email for person in report.overdue() if person.email)


def _today(policy: Policy) -> date:
    return datetime.now(ZoneInfo(policy.business_hours.timezone)).date()


def _done(message: str) -> None:
    st.session_state[NOTICE_KEY] = message
    st.rerun()


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(md(notice), icon=":material/task_alt:")


def signature_form(viewer: Viewer, report: ComplianceReport) -> None:
    """An owner records a paper signature on someone's behalf, with a note."""
    unsigned = [p for p in report.staff if not p.acknowledged(report.policy_version)]
    with st.form("compliance_on_behalf", border=True):
        st.markdown(f"**Record a signature of policy version {report.policy_version:d}**")
        st.caption("For someone who signed on paper (at the rollout session, say).")
        person = st.selectbox(
            "Who signed",
            unsigned,
            format_func=lambda p: f"{p.name} ({p.team or 'no team'})",
            index=None,
            placeholder="Choose a member of staff" if unsigned else "Everyone has signed",
        )
        note = st.text_input("Note", placeholder="Paper signature at the rollout session, 2 Dec")
        if st.form_submit_button("Record the signature", icon=":material/draw:"):
            if person is None:
                st.warning("Choose who signed.")
                return
            try:
                records.acknowledge_on_behalf(data.db(), viewer, person.staff_id, note)
            except (records.TrainingError, PeopleError, AccessDenied) as exc:
                st.error(md(exc))
                return
            _done(f"Recorded the signature of {person.name}.")


def assign_mandatory_form(viewer: Viewer, modules: list[TrainingModule], policy: Policy) -> None:
    """An owner assigns the mandatory training to everyone, or to a team, by a date."""
    teams = data.teams(viewer)
    with st.form("compliance_assign_mandatory", border=True):
        st.markdown("**Assign the mandatory training**")
        team = st.selectbox(
            "To", [None, *teams], format_func=lambda t: "All active staff" if t is None else t.name
        )
        due = st.date_input(
            "Due", value=_today(policy) + timedelta(days=policy.training.due_within_days)
        )
        reason = st.text_input("Why (optional)", placeholder="Refresher before the busy season")
        if st.form_submit_button("Assign", icon=":material/assignment_add:"):
            try:
                made = assignments.assign_mandatory(
                    data.db(),
                    viewer,
                    modules,
                    policy,
                    due=due,
                    team_id=team.id if team is not None else None,
                    reason=reason,
                )
            except (assignments.AssignmentError, AccessDenied) as exc:
                st.error(md(exc))
                return
            _done(f"{made:d} assignments made.")


def assign_module_form(
    viewer: Viewer, report: ComplianceReport, modules: list[TrainingModule], policy: Policy
) -> None:
    """A supervisor assigns a module to one agent of their team (an owner to anyone), with a
    due date and a reason."""
    agents = [p for p in report.staff if p.role == "agent"]
    with st.form("compliance_assign_module", border=True):
        st.markdown("**Assign a module to an agent**")
        person = st.selectbox(
            "Agent",
            agents,
            format_func=lambda p: f"{p.name} ({p.team or 'no team'})",
            index=None,
            placeholder="Choose an agent",
        )
        module = st.selectbox("Module", modules, format_func=lambda m: m.title)
        due = st.date_input("Due", value=_today(policy) + timedelta(days=7))
        reason = st.text_input("Why", placeholder="Two complaints last week were not followed up")
        if st.form_submit_button("Assign the module", icon=":material/assignment_add:"):
            if person is None or module is None:
                st.warning("Choose the agent and the module.")
                return
            try:
                assignments.assign_module(
                    data.db(),
                    viewer,
                    person.staff_id,
                    module,
                    policy,
                    due=due,
                    reason=reason,
                )
            except (assignments.AssignmentError, AccessDenied, PeopleError) as exc:
                st.error(md(exc))
                return
            _done(f"{module.title} assigned to {person.name}, due {due:%d %b %Y}.")
