"""Staff and teams: owners manage everyone, supervisors their own team's agents."""

import pandas as pd
import streamlit as st

from metrics import auth
from training_app import data, session
from training_app.components import staff_forms
from training_app.components.api_tokens import api_token_section
from training_app.components.formatting import local_time
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
# The tab open stays open through the reruns its forms and uploads cause.
tabs = dict(zip(sections, st.tabs(sections, key="staff_section", on_change="rerun"), strict=True))
everyone = data.staff(viewer)  # whoever the viewer may change, whichever team is shown above
with tabs["Add a person"]:
    staff_forms.add_person(viewer, teams)
with tabs["Change a person"]:
    staff_forms.change_person(viewer, everyone, teams)
with tabs["Import a staff list"]:
    staff_forms.import_staff_list(viewer)

if viewer.role == "owner":
    with tabs["Teams"]:
        staff_forms.teams_section(viewer, teams)
    with tabs["Sign-in"]:
        # Owners only: how long a sign-in lasts, and unlocking accounts locked by guessing.
        staff_forms.session_length(viewer)
        zone = data.policy().policy.business_hours.timezone
        locked = auth.locked_accounts(data.db(), viewer)
        if not locked:
            st.caption(
                f"No account is locked. An e-mail is locked after {auth.LOCK_AFTER_FAILURES:d} "
                "wrong passwords in a row, until an owner unlocks it here."
            )
        else:
            st.markdown(
                f"**Locked after {auth.LOCK_AFTER_FAILURES:d} wrong passwords in a row.** Unlock "
                "an account once you know its owner was the one trying (or has a new password); "
                "an e-mail nobody on the staff has means someone guessed addresses."
            )
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "E-mail": a.email,
                            "Staff member": a.name or "nobody on the staff",
                            "Wrong passwords": a.failures,
                            f"Last try ({zone})": local_time(a.last_failure_at, zone),
                        }
                        for a in locked
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
            to_unlock = st.selectbox("Account to unlock", [a.email for a in locked])
            if (
                st.button("Unlock", icon=":material/lock_open:", key="unlock")
                and to_unlock is not None
            ):
                auth.unlock(data.db(), viewer, to_unlock)
                # The e-mail is as someone typed it on the sign-in page: shown as text (md()).
                st.session_state[staff_forms.NOTICE_KEY] = (
                    f"{to_unlock} is unlocked and may sign in again."
                )
                st.rerun()

api_token_section(viewer)  # owners only
