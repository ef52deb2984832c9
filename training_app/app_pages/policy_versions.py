"""Policy versions, for owners: the version in force and the history; a new version edited here
or uploaded, validated before it is saved as a draft; any version's difference from the version
in force, section by section, with the pilot's comments beside each section; the pilot, the
publishing and each version's YAML file. The version to read comes first: it is what an owner
opens the page for while a draft is being piloted."""

import streamlit as st

from metrics.training import records
from training_app import data, session
from training_app.components import policy_versions as versions_shown
from training_app.components.formatting import local_time
from training_app.components.text import md

viewer = session.require_viewer()
in_force = data.policy()
timezone = in_force.policy.business_hours.timezone
history = records.policy_version_history(data.db())

st.title("Policy versions")
current = next(v for v in history if v.version == in_force.policy.version)
st.caption(
    f"In force: version {current.version:d}, {md(current.title)} · {md(current.kind)} · "
    f"effective {current.effective_from:%d %B %Y} · published "
    f"{local_time(current.published_at, timezone)} · acknowledged by "
    f"{current.acknowledged:d} · times in {md(timezone)}"
)
notice = st.session_state.pop(versions_shown.NOTICE_KEY, None)
if notice:
    st.success(md(notice))

versions_shown.history_table(history, timezone)

st.subheader("Read a version")
versions_shown.version_section(viewer, history, in_force)

st.subheader("A new version")
versions_shown.new_version_form(viewer, in_force)
