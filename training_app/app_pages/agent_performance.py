"""One agent's performance, for their supervisor or an owner: their numbers against the policy's
targets and the team median, weekly trends, what customers wrote, their training, and every
contact they handled (downloadable row by row). Opened from a list of agents."""

import streamlit as st

from metrics.coaching.kudos import kudos_of_agent
from metrics.people import AccessDenied, PeopleError
from metrics.performance import agents as performance
from training_app import data, session
from training_app.components import charts, kudos
from training_app.components.agent_link import chosen_agent
from training_app.components.coaching_plans import agent_page_section
from training_app.components.comments import comment_cards
from training_app.components.filters import performance_filters
from training_app.components.formatting import file_slug, local_time
from training_app.components.not_applied import not_applied_notice
from training_app.components.performance_tables import (
    csv_download,
    show_definitions,
    standing_tiles,
    status_text,
)
from training_app.components.tables import show_table
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards
zone = policy.business_hours.timezone
targets = performance.targets(policy)

st.page_link(
    "app_pages/team_performance.py", label="Team performance", icon=":material/arrow_back:"
)
agent_id = chosen_agent()
if agent_id is None:
    st.title("Agent performance")
    st.info("Open an agent from the table on Team performance, Recognition or Coaching.")
    st.stop()
try:
    member = data.staff_member(viewer, agent_id)
except (AccessDenied, PeopleError):
    st.title("Agent performance")
    st.error("This agent is not in a team you can see.")
    st.stop()
st.query_params["agent"] = str(agent_id)  # a reload or a bookmark opens the same agent

st.title(md(member.name))
st.caption(" · ".join(md(part) for part in (member.team or "no team", member.email) if part))
not_applied_notice(viewer, member, data.training_modules(), policy)
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet.")
    st.stop()
period = performance_filters(viewer, data.teams(viewer), days, show_team=False)
st.caption(f"{period.start:%d %b %Y} – {period.end:%d %b %Y}, dates in {md(zone)}")

mine, team = data.agent_standing(viewer, period, agent_id)
if mine is None:
    st.info(f"{md(member.name)} handled no contacts in these dates.")
else:
    status = str(mine["status"])
    handled = int(mine["handled"])  # type: ignore[call-overload]
    st.markdown(f"**Status:** {md(status_text(status, handled, standards.min_contacts))}")
    if status == "insufficient":
        st.caption(
            f"{handled:d} contacts handled; the policy judges from "
            f"{standards.min_contacts:d}, so these numbers carry no status yet."
        )
    standing_tiles(mine, team, standards)

    st.subheader("Weekly, against the team median")
    weekly = data.agent_weekly_trends(viewer, period, agent_id)
    charts.show_panels(charts.agent_trend_panels(weekly, targets, member.name), per_row=3)
    note = charts.partial_week_note(weekly)
    if note:
        st.caption(md(note))
    csv_download(weekly, "Download the weekly numbers (CSV)", f"agent-{agent_id}-weekly.csv")

agent_page_section(viewer, agent_id, zone, (period.start, period.end))

st.subheader("Latest customer comments")
comments = data.customer_comments(viewer, period, agent_id=agent_id, limit=6)
comment_cards(comments, "No comments in these dates.", columns=2, viewer=viewer)

st.subheader("Kudos")
if kudos.may_give(viewer):
    with st.expander("Give kudos", icon=":material/celebration:"):
        kudos.give_form(viewer, {agent_id: member.name}, key="agent")
kudos.kudos_list(kudos_of_agent(data.db(), viewer, agent_id), "No kudos yet.")

st.subheader("Training")
standing = data.training_standing(viewer, agent_id)
if standing.empty:
    st.caption("No training modules are in use.")
else:
    signed = standing["policy_signed_at"].iloc[0]
    st.markdown(
        f"Policy version {policy.version:d}: "
        + (
            f"signed {local_time(signed, zone)}"
            if signed is not None and signed == signed
            else "**not signed**"
        )
    )
    training = standing.assign(
        state=standing["state"] + standing["overdue"].map({True: " · OVERDUE", False: ""}),
    )[["module_title", "mandatory", "state", "attempts", "best_score", "due"]].rename(
        columns={
            "module_title": "Module",
            "mandatory": "Mandatory",
            "state": "State",
            "attempts": "Attempts",
            "best_score": "Best score",
            "due": "Due",
        }
    )
    show_table(
        training,
        {
            "Best score": st.column_config.NumberColumn(
                format="percent", help="– when no attempt at the module is finished yet."
            ),
            "Due": st.column_config.DateColumn(
                format="DD.MM.YYYY", help="– when the module is optional: nothing is due."
            ),
        },
    )
    csv_download(training, "Download the training status (CSV)", f"agent-{agent_id}-training.csv")

st.subheader("Contacts")
contacts = data.agent_contacts(viewer, period, agent_id)
st.caption(
    f"{len(contacts):,} contacts handled in these dates (times in {md(zone)}); the download has "
    "every one."
)
show_table(
    contacts,
    {
        "source": "Source",
        "contact_id": "Contact",
        "channel": "Channel",
        "queued_at": st.column_config.DatetimeColumn("Queued", format="DD.MM.YYYY HH:mm"),
        "answered_at": st.column_config.DatetimeColumn("Answered", format="DD.MM.YYYY HH:mm"),
        "resolved_at": st.column_config.DatetimeColumn(
            "Resolved at", format="DD.MM.YYYY HH:mm", help="– when it was not resolved."
        ),
        "wait_s": st.column_config.NumberColumn("Wait (s)", format="%.0f"),
        "within_standard": "Within standard",
        "resolved": "Resolved",
        "case_id": st.column_config.Column("Case", help="– when the file named no case."),
        "category": st.column_config.Column("Category", help="– when the file named none."),
        "rating": st.column_config.Column("Rating", help="– when the customer did not rate it."),
        "comment": st.column_config.Column("Comment", help="– when the customer wrote nothing."),
    },
    pinned="contact_id",
)
csv_download(
    contacts,
    "Download these contacts (CSV)",
    f"contacts-{file_slug(member.name, f'agent-{agent_id}')}-{period.start}-{period.end}.csv",
)

show_definitions()
