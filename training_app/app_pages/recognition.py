"""Recognition: who served customers best and who improved most in the chosen dates, the best
things customers wrote (each can be passed on as kudos), kudos given by hand, and the monthly
recognition report. Nobody with too few contacts to judge is ranked or praised."""

import pandas as pd
import streamlit as st

from metrics.performance.recognition import most_improved, top_performers
from training_app import data, session
from training_app.components import kudos, recognition_report
from training_app.components.agent_link import agent_picker
from training_app.components.comments import comment_cards
from training_app.components.filters import performance_filters
from training_app.components.formatting import signed_points
from training_app.components.performance_tables import csv_download, show_definitions
from training_app.components.tables import show_table

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards
percent_column = st.column_config.NumberColumn(format="percent")

st.title("Recognition")
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet.")
    st.stop()
period = performance_filters(viewer, data.teams(viewer), days)
agents = data.agent_metrics(viewer, period)
st.caption(
    f"Only agents who handled at least {standards.min_contacts:d} contacts (the policy's minimum) "
    "are ranked. Ranks use the lower end of each rate's 95% interval, so a long record of good "
    "service ranks above a short lucky streak."
)

st.subheader("Top performers")
top = top_performers(agents, policy)
if top.empty:
    st.info("Nobody meets every standard with enough contacts in these dates.")
else:
    st.caption(
        f"Meeting every standard: service level ≥ {standards.service_level_target:.0%}, "
        f"resolution ≥ {standards.resolution_target:.0%}, CSAT ≥ {standards.csat_target:.0%}."
    )
    shown = top.drop(columns=["agent_id", "margin"]).rename(
        columns={
            "name": "Agent",
            "team": "Team",
            "handled": "Handled (n)",
            "ratings": "Ratings (n)",
            "service_level": "Service level",
            "resolution_rate": "Resolution",
            "csat": "CSAT",
        }
    )
    show_table(
        shown,
        {
            "Service level": percent_column,
            "Resolution": percent_column,
            "CSAT": percent_column,
        },
    )
    csv_download(
        shown, "Download top performers (CSV)", f"top-performers-{period.start}-{period.end}.csv"
    )

st.subheader("Most improved")
previous = period.previous()
improved = most_improved(agents, data.agent_metrics(viewer, previous), policy)
st.caption(
    f"Change from {previous.start:%d %b} – {previous.end:%d %b %Y} (the same number of days "
    "before), in percentage points, for agents judged in both periods."
)
if improved.empty:
    st.info("Nobody with enough contacts in both periods improved overall.")
else:
    shown = (
        improved.assign(
            **{
                column: improved[column].map(signed_points)
                for column in (
                    "service_level_change",
                    "resolution_rate_change",
                    "csat_change",
                    "improvement",
                )
            }
        )
        .drop(columns=["agent_id"])
        .rename(
            columns={
                "name": "Agent",
                "team": "Team",
                "handled": "Handled (n)",
                "handled_before": "Handled before (n)",
                "service_level": "Service level",
                "service_level_change": "Service level change",
                "resolution_rate": "Resolution",
                "resolution_rate_change": "Resolution change",
                "csat": "CSAT",
                "csat_change": "CSAT change",
                "improvement": "Total change",
                "most_improved_metric": "Most improved",
            }
        )
    )
    no_rate = "– when a period had no rate to compare (no ratings, say)."
    show_table(
        shown,
        {
            "Service level": percent_column,
            "Resolution": percent_column,
            "CSAT": percent_column,
            "Service level change": st.column_config.Column(help=no_rate),
            "Resolution change": st.column_config.Column(help=no_rate),
            "CSAT change": st.column_config.Column(help=no_rate),
        },
    )
    csv_download(
        shown, "Download most improved (CSV)", f"most-improved-{period.start}-{period.end}.csv"
    )

recognised = pd.concat([top[["agent_id", "name"]], improved[["agent_id", "name"]]])
agent_picker(recognised)

st.subheader("Best customer comments")
praise = data.customer_comments(viewer, period, praise_only=True, limit=8)
comment_cards(
    praise, "No comments with a good rating in these dates.", with_agent=True, viewer=viewer
)

st.subheader("Give kudos")
team_agents = {member.id: member.name for member in data.staff(viewer) if member.role == "agent"}
kudos.give_form(viewer, team_agents, key="recognition")

recognition_report.monthly_report(viewer, *days)

show_definitions()
