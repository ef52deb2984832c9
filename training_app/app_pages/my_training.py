"""My training: the modules assigned to me and those I may take, where I stand in each, my
certificates, and signing the policy."""

import pandas as pd
import streamlit as st

from metrics.training import assignments, records
from training_app import data, session
from training_app.components import training
from training_app.components.formatting import local_day
from training_app.components.text import md

viewer = session.require_viewer()
policy = data.policy().policy
db = data.db()
modules = data.training_modules()
zone = policy.business_hours.timezone

st.title("My training")
st.caption(
    f"Pass mark {policy.training.pass_mark:.0%} · your best attempt counts · mandatory modules "
    f"are due {policy.training.due_within_days:d} days after you join or a new policy takes "
    "effect, whichever is later"
)

standing = {
    row["module_id"]: row
    for row in records.training_standing(
        db, viewer, modules, policy, staff_id=viewer.staff_id
    ).to_dict("records")
}
best_certificate: dict[str, records.Certificate] = {}
for issued in records.certificates_of(db, viewer, viewer.staff_id):
    best_certificate.setdefault(issued.module_id, issued)  # best score first

training.open_started_module()  # a Start or Retake below was clicked: on to the player

signature = next(
    (
        left
        for left in assignments.assignments_of(db, viewer, viewer.staff_id, modules, policy)
        if left.module_id == assignments.ACKNOWLEDGEMENT
    ),
    None,
)

for section, chosen in (
    ("Assigned to you", [m for m in modules if standing[m.id]["assigned"]]),
    ("Optional", [m for m in modules if not standing[m.id]["assigned"]]),
):
    if not chosen:
        continue
    st.subheader(md(section))
    for module in chosen:
        row = standing[module.id]
        with st.container(border=True):
            title, state = st.columns([4, 1])
            title.markdown(f"#### {md(module.title)}")
            with state:
                training.state_badge(row["state"])
            st.markdown(md(module.summary))
            facts = [f"About {module.estimated_minutes} minutes", f"version {module.version}"]
            facts.append(f"{module.graded_per_attempt} graded questions and exercises")
            if module.customers_kept_to_pass:
                facts.append(
                    f"to pass, keep at least {module.customers_kept_to_pass:d} of the "
                    f"{len(module.role_plays):d} role-play customers"
                )
            if pd.notna(row["due"]) and row["state"] != "passed":
                facts.append(f"due {row['due']:%d %b %Y}")
            if pd.notna(row["best_score"]):
                facts.append(f"best score {row['best_score']:.0%} in {row['attempts']} attempt(s)")
            st.caption(" · ".join(md(fact) for fact in facts))
            if row["reason"] and row["source"] != "new starter" and row["state"] != "passed":
                training.assignment_reason(row["reason"], row["source"])
            if row["overdue"]:
                st.error(
                    f"Overdue since {row['due']:%d %b %Y}. Please finish it now.",
                    icon=":material/schedule:",
                )
            if row["state"] == "in progress":
                attempt = records.open_attempt(db, viewer, viewer.staff_id, module.id)
                assert attempt is not None
                where = f"step {attempt.position + 1:d} of {len(attempt.plan.steps):d}"
                if st.button(
                    f"Resume at {where}",
                    type="primary",
                    key=f"resume-{module.id}",
                    icon=":material/play_arrow:",
                ):
                    training.open_player(module)
            elif row["state"] == "not started":
                training.start_button(
                    db,
                    viewer,
                    module,
                    policy.version,
                    "Start",
                    type="primary",
                    key=f"start-{module.id}",
                    icon=":material/play_arrow:",
                )
            else:
                see, again = st.columns(2)
                if see.button("See my last result", key=f"results-{module.id}"):
                    training.open_player(module)
                with again:
                    training.start_button(
                        db,
                        viewer,
                        module,
                        policy.version,
                        "Retake",
                        key=f"retake-{module.id}",
                        icon=":material/replay:",
                    )
            certificate = best_certificate.get(module.id)
            if certificate is not None:
                st.caption(
                    f"Certificate {md(certificate.code)}, score {certificate.score:.0%}, issued "
                    f"{local_day(certificate.issued_at, zone)}"
                )
                training.certificate_download(certificate, key=f"certificate-{module.id}")
            if module.acknowledges_policy and row["state"] == "passed":
                training.acknowledgement_form(db, viewer, policy, module)
            elif module.acknowledges_policy:
                by = f" by {signature.due:%d %b %Y}" if signature is not None else ""
                st.caption(
                    f"After passing, you sign policy version {policy.version:d}{by} to confirm "
                    "you will follow it."
                )
