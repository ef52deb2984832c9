"""The chart builders produce the Vega-Lite a browser draws: checked through `to_dict()`."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.performance.trends import WEEKDAYS
from training_app.components import charts
from training_app.components.formatting import file_slug

TARGETS = {"service_level": 0.8, "resolution_rate": 0.75, "csat": 0.85}


def weekly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week": pd.to_datetime([date(2026, 11, 2), date(2026, 11, 9)]),
            "days": [7, 3],
            "offered": [100, 40],
            "service_level": [0.81, 0.7],
            "handled": [90, 35],
            "resolution_rate": [0.8, 0.74],
            "ratings": [20, 8],
            "csat": [0.9, 0.875],
        }
    )


def layers_by_mark(panel: dict, spec: dict) -> dict[str, list[list[dict]]]:
    """Each mark type of a layered panel, with the rows of data each such layer draws."""
    found: dict[str, list[list[dict]]] = {}
    for layer in panel["layer"]:
        mark = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        found.setdefault(mark, []).append(spec["datasets"][layer["data"]["name"]])
    return found


def test_weekly_trends_draw_each_rate_against_its_target() -> None:
    panels = [panel.to_dict() for panel in charts.weekly_trend_panels(weekly(), TARGETS)]
    assert [p["title"] for p in panels] == [
        "Service level (target 80%)",
        "Resolution (target 75%)",
        "CSAT (target 85%)",
    ]
    spec = panels[0]
    layers = layers_by_mark(spec, spec)
    [line] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert line["encoding"]["y"]["field"] == "service_level"
    tooltip_fields = [t["field"] for t in line["encoding"]["tooltip"]]
    assert "offered" in tooltip_fields  # n on every point
    assert line["encoding"]["x"]["field"] == "week_label"  # a point on each Monday
    [rule] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rule["mark"]["strokeDash"] == charts.TARGET_DASH
    assert [d["target"] for d in layers["rule"][0]] == [0.8]


def test_a_partial_week_is_a_lighter_labelled_point_outside_the_line() -> None:
    # The week of 9 Nov holds 3 of its 7 days: a drop to 70% there is no collapse.
    spec = charts.weekly_trend_panels(weekly(), TARGETS)[0].to_dict()
    layers = layers_by_mark(spec, spec)
    [line_rows] = layers["line"]
    assert [row["week_label"] for row in line_rows] == ["02 Nov"]  # whole weeks only
    partial_points = [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "point" and layer["mark"].get("opacity", 1) < 1
    ]
    [lighter] = partial_points
    rows = spec["datasets"][lighter["data"]["name"]]
    assert [(row["week_label"], row["service_level"]) for row in rows] == [("09 Nov", 0.7)]
    [labels] = layers["text"]
    assert [row["partial_label"] for row in labels] == ["3 of 7 days"]
    assert "3 of its 7 days" in spec["description"]  # read out to a screen reader too


def test_an_agents_trend_sits_beside_the_team_median() -> None:
    frame = weekly().assign(
        team_agents=[5, 5],
        team_service_level=[0.85, 0.8],
        team_resolution_rate=[0.7, 0.7],
        team_csat=[0.8, None],
    )
    spec = charts.agent_trend_panels(frame, TARGETS, "Ana")[0].to_dict()
    layers = layers_by_mark(spec, spec)
    [line_rows] = layers["line"]
    assert [(r["series"], r["value"]) for r in line_rows] == [("Ana", 0.81), ("Team median", 0.85)]
    [line] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert line["encoding"]["color"]["scale"]["domain"] == ["Ana", "Team median"]
    assert line["encoding"]["color"]["legend"]["symbolType"] == "stroke"  # solid and dotted
    [labels] = layers["text"]
    assert [(r["series"], r["partial_label"]) for r in labels] == [("Ana", "3 of 7 days")]


def test_rate_axes_run_from_a_baseline_that_shows_the_target_and_the_size_of_a_change() -> None:
    # Resolution between 74.8% and 76.0% against a 75% target: once drawn from 74.8% to 76.0%,
    # a one-point move filled the chart.
    flat = weekly().assign(resolution_rate=[0.748, 0.760], days=[7, 7])
    spec = charts.weekly_trend_panels(flat, TARGETS)[1].to_dict()
    [line] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    low, high = line["encoding"]["y"]["scale"]["domain"]
    assert (low, high) == (0.5, 1.0)  # the target 75% with 25 points under it, up to 100%
    assert (0.760 - 0.748) / (high - low) < 0.03  # the move is 2.4% of the height
    # A value further down moves the baseline down in steps of ten points.
    assert charts.rate_axis_domain([0.42, 0.9], 0.8) == (0.4, 1.0)
    assert charts.rate_axis_domain([0.99], 0.1) == (0.0, 1.0)


def specs_of_every_chart() -> list[dict]:
    ratings = pd.DataFrame(
        {
            "scale": ["1-5", "good/bad"],
            "rating": ["5", "bad"],
            "good": [True, False],
            "ratings": [4, 1],
            "share": [1.0, 1.0],
        }
    )
    agent = weekly().assign(
        team_service_level=[0.85, 0.8], team_resolution_rate=[0.7, 0.7], team_csat=[0.8, 0.8]
    )
    panels = [
        *charts.weekly_trend_panels(weekly(), TARGETS),
        *charts.agent_trend_panels(agent, TARGETS, "Ana"),
        *charts.wait_distribution_panels(waits()),
        *charts.rating_distribution_panels(ratings),
        charts.contacts_by_hour_chart(by_hour()),
    ]
    return [panel.to_dict() for panel in panels]


def fixed_widths(spec: object) -> list[object]:
    """Every width in a spec that is not "container": a panel drawn that wide whatever the
    screen, and side by side with others, runs off a phone or a zoomed window."""
    if isinstance(spec, dict):
        found = [spec["width"]] if "width" in spec and spec["width"] != "container" else []
        return found + [
            w for key, value in spec.items() if key != "datasets" for w in fixed_widths(value)
        ]
    if isinstance(spec, list):
        return [w for item in spec for w in fixed_widths(item)]
    return []


def test_every_chart_follows_the_width_it_is_given() -> None:
    for spec in specs_of_every_chart():
        assert spec["width"] == "container", spec.get("title")
        # Only the width fits the column: fitting the height too (Streamlit's default) would
        # squeeze the plot into what the title and axes leave of it.
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}, spec.get("title")
        assert not fixed_widths(spec), spec.get("title")
        assert not {"hconcat", "vconcat", "concat", "facet"} & set(spec)  # one view each


def waits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": ["phone", "phone", "chat"],
            "bucket": [0, 4, 0],
            "label": ["0 s–8 s", "30 s–45 s", "0 s–15 s"],
            "within": [True, False, True],
            "contacts": [3, 1, 2],
            "share": [0.75, 0.25, 1.0],
        }
    )


def by_hour() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "weekday": [1, 3],
            "weekday_name": ["Monday", "Wednesday"],
            "hour": [10, 11],
            "offered": [4, 2],
            "answered_within": [3, 2],
            "service_level": [0.75, 1.0],
            "abandoned": [0, 0],
        }
    )


def test_wait_buckets_say_in_words_which_are_within_the_standard() -> None:
    phone, chat = (panel.to_dict() for panel in charts.wait_distribution_panels(waits()))
    rows = next(iter(phone["datasets"].values()))
    assert [(r["label"], r["standard"]) for r in rows] == [
        ("0 s–8 s", "within the standard"),
        ("30 s–45 s", "beyond the standard"),
    ]
    assert phone["encoding"]["x"]["sort"] == {"field": "bucket"}
    assert (phone["title"], chat["title"]) == ("Phone", "Chat")


def test_ratings_read_upright_on_one_panel_per_scale() -> None:
    ratings = pd.DataFrame(
        {
            "scale": ["1-5", "good/bad"],
            "rating": ["5", "bad"],
            "good": [True, False],
            "ratings": [4, 1],
            "share": [1.0, 1.0],
        }
    )
    stars, good_bad = (panel.to_dict() for panel in charts.rating_distribution_panels(ratings))
    rows = next(iter(stars["datasets"].values()))
    assert [(r["rating"], r["counts"]) for r in rows] == [("5", "counts as good")]
    assert (stars["title"], good_bad["title"]) == ("1–5 stars", "Good / bad")
    assert stars["encoding"]["x"]["axis"]["labelAngle"] == 0  # digits upright, not turned 90°


def test_the_heat_map_labels_every_weekday() -> None:
    spec = charts.contacts_by_hour_chart(by_hour()).to_dict()
    assert spec["mark"]["type"] == "rect"
    y = spec["encoding"]["y"]
    assert y["scale"]["domain"] == WEEKDAYS  # all seven rows, even a day without contacts
    assert y["axis"]["labelOverlap"] is False  # no label dropped to make room
    assert spec["height"]["step"] >= 20  # a row is taller than its label


def test_file_names() -> None:
    # Customer text is shown through training_app/components/text.py, tested on its own.
    assert file_slug("Marija Šimić", "agent-4") == "marija-simic"
    assert file_slug("יעל כהן", "agent-4") == "agent-4"


def test_status_cells_are_coloured_and_keep_their_words() -> None:
    from training_app.components.performance_tables import (
        STATUS_COLOURS,
        coloured_statuses,
        status_text,
    )

    too_few = status_text("insufficient", 12, 30)
    assert too_few == "… too few contacts (12 of 30)"
    assert status_text("insufficient", 40, 30, "ratings") == "… no ratings"  # judged, unrated
    table = pd.DataFrame(
        {
            "Agent": ["Ana", "Ben"],
            "Status": [status_text("below", 40, 30), too_few],
            "SL vs target": ["▼ below", too_few],
            "Resolution vs target": ["✓ meets", too_few],
            "CSAT vs target": ["✓ meets", too_few],
        }
    )
    html = coloured_statuses(table).to_html()
    assert STATUS_COLOURS["▼"].split(";")[0] in html
    assert STATUS_COLOURS["…"].split(";")[0] in html
    assert "✓ meets" in html and "▼ below" in html and too_few in html  # words beside colour
