"""Pieces the training pages share: starting an attempt, the results screen, the certificate
download and the policy acknowledgement form."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from metrics.people import Viewer
from metrics.store import Database
from metrics.training import records
from metrics.training.to_do import ModuleLeft, OverduePerson, TrainingLeft
from modules.certificate import certificate_pdf
from modules.content import TrainingModule
from modules.engine import AttemptResult
from modules.policy import Policy
from training_app import data
from training_app.components.errors import failures_reported
from training_app.components.formatting import local_time
from training_app.components.text import md, text_block

MODULE_KEY = "module_in_play"
NOTICE_KEY = "training_notice"  # what another tab did, said once on the next screen
STARTED_KEY = "training_started"  # the module a Start button's callback has just started
STATE_BADGES = {
    "passed": ("Passed", "green", ":material/check_circle:"),
    "in progress": ("In progress", "blue", ":material/pending:"),
    "not passed": ("Not passed yet", "orange", ":material/replay:"),
    "not started": ("Not started", "gray", ":material/radio_button_unchecked:"),
    "due again": ("Due again", "orange", ":material/event_repeat:"),
}


def start(db: Database, viewer: Viewer, module: TrainingModule, policy_version: int) -> None:
    """A new attempt with its own draw of questions (a retake is not the same test again); if
    another tab started one meanwhile, that one is continued, and the next screen says so."""
    with failures_reported(), other_tabs_told(module):
        records.start_attempt(db, viewer, module, policy_version, random.Random())
    st.session_state[STARTED_KEY] = module.id


def start_button(
    db: Database,
    viewer: Viewer,
    module: TrainingModule,
    policy_version: int,
    label: str,
    **button_args: Any,
) -> None:
    """Start (or Retake) `module`: the attempt is started in the click's callback, which
    Streamlit runs even when the next run no longer draws this button because another tab
    started the module meanwhile; the player then says that tab's attempt is continued. See
    `open_started_module`."""
    st.button(md(label), on_click=start, args=(db, viewer, module, policy_version), **button_args)


def open_started_module() -> None:
    """On a page with `start_button`s: open the player for the module just started."""
    started = st.session_state.pop(STARTED_KEY, None)
    module = data.training_module(started) if started else None
    if module is not None:
        open_player(module)


def _on_screen_key(module: TrainingModule) -> str:
    return f"attempt_on_screen-{module.id}"


def remember_on_screen(module: TrainingModule, attempt: records.Attempt) -> None:
    """The open attempt this tab shows, to tell on its next screen if another tab finished it."""
    st.session_state[_on_screen_key(module)] = attempt.id


@contextmanager
def other_tabs_told(module: TrainingModule) -> Iterator[None]:
    """Around a write to an attempt: when the store refuses it because another tab or window
    finished the attempt or started one, the next screen says what happened (and shows the
    result, or the attempt to continue) instead of failing."""
    try:
        yield
    except (records.AttemptFinished, records.AttemptAlreadyOpen) as refused:
        st.session_state[NOTICE_KEY] = str(refused)
        st.session_state.pop(_on_screen_key(module), None)


def show_notice(module: TrainingModule, finished: records.Attempt | None = None) -> None:
    """Say what another tab did: a refused write (see `other_tabs_told`), or, on the result of
    `finished`, that the attempt this tab was showing open was finished elsewhere."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    shown_open = st.session_state.get(_on_screen_key(module))
    if finished is not None and shown_open is not None:
        st.session_state.pop(_on_screen_key(module))
        if shown_open == finished.id:
            notice = str(records.AttemptFinished(finished))
    if notice:
        st.info(md(notice), icon=":material/tab:")


def move_on(
    db: Database,
    viewer: Viewer,
    attempt: records.Attempt,
    module: TrainingModule,
    pass_mark: float,
    seconds: float,
) -> None:
    """Past the step on screen: to the next one, or, after the last, to the result."""
    following = attempt.position + 1
    with other_tabs_told(module):
        if following >= len(attempt.plan.steps):
            records.finish_attempt(db, viewer, attempt, module, pass_mark, seconds)
            st.session_state.pop(_on_screen_key(module), None)  # finished here, not elsewhere
        else:
            records.move_to(db, viewer, attempt, following, seconds)


def open_player(module: TrainingModule) -> None:
    st.session_state[MODULE_KEY] = module.id
    st.switch_page("app_pages/take_module.py", query_params={"module": module.id})


ASSIGNED_BY = {
    "publish": "A new policy version",
    "owner": "Assigned by an owner",
    "supervisor": "Assigned by your supervisor",
    "recertification": "Recertification",
}


def assignment_reason(reason: str, source: str) -> None:
    """Why a module is assigned or due again, as the person reads it beside the module."""
    st.info(
        f"{md(ASSIGNED_BY.get(source, 'Assigned'))}: {md(reason)}", icon=":material/event_repeat:"
    )


def state_badge(state: str) -> None:
    label, colour, icon = STATE_BADGES[state]
    st.badge(md(label), color=colour, icon=icon)  # type: ignore[arg-type]


def certificate_download(certificate: records.Certificate, key: str) -> None:
    pdf = certificate_pdf(certificate.details(data.organisation_name()))
    st.download_button(
        "Download certificate (PDF)",
        pdf,
        file_name=f"certificate-{certificate.module_id}-{certificate.code}.pdf",
        mime="application/pdf",
        icon=":material/workspace_premium:",
        key=key,
    )


def acknowledgement_form(
    db: Database, viewer: Viewer, policy: Policy, module: TrainingModule
) -> None:
    """Sign the policy version in force: type the full name, tick the statement, sign."""
    signed = records.acknowledgement(db, viewer, viewer.staff_id, policy.version)
    if signed is not None:
        when = local_time(signed.acknowledged_at, policy.business_hours.timezone)
        st.success(
            f"You signed policy version {signed.policy_version:d} on {md(when)} as "
            f"“{md(signed.typed_name)}”.",
            icon=":material/draw:",
        )
        return
    st.markdown(f"#### Sign policy version {policy.version:d}")
    st.markdown(
        f"You have passed *{md(module.title)}*. To finish, confirm that you have read "
        f"**{md(policy.title)}, version {policy.version:d}** (in force from "
        f"{policy.effective_from:%d %B %Y}) and will follow it."
    )
    with st.form("acknowledge"):
        typed = st.text_input("Type your full name", placeholder=viewer.name)
        agreed = st.checkbox(
            f"I have read policy version {policy.version:d} and I will follow it in my work."
        )
        if st.form_submit_button("Sign the policy", type="primary", icon=":material/draw:"):
            if not agreed:
                st.warning("Tick the statement to sign.")
                return
            try:
                records.acknowledge_policy(db, viewer, policy.version, typed, module.id)
            except records.TrainingError as exc:
                st.error(md(exc))
                return
            st.rerun()


def results_screen(
    db: Database,
    viewer: Viewer,
    module: TrainingModule,
    attempt: records.Attempt,
    progress: records.ModuleProgress | None,
    policy: Policy,
) -> None:
    """The latest finished attempt: score against the pass mark, which attempt counts, what was
    missed and why, and what to do next."""
    result = records.attempt_result(db, viewer, attempt, module)
    st.title(md(module.title))
    st.caption(f"Result of attempt {attempt.attempt_number:d}")
    tiles = st.columns(4 if result.customers_to_keep else 3)
    tiles[0].metric(
        "Your score",
        f"{result.score:.0%}",
        help=f"{result.points:g} of {result.max_points:d} points",
    )
    tiles[1].metric("Pass mark", f"{result.pass_mark:.0%}")
    if result.customers_to_keep:
        tiles[2].metric(
            "Customers kept",
            f"{result.customers_kept:d} of {result.role_plays:d}",
            help=f"At least {result.customers_to_keep:d} must stay with us to pass.",
        )
    if progress is not None and progress.best_score is not None:
        tiles[-1].metric("Best score (this is the one that counts)", f"{progress.best_score:.0%}")
    st.markdown(pass_rule(result))
    (st.success if result.passed else st.warning)(verdict_text(result, progress))
    if result.missed:
        given = {found.step_id: found for found in records.answers_of(db, viewer, attempt.id)}
        st.markdown(f"#### What you missed ({len(result.missed):d})")
        for item in result.missed:
            with st.expander(f"{md(item.title)} — {item.credit:.0%}"):
                answered = given.get(item.step_id)
                st.markdown("**Your answer**")
                text_block(answered.answer_text if answered else "(not answered)")
                st.markdown("**The right answer**")
                text_block(item.right_answer)
                st.markdown(f"**Why** — {md(item.explanation)}")
    else:
        st.markdown("Every answer was right.")

    certificate = records.certificate_for_attempt(db, viewer, attempt.id)
    if certificate is None and progress is not None and progress.best_attempt_id is not None:
        certificate = records.certificate_for_attempt(db, viewer, progress.best_attempt_id)
    if certificate is not None:
        st.markdown("#### Your certificate")
        st.markdown(f"Verification code **{md(certificate.code)}**")
        certificate_download(certificate, key=f"certificate-{attempt.id}")
    if module.acknowledges_policy and progress is not None and progress.state == "passed":
        acknowledgement_form(db, viewer, policy, module)

    retake, back = st.columns(2)
    with retake:
        start_button(
            db, viewer, module, policy.version, "Retake the module", icon=":material/replay:"
        )
    st.session_state.pop(STARTED_KEY, None)  # the player shows the new attempt on this run
    back.page_link(
        "app_pages/my_training.py", label="Back to My training", icon=":material/school:"
    )


def pass_rule(result: AttemptResult) -> str:
    """What it takes to pass, as the results screen states it."""
    rule = f"**To pass:** a score of {result.pass_mark:.0%} or more"
    if result.customers_to_keep:
        rule += (
            f", and at least {result.customers_to_keep:d} of the {result.role_plays:d} "
            "role-play customers kept"
        )
    return rule + "."


def verdict_text(result: AttemptResult, progress: records.ModuleProgress | None) -> str:
    """This attempt's verdict with what fell short, and what counts for the module."""
    head = "**Passed.**" if result.passed else "**Not passed yet.**"
    if not result.reached_pass_mark:
        head += f" Your score is below the pass mark of {result.pass_mark:.0%}."
    if not result.kept_enough_customers:
        head += (
            f" You kept {result.customers_kept:d} of the {result.role_plays:d} role-play "
            f"customers; at least {result.customers_to_keep:d} must stay with us."
        )
    if progress is not None and progress.state == "passed":
        return f"{head} Your best attempt counts: you have passed this module."
    return (
        f"{head} Your best attempt counts: pass in any attempt. A retake asks new questions, "
        "and whatever comes back comes in a new order."
    )


# -- what is left to do, on Home -------------------------------------------------------------

# Home names this many overdue people; Training records lists them all.
OVERDUE_NAMED_ON_HOME = 8


def _next_move(state: str) -> str:
    if state == "in progress":
        return "resume it on My training"
    if state in ("not passed", "due again"):
        return "retake it on My training"
    return "start it on My training"


def _module_line(module: ModuleLeft) -> str:
    when = (
        f"overdue since {module.due:%d %b %Y}" if module.overdue else f"due {module.due:%d %b %Y}"
    )
    why = f" ({md(module.reason)})" if module.reason else ""
    return f"- **{md(module.title)}**: {when}{why}; {_next_move(module.state)}."


def _signing_line(left: TrainingLeft) -> str:
    by = f" by {left.sign_by:%d %b %Y}" if left.sign_by is not None else ""
    if left.to_sign:
        return (
            f"- **Sign policy version {left.policy_version:d}**{by} on My training: you have "
            f"passed *{md(left.signing_module_title)}*."
        )
    return (
        f"- Then sign policy version {left.policy_version:d}{by}, once you have passed "
        f"*{md(left.signing_module_title)}*."
    )


def nothing_left_text(left: TrainingLeft) -> str:
    """That nothing is left, naming the signature only where a module asks for one."""
    done = "Nothing left to do in your training: you have passed every assigned module"
    if left.signing_module_id is None:
        return done + "."
    return f"{done} and signed policy version {left.policy_version:d}."


def what_is_left(left: TrainingLeft) -> None:
    """One's own training still to do, or that nothing is left."""
    if left.nothing_left:
        st.success(nothing_left_text(left), icon=":material/task_alt:")
        return
    lines = "\n".join(_module_line(module) for module in left.modules)
    if left.signing_module_id is not None and not left.signed:
        lines = lines + "\n" + _signing_line(left) if lines else _signing_line(left)
    late = any(module.overdue for module in left.modules)
    (st.warning if late else st.info)(lines, icon=":material/assignment:")
    st.page_link("app_pages/my_training.py", label="Open My training", icon=":material/school:")


def _overdue_line(person: OverduePerson, *, with_team: bool) -> str:
    team = f" ({md(person.team)})" if with_team and person.team else ""
    return (
        f"- **{md(person.name)}**{team}: {md(', '.join(person.modules))}, overdue since "
        f"{person.since:%d %b %Y}"
    )


def overdue_list(people: list[OverduePerson], where: str, *, with_team: bool) -> None:
    """Whom to chase: the people overdue with their training in `where` (a team, the
    organisation), longest overdue first, or that nobody is."""
    if not people:
        st.success(
            f"Nobody in {md(where)} is overdue with their training.", icon=":material/task_alt:"
        )
        return
    shown = people[:OVERDUE_NAMED_ON_HOME]
    lines = "\n".join(_overdue_line(person, with_team=with_team) for person in shown)
    more = len(people) - len(shown)
    st.warning(
        f"{len(people):d} {'person is' if len(people) == 1 else 'people are'} overdue with "
        f"their training in {md(where)}:\n\n"
        + lines
        + (f"\n\n…and {more:d} more on Training records." if more else ""),
        icon=":material/schedule:",
    )
    st.page_link(
        "app_pages/training_records.py", label="Open training records", icon=":material/fact_check:"
    )
