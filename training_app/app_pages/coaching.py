"""Coaching candidates: agents with enough contacts to judge who are below one of the policy's
targets, on which metric and by how much, the clearest cases first."""

import streamlit as st

from metrics.performance.recognition import coaching_candidates
from training_app import data, session
from training_app.components.agent_link import agent_picker, selectable_agent_table
from training_app.components.filters import performance_filters
from training_app.components.performance_tables import csv_download, show_definitions

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards
percent_column = st.column_config.NumberColumn(format="percent")

st.title("Coaching candidates")
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet.")
    st.stop()
period = performance_filters(viewer, data.teams(viewer), days)
agents = data.agent_metrics(viewer, period)
candidates = coaching_candidates(agents, policy)
judged = int((agents["status"] != "insufficient").sum())
below = candidates["agent_id"].nunique()
clearly = candidates[candidates["clearly_below"]]["agent_id"].nunique()
st.caption(
    f"Of {judged:d} agents with at least {standards.min_contacts:d} contacts, {below:d} are "
    f"below a target and {clearly:d} clearly so (the whole 95% interval under the target). "
    "Agents with fewer contacts are never listed."
)
if candidates.empty:
    st.success("Every agent with enough contacts meets the policy's targets in these dates.")
    show_definitions()
    st.stop()

table = (
    candidates.drop(columns=["agent_id"])
    .assign(
        clearly_below=candidates["clearly_below"].map(
            {True: "yes, clearly", False: "possibly chance"}
        )
    )
    .rename(
        columns={
            "name": "Agent",
            "team": "Team",
            "handled": "Handled (n)",
            "metric": "Below on",
            "value": "Value",
            "target": "Target",
            "n": "n",
            "low": "Interval from",
            "high": "Interval to",
            "gap": "Short by",
            "clearly_below": "Below beyond doubt?",
        }
    )
)
st.caption("Tick a row to open the agent's page: trends, comments, training and contacts.")
selectable_agent_table(
    table,
    candidates["agent_id"],
    key="coaching-candidates",
    hide_index=True,
    width="stretch",
    column_config={
        column: percent_column
        for column in ("Value", "Target", "Interval from", "Interval to", "Short by")
    },
)
agent_picker(candidates.drop_duplicates("agent_id"))
csv_download(
    table, "Download coaching candidates (CSV)", f"coaching-{period.start}-{period.end}.csv"
)

show_definitions()
