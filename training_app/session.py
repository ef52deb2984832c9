"""Who is signed in to this browser session: a session token, turned into a fresh `Viewer` from
the stored staff row on every script run (`metrics.auth.session_viewer`), never a Viewer kept
in the browser session.

The browser keeps the token in the HttpOnly cookie the server's sign-in page sets
(`training_app/sign_in_routes.py`), so a sign-in lasts across reloads, new tabs and bookmarks
until it is ended on the server (signing out, deactivation, a new password) or runs out. A
script reads the cookie as the browser sent it when it connected (`st.context.cookies`) and can
neither set nor remove it: a session that ended sends the browser to the sign-in page, which
says why and removes the cookie. Only `_kept_token` and `_forget` know where the token is kept.
"""

from __future__ import annotations

import streamlit as st

from metrics import auth
from metrics.people import Viewer
from training_app import data
from training_app.sign_in_routes import CHOOSE_PASSWORD_PATH, SESSION_COOKIE, SIGN_IN_PATH

# AppTest cannot send cookies, so tests hand the script a session token under this key of the
# session state (tests/training_app/apptest.py). Nothing in the app writes it, and a browser
# cannot: the session state is the server's, and no widget has this key.
TOKEN_KEY = "sign_in_token"

# The address asked for goes with the browser to the sign-in page (SIGN_IN_PATH), which comes
# back to it. Text of this codebase only: the script reads the address from the browser itself.
_SEND_TO_SIGN_IN = (
    "<script>window.location.replace('/sign-in?next=' + encodeURIComponent("
    "window.location.pathname + window.location.search));</script>"
)
assert f"'{SIGN_IN_PATH}?next='" in _SEND_TO_SIGN_IN
_SEND_TO_CHOOSE_PASSWORD = (
    "<script>window.location.replace('/choose-password?next=' + encodeURIComponent("
    "window.location.pathname + window.location.search));</script>"
)
assert f"'{CHOOSE_PASSWORD_PATH}?next='" in _SEND_TO_CHOOSE_PASSWORD


def _kept_token() -> str | None:
    cookie = st.context.cookies.get(SESSION_COOKIE)
    if isinstance(cookie, str) and cookie:
        return cookie
    token = st.session_state.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def _forget() -> None:
    # Clear everything: filters and half-filled forms belong to the person who signed out.
    st.session_state.clear()


def current_viewer() -> Viewer | None:
    """The signed-in viewer as the store says now; None when nobody signed in, or their session
    ended (signing out, deactivation, a new password, its time limit), which is forgotten."""
    token = _kept_token()
    if token is None:
        return None
    viewer = auth.session_viewer(data.db(), token)
    if viewer is None:
        _forget()
    return viewer


def sign_out() -> None:
    """End the session on the server: every tab holding its cookie is signed out with it."""
    token = _kept_token()
    if token is not None:
        auth.end_session(data.db(), token)
    _forget()


def send_to_sign_in() -> None:
    """A page for a signed-out session: the browser goes to the sign-in page, which signs in and
    comes back to this very address."""
    st.caption("Taking you to the sign-in page…")
    st.html(_SEND_TO_SIGN_IN, unsafe_allow_javascript=True)


def send_to_choose_password() -> None:
    """A page for someone signed in with a temporary password: the browser goes to choose
    their own first, and comes back to this very address."""
    st.caption("You signed in with a temporary password: choose your own first…")
    st.html(_SEND_TO_CHOOSE_PASSWORD, unsafe_allow_javascript=True)


def unserved() -> None:
    """The sign-in pages' addresses reached the app itself: it is served without its server."""
    st.error(
        "The sign-in page is served by the app's server, which is not running here. Start the "
        "app with `academy serve` (or `streamlit run training_app/server.py`)."
    )


def require_viewer() -> Viewer:
    """For pages: the entry script only offers a page to a signed-in viewer of the right role."""
    viewer = current_viewer()
    if viewer is None:
        st.stop()
    return viewer
