"""The module player: one step per screen, feedback straight after each answer, results at the
end. Every answer and every step forward is stored at once, so a closed browser resumes on the
same screen."""

import time

import streamlit as st

from metrics.training import records
from modules.content import (
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    Reflection,
    RolePlay,
    SingleChoice,
    TrueFalse,
)
from modules.engine import choose_reply, feedback
from modules.grading import RolePlayAnswer
from training_app import data, session
from training_app.components import steps, training
from training_app.components.text import md, module_markdown

viewer = session.require_viewer()
policy = data.policy().policy
db = data.db()

module_id = st.query_params.get("module") or st.session_state.get(training.MODULE_KEY)
module = data.training_module(module_id) if module_id else None
if module is None:
    st.title("Training module")
    st.info("Choose a module to take on My training.")
    st.page_link("app_pages/my_training.py", label="My training", icon=":material/school:")
    st.stop()
st.query_params["module"] = module.id  # so a reload or a bookmark opens the same module

st.session_state.pop(training.STARTED_KEY, None)  # a Start here: the attempt is shown below
attempt = records.open_attempt(db, viewer, viewer.staff_id, module.id)
if attempt is None:
    progress = records.module_progress(db, viewer, viewer.staff_id).get(module.id)
    last = records.attempts_of(db, viewer, viewer.staff_id)
    finished = [a for a in last if a.module_id == module.id and not a.in_progress]
    if not finished:
        st.title(md(module.title))
        st.markdown(md(module.summary))
        training.start_button(
            db,
            viewer,
            module,
            policy.version,
            "Start",
            type="primary",
            icon=":material/play_arrow:",
        )
        st.stop()
    training.show_notice(module, finished[0])
    training.results_screen(db, viewer, module, finished[0], progress, policy)
    st.stop()
training.show_notice(module)
training.remember_on_screen(module, attempt)

total = len(attempt.plan.steps)
st.title(md(module.title))
st.caption(f"Attempt {attempt.attempt_number:d} · module version {attempt.module_version:d}")
position = attempt.position  # always a step of the plan: the last one is left by finishing
st.progress(position / total, text=f"Step {position + 1:d} of {total:d}")

clock_key = f"clock-{attempt.id}-{position}"
st.session_state.setdefault(clock_key, time.monotonic())


def seconds_here() -> float:
    return time.monotonic() - st.session_state[clock_key]


planned = attempt.plan.steps[position]
step = module.step(planned.step_id)
stored = {found.step_id: found for found in records.answers_of(db, viewer, attempt.id)}
given = stored.get(step.id)
key = f"a{attempt.id}-{step.id}"


is_last = position == total - 1
next_label = "Finish and see my result" if is_last else "Next"

if isinstance(step, Lesson):
    st.markdown(f"## {md(step.title)}")
    st.markdown(module_markdown(step.body))
    if st.button(next_label, type="primary", key=f"{key}-next"):
        training.move_on(db, viewer, attempt, module, policy.training.pass_mark, seconds_here())
        st.rerun()
    st.stop()

role_play_going_on = isinstance(step, RolePlay) and (
    given is None or (isinstance(given.answer, RolePlayAnswer) and given.answer.ending is None)
)
if given is None or role_play_going_on:
    answer = None
    if isinstance(step, SingleChoice):
        answer = steps.ask_single_choice(step, planned, key)
    elif isinstance(step, MultipleChoice):
        answer = steps.ask_multiple_choice(step, planned, key)
    elif isinstance(step, TrueFalse):
        answer = steps.ask_true_false(step, key)
    elif isinstance(step, Ordering):
        answer = steps.ask_ordering(step, planned, key)
    elif isinstance(step, Matching):
        answer = steps.ask_matching(step, planned, key)
    elif isinstance(step, Reflection):
        answer = steps.ask_reflection(step, key)
    elif isinstance(step, RolePlay):
        so_far = given.answer if given and isinstance(given.answer, RolePlayAnswer) else None
        reply = steps.ask_role_play(step, planned, so_far, key)
        if reply is not None:
            answer = choose_reply(step, so_far, reply)
    if answer is not None:
        with training.other_tabs_told(module):
            records.save_answer(db, viewer, attempt, module, step.id, answer, seconds_here())
            st.session_state[clock_key] = time.monotonic()  # time from here on is the next part's
            if isinstance(step, Reflection):
                training.move_on(db, viewer, attempt, module, policy.training.pass_mark, 0)
        st.rerun()
    st.stop()

steps.show_answered(step, planned, given.answer)
if not isinstance(step, Reflection):
    shown = feedback(module, step.id, given.answer)
    if isinstance(step, RolePlay):
        shown = shown.model_copy(update={"notes": []})  # each reply's feedback is shown above
    steps.show_feedback(shown)
if st.button(next_label, type="primary", key=f"{key}-next"):
    training.move_on(db, viewer, attempt, module, policy.training.pass_mark, seconds_here())
    st.rerun()
