"""Which pages exist for a session: decided by the signed-in viewer's role, nothing else."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from metrics.people import Viewer

PAGES = Path(__file__).parent / "app_pages"

HOME_PAGE_BY_ROLE = {
    "owner": "home_owner.py",
    "supervisor": "home_supervisor.py",
    "agent": "home_agent.py",
}


def signed_out_pages(*, offer_first_owner: bool) -> list[StreamlitPage]:
    """Sign in; and while nobody can sign in as an owner, creating the first owner, first."""
    sign_in = st.Page(
        PAGES / "sign_in.py",
        title="Sign in",
        icon=":material/login:",
        default=not offer_first_owner,
    )
    if not offer_first_owner:
        return [sign_in]
    first_owner = st.Page(
        PAGES / "first_owner.py",
        title="Create the first owner",
        icon=":material/person_add:",
        url_path="first-owner",
        default=True,
    )
    return [first_owner, sign_in]


def pages_for(viewer: Viewer) -> dict[str, list[StreamlitPage]]:
    """The navigation for a role; a page not listed here cannot be reached by that role."""
    home = st.Page(
        PAGES / HOME_PAGE_BY_ROLE[viewer.role],
        title="Home",
        icon=":material/home:",
        url_path="home",
        default=True,
    )
    policy = st.Page(PAGES / "policy.py", title="Policy", icon=":material/policy:")
    sections: dict[str, list[StreamlitPage]] = {"": [home, policy]}
    training = [
        st.Page(
            PAGES / "my_training.py",
            title="My training",
            icon=":material/school:",
            url_path="training",
        ),
        # Opened from My training with a module chosen; no use on its own in the menu.
        st.Page(
            PAGES / "take_module.py",
            title="Training module",
            icon=":material/play_lesson:",
            url_path="module",
            visibility="hidden",
        ),
    ]
    if viewer.role in ("owner", "supervisor"):
        training += [
            st.Page(
                PAGES / "training_records.py",
                title="Training records",
                icon=":material/fact_check:",
                url_path="training-records",
            ),
            st.Page(
                PAGES / "verify_certificate.py",
                title="Verify a certificate",
                icon=":material/verified:",
                url_path="verify",
            ),
        ]
    sections["Training"] = training
    if viewer.role == "agent":
        sections["Performance"] = [
            st.Page(
                PAGES / "my_performance.py",
                title="My performance",
                icon=":material/monitoring:",
                url_path="my-performance",
            )
        ]
    else:
        sections["Performance"] = [
            st.Page(
                PAGES / "team_performance.py",
                title="Team performance",
                icon=":material/monitoring:",
                url_path="performance",
            ),
            st.Page(
                PAGES / "import_contacts.py",
                title="Import contacts",
                icon=":material/upload_file:",
                url_path="import",
            ),
            # Opened from a list of agents with one chosen; no use on its own in the menu.
            st.Page(
                PAGES / "agent_performance.py",
                title="Agent performance",
                icon=":material/person:",
                url_path="agent",
                visibility="hidden",
            ),
            st.Page(
                PAGES / "recognition.py",
                title="Recognition",
                icon=":material/emoji_events:",
                url_path="recognition",
            ),
            st.Page(
                PAGES / "coaching.py",
                title="Coaching candidates",
                icon=":material/support_agent:",
                url_path="coaching",
            ),
        ]
    if viewer.role == "owner":
        sections["Organisation"] = [
            st.Page(PAGES / "staff.py", title="Staff and teams", icon=":material/groups:")
        ]
    elif viewer.role == "supervisor":
        sections["Team"] = [st.Page(PAGES / "staff.py", title="My team", icon=":material/groups:")]
    return sections
