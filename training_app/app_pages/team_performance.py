"""Team performance: the team's service against the policy's targets, every agent's numbers
beside their sample size and status (a row opens the agent's page), and how the numbers move
and spread."""

import streamlit as st

from metrics.performance import agents as performance
from training_app import data, session
from training_app.components import charts
from training_app.components.agent_link import agent_picker, selectable_agent_table
from training_app.components.filters import performance_filters
from training_app.components.formatting import seconds
from training_app.components.performance_tables import (
    agent_table,
    agent_table_config,
    coloured_statuses,
    csv_download,
    show_definitions,
    team_rate_tile,
)
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards
targets = performance.targets(policy)

st.title("Team performance")
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet. Import them, or start with the demo data.")
    st.stop()
period = performance_filters(viewer, data.teams(viewer), days)
st.caption(
    f"{period.start:%d %b %Y} – {period.end:%d %b %Y}, dates in "
    f"{md(policy.business_hours.timezone)} · compared with the "
    f"{(period.end - period.start).days + 1:d} days before · targets from policy version "
    f"{policy.version:d}"
)

now = data.team_summary(viewer, period)
before = data.team_summary(viewer, period.previous())
if now.queue.offered == 0:
    st.info("No contacts were queued to this selection in these dates. Widen the filters.")
    st.stop()

minimum = standards.min_contacts
tiles = st.columns(4)
team_rate_tile(
    tiles[0],
    f"Service level (target {standards.service_level_target:.0%})",
    now.queue.service_level,
    now.queue.judged,
    (before.queue.service_level, before.queue.judged),
    minimum,
    definition=f"contacts offered and not waiting ({now.queue.waiting:,} waiting); answered "
    "within the channel's standard ÷ (offered − waiting)",
)
team_rate_tile(
    tiles[1],
    "Abandoned",
    now.queue.abandonment_rate,
    now.queue.offered,
    (before.queue.abandonment_rate, before.queue.offered),
    minimum,
    definition=f"{now.queue.abandoned:,} abandoned ÷ offered",
    lower_is_better=True,
)
team_rate_tile(
    tiles[2],
    f"Resolution (target {standards.resolution_target:.0%})",
    now.resolution_rate,
    now.handled,
    (before.resolution_rate, before.handled),
    minimum,
    definition="resolved ÷ handled",
)
team_rate_tile(
    tiles[3],
    f"CSAT (target {standards.csat_target:.0%})",
    now.csat,
    now.ratings,
    (before.csat, before.ratings),
    minimum,
    definition="4–5 and good ÷ all ratings",
    noun="ratings",
)
st.caption(
    f"{now.queue.offered:,} contacts offered, {now.handled:,} handled, "
    f"{now.queue.waiting:,} waiting for a first reply within their standard, median wait "
    f"{seconds(now.wait_median_s)}; changes are in percentage points."
)

st.subheader("Agents")
agents = data.agent_metrics(viewer, period)
st.caption(
    f"Judged against the policy's targets once an agent has handled at least "
    f"{minimum:d} contacts; below that, no status. Click a column to sort; "
    "tick a row to open that agent's page."
)
table = agent_table(agents, minimum)
selectable_agent_table(
    coloured_statuses(table),
    agents["agent_id"],
    key="team-agents",
    column_config=agent_table_config(),
)
agent_picker(agents)
csv_download(table, "Download the agent table (CSV)", f"agents-{period.start}-{period.end}.csv")

st.subheader("How it moves and spreads")
trend_tab, wait_tab, rating_tab, hour_tab = st.tabs(
    ["Weekly trends", "Waits", "Ratings", "When contacts arrive"]
)
with trend_tab:
    weekly = data.weekly_trends(viewer, period)
    charts.show_panels(charts.weekly_trend_panels(weekly, targets), per_row=3)
    note = charts.partial_week_note(weekly)
    if note:
        st.caption(md(note))
    csv_download(
        weekly, "Download the weekly numbers (CSV)", f"weekly-{period.start}-{period.end}.csv"
    )
with wait_tab:
    waits = data.wait_distribution(viewer, period)
    st.caption(
        "Answered contacts by how long the customer waited, in steps of a quarter of the "
        "channel's standard: green bars are within the standard."
    )
    if waits.empty:
        st.info("No answered contacts in this selection.")
    else:
        charts.show_panels(charts.wait_distribution_panels(waits), per_row=2)
    csv_download(
        waits, "Download the wait distribution (CSV)", f"waits-{period.start}-{period.end}.csv"
    )
with rating_tab:
    ratings = data.rating_distribution(viewer, period)
    st.caption("Customer ratings of handled contacts; 4, 5 and good count towards CSAT.")
    if ratings["ratings"].sum() == 0:
        st.info("No ratings in this selection.")
    else:
        charts.show_panels(charts.rating_distribution_panels(ratings), per_row=2)
    csv_download(ratings, "Download the ratings (CSV)", f"ratings-{period.start}-{period.end}.csv")
with hour_tab:
    by_hour = data.contacts_by_hour(viewer, period)
    st.caption(
        f"Contacts offered by local weekday and hour ({md(policy.business_hours.timezone)}); "
        "hover for the hour's service level."
    )
    charts.show_panels([charts.contacts_by_hour_chart(by_hour)], per_row=1)
    csv_download(
        by_hour, "Download contacts by hour (CSV)", f"by-hour-{period.start}-{period.end}.csv"
    )

show_definitions()
