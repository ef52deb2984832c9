"""Staff and teams: owners see everyone, supervisors their own team."""

import pandas as pd
import streamlit as st

from training_app import data, session
from training_app.components.api_tokens import api_token_section
from training_app.components.performance_tables import csv_download

viewer = session.require_viewer()

teams = data.teams(viewer)
if viewer.role == "owner":
    st.title("Staff and teams")
    choice = st.selectbox(
        "Team", [None, *teams], format_func=lambda t: "All teams" if t is None else t.name
    )
    team_id = choice.id if choice is not None else None
else:
    st.title(f"My team: {teams[0].name}" if teams else "My team")
    team_id = None
st.caption(
    "Add accounts with `academy users add`; stop someone signing in with "
    "`academy users deactivate EMAIL` (their records are kept)."
)

members = data.staff(viewer, team_id)
if not members:
    st.info("Nobody on the staff list yet.")
    st.stop()

table = pd.DataFrame(
    [
        {
            "Name": m.name,
            "E-mail": m.email or "–",
            "Role": m.role,
            "Team": m.team or "–",
            "Active": m.active,
            "Can sign in": m.can_sign_in,
            "Demo": m.is_demo,
        }
        for m in members
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
csv_download(table, "Download the staff list (CSV)", "staff.csv")

if viewer.role == "owner":
    st.subheader("Teams")
    st.dataframe(
        pd.DataFrame(
            [
                {"Team": t.name, "Active agents": t.agents, "Supervisors": ", ".join(t.supervisors)}
                for t in teams
            ]
        ),
        hide_index=True,
        width="stretch",
    )

api_token_section(viewer)  # owners only
