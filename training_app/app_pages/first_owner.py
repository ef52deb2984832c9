"""Create the first owner: offered only while nobody can sign in as an owner of the store."""

from typing import Any

import streamlit as st
from pydantic import ValidationError

from metrics import auth
from metrics.people import FirstOwnerExists, NewStaffMember, PeopleError, add_first_owner
from training_app import data, session
from training_app.components.text import md

FIELDS = {"name": "Full name", "email": "E-mail", "password": "Password"}


def problem(error: dict[str, Any]) -> str:
    """One pydantic error as the person reads it, naming the field as the form labels it."""
    field = FIELDS.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "Form"
    if error["type"] == "string_pattern_mismatch":
        return f"{field}: that is not an e-mail address"
    if error["type"] == "string_too_short":
        return f"{field}: required"
    return f"{field}: {error['msg'].removeprefix('Value error, ')}"


_, middle, _ = st.columns([1, 2, 1])  # the same narrow column as the sign-in form
with middle:
    st.title("Create the first owner")
    st.caption(f"Service Academy · {md(data.organisation_name())}")
    st.markdown(
        "Nobody can sign in as an owner of this organisation yet, so the first person here "
        "creates the owner account. The owner sees everyone, adds the other accounts "
        "(`academy users add`) and unlocks accounts. This form disappears once an owner exists."
    )
    with st.form("first_owner"):
        name = st.text_input("Full name", autocomplete="name", max_chars=200)
        email = st.text_input("E-mail", autocomplete="username", max_chars=auth.MAX_EMAIL_LENGTH)
        password = st.text_input("Password", type="password", autocomplete="new-password")
        repeated = st.text_input("Password again", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Create the owner and sign in", type="primary")

    if submitted:
        try:
            if password != repeated:
                raise PeopleError("the two passwords differ")
            new = NewStaffMember(name=name, email=email, role="owner", password=password)
            staff_id = add_first_owner(data.db(), new)
        except ValidationError as exc:
            for error in exc.errors():
                st.error(md(problem(dict(error))))
        except FirstOwnerExists as exc:
            st.warning(f"Not created: {md(exc)}.")
            st.page_link("app_pages/sign_in.py", label="Sign in", icon=":material/login:")
        except PeopleError as exc:
            st.error(f"Not created: {md(exc)}.")
        else:
            session.sign_in(auth.start_session(data.db(), staff_id, session.client()))
            st.rerun()

    st.page_link(
        "app_pages/sign_in.py", label="I have an account: sign in", icon=":material/login:"
    )
