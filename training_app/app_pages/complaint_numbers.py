"""Complaint numbers and the top problems: for owners everyone's (or one team's), for a
supervisor their team's, for an agent their own (no colleague's). Follow-ups, promises,
satisfaction, repeats and compensation with n and intervals; the categories ranked as a Pareto
chart with the three most significant named on top, the change from the period before and the
prevention suggestions; per team and per agent."""

import streamlit as st

from metrics.complaints import report
from training_app import data, session
from training_app.components import complaint_numbers as shown
from training_app.components.pareto import pareto_chart
from training_app.components.performance_tables import csv_download
from training_app.components.tables import show_table
from training_app.components.text import md, md_bullets

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone
currency = policy.compensation.currency
own = viewer.role == "agent"

st.title("My complaint numbers" if own else "Complaint numbers")
days = report.complaint_days(data.db(), viewer, policy)
if days is None:
    st.info(
        "No complaints are recorded yet that you handle."
        if own
        else "No complaints are recorded yet. They appear here once staff record them."
    )
    st.stop()
period = shown.period_choice(viewer, data.teams(viewer), days)
numbers = report.complaint_numbers(data.db(), viewer, policy, period)
problems = report.top_problems(data.db(), viewer, policy, period)
previous = problems.previous_period
st.caption(
    f"Complaints received {period.start:%d %b %Y} – {period.end:%d %b %Y}, dates in {md(zone)} · "
    f"follow-ups due by the end of the day {policy.standards.complaint_follow_up_days:d} days "
    f"after receipt · due moments as of now · compared with {previous.start:%d %b} – "
    f"{previous.end:%d %b %Y}"
)
if numbers.overall.complaints == 0:
    st.info("No complaints were received in these dates. Choose other dates.")
    st.stop()

shown.tiles(numbers.overall, currency)

st.subheader("Top problems")
significant = shown.most_significant_lines(problems)
st.markdown(
    f"**The {len(significant):d} most significant** of {problems.complaints:,} complaints "
    f"({problems.previous_complaints:,} in the period before):"
)
st.markdown("  \n".join(md(line) for line in significant))
st.altair_chart(pareto_chart(problems), width="stretch")
st.caption(
    "Bars: complaints per category, most first (ties by name); line: the cumulative share. "
    "The darker bars are the most significant."
)
for problem in problems.most_significant():
    if problem.prevention:
        st.markdown(f"**Prevention suggested for {md(problem.name)}**")
        st.markdown(md_bullets(problem.prevention[: shown.SUGGESTIONS_SHOWN]))
        more = len(problem.prevention) - shown.SUGGESTIONS_SHOWN
        if more > 0:
            st.caption(f"and {more:d} more, under Every category")
with st.expander("Every category"):
    show_table(shown.problems_table(problems), wrap=["Category", "Prevention suggested"])

if numbers.teams and viewer.role == "owner" and period.team_id is None:
    st.subheader("Per team")
    show_table(shown.team_table(numbers.teams), pinned="Team")

if not own:
    st.subheader("Per agent")
    st.caption(
        "Each complaint counts for the agent who handles it (the one who received it, unless it "
        "was handed over). Rates show their n and 95% interval."
    )
    agents = shown.agent_table(numbers.agents)
    show_table(agents, pinned="Agent")
    csv_download(
        agents,
        "Download the agent table (CSV)",
        f"complaints-per-agent-{period.start}-{period.end}.csv",
    )

if numbers.compensation_by_kind:
    st.subheader("Compensation given")
    by_kind, by_approver = st.columns(2)
    with by_kind:
        show_table(shown.compensation_table(numbers.compensation_by_kind, "Kind"))
    with by_approver:
        show_table(shown.compensation_table(numbers.compensation_by_approver, "Decided by"))
    st.caption(md(f"Amounts in {currency}. {report.DEFINITIONS['Compensation given']}."))

with st.expander("How these numbers are worked out"):
    for name, text in report.DEFINITIONS.items():
        st.markdown(f"**{md(name)}.** {md(text)}.")
