"""What the Training impact page shows: the table of the four metrics, each conclusion said in
words, and the chart of the differences with their intervals."""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.coaching.impact import MetricImpact, TrainingImpact

GROUP_COLOURS = {"Trained": "#1f6f8b", "Comparison": "#9a9a9a"}
# Each metric inside a sentence ("the trained agents' CSAT rose").
METRIC_WORDS = {
    "service_level": "service level",
    "resolution_rate": "resolution rate",
    "csat": "CSAT",
    "follow_up_compliance": "complaint follow-up compliance",
}
ROW_HEIGHT_PX = 44  # one metric's line in the chart of differences
PANEL_WIDTH_PX = 120  # two before-and-after panels side by side fit a phone's 390 px


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}"


def interval_text(metric: MetricImpact) -> str:
    if metric.low is None or metric.high is None:
        return "—"
    return f"{_points(metric.low)} to {_points(metric.high)}"


def impact_table(found: TrainingImpact) -> pd.DataFrame:
    """One row per metric: the four values, the n of each side, the difference (in percentage
    points), its interval and the conclusion."""
    return pd.DataFrame(
        [
            {
                "Metric": metric.label,
                "Trained: before": _share(metric.trained_before),
                "Trained: after": _share(metric.trained_after),
                "Trained agents (n)": metric.trained_agents,
                "Comparison: before": _share(metric.comparison_before),
                "Comparison: after": _share(metric.comparison_after),
                "Comparison agents (n)": metric.comparison_agents,
                "Difference (points)": _points(metric.difference),
                "95% interval (points)": interval_text(metric),
                "Conclusion": metric.conclusion,
            }
            for metric in found.metrics
        ]
    )


def conclusion_sentence(metric: MetricImpact, min_agents: int) -> str:
    """The conclusion said plainly, for a person who has not read the method."""
    label = metric.label
    if metric.conclusion == "too few agents":
        return (
            f"{label}: too few agents to conclude anything ({metric.trained_agents:d} trained "
            f"and {metric.comparison_agents:d} to compare them with had contacts to count; "
            f"the policy asks for at least {min_agents:d} on each side)."
        )
    change = f"{abs(metric.difference or 0) * 100:.1f} points"
    interval = interval_text(metric)
    if metric.conclusion == "within the noise":
        return (
            f"{label}: within the noise. The difference is {_points(metric.difference)} points, "
            f"but the interval includes zero ({interval}): this could be chance."
        )
    direction = "rose" if metric.conclusion == "improved" else "fell"
    side = "above" if metric.conclusion == "improved" else "below"
    return (
        f"{label}: {metric.conclusion}. The trained agents' {METRIC_WORDS[metric.metric]} "
        f"{direction} by "
        f"{change} more than the comparison's, and the whole interval ({interval}) is {side} "
        "zero."
    )


def difference_chart(found: TrainingImpact) -> alt.LayerChart:
    """Each metric's difference in differences (a point) and its 95% interval (a bar), in
    percentage points, beside a line at zero: an interval that crosses it is within the noise."""
    rows = pd.DataFrame(
        [
            {
                "Metric": metric.label,
                "Difference": metric.difference * 100,
                "Low": metric.low * 100,
                "High": metric.high * 100,
                "Conclusion": metric.conclusion,
            }
            for metric in found.metrics
            if metric.difference is not None and metric.low is not None and metric.high is not None
        ],
        columns=["Metric", "Difference", "Low", "High", "Conclusion"],
    )
    order = [metric.label for metric in found.metrics]
    y = alt.Y("Metric:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    height = ROW_HEIGHT_PX * max(1, len(order))
    base = alt.Chart(rows).encode(y=y).properties(height=height)
    interval = base.mark_rule(strokeWidth=3, color=GROUP_COLOURS["Trained"]).encode(
        x=alt.X("Low:Q", title="Difference (percentage points)"),
        x2="High:Q",
        tooltip=[
            "Metric",
            alt.Tooltip("Difference:Q", format="+.1f"),
            alt.Tooltip("Low:Q", format="+.1f", title="95% low"),
            alt.Tooltip("High:Q", format="+.1f", title="95% high"),
            "Conclusion",
        ],
    )
    point = base.mark_point(filled=True, size=90, color=GROUP_COLOURS["Trained"]).encode(
        x="Difference:Q"
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#444", strokeDash=[4, 3])
        .encode(x="zero:Q")
        .properties(height=height)
    )
    return alt.LayerChart(layer=[zero, interval, point])


def before_after_chart(found: TrainingImpact) -> alt.Chart:
    """Before and after, trained beside comparison, one small panel per metric."""
    rows = []
    for metric in found.metrics:
        for group, before, after in (
            ("Trained", metric.trained_before, metric.trained_after),
            ("Comparison", metric.comparison_before, metric.comparison_after),
        ):
            for when, value in (("Before", before), ("After", after)):
                if value is not None:
                    rows.append(
                        {"Metric": metric.label, "Group": group, "When": when, "Value": value}
                    )
    frame = pd.DataFrame(rows, columns=["Metric", "Group", "When", "Value"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("When:N", sort=["Before", "After"], title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Value:Q", axis=alt.Axis(format="%"), title=None, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "Group:N",
                scale=alt.Scale(domain=list(GROUP_COLOURS), range=list(GROUP_COLOURS.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["Metric", "Group", "When", alt.Tooltip("Value:Q", format=".1%")],
        )
        .properties(width=PANEL_WIDTH_PX, height=PANEL_WIDTH_PX)
        .facet(
            facet=alt.Facet("Metric:N", title=None, sort=[m.label for m in found.metrics]),
            columns=2,
        )
        .resolve_scale(y="independent")
    )
