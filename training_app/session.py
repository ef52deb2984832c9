"""Who is signed in to this browser session."""

from __future__ import annotations

import streamlit as st

from metrics.people import Viewer

VIEWER_KEY = "viewer"


def current_viewer() -> Viewer | None:
    viewer = st.session_state.get(VIEWER_KEY)
    return viewer if isinstance(viewer, Viewer) else None


def sign_in(viewer: Viewer) -> None:
    st.session_state[VIEWER_KEY] = viewer


def sign_out() -> None:
    # Clear everything: filters and half-filled forms belong to the person who signed out.
    st.session_state.clear()


def require_viewer() -> Viewer:
    """For pages: the entry script only offers a page to a signed-in viewer of the right role."""
    viewer = current_viewer()
    if viewer is None:
        st.stop()
    return viewer
