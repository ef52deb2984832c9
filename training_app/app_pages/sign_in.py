"""Sign in with a local account."""

import streamlit as st

from metrics import auth
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import owner_can_sign_in
from training_app import data, session
from training_app.components.text import md, md_code

_, middle, _ = st.columns([1, 2, 1])  # a sign-in form reads best narrow, even in a wide app
with middle:
    st.title("Service Academy")
    st.caption(f"Customer-service training and coaching · {md(data.organisation_name())}")
    notice = session.take_notice()
    if notice is not None:
        st.warning(md(notice), icon=":material/logout:")
    with st.form("sign_in"):
        email = st.text_input("E-mail", autocomplete="username", max_chars=auth.MAX_EMAIL_LENGTH)
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")

    if submitted:
        result = auth.sign_in(data.db(), email, password, session.client())
        if result.token is None:
            st.error(md(result.refusal or auth.WRONG_PASSWORD))
        else:
            session.sign_in(result.token)
            st.rerun()

    if not owner_can_sign_in(data.db()):
        st.info(
            "Nobody can sign in as an owner of this organisation yet.",
            icon=":material/person_add:",
        )
        st.page_link(
            "app_pages/first_owner.py", label="Create the first owner", icon=":material/person_add:"
        )

    if data.demo_in_store():
        accounts = "\n".join(
            f"- {md(role)}: {md_code(address)}" for role, address in DEMO_ACCOUNTS.items()
        )
        st.info(
            "This store holds **generated demo data**. Demo accounts, all with the password "
            f"{md_code(DEMO_PASSWORD)}:\n{accounts}",
            icon=":material/science:",
        )
