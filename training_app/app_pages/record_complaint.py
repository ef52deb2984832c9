"""Record a complaint, for any member of staff, during or right after the contact: the fields the
policy asks for, with its complaint-handling steps as a checklist beside the form (above it on a
phone), the follow-up date the policy proposes (only ever brought forward), compensation within
one's own limit or sent to an approver."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import streamlit as st
from pydantic import ValidationError

from metrics.complaints import register
from metrics.people import AccessDenied
from modules.policy import CHANNELS, OTHER_CATEGORY, Channel
from training_app import data, session
from training_app.components import complaints as shown
from training_app.components.text import md

NOTICE_KEY = "complaint_recorded"
FORM_ROUND_KEY = "complaint_form_round"  # a new round is an empty form

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone
now = datetime.now(ZoneInfo(zone))
days = policy.standards.complaint_follow_up_days

st.title("Record a complaint")
st.caption(
    f"During or right after the contact · times in {md(zone)} · the follow-up is due "
    f"{days:d} days after the complaint was received, or earlier if you choose"
)
notice = st.session_state.pop(NOTICE_KEY, None)
if isinstance(notice, str):
    st.success(md(notice), icon=":material/task_alt:")
    st.page_link("app_pages/complaints.py", label="Open the complaints", icon=":material/forum:")

categories = {c.id: c.name for c in policy.complaints.categories} | {OTHER_CATEGORY: "Other"}
options = {o.id: o.name for o in policy.compensation.options}
approvers = register.possible_approvers(data.db(), viewer, policy)
round_ = int(st.session_state.get(FORM_ROUND_KEY, 0))

with st.form(f"record-complaint-{round_:d}", border=False):
    steps_column, form_column = st.columns([2, 3], gap="large")
    with steps_column:
        st.subheader("The policy's steps")
        st.caption("Tick each as you do it: they are kept with the record.")
        ticked = shown.handling_checklist(policy, key=f"complaint-step-{round_:d}")
    with form_column:
        st.subheader("The customer")
        name = st.text_input("Customer's name")
        phone, email = st.columns(2)
        customer_phone = phone.text_input("Phone")
        customer_email = email.text_input("E-mail")
        customer_address = st.text_input("Address")

        st.subheader("The complaint")
        channel: Channel = st.selectbox(
            "Channel", CHANNELS, format_func=lambda c: shown.CHANNEL_WORDS[c]
        )
        day, clock = st.columns(2)
        received_on = day.date_input("Received on", value=now.date(), max_value=now.date())
        received_time = clock.time_input("at", value=now.time().replace(second=0, microsecond=0))
        category: str = st.selectbox(
            "Category", list(categories), format_func=lambda c: categories[c]
        )
        category_other = st.text_input("If other: what kind of complaint")
        description = st.text_area("What the customer said")
        resolution = st.text_area("The agreed resolution")
        on_the_spot = st.toggle("Resolved on the spot")
        promised_by = st.date_input(
            "If not: promised by", value=None, min_value=now.date(), format="YYYY-MM-DD"
        )
        steps = st.text_area("Steps being taken")
        follow_up_due = st.date_input(
            f"Follow-up by (empty: {days:d} days after receipt; only earlier)",
            value=None,
            format="YYYY-MM-DD",
        )

        st.subheader("Compensation")
        st.caption(
            f"What you may grant alone: {md(shown.limits_text(policy, viewer.role))}. Above it, "
            "name an approver."
        )
        kind = st.selectbox(
            "Option",
            [None, *options],
            format_func=lambda k: "No compensation" if k is None else options[k],
        )
        amount = st.text_input(f"Amount ({md(policy.compensation.currency)})")
        approver = st.selectbox(
            "Approver, if above your limit",
            [None, *approvers],
            format_func=lambda a: (
                "Nobody: within my limit" if a is None else f"{a.name} ({a.role})"
            ),
        )
        prevention = st.text_area("A suggestion for preventing it")
    submitted = st.form_submit_button("Record the complaint", type="primary")

if submitted:
    try:
        compensation_amount = Decimal(amount.strip().replace(",", ".")) if amount.strip() else None
    except InvalidOperation:
        st.error("Write the amount as a number, for example 15 or 12.50.")
        st.stop()
    try:
        new = register.NewComplaint(
            received_at=datetime.combine(received_on, received_time, ZoneInfo(zone)),
            channel=channel,
            customer_name=name,
            customer_phone=customer_phone,
            customer_email=customer_email,
            customer_address=customer_address,
            category=category,
            category_other=category_other if category == OTHER_CATEGORY else None,
            description=description,
            resolution=resolution,
            resolved_on_the_spot=on_the_spot,
            promised_by=None if on_the_spot else promised_by,
            steps=steps,
            handling_steps_done=ticked,
            follow_up_due=follow_up_due,
            compensation_kind=kind,
            compensation_amount=compensation_amount,
            compensation_approver=approver.id if approver is not None else None,
            prevention=prevention,
        )
        complaint_id = register.record_complaint(data.db(), viewer, new, policy)
    except ValidationError as exc:
        st.error(md(register.first_problem(exc)))
    except (register.ComplaintError, AccessDenied) as exc:
        st.error(md(str(exc)))
    else:
        recorded = register.get_complaint(data.db(), viewer, complaint_id)
        waiting = recorded.compensation_status == "awaiting_approval"
        st.session_state[NOTICE_KEY] = (
            f"Complaint No. {complaint_id:d} recorded; follow up by the end of "
            f"{recorded.follow_up_due:%d %b %Y}."
            + (
                f" The compensation waits for {recorded.compensation_approver_name}'s approval."
                if waiting
                else ""
            )
        )
        st.session_state[FORM_ROUND_KEY] = round_ + 1
        st.rerun()
