"""The one table layout: heights, widths and pinning worked out on small frames."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from training_app.components.tables import (
    ROW_HEIGHT_PX,
    TABLE_MAX_HEIGHT_PX,
    TABLE_MAX_ROWS,
    WRAPPED_ROW_HEIGHT_PX,
    header_px,
    table_layout,
    text_px,
)


def agents(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Agent": [f"Agent {n}" for n in range(rows)],
            "First-contact resolution": [0.5] * rows,
            "Status": ["… too few contacts (12 of 30)"] * rows,
        }
    )


def test_a_team_of_18_shows_every_row_and_a_long_list_stops_at_the_limit() -> None:
    # 18 rows of 35 px under a 35 px heading, and the 2 px of the border: all of them show.
    assert table_layout(agents(18)).height == 35 + 18 * 35 + 2
    assert table_layout(agents(TABLE_MAX_ROWS)).height == TABLE_MAX_HEIGHT_PX
    assert table_layout(agents(40)).height == TABLE_MAX_HEIGHT_PX  # scrolls inside itself
    assert table_layout(agents(0)).height == ROW_HEIGHT_PX + 2


def test_every_heading_shows_whole_and_the_first_column_is_pinned() -> None:
    layout = table_layout(
        agents(3), {"First-contact resolution": st.column_config.NumberColumn(format="percent")}
    )
    config = layout.column_config
    for label in ("Agent", "First-contact resolution", "Status"):
        assert config[label]["width"] >= header_px(label), label
    assert config["Status"]["width"] >= text_px("… too few contacts (12 of 30)")  # its cells
    assert config["Agent"]["pinned"] is True
    assert not config["Status"].get("pinned")
    assert config["First-contact resolution"]["type_config"]["format"] == "percent"  # kept


def test_a_label_sizes_its_column_and_a_hidden_column_stays_hidden() -> None:
    frame = pd.DataFrame({"agent_id": [1], "name": ["Ana"], "handled_before": [3]})
    config = table_layout(
        frame,
        {"agent_id": None, "handled_before": "Handled in the period before (n)"},
        pinned="name",
    ).column_config
    assert config["agent_id"] is None
    assert config["handled_before"]["width"] >= header_px("Handled in the period before (n)")
    assert config["name"]["pinned"] is True


def test_long_text_wraps_where_the_page_asks() -> None:
    reasons = pd.DataFrame(
        {
            "Row": [2, 3],
            "Reason": [
                "too short",
                "channel must be one of phone, chat, email or social; 'fax' is none of them",
            ],
        }
    )
    layout = table_layout(reasons, wrap=["Reason"])
    assert layout.row_height == WRAPPED_ROW_HEIGHT_PX > 64  # Streamlit wraps only over 64 px
    assert layout.height == 35 + 2 * WRAPPED_ROW_HEIGHT_PX + 2
    short = table_layout(reasons.head(1), wrap=["Reason"])
    assert short.row_height == ROW_HEIGHT_PX  # nothing to wrap: one line a row


def test_a_column_with_gaps_says_what_the_dash_means() -> None:
    frame = pd.DataFrame({"Module": ["Policy"], "Best score": [None]})
    config = table_layout(frame).column_config
    assert "–" in config["Best score"]["help"]
    assert not config["Module"].get("help")
