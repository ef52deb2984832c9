"""The Coaching candidates page's "Proposed plans": the plans the teams' rules propose now, each
with its figures and the module that teaches its standard, to confirm (the coaching plan's form,
prefilled; nothing is assigned before it is submitted) or set aside; and each team's rule.

Supervisors see their team's, owners every team's. The proposals are worked out on every run
(metrics/coaching/proposals.py): a plan opened or a proposal set aside shows at once.
"""

from __future__ import annotations

import streamlit as st

from metrics.coaching.proposals import (
    DEFAULT_WINDOW_DAYS,
    MAX_REASON_CHARS,
    MAX_WINDOW_DAYS,
    MIN_WINDOW_DAYS,
    CoachingRuleError,
    Proposal,
    TeamRule,
    proposals,
    set_aside,
    set_team_rule,
    team_rules,
)
from metrics.people import AccessDenied, PeopleError, Viewer
from metrics.performance.recognition import METRIC_LABELS
from training_app import data
from training_app.components.coaching_plans import open_plan_link
from training_app.components.formatting import count, percent
from training_app.components.text import md

NOTICE_KEY = "coaching-proposals-notice"
RULE_TEAM_KEY = "coaching-rule-team"


def proposals_section(viewer: Viewer) -> None:
    """Supervisors and owners: the proposals, then the rules that make them."""
    if viewer.role not in ("supervisor", "owner"):
        return
    st.subheader("Proposed plans")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(md(notice))
    try:
        rules = team_rules(data.db(), viewer)
    except AccessDenied as exc:
        st.info(md(exc))
        return
    policy = data.policy().policy
    on = [rule for rule in rules if rule.is_on]
    if not on:
        st.caption(
            "No team's rule is on, so no plans are proposed. Turn it on below: agents clearly "
            "below a standard over the rule's window are then proposed a plan, with the module "
            "that teaches that standard."
        )
    else:
        st.caption(
            f"Agents clearly below a standard (the whole 95% interval under the target) over "
            f"their team's window, with at least {policy.standards.min_contacts:d} contacts "
            "counted for it. Nothing is assigned until you confirm the plan; one set aside is "
            "not proposed again until the window starts after it."
        )
        found = proposals(data.db(), viewer, policy, data.training_modules())
        if not found:
            st.success("Nobody in these teams is clearly below a standard over the window.")
        for proposal in found:
            proposal_card(viewer, proposal)
    rules_form(viewer, rules)
    st.divider()


def proposal_card(viewer: Viewer, proposal: Proposal) -> None:
    label = METRIC_LABELS[proposal.metric]
    key = f"{proposal.agent_id}-{proposal.metric}"
    with st.container(border=True):
        st.markdown(f"**{md(proposal.name)}** · {md(proposal.team)} · {md(label)}")
        st.caption(
            f"{percent(proposal.value)} against a target of {percent(proposal.target)}, "
            f"n = {count(proposal.n)}, 95% interval {percent(proposal.low)} to "
            f"{percent(proposal.high)}, over {proposal.window_start:%d %b %Y} to "
            f"{proposal.window_end:%d %b %Y} ({proposal.window_days:d} days)."
        )
        if proposal.module_title is None:
            st.caption("No module teaches this standard: the plan has no refresher to propose.")
        else:
            st.caption(f"Refresher: {md(proposal.module_title)}")
        confirm, aside = st.columns(2)
        with confirm:
            open_plan_link(
                proposal.agent_id,
                "proposal",
                metrics=[proposal.metric],
                module_id=proposal.module_id,
                label="Confirm: open the plan",
            )
        with (
            aside.popover("Set aside", icon=":material/do_not_disturb_on:"),
            st.form(f"set-aside-{key}", enter_to_submit=False),
        ):
            reason = st.text_input("Why (optional)", max_chars=MAX_REASON_CHARS)
            if st.form_submit_button("Set this proposal aside"):
                try:
                    set_aside(data.db(), viewer, proposal.agent_id, proposal.metric, reason)
                except (AccessDenied, PeopleError, CoachingRuleError) as exc:
                    st.error(md(exc))
                else:
                    st.session_state[NOTICE_KEY] = (
                        f"The proposal for {proposal.name} ({label}) is set aside."
                    )
                    st.rerun()


def rules_form(viewer: Viewer, rules: list[TeamRule]) -> None:
    """The team's rule: the supervisor's own team, or any team for an owner."""
    if not rules:
        return
    with st.expander("The team's rule", icon=":material/rule_settings:"):
        for rule in rules:
            state = (
                f"on, over the last {rule.window_days:d} days"
                if rule.window_days is not None
                else "off"
            )
            st.markdown(f"{md(rule.team)}: {state}")
        with st.form("coaching-rule", enter_to_submit=False):
            chosen = (
                st.selectbox(
                    "The rule of team", rules, format_func=lambda rule: rule.team, key=RULE_TEAM_KEY
                )
                if len(rules) > 1
                else rules[0]
            )
            is_on = st.toggle("Propose plans for this team's agents", value=True)
            days = st.number_input(
                "Window (days)",
                min_value=MIN_WINDOW_DAYS,
                max_value=MAX_WINDOW_DAYS,
                value=DEFAULT_WINDOW_DAYS,
                step=1,
                help="The rolling window, ending today, over which an agent's numbers are judged.",
            )
            if st.form_submit_button("Save the rule") and chosen is not None:
                try:
                    set_team_rule(data.db(), viewer, chosen.team_id, int(days) if is_on else None)
                except (AccessDenied, PeopleError, CoachingRuleError) as exc:
                    st.error(md(exc))
                else:
                    st.session_state[NOTICE_KEY] = (
                        f"{chosen.team}'s rule is {'on' if is_on else 'off'}."
                    )
                    st.rerun()
