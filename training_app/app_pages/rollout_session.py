"""Rollout session: the presenter's view of the mandatory meeting that presents the policy in
force. Owners start one for everyone or a team, supervisors for their team; the room joins on
its own devices (training_app/rollout_routes.py). Every rule (who may present, which slide,
open or revealed, ended) is decided in `metrics.training.rollout` against the stored rows."""

import streamlit as st
from pydantic import ValidationError

from metrics.people import AccessDenied
from metrics.training import rollout
from modules.rollout_slides import FIRST_SLIDE_TITLE, questions_on
from training_app import data, session
from training_app.components import rollout as room
from training_app.components.formatting import local_time
from training_app.components.text import md

SESSION_PARAM = "session"  # in the address, so a reload or a bookmark opens the same session
WHOLE_ORGANISATION = "The whole organisation"

viewer = session.require_viewer()
db = data.db()
policy = data.policy().policy
timezone = policy.business_hours.timezone
room.projector_style()


def refused(exc: Exception) -> None:
    st.error(md(exc), icon=":material/block:")


def open_session(session_id: int | None) -> None:
    if session_id is None:
        st.query_params.pop(SESSION_PARAM, None)
    else:
        st.query_params[SESSION_PARAM] = str(session_id)
    st.rerun()


current: rollout.RolloutSession | None = None
asked_for = st.query_params.get(SESSION_PARAM)
if asked_for:
    try:
        current = rollout.presented_session(db, viewer, int(asked_for))
    except (ValueError, AccessDenied, rollout.RolloutError):
        st.error(
            "That rollout session is not one you may present or read.", icon=":material/block:"
        )

if current is None:
    st.title("Rollout session")
    st.caption(
        f"Present policy version {policy.version:d} to the room: the room joins with a code on "
        "their own phones or laptops, which records their attendance, and answers your check "
        "questions live."
    )
    teams = data.teams(viewer)
    with st.form("start"):
        if viewer.role == "owner":
            scope = st.selectbox("Who it is for", [WHOLE_ORGANISATION, *[t.name for t in teams]])
        else:
            own = next((t.name for t in teams if t.id == viewer.team_id), None)
            st.markdown(f"For your team: **{md(own or 'no team yet')}**")
            scope = own or ""
        start = st.form_submit_button(
            "Start the session", type="primary", icon=":material/co_present:"
        )
    if start:
        team_id = next((t.id for t in teams if t.name == scope), None)
        try:
            first = rollout.start_session(
                db, viewer, policy.version, FIRST_SLIDE_TITLE, team_id=team_id
            )
        except (AccessDenied, rollout.RolloutError) as exc:
            refused(exc)
        else:
            open_session(first.id)
    sessions = rollout.sessions_to_present(db, viewer)
    if sessions:
        st.subheader("Sessions")
        labels = {
            s.id: (
                f"{local_time(s.started_at, timezone)} · version {s.policy_version:d} · "
                f"{s.team or WHOLE_ORGANISATION} · "
                + ("ended" if s.ended_at else ("open" if s.is_open() else "expired"))
            )
            for s in sessions
        }
        chosen = st.selectbox("Open a session", list(labels), format_func=labels.__getitem__)
        if st.button("Open", icon=":material/open_in_new:"):
            open_session(chosen)
    st.stop()

assert current is not None
if current.ended_at is not None:
    st.title("Rollout session: summary")
    room.show_summary(rollout.session_summary(db, viewer, current.id), timezone)
    if st.button("Back to the sessions", icon=":material/arrow_back:"):
        open_session(None)
    st.stop()

deck = data.rollout_deck(viewer, current)
index = min(current.slide, len(deck) - 1)
slide = deck[index]
asked = rollout.questions(db, viewer, current.id)
latest = asked[-1] if asked else None
live = latest if latest is not None and not latest.revealed else None
on_screen = live or (latest if latest is not None and latest.slide == index else None)

left, right = st.columns([5, 2], gap="large")
with right:
    room.show_join(current.join_code)
    if on_screen is None:  # while a question is on screen, its count says who is in the room
        room.live_attendance(viewer, current.id)
with left:
    notes = st.toggle("Presenter notes", value=True, key="notes")
    room.show_slide(slide, index + 1, len(deck), notes)
    moved = None
    with st.container(horizontal=True):
        if st.button("Previous", icon=":material/arrow_back:", disabled=index == 0):
            moved = index - 1
        if st.button("Next", icon=":material/arrow_forward:", disabled=index == len(deck) - 1):
            moved = index + 1
    if moved is not None:
        try:
            rollout.show_slide(db, viewer, current.id, moved, deck[moved].title)
        except (AccessDenied, rollout.RolloutError) as exc:
            refused(exc)
        else:
            st.rerun()

if on_screen is not None:
    st.subheader(md(on_screen.prompt))
    room.live_answers(viewer, current.id, on_screen)
    if live is not None:
        if st.button("Reveal the right answer", type="primary", icon=":material/visibility:"):
            try:
                rollout.reveal(db, viewer, current.id, live.id)
            except (AccessDenied, rollout.RolloutError) as exc:
                refused(exc)
            else:
                st.rerun()
    else:
        room.show_revealed(on_screen)

if live is None:
    with st.expander("Ask a check question", expanded=on_screen is None):
        everything = data.rollout_questions()
        on_topic = questions_on(slide, everything)
        offered = on_topic + [q for q in everything if q not in on_topic]
        pick = st.selectbox(
            "A question from the training (those on this slide first)",
            range(len(offered)),
            format_func=lambda i: (
                ("On this slide: " if offered[i] in on_topic else "")
                + room.question_label(offered[i])
            ),
        )
        if st.button("Ask this question", icon=":material/quiz:") and offered:
            try:
                rollout.open_question(db, viewer, current.id, room.training_choice(offered[pick]))
            except (AccessDenied, rollout.RolloutError) as exc:
                refused(exc)
            else:
                st.rerun()
        st.markdown("**Or write one on the spot**")
        with st.form("own_question", clear_on_submit=False):
            prompt = st.text_input("Question")
            options = st.text_area("Options, one per line (A, B, C… in this order)")
            right_letters = st.text_input("The right option's letter (several: A, C)")
            explanation = st.text_area("Why: shown to the room with the right answer")
            ask = st.form_submit_button("Ask it", icon=":material/quiz:")
        if ask:
            try:
                written = room.written_question(prompt, options, right_letters, explanation)
                rollout.open_question(db, viewer, current.id, written)
            except ValidationError as exc:
                for problem in exc.errors():
                    st.error(md(room.question_problem(dict(problem))))
            except (ValueError, AccessDenied) as exc:
                refused(exc)
            else:
                st.rerun()

with st.expander("Mark someone present who has no device"):
    missing = rollout.not_joined(db, viewer, current.id)
    if not missing:
        st.caption("Everyone in the session's scope is in the room.")
    else:
        with st.form("mark_present"):
            who = st.selectbox(
                "Who",
                [m.staff_id for m in missing],
                format_func=lambda staff_id: next(
                    f"{m.name} ({m.team or 'no team'})" for m in missing if m.staff_id == staff_id
                ),
            )
            note = st.text_input("Note", placeholder="No phone with them; signed the paper list")
            mark = st.form_submit_button("Mark present", icon=":material/how_to_reg:")
        if mark:
            try:
                rollout.mark_present(db, viewer, current.id, who, note)
            except (AccessDenied, rollout.RolloutError) as exc:
                refused(exc)
            else:
                st.rerun()

with st.form("end"):
    st.caption(
        "Ending stores the summary (who attended, who did not, each question's answers) and "
        "the code stops working. An open question is revealed first."
    )
    end = st.form_submit_button("End the session", icon=":material/stop_circle:")
if end:
    try:
        rollout.end_session(db, viewer, current.id)
    except (AccessDenied, rollout.RolloutError) as exc:
        refused(exc)
    else:
        st.rerun()
