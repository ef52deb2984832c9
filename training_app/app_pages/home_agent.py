"""Home for agents: their own recent work and what to do next."""

import streamlit as st

from training_app import data, session
from training_app.components.formatting import count

viewer = session.require_viewer()
policy = data.policy().policy
me = data.agent_overview(viewer)

st.title(f"Welcome, {viewer.name}")
supervised_by = f" · supervisor {', '.join(me.supervisors)}" if me.supervisors else ""
st.caption(f"Agent · {me.team or 'no team yet'}{supervised_by}")

handled, resolved, ratings = st.columns(3)
handled.metric(f"Contacts you handled, last {me.days} days", count(me.handled))
resolved.metric("Resolved", count(me.resolved))
ratings.metric("Customer ratings received", count(me.ratings))

st.subheader("What to do next")
st.markdown(
    f"1. **Take your training** on My training: the policy, version {policy.version}, effective "
    f"{policy.effective_from:%d %b %Y}, then handling complaints. Passing the policy module ends "
    f"with signing that you will follow it; both are due within "
    f"{policy.training.due_within_days} days of starting.\n"
    f"2. **Learn the standards by heart**: answer the phone within "
    f"{policy.standards.phone.answer_within}, chats within {policy.standards.chat.answer_within}, "
    f"reply to e-mail within {policy.standards.email.answer_within}, and follow up every "
    f"complaint within {policy.standards.complaint_follow_up_days} days.\n"
    f"3. **When a customer complains**, follow the {len(policy.complaint_handling.steps)} steps "
    "in the policy, starting with listening and repeating the problem back."
)
st.page_link("app_pages/my_training.py", label="My training", icon=":material/school:")
st.page_link("app_pages/policy.py", label="Open the policy", icon=":material/policy:")
