"""Training records for supervisors (their team) and owners (everyone): who has passed, who is
overdue, who signed the policy; then one agent's attempts, answers, role-play paths and
reflections."""

import pandas as pd
import streamlit as st

from metrics.training import records
from modules.engine import step_title
from training_app import data, session
from training_app.components.formatting import local_time
from training_app.components.performance_tables import csv_download
from training_app.components.tables import show_table
from training_app.components.text import md, text_block

viewer = session.require_viewer()
policy = data.policy().policy
db = data.db()
modules = data.training_modules()
zone = policy.business_hours.timezone

st.title("Training records")
st.caption(
    f"Pass mark {policy.training.pass_mark:.0%}, best attempt counts · policy version "
    f"{policy.version:d} in force · times in {md(zone)}"
)

team_id = viewer.team_id
if viewer.role == "owner":
    teams = data.teams(viewer)
    names = {team.id: team.name for team in teams}
    team_id = st.selectbox(
        "Team", [None, *names], format_func=lambda t: "All teams" if t is None else names[t]
    )

standing = records.training_standing(db, viewer, modules, policy, team_id=team_id)
if standing.empty:
    st.info("No agents here yet. Add staff on the Staff and teams page.")
    st.stop()

agents = standing.drop_duplicates("staff_id")
mandatory = standing[standing["mandatory"]]
done = mandatory.groupby("staff_id")["state"].apply(lambda s: bool((s == "passed").all()))
overdue = mandatory.groupby("staff_id")["overdue"].any()
tiles = st.columns(4)
tiles[0].metric("Agents", len(agents))
tiles[1].metric("Passed every mandatory module", int(done.sum()))
tiles[2].metric("Overdue", int(overdue.sum()))
tiles[3].metric(f"Signed policy v{policy.version:d}", int(agents["policy_signed_at"].notna().sum()))


def cell(row: pd.Series) -> str:
    # Words, not only colours: the table reads the same printed or to a screen reader.
    text = row["state"]
    if pd.notna(row["best_score"]):
        text += f" · best {row['best_score']:.0%}"
    if row["overdue"]:
        text = "OVERDUE · " + text
    return text


table = standing.assign(standing=standing.apply(cell, axis=1)).pivot_table(
    index=["team", "name", "staff_id"], columns="module_title", values="standing", aggfunc="first"
)
signed = agents.set_index("staff_id")["policy_signed_at"]
table = table.reset_index()
table[f"Signed policy v{policy.version}"] = [
    local_time(signed[i], zone) if pd.notna(signed[i]) else "not signed" for i in table["staff_id"]
]
show_table(
    table.drop(columns="staff_id")
    .rename(columns={"name": "Agent", "team": "Team"})
    .set_index(["Agent", "Team"])
    .reset_index()
)
csv_download(standing, "Download training records (CSV)", "training-records.csv")

st.subheader("One agent's history")
people = dict(zip(agents["staff_id"], agents["name"], strict=True))
staff_id = st.selectbox("Agent", list(people), format_func=lambda i: people[i])
attempts = records.attempts_of(db, viewer, staff_id)
signatures = records.acknowledgements_of(db, viewer, staff_id)
for signature in signatures:
    st.markdown(
        f"Signed policy version **{signature.policy_version:d}** on "
        f"{local_time(signature.acknowledged_at, zone)} as “{md(signature.typed_name)}”."
    )
if not signatures:
    st.markdown(f"Has not signed policy version {policy.version:d} yet.")
if not attempts:
    st.info(f"{md(people[staff_id])} has not started any training yet.")
    st.stop()

certificates = {c.attempt_id: c.code for c in records.certificates_of(db, viewer, staff_id)}
history = pd.DataFrame(
    [
        {
            # What each attempt came to first, so it shows even where the table is narrow.
            "Module": a.module_title,
            "Attempt": a.attempt_number,
            "Result": "passed" if a.passed else "not passed" if a.passed is False else "",
            "Score": f"{a.score:.0%}" if a.score is not None else "",
            "Certificate": certificates.get(a.id, ""),
            "Started": local_time(a.started_at, zone),
            "Finished": local_time(a.completed_at, zone) if a.completed_at else "in progress",
            "Minutes spent": round(a.time_spent_s / 60, 1),
            "Module version": a.module_version,
            "Policy version": a.policy_version,
        }
        for a in attempts
    ]
)
show_table(history)

labels = {
    a.id: f"{a.module_title}, attempt {a.attempt_number} ({history.iloc[n]['Finished']})"
    for n, a in enumerate(attempts)
}
attempt_id = st.selectbox("Answers of attempt", list(labels), format_func=lambda i: labels[i])
attempt = next(a for a in attempts if a.id == attempt_id)
module = data.training_module(attempt.module_id)
order = {planned.step_id: n for n, planned in enumerate(attempt.plan.steps)}
for answer in sorted(
    records.answers_of(db, viewer, attempt_id), key=lambda found: order.get(found.step_id, 0)
):
    known = module is not None and answer.step_id in module.steps_by_id
    title = step_title(module, answer.step_id) if module is not None and known else answer.step_id
    if answer.step_kind == "reflection":
        verdict = "reflection"
    elif answer.credit is None:
        verdict = "conversation not finished"
    else:
        verdict = f"{answer.credit:.0%}"
    with st.expander(
        f"{md(title)} — {md(verdict)}", expanded=answer.step_kind in ("role_play", "reflection")
    ):
        st.caption(md(answer.step_kind.replace("_", " ")))
        text_block(answer.answer_text)
