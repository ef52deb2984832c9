"""Staff and teams: owners see everyone, supervisors their own team."""

import pandas as pd
import streamlit as st

from metrics import auth
from metrics.people import PeopleError
from training_app import data, session
from training_app.components.api_tokens import api_token_section
from training_app.components.formatting import local_time
from training_app.components.performance_tables import csv_download
from training_app.components.text import md

NOTICE_KEY = "staff_notice"

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
st.caption(
    "Add accounts with `academy users add`; stop someone signing in with "
    "`academy users deactivate EMAIL` (their records are kept)."
)
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.success(md(notice))

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

if viewer.role == "owner":
    # Owners only: unlocking accounts locked by wrong passwords, and stopping someone signing in.
    st.subheader("Sign-in")
    zone = data.policy().policy.business_hours.timezone
    locked = auth.locked_accounts(data.db(), viewer)
    if not locked:
        st.caption(
            f"No account is locked. An e-mail is locked after {auth.LOCK_AFTER_FAILURES:d} wrong "
            "passwords in a row, until an owner unlocks it here."
        )
    else:
        st.markdown(
            f"**Locked after {auth.LOCK_AFTER_FAILURES:d} wrong passwords in a row.** Unlock an "
            "account once you know its owner was the one trying (or has a new password); an "
            "e-mail nobody on the staff has means someone guessed addresses."
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
        if st.button("Unlock", icon=":material/lock_open:", key="unlock") and to_unlock is not None:
            auth.unlock(data.db(), viewer, to_unlock)
            # The e-mail is as someone typed it on the sign-in page: shown as text (md() above).
            st.session_state[NOTICE_KEY] = f"{to_unlock} is unlocked and may sign in again."
            st.rerun()

    others = [m for m in data.staff(viewer) if m.email and m.id != viewer.staff_id]
    if others:
        person = st.selectbox(
            "Stop or restore someone's sign-in",
            others,
            format_func=lambda m: (
                f"{m.name} <{m.email}> · {'active' if m.active else 'deactivated'}"
            ),
        )
        if person is not None and person.email is not None:
            action = "Deactivate" if person.active else "Reactivate"
            if st.button(action, key="toggle_active"):
                try:
                    auth.set_active(data.db(), person.email, not person.active)
                except PeopleError as exc:
                    st.error(f"Not changed: {md(exc)}.")
                else:
                    name = person.name
                    st.session_state[NOTICE_KEY] = (
                        f"{name} is deactivated: their open sessions ended and they cannot sign "
                        "in (their records are kept)."
                        if person.active
                        else f"{name} may sign in again."
                    )
                    st.rerun()

api_token_section(viewer)  # owners only
