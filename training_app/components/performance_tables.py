"""Tables of the performance pages: the metric frame renamed and ordered for people, numbers
kept as numbers so the table sorts; status in words with a symbol, so it reads without colour."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from metrics.performance.agents import DEFINITIONS, TeamMedians
from modules.policy import Standards
from training_app.components.formatting import percent
from training_app.components.text import md
from training_app.csv_writer import frame_csv

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


STATUS_COLOURS = {
    STATUS_TEXT["meets"]: "background-color: #e6f4ea; color: #1e4620",
    STATUS_TEXT["below"]: "background-color: #fdecea; color: #7f1d1d",
    STATUS_TEXT["insufficient"]: "background-color: #f1f3f4; color: #3c4043",
}
STATUS_COLUMNS: list[Hashable] = [
    "Status",
    "SL vs target",
    "Resolution vs target",
    "CSAT vs target",
]


def coloured_statuses(table: pd.DataFrame) -> Styler:
    """The agent table with its status cells coloured; the words and symbols stay, so it reads
    the same in grey print or to a screen reader."""
    return table.style.map(lambda text: STATUS_COLOURS.get(text, ""), subset=STATUS_COLUMNS)


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
            st.markdown(f"**{md(name)}.** {md(text)}")


def csv_download(frame: pd.DataFrame, label: str, file_name: str) -> None:
    """A download button for a table as CSV (UTF-8, with the column names as shown), written by
    the one CSV writer, which keeps imported text from running as a spreadsheet formula."""
    st.download_button(
        md(label),
        frame_csv(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"download-{file_name}",
    )


def standing_tiles(mine: dict[str, object], team: TeamMedians, standards: Standards) -> None:
    """One agent's service level, resolution, CSAT and median wait, each against the policy's
    target and the team median (or, where it is withheld from an agent, "team median hidden"),
    with n beside every rate."""
    handled = int(mine["handled"])  # type: ignore[call-overload]
    rows = [
        (
            "Service level",
            "service_level",
            standards.service_level_target,
            f"n = {handled} handled",
        ),
        ("Resolution", "resolution_rate", standards.resolution_target, f"n = {handled} handled"),
        ("CSAT", "csat", standards.csat_target, f"n = {mine['ratings']} ratings"),
    ]
    tiles = st.columns(len(rows) + 1)
    for tile, (label, key, target, n) in zip(tiles, rows, strict=False):
        status = mine.get(f"status_{key}")
        median = (
            "team median hidden" if key in team.hidden else f"team median {percent(team.get(key))}"
        )
        tile.metric(
            f"{md(label)} (target {target:.0%})",
            percent(mine[key]),
            help=f"{md(n)}. {md(median.capitalize())}.",
        )
        tile.caption(f"{md(STATUS_TEXT.get(str(status), ''))} · {md(median)} · {md(n)}")
    wait = mine["wait_median_s"]
    team_wait = team.get("wait_median_s")
    tiles[-1].metric("Median wait", f"{float(wait):.0f} s")  # type: ignore[arg-type]
    if "wait_median_s" in team.hidden:
        team_text = "Team median hidden"
    else:
        team_text = "Team median " + ("–" if team_wait is None else f"{team_wait:.0f} s")
    tiles[-1].caption(f"{md(team_text)} · n = {handled:d}")
