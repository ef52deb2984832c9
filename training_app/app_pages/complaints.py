"""The complaints that drive the day, for everyone: an agent's own, a supervisor's team's, an
owner's all. The lists (open, promises due today and broken, follow-ups due today and overdue,
compensation waiting for approval), then one complaint's record and what happened since:
resolved, a new promised date, the follow-up and whether the customer was satisfied, steps."""

from typing import cast

import streamlit as st
from pydantic import ValidationError

from metrics.complaints import register
from metrics.people import AccessDenied
from training_app import data, session
from training_app.components import complaints as shown
from training_app.components.coaching_plans import open_plan_link
from training_app.components.performance_tables import csv_download
from training_app.components.tables import show_table
from training_app.components.text import md

NOTICE_KEY = "complaint_updated"
WAITING = "approvals_waiting"

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone
today = register.today_for(policy)
whose = {"agent": "Yours", "supervisor": "Your team's", "owner": "Everyone's"}[viewer.role]

st.title("Complaints")
st.caption(f"{md(whose)} · today is {today:%d %b %Y} · times in {md(zone)}")
st.page_link(
    "app_pages/record_complaint.py", label="Record a complaint", icon=":material/add_comment:"
)
notice = st.session_state.pop(NOTICE_KEY, None)
if isinstance(notice, str):
    st.success(md(notice), icon=":material/task_alt:")

counts = register.complaints_today(data.db(), viewer, policy, today)
lists = {name: title for name, title in register.LIST_TITLES.items()}
numbers = {name: getattr(counts, name) for name in register.LIST_TITLES}
waiting = [a.complaint for a in register.approvals_waiting(data.db(), viewer, policy)]
choice = st.radio(
    "List",
    [*lists, WAITING],
    format_func=lambda name: (
        f"Waiting for approval ({len(waiting):d})"
        if name == WAITING
        else f"{md(lists[name])} ({numbers[name]:d})"
    ),
    horizontal=True,
    key="complaint_list",
)
chosen = (
    waiting
    if choice == WAITING
    else register.complaint_list(data.db(), viewer, cast(register.ListName, choice), today)
)
if not chosen:
    st.info("Nothing in this list.", icon=":material/inbox:")
    st.stop()
table = shown.complaint_table(chosen, policy)
show_table(table, pinned="No.", wrap=["Compensation"])
csv_download(table, "Download this list as CSV", f"complaints-{choice}.csv")

st.subheader("One complaint")
by_id = {complaint.id: complaint for complaint in chosen}
picked = st.selectbox(
    "Complaint",
    list(by_id),
    format_func=lambda i: shown.complaint_label(by_id[i], policy),
    key="complaint_picked",
)
try:
    complaint = register.get_complaint(data.db(), viewer, picked)
except AccessDenied as exc:
    st.error(md(str(exc)))
    st.stop()
shown.complaint_record(complaint, policy)
if viewer.role != "agent":
    open_plan_link(complaint.handled_by, "complaint", complaint_id=complaint.id)

if complaint.closed:
    st.caption("Resolved and followed up: nothing left to do.")
    st.stop()

with st.form(f"work-complaint-{complaint.id:d}"):
    st.markdown("**What happened since**")
    resolved = (
        st.toggle("Resolved now", key=f"resolved-{complaint.id:d}")
        if complaint.resolved_at is None
        else False
    )
    promised_by = (
        st.date_input(
            "New promised date",
            value=None,
            min_value=today,
            format="YYYY-MM-DD",
            key=f"promised-{complaint.id:d}",
        )
        if complaint.resolved_at is None
        else None
    )
    followed_up = st.toggle("Followed up now", key=f"followed-{complaint.id:d}")
    satisfied = st.radio(
        "Was the customer satisfied?",
        [None, True, False],
        format_func=lambda s: "Not asked yet" if s is None else "Yes" if s else "No",
        horizontal=True,
        key=f"satisfied-{complaint.id:d}",
    )
    resolution = st.text_area("Agreed resolution", value=complaint.resolution or "")
    steps = st.text_area("Steps being taken", value=complaint.steps or "")
    prevention = st.text_area("A suggestion for preventing it", value=complaint.prevention or "")
    with st.expander("The policy's steps"):
        ticked = shown.handling_checklist(
            policy, key=f"work-step-{complaint.id:d}", done=complaint.handling_steps_done
        )
    save = st.form_submit_button("Save", type="primary")

if save:
    try:
        change = register.ComplaintUpdate(
            resolution=resolution if resolution != (complaint.resolution or "") else None,
            steps=steps if steps != (complaint.steps or "") else None,
            prevention=prevention if prevention != (complaint.prevention or "") else None,
            handling_steps_done=(ticked if ticked != complaint.handling_steps_done else None),
            promised_by=promised_by,
            resolved=resolved,
            followed_up=followed_up,
            customer_satisfied=satisfied if followed_up else None,
        )
        if followed_up and satisfied is None:
            raise register.ComplaintError("say whether the customer was satisfied")
        register.update_complaint(data.db(), viewer, complaint.id, change, policy)
    except ValidationError as exc:
        st.error(md(register.first_problem(exc)))
    except (register.ComplaintError, AccessDenied) as exc:
        st.error(md(str(exc)))
    else:
        st.session_state[NOTICE_KEY] = f"Complaint No. {complaint.id:d} saved."
        st.rerun()
