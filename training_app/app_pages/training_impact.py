"""Training impact: what passing a module (or signing a policy version) changed. For owners
(everyone, or one team) and supervisors (their team): the trained agents' service level,
resolution, CSAT and complaint follow-up compliance in the weeks before and after they passed,
beside agents not yet trained over the same weeks, the difference in differences with its 95%
interval, and the conclusion said plainly (metrics/coaching/impact.py)."""

import streamlit as st

from metrics import organisation
from metrics.coaching import impact
from metrics.demo.impact import BETTER_RATING_SHARE, IMPACT_MODULE, RESOLVED_SHARE
from training_app import data, session
from training_app.components import training_impact as shown
from training_app.components.tables import show_table
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone

st.title("Training impact")
st.caption(
    md(
        "Did the training change how customers were served? For each agent who passed, the "
        "weeks before their pass against the weeks after, beside agents not yet trained over "
        f"the same calendar weeks. Dates in {zone}."
    )
)

modules = data.training_modules()
versions = organisation.list_policy_versions(data.db())
MODULE, ROLLOUT = "A training module", "A policy version's rollout"
module_id: str | None = None
version: int | None = None
left, middle, right = st.columns([2, 3, 1])
with left:
    kind = st.radio("Measure", [MODULE, ROLLOUT], key="impact_kind")
with middle:
    if kind == MODULE:
        titles = {module.id: module.title for module in modules}
        module_id = st.selectbox(
            "Module",
            list(titles),
            format_func=lambda module_id: titles[module_id],
            key="impact_module",
        )
    else:
        labels = {version.version: version.title for version in versions}
        version = st.selectbox(
            "Policy version",
            list(labels),
            index=max(0, len(labels) - 1),
            format_func=lambda number: f"Version {number:d}: {labels[number]}",
            key="impact_version",
        )
with right:
    weeks = st.number_input(
        "Weeks",
        min_value=1,
        max_value=impact.MAX_WEEKS,
        value=impact.DEFAULT_WEEKS,
        step=1,
        help="how many weeks before and after each agent's pass are compared",
        key="impact_weeks",
    )
team_id = None
if viewer.role == "owner":
    teams = {team.id: team.name for team in data.teams(viewer)}
    if teams:
        team_id = st.selectbox(
            "Team",
            [None, *teams],
            format_func=lambda found: "All teams" if found is None else teams[found],
            key="impact_team",
        )

if (module_id if kind == MODULE else version) is None:
    st.info("There is nothing to measure yet: no module or policy version is recorded.")
    st.stop()

found = impact.training_impact(
    data.db(),
    viewer,
    policy,
    module=module_id if kind == MODULE else None,
    policy_version=version if kind == ROLLOUT else None,
    weeks=int(weeks),
    team_id=team_id,
)
step_words = "passed the module" if kind == MODULE else "signed this version"
if found.trained_agents == 0:
    recent = (
        f" {found.passed_recently:d} did recently; they count once their {found.weeks:d} "
        "weeks after have ended."
        if found.passed_recently
        else ""
    )
    st.info(md(f"Nobody here has {step_words} with {found.weeks:d} weeks after it yet.{recent}"))
    st.stop()

st.markdown(
    md(
        f"{found.trained_agents:d} trained agents ({step_words} between "
        f"{found.first_step:%d %b %Y} and {found.last_step:%d %b %Y}, and their "
        f"{found.weeks:d} weeks after have ended) · {found.comparison_agents:d} agents not yet "
        "trained over some of those weeks, the comparison"
        + (
            f" · {found.passed_recently:d} passed too recently to count"
            if found.passed_recently
            else ""
        )
    )
)
for metric in found.metrics:
    sentence = md(shown.conclusion_sentence(metric, found.min_agents))
    if metric.conclusion == "improved":
        st.success(sentence)
    elif metric.conclusion == "worse":
        st.warning(sentence)
    else:
        st.info(sentence)

show_table(shown.impact_table(found), pinned="Metric")
st.caption(
    md(
        "Rates are fractions shown as percentages; the difference and its interval are in "
        "percentage points: (trained after − before) − (comparison after − before)."
    )
)
charted = [m for m in found.metrics if m.low is not None and m.high is not None]
if charted:
    st.subheader("The differences and their intervals")
    st.altair_chart(shown.difference_chart(found), width="stretch")
    st.caption(md("An interval that crosses the dashed line at zero is within the noise."))
st.subheader("Before and after")
st.altair_chart(shown.before_after_chart(found))

if data.demo_in_store():
    demo_module = next((m.title for m in modules if m.id == IMPACT_MODULE), IMPACT_MODULE)
    st.info(
        md(
            "This is the demo organisation, and its effect was made on purpose: after the demo "
            f"was generated, agents who passed {demo_module} had {RESOLVED_SHARE:.0%} of the "
            "contacts they left unresolved resolved after all, and "
            f"{BETTER_RATING_SHARE:.0%} of their low ratings without a comment raised to the "
            "best, from the day after their pass; nobody else changed. It shows how the page "
            "reads. It is not evidence that any module works."
        )
    )

with st.expander("How this is worked out"):
    st.markdown(md(impact.METHOD))
    st.markdown(
        md(
            f"Before: the {found.weeks * 7:d} days up to the day before an agent's pass; after: "
            f"the {found.weeks * 7:d} days from the day after it (the day itself counts for "
            "neither). Agents who passed on the same day are compared with the agents not yet "
            "trained on the last day of their weeks after, over the same days. An agent with "
            "nothing to count in a window (no contacts, no ratings, no complaint due) is left "
            "out of that metric. Service level, resolution and CSAT are those of the contacts "
            "each agent handled; follow-up compliance is over the complaints they handle."
        )
    )
    st.markdown(
        md(
            f"Too few agents: fewer than {found.min_agents:d} trained agents, or agents to "
            "compare them with, who have something to count (the policy's "
            "training.min_agents_for_impact). Within the noise: the 95% interval includes zero."
        )
    )
