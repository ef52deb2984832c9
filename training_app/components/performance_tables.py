"""Tables of the performance pages: the metric frame renamed and ordered for people, numbers
kept as numbers so the table sorts; status in words with a symbol, so it reads without colour."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from metrics.performance import DEFINITIONS

STATUS_TEXT = {
    "meets": "✓ meets",
    "below": "▼ below",
    "insufficient": "… too few contacts",
}
AGENT_TABLE = {
    "name": "Agent",
    "team": "Team",
    "status": "Status",
    "handled": "Handled (n)",
    "service_level": "Service level",
    "status_service_level": "SL vs target",
    "resolution_rate": "Resolution",
    "status_resolution_rate": "Resolution vs target",
    "resolved": "Resolved (n)",
    "fcr_rate": "First-contact resolution",
    "ratings": "Ratings (n)",
    "csat": "CSAT",
    "status_csat": "CSAT vs target",
    "csat_mean": "Mean rating (1–5)",
    "wait_median_s": "Median wait (s)",
    "wait_p90_s": "p90 wait (s)",
}


def agent_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The per-agent metric frame as the table supervisors read."""
    table = frame[list(AGENT_TABLE)].copy()
    for column in ("status", "status_service_level", "status_resolution_rate", "status_csat"):
        table[column] = table[column].map(STATUS_TEXT)
    return table.rename(columns=AGENT_TABLE)


def agent_table_config() -> dict[str, Any]:
    percent = st.column_config.NumberColumn(format="percent")
    return {
        "Service level": percent,
        "Resolution": percent,
        "First-contact resolution": percent,
        "CSAT": percent,
        "Mean rating (1–5)": st.column_config.NumberColumn(format="%.2f"),
        "Median wait (s)": st.column_config.NumberColumn(format="%.0f"),
        "p90 wait (s)": st.column_config.NumberColumn(format="%.0f"),
    }


def show_definitions() -> None:
    """Every number's definition, one click away."""
    with st.expander("How these numbers are worked out"):
        for name, text in DEFINITIONS.items():
            st.markdown(f"**{name}.** {text}")
