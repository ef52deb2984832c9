"""The presenter's pieces that need no Streamlit run: the answers chart, a question written on
the spot, the QR code of the join link."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from training_app.components.rollout import (
    answers_chart,
    answers_frame,
    qr_svg,
    question_problem,
    written_question,
)


def test_the_chart_has_a_bar_per_option_in_order_and_greens_the_right_ones_after_the_reveal() -> (
    None
):
    options = ["30 seconds", "60 seconds", "4 hours"]
    live = answers_frame(options, [5, 2, 0], None)
    assert list(live["option"]) == ["A. 30 seconds", "B. 60 seconds", "C. 4 hours"]
    assert list(live["answers"]) == [5, 2, 0]
    assert set(live["verdict"]) == {"open"}
    revealed = answers_frame(options, [5, 2, 0], [0])
    assert list(revealed["verdict"]) == ["right", "not right", "not right"]
    spec = answers_chart(options, [5, 2, 0], [0]).to_dict()
    [bars, labels] = spec["layer"]
    assert bars["mark"]["type"] == "bar" and labels["mark"]["type"] == "text"
    assert bars["encoding"]["y"]["sort"] == ["A. 30 seconds", "B. 60 seconds", "C. 4 hours"]
    assert bars["encoding"]["color"]["scale"]["range"][1] == "#1c7c3a"


def test_a_question_written_on_the_spot() -> None:
    one = written_question("Who owns it?", "Whoever took it\n\nNobody\n", "a", "Owned.")
    assert (one.kind, one.options, one.correct) == (
        "single_choice",
        ["Whoever took it", "Nobody"],
        [0],
    )
    several = written_question("Never ask in public?", "Order number\nName\nAddress", "A; c", "x")
    assert (several.kind, several.correct) == ("multiple_choice", [0, 2])
    with pytest.raises(
        ValueError, match=r"^Give the right option by its letter: A, B \(not D\)\.$"
    ):
        written_question("?", "yes\nno", "D", "x")
    with pytest.raises(ValidationError) as refused:
        written_question("", "only one", "A", "")
    problems = sorted(question_problem(dict(error)) for error in refused.value.errors())
    assert problems == [
        "Options: give at least two, one per line",
        "Question: required",
        "Why: required",
    ]


def test_the_qr_code_is_an_svg_of_the_link() -> None:
    svg = qr_svg("http://127.0.0.1:8501/rollout/join?code=ABC123")
    assert svg.startswith("<svg") and "<path" in svg
