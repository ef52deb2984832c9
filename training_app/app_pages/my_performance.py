"""My performance: an agent's own numbers against the policy's targets and their team's
median. No other agent's name or numbers are on this page."""

from datetime import timedelta

import streamlit as st

from metrics.performance import Period
from training_app import data, session
from training_app.components.filters import DEFAULT_DAYS
from training_app.components.formatting import percent
from training_app.components.performance_tables import show_definitions

viewer = session.require_viewer()
policy = data.policy().policy
standards = policy.standards

st.title("My performance")
days = data.contact_days()
if days is None:
    st.info("No customer contacts are stored yet.")
    st.stop()
first, last = days
chosen = st.date_input(
    "Dates (queued, local time)",
    value=(max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last),
    min_value=first,
    max_value=last,
    format="DD.MM.YYYY",
)
start, end = chosen if isinstance(chosen, tuple) and len(chosen) == 2 else (last, last)
mine, team = data.my_metrics(viewer, Period(start=start, end=end))
if mine is None:
    st.info("You handled no contacts in these dates.")
    st.stop()

handled = int(mine["handled"])  # type: ignore[call-overload]
if mine["status"] == "insufficient":
    st.info(
        f"You handled {handled} contacts in these dates; the policy judges from "
        f"{standards.min_contacts}. Your numbers are shown, but carry no status yet."
    )


rows = [
    ("Service level", "service_level", standards.service_level_target, f"n = {handled} handled"),
    ("Resolution", "resolution_rate", standards.resolution_target, f"n = {handled} handled"),
    ("CSAT", "csat", standards.csat_target, f"n = {mine['ratings']} ratings"),
]
tiles = st.columns(len(rows) + 1)
for tile, (label, key, target, n) in zip(tiles, rows, strict=False):
    median = team.get(key)
    tile.metric(
        f"{label} (target {target:.0%})",
        percent(mine[key]),
        help=f"{n}. Team median {percent(median)}.",
    )
    tile.caption(f"Team median {percent(median)} · {n}")
wait = mine["wait_median_s"]
tiles[-1].metric("Median wait", f"{float(wait):.0f} s")  # type: ignore[arg-type]
tiles[-1].caption(f"Team median {team['wait_median_s'] or 0:.0f} s")

show_definitions()
