"""Who is signed in to this browser session: a session token, turned into a fresh `Viewer` from
the stored staff row on every script run (`metrics.auth.session_viewer`), never a Viewer kept
in the browser session. Only `_kept_token`, `_keep` and `_forget` know where the token is kept.
"""

from __future__ import annotations

import streamlit as st

from metrics import auth
from metrics.people import Viewer
from training_app import data

TOKEN_KEY = "sign_in_token"
NOTICE_KEY = "sign_in_notice"
# st.context.ip_address is None for a browser on this machine; those share one client name.
LOCAL_CLIENT = "this machine"

# What a person whose session ended without their signing out reads on the sign-in page.
ENDED_NOTICES = {
    auth.DEACTIVATED: "Your account was deactivated, so you were signed out. Ask an owner if "
    "this is a mistake.",
    auth.PASSWORD_CHANGED: "Your password was changed, so you were signed out. Sign in with the "
    "new password.",
    auth.EXPIRED: "Your sign-in ran out after its time limit. Sign in again to go on.",
}


def client() -> str:
    """The network address the guessing limits count per client."""
    address = st.context.ip_address
    # Not a string under AppTest, which has no real connection: one client, like localhost.
    return address if isinstance(address, str) and address else LOCAL_CLIENT


def _kept_token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def _keep(token: str) -> None:
    st.session_state[TOKEN_KEY] = token


def _forget(notice: str | None = None) -> None:
    # Clear everything: filters and half-filled forms belong to the person who signed out.
    st.session_state.clear()
    if notice is not None:
        st.session_state[NOTICE_KEY] = notice


def current_viewer() -> Viewer | None:
    """The signed-in viewer as the store says now; a session that ended (deactivation, a new
    password, its time limit) is forgotten here, with a notice for the sign-in page."""
    token = _kept_token()
    if token is None:
        return None
    viewer = auth.session_viewer(data.db(), token)
    if viewer is None:
        _forget(ENDED_NOTICES.get(auth.session_end(data.db(), token) or ""))
    return viewer


def sign_in(token: str) -> None:
    _forget()
    _keep(token)


def sign_out() -> None:
    token = _kept_token()
    if token is not None:
        auth.end_session(data.db(), token)
    _forget()


def take_notice() -> str | None:
    """The notice left for the sign-in page, once."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    return notice if isinstance(notice, str) else None


def require_viewer() -> Viewer:
    """For pages: the entry script only offers a page to a signed-in viewer of the right role."""
    viewer = current_viewer()
    if viewer is None:
        st.stop()
    return viewer
