"""Sign in with a local account."""

import streamlit as st

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import authenticate
from training_app import data, session
from training_app.components.text import md, md_code

_, middle, _ = st.columns([1, 2, 1])  # a sign-in form reads best narrow, even in a wide app
with middle:
    st.title("Service Academy")
    st.caption(f"Customer-service training and coaching · {md(data.organisation_name())}")
    with st.form("sign_in"):
        email = st.text_input("E-mail", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")

    if submitted:
        viewer = authenticate(data.db(), email, password)
        if viewer is None:
            st.error("That e-mail and password do not match an active account.")
        else:
            session.sign_in(viewer)
            st.rerun()

    if data.demo_in_store():
        accounts = "\n".join(
            f"- {md(role)}: {md_code(address)}" for role, address in DEMO_ACCOUNTS.items()
        )
        st.info(
            "This store holds **generated demo data**. Demo accounts, all with the password "
            f"{md_code(DEMO_PASSWORD)}:\n{accounts}",
            icon=":material/science:",
        )
