"""The service self-assessment's widgets: the answer form (owners and staff), the results table
of a round, the weakest areas with what the product offers for each, the trend chart, and
Home's prompt for staff. Builders of tables and charts are pure, tested without Streamlit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from metrics.complaints import self_assessment as rounds
from metrics.complaints.self_assessment import RoundResult
from metrics.people import Viewer
from modules.self_assessment import (
    AREAS,
    AREAS_BY_ID,
    ASSET_FROM,
    BAND_WORDS,
    HIGHEST_RATING,
    HIGHEST_TOTAL,
    LOSING_UP_TO,
    LOWEST_RATING,
    LOWEST_TOTAL,
    RATING_WORDS,
    Band,
    SelfAssessmentError,
    Statement,
    weakest_areas,
)
from training_app import data
from training_app.components.charts import FIT_WIDTH
from training_app.components.text import md
from training_app.navigation import PAGES_BY_PATH

NOTICE_KEY = "self_assessment_notice"  # what a form did, said once on the next run
STAFF_PAGE = "app_pages/self_assessment_answer.py"
SCALE = list(range(LOWEST_RATING, HIGHEST_RATING + 1))
SCALE_CAPTION = " · ".join(f"{n} {word}" for n, word in RATING_WORDS.items())
TREND_HEIGHT_PX = 220
OWNER_VIEW, STAFF_VIEW = "Owner", "Staff average"


@dataclass(frozen=True)
class Offer:
    """A page of the product that helps with an area, and what it gives there."""

    page: str
    label: str
    icon: str


# What the product offers for each area, linked from the weakest areas.
AREA_OFFERS: dict[str, tuple[Offer, ...]] = {
    "culture": (
        Offer("app_pages/policy.py", "Policy: the service staff train on", ":material/policy:"),
        Offer("app_pages/compliance.py", "Compliance: who signed the policy", ":material/rule:"),
    ),
    "products": (
        Offer("app_pages/policy.py", "Policy: what we promise customers", ":material/policy:"),
    ),
    "feedback": (
        Offer(
            "app_pages/complaint_numbers.py",
            "Complaint numbers: follow-ups",
            ":material/leaderboard:",
        ),
        Offer("app_pages/policy.py", "Policy: the complaint procedure", ":material/policy:"),
    ),
    "customers": (
        Offer(
            "app_pages/team_performance.py",
            "Team performance: customer ratings",
            ":material/monitoring:",
        ),
    ),
    "contact": (
        Offer(
            "app_pages/team_performance.py",
            "Team performance: service level",
            ":material/monitoring:",
        ),
    ),
    "staff": (
        Offer("app_pages/compliance.py", "Compliance: training done and due", ":material/rule:"),
        Offer(
            "app_pages/training_records.py",
            "Training records and certificates",
            ":material/fact_check:",
        ),
    ),
    "improvement": (
        Offer("app_pages/coaching.py", "Coaching candidates", ":material/support_agent:"),
        Offer(
            "app_pages/policy_versions.py",
            "Policy versions: change the policy",
            ":material/history_edu:",
        ),
    ),
}
# Labels fit a phone's width on one line (Streamlit cuts a longer link label short).
LINK_LABEL_MAX = 36


def offers_for(area_id: str) -> list[Offer]:
    """The area's links to pages this app has and owners may open. The complaint numbers page
    comes with the complaint register (issue 13, built beside this page): a link is left out
    while its page is not part of the app, rather than drawn broken."""
    owner_pages = {
        f"app_pages/{spec.file}" for spec in PAGES_BY_PATH.values() if "owner" in spec.roles
    }
    return [offer for offer in AREA_OFFERS[area_id] if offer.page in owner_pages]


def score(value: float | None) -> str | None:
    """A score as read on the page: two decimals at most (area averages are quarters, thirds
    and fifths), no trailing zeros."""
    if value is None:
        return None
    return f"{value:.2f}".rstrip("0").rstrip(".")


def answer_form(
    key: str,
    submit: str,
    text_of: Callable[[Statement], str],
    previous: Mapping[str, int] | None = None,
) -> dict[str, int | None] | None:
    """The statements of every area, each rated on the 1–5 scale; the ratings when submitted
    (None for a statement left unrated), else None."""
    with st.form(key, border=True):
        st.caption(f"Rate each statement: {md(SCALE_CAPTION)}.")
        for area in AREAS:
            st.markdown(f"**{md(area.title)}**")
            st.caption(md(area.question))
            for statement in area.statements:
                earlier = (previous or {}).get(statement.id)
                st.radio(
                    md(text_of(statement)),
                    SCALE,
                    index=None if earlier is None else SCALE.index(earlier),
                    horizontal=True,
                    key=f"{key}-{statement.id}",
                )
        submitted = st.form_submit_button(md(submit), type="primary")
    if not submitted:
        return None
    return {s.id: st.session_state[f"{key}-{s.id}"] for area in AREAS for s in area.statements}


def refused(exc: Exception) -> None:
    """A write the store refused, or answers that cannot be scored, told in one line."""
    prefix = (
        "Not saved: " if isinstance(exc, SelfAssessmentError | rounds.SelfAssessmentRefused) else ""
    )
    st.error(md(f"{prefix}{exc}"), icon=":material/error:")


def done(message: str) -> None:
    st.session_state[NOTICE_KEY] = message
    st.rerun()


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(md(notice), icon=":material/task_alt:")


def band_line(total: float, band: Band) -> str:
    """'Adequate, but needs general improvement: 24.5 of 35'."""
    return f"{BAND_WORDS[band]}: {score(total)} of {HIGHEST_TOTAL}"


def area_table(result: RoundResult) -> pd.DataFrame:
    """A round's scores per area: the owner's, the staff's average and spread (lowest–highest)
    when it may be shown; the total last."""
    rows = []
    for area in AREAS:
        row: dict[str, object] = {
            "Area": area.title,
            OWNER_VIEW: score(result.owner.scores[area.id]) if result.owner else None,
        }
        if result.staff_asked:
            staff = result.staff.areas[area.id] if result.staff else None
            row[STAFF_VIEW] = score(staff.mean) if staff else None
            row["Staff lowest–highest"] = (
                f"{score(staff.lowest)}–{score(staff.highest)}" if staff else None
            )
        rows.append(row)
    total: dict[str, object] = {
        "Area": f"Total ({LOWEST_TOTAL}–{HIGHEST_TOTAL})",
        OWNER_VIEW: score(result.owner.total) if result.owner else None,
    }
    if result.staff_asked:
        total[STAFF_VIEW] = score(result.staff.total.mean) if result.staff else None
        total["Staff lowest–highest"] = (
            f"{score(result.staff.total.lowest)}–{score(result.staff.total.highest)}"
            if result.staff
            else None
        )
    rows.append(total)
    return pd.DataFrame(rows)


def weakest(result: RoundResult) -> list[str]:
    """The areas to work on: the owner's weakest, or the staff's when the owner did not answer."""
    if result.owner is not None:
        return result.owner.weakest
    if result.staff is not None:
        return weakest_areas({a: spread.mean for a, spread in result.staff.areas.items()})
    return []


def show_weakest(result: RoundResult) -> None:
    """Each weakest area with its score and the pages that help with it."""
    areas = weakest(result)
    if not areas:
        st.info("Every area scores the same: none is weaker than the rest.")
    for area_id in areas:
        area = AREAS_BY_ID[area_id]
        scores = []
        if result.owner is not None:
            scores.append(f"owner {score(result.owner.scores[area_id])}")
        if result.staff is not None:
            scores.append(f"staff {score(result.staff.areas[area_id].mean)}")
        st.markdown(f"**{md(area.title)}** · {md(', '.join(scores))} of {HIGHEST_RATING:d}")
        for offer in offers_for(area_id):
            st.page_link(offer.page, label=md(offer.label), icon=offer.icon)


def trend_frame(results: list[RoundResult]) -> pd.DataFrame:
    """One row per round and view with a total: the round, when it opened, the view, the total."""
    rows = []
    for result in results:
        label = f"Round {result.number}"
        opened = result.opened_at.date().isoformat()
        if result.owner is not None:
            rows.append((label, opened, OWNER_VIEW, result.owner.total))
        if result.staff is not None:
            rows.append((label, opened, STAFF_VIEW, result.staff.total.mean))
    return pd.DataFrame(rows, columns=["round", "opened", "view", "total"])


def trend_chart(results: list[RoundResult]) -> alt.LayerChart:
    """The totals over rounds, the owner's and the staff's average, on the full 7–35 scale with
    the bands' edges as dashed rules."""
    frame = trend_frame(results)
    order = [f"Round {r.number}" for r in results]
    scale = alt.Scale(domain=[LOWEST_TOTAL, HIGHEST_TOTAL], zero=False)
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("round:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "total:Q",
                scale=scale,
                title=f"Total ({LOWEST_TOTAL}–{HIGHEST_TOTAL})",
            ),
            color=alt.Color(
                "view:N",
                scale=alt.Scale(domain=[OWNER_VIEW, STAFF_VIEW], range=["#1565c0", "#ef6c00"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("round:N", title="Round"),
                alt.Tooltip("opened:N", title="Opened"),
                alt.Tooltip("view:N", title="View"),
                alt.Tooltip("total:Q", title="Total", format=".2f"),
            ],
        )
    )
    edges = (
        alt.Chart(pd.DataFrame({"edge": [LOSING_UP_TO, ASSET_FROM]}))
        .mark_rule(strokeDash=[6, 4], color="#757575")
        .encode(y=alt.Y("edge:Q", scale=scale))
    )
    return (edges + lines).properties(height=TREND_HEIGHT_PX, width="container", autosize=FIT_WIDTH)


def home_prompt(viewer: Viewer) -> None:
    """On a supervisor's or agent's Home: the open round waiting for their answers, if any."""
    waiting = rounds.invitation(data.db(), viewer)
    if waiting is None or waiting.answered:
        return
    st.info(
        "The owner asks everyone to assess our service: 25 statements, about five minutes, "
        "anonymous.",
        icon=":material/rate_review:",
    )
    st.page_link(STAFF_PAGE, label="Assess our service", icon=":material/rate_review:")
