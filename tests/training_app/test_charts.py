"""The chart builders produce the Vega-Lite a browser draws: checked through `to_dict()`."""

from __future__ import annotations

from datetime import date

import pandas as pd

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


def test_weekly_trends_draw_each_rate_against_its_target() -> None:
    spec = charts.weekly_trend_chart(weekly(), TARGETS).to_dict()
    panels = spec["hconcat"]
    assert [p["title"] for p in panels] == [
        "Service level (target 80%)",
        "Resolution (target 75%)",
        "CSAT (target 85%)",
    ]
    line, rule = panels[0]["layer"]
    assert line["encoding"]["y"]["field"] == "service_level"
    tooltip_fields = [t["field"] for t in line["encoding"]["tooltip"]]
    assert "offered" in tooltip_fields  # n on every point
    assert line["encoding"]["x"]["field"] == "week_label"  # a point on each Monday
    points = spec["datasets"][line["data"]["name"]]
    assert [p["week_label"] for p in points] == ["02 Nov", "09 Nov"]
    assert rule["mark"]["strokeDash"] == charts.TARGET_DASH
    assert [d["target"] for d in spec["datasets"][rule["data"]["name"]]] == [0.8]


def test_an_agents_trend_sits_beside_the_team_median() -> None:
    frame = weekly().assign(
        team_agents=[5, 5],
        team_service_level=[0.85, 0.8],
        team_resolution_rate=[0.7, 0.7],
        team_csat=[0.8, None],
    )
    spec = charts.agent_trend_chart(frame, TARGETS, "Ana").to_dict()
    line = spec["hconcat"][0]["layer"][0]
    rows = spec["datasets"][line["data"]["name"]]
    assert [(r["series"], r["value"]) for r in rows] == [
        ("Ana", 0.81),
        ("Ana", 0.7),
        ("Team median", 0.85),
        ("Team median", 0.8),
    ]
    assert line["encoding"]["color"]["scale"]["domain"] == ["Ana", "Team median"]


def test_wait_buckets_say_in_words_which_are_within_the_standard() -> None:
    frame = pd.DataFrame(
        {
            "channel": ["phone", "phone"],
            "bucket": [0, 4],
            "label": ["0 s–8 s", "30 s–45 s"],
            "within": [True, False],
            "contacts": [3, 1],
            "share": [0.75, 0.25],
        }
    )
    spec = charts.wait_distribution_chart(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["label"], r["standard"]) for r in rows] == [
        ("0 s–8 s", "within the standard"),
        ("30 s–45 s", "beyond the standard"),
    ]
    assert spec["spec"]["encoding"]["x"]["sort"] == {"field": "bucket"}
    assert spec["facet"]["field"] == "channel"


def test_ratings_and_contacts_by_hour() -> None:
    ratings = pd.DataFrame(
        {
            "scale": ["1-5", "good/bad"],
            "rating": ["5", "bad"],
            "good": [True, False],
            "ratings": [4, 1],
            "share": [1.0, 1.0],
        }
    )
    rows = next(iter(charts.rating_distribution_chart(ratings).to_dict()["datasets"].values()))
    assert [(r["scale"], r["counts"]) for r in rows] == [
        ("1–5 stars", "counts as good"),
        ("Good / bad", "does not count as good"),
    ]
    by_hour = pd.DataFrame(
        {
            "weekday": [1],
            "weekday_name": ["Monday"],
            "hour": [10],
            "offered": [4],
            "answered_within": [3],
            "service_level": [0.75],
            "abandoned": [0],
        }
    )
    spec = charts.contacts_by_hour_chart(by_hour).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["y"]["sort"][0] == "Monday"


def test_file_names() -> None:
    # Customer text is shown through training_app/components/text.py, tested on its own.
    assert file_slug("Marija Šimić", "agent-4") == "marija-simic"
    assert file_slug("יעל כהן", "agent-4") == "agent-4"


def test_status_cells_are_coloured_and_keep_their_words() -> None:
    from training_app.components.performance_tables import STATUS_COLOURS, coloured_statuses

    table = pd.DataFrame(
        {
            "Agent": ["Ana", "Ben"],
            "Status": ["✓ meets", "… too few contacts"],
            "SL vs target": ["▼ below", "… too few contacts"],
            "Resolution vs target": ["✓ meets", "… too few contacts"],
            "CSAT vs target": ["✓ meets", "… too few contacts"],
        }
    )
    html = coloured_statuses(table).to_html()
    assert STATUS_COLOURS["▼ below"].split(";")[0] in html
    assert "✓ meets" in html and "▼ below" in html  # the words stay beside the colour
