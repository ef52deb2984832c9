"""The Pareto chart of the top problems: a pure builder from `TopProblems` to an Altair chart,
tested without Streamlit.

Bars are each category's complaints in the ranking's order (most first, ties by name); the line
is the cumulative share down that order, on its own axis from 0 to 100%. The most significant
categories (`TopProblems.most_significant`) are the darker bars, the ones the page names on top.
Categories nobody complained about are left off the chart (the table lists them): a row of empty
bars would only squeeze the ones that matter on a phone.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.complaints.report import TopProblems
from training_app.components.charts import FIT_WIDTH, LABEL_COLOUR

SIGNIFICANT_COLOUR, OTHER_COLOUR, LINE_COLOUR = "#1565c0", "#90caf9", "#c62828"
PARETO_HEIGHT_PX = 260
# Long category names are cut on the axis (the tooltip and the table carry them whole). Upright
# labels take a line's height of the width each, so every bar keeps its label on a phone's width;
# slanted ones overlap there, and Vega then drops all but the first and the last.
AXIS_LABEL_LIMIT_PX = 140
AXIS_LABEL_ANGLE = -90


def pareto_frame(problems: TopProblems) -> pd.DataFrame:
    """One row per category that occurred, in the ranking's order, with what the chart draws."""
    significant = {p.category for p in problems.most_significant()}
    rows = [
        {
            "rank": rank,
            "category": problem.name,
            "complaints": problem.complaints,
            "share": problem.share,
            "cumulative_share": problem.cumulative_share,
            "previous": problem.previous,
            "significant": "most significant" if problem.category in significant else "the others",
        }
        for rank, problem in enumerate(problems.problems, start=1)
        if problem.complaints > 0
    ]
    columns = [
        "rank",
        "category",
        "complaints",
        "share",
        "cumulative_share",
        "previous",
        "significant",
    ]
    return pd.DataFrame(rows, columns=columns)


def pareto_chart(problems: TopProblems) -> alt.LayerChart:
    """Bars of complaints per category and the cumulative share as a line with points, on two
    y axes (complaints on the left, cumulative share on the right)."""
    frame = pareto_frame(problems)
    order = list(frame["category"])
    x = alt.X(
        "category:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelAngle=AXIS_LABEL_ANGLE, labelLimit=AXIS_LABEL_LIMIT_PX, labelColor=LABEL_COLOUR
        ),
    )
    tooltip = [
        alt.Tooltip("rank:Q", title="Rank"),
        alt.Tooltip("category:N", title="Category"),
        alt.Tooltip("complaints:Q", title="Complaints (n)"),
        alt.Tooltip("share:Q", title="Share", format=".0%"),
        alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".0%"),
        alt.Tooltip("previous:Q", title="Period before"),
    ]
    base = alt.Chart(frame).encode(x=x, tooltip=tooltip)
    bars = base.mark_bar().encode(
        y=alt.Y("complaints:Q", title="Complaints", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color(
            "significant:N",
            scale=alt.Scale(
                domain=["most significant", "the others"],
                range=[SIGNIFICANT_COLOUR, OTHER_COLOUR],
            ),
            legend=alt.Legend(title=None, orient="top"),
        ),
    )
    cumulative = alt.Y(
        "cumulative_share:Q",
        title="Cumulative share",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", orient="right"),
    )
    line = base.mark_line(color=LINE_COLOUR).encode(y=cumulative)
    points = base.mark_point(color=LINE_COLOUR, filled=True).encode(y=cumulative)
    return (
        alt.layer(bars, line + points)
        .resolve_scale(y="independent")
        .properties(width="container", height=PARETO_HEIGHT_PX, autosize=FIT_WIDTH)
    )
