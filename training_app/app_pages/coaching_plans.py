"""Coaching plans: a supervisor's team's, an owner's all, an agent's own ("My coaching plans",
their history); open plans first, the soonest review first, then the closed ones."""

import streamlit as st

from metrics.coaching import plans
from training_app import data, session
from training_app.components.coaching_plans import plan_link, plans_table
from training_app.components.tables import show_table

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone

if viewer.role == "agent":
    st.title("My coaching plans")
    st.caption("Every plan your supervisor opened with you, open ones first.")
else:
    st.title("Coaching plans")
    whose = "everyone's" if viewer.role == "owner" else "your team's agents'"
    st.caption(
        f"The plans of {whose}, open ones first. Open a new one from Coaching candidates, an "
        "agent's page or a complaint."
    )
found = plans.plans_in_scope(data.db(), viewer)
if not found:
    st.info("No coaching plans yet.", icon=":material/inbox:")
    st.stop()
open_count = sum(plan.is_open for plan in found)
st.caption(f"{open_count:d} open, {len(found) - open_count:d} closed.")
show_table(plans_table(found, zone), pinned="Agent" if viewer.role != "agent" else None)
by_id = {plan.id: plan for plan in found}
chosen = st.selectbox(
    "Plan",
    list(by_id),
    format_func=lambda i: f"{i:d} · {by_id[i].agent} · review {by_id[i].review_on:%d %b %Y}",
)
plan_link(int(chosen), "Open this plan")
