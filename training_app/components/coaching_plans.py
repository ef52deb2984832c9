"""Coaching plans on screen: the plan's parts, its before/after, the agent's notice of an open
plan on Home and My performance, and the "Open a coaching plan" links of other pages. Every text
a person wrote goes through `md()` or `text_block()`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from metrics.coaching.before_after import GoalJudgement, Side
from metrics.coaching.plans import METRIC_LABELS, Plan, PlanSummary, open_plans_of, plans_in_scope
from metrics.people import Viewer
from training_app import data
from training_app.components.formatting import (
    MISSING,
    local_day,
    local_time,
    percent,
    signed_points,
)
from training_app.components.tables import show_table
from training_app.components.text import md, text_block

PLAN_PAGE = "app_pages/coaching_plan.py"
PLANS_PAGE = "app_pages/coaching_plans.py"
OPENED_FROM_WORDS = {
    "candidate": "a coaching candidate",
    "agent_page": "the agent's page",
    "complaint": "a complaint",
    "proposal": "a proposal of the team's rule",
}
EVIDENCE_WORDS = {"contact": "contact", "complaint": "complaint", "training_answer": "answer"}


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def interval_text(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return MISSING
    return f"{percent(low)}–{percent(high)}"


def open_plan_link(
    agent_id: int,
    opened_from: str,
    *,
    metrics: Sequence[str] = (),
    module_id: str | None = None,
    complaint_id: int | None = None,
    dates: tuple[date, date] | None = None,
    label: str = "Open a coaching plan",
) -> None:
    """A link to the plan form prefilled as the address contract says (`coaching-plan?agent=ID
    &from=…[&metric=M[,M2]][&module=ID][&complaint=N]`); `start`/`end` carry the dates looked
    at. Nothing is stored until the supervisor sends the form."""
    params = {"agent": str(agent_id), "from": opened_from}
    if metrics:
        params["metric"] = ",".join(metrics)
    if module_id:
        params["module"] = module_id
    if complaint_id is not None:
        params["complaint"] = str(complaint_id)
    if dates is not None:
        params["start"], params["end"] = dates[0].isoformat(), dates[1].isoformat()
    st.page_link(PLAN_PAGE, label=md(label), icon=":material/assignment_add:", query_params=params)


def plan_link(plan_id: int, label: str) -> None:
    st.page_link(
        PLAN_PAGE,
        label=md(label),
        icon=":material/assignment:",
        query_params={"plan": str(plan_id)},
    )


def status_words(plan: PlanSummary, zone: str) -> str:
    if not plan.is_open:
        return f"closed {local_day(plan.closed_at, zone)}"
    acknowledged = "acknowledged" if plan.acknowledged_at else "not acknowledged yet"
    return f"open, review {plan.review_on:%d %b %Y}, {acknowledged}"


def plans_table(found: Sequence[PlanSummary], zone: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Plan": [p.id for p in found],
            "Agent": [p.agent for p in found],
            "Team": [p.team or MISSING for p in found],
            "Opened": [local_day(p.opened_at, zone) for p in found],
            "Opened by": [p.opened_by_name for p in found],
            "From": [OPENED_FROM_WORDS[p.opened_from] for p in found],
            "Review": [f"{p.review_on:%d %b %Y}" for p in found],
            "Status": [status_words(p, zone) for p in found],
            "Goals met": [
                f"{p.goals_met:d} of {p.goals:d}" if not p.is_open else MISSING for p in found
            ],
        }
    )


def agent_notice(found: Sequence[PlanSummary], zone: str) -> None:
    """The agent's open plans on Home and My performance: what to do next, and the link."""
    for plan in found:
        box = st.warning if plan.acknowledged_at is None else st.info
        ask = (
            "Please read it and acknowledge it."
            if plan.acknowledged_at is None
            else "You acknowledged it; the review is coming."
        )
        box(
            f"You have a coaching plan from {md(plan.opened_by_name)}, opened "
            f"{local_day(plan.opened_at, zone)}, review on {plan.review_on:%d %b %Y}. {ask}",
            icon=":material/assignment:",
        )
        plan_link(plan.id, "Open my coaching plan")


def plan_parts(plan: Plan, zone: str) -> None:
    """Focus, observations, goals, refresher modules and the conversation, as stored."""
    st.subheader("Focus")
    if plan.focus_from and plan.focus_to:
        st.caption(
            f"As it stood when the plan was opened, over {plan.focus_from:%d %b %Y} – "
            f"{plan.focus_to:%d %b %Y} (dates in {md(zone)}), with n and the 95% interval."
        )
    show_table(
        pd.DataFrame(
            {
                "Metric": [metric_label(f.metric) for f in plan.focus],
                "Value": [percent(f.value) for f in plan.focus],
                "n": [f.n for f in plan.focus],
                "95% interval": [interval_text(f.low, f.high) for f in plan.focus],
                "Target": [percent(f.target) for f in plan.focus],
            }
        )
    )
    st.subheader("What was observed")
    if not plan.observations:
        st.caption("Nothing was written down.")
    for observation in plan.observations:
        text_block(observation.observed)
        if observation.evidence_kind == "contact":
            st.caption(f"Shown by contact {observation.interaction_id:d}")
        elif observation.evidence_kind == "complaint":
            st.caption(f"Shown by complaint {observation.complaint_id:d}")
        elif observation.evidence_kind == "training_answer":
            st.caption(
                f"Shown by the answer to step {md(observation.step_id)} of training attempt "
                f"{observation.attempt_id:d}"
            )
    st.subheader("Goals")
    show_table(
        pd.DataFrame(
            {
                "Metric": [metric_label(g.metric) for g in plan.goal_list],
                "Target": [percent(g.target) for g in plan.goal_list],
                "Due": [f"{g.due:%d %b %Y}" for g in plan.goal_list],
                "Since the plan, at closing": [
                    MISSING
                    if g.closed_n is None
                    else f"{percent(g.closed_value)} (n {g.closed_n:d})"
                    for g in plan.goal_list
                ],
                "Met": [
                    MISSING if g.met is None else ("yes" if g.met else "no") for g in plan.goal_list
                ],
            }
        )
    )
    st.subheader("Refresher modules")
    if not plan.refreshers:
        st.caption("No module was assigned with this plan.")
    for refresher in plan.refreshers:
        done = "taken and passed" if refresher.taken else "not passed yet"
        st.markdown(f"- **{md(refresher.title)}**, due {refresher.due:%d %b %Y}: {done}")
    st.subheader("Conversation")
    if not plan.notes:
        st.caption("No comments yet.")
    for note in plan.notes:
        what = {"comment": "wrote", "extended": "extended the plan", "closed": "closed the plan"}
        moved = f" to {note.review_on:%d %b %Y}" if note.review_on else ""
        st.caption(
            f"{md(note.written_by_name)} {md(what[note.kind])}{md(moved)}, "
            f"{local_time(note.written_at, zone)}"
        )
        if note.note:
            text_block(note.note)


def before_after_table(judged: Sequence[GoalJudgement]) -> None:
    """Each goal before and since, with n and interval, met?, clear or within the noise."""
    weeks = next((j.weeks for j in judged if j.weeks is not None), None)
    if weeks is None:
        st.info("No whole week has passed since the plan was opened: nothing to compare yet.")
        return
    st.caption(
        f"{weeks.weeks:d} whole weeks each side: before {weeks.before_start:%d %b %Y} – "
        f"{weeks.before_end:%d %b %Y}, since {weeks.since_start:%d %b %Y} – "
        f"{weeks.since_end:%d %b %Y}. The plan's own day counts on neither side. A change is "
        "clear when the 95% interval of the difference (Newcombe's, from the two Wilson "
        "intervals) leaves out zero."
    )
    # One paragraph per goal rather than a wide table: on a phone every figure stays in view.
    for goal in judged:
        st.markdown(goal_line(goal))


def side_text(side: Side | None) -> str:
    if side is None or side.n == 0:
        return "no contacts"
    return f"{percent(side.value)} (n {side.n:d}, 95% {interval_text(side.low, side.high)})"


def goal_line(goal: GoalJudgement) -> str:
    """A goal at the review in one line: before → since, met?, clear or within the noise."""
    change: str = goal.change
    if goal.interval is not None and goal.difference is not None:
        low, high = goal.interval
        change += (
            f" (difference {signed_points(goal.difference)}, 95% "
            f"{signed_points(low)} to {signed_points(high)})"
        )
    return (
        f"**{md(metric_label(goal.metric))}**, target {percent(goal.target)}: before "
        f"{md(side_text(goal.before))} → since {md(side_text(goal.since))}. "
        f"**{md(goal.verdict)}**; {md(change)}."
    )


def agent_plans(viewer: Viewer, agent_id: int, zone: str) -> None:
    """An agent's open plans, told where the agent reads them (Home, My performance)."""
    agent_notice(open_plans_of(data.db(), viewer, agent_id), zone)


def agent_page_section(
    viewer: Viewer, agent_id: int, zone: str, dates: tuple[date, date] | None
) -> None:
    """The agent page's coaching: the agent's history of plans and the link to open one over
    the dates the supervisor is looking at."""
    st.subheader("Coaching plans")
    history = plans_in_scope(data.db(), viewer, agent_id=agent_id)
    if history:
        show_table(plans_table(history, zone))
        for plan in history:
            if plan.is_open:
                plan_link(plan.id, f"Open plan {plan.id:d}")
    else:
        st.caption("No coaching plans yet.")
    open_plan_link(agent_id, "agent_page", dates=dates)


def candidate_plan_link(candidates: pd.DataFrame, dates: tuple[date, date]) -> None:
    """Open a coaching plan for one of the coaching candidates, prefilled with the metrics they
    are below on (their main gap first) and the dates looked at."""
    if candidates.empty:
        return
    by_label = {label: metric for metric, label in METRIC_LABELS.items()}
    rows = {int(row["agent_id"]): row for row in candidates.to_dict("records")}
    chosen = st.selectbox(
        "Open a coaching plan for",
        list(rows),
        format_func=lambda agent_id: str(rows[agent_id]["name"]),
        key="candidate-plan-agent",
    )
    row = rows[int(chosen)]
    metrics = [by_label[str(row["metric"])]] + [
        by_label[str(gap["metric"])] for gap in row["other_gaps"] if gap["metric"] in by_label
    ]
    open_plan_link(int(chosen), "candidate", metrics=metrics, dates=dates)
