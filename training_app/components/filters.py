"""The performance filters (dates, team, channel), kept in the session so they stay the same
when moving between performance pages.

The dates are two text fields, From and To, that apply as soon as a whole date is typed (after
a typing pause of a quarter of a second), and a Quick choice of named ranges. Streamlit's date
field (1.67) applies a typed date only once its calendar is closed, so a date typed into it
seemed to do nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import streamlit as st

from metrics.people import Team, Viewer
from metrics.performance.period import DEFAULT_PERIOD_NAME, Period, default_period
from modules.policy import CHANNELS, Channel
from training_app.components.formatting import MISSING
from training_app.components.text import md

FILTERS_KEY = "performance_period"
QUICK_KEY = "performance_quick_dates"
FROM_KEY = "performance_from"
TO_KEY = "performance_to"
DATE_FORMAT = "%d.%m.%Y"  # how the fields write a date: 02.11.2026
# A whole date, as people here write it (02.11.2026) or in ISO 8601 (2026-11-02); the browser
# submits nothing else, so a half-typed date is never applied.
WHOLE_DATE = r"^\s*(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*$"
DATE_HINT = "Type a date as DD.MM.YYYY, such as 02.11.2026."
TYPING_PAUSE = "250ms"  # a date applies this long after the last key typed


def parse_typed_date(text: str) -> date:
    """A date typed as DD.MM.YYYY or YYYY-MM-DD; ValueError naming the text otherwise."""
    typed = text.strip()
    for pattern in (DATE_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{typed}” is not a date. {DATE_HINT}")


def typed_dates(
    typed_from: str, typed_to: str, first: date, last: date
) -> tuple[date, date, str | None]:
    """The dates typed, as a start and an end within the stored days `first` to `last`, and a
    line to show: what is wrong (the dates are then None) or how they were cut to the store."""
    start, end = parse_typed_date(typed_from), parse_typed_date(typed_to)
    if end < start:
        raise ValueError(
            f"The dates end ({end:%d.%m.%Y}) before they start ({start:%d.%m.%Y}): "
            "type the earlier date in From."
        )
    cut_start, cut_end = max(start, first), min(end, last)
    if cut_start > cut_end:
        raise ValueError(
            f"No contacts are stored from {start:%d.%m.%Y} to {end:%d.%m.%Y}: the store holds "
            f"{first:%d.%m.%Y} to {last:%d.%m.%Y}."
        )
    note = None
    if (cut_start, cut_end) != (start, end):
        note = (
            f"Contacts are stored from {first:%d.%m.%Y} to {last:%d.%m.%Y}, so the dates shown "
            f"are {cut_start:%d.%m.%Y} to {cut_end:%d.%m.%Y}."
        )
    return cut_start, cut_end, note


def quick_dates(first: date, last: date) -> dict[str, tuple[date, date]]:
    """Date ranges people ask for by name, within the stored days: the default period, then
    each calendar month from the newest (the first and last months cut to the stored days)."""
    default = default_period(last, first)
    choices = {DEFAULT_PERIOD_NAME: (default.start, default.end)}
    month = last.replace(day=1)
    while month >= first.replace(day=1):
        following = (month + timedelta(days=32)).replace(day=1)
        choices[f"{month:%B %Y}"] = (max(month, first), min(following - timedelta(days=1), last))
        month = (month - timedelta(days=1)).replace(day=1)
    return choices


def _write_dates(start: date, end: date) -> None:
    st.session_state[FROM_KEY] = f"{start:{DATE_FORMAT}}"
    st.session_state[TO_KEY] = f"{end:{DATE_FORMAT}}"


def _carry_over(*keys: str) -> None:
    for key in keys:
        st.session_state[key] = st.session_state[key]


def performance_filters(
    viewer: Viewer,
    teams: list[Team],
    days: tuple[date, date],
    *,
    show_team: bool = True,
    show_channel: bool = True,
) -> Period:
    """Draw the filters and return the period they select (and remember it). Without
    `show_team` (one agent's page) the team filter is neither drawn nor changed; without
    `show_channel` (an agent's own page) neither is the channel."""
    first, last = days
    quick = quick_dates(first, last)
    saved: Period = st.session_state.get(FILTERS_KEY) or default_period(last, first)

    def apply_quick_choice() -> None:
        name = st.session_state[QUICK_KEY]
        if name is not None:
            start, end = quick[name]
            current: Period = st.session_state.get(FILTERS_KEY) or default_period(last, first)
            st.session_state[FILTERS_KEY] = replace(current, start=start, end=end)
            _write_dates(start, end)
            st.session_state[QUICK_KEY] = None  # the dates now say what was chosen

    if FROM_KEY not in st.session_state or TO_KEY not in st.session_state:
        _write_dates(max(saved.start, first), min(saved.end, last))
    else:
        # What a field holds belongs to the page that drew it, and each page draws its own:
        # handed on as if set here, the text typed on one page is what the next one shows.
        _carry_over(FROM_KEY, TO_KEY)
    widths = [1, 1, 1.3] + ([1.2] if show_team else []) + ([1] if show_channel else [])
    from_col, to_col, quick_col, *others = st.columns(widths, vertical_alignment="bottom")
    typed_from = from_col.text_input(
        "From (queued, local time)",
        key=FROM_KEY,
        placeholder="DD.MM.YYYY",
        validate=(WHOLE_DATE, DATE_HINT),
        live=TYPING_PAUSE,
        help=f"The first day counted. {DATE_HINT} It applies as soon as it is whole.",
    )
    typed_to = to_col.text_input(
        "To",
        key=TO_KEY,
        placeholder="DD.MM.YYYY",
        validate=(WHOLE_DATE, DATE_HINT),
        live=TYPING_PAUSE,
        help=f"The last day counted. {DATE_HINT} It applies as soon as it is whole.",
    )
    quick_col.selectbox(
        "Quick choice",
        list(quick),
        index=None,
        placeholder="Choose dates…",
        key=QUICK_KEY,
        on_change=apply_quick_choice,
    )
    team_id = saved.team_id
    if show_team:
        team_col = others.pop(0)
        if viewer.role == "owner":
            names = {team.id: team.name for team in teams}
            options: list[int | None] = [None, *names]
            team_id = team_col.selectbox(
                "Team",
                options,
                index=options.index(team_id) if team_id in options else 0,
                format_func=lambda t: "All teams" if t is None else names[t],
            )
        else:
            team_col.markdown(f"**Team**  \n{md(teams[0].name if teams else MISSING)}")
            team_id = viewer.team_id
    channel = saved.channel
    if show_channel:
        channels: list[Channel | None] = [None, *CHANNELS]
        channel = others.pop(0).selectbox(
            "Channel",
            channels,
            index=channels.index(saved.channel),
            format_func=lambda c: "All channels" if c is None else str(c).capitalize(),
        )
    start, end = saved.start, saved.end
    try:
        start, end, note = typed_dates(typed_from or "", typed_to or "", first, last)
    except ValueError as problem:
        st.error(md(problem))  # the page keeps the dates it showed
    else:
        if note:
            st.caption(md(note))
    period = Period(start=start, end=end, team_id=team_id, channel=channel)
    st.session_state[FILTERS_KEY] = period
    return period
