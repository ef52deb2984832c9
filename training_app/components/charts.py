"""Altair chart builders for the performance pages: pure functions from a metrics frame to
charts, so they are tested without Streamlit, and `show_panels` to draw them.

- Every chart is one view as wide as the place it is given (`width="container"`): a page sets
  panels side by side in columns, which Streamlit stacks on a narrow screen, so nothing runs
  off a phone or a zoomed window.
- Targets are dashed rules; rate axes run from a baseline under the target up to 100%, so a
  one-point move looks like one point (`rate_axis_domain`).
- A partial week (an edge of the dates cuts it) is a lighter point with a label, outside the
  line: its numbers rest on fewer days than a whole week's, and a line to it would look like a
  collapse.
- Every mark's tooltip carries its n, so a line never hides how little it may rest on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from metrics.performance.trends import WEEKDAYS
from modules.policy import CHANNELS
from training_app.components.formatting import is_missing

TARGET_DASH = [6, 4]
WITHIN_COLOURS = alt.Scale(
    domain=["within the standard", "beyond the standard"], range=["#2e7d32", "#c62828"]
)
PANEL_HEIGHT_PX = 180
# A rate axis shows at least 25 points under the target, up to 100%: the target sits where it
# belongs, and a one-point move takes a fortieth of the height or less, not all of it.
RATE_AXIS_BELOW_TARGET = 0.25
RATE_AXIS_STEP = 0.10  # the baseline is a whole ten percent, lower if a value is lower
PARTIAL_OPACITY = 0.35  # a partial week's point, lighter than the whole weeks' line
WEEK_DAYS = 7
DAY_ROW_PX = 26  # a heat-map row, taller than its weekday label, so no label is dropped
AGENT_COLOUR, MEDIAN_COLOUR = "#1565c0", "#757575"
LABEL_COLOUR = "#4a4a4a"
# Every chart fits its width to its column and keeps its own height: Streamlit otherwise fits
# both, and a panel's title and axes then leave its plot a third of its height.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def rate_axis_domain(values: Iterable[object], target: float) -> tuple[float, float]:
    """The y domain of a rate: from RATE_AXIS_BELOW_TARGET under the target, or the next whole
    RATE_AXIS_STEP under the lowest value if that is lower, never under 0; up to 1 (100%)."""
    lowest = min(
        [target - RATE_AXIS_BELOW_TARGET, *(float(v) for v in values if not is_missing(v))]  # type: ignore[arg-type]
    )
    steps = math.floor(round(lowest / RATE_AXIS_STEP, 9))
    return max(0.0, round(steps * RATE_AXIS_STEP, 9)), 1.0


def _weekly_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (one row per week, with `week` and `days`) with a week label and, for weeks
    holding fewer than seven days of the period, `partial` and the label saying so."""
    return frame.assign(
        week_label=pd.to_datetime(frame["week"]).dt.strftime("%d %b"),
        partial=frame["days"] < WEEK_DAYS,
        partial_label=[f"{days:d} of {WEEK_DAYS:d} days" for days in frame["days"]],
    )


def partial_week_note(weekly: pd.DataFrame) -> str | None:
    """The sentence saying which weeks are partial and how they are drawn; None if none is."""
    partial = weekly[weekly["days"] < WEEK_DAYS]
    if partial.empty:
        return None
    weeks = [
        f"the week of {pd.Timestamp(week):%d %b} holds {days:d} of its {WEEK_DAYS:d} days"
        for week, days in zip(partial["week"], partial["days"], strict=True)
    ]
    return (
        "Weeks run Monday to Sunday; in the dates chosen "
        + "; ".join(weeks)
        + ". A partial week is a lighter point outside the line: it rests on fewer contacts "
        "than a whole week."
    )


def _week_axis(labels: Sequence[str]) -> alt.X:
    # Weeks as labelled categories in date order: a time axis would put its ticks between the
    # Mondays the points stand on. The labels are given, so the layers (whole weeks, partial
    # ones) share one axis.
    return alt.X(
        "week_label:O",
        title="Week starting",
        sort=list(labels),
        scale=alt.Scale(domain=list(labels)),
        axis=alt.Axis(labelAngle=0),
    )


def _target_rule(target: float) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(strokeDash=TARGET_DASH, color="gray")
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target", format=".0%")])
    )


def _panel(
    layers: list[alt.Chart], title: str, target: float, weekly: pd.DataFrame
) -> alt.LayerChart:
    """A weekly panel: `layers` with the policy's target as a dashed rule, titled with both,
    as wide as it is given; its description (what a screen reader says) names partial weeks."""
    description = f"{title} per week against the target of {target:.0%}."
    note = partial_week_note(weekly)
    if note:
        description += " " + note
    return alt.LayerChart(
        layer=[*layers, _target_rule(target)],
        title=f"{title} (target {target:.0%})",
        width="container",
        height=PANEL_HEIGHT_PX,
        autosize=FIT_WIDTH,
        description=description,
    )


def _rate_panel(
    frame: pd.DataFrame, value: str, n: str, title: str, target: float
) -> alt.LayerChart:
    rows = _weekly_rows(frame)
    whole, partial = rows[~rows["partial"]], rows[rows["partial"]]
    x = _week_axis(list(rows["week_label"]))
    y = alt.Y(
        f"{value}:Q",
        title=title,
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=rate_axis_domain(rows[value], target)),
    )
    tooltip = [
        alt.Tooltip("week:T", title="Week starting", format="%d %b %Y"),
        alt.Tooltip("partial_label:N", title="Days of the week in the period"),
        alt.Tooltip(f"{value}:Q", title=title, format=".1%"),
        alt.Tooltip(f"{n}:Q", title="n", format=","),
    ]
    line = alt.Chart(whole).mark_line(point=True).encode(x, y, tooltip=tooltip)
    lighter = (
        alt.Chart(partial)
        .mark_point(filled=True, opacity=PARTIAL_OPACITY, size=70)
        .encode(x, y, tooltip=tooltip)
    )
    label = (
        alt.Chart(partial)
        .mark_text(dy=-12, color=LABEL_COLOUR, fontSize=11)
        .encode(x, y, text="partial_label:N")
    )
    return _panel([line, lighter, label], title, target, frame)


def weekly_trend_panels(trends: pd.DataFrame, targets: dict[str, float]) -> list[alt.LayerChart]:
    """Service level, resolution and CSAT per week (from
    `metrics.performance.trends.weekly_trends`), one panel each against its target. `targets`
    maps those three metric names to the policy's targets."""
    return [
        _rate_panel(trends, "service_level", "offered", "Service level", targets["service_level"]),
        _rate_panel(trends, "resolution_rate", "handled", "Resolution", targets["resolution_rate"]),
        _rate_panel(trends, "csat", "ratings", "CSAT", targets["csat"]),
    ]


def agent_trend_panels(
    trends: pd.DataFrame, targets: dict[str, float], agent_label: str = "This agent"
) -> list[alt.LayerChart]:
    """An agent's weekly service level, resolution and CSAT (from
    `metrics.performance.trends.agent_weekly_trends`) beside the team median, one panel each
    against its target."""
    rows = _weekly_rows(trends)
    series = [agent_label, "Team median"]
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=series, range=[AGENT_COLOUR, MEDIAN_COLOUR]),
        # Line samples, solid and dotted as drawn: a dotted circle read as a cog.
        legend=alt.Legend(orient="bottom", symbolType="stroke"),
    )
    panels = []
    for metric, title, n in (
        ("service_level", "Service level", "handled"),
        ("resolution_rate", "Resolution", "handled"),
        ("csat", "CSAT", "ratings"),
    ):
        long = pd.DataFrame(
            {
                "week": list(rows["week"]) * 2,
                "week_label": list(rows["week_label"]) * 2,
                "partial": list(rows["partial"]) * 2,
                "partial_label": list(rows["partial_label"]) * 2,
                "series": [agent_label] * len(rows) + ["Team median"] * len(rows),
                "value": list(rows[metric]) + list(rows[f"team_{metric}"]),
                # An agent is not told how many agents a median is of (see the metrics).
                "n": list(rows[n]) + list(rows.get("team_agents", [None] * len(rows))),
            }
        )
        whole, partial = long[~long["partial"]], long[long["partial"]]
        x = _week_axis(list(rows["week_label"]))
        y = alt.Y(
            "value:Q",
            title=title,
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=rate_axis_domain(long["value"], targets[metric])),
        )
        tooltip = [
            alt.Tooltip("week:T", title="Week starting", format="%d %b %Y"),
            alt.Tooltip("partial_label:N", title="Days of the week in the period"),
            alt.Tooltip("series:N", title="Who"),
            alt.Tooltip("value:Q", title=title, format=".1%"),
            alt.Tooltip("n:Q", title="n (contacts, ratings or agents)"),
        ]
        line = (
            alt.Chart(whole)
            .mark_line(point=True)
            .encode(
                x,
                y,
                colour,
                alt.StrokeDash(
                    "series:N", scale=alt.Scale(domain=series, range=[[1, 0], [2, 2]]), legend=None
                ),
                tooltip=tooltip,
            )
        )
        lighter = (
            alt.Chart(partial)
            .mark_point(filled=True, opacity=PARTIAL_OPACITY, size=70)
            .encode(x, y, colour, tooltip=tooltip)
        )
        label = (
            alt.Chart(partial[partial["series"] == agent_label])
            .mark_text(dy=-12, color=LABEL_COLOUR, fontSize=11)
            .encode(x, y, text="partial_label:N")
        )
        panels.append(_panel([line, lighter, label], title, targets[metric], trends))
    return panels


def wait_distribution_panels(distribution: pd.DataFrame) -> list[alt.Chart]:
    """Share of answered contacts per wait bucket, one panel per channel (from
    `metrics.performance.trends.wait_distribution`); bars within the standard in green, beyond
    it in red, and the legend says which is which in words."""
    frame = distribution.assign(
        standard=distribution["within"].map(
            {True: "within the standard", False: "beyond the standard"}
        )
    )
    panels = []
    for channel in [channel for channel in CHANNELS if channel in set(frame["channel"])]:
        panels.append(
            alt.Chart(frame[frame["channel"] == channel])
            .mark_bar()
            .encode(
                alt.X(
                    "label:N",
                    title="Wait",
                    sort=alt.SortField("bucket"),
                    axis=alt.Axis(labelAngle=-40),
                ),
                alt.Y("share:Q", title="Share of answered", axis=alt.Axis(format="%")),
                alt.Color(
                    "standard:N",
                    title=None,
                    scale=WITHIN_COLOURS,
                    legend=alt.Legend(orient="bottom"),
                ),
                tooltip=[
                    alt.Tooltip("label:N", title="Wait"),
                    alt.Tooltip("contacts:Q", title="Contacts", format=","),
                    alt.Tooltip("share:Q", title="Share", format=".1%"),
                ],
            )
            .properties(
                title=str(channel).capitalize(), width="container", height=160, autosize=FIT_WIDTH
            )
        )
    return panels


RATING_SCALES = {"1-5": "1–5 stars", "good/bad": "Good / bad"}


def rating_distribution_panels(ratings: pd.DataFrame) -> list[alt.Chart]:
    """How customers rated, one panel per scale (from
    `metrics.performance.trends.rating_distribution`); ratings that count as good for CSAT in
    green. The ratings read upright under their bars."""
    frame = ratings.assign(
        counts=ratings["good"].map({True: "counts as good", False: "does not count as good"})
    )
    return [
        alt.Chart(frame[frame["scale"] == scale])
        .mark_bar()
        .encode(
            alt.X("rating:N", title="Rating", sort=None, axis=alt.Axis(labelAngle=0)),
            alt.Y("ratings:Q", title="Ratings"),
            alt.Color(
                "counts:N",
                title=None,
                scale=alt.Scale(
                    domain=["counts as good", "does not count as good"],
                    range=["#2e7d32", "#9e9e9e"],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("rating:N", title="Rating"),
                alt.Tooltip("ratings:Q", title="Ratings", format=","),
                alt.Tooltip("share:Q", title="Share of the scale", format=".1%"),
            ],
        )
        .properties(title=title, width="container", height=160, autosize=FIT_WIDTH)
        for scale, title in RATING_SCALES.items()
    ]


def contacts_by_hour_chart(by_hour: pd.DataFrame) -> alt.Chart:
    """Contacts offered per local weekday and hour (from
    `metrics.performance.trends.contacts_by_hour`), as a heat map with a row for every weekday;
    the tooltip adds the service level of that hour."""
    return (
        alt.Chart(by_hour)
        .mark_rect()
        .encode(
            alt.X("hour:O", title="Hour of the day (local)", axis=alt.Axis(labelAngle=0)),
            alt.Y(
                "weekday_name:N",
                title=None,
                sort=WEEKDAYS,
                scale=alt.Scale(domain=WEEKDAYS),
                axis=alt.Axis(labelOverlap=False),
            ),
            alt.Color("offered:Q", title="Contacts", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("weekday_name:N", title="Day"),
                alt.Tooltip("hour:O", title="Hour"),
                alt.Tooltip("offered:Q", title="Contacts offered", format=","),
                alt.Tooltip("service_level:Q", title="Service level", format=".0%"),
                alt.Tooltip("abandoned:Q", title="Abandoned", format=","),
            ],
        )
        .properties(width="container", height=alt.Step(DAY_ROW_PX), autosize=FIT_WIDTH)
    )


def show_panels(panels: Sequence[alt.Chart | alt.LayerChart], per_row: int) -> None:
    """Draw `panels` side by side, `per_row` to a row, each as wide as its column; on a narrow
    screen Streamlit stacks the columns, and each panel takes the whole width."""
    for first in range(0, len(panels), per_row):
        for column, panel in zip(
            st.columns(per_row), panels[first : first + per_row], strict=False
        ):
            column.altair_chart(panel, width="stretch")
