"""The policy in force, as every role reads it. Its text is shown as written (training_app/
components/text.py): the policy file is plain text, not Markdown."""

import streamlit as st

from modules.policy import CHANNELS
from training_app import data
from training_app.components import policy_tables
from training_app.components.text import md, md_bullets, md_table

policy = data.policy().policy
hours = policy.business_hours

st.title(md(policy.title))
st.caption(
    f"{md(policy.organisation)} · version {policy.version:d} · effective "
    f"{policy.effective_from:%d %B %Y}"
)
st.markdown(f"> {md(policy.vision)}")
st.markdown(md(policy.mission_link))

st.subheader("Our values")
st.markdown(md_bullets(policy.values))

st.subheader("Standards by channel")
for column, channel in zip(st.columns(len(CHANNELS)), CHANNELS, strict=True):
    standard = policy.standards.channel(channel)
    with column.container(border=True):
        st.markdown(f"**{md(standard.label)}**  \nanswer within **{md(standard.answer_within)}**")
        st.markdown(md_bullets(standard.procedure))
st.subheader("Targets")
st.table(md_table(policy_tables.targets(policy).set_index("Target")))

st.subheader("Business hours")
st.markdown(
    f"{', '.join(md(day.capitalize()) for day in hours.days)}, {hours.opens:%H:%M}–"
    f"{hours.closes:%H:%M} ({md(hours.timezone)}).\n\n{md(hours.outside_hours)}"
)

st.subheader("Handling a complaint")
for number, step in enumerate(policy.complaint_handling.steps, start=1):
    with st.expander(f"{number:d}. {md(step.title)}", expanded=number == 1):
        st.markdown(md(step.what_to_do))
        for phrase in step.say_it_like:
            st.markdown(f"*“{md(phrase)}”*")
never, record = st.columns(2)
with never:
    st.markdown("**Never say**")
    st.markdown(md_bullets(f"“{phrase}”" for phrase in policy.complaint_handling.never_say))
with record:
    st.markdown("**Record for every complaint**")
    st.markdown(md_bullets(policy.complaint_handling.record_fields))

st.subheader("Compensation")
st.markdown(md_bullets(policy.compensation.principles))
st.table(md_table(policy_tables.compensation_limits(policy).set_index("Option")))

st.subheader("Escalation")
for level in policy.escalation:
    st.markdown(
        f"**{level.level:d}. {md(level.who)}** — {md(level.contact)}\n" + md_bullets(level.when)
    )

for row in [
    [("Communication", policy.communication), ("Follow-up", policy.follow_up)],
    [
        ("Keeping customers", policy.retention),
        ("Feedback and recognition for staff", policy.recognition),
    ],
]:
    for column, (heading, rules) in zip(st.columns(2), row, strict=True):
        column.subheader(md(heading))
        column.markdown(md_bullets(rules))

st.subheader("Equal treatment")
st.markdown(md(policy.equal_treatment))

returns, privacy = st.columns(2)
with returns:
    st.subheader(f"Returns ({policy.returns.window_days:d} days)")
    st.markdown(md_bullets(policy.returns.rules))
with privacy:
    st.subheader("Privacy")
    st.markdown(md_bullets(policy.privacy.rules))

st.subheader("Training and review")
st.markdown(
    f"- Training pass mark: **{policy.training.pass_mark:.0%}**, due within "
    f"{policy.training.due_within_days:d} days of starting; refresher every "
    f"{policy.training.refresher_every_months:d} months.\n"
    f"- This policy is reviewed every {policy.review.every_months:d} months. "
    f"{md(policy.review.customer_feedback)}\n- {md(policy.review.pilot)}"
)
