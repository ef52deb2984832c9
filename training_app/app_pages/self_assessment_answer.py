"""Assess our service, for supervisors and agents: the open round the owner asked staff to
answer, answered anonymously, once. Results are the owner's: nothing of them is shown here."""

import streamlit as st

from metrics.complaints import self_assessment as rounds
from modules.self_assessment import HIGHEST_RATING, LOWEST_RATING, SelfAssessmentError, Statement
from training_app import data, session
from training_app.components import self_assessment as shown
from training_app.components.formatting import local_day

viewer = session.require_viewer()
zone = data.policy().policy.business_hours.timezone
db = data.db()

st.title("Assess our service")
shown.show_notice()
invited = rounds.invitation(db, viewer)
if invited is None:
    st.info(
        "No self-assessment is asking for your answers now. The owner opens one from time to time."
    )
    st.stop()
if invited.answered:
    st.success(
        "You have answered this round. Thank you: the owner sees everyone's answers together, "
        "once the round is closed.",
        icon=":material/task_alt:",
    )
    st.stop()

st.caption(
    f"Round opened {local_day(invited.opened_at, zone)}. Rate how often each statement is true of "
    f"our business, from {LOWEST_RATING:d} (never) to {HIGHEST_RATING:d} (always)."
)
st.info(
    "Your answers are anonymous: what you answer is kept apart from the fact that you answered, "
    f"and the owner sees only everyone's answers together, from {rounds.MIN_STAFF_ANSWERS:d} "
    "answers, after the round is closed. You can answer once; answers cannot be changed after.",
    icon=":material/visibility_off:",
)


def _as_staff_read_it(statement: Statement) -> str:
    return statement.for_staff()


ratings = shown.answer_form("self_assessment_staff", "Send my answers", _as_staff_read_it)
if ratings is not None:
    try:
        rounds.answer_as_staff(db, viewer, invited.round_id, ratings)
    except (SelfAssessmentError, rounds.SelfAssessmentRefused) as exc:
        shown.refused(exc)
    else:
        shown.done("Your answers are in. Thank you.")
