"""Altair chart builders for the performance pages: pure functions from a metrics frame to a
chart, so they are tested without Streamlit. Targets are drawn as dashed rules and every mark's
tooltip carries its n, so a line never hides how little it may rest on."""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.performance.trends import WEEKDAYS

TARGET_DASH = [6, 4]
WITHIN_COLOURS = alt.Scale(
    domain=["within the standard", "beyond the standard"], range=["#2e7d32", "#c62828"]
)


def _week_axis() -> alt.X:
    # Weeks as labelled categories in date order: a time axis would put its ticks between the
    # Mondays the points stand on.
    return alt.X("week_label:O", title="Week starting", sort=None, axis=alt.Axis(labelAngle=0))


def _with_week_labels(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(week_label=pd.to_datetime(frame["week"]).dt.strftime("%d %b"))


def _rate_panel(
    frame: pd.DataFrame, value: str, n: str, title: str, target: float
) -> alt.LayerChart:
    base = alt.Chart(_with_week_labels(frame)).encode(_week_axis())
    line = base.mark_line(point=True).encode(
        alt.Y(f"{value}:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("week:T", title="Week starting", format="%d %b %Y"),
            alt.Tooltip("days:Q", title="Days of the week in the period"),
            alt.Tooltip(f"{value}:Q", title=title, format=".1%"),
            alt.Tooltip(f"{n}:Q", title="n", format=","),
        ],
    )
    return _against_target(line, title, target)


def _against_target(line: alt.Chart, title: str, target: float) -> alt.LayerChart:
    """A weekly panel: `line` with the policy's target as a dashed rule, titled with both."""
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(strokeDash=TARGET_DASH, color="gray")
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target", format=".0%")])
    )
    return (line + rule).properties(title=f"{title} (target {target:.0%})", width=220, height=180)


def weekly_trend_chart(trends: pd.DataFrame, targets: dict[str, float]) -> alt.HConcatChart:
    """Service level, resolution and CSAT per week (from
    `metrics.performance.trends.weekly_trends`), each against its target. `targets` maps those
    three metric names to the policy's targets."""
    return alt.hconcat(
        _rate_panel(trends, "service_level", "offered", "Service level", targets["service_level"]),
        _rate_panel(trends, "resolution_rate", "handled", "Resolution", targets["resolution_rate"]),
        _rate_panel(trends, "csat", "ratings", "CSAT", targets["csat"]),
    )


def agent_trend_chart(
    trends: pd.DataFrame, targets: dict[str, float], agent_label: str = "This agent"
) -> alt.HConcatChart:
    """An agent's weekly service level, resolution and CSAT (from
    `metrics.performance.trends.agent_weekly_trends`) beside the team median, each against its
    target."""
    panels = []
    for metric, title, n in (
        ("service_level", "Service level", "handled"),
        ("resolution_rate", "Resolution", "handled"),
        ("csat", "CSAT", "ratings"),
    ):
        long = pd.DataFrame(
            {
                "week": list(trends["week"]) * 2,
                "week_label": list(_with_week_labels(trends)["week_label"]) * 2,
                "series": [agent_label] * len(trends) + ["Team median"] * len(trends),
                "value": list(trends[metric]) + list(trends[f"team_{metric}"]),
                # An agent is not told how many agents a median is of (see the metrics).
                "n": list(trends[n]) + list(trends.get("team_agents", [None] * len(trends))),
            }
        )
        line = (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                _week_axis(),
                alt.Y(
                    "value:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)
                ),
                alt.Color(
                    "series:N",
                    title=None,
                    scale=alt.Scale(
                        domain=[agent_label, "Team median"], range=["#1565c0", "#9e9e9e"]
                    ),
                    legend=alt.Legend(orient="bottom"),
                ),
                alt.StrokeDash(
                    "series:N",
                    scale=alt.Scale(domain=[agent_label, "Team median"], range=[[1, 0], [2, 2]]),
                    legend=None,
                ),
                tooltip=[
                    alt.Tooltip("week:T", title="Week starting", format="%d %b %Y"),
                    alt.Tooltip("series:N", title="Who"),
                    alt.Tooltip("value:Q", title=title, format=".1%"),
                    alt.Tooltip("n:Q", title="n (contacts, ratings or agents)"),
                ],
            )
        )
        panels.append(_against_target(line, title, targets[metric]))
    return alt.hconcat(*panels)


def wait_distribution_chart(distribution: pd.DataFrame) -> alt.FacetChart:
    """Share of answered contacts per wait bucket, one panel per channel (from
    `metrics.performance.trends.wait_distribution`); bars within the standard in green, beyond
    it in red, and the legend says which is which in words."""
    frame = distribution.assign(
        standard=distribution["within"].map(
            {True: "within the standard", False: "beyond the standard"}
        ),
        channel=distribution["channel"].str.capitalize(),
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            alt.X("label:N", title="Wait", sort=alt.SortField("bucket")),
            alt.Y("share:Q", title="Share of answered contacts", axis=alt.Axis(format="%")),
            alt.Color(
                "standard:N", title=None, scale=WITHIN_COLOURS, legend=alt.Legend(orient="bottom")
            ),
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("label:N", title="Wait"),
                alt.Tooltip("contacts:Q", title="Contacts", format=","),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
        .properties(width=300, height=160)
        .facet(facet=alt.Facet("channel:N", title=None), columns=2)
        .resolve_scale(x="independent")
    )


def rating_distribution_chart(ratings: pd.DataFrame) -> alt.FacetChart:
    """How customers rated, one panel per scale (from
    `metrics.performance.trends.rating_distribution`); ratings that count as good for
    CSAT in green."""
    frame = ratings.assign(
        counts=ratings["good"].map({True: "counts as good", False: "does not count as good"}),
        scale=ratings["scale"].map({"1-5": "1–5 stars", "good/bad": "Good / bad"}),
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            alt.X("rating:N", title="Rating", sort=None),
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
        .properties(width=220, height=160)
        .facet(facet=alt.Facet("scale:N", title=None, sort=["1–5 stars", "Good / bad"]))
        .resolve_scale(x="independent", y="independent")
    )


def contacts_by_hour_chart(by_hour: pd.DataFrame) -> alt.Chart:
    """Contacts offered per local weekday and hour (from
    `metrics.performance.trends.contacts_by_hour`), as a heat map; the tooltip adds the
    service level of that hour."""
    return (
        alt.Chart(by_hour)
        .mark_rect()
        .encode(
            alt.X("hour:O", title="Hour of the day (local)"),
            alt.Y(
                "weekday_name:N",
                title=None,
                sort=WEEKDAYS,
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
        .properties(height=200)
    )
