"""Customers' details in complaints, for owners: erase one customer's details on their request
(found by name, e-mail or phone), and the log of every erasure, by request or by the policy's
retention period. The log says who, when and which complaints, never the details erased."""

import pandas as pd
import streamlit as st

from metrics.complaints import register
from metrics.people import AccessDenied
from training_app import data, session
from training_app.components.formatting import local_time
from training_app.components.tables import show_table
from training_app.components.text import md

NOTICE_KEY = "details_erased"

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone
retention = policy.complaints.details_retention_days

st.title("Customer data")
st.caption(
    f"Customers' names and contact details in complaints are erased {retention:d} days after a "
    f"complaint is closed (resolved and followed up) · times in {md(zone)}"
)
notice = st.session_state.pop(NOTICE_KEY, None)
if isinstance(notice, str):
    st.success(md(notice), icon=":material/task_alt:")

st.subheader("Erase a customer's details on request")
search = st.text_input("Customer's name, e-mail or phone", key="customer_search")
if search.strip():
    try:
        found = register.find_customer_complaints(data.db(), viewer, search)
    except (register.ComplaintError, AccessDenied) as exc:
        st.error(md(str(exc)))
        found = []
    if not found and search.strip():
        st.info("No complaint holds details like these.")
    if found:
        table = pd.DataFrame(
            {
                "No.": [c.id for c in found],
                "Received": [local_time(c.received_at, zone) for c in found],
                "Category": [
                    policy.complaints.category_name(c.category, c.category_other) for c in found
                ],
                "Customer": [c.customer.name if c.customer else None for c in found],
                "Phone": [c.customer.phone if c.customer else None for c in found],
                "E-mail": [c.customer.email if c.customer else None for c in found],
            }
        )
        show_table(table, pinned="No.")
        with st.form("erase-details"):
            chosen = st.multiselect(
                "Complaints of this customer",
                [c.id for c in found],
                default=[c.id for c in found],
                format_func=lambda i: f"No. {i}",
            )
            sure = st.checkbox("The customer asked for it; erase their details for good")
            erase = st.form_submit_button("Erase these details", type="primary")
        if erase:
            if not sure:
                st.error("Tick the box to confirm first.")
            else:
                try:
                    register.erase_customer_details(data.db(), viewer, chosen)
                except (register.ComplaintError, AccessDenied) as exc:
                    st.error(md(str(exc)))
                else:
                    st.session_state[NOTICE_KEY] = (
                        f"Details erased from {len(chosen):d} complaints; the erasure is logged."
                    )
                    st.session_state.pop("customer_search", None)
                    st.rerun()

st.subheader("Erasures")
log = register.list_erasures(data.db(), viewer)
if not log:
    st.info("Nothing was erased yet.")
else:
    show_table(
        pd.DataFrame(
            {
                "When": [local_time(e.erased_at, zone) for e in log],
                "By": [e.erased_by_name or "the retention period" for e in log],
                "Why": [
                    "customer's request" if e.reason == "customer_request" else "retention"
                    for e in log
                ],
                "Complaints": [", ".join(f"No. {i}" for i in e.complaint_ids) for e in log],
            }
        ),
        wrap=["Complaints"],
    )
