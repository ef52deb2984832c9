"""The presenter's view of a rollout session: the join code and its QR code, a slide as a
projector shows it, the live answers chart, the question picker and the summary.

The chart builder is a pure function (tested without Streamlit). The live part of the page is
a fragment that reruns alone every second and reads only the counts
(`metrics.training.rollout.answer_counts`), so the chart fills in without a reload and without
rerunning the page around it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd
import segno
import streamlit as st

from metrics.people import Viewer
from metrics.training import rollout
from metrics.training.rollout import CheckQuestion, NewCheckQuestion, RolloutSummary
from modules.rollout_slides import Slide, TrainingQuestion, plain
from training_app import data
from training_app.components.formatting import local_time
from training_app.components.tables import show_table
from training_app.components.text import md, md_bullets
from training_app.rollout_routes import join_link

# The chart follows the room's answers within about half a second: each rerun of the fragment
# is one small read, and only the presenter's page runs it.
LIVE_EVERY_S = 0.5
OPTION_LABEL_WIDTH = 48  # characters per line of an option's label beside its bar
CHART_HEIGHT_PER_OPTION_PX = 56  # a bar and a wrapped two-line label, readable from the back
RIGHT_COLOUR, OTHER_COLOUR, OPEN_COLOUR = "#1c7c3a", "#9e9e9e", "#1565c0"
LABEL_COLOUR = "#31333f"  # the page's text colour: options read from the back of the room
QR_SCALE = 6  # modules of about 6 px: a 29-module code is 200 px wide, read across a room
QR_WIDTH_PX = 200
LETTERS = "ABCDEFGH"  # options as the room reads them aloud (MAX_OPTIONS of them)

# A slide as a projector at 1280 × 720 shows it: text large enough to read from the back of a
# meeting room, the code larger still. Constant text of this codebase: nothing is put into it.
PROJECTOR_CSS = """<style>
.st-key-slide h2 { font-size: 2.6rem; line-height: 1.2; }
.st-key-slide li, .st-key-slide p { font-size: 1.55rem; line-height: 1.45; }
.st-key-join_code p { font-size: 2.6rem; font-weight: 700; letter-spacing: 0.08em;
                      line-height: 1.1; margin: 0; white-space: nowrap; }
.st-key-live_attendance p, .st-key-live_answers p { font-size: 1.35rem; }
</style>"""


def projector_style() -> None:
    st.html(PROJECTOR_CSS)


def join_url(code: str) -> str:
    """The join link as the room's phones reach this server: the address the presenter's own
    browser opened, with the join path and the code."""
    here = st.context.url or ""
    origin = here.split("/", 3)
    base = "/".join(origin[:3]) if len(origin) >= 3 and origin[0].startswith("http") else ""
    return base + join_link(code)


def qr_svg(link: str) -> str:
    """The link as a QR code (SVG), with medium error correction: a glare on the screen still
    reads."""
    return segno.make(link, error="m").svg_inline(scale=QR_SCALE, border=2)


def answers_frame(
    options: Sequence[str], counts: Sequence[int], correct: Sequence[int] | None
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "option": [
                f"{LETTERS[index]}. {textwrap.shorten(text, 2 * OPTION_LABEL_WIDTH)}"
                for index, text in enumerate(options)
            ],
            "answers": list(counts),
            "verdict": [
                "open" if correct is None else ("right" if index in correct else "not right")
                for index in range(len(options))
            ],
        }
    )


def answers_chart(
    options: Sequence[str], counts: Sequence[int], correct: Sequence[int] | None
) -> alt.Chart:
    """One bar per option, in the question's order, counting the answers that chose it; after
    the reveal the right options are green, the others grey."""
    frame = answers_frame(options, counts, correct)
    colours = alt.Scale(
        domain=["open", "right", "not right"], range=[OPEN_COLOUR, RIGHT_COLOUR, OTHER_COLOUR]
    )
    bars = alt.Chart(frame).mark_bar()
    return bars.encode(
        y=alt.Y(
            "option:N",
            sort=list(frame["option"]),
            title=None,
            axis=alt.Axis(labelLimit=600, labelFontSize=18),
        ),
        x=alt.X(
            "answers:Q",
            title="answers",
            axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=16, titleFontSize=16),
            scale=alt.Scale(domainMin=0, nice=True),
        ),
        color=alt.Color("verdict:N", scale=colours, legend=None),
        tooltip=["option", "answers"],
    ).properties(
        width="container", height=CHART_HEIGHT_PER_OPTION_PX * len(frame)
    ) + bars.mark_text(align="left", dx=6, fontSize=20).encode(
        y=alt.Y("option:N", sort=list(frame["option"])),
        x="answers:Q",
        text="answers:Q",
    )


def show_join(code: str) -> None:
    """The join code, large, and the QR code of its link."""
    link = join_url(code)
    st.markdown("Join on your phone or laptop: sign in, then enter the code")
    with st.container(key="join_code"):
        st.markdown(md(code))
    st.image(qr_svg(link), caption="Scan to join", width=QR_WIDTH_PX)
    st.caption(f"or open {md(link)}")


def show_slide(slide: Slide, number: int, of: int, notes: bool) -> None:
    with st.container(key="slide", border=True):
        st.caption(f"Slide {number:d} of {of:d}")
        st.markdown(f"## {md(slide.title)}")
        st.markdown(md_bullets(slide.points))
    if notes:
        st.markdown("**Presenter notes**")
        st.markdown(md_bullets(slide.notes))


def live_attendance(viewer: Viewer, session_id: int) -> None:
    """How many are in the room, counted again every second."""

    @st.fragment(run_every=LIVE_EVERY_S)
    def attendance() -> None:
        with st.container(key="live_attendance"):
            count = rollout.attendance_count(data.db(), viewer, session_id)
            st.markdown(f"**{count:d}** in the room")

    attendance()


def live_answers(viewer: Viewer, session_id: int, question: CheckQuestion) -> None:
    """The question's answers so far as a chart, read again every second (only the counts):
    it fills in while the room answers, without a reload and without rerunning the page."""

    @st.fragment(run_every=LIVE_EVERY_S)
    def answers() -> None:
        with st.container(key="live_answers"):
            counts = rollout.answer_counts(data.db(), viewer, session_id, question.id)
            st.markdown(
                f"**{counts.answered:d}** of **{counts.attending:d}** in the room have answered"
            )
            correct = question.correct if question.revealed else None
            # Its own colours and sizes, not the theme's lighter axis labels: read across a room.
            st.altair_chart(
                answers_chart(question.options, counts.counts, correct), width="stretch", theme=None
            )

    answers()


def written_question(
    prompt: str, options_text: str, right: str, explanation: str
) -> NewCheckQuestion:
    """A question written on the spot: options one per line, the right ones by their letters
    ("A" or "A, C"); several letters make it a multiple-choice question. ValueError for letters
    that are no option; ValidationError (pydantic) for the rest, as for a module's question."""
    options = [line.strip() for line in options_text.splitlines() if line.strip()]
    letters = [part.strip().upper() for part in right.replace(";", ",").split(",") if part.strip()]
    unknown = [letter for letter in letters if letter not in LETTERS[: len(options)]]
    if unknown or not letters:
        raise ValueError(
            "Give the right option by its letter: "
            + ", ".join(LETTERS[: max(len(options), 1)])
            + (f" (not {', '.join(unknown)})" if unknown else "")
            + "."
        )
    return NewCheckQuestion(
        kind="multiple_choice" if len(set(letters)) > 1 else "single_choice",
        prompt=prompt,
        options=options,
        correct=sorted({LETTERS.index(letter) for letter in letters}),
        explanation=explanation,
    )


QUESTION_FIELDS = {
    "prompt": "Question",
    "options": "Options",
    "correct": "Right option",
    "explanation": "Why",
}


def question_problem(error: dict[str, object]) -> str:
    """One problem of a written question, naming the field as the form labels it."""
    loc = error.get("loc") or ()
    field = (
        QUESTION_FIELDS.get(str(loc[0]), "Question")
        if isinstance(loc, tuple) and loc
        else "Question"
    )
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if error.get("type") in ("string_too_short", "too_short"):
        message = "required" if field != "Options" else "give at least two, one per line"
    return f"{field}: {message}"


def training_choice(question: TrainingQuestion) -> NewCheckQuestion:
    """A module's question as the room is asked it: the prompt and options as plain text."""
    step = question.question
    return NewCheckQuestion(
        kind=step.kind,
        prompt=plain(step.prompt),
        options=[plain(option.text) for option in step.options],
        correct=question.correct,
        explanation=plain(step.explanation),
        source=question.source,
    )


def question_label(question: TrainingQuestion) -> str:
    kind = "one answer" if question.question.kind == "single_choice" else "several answers"
    prompt = textwrap.shorten(plain(question.question.prompt), 110)
    return f"{prompt} ({kind}; {question.module_title})"


def show_revealed(question: CheckQuestion) -> None:
    right = "; ".join(f"{LETTERS[i]}. {question.options[i]}" for i in question.correct)
    st.success(f"Right answer: {md(right)}", icon=":material/check_circle:")
    st.markdown(md(question.explanation))


def summary_frames(summary: RolloutSummary, timezone: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    attended = pd.DataFrame(
        {
            "name": [a.name for a in summary.attended],
            "team": [a.team or "" for a in summary.attended],
            "joined": [local_time(a.joined_at, timezone, "%H:%M") for a in summary.attended],
            "marked present by": [a.marked_by or "" for a in summary.attended],
            "note": [a.note or "" for a in summary.attended],
        }
    )
    absent = pd.DataFrame(
        {
            "name": [a.name for a in summary.absent],
            "team": [a.team or "" for a in summary.absent],
            "role": [a.role for a in summary.absent],
        }
    )
    return attended, absent


def show_summary(summary: RolloutSummary, timezone: str) -> None:
    attended, absent = summary_frames(summary, timezone)
    scope = summary.team or "the whole organisation"
    st.markdown(
        f"Policy version {summary.policy_version:d} · {md(scope)} · code {md(summary.join_code)}"
        f" · started {local_time(summary.started_at, timezone)}"
        + (f" · ended {local_time(summary.ended_at, timezone)}" if summary.ended_at else "")
    )
    first, second, third = st.columns(3)
    first.metric("Attended", len(summary.attended))
    second.metric("Did not attend", len(summary.absent))
    third.metric("Questions asked", len(summary.questions))
    st.subheader("Who attended")
    if attended.empty:
        st.info("Nobody joined.")
    else:
        show_table(attended, wrap=("note",))
    st.subheader("Who did not attend")
    if absent.empty:
        st.success("Everyone in the session's scope attended.")
    else:
        show_table(absent)
    for number, result in enumerate(summary.questions, 1):
        st.subheader(f"Question {number:d}: {md(result.prompt)}")
        st.caption(
            f"{result.answered:d} answered, {result.right:d} right; asked on slide "
            f"{result.slide + 1:d}"
        )
        st.altair_chart(
            answers_chart(result.options, result.counts, result.correct),
            width="stretch",
            theme=None,
        )
        answers = pd.DataFrame(
            {
                "name": [a.name for a in result.answers],
                "answer": ["; ".join(LETTERS[i] for i in a.choices) for a in result.answers],
                "right": ["yes" if a.right else "no" for a in result.answers],
            }
        )
        if not answers.empty:
            show_table(answers)
