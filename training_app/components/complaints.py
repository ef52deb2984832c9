"""The complaint register's pieces shared by its pages and Home: the policy's handling steps as a
checklist, a list of complaints as a table (never with the customer's details: those show only
on one complaint, to whom `metrics` allows), one complaint's record, what is yours today."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from metrics.complaints.register import Complaint, Today
from modules.policy import Policy, Role
from training_app.components.formatting import MISSING, local_day, local_time
from training_app.components.text import md, text_block

CHANNEL_WORDS = {"phone": "Phone", "chat": "Chat", "email": "E-mail", "social": "Social media"}
STATUS_WORDS = {
    "granted": "granted",
    "awaiting_approval": "waiting for approval",
    "approved": "approved",
    "refused": "refused",
}


def money(amount: Decimal | None, policy: Policy) -> str:
    return MISSING if amount is None else f"{amount:.2f} {policy.compensation.currency}"


def option_name(policy: Policy, kind: str | None) -> str:
    if kind is None:
        return MISSING
    return next((o.name for o in policy.compensation.options if o.id == kind), kind)


def compensation_text(complaint: Complaint, policy: Policy) -> str:
    if complaint.compensation_kind is None:
        return MISSING
    status = STATUS_WORDS.get(complaint.compensation_status or "", "")
    return (
        f"{option_name(policy, complaint.compensation_kind)}, "
        f"{money(complaint.compensation_amount, policy)} ({status})"
    )


def limits_text(policy: Policy, role: Role) -> str:
    """What a role may grant alone, per option: quoted beside the form."""
    parts = []
    for option in policy.compensation.options:
        limit = option.limits.limit_for(role)
        alone = "no limit" if limit is None else money(Decimal(str(limit)), policy)
        parts.append(f"{option.name}: {alone}")
    return "; ".join(parts)


def handling_checklist(policy: Policy, *, key: str, done: Sequence[str] = ()) -> list[str]:
    """The policy's complaint-handling steps as checkboxes (what to do in each on hover and
    below it): filling in the record is the training applied. Returns the ticked step ids."""
    ticked = []
    for number, step in enumerate(policy.complaint_handling.steps, start=1):
        if st.checkbox(
            f"{number:d}. {md(step.title)}",
            value=step.id in done,
            key=f"{key}-{step.id}",
            help=md(step.what_to_do),
        ):
            ticked.append(step.id)
    return ticked


def complaint_table(complaints: Sequence[Complaint], policy: Policy) -> pd.DataFrame:
    """A list of complaints to choose from: what happened and when, never who the customer is."""
    zone = policy.business_hours.timezone
    rows = [
        {
            "No.": complaint.id,
            "Received": local_time(complaint.received_at, zone),
            "Received by": complaint.received_by_name,
            "Channel": CHANNEL_WORDS.get(complaint.channel, complaint.channel),
            "Category": policy.complaints.category_name(
                complaint.category, complaint.category_other
            ),
            "Promised by": (
                "on the spot"
                if complaint.resolved_on_the_spot
                else complaint.promised_by.strftime("%d %b %Y")
                if complaint.promised_by
                else MISSING
            ),
            "Resolved": local_day(complaint.resolved_at, zone),
            "Follow-up due": complaint.follow_up_due.strftime("%d %b %Y"),
            "Followed up": local_day(complaint.followed_up_at, zone),
            "Compensation": compensation_text(complaint, policy),
        }
        for complaint in complaints
    ]
    return pd.DataFrame(rows, columns=list(COMPLAINT_COLUMNS))


COMPLAINT_COLUMNS = (
    "No.",
    "Received",
    "Received by",
    "Channel",
    "Category",
    "Promised by",
    "Resolved",
    "Follow-up due",
    "Followed up",
    "Compensation",
)


def complaint_label(complaint: Complaint, policy: Policy) -> str:
    zone = policy.business_hours.timezone
    category = policy.complaints.category_name(complaint.category, complaint.category_other)
    return f"No. {complaint.id} · {local_time(complaint.received_at, zone)} · {category}"


def customer_details(complaint: Complaint) -> None:
    """The customer's details, when the viewer may see them; else why they are not shown."""
    if complaint.details == "shown" and complaint.customer is not None:
        customer = complaint.customer
        who = (
            f"**Customer**: {md(customer.name or MISSING)}",
            f"**Phone**: {md(customer.phone or MISSING)}",
            f"**E-mail**: {md(customer.email or MISSING)}",
            f"**Address**: {md(customer.address or MISSING)}",
        )
        st.markdown("  \n".join(who))
    elif complaint.details == "erased":
        st.caption("The customer's details were erased; the record stays for the numbers.")
    elif complaint.details == "hidden":
        st.caption(
            "The customer's details are shown only to who recorded or handles the complaint, "
            "their supervisor and owners."
        )
    else:
        st.caption("No customer details were recorded.")


def complaint_record(complaint: Complaint, policy: Policy) -> None:
    """One complaint as recorded and worked so far."""
    zone = policy.business_hours.timezone
    customer_details(complaint)
    category = policy.complaints.category_name(complaint.category, complaint.category_other)
    facts = (
        f"**Received**: {md(local_time(complaint.received_at, zone))} by "
        f"{md(complaint.received_by_name)}, "
        f"{md(CHANNEL_WORDS.get(complaint.channel, complaint.channel).lower())}",
        f"**Handled by**: {md(complaint.handled_by_name)}",
        f"**Category**: {md(category)}",
        "**Promised by**: "
        + (
            "resolved on the spot"
            if complaint.resolved_on_the_spot
            else md(complaint.promised_by.strftime("%d %b %Y") if complaint.promised_by else "–")
        ),
        f"**Resolved**: {md(local_time(complaint.resolved_at, zone))}",
        f"**Follow-up due**: by the end of {md(complaint.follow_up_due.strftime('%d %b %Y'))}",
        f"**Followed up**: {md(local_time(complaint.followed_up_at, zone))}"
        + (
            ""
            if complaint.customer_satisfied is None
            else " · satisfied"
            if complaint.customer_satisfied
            else " · not satisfied"
        ),
        f"**Compensation**: {md(compensation_text(complaint, policy))}",
    )
    decision = (
        (
            f"**Decided by**: {md(complaint.compensation_decided_by_name)}, "
            f"{md(local_time(complaint.compensation_decided_at, zone))}: "
            f"{md(complaint.compensation_decision_reason or '')}",
        )
        if complaint.compensation_decided_by_name
        else (f"**Waiting for**: {md(complaint.compensation_approver_name or MISSING)}",)
        if complaint.compensation_status == "awaiting_approval"
        else ()
    )
    st.markdown("  \n".join(facts + decision))
    for title, text in (
        ("What the customer said", complaint.description),
        ("Agreed resolution", complaint.resolution),
        ("Steps being taken", complaint.steps),
        ("Suggestion for preventing it", complaint.prevention),
    ):
        if text:
            st.markdown(f"**{md(title)}**")
            text_block(text)


def today_summary(today: Today, *, manager: bool) -> None:
    """Home's lines on the complaint register: what of it is the viewer's today."""
    whose = "your team's" if manager else "your"
    lines = [
        (today.follow_ups_overdue, "follow-up overdue", "follow-ups overdue"),
        (today.follow_ups_due_today, "follow-up due today", "follow-ups due today"),
        (today.promises_broken, "promise broken", "promises broken"),
        (today.promises_due_today, "promise due today", "promises due today"),
        (today.approvals_to_decide, "compensation to approve", "compensations to approve"),
        (
            today.approvals_waiting,
            "compensation of yours waiting for approval",
            "compensations of yours waiting for approval",
        ),
    ]
    if not any(n for n, _, _ in lines):
        # A line, not an alert: Home's alerts are the training's to-do.
        st.markdown(f"Nothing due today in {md(whose)} complaints ({today.open:d} open).")
    else:
        st.markdown(
            f"Of {md(whose)} {today.open:d} open complaints:\n"
            + "\n".join(f"- {n:d} {md(one if n == 1 else many)}" for n, one, many in lines if n)
        )
    st.page_link("app_pages/complaints.py", label="Open the complaints", icon=":material/forum:")
    st.page_link(
        "app_pages/complaint_numbers.py",
        label="Complaint numbers and top problems",
        icon=":material/leaderboard:",
    )
