"""Compliance, for owners (everyone) and supervisors (their team): per member of staff each
assigned module's state, the signature of the version in force and rollout attendance; the
rates per team; who is overdue, with their e-mail addresses to copy; filters and CSV. Owners
record paper signatures and assign the mandatory training; supervisors assign a module to an
agent of their team."""

import streamlit as st

from metrics.training import compliance
from training_app import data, session
from training_app.components import compliance as shown
from training_app.components.not_applied import not_applied_section
from training_app.components.performance_tables import csv_download
from training_app.components.tables import show_table
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
modules = data.training_modules()
zone = policy.business_hours.timezone

st.title("Compliance")
st.caption(
    f"Policy version {policy.version:d} in force · modules as assigned to each person, due "
    f"dates and days overdue as of today · dates in {md(zone)}"
)
shown.show_notice()

team_id = None
if viewer.role == "owner":
    teams = data.teams(viewer)
    choice = st.selectbox(
        "Team", [None, *teams], format_func=lambda t: "All teams" if t is None else t.name
    )
    team_id = choice.id if choice is not None else None
report = compliance.compliance_report(data.db(), viewer, modules, policy, team_id=team_id)
if not report.staff:
    st.info("Nobody on the staff here yet. Add people on the Staff and teams page.")
    st.stop()

st.subheader("Per team")
show_table(shown.team_table(report))
st.caption(
    "Completed: passed every module assigned to them. Acknowledged: signed policy version "
    f"{policy.version:d}. Attended: joined (or was marked present at) its rollout session."
)

st.subheader("Who is overdue")
late = shown.overdue_table(report)
if late.empty:
    st.success("Nobody is overdue.", icon=":material/task_alt:")
else:
    show_table(late, wrap=["What"])
    st.caption("Their e-mail addresses, longest overdue first, to paste into a message:")
    st.code(shown.overdue_addresses(report), language=None, wrap_lines=True)

not_applied_section(viewer, modules, policy, team_id)

st.subheader("Everyone")
by_state, by_module = st.columns(2)
states = by_state.multiselect(
    "State", compliance.STATES, format_func=lambda s: shown.STATE_WORDS[s], key="compliance_states"
)
titles = {module.id: module.title for module in modules}
chosen = by_module.multiselect(
    "Module", list(titles), format_func=lambda m: titles[m], key="compliance_modules"
)
people = compliance.filtered(report, states=states, module_ids=chosen)
table = shown.staff_table(people, policy.version, zone)
if table.empty:
    st.info("Nobody matches these filters.")
else:
    show_table(table, pinned="Name", wrap=["Why", f"Policy v{policy.version:d}"])
    csv_download(table, "Download as CSV", "compliance.csv")

st.subheader("Signatures and assignments")
if viewer.role == "owner":
    shown.signature_form(viewer, report)
    shown.assign_mandatory_form(viewer, modules, policy)
shown.assign_module_form(viewer, report, modules, policy)
