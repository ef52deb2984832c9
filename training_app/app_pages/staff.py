"""Staff and teams: owners manage everyone, supervisors their own team's agents."""

import pandas as pd
import streamlit as st

from training_app import data, session
from training_app.components import staff_forms
from training_app.components.api_tokens import api_token_section
from training_app.components.performance_tables import csv_download
from training_app.components.text import md

viewer = session.require_viewer()

teams = data.teams(viewer)
if viewer.role == "owner":
    st.title("Staff and teams")
    choice = st.selectbox(
        "Team", [None, *teams], format_func=lambda t: "All teams" if t is None else t.name
    )
    team_id = choice.id if choice is not None else None
else:
    st.title(f"My team: {md(teams[0].name)}" if teams else "My team")
    team_id = None
notice = st.session_state.pop(staff_forms.NOTICE_KEY, None)
if notice:
    st.success(md(notice))

members = data.staff(viewer, team_id)
if members:
    table = pd.DataFrame(
        [
            {
                "Name": m.name,
                "E-mail": m.email or "–",
                "Role": m.role,
                "Team": m.team or "–",
                "Active": m.active,
                "Sign-in": (
                    "temporary password"
                    if m.must_choose_password
                    else "password set"
                    if m.can_sign_in
                    else "no password"
                ),
                "Demo": m.is_demo,
            }
            for m in members
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "Download the staff list (CSV)", "staff.csv")
else:
    st.info("Nobody on the staff list yet.")

sections = (
    ("Add a person", "Change a person", "Import a staff list", "Teams", "Sign-in")
    if viewer.role == "owner"
    else ("Add a person", "Change a person", "Import a staff list")
)
# One section at a time, kept through the reruns its forms and uploads cause (tabs draw every
# section at once, and a rerun of their own after the page loads closes an open menu).
section = st.radio(
    "Manage", sections, horizontal=True, key="staff_section", label_visibility="collapsed"
)
if section == "Add a person":
    staff_forms.add_person(viewer, teams)
elif section == "Change a person":
    # Whoever the viewer may change, whichever team the list above shows.
    staff_forms.change_person(viewer, data.staff(viewer), teams)
elif section == "Import a staff list":
    staff_forms.import_staff_list(viewer)
elif section == "Teams":
    staff_forms.teams_section(viewer, teams)
elif section == "Sign-in":
    staff_forms.sign_in_section(viewer)

api_token_section(viewer)  # owners only
