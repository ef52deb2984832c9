"""One coaching plan (`?plan=N`), or the form that opens one
(`?agent=ID&from=candidate|agent_page|complaint|proposal[&metric=M[,M2]][&module=ID]
[&complaint=N][&start=DATE&end=DATE]`): nothing is stored until the supervisor sends it.

The agent reads their plan, acknowledges it and comments; their supervisor or an owner comments,
extends it, and at the review date sees each goal before and since and closes it."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from metrics import clock
from metrics.coaching import plans
from metrics.people import AccessDenied, PeopleError
from training_app import data, session
from training_app.components.coaching_plans import (
    OPENED_FROM_WORDS,
    PLANS_PAGE,
    before_after_table,
    interval_text,
    metric_label,
    plan_parts,
    status_words,
)
from training_app.components.formatting import local_day, percent
from training_app.components.tables import show_table
from training_app.components.text import md

NOTICE_KEY = "coaching_plan_notice"
# The review a new plan proposes: four weeks, so that the before/after has whole weeks to read.
DEFAULT_REVIEW_DAYS = 28

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone
modules = data.training_modules()
today = clock.today(zone)
manages = viewer.role in ("owner", "supervisor")


def number(name: str) -> int | None:
    raw = st.query_params.get(name)
    return int(raw) if raw is not None and raw.isdigit() else None


def day(name: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


st.page_link(PLANS_PAGE, label="Coaching plans", icon=":material/arrow_back:")
notice = st.session_state.pop(NOTICE_KEY, None)
if isinstance(notice, str):
    st.success(md(notice), icon=":material/task_alt:")

plan_id = number("plan")
agent_id = number("agent")

if plan_id is None and agent_id is None:
    st.title("Coaching plan")
    st.info("Open a plan from the list of coaching plans, or from an agent's page.")
    st.stop()

if plan_id is None:
    # --- The form for a new plan --------------------------------------------------------
    st.title("Open a coaching plan")
    assert agent_id is not None
    if not manages:
        st.error("Only supervisors and owners open coaching plans.")
        st.stop()
    try:
        member = data.staff_member(viewer, agent_id)
    except (AccessDenied, PeopleError):
        st.error("This agent is not in a team you can see.")
        st.stop()
    if member.role != "agent":
        st.error("Coaching plans are for agents.")
        st.stop()
    opened_from = st.query_params.get("from", "agent_page")
    if opened_from not in OPENED_FROM_WORDS:
        opened_from = "agent_page"
    complaint_id = number("complaint")
    if opened_from == "complaint" and complaint_id is None:
        opened_from = "agent_page"
    asked = [m for m in st.query_params.get("metric", "").split(",") if m in plans.METRICS]
    looked_from, looked_to = day("start"), day("end")
    start, end, chosen_dates = plans.focus_dates(looked_from, looked_to, today)
    st.caption(
        f"For {md(member.name)} ({md(member.team or 'no team')}), opened from "
        f"{md(OPENED_FROM_WORDS[opened_from])}"
        + (f", complaint {complaint_id:d}" if complaint_id is not None else "")
        + ". Nothing is stored until you open the plan."
    )
    focus = st.multiselect(
        "Focus metrics",
        list(plans.METRICS),
        default=asked or ["service_level"],
        format_func=metric_label,
        key="plan_focus",
    )
    which = "the dates you were looking at" if chosen_dates else "the last four weeks"
    st.caption(f"Read over {which}: {start:%d %b %Y} – {end:%d %b %Y}, dates in {md(zone)}.")
    snapshot = plans.focus_snapshot(data.db(), viewer, policy, agent_id, focus, start, end)
    if snapshot:
        show_table(
            pd.DataFrame(
                {
                    "Metric": [metric_label(f.metric) for f in snapshot],
                    "Value": [percent(f.value) for f in snapshot],
                    "n": [f.n for f in snapshot],
                    "95% interval": [interval_text(f.low, f.high) for f in snapshot],
                    "Target": [percent(f.target) for f in snapshot],
                }
            )
        )
    module_ids = [module.id for module in modules]
    titles = {module.id: module.title for module in modules}
    asked_module = st.query_params.get("module")
    with st.form("open-plan"):
        observed = st.text_area("What was observed", key="plan_observed")
        evidence = st.selectbox(
            "Shown by (optional)",
            ["none", "contact", "complaint", "training_answer"],
            index=2 if complaint_id is not None else 0,
            format_func=lambda kind: {
                "none": "nothing linked",
                "contact": "a contact (its number)",
                "complaint": "a complaint (its number)",
                "training_answer": "a training answer (attempt and step)",
            }[kind],
        )
        evidence_id = st.number_input(
            "Contact, complaint or attempt number",
            min_value=0,
            value=complaint_id or 0,
            step=1,
        )
        step_id = st.text_input("Step of the training attempt (for an answer)")
        review_on = st.date_input(
            "Review on", value=today + timedelta(days=DEFAULT_REVIEW_DAYS), min_value=today
        )
        st.markdown("**Goals**: one for each focus metric.")
        goal_targets = {}
        for metric in focus:
            goal_targets[metric] = st.number_input(
                f"Target for {md(metric_label(metric))} (%)",
                min_value=0,
                max_value=100,
                value=round(plans.metric_target(policy, metric) * 100),
                step=1,
                key=f"goal-{metric}",
            )
        refresher = st.selectbox(
            "Refresher module",
            ["", *module_ids],
            index=module_ids.index(asked_module) + 1 if asked_module in module_ids else 0,
            format_func=lambda module_id: titles.get(module_id, "none"),
        )
        refresher_due = st.date_input(
            "Module due", value=today + timedelta(days=DEFAULT_REVIEW_DAYS // 2), min_value=today
        )
        send = st.form_submit_button("Open the plan", type="primary")
    if send:
        observation: dict[str, object] = {"observed": observed}
        if evidence == "contact":
            observation["interaction_id"] = int(evidence_id)
        elif evidence == "complaint":
            observation["complaint_id"] = int(evidence_id)
        elif evidence == "training_answer":
            observation["attempt_id"] = int(evidence_id)
            observation["step_id"] = step_id.strip()
        try:
            new = plans.NewPlan.model_validate(
                {
                    "agent_id": agent_id,
                    "opened_from": opened_from,
                    "complaint_id": complaint_id if opened_from == "complaint" else None,
                    "focus": focus,
                    "focus_from": start if chosen_dates else None,
                    "focus_to": end if chosen_dates else None,
                    "observations": [observation] if observed.strip() else [],
                    "goals": [
                        {"metric": metric, "target": target / 100, "due": review_on}
                        for metric, target in goal_targets.items()
                    ],
                    "refreshers": [{"module_id": refresher, "due": refresher_due}]
                    if refresher
                    else [],
                    "review_on": review_on,
                }
            )
            opened = plans.open_plan(data.db(), viewer, policy, modules, new)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            st.error(f"{md(where)}: {md(problem['msg'])}")
        except (plans.PlanError, AccessDenied) as error:
            st.error(md(str(error)))
        else:
            st.session_state[NOTICE_KEY] = f"Coaching plan {opened:d} is open; the agent sees it."
            st.query_params.clear()
            st.query_params["plan"] = str(opened)
            st.rerun()
    st.stop()

# --- One plan ---------------------------------------------------------------------------
try:
    plan = plans.get_plan(data.db(), viewer, plan_id, modules, policy)
except AccessDenied:
    st.title("Coaching plan")
    st.error("This coaching plan is not one you may see.")
    st.stop()

st.title(f"Coaching plan {plan.id:d} · {md(plan.agent)}")
st.caption(
    f"{md(plan.team or 'no team')} · opened {local_day(plan.opened_at, zone)} by "
    f"{md(plan.opened_by_name)} from {md(OPENED_FROM_WORDS[plan.opened_from])} · "
    f"{md(status_words(plan, zone))}" + (" · demo data" if plan.is_demo else "")
)
is_agent = viewer.staff_id == plan.agent_id
if plan.is_open and is_agent and plan.acknowledged_at is None:
    st.warning("Please read your plan and acknowledge it.", icon=":material/assignment:")
    if st.button("I have read my plan: acknowledge it", type="primary"):
        try:
            plans.acknowledge(data.db(), viewer, plan.id)
        except (plans.PlanError, AccessDenied) as error:
            st.error(md(str(error)))
        else:
            st.session_state[NOTICE_KEY] = "You acknowledged your coaching plan."
            st.rerun()
elif plan.acknowledged_at is not None:
    st.caption(f"Acknowledged by the agent {local_day(plan.acknowledged_at, zone)}.")

plan_parts(plan, zone)
if not plan.is_open:
    st.subheader("Closing")
    st.caption(f"Closed by {md(plan.closed_by_name or '')} {local_day(plan.closed_at, zone)}.")
    st.stop()

with st.form("comment", clear_on_submit=True):
    text = st.text_area("Add a comment")
    if st.form_submit_button("Add the comment"):
        try:
            plans.comment(data.db(), viewer, plan.id, text)
        except (plans.PlanError, AccessDenied) as error:
            st.error(md(str(error)))
        else:
            st.session_state[NOTICE_KEY] = "Your comment is on the plan."
            st.rerun()

if not manages:
    st.stop()

st.subheader("Review")
judged = None
if plans.review_due(plan, policy):
    judged = plans.before_and_after(data.db(), viewer, plan, policy)
    before_after_table(judged)
else:
    st.caption(
        f"The review is on {plan.review_on:%d %b %Y}: then each goal is shown for the weeks "
        "before the plan and the weeks since."
    )
extend, close = st.columns(2)
with extend.form("extend"):
    new_review = st.date_input(
        "New review date", value=plan.review_on + timedelta(days=14), min_value=plan.review_on
    )
    why = st.text_input("Why the plan is extended")
    if st.form_submit_button("Extend the plan"):
        try:
            plans.extend(data.db(), viewer, plan.id, new_review, why, seen_review_on=plan.review_on)
        except (plans.PlanError, AccessDenied) as error:
            st.error(md(str(error)))
        else:
            st.session_state[NOTICE_KEY] = f"The review is now on {new_review:%d %b %Y}."
            st.rerun()
if judged is not None:
    with close.form("close"):
        note = st.text_area("Closing note")
        if st.form_submit_button("Close the plan", type="primary"):
            try:
                plans.close(data.db(), viewer, plan.id, note, judged)
            except (plans.PlanError, AccessDenied) as error:
                st.error(md(str(error)))
            else:
                st.session_state[NOTICE_KEY] = "The plan is closed; its goals' results are kept."
                st.rerun()
