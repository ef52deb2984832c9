"""Kudos on the pages: the form that gives one, the one-click pass-on of a customer's praise,
and the list an agent or manager reads. Every write goes through `metrics.coaching.kudos`,
which checks who may give against the stored rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import pandas as pd
import streamlit as st

from metrics.coaching import kudos
from metrics.people import AccessDenied, Viewer
from training_app import data
from training_app.components.formatting import local_day
from training_app.components.text import md, text_block

# The ratings `metrics.contacts.ratings.GOOD_RATING` counts as good, as `customer_comments`
# shows them.
GOOD_RATINGS = {"4", "5", "good"}


def may_give(viewer: Viewer) -> bool:
    return viewer.role in ("supervisor", "owner")


def give_form(viewer: Viewer, agents: dict[int, str], *, key: str) -> None:
    """A form giving kudos to one of `agents` (id → name; one agent: no choice offered)."""
    if not agents:
        return
    with st.form(f"kudos-{key}", clear_on_submit=True):
        if len(agents) == 1:
            [agent_id] = agents
        else:
            agent_id = st.selectbox("Agent", list(agents), format_func=agents.__getitem__)
        reason = st.text_area("Reason", max_chars=kudos.REASON_MAX_CHARS)
        shared = st.checkbox(
            "Share with the team", help="Unticked, only the agent and their managers see it."
        )
        if st.form_submit_button("Give kudos", icon=":material/celebration:"):
            _give(viewer, int(agent_id), reason, shared_with_team=shared)


def _give(viewer: Viewer, agent_id: int, reason: str, **options: Any) -> None:
    try:
        kudos.give_kudos(data.db(), viewer, agent_id, reason, **options)
    except kudos.AlreadyPassedOn as refusal:
        st.info(f"Already passed on: {md(refusal)}.")
    except (kudos.KudosError, AccessDenied) as refusal:
        st.error(f"Kudos not given: {md(refusal)}.")
    else:
        st.success("Kudos given. The agent sees it on their Home.")


def pass_on_button(viewer: Viewer, comment: Any) -> None:
    """One click passes a positive comment on as kudos, its reason the comment itself."""
    if not may_give(viewer) or str(comment.rating) not in GOOD_RATINGS:
        return
    if st.button(
        "Pass on as kudos",
        key=f"pass-on-{comment.feedback_id}",
        icon=":material/celebration:",
        help="Gives the agent kudos with this comment as the reason, privately.",
    ):
        _give(
            viewer,
            int(comment.agent_id),
            kudos.comment_reason(str(comment.comment)),
            feedback_id=int(comment.feedback_id),
        )


def kudos_list(given: pd.DataFrame, empty: str, *, name_agent: bool = False) -> None:
    """Kudos as cards, newest first; `name_agent` names whom each was for (lists mixing
    several agents' kudos)."""
    if given.empty:
        st.caption(md(empty))
        return
    zone = data.policy().policy.business_hours.timezone
    for row in given.itertuples():
        passed_on = row.feedback_id is not None and not pd.isna(row.feedback_id)  # type: ignore[arg-type]
        with st.container(border=True):
            text_block(row.reason)
            who = f"for **{md(row.agent)}** · " if name_agent else ""
            seen = "shared with the team" if row.shared_with_team else "private"
            source = " · from a customer's comment" if passed_on else ""
            demo = " · demo data" if row.is_demo else ""
            given_on = local_day(cast(datetime, row.given_at), zone)  # a Timestamp, in UTC
            st.caption(f"{who}from {md(row.given_by_name)} · {given_on} · {seen}{source}{demo}")
