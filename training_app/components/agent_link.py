"""Opening one agent's performance page from a list of agents, and reading which agent it is
for. The agent travels in the URL (`?agent=ID`) so the page can be reloaded or bookmarked, and
in the session for the first run after the switch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from training_app.components.tables import show_table
from training_app.components.text import md

AGENT_PAGE = "app_pages/agent_performance.py"
AGENT_KEY = "performance_agent"
OPEN_KEY = "performance_open_agent"


def open_agent_page(agent_id: int) -> NoReturn:
    st.session_state[AGENT_KEY] = agent_id
    st.switch_page(AGENT_PAGE, query_params={"agent": str(agent_id)})


def chosen_agent() -> int | None:
    """The agent the page is for: from the URL, else from the session; None if neither."""
    raw = st.query_params.get("agent")
    if raw is not None and raw.isdigit():
        return int(raw)
    chosen = st.session_state.get(AGENT_KEY)
    return chosen if isinstance(chosen, int) else None


def selectable_agent_table(
    table: pd.DataFrame | Styler,
    agent_ids: pd.Series,
    key: str,
    column_config: Mapping[str, Any] | None = None,
) -> None:
    """A table of agents (row n is agent `agent_ids[n]`, its first column their name, pinned)
    where choosing a row opens that agent's page."""

    def remember_choice() -> None:
        rows = st.session_state[key].selection.rows
        if rows:
            st.session_state[OPEN_KEY] = int(agent_ids.iloc[rows[0]])

    show_table(
        table,
        column_config,
        key=key,
        on_select=remember_choice,
        selection_mode="single-row",
    )
    # A switch inside the callback would be ignored: it happens here, on the rerun it causes.
    chosen = st.session_state.pop(OPEN_KEY, None)
    if chosen is not None:
        open_agent_page(chosen)


def agent_picker(agents: pd.DataFrame, label: str = "Open an agent's page") -> None:
    """A select box and button to open an agent's page (for keyboards, and longer lists);
    `agents` has `agent_id` and `name`."""
    if agents.empty:
        return
    names = dict(zip(agents["agent_id"].astype(int), agents["name"], strict=True))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    # Options are shown as typed (a select box reads no Markdown); its label is Markdown.
    agent_id = left.selectbox(md(label), list(names), format_func=lambda i: names[i])
    if right.button("Open", icon=":material/person_search:", key=f"open-{label}"):
        open_agent_page(int(agent_id))
