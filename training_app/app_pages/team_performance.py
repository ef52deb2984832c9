"""Team performance: the team's service against the policy's targets, and every agent's
numbers beside their sample size and status."""

import streamlit as st

from training_app import data, session
from training_app.components.filters import performance_filters
from training_app.components.formatting import percent
from training_app.components.performance_tables import (
    agent_table,
    agent_table_config,
    show_definitions,
)

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards

st.title("Team performance")
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet. Import them, or start with the demo data.")
    st.stop()
period = performance_filters(viewer, data.teams(viewer), days)
st.caption(
    f"{period.start:%d %b %Y} – {period.end:%d %b %Y}, dates in {policy.business_hours.timezone}"
    f" · compared with the {(period.end - period.start).days + 1} days before · targets from "
    f"policy version {policy.version}"
)

now = data.team_summary(viewer, period)
before = data.team_summary(viewer, period.previous())
if now.queue.offered == 0:
    st.info("No contacts were queued to this selection in these dates. Widen the filters.")
    st.stop()


def change(current: float | None, previous: float | None) -> str | None:
    if current is None or previous is None:
        return None
    return f"{(current - previous) * 100:+.1f} points"


tiles = st.columns(4)
tiles[0].metric(
    f"Service level (target {standards.service_level_target:.0%})",
    percent(now.queue.service_level),
    change(now.queue.service_level, before.queue.service_level),
    help=f"n = {now.queue.offered:,} offered; answered within the channel's standard ÷ offered",
)
tiles[1].metric(
    "Abandoned",
    percent(now.queue.abandonment_rate),
    change(now.queue.abandonment_rate, before.queue.abandonment_rate),
    delta_color="inverse",
    help=f"n = {now.queue.offered:,} offered; {now.queue.abandoned:,} abandoned",
)
tiles[2].metric(
    f"Resolution (target {standards.resolution_target:.0%})",
    percent(now.resolution_rate),
    change(now.resolution_rate, before.resolution_rate),
    help=f"n = {now.handled:,} handled; resolved ÷ handled",
)
tiles[3].metric(
    f"CSAT (target {standards.csat_target:.0%})",
    percent(now.csat),
    change(now.csat, before.csat),
    help=f"n = {now.ratings:,} ratings; 4–5 and good ÷ all ratings",
)
median = "–" if now.wait_median_s is None else f"{now.wait_median_s:.0f} s"
st.caption(
    f"{now.queue.offered:,} contacts offered, {now.handled:,} handled, median wait {median}."
)

st.subheader("Agents")
agents = data.agent_metrics(viewer, period)
st.caption(
    f"Judged against the policy's targets once an agent has handled at least "
    f"{standards.min_contacts} contacts; below that, no status. Click a column to sort."
)
table = agent_table(agents)
st.dataframe(table, hide_index=True, width="stretch", column_config=agent_table_config())
st.download_button(
    "Download the agent table (CSV)",
    table.to_csv(index=False).encode("utf-8"),
    file_name=f"agents-{period.start}-{period.end}.csv",
    mime="text/csv",
    icon=":material/download:",
)

show_definitions()
