"""The monthly recognition report on the Recognition page: a month picker, the report's tables
(n and interval beside every figure), and for owners the PDF and CSV downloads."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics.coaching import recognition_report as report
from metrics.people import Viewer
from training_app import data
from training_app.components.performance_tables import csv_download
from training_app.components.tables import show_table
from training_app.components.text import md
from training_app.recognition_pdf import method_lines, recognition_pdf


def months_of(first: date, last: date) -> list[date]:
    """The first days of the months from `last` back to `first`, newest first."""
    months, month = [], last.replace(day=1)
    while month >= first.replace(day=1):
        months.append(month)
        month = report.month_before(month)
    return months


def default_month(months: list[date], last: date) -> int:
    """The newest whole month of data: a month still under way is not a month's report yet."""
    whole = report.month_period(last).end == last
    return 0 if whole or len(months) == 1 else 1


def _interval(low: pd.Series, high: pd.Series) -> list[str]:
    return [
        "–" if pd.isna(lo) else f"{lo:.1%} – {hi:.1%}" for lo, hi in zip(low, high, strict=True)
    ]


def _shown(frame: pd.DataFrame, *, improved: bool = False) -> pd.DataFrame:
    shown = pd.DataFrame(
        {
            "Standard": frame["standard"].map(report.STANDARD_LABELS),
            "Team": frame["team"],
            "Channel mix": frame["channel_mix"],
            "Rank": frame["rank"],
            "Agent": frame["name"],
            "Value": [f"{value:.1%}" for value in frame["value"]],
            "n": frame["n"],
            "95% interval": _interval(frame["low"], frame["high"]),
        }
    )
    if improved:
        shown["Before"] = [f"{value:.1%}" for value in frame["value_before"]]
        shown["n before"] = frame["n_before"]
        shown["95% interval before"] = _interval(frame["low_before"], frame["high_before"])
        shown["Rise of the lower end"] = [f"{change * 100:+.1f} pts" for change in frame["change"]]
    return shown


def monthly_report(viewer: Viewer, first: date, last: date) -> None:
    """The report section for contacts stored from `first` to `last` (local days)."""
    st.header("Monthly recognition report")
    months = months_of(first, last)
    month = st.selectbox(
        "Month",
        months,
        index=default_month(months, last),
        format_func=report.month_label,
        key="recognition-month",
    )
    recognition = report.monthly_report(data.db(), viewer, data.policy().policy, month)
    if recognition.demo:
        st.warning("Demo data: these figures come from the generated demo organisation.")
    for line in method_lines(recognition):
        st.caption(md(line))
    sections = [
        ("Top performers", recognition.top, False, "Nobody with enough contacts this month."),
        ("Most improved", recognition.improved, True, "Nobody ranked in both months rose."),
        (
            "Follow-up compliance",
            recognition.follow_ups,
            False,
            f"Nobody with at least {report.MIN_DUE_FOLLOW_UPS} follow-ups due this month.",
        ),
    ]
    for title, frame, improved, empty in sections:
        st.subheader(md(title))
        if frame.empty:
            st.info(md(empty))
        else:
            show_table(_shown(frame, improved=improved))
    st.subheader("Coaching goals met")
    if recognition.goals.empty:
        st.info("No coaching plan was closed this month.")
    else:
        show_table(
            recognition.goals.drop(columns=["agent_id"]).rename(
                columns={"name": "Agent", "team": "Team", "goals": "Goals", "met": "Met"}
            )
        )
    if viewer.role == "owner":
        stem = f"recognition-{month:%Y-%m}"
        organisation = data.organisation_name()
        pdf, csv = st.columns(2)
        with pdf:
            st.download_button(
                "Download the report (PDF)",
                # Drawn when clicked, not on every run of the page.
                lambda: recognition_pdf(recognition, organisation),
                file_name=f"{stem}.pdf",
                mime="application/pdf",
                icon=":material/picture_as_pdf:",
                key="recognition-pdf",
            )
        with csv:
            csv_download(
                report.report_rows(recognition), "Download the report (CSV)", f"{stem}.csv"
            )
