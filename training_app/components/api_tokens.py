"""The Staff page's API tokens, for owners: create one (shown once), see them all, revoke one."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from metrics import auth
from metrics.people import Viewer
from modules.policy import ROLES
from training_app import data
from training_app.components.text import md

NO_TEAM = "(no team)"
REVOKED_KEY = "api-token-revoked"  # the name just revoked, told once after the page is redrawn


def _problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    if field == "name":
        return "A token's name is 1 to 100 letters, digits, spaces, dots, dashes or @."
    return f"{field}: {error['msg']}"


def api_token_section(viewer: Viewer) -> None:
    """Owners only; nothing at all for anyone else."""
    if viewer.role != "owner":
        return
    db = data.db()
    st.subheader("API tokens")
    st.caption(
        "For automation that runs beside the app, such as a nightly import: requests carry "
        "`Authorization: Bearer TOKEN` and can do exactly what a person of the token's role and "
        "team can. Only a fingerprint of each token is kept, so a token is shown once, when it "
        "is created. The README's *HTTP API* section lists the routes."
    )
    revoked = st.session_state.pop(REVOKED_KEY, None)
    if revoked is not None:
        st.success(f"Token '{md(revoked)}' revoked: requests with it are refused from now on.")
    teams = [team.name for team in data.teams(viewer)]
    with st.form("new-api-token", clear_on_submit=True, border=True):
        name = st.text_input("Token name", placeholder="nightly-import", max_chars=100)
        role = st.selectbox("Acts as", ROLES, index=ROLES.index("supervisor"))
        team = st.selectbox(
            "The token's team", [NO_TEAM, *teams], help="A supervisor's or agent's team."
        )
        create = st.form_submit_button("Create token", icon=":material/key:")
    if create:
        try:
            request = auth.ApiTokenRequest(
                name=name, role=role, team=None if team == NO_TEAM else team
            )
            new = auth.create_api_token(db, viewer, request)
        except ValidationError as exc:
            st.error(md(_problem(exc)))
        except auth.TokenError as exc:
            st.error(md(exc))
        else:
            st.success(f"Token '{md(new.name)}' created. Copy it now: it is not shown again.")
            st.code(new.token, language=None, wrap_lines=True)  # whole, on a phone too

    tokens = auth.list_api_tokens(db, viewer)
    if not tokens:
        st.info("No API tokens yet.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Name": t.name,
                    "Acts as": t.role,
                    "Team": t.team or "–",
                    "Created by": t.created_by,
                    "Created": f"{t.created_at:%Y-%m-%d %H:%M} UTC",
                    "Last used": (
                        f"{t.last_used_at:%Y-%m-%d %H:%M} UTC" if t.last_used_at else "never"
                    ),
                    "State": f"revoked by {t.revoked_by}" if t.revoked_at else "active",
                }
                for t in tokens
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    active = [t.name for t in tokens if t.active]
    if not active:
        return
    with st.form("revoke-api-token", border=True):
        chosen = st.selectbox("Token to revoke", active)
        sure = st.checkbox("Integrations using it stop working at once; it cannot be undone")
        revoke = st.form_submit_button("Revoke token", icon=":material/key_off:")
    if revoke:
        if not sure:
            st.warning("Tick the box to confirm.")
        else:
            try:
                auth.revoke_api_token(db, viewer, chosen)
            except auth.TokenError as exc:
                st.error(md(exc))
            else:
                st.session_state[REVOKED_KEY] = chosen
                st.rerun()  # the list above shows it revoked
