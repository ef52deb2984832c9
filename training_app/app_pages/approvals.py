"""Compensation approvals, for supervisors (their team's) and owners (everyone's): each
compensation above its receiver's limit, approved or refused here with a reason; the record
keeps who decided and when. One the viewer has no authority for says who has."""

import streamlit as st

from metrics.complaints import register
from metrics.people import AccessDenied
from training_app import data, session
from training_app.components import complaints as shown
from training_app.components.text import md

NOTICE_KEY = "approval_decided"

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone

st.title("Compensation approvals")
st.caption(
    f"Compensation above what its receiver may grant alone · amounts in "
    f"{md(policy.compensation.currency)} · times in {md(zone)}"
)
notice = st.session_state.pop(NOTICE_KEY, None)
if isinstance(notice, str):
    st.success(md(notice), icon=":material/task_alt:")

queue = register.approvals_waiting(data.db(), viewer, policy)
if not queue:
    st.info("No compensation is waiting for approval.", icon=":material/inbox:")
    st.stop()

for approval in queue:
    complaint = approval.complaint
    with st.container(border=True):
        st.markdown(
            f"**No. {complaint.id:d} · {md(shown.compensation_text(complaint, policy))}**  \n"
            f"Asked by {md(complaint.received_by_name)} · for "
            f"{md(complaint.compensation_approver_name or 'any approver')}"
        )
        with st.expander("The complaint"):
            shown.complaint_record(complaint, policy)
        if not approval.may_decide:
            st.caption(md(approval.why_not or ""))
            continue
        with st.form(f"decide-{complaint.id:d}"):
            reason = st.text_input("Reason", key=f"reason-{complaint.id:d}")
            approve, refuse = st.columns(2)
            approved = approve.form_submit_button("Approve", type="primary")
            refused = refuse.form_submit_button("Refuse")
        if approved or refused:
            try:
                register.decide_compensation(
                    data.db(),
                    viewer,
                    complaint.id,
                    approve=approved,
                    reason=reason,
                    policy=policy,
                )
            except (register.ComplaintError, AccessDenied) as exc:
                st.error(md(str(exc)))
            else:
                word = "approved" if approved else "refused"
                st.session_state[NOTICE_KEY] = f"Compensation of No. {complaint.id:d} {word}."
                st.rerun()
