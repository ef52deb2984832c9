"""Home for owners: the organisation at a glance and what to do next."""

import streamlit as st

from training_app import data, session
from training_app.components.formatting import count, local_day
from training_app.components.text import md, md_code

viewer = session.require_viewer()
loaded = data.policy()
policy = loaded.policy
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

st.subheader("What to do next")
st.markdown(
    f"1. **Read the policy in force**: {md(policy.title)}, version {policy.version:d}, effective "
    f"{policy.effective_from:%d %b %Y}. Every standard the training quotes and the dashboard "
    f"judges by comes from {md_code(loaded.path.name)}; change it there and check it with "
    "`academy check-content`.\n"
    f"2. **Check who can sign in** on *Staff and teams*: {facts.teams:d} teams. Add people "
    "there one by one or import a staff list, and give each a temporary password.\n"
    "3. **Plan the rollout**: every agent must read and acknowledge the policy within "
    f"{policy.training.due_within_days:d} days, with a pass mark of "
    f"{policy.training.pass_mark:.0%} on its training."
)
st.page_link("app_pages/policy.py", label="Open the policy", icon=":material/policy:")
st.page_link("app_pages/staff.py", label="Open staff and teams", icon=":material/groups:")
