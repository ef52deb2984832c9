"""Service Academy: the Streamlit entry script. Run with `academy serve`."""

from __future__ import annotations

import streamlit as st

from metrics.store import DatabaseLockedError
from modules.content_errors import ContentError
from training_app import data, navigation, session
from training_app.components.errors import failures_reported
from training_app.components.text import md
from training_app.components.theme import apply_accessibility_styles

st.set_page_config(page_title="Service Academy", page_icon=":material/school:", layout="wide")
apply_accessibility_styles()

# Every failure below, in the entry script or in a page, is shown as a reference, not a traceback.
with failures_reported():
    try:
        data.app_store()
        data.training_modules()
    except ContentError as exc:
        st.error(
            "The policy or training content has problems, so the app cannot start. "
            "Fix them (`academy check-content` lists the same) and reload."
        )
        st.code("\n".join(str(issue) for issue in exc.issues), language=None)
        st.stop()
    except DatabaseLockedError as exc:
        st.error(md(exc))
        st.stop()

    # Read from the store on every run: a deactivated person, or one with a new role or team,
    # is seen as they are now at their next click.
    viewer = session.current_viewer()
    if viewer is None:
        pages = navigation.signed_out_pages(session.send_to_sign_in, session.unserved)
        page = st.navigation(pages, position="hidden")
    elif viewer.must_choose_password:
        # Given a temporary password: every address goes to choosing their own first.
        pages = navigation.signed_out_pages(session.send_to_choose_password, session.unserved)
        page = st.navigation(pages, position="hidden")
    else:
        with st.sidebar:
            st.markdown(
                f"**{md(viewer.name)}**  \n{md(viewer.role.capitalize())} · "
                f"{md(data.organisation_name())}"
            )
            if st.button("Sign out", icon=":material/logout:", key="sign_out"):
                session.sign_out()
                st.rerun()
            if data.demo_in_store():
                st.caption("Demo data: generated, not real customers.")
        # Every page of the role listed, however many: Streamlit folds a menu of more than
        # twelve behind "View more", which hides an owner's last pages.
        page = st.navigation(
            navigation.pages_for(viewer, piloting=data.piloting(viewer)), expanded=True
        )
        if page.url_path == "":  # Home, the default page, is the root address
            refused = navigation.refusal_notice()
            if refused is not None:
                st.warning(md(refused), icon=":material/block:")
    page.run()
