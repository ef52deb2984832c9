"""The performance filters (dates, team, channel), kept in the session so they stay the same
when moving between performance pages."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from metrics.people import Team, Viewer
from metrics.performance.period import Period
from modules.policy import CHANNELS, Channel
from training_app.components.text import md

FILTERS_KEY = "performance_period"
QUICK_KEY = "performance_quick_dates"
DEFAULT_DAYS = 28  # four whole weeks: every weekday equally often


def quick_dates(first: date, last: date) -> dict[str, tuple[date, date]]:
    """Date ranges people ask for by name, within the stored days: the last four weeks, then
    each calendar month from the newest (the first and last months cut to the stored days)."""
    choices = {
        f"Last {DEFAULT_DAYS} days": (max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last)
    }
    month = last.replace(day=1)
    while month >= first.replace(day=1):
        following = (month + timedelta(days=32)).replace(day=1)
        choices[f"{month:%B %Y}"] = (max(month, first), min(following - timedelta(days=1), last))
        month = (month - timedelta(days=1)).replace(day=1)
    return choices


def default_period(last_day: date) -> Period:
    return Period(start=last_day - timedelta(days=DEFAULT_DAYS - 1), end=last_day)


def performance_filters(
    viewer: Viewer, teams: list[Team], days: tuple[date, date], *, show_team: bool = True
) -> Period:
    """Draw the filters and return the period they select (and remember it). Without
    `show_team` (one agent's page) the team filter is neither drawn nor changed."""
    first, last = days
    quick = quick_dates(first, last)

    def apply_quick_choice() -> None:
        name = st.session_state[QUICK_KEY]
        if name is not None:
            start, end = quick[name]
            current: Period = st.session_state.get(FILTERS_KEY) or default_period(last)
            st.session_state[FILTERS_KEY] = current.model_copy(update={"start": start, "end": end})
            st.session_state[QUICK_KEY] = None  # the dates below now say what was chosen

    dates_col, quick_col, team_col, channel_col = st.columns([2, 1.2, 1, 1])
    quick_col.selectbox(
        "Quick choice",
        list(quick),
        index=None,
        placeholder="Choose dates…",
        key=QUICK_KEY,
        on_change=apply_quick_choice,
    )
    saved: Period = st.session_state.get(FILTERS_KEY) or default_period(last)
    chosen = dates_col.date_input(
        "Dates (queued, local time)",
        value=(max(saved.start, first), min(saved.end, last)),
        min_value=first,
        max_value=last,
        format="DD.MM.YYYY",
    )
    team_id = saved.team_id
    if not show_team:
        team_col.empty()
    elif viewer.role == "owner":
        names = {team.id: team.name for team in teams}
        options: list[int | None] = [None, *names]
        team_id = team_col.selectbox(
            "Team",
            options,
            index=options.index(team_id) if team_id in options else 0,
            format_func=lambda t: "All teams" if t is None else names[t],
        )
    else:
        team_col.markdown(f"**Team**  \n{md(teams[0].name) if teams else '—'}")
        team_id = viewer.team_id
    channels: list[Channel | None] = [None, *CHANNELS]
    channel = channel_col.selectbox(
        "Channel",
        channels,
        index=channels.index(saved.channel),
        format_func=lambda c: "All channels" if c is None else str(c).capitalize(),
    )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        start, end = chosen
    else:  # the second date of a range is still being picked
        start, end = saved.start, saved.end
    period = Period(start=start, end=end, team_id=team_id, channel=channel)
    st.session_state[FILTERS_KEY] = period
    return period
