"""Home for supervisors: their team's recent traffic, what is left in their own training and
whom in the team to chase about theirs, the standards they coach to."""

import streamlit as st

from metrics.complaints import register
from metrics.performance.period import DEFAULT_PERIOD_NAME
from metrics.training import to_do
from training_app import data, session
from training_app.components import complaints, training
from training_app.components.formatting import count, period_dates
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy

st.title(f"Welcome, {md(viewer.name)}")
if viewer.team_id is None:
    st.warning("You supervise no team yet. Ask an owner to assign you to one.")
    st.stop()

team = data.team_overview(viewer)
st.caption(f"Supervisor · {md(team.team)} · {md(data.organisation_name())}")

dates = period_dates(team.period)
agents, contacts, answered, abandoned = st.columns(4)
agents.metric("Active agents", count(team.agents))
contacts.metric(f"Contacts, {md(DEFAULT_PERIOD_NAME.lower())}", count(team.contacts), help=dates)
answered.metric("Answered", count(team.answered), help=dates)
abandoned.metric(
    "Abandoned", count(team.abandoned), help=f"The customer left before an answer. {dates}"
)
if team.contacts == 0:
    st.info(f"No contacts reached {md(team.team)} in the {md(DEFAULT_PERIOD_NAME.lower())}.")

modules = data.training_modules()
st.subheader("Complaints today")
complaints.today_summary(
    register.complaints_today(data.db(), viewer, policy, register.today_for(policy)),
    manager=True,
)

st.subheader("What is left for you")
training.what_is_left(to_do.training_left(data.db(), viewer, modules, policy))
st.subheader("Your team's training")
training.overdue_list(
    to_do.overdue_people(data.db(), viewer, modules, policy), team.team, with_team=False
)

st.subheader("Keep in mind")
st.markdown(
    f"- **The standards you coach to**: phone within "
    f"{md(policy.standards.phone.answer_within)}, chat within "
    f"{md(policy.standards.chat.answer_within)}, e-mail within "
    f"{md(policy.standards.email.answer_within)}, complaints followed up within "
    f"{policy.standards.complaint_follow_up_days:d} days. Agents are judged only once they have "
    f"handled {policy.standards.min_contacts:d} contacts.\n"
    "- **Share customer feedback** with each agent every month: the praise as well as the "
    "complaints."
)
st.page_link("app_pages/staff.py", label="Open my team", icon=":material/groups:")
st.page_link("app_pages/policy.py", label="Open the policy", icon=":material/policy:")
