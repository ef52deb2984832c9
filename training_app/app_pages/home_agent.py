"""Home for agents: their own recent work, what is left in their training, the standards."""

import streamlit as st

from metrics.coaching.kudos import kudos_on_home
from metrics.complaints import register
from metrics.performance.period import DEFAULT_PERIOD_NAME
from metrics.training import to_do
from training_app import data, session
from training_app.components import complaints, kudos, self_assessment, training
from training_app.components.coaching_plans import agent_plans
from training_app.components.formatting import count, period_dates
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
me = data.agent_overview(viewer)

st.title(f"Welcome, {md(viewer.name)}")
supervised_by = f" · supervisor {', '.join(md(name) for name in me.supervisors)}"
st.caption(f"Agent · {md(me.team or 'no team yet')}{supervised_by if me.supervisors else ''}")
self_assessment.home_prompt(viewer)
agent_plans(viewer, viewer.staff_id, policy.business_hours.timezone)

dates = period_dates(me.period)
handled, resolved, ratings = st.columns(3)
handled.metric(
    f"Contacts you handled, {md(DEFAULT_PERIOD_NAME.lower())}", count(me.handled), help=dates
)
resolved.metric("Resolved", count(me.resolved), help=dates)
ratings.metric("Customer ratings received", count(me.ratings), help=dates)

st.subheader("Complaints today")
complaints.today_summary(
    register.complaints_today(data.db(), viewer, policy, register.today_for(policy)),
    manager=False,
)

st.subheader("Kudos")
kudos.kudos_list(
    kudos_on_home(data.db(), viewer),
    "No kudos yet. Your supervisor's thanks and your team's shared kudos show here.",
    name_agent=True,
)

st.subheader("What is left for you")
training.what_is_left(to_do.training_left(data.db(), viewer, data.training_modules(), policy))

st.subheader("Keep in mind")
st.markdown(
    f"- **The standards**: answer the phone within "
    f"{md(policy.standards.phone.answer_within)}, chats within "
    f"{md(policy.standards.chat.answer_within)}, reply to e-mail within "
    f"{md(policy.standards.email.answer_within)}, and follow up every complaint within "
    f"{policy.standards.complaint_follow_up_days:d} days.\n"
    f"- **When a customer complains**, follow the {len(policy.complaint_handling.steps):d} steps "
    "in the policy, starting with listening and repeating the problem back."
)
st.page_link("app_pages/policy.py", label="Open the policy", icon=":material/policy:")
