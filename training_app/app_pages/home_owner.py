"""Home for owners: the organisation at a glance, what is left in their own training and whom
to chase about theirs, the policy and the rollout."""

import streamlit as st

from metrics.complaints import register
from metrics.training import to_do
from training_app import data, session
from training_app.components import complaints, training
from training_app.components.formatting import count, local_day
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
tz = policy.business_hours.timezone
facts = data.store_overview(viewer)

st.title(f"Welcome, {md(viewer.name)}")
st.caption(f"Owner · {md(data.organisation_name())} · dates in {md(tz)}")

if data.demo_in_store():
    st.info(
        f"{count(facts.demo_contacts)} of the {count(facts.contacts)} contacts stored are "
        "**generated demo data**. Remove them with `academy demo --remove`; imported data is kept.",
        icon=":material/science:",
    )

staff, accounts, contacts, ratings = st.columns(4)
staff.metric(
    "Staff",
    count(sum(facts.staff_by_role.values())),
    help=", ".join(f"{n:d} {md(role)}s" for role, n in facts.staff_by_role.items()),
)
accounts.metric("Can sign in", count(facts.accounts), help="Active staff with a password.")
contacts.metric(
    "Customer contacts stored",
    count(facts.contacts),
    help=f"Queued {local_day(facts.first_contact, tz)} to {local_day(facts.last_contact, tz)}.",
)
ratings.metric("Customer ratings", count(facts.ratings))

modules = data.training_modules()
st.subheader("Complaints today")
complaints.today_summary(
    register.complaints_today(data.db(), viewer, policy, register.today_for(policy)),
    manager=True,
)

st.subheader("What is left for you")
training.what_is_left(to_do.training_left(data.db(), viewer, modules, policy))
st.subheader("The organisation's training")
training.overdue_list(
    to_do.overdue_people(data.db(), viewer, modules, policy),
    data.organisation_name(),
    with_team=True,
)

st.subheader("Keep in mind")
st.markdown(
    f"- **The policy in force**: {md(policy.title)}, version {policy.version:d}, effective "
    f"{policy.effective_from:%d %b %Y}. Every standard the training quotes and the dashboard "
    "judges by comes from it.\n"
    f"- **Who can sign in**: {facts.teams:d} teams on *Staff and teams*. Add people there one by "
    "one or import a staff list, and give each a temporary password.\n"
    "- **The rollout**: every agent passes the training within "
    f"{policy.training.due_within_days:d} days of joining, with a pass mark of "
    f"{policy.training.pass_mark:.0%}, and signs the policy version in force."
)
st.page_link("app_pages/policy.py", label="Open the policy", icon=":material/policy:")
st.page_link("app_pages/staff.py", label="Open staff and teams", icon=":material/groups:")
