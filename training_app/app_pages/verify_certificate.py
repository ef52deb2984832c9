"""Verify a certificate: a supervisor or owner types the code printed on it and sees whether it
is genuine and whom it belongs to."""

import streamlit as st

from metrics.training import records
from training_app import data, session
from training_app.components.formatting import local_time
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy

st.title("Verify a certificate")
st.caption("Every certificate carries a code such as SA-7K3Q-9XPM. Case and dashes do not matter.")
with st.form("verify", enter_to_submit=True):
    code = st.text_input("Verification code")
    submitted = st.form_submit_button("Verify", type="primary", icon=":material/verified:")

if submitted and code.strip():
    found = records.verify_certificate(data.db(), viewer, code)
    if found is None:
        st.error(
            f"No certificate has the code '{md(code.strip())}'. Check the code; a certificate "
            "without a matching record is not genuine."
        )
    else:
        st.success(f"Genuine: {md(found.code)}", icon=":material/verified:")
        st.markdown(
            f"**{md(found.staff_name)}** passed **{md(found.module_title)}** (module version "
            f"{found.module_version:d}, policy version {found.policy_version:d}) with "
            f"**{found.score:.0%}** against a pass mark of {found.pass_mark:.0%}, on "
            f"{local_time(found.issued_at, policy.business_hours.timezone)}."
        )
