"""The Pareto chart builder on a hand-made ranking with ties: the bars follow the ranking (most
first, ties by name), the line is the cumulative share on its own axis from 0 to 100%, the three
most significant are the darker bars, and a category nobody complained about is left off."""

from __future__ import annotations

from datetime import date

from metrics.complaints.report import Problem, TopProblems
from metrics.performance.period import Period
from training_app.components.complaint_numbers import change_text, most_significant_lines
from training_app.components.pareto import SIGNIFICANT_COLOUR, pareto_chart, pareto_frame

PERIOD = Period(start=date(2026, 11, 2), end=date(2026, 11, 8))


def problem(category: str, name: str, n: int, running: int, previous: int = 0) -> Problem:
    return Problem(
        category=category,
        name=name,
        complaints=n,
        share=n / 10,
        cumulative_share=running / 10,
        previous=previous,
        prevention=[],
    )


# 10 complaints: 4, then a tie of 2 and 2 (by name: Billing before Late), 1, 1, and a zero.
RANKED = TopProblems(
    period=PERIOD,
    previous_period=PERIOD.previous(),
    complaints=10,
    previous_complaints=6,
    problems=[
        problem("faulty_product", "Faulty or damaged product", 4, 4, previous=1),
        problem("billing", "Billing, payment or refund", 2, 6, previous=2),
        problem("late_delivery", "Late or missed delivery", 2, 8),
        problem("other", "Other", 1, 9, previous=3),
        problem("returns", "Return or exchange", 1, 10),
        problem("staff_conduct", "How staff treated the customer", 0, 10),
    ],
)


def test_the_frame_keeps_the_ranking_and_marks_the_three_most_significant() -> None:
    frame = pareto_frame(RANKED)
    assert list(frame["category"]) == [
        "Faulty or damaged product",
        "Billing, payment or refund",
        "Late or missed delivery",
        "Other",
        "Return or exchange",
    ]
    assert list(frame["cumulative_share"]) == [0.4, 0.6, 0.8, 0.9, 1.0]
    assert list(frame["significant"]) == ["most significant"] * 3 + ["the others"] * 2


def test_the_chart_draws_bars_and_a_cumulative_line_on_two_axes() -> None:
    spec = pareto_chart(RANKED).to_dict()
    bars, line_and_points = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["sort"] == list(pareto_frame(RANKED)["category"])
    assert bars["encoding"]["y"]["field"] == "complaints"
    assert bars["encoding"]["color"]["scale"]["range"][0] == SIGNIFICANT_COLOUR
    line, points = line_and_points["layer"]
    assert line["mark"]["type"] == "line" and points["mark"]["type"] == "point"
    assert line["encoding"]["y"]["field"] == "cumulative_share"
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert line["encoding"]["y"]["axis"]["orient"] == "right"
    assert spec["resolve"]["scale"]["y"] == "independent"
    tooltips = {t["title"] for t in bars["encoding"]["tooltip"]}
    assert {"Complaints (n)", "Cumulative share", "Period before"} <= tooltips


def test_the_three_most_significant_are_named_with_the_change_from_before() -> None:
    assert most_significant_lines(RANKED) == [
        "1. Faulty or damaged product: 4 complaints (40%), +3 on the period before (1)",
        "2. Billing, payment or refund: 2 complaints (20%), as many as in the period before",
        "3. Late or missed delivery: 2 complaints (20%), none in the period before",
    ]
    assert change_text(RANKED.problems[3]) == "-2 on the period before (3)"
