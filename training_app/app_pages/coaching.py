"""Coaching candidates: agents with enough contacts to judge who are below one of the policy's
targets, one row each: their largest clear gap and the others beside it, the clearest cases
first."""

import pandas as pd
import streamlit as st

from metrics.performance.recognition import coaching_candidates
from training_app import data, session
from training_app.components.agent_link import agent_picker, selectable_agent_table
from training_app.components.coaching_plans import candidate_plan_link
from training_app.components.coaching_proposals import proposals_section
from training_app.components.filters import performance_filters
from training_app.components.formatting import MISSING, points_gap
from training_app.components.performance_tables import csv_download, show_definitions

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards

st.title("Coaching candidates")
proposals_section(viewer)
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet.")
    st.stop()
period = performance_filters(viewer, data.teams(viewer), days)
agents = data.agent_metrics(viewer, period)
candidates = coaching_candidates(agents, policy)
judged = int((agents["status"] != "insufficient").sum())
below = len(candidates)
clearly = int(candidates["clearly_below"].sum())
st.caption(
    f"Of {judged:d} agents with at least {standards.min_contacts:d} contacts, {below:d} are "
    f"below a target and {clearly:d} clearly so (the whole 95% interval under the target). "
    "Agents with fewer contacts are never listed."
)
if candidates.empty:
    st.success("Every agent with enough contacts meets the policy's targets in these dates.")
    show_definitions()
    st.stop()


def verdict(clearly_below: bool) -> str:
    return "yes, clearly" if clearly_below else "possibly chance"


def other_gaps(gaps: list[dict[str, object]]) -> str:
    """The agent's other gaps in words, the clearest first; MISSING when there are none."""
    words = [
        f"{gap['metric']} short by {points_gap(gap['gap'])} ({verdict(bool(gap['clearly_below']))})"
        for gap in gaps
    ]
    return "; ".join(words) or MISSING


table = pd.DataFrame(
    {
        "Agent": candidates["name"],
        "Team": candidates["team"],
        "Handled (n)": candidates["handled"],
        "Below on": candidates["metric"],
        "Value": candidates["value"],
        "Target": candidates["target"],
        "Short by": [points_gap(gap) for gap in candidates["gap"]],
        "Below beyond doubt?": [verdict(clear) for clear in candidates["clearly_below"]],
        "n": candidates["n"],
        "Interval from": candidates["low"],
        "Interval to": candidates["high"],
        "Other gaps": [other_gaps(gaps) for gaps in candidates["other_gaps"]],
    }
)
st.caption(
    "One row per agent: the largest clear gap (or, if none is clear, the largest), the other "
    "gaps beside it; the clearest cases first. Short by is in percentage points. Tick a row to "
    "open the agent's page: trends, comments, training and contacts."
)
percent_column = st.column_config.NumberColumn(format="percent")
selectable_agent_table(
    table,
    candidates["agent_id"],
    key="coaching-candidates",
    column_config={
        **{
            column: percent_column for column in ("Value", "Target", "Interval from", "Interval to")
        },
        "Other gaps": st.column_config.Column(help="– when the agent is below on this one only."),
    },
)
agent_picker(candidates)
candidate_plan_link(candidates, (period.start, period.end))
csv_download(
    table, "Download coaching candidates (CSV)", f"coaching-{period.start}-{period.end}.csv"
)

show_definitions()
