"""Pilot policy: the version a pilot group is trying, read section by section, with a comment
box on each section. Open only while the viewer is in the group of a version in pilot (the
navigation asks the store on every run; every comment is checked again when it is stored)."""

import streamlit as st

from metrics import organisation, policy_pilot
from metrics.people import AccessDenied
from modules.policy_diff import POLICY_SECTIONS, policy_difference
from training_app import data, session
from training_app.components import policy_versions as versions_shown
from training_app.components.text import md

NOTICE_KEY = "pilot_notice"

viewer = session.require_viewer()
db = data.db()
version = policy_pilot.pilot_version_of(db, viewer)
if version is None:
    st.title("Pilot policy")
    st.info("You are not in the pilot group of a policy version now.")
    st.stop()
piloted = organisation.stored_policy(db, version)
assert piloted is not None  # in pilot, so stored
in_force = data.policy()
timezone = in_force.policy.business_hours.timezone
changed = {d.key: d for d in policy_difference(in_force.policy, piloted.policy)}
mine: dict[str, list[policy_pilot.PilotComment]] = {}
for comment in policy_pilot.pilot_comments(db, viewer, version):
    mine.setdefault(comment.section_key, []).append(comment)

st.title(f"Pilot: policy version {version:d}")
st.caption(
    f"You are one of the staff trying version {version:d} before it is published (version "
    f"{in_force.policy.version:d} is in force). Read each section and say what is unclear, "
    "unworkable or missing: only the owner reads the comments."
)
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.success(md(notice))

for section in POLICY_SECTIONS:
    difference = changed.get(section.key)
    said = mine.get(section.key, [])
    label = section.title + (" (changed)" if difference else "")
    with st.expander(md(label), expanded=difference is not None):
        if difference is not None:
            versions_shown.show_section_difference(difference, in_force.policy.version)
            st.markdown("**The section as it reads in the pilot**")
        versions_shown.show_section(piloted.policy, section)
        if said:
            st.caption(f"Your comments ({len(said):d})")
            versions_shown.show_comments(said, timezone)
        with st.form(f"pilot_comment_{section.key}", clear_on_submit=True):
            text = st.text_area(
                f"Your comment on {md(section.title)}",
                max_chars=policy_pilot.MAX_COMMENT_CHARS,
                key=f"pilot_text_{section.key}",
            )
            if st.form_submit_button("Send the comment", icon=":material/send:"):
                try:
                    policy_pilot.add_pilot_comment(db, viewer, version, section.key, text)
                except (policy_pilot.PilotError, AccessDenied) as exc:
                    st.error(md(exc))
                else:
                    st.session_state[NOTICE_KEY] = f"Your comment on {section.title} was sent."
                    st.rerun()
