"""What the complaint numbers page draws: the period and team it counts, the tiles, the top
problems and the tables. The tables are pure functions from `metrics.complaints.report`'s models
to frames, tested without Streamlit; every rate is shown beside its n and its 95% interval."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from metrics.complaints.report import (
    DEFINITIONS,
    AgentNumbers,
    CompensationLine,
    ComplaintNumbers,
    Problem,
    Rate,
    TeamNumbers,
    TopProblems,
)
from metrics.people import Team, Viewer
from metrics.performance.period import Period
from training_app.components.filters import quick_dates
from training_app.components.formatting import MISSING, count, percent
from training_app.components.text import md

DATES_KEY = "complaint_numbers_dates"
OTHER_DATES = "Other dates…"
# The most recent suggestions named under each of the most significant problems; a long list
# would push the rest of the page out of reach on a phone (the table holds them all).
SUGGESTIONS_SHOWN = 5


def rate_text(rate: Rate) -> str:
    """'83% (5 of 6; 95% 44–97%)'; the dash and its n when there is no denominator."""
    if rate.value is None:
        return f"{MISSING} (n = 0)"
    return (
        f"{percent(rate.value)} ({rate.successes:d} of {rate.n:d}; "
        f"95% {percent(rate.low)}–{percent(rate.high)})"
    )


def per_1000_text(numbers: ComplaintNumbers) -> str:
    if numbers.per_1000_contacts is None:
        return f"{MISSING} (no contacts handled)"
    interval = (
        ""
        if numbers.per_1000_low is None or numbers.per_1000_high is None
        else f"; 95% {numbers.per_1000_low:.1f}–{numbers.per_1000_high:.1f}"
    )
    return (
        f"{numbers.per_1000_contacts:.1f} ({numbers.complaints:,} of "
        f"{numbers.contacts_handled:,} contacts{interval})"
    )


def hours_text(hours: float | None) -> str:
    if hours is None:
        return MISSING
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def rate_caption(rate: Rate) -> str:
    """'23 of 34 · 95% 51–81%': the n and the interval under a rate's tile."""
    if rate.n == 0 or rate.low is None or rate.high is None:
        return f"{rate.successes:d} of {rate.n:d}"
    return f"{rate.successes:d} of {rate.n:d} · 95% {percent(rate.low)}–{percent(rate.high)}"


def money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def period_choice(viewer: Viewer, teams: list[Team], days: tuple[date, date]) -> Period:
    """The dates (a named range, or two chosen dates) and, for an owner, the team. Dates are
    local dates of receipt, within the days complaints were received."""
    first, last = days
    quick = quick_dates(first, last)
    has_team = viewer.role == "owner"
    columns = st.columns([1.4, 1, 1] + ([1.2] if has_team else []), vertical_alignment="bottom")
    name = columns[0].selectbox("Dates (received, local)", [*quick, OTHER_DATES], key=DATES_KEY)
    if name == OTHER_DATES:
        start = columns[1].date_input(
            "From", value=max(first, last - timedelta(days=27)), min_value=first, max_value=last
        )
        end = columns[2].date_input("To", value=last, min_value=first, max_value=last)
    else:
        start, end = quick[name]
        columns[1].markdown(f"**From**  \n{start:%d.%m.%Y}")
        columns[2].markdown(f"**To**  \n{end:%d.%m.%Y}")
    if end < start:  # two dates chosen in the wrong order: the same dates, the right way round
        start, end = end, start
    team_id = None  # a supervisor's own team, an agent's own complaints: `metrics` narrows it
    if has_team:
        names = {team.id: team.name for team in teams}
        team_id = columns[3].selectbox(
            "Team",
            [None, *names],
            format_func=lambda t: "All teams" if t is None else names[t],
        )
    return Period(start=start, end=end, team_id=team_id)


def tiles(numbers: ComplaintNumbers, currency: str) -> None:
    """Two rows of four: the rates a supervisor acts on, then the counts around them."""
    rates = [
        ("Follow-up compliance", numbers.follow_ups, "Follow-up compliance"),
        ("Promises kept", numbers.promises_kept, "Promises kept"),
        ("Satisfied after follow-up", numbers.satisfied, "Satisfied after follow-up"),
        ("Resolved on the spot", numbers.on_the_spot, "Resolved on the spot"),
    ]
    for tile, (label, rate, definition) in zip(st.columns(len(rates)), rates, strict=True):
        tile.metric(
            md(label),
            percent(rate.value),
            help=f"n = {rate.n:d}; 95% interval {percent(rate.low)}–{percent(rate.high)}. "
            f"{md(DEFINITIONS[definition])}.",
        )
        tile.caption(md(rate_caption(rate)))
    counts = st.columns(4)
    counts[0].metric(
        "Complaints per 1,000 contacts",
        md(MISSING if numbers.per_1000_contacts is None else f"{numbers.per_1000_contacts:.1f}"),
        help=md(f"{per_1000_text(numbers)}. {DEFINITIONS['Complaints per 1,000 contacts']}."),
    )
    interval = (
        ""
        if numbers.per_1000_low is None or numbers.per_1000_high is None
        else f" · 95% {numbers.per_1000_low:.1f}–{numbers.per_1000_high:.1f}"
    )
    counts[0].caption(md(f"{numbers.complaints:,} complaints{interval}"))
    counts[1].metric(
        "Median time to resolve",
        md(hours_text(numbers.median_hours_to_resolve)),
        help=md(
            f"n = {numbers.resolved_later:d} resolved after the contact. "
            f"{DEFINITIONS['Median time to resolve']}."
        ),
    )
    counts[1].caption(
        md(f"{numbers.resolved:,} resolved, {numbers.on_the_spot.successes:,} on the spot")
    )
    counts[2].metric(
        "Repeat complaints",
        percent(numbers.repeats.value),
        help=md(f"{rate_text(numbers.repeats)}. {DEFINITIONS['Repeat complaints']}."),
    )
    counts[2].caption(md(rate_caption(numbers.repeats)))
    counts[3].metric(
        "Compensation given",
        md(money(numbers.compensation_total, currency)),
        help=md(DEFINITIONS["Compensation given"]),
    )
    counts[3].caption(md(f"{numbers.promises_broken:d} promises broken"))


def change_text(problem: Problem) -> str:
    """'+3 on the period before (5)', 'as many as the period before', 'new'."""
    difference = problem.complaints - problem.previous
    if difference == 0:
        return "as many as in the period before"
    if problem.previous == 0:
        return "none in the period before"
    return f"{difference:+d} on the period before ({problem.previous:d})"


def most_significant_lines(problems: TopProblems) -> list[str]:
    """One line per most significant category, to be shown through `md`."""
    return [
        f"{rank:d}. {problem.name}: {problem.complaints:d} complaints "
        f"({percent(problem.share)}), {change_text(problem)}"
        for rank, problem in enumerate(problems.most_significant(), start=1)
    ]


def problems_table(problems: TopProblems) -> pd.DataFrame:
    """Every category in the ranking's order, with its shares, the change and the suggestions."""
    return pd.DataFrame(
        [
            {
                "Rank": rank,
                "Category": problem.name,
                "Complaints": problem.complaints,
                "Share": percent(problem.share),
                "Cumulative share": percent(problem.cumulative_share),
                "Period before": problem.previous,
                "Change": problem.complaints - problem.previous,
                "Prevention suggested": "; ".join(problem.prevention) or MISSING,
            }
            for rank, problem in enumerate(problems.problems, start=1)
        ]
    )


def _number_columns(numbers: ComplaintNumbers) -> dict[str, Any]:
    return {
        "Complaints": numbers.complaints,
        "Contacts handled": numbers.contacts_handled,
        "Per 1,000 contacts": per_1000_text(numbers),
        "Follow-up compliance": rate_text(numbers.follow_ups),
        "Promises kept": rate_text(numbers.promises_kept),
        "Promises broken": numbers.promises_broken,
        "Satisfied after follow-up": rate_text(numbers.satisfied),
        "Resolved on the spot": rate_text(numbers.on_the_spot),
        "Median time to resolve": hours_text(numbers.median_hours_to_resolve),
        "Repeat complaints": rate_text(numbers.repeats),
        "Compensation given": numbers.compensation_total,
    }


def team_table(teams: list[TeamNumbers]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Team": t.team or "No team", **_number_columns(t.numbers)} for t in teams]
    )


def agent_table(agents: list[AgentNumbers]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Agent": a.name, "Team": a.team or MISSING, **_number_columns(a.numbers)} for a in agents]
    )


def compensation_table(lines: list[CompensationLine], heading: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{heading: line.label, "Given": count(line.given), "Total": line.total} for line in lines]
    )
