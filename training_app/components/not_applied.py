"""Acknowledged but not applied (metrics/coaching/not_applied.py) on screen: beside the
compliance report, the agents who signed the version in force and passed its modules but are
clearly below a standard it changed; on an agent's page, a small notice when they are one."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from metrics.coaching.not_applied import NotApplied, not_applied
from metrics.people import StaffMember, Viewer
from metrics.performance.recognition import METRIC_LABELS
from modules.content import TrainingModule
from modules.policy import Policy
from training_app import data
from training_app.components.formatting import count, percent
from training_app.components.tables import show_table
from training_app.components.text import md, md_bullets

LABELS = {**METRIC_LABELS, "follow_up_compliance": "Complaint follow-up"}


def not_applied_table(found: NotApplied) -> pd.DataFrame:
    """One row per agent and standard they are clearly below."""
    return pd.DataFrame(
        [
            {
                "Name": flagged.name,
                "Team": flagged.team or "no team",
                "Standard": LABELS[flagged.metric],
                "Since": f"{flagged.since:%d %b %Y}",
                "Weeks": flagged.weeks,
                "Value": percent(flagged.value),
                "Target": percent(flagged.target),
                "n": flagged.n,
                "95% interval": f"{percent(flagged.low)} – {percent(flagged.high)}",
            }
            for flagged in found.flagged
        ],
        columns=[
            "Name",
            "Team",
            "Standard",
            "Since",
            "Weeks",
            "Value",
            "Target",
            "n",
            "95% interval",
        ],
    )


def not_applied_section(
    viewer: Viewer, modules: Sequence[TrainingModule], policy: Policy, team_id: int | None
) -> None:
    """The compliance page's section: what the version changed, and who is not applying it."""
    st.subheader("Acknowledged but not applied")
    found = not_applied(data.db(), viewer, modules, policy, team_id=team_id)
    if found.changed:
        st.caption(
            f"What version {found.policy_version:d} changed from {found.previous_version:d}:"
        )
        st.markdown(md_bullets(line for change in found.changed for line in change.lines))
    if found.nothing_to_flag is not None:
        st.info(md(found.nothing_to_flag), icon=":material/info:")
        return
    st.caption(
        "Agents who signed this version and passed their modules, yet are clearly below a "
        "standard it changed (the whole 95% interval under the target, with at least "
        f"{policy.standards.min_contacts:d} contacts counted) from the day after they had both "
        "signed and passed until today. This is where coaching should look first."
    )
    if not found.flagged:
        st.success("Nobody who signed and passed is clearly below a changed standard.")
        return
    show_table(not_applied_table(found), pinned="Name")


def not_applied_notice(
    viewer: Viewer, member: StaffMember, modules: Sequence[TrainingModule], policy: Policy
) -> None:
    """The agent page's notice, when the agent signed and passed but is clearly below a
    standard the version in force changed."""
    if member.role != "agent":
        return
    found = not_applied(data.db(), viewer, modules, policy, team_id=member.team_id)
    for flagged in found.of(member.id):
        st.warning(
            f"Signed version {found.policy_version:d} and passed its modules, but clearly below "
            f"its changed {md(LABELS[flagged.metric])} standard since "
            f"{flagged.since:%d %b %Y}: {percent(flagged.value)} against "
            f"{percent(flagged.target)} (n = {count(flagged.n)}, 95% interval "
            f"{percent(flagged.low)} – {percent(flagged.high)}).",
            icon=":material/report:",
        )
