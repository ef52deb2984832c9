"""Tables and tiles of the performance pages: the metric frame renamed and ordered for people,
numbers kept as numbers so the table sorts; status in words with a symbol, so it reads without
colour; a number under the policy's minimum sample says so; changes of rates in points."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from metrics.performance.agents import DEFINITIONS, TeamMedians
from modules.policy import Standards
from training_app.components.formatting import (
    MISSING,
    NO_CHANGE,
    is_missing,
    percent,
    points_change,
    seconds,
    too_few,
)
from training_app.components.text import md
from training_app.csv_writer import frame_csv

STATUS_TEXT = {
    "meets": "✓ meets",
    "below": "▼ below",
    "insufficient": "… too few contacts",
}
INSUFFICIENT = "…"  # the symbol before whatever says why a number is not judged
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
# Why a rate of the agent table can read "–", said in its column's help.
NO_RATE = {
    "First-contact resolution": "the agent resolved no contacts in these dates",
    "CSAT": "no customer rated the agent's contacts in these dates",
    "Mean rating (1–5)": "no ratings on the 1–5 scale in these dates",
}


def status_text(status: str, handled: int, minimum: int, missing: str = "contacts") -> str:
    """A status in words with its symbol. Not judged: under the policy's minimum, "… too few
    contacts (12 of 30)"; with enough contacts but no rate (no ratings), "… no ratings"."""
    if status != "insufficient":
        return STATUS_TEXT[status]
    if handled < minimum:
        return f"{INSUFFICIENT} {too_few(handled, minimum)}"
    return f"{INSUFFICIENT} no {missing}"


def agent_table(frame: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """The per-agent metric frame as the table supervisors read; `minimum` is the policy's
    `standards.min_contacts`."""
    table = frame[list(AGENT_TABLE)].copy()
    handled = frame["handled"].tolist()
    for column, missing in (
        ("status", "contacts"),
        ("status_service_level", "contacts"),
        ("status_resolution_rate", "contacts"),
        ("status_csat", "ratings"),
    ):
        table[column] = [
            status_text(status, n, minimum, missing)
            for status, n in zip(table[column], handled, strict=True)
        ]
    return table.rename(columns=AGENT_TABLE)


STATUS_COLOURS = {
    STATUS_TEXT["meets"][0]: "background-color: #e6f4ea; color: #1e4620",
    STATUS_TEXT["below"][0]: "background-color: #fdecea; color: #7f1d1d",
    INSUFFICIENT: "background-color: #f1f3f4; color: #3c4043",
}
STATUS_COLUMNS: list[Hashable] = [
    "Status",
    "SL vs target",
    "Resolution vs target",
    "CSAT vs target",
]


def coloured_statuses(table: pd.DataFrame) -> Styler:
    """The agent table with its status cells coloured by their symbol; the words and symbols
    stay, so it reads the same in grey print or to a screen reader."""
    return table.style.map(
        lambda text: STATUS_COLOURS.get(str(text)[:1], ""), subset=STATUS_COLUMNS
    )


def agent_table_config() -> dict[str, Any]:
    def rate(column: str) -> Any:
        reason = NO_RATE.get(column)
        return st.column_config.NumberColumn(
            format="percent", help=f"{md(MISSING)}: {md(reason)}." if reason else None
        )

    return {
        "Service level": rate("Service level"),
        "Resolution": rate("Resolution"),
        "First-contact resolution": rate("First-contact resolution"),
        "CSAT": rate("CSAT"),
        "Mean rating (1–5)": st.column_config.NumberColumn(
            format="%.2f", help=f"{md(MISSING)}: {md(NO_RATE['Mean rating (1–5)'])}."
        ),
        "Median wait (s)": st.column_config.NumberColumn(format="%.0f"),
        "p90 wait (s)": st.column_config.NumberColumn(format="%.0f"),
    }


def show_definitions() -> None:
    """Every number's definition, one click away."""
    with st.expander("How these numbers are worked out"):
        for name, text in DEFINITIONS.items():
            st.markdown(f"**{md(name)}.** {md(text)}")


def csv_download(
    frame: pd.DataFrame, label: str, file_name: str, *, key: str | None = None
) -> None:
    """A download button for a table as CSV (UTF-8, with the column names as shown), written by
    the one CSV writer, which keeps imported text from running as a spreadsheet formula. `key`
    where two buttons on a page could offer the same file name."""
    st.download_button(
        md(label),
        frame_csv(frame),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key or f"download-{file_name}",
    )


def standing_tiles(mine: dict[str, object], team: TeamMedians, standards: Standards) -> None:
    """One agent's service level, resolution, CSAT and median wait, each against the policy's
    target and the team median (or, where it is withheld from an agent, "team median hidden"),
    with n beside every rate; under the policy's minimum, the tile says so instead of a status."""
    handled = int(mine["handled"])  # type: ignore[call-overload]
    ratings = int(mine["ratings"])  # type: ignore[call-overload]
    minimum = standards.min_contacts
    rows = [
        ("Service level", "service_level", standards.service_level_target, "contacts"),
        ("Resolution", "resolution_rate", standards.resolution_target, "contacts"),
        ("CSAT", "csat", standards.csat_target, "ratings"),
    ]
    tiles = st.columns(len(rows) + 1)
    for tile, (label, key, target, missing) in zip(tiles, rows, strict=False):
        n = f"n = {ratings:d} ratings" if key == "csat" else f"n = {handled:d} handled"
        status = status_text(str(mine.get(f"status_{key}")), handled, minimum, missing)
        median = (
            "team median hidden" if key in team.hidden else f"team median {percent(team.get(key))}"
        )
        tile.metric(
            f"{md(label)} (target {target:.0%})",
            percent(mine[key]),
            help=f"{md(n)}. {md(median.capitalize())}."
            + (f" {md(NO_VALUE)}" if is_missing(mine[key]) else ""),
        )
        tile.caption(f"{md(status)} · {md(median)} · {md(n)}")
    team_wait = team.get("wait_median_s")
    tiles[-1].metric("Median wait", seconds(mine["wait_median_s"]))
    if "wait_median_s" in team.hidden:
        team_text = "Team median hidden"
    else:
        team_text = f"Team median {seconds(team_wait)}"
    tiles[-1].caption(f"{md(team_text)} · n = {handled:d}")


NO_VALUE = f"{MISSING}: no rate, as nothing was counted for it in these dates."


def team_rate_tile(
    tile: Any,
    label: str,
    rate: float | None,
    n: int,
    before: tuple[float | None, int],
    minimum: int,
    *,
    definition: str,
    noun: str = "contacts",
    lower_is_better: bool = False,
) -> None:
    """A team's rate with its change from the period before in points ("no change" when it
    rounds to zero). Under the policy's minimum sample (`n` of its `noun`, in either period)
    the tile says so instead of a change: "too few contacts (2 of 30)"."""
    previous, previous_n = before
    change = points_change(rate, previous) if n >= minimum and previous_n >= minimum else None
    explained = f"n = {n:,} {md(noun)}; {md(definition)}."
    if n >= minimum and previous_n < minimum:
        explained += (
            f" No change shown: the period before had {too_few(previous_n, minimum, noun)}."
        )
    if rate is None:
        explained += f" {md(NO_VALUE)}"
    tile.metric(
        md(label),
        percent(rate),
        change,
        delta_color="off" if change == NO_CHANGE else "inverse" if lower_is_better else "normal",
        delta_arrow="off" if change == NO_CHANGE else "auto",
        help=explained,
    )
    if n < minimum:
        tile.caption(too_few(n, minimum, noun))
