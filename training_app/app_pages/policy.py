"""The policy in force, as every role reads it."""

import streamlit as st

from modules.policy import CHANNELS
from training_app import data
from training_app.components import policy_tables
from training_app.components.formatting import bullets

loaded = data.policy()
policy = loaded.policy
hours = policy.business_hours

st.title(policy.title)
st.caption(
    f"{policy.organisation} · version {policy.version} · effective "
    f"{policy.effective_from:%d %B %Y} · from `{loaded.path.name}`"
)
st.markdown(f"> {policy.vision}")
st.markdown(policy.mission_link)

st.subheader("Our values")
st.markdown(bullets(policy.values))

st.subheader("Standards by channel")
for column, channel in zip(st.columns(len(CHANNELS)), CHANNELS, strict=True):
    standard = policy.standards.channel(channel)
    with column.container(border=True):
        st.markdown(f"**{standard.label}**  \nanswer within **{standard.answer_within}**")
        st.markdown(bullets(standard.procedure))
st.subheader("Targets")
st.table(policy_tables.targets(policy).set_index("Target"))

st.subheader("Business hours")
st.markdown(
    f"{', '.join(day.capitalize() for day in hours.days)}, {hours.opens:%H:%M}–"
    f"{hours.closes:%H:%M} ({hours.timezone}).\n\n{hours.outside_hours}"
)

st.subheader("Handling a complaint")
for number, step in enumerate(policy.complaint_handling.steps, start=1):
    with st.expander(f"{number}. {step.title}", expanded=number == 1):
        st.markdown(step.what_to_do)
        for phrase in step.say_it_like:
            st.markdown(f"*“{phrase}”*")
never, record = st.columns(2)
with never:
    st.markdown("**Never say**")
    st.markdown(bullets(f"“{phrase}”" for phrase in policy.complaint_handling.never_say))
with record:
    st.markdown("**Record for every complaint**")
    st.markdown(bullets(policy.complaint_handling.record_fields))

st.subheader("Compensation")
st.markdown(bullets(policy.compensation.principles))
st.table(policy_tables.compensation_limits(policy).set_index("Option"))

st.subheader("Escalation")
for level in policy.escalation:
    st.markdown(f"**{level.level}. {level.who}** — {level.contact}\n" + bullets(level.when))

for row in [
    [("Communication", policy.communication), ("Follow-up", policy.follow_up)],
    [
        ("Keeping customers", policy.retention),
        ("Feedback and recognition for staff", policy.recognition),
    ],
]:
    for column, (heading, rules) in zip(st.columns(2), row, strict=True):
        column.subheader(heading)
        column.markdown(bullets(rules))

st.subheader("Equal treatment")
st.markdown(policy.equal_treatment)

returns, privacy = st.columns(2)
with returns:
    st.subheader(f"Returns ({policy.returns.window_days} days)")
    st.markdown(bullets(policy.returns.rules))
with privacy:
    st.subheader("Privacy")
    st.markdown(bullets(policy.privacy.rules))

st.subheader("Training and review")
st.markdown(
    f"- Training pass mark: **{policy.training.pass_mark:.0%}**, due within "
    f"{policy.training.due_within_days} days of starting; refresher every "
    f"{policy.training.refresher_every_months} months.\n"
    f"- This policy is reviewed every {policy.review.every_months} months. "
    f"{policy.review.customer_feedback}\n- {policy.review.pilot}"
)
