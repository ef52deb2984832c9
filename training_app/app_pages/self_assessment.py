"""Service self-assessment, for owners: open a round (asking staff to answer too, anonymously,
if wished), answer it, close it; each round's total and band, every area's score, the owner's
view beside the staff's average and spread, the weakest areas with what the product offers for
them, and the trend over rounds."""

import streamlit as st

from metrics.complaints import self_assessment as rounds
from modules.self_assessment import HIGHEST_RATING, LOWEST_RATING, SelfAssessmentError
from training_app import data, session
from training_app.components import self_assessment as shown
from training_app.components.formatting import local_day
from training_app.components.tables import show_table
from training_app.components.text import md

viewer = session.require_viewer()
zone = data.policy().policy.business_hours.timezone
db = data.db()

st.title("Service self-assessment")
st.caption(
    "The guidance's self-test of how customer-oriented the business is: seven areas, each "
    f"statement rated from {LOWEST_RATING:d} (never) to {HIGHEST_RATING:d} (always). An area's "
    "score is the average of its statements; the total, their sum, runs from 7 to 35."
)
shown.show_notice()

current = rounds.current_round(db, viewer)
if current is None:
    with st.form("self_assessment_open", border=True):
        st.markdown("**Open a round**")
        ask_staff = st.checkbox(
            "Ask supervisors and agents to answer too, anonymously",
            value=True,
            help=(
                f"Their view is shown once you close the round, and only from "
                f"{rounds.MIN_STAFF_ANSWERS:d} answers, so that nobody's answers can be told apart."
            ),
        )
        if st.form_submit_button("Open a round", type="primary"):
            try:
                rounds.open_round(db, viewer, ask_staff=ask_staff)
            except rounds.SelfAssessmentRefused as exc:
                shown.refused(exc)
            else:
                shown.done(
                    "Round opened." + (" Staff are asked on their Home." if ask_staff else "")
                )
else:
    st.subheader(f"Round open since {local_day(current.opened_at, zone)}")
    if current.staff_asked:
        st.caption(
            f"{current.staff_answers:d} of {current.staff_in_the_app:d} supervisors and agents "
            "have answered. Their view is shown once the round is closed."
        )
    else:
        st.caption("Staff are not asked in this round.")
    if not current.opened_by_viewer:
        st.info(
            f"The owner's view of this round is the answers of {md(current.opened_by)}, who "
            "opened it."
        )
    else:
        with st.expander("Your answers", expanded=not current.owner_answered):
            ratings = shown.answer_form(
                "self_assessment_owner",
                "Save my answers",
                lambda statement: statement.text,
                current.owner_ratings,
            )
            if ratings is not None:
                try:
                    rounds.answer_as_owner(db, viewer, current.id, ratings)
                except (SelfAssessmentError, rounds.SelfAssessmentRefused) as exc:
                    shown.refused(exc)
                else:
                    shown.done("Your answers are saved.")
    if st.button("Close the round", help="No more answers are taken; the results are kept."):
        try:
            rounds.close_round(db, viewer, current.id)
        except rounds.SelfAssessmentRefused as exc:
            shown.refused(exc)
        else:
            shown.done("Round closed.")

results = [r for r in rounds.results(db, viewer) if r.owner is not None or r.staff is not None]
if not results:
    st.info("No results yet: answer a round to see its scores here.")
    st.stop()

st.subheader("Results")
chosen = st.selectbox(
    "Round",
    list(reversed(results)),
    format_func=lambda r: (
        f"Round {r.number}, opened {local_day(r.opened_at, zone)}"
        + ("" if r.closed_at else " (open)")
    ),
    # A new round with results is shown first, whatever round was being read before it.
    key=f"self_assessment_round_{len(results):d}",
)
owner_total, staff_total = st.columns(2)
if chosen.owner is not None:
    owner_total.metric("Owner's total", md(shown.score(chosen.owner.total)))
    owner_total.caption(md(shown.band_line(chosen.owner.total, chosen.owner.band)))
else:
    owner_total.metric("Owner's total", "—")
    owner_total.caption("The owner did not answer this round.")
if chosen.staff is not None:
    staff_total.metric(
        f"Staff average ({chosen.staff.answers:d} answers)",
        md(shown.score(chosen.staff.total.mean)),
    )
    staff_total.caption(md(shown.band_line(chosen.staff.total.mean, chosen.staff.band)))
elif chosen.staff_asked:
    staff_total.metric("Staff average", "—")
    staff_total.caption(md(f"Staff view {chosen.staff_withheld}."))
show_table(shown.area_table(chosen), pinned="Area")

st.subheader("Work on the weakest areas")
shown.show_weakest(chosen)

st.subheader("Trend")
st.altair_chart(shown.trend_chart(results), width="stretch")
st.caption(
    "Totals per round. Dashed lines: 20 and below, customers are probably being lost; 28 and "
    "above, service is an asset."
)
