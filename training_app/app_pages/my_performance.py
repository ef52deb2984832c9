"""My performance: an agent's own numbers against the policy's targets and their team's
median, their weekly trends and what customers wrote. No other agent's name or numbers are on
this page."""

import streamlit as st

from metrics.performance import agents as performance
from training_app import data, session
from training_app.components import charts
from training_app.components.coaching_plans import agent_plans
from training_app.components.comments import comment_cards
from training_app.components.filters import performance_filters
from training_app.components.performance_tables import show_definitions, standing_tiles
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards
targets = performance.targets(policy)

st.title("My performance")
agent_plans(viewer, viewer.staff_id, policy.business_hours.timezone)
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet.")
    st.stop()
period = performance_filters(viewer, [], days, show_team=False, show_channel=False)
st.caption(
    f"{period.start:%d %b %Y} – {period.end:%d %b %Y}, dates in "
    f"{md(policy.business_hours.timezone)} · targets from policy version {policy.version:d}"
)
mine, team = data.my_metrics(viewer, period)
if mine is None:
    st.info("You handled no contacts in these dates.")
    st.stop()

if mine["status"] == "insufficient":
    st.info(
        f"You handled {mine['handled']:d} contacts in these dates, too few to judge: the policy "
        f"judges from {standards.min_contacts:d}. Your numbers are shown, but carry no status yet."
    )
standing_tiles(mine, team, standards)
comparison_rule = (
    f"at least {standards.min_agents_for_comparison:d} agents of your team were judged on it "
    f"(handled {standards.min_contacts:d} contacts or more), so that no colleague's numbers can "
    "be worked out from it"
)
if team.hidden:
    st.caption(
        f"The team median of a number is shown only when {comparison_rule}; in these dates "
        "fewer were, so it is hidden where it says so."
    )

st.subheader("Week by week, against the team median")
weekly = data.agent_weekly_trends(viewer, period, viewer.staff_id)
charts.show_panels(charts.agent_trend_panels(weekly, targets, "You"), per_row=3)
note = charts.partial_week_note(weekly)
st.caption(
    "The team median is the middle value of your team's agents that week, you included. It is "
    f"left out of a week unless {comparison_rule} that week." + (f" {md(note)}" if note else "")
)

st.subheader("What customers wrote")
comments = data.customer_comments(viewer, period, agent_id=viewer.staff_id, limit=10)
comment_cards(comments, "No comments in these dates.")

show_definitions()
