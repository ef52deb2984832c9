"""Drawing policy versions: the difference from the version in force, section by section, a
section of a version as it reads, and pilot comments beside their section.

Everything here is policy text or a person's comment, so it reaches Markdown only through the
text helpers (training_app/components/text.py): a removed word is struck through and an
inserted one marked by Streamlit's own directives around *escaped* words, never HTML.
"""

from __future__ import annotations

from datetime import date, time

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from metrics import organisation, policy_pilot
from metrics.organisation import PolicyKind, PolicyStatusError
from metrics.people import AccessDenied, PeopleError, Viewer
from metrics.policy_pilot import PilotComment
from metrics.training import records
from metrics.training.publishing import publish_policy
from modules.content import load_modules, modules_dir
from modules.content_errors import ContentError
from modules.policy import LoadedPolicy, Policy, duration_text, parse_policy
from modules.policy_diff import (
    POLICY_SECTIONS,
    PolicySection,
    SectionDifference,
    TextChange,
    Words,
    policy_difference,
)
from training_app import data
from training_app.components.formatting import local_time
from training_app.components.text import md, md_bullets, text_block

LEGEND = (
    "Removed words are :red-background[~~struck through~~], inserted words "
    ":green-background[**marked in bold**]; standards read *before → after*."
)


def _run(run: Words) -> str:
    if run.change == "removed":
        return f":red-background[~~{md(run.text)}~~]"
    if run.change == "inserted":
        return f":green-background[**{md(run.text)}**]"
    return md(run.text)


def words_markdown(change: TextChange) -> str:
    """A reworded text, word by word: what was removed, what was inserted, what stayed."""
    return " ".join(_run(run) for run in change.words)


def _difference_line(change: str | TextChange) -> str:
    if isinstance(change, TextChange):
        return f"- *{md(change.label)}:* " + words_markdown(change)
    return f"- {md(change)}"


def difference_markdown(difference: SectionDifference) -> str:
    """One section's changes as Markdown: standards, other values, entries, then rewordings."""
    changes: list[str | TextChange] = [
        *(change.line for change in difference.standards),
        *(change.line for change in difference.values),
        *(item.line for item in difference.items),
        *difference.texts,
    ]
    return "\n".join(_difference_line(change) for change in changes)


def show_section_difference(difference: SectionDifference, compared_with: int) -> None:
    """What changed in one section, for a reader of that section."""
    st.markdown(f"**What changed from version {compared_with:d}**")
    st.caption(LEGEND)
    st.markdown(difference_markdown(difference))


def show_comments(comments: list[PilotComment], timezone: str) -> None:
    for comment in comments:
        with st.container(border=True):
            st.caption(f"{md(comment.staff_name)} · {local_time(comment.commented_at, timezone)}")
            text_block(comment.comment)


def show_difference(
    differences: list[SectionDifference],
    comments: list[PilotComment],
    timezone: str,
    *,
    compared_with: int,
) -> None:
    """Each section that changed, and each that pilot staff commented on, with the comments
    beside it; then the sections that did not change."""
    changed = {difference.key: difference for difference in differences}
    by_section: dict[str, list[PilotComment]] = {}
    for comment in comments:
        by_section.setdefault(comment.section_key, []).append(comment)
    if not changed:
        st.info(f"No difference from version {compared_with:d}, the version in force.")
    st.caption(LEGEND)
    unchanged: list[str] = []
    for section in POLICY_SECTIONS:
        difference = changed.get(section.key)
        said = by_section.get(section.key, [])
        if difference is None and not said:
            unchanged.append(section.title)
            continue
        with st.container(border=True):
            st.markdown(f"**{md(section.title)}**")
            left, right = st.columns([3, 2]) if said else (st.container(), None)
            with left:
                if difference is None:
                    st.caption(f"No change from version {compared_with:d}.")
                else:
                    st.markdown(difference_markdown(difference))
            if right is not None:
                with right:
                    st.caption(f"Pilot comments ({len(said):d})")
                    show_comments(said, timezone)
    if unchanged:
        st.caption("Unchanged: " + ", ".join(md(title) for title in unchanged) + ".")


# -- a section as it reads --------------------------------------------------------------------


def _said(value: object) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "none"
    return str(value)


# Fields said the way the Policy page says them, not as the YAML key and its raw number.
_FIELD_LABELS = {"answer_within_s": "Answer within", "csat_target": "CSAT target"}
_FRACTIONS = frozenset({"service_level_target", "resolution_target", "csat_target", "pass_mark"})


def _field(name: str) -> str:
    return _FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _value(name: str, value: object) -> str:
    if name == "answer_within_s" and isinstance(value, int):
        return duration_text(value)
    if name in _FRACTIONS and isinstance(value, float):
        return f"{value:.0%}"
    return _said(value)


def _entry_name(item: BaseModel) -> str:
    for attribute in ("name", "title", "who"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return type(item).__name__


def _outline(value: object, heading: str, out: list[tuple[str, list[str]]]) -> None:
    """`value` as headed lists of plain lines: "Standards › Phone" with its values, "Standards ›
    Phone › Procedure" with its points, one entry of a list of options or steps under its name."""
    if isinstance(value, BaseModel):
        values: list[str] = []
        out.append((heading, values))
        for name in type(value).model_fields:
            part = getattr(value, name)
            if isinstance(part, BaseModel | list):
                _outline(part, f"{heading} › {_field(name)}", out)
            else:
                values.append(f"{_field(name)}: {_value(name, part)}")
    elif isinstance(value, list) and all(isinstance(item, BaseModel) for item in value):
        for item in value:
            _outline(item, f"{heading} › {_entry_name(item)}", out)
    elif isinstance(value, list):
        out.append((heading, [_said(item) for item in value]))
    else:
        out.append((heading, [_said(value)]))


def section_outline(policy: Policy, section: PolicySection) -> list[tuple[str, list[str]]]:
    """A section of a policy version as headed lists of plain text (shown with `md_bullets`)."""
    out: list[tuple[str, list[str]]] = []
    for name in section.fields:
        _outline(getattr(policy, name), _field(name), out)
    return [(heading, lines) for heading, lines in out if lines]


def show_section(policy: Policy, section: PolicySection) -> None:
    for heading, lines in section_outline(policy, section):
        st.markdown(f"**{md(heading)}**")
        st.markdown(md_bullets(lines))


# -- the Policy versions page's parts -----------------------------------------------------------

NOTICE_KEY = "policy_versions_notice"
SHOWN_KEY = "policy_version_shown"
# A version to show at the next run: the selectbox's own key cannot change once it is drawn.
SHOW_NEXT_KEY = "policy_version_show_next"
EDITED_SOURCE = "policy edited in the page"
KINDS: tuple[PolicyKind, ...] = ("minor", "major")
KIND_CAPTIONS = (
    "a typo, a clearer sentence: every acknowledgement is kept",
    "everyone acknowledges it again; modules quoting a changed standard are due again",
)


def _done(notice: str, shown_version: int | None = None) -> None:
    st.session_state[NOTICE_KEY] = notice
    if shown_version is not None:
        st.session_state[SHOW_NEXT_KEY] = shown_version
    st.rerun()


def history_table(history: list[records.PolicyVersionStanding], timezone: str) -> None:
    table = pd.DataFrame(
        [
            {
                "Version": v.version,
                "Status": v.status,
                "Kind": v.kind,
                "Effective from": v.effective_from,
                "Published": local_time(v.published_at, timezone) if v.published_at else "–",
                "Acknowledged": v.acknowledged,
                "Title": v.title,
            }
            for v in reversed(history)
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _issues(exc: ContentError) -> None:
    """Every problem, as `academy check-content` prints it: file:line: key path: message."""
    st.error(f"{len(exc.issues):d} problem(s) found; nothing was saved.")
    st.code("\n".join(str(issue) for issue in exc.issues), language=None)


def new_version_form(viewer: Viewer, in_force: LoadedPolicy) -> None:
    """A new version, edited from the version in force or uploaded; checked (showing every
    problem, or the difference from the version in force), then saved as a draft."""
    how = st.radio(
        "Start from",
        ["Edit the version in force", "Upload a file"],
        horizontal=True,
        key="policy_new_how",
    )
    if how == "Upload a file":
        upload = st.file_uploader("Policy file (YAML)", type=["yaml", "yml"], key="policy_upload")
        if upload is None:
            return
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            st.error(f"{md(upload.name)}: the file is not UTF-8 text; nothing was saved.")
            return
        source = upload.name
    else:
        # Keyed by the version in force: after a publish the editor starts from the new one.
        text = st.text_area(
            "Policy text (YAML)",
            value=in_force.text,
            height=420,
            key=f"policy_text_{in_force.policy.version:d}",
        )
        source = EDITED_SOURCE
    st.caption(
        "Saved under the next version number (its `version:` line is set to it); set "
        "`effective_from` to the day it takes effect."
    )
    kind = st.radio(
        "Kind of change",
        KINDS,
        captions=KIND_CAPTIONS,
        horizontal=True,
        key="policy_new_kind",
    )
    check_column, save_column = st.columns(2)
    checking = check_column.button("Check", icon=":material/rule:", key="policy_check")
    saving = save_column.button(
        "Save as a draft", type="primary", icon=":material/save:", key="policy_save"
    )
    if not (checking or saving):
        return
    try:
        if saving:
            stored = organisation.save_policy_draft(
                data.db(), text, kind=kind, source=source, created_by=viewer.staff_id
            )
            _done(f"Saved as draft version {stored.version:d} ({stored.kind}).", stored.version)
        checked = parse_policy(text, source)
    except ContentError as exc:
        _issues(exc)
        return
    st.success("No problems found. Its difference from the version in force:")
    show_difference(
        policy_difference(in_force.policy, checked.policy),
        [],
        in_force.policy.business_hours.timezone,
        compared_with=in_force.policy.version,
    )


def _compared_with(
    shown: records.PolicyVersionStanding,
    history: list[records.PolicyVersionStanding],
    in_force: LoadedPolicy,
) -> int | None:
    """A version is read against the version in force; the version in force against the one
    published before it (None for the first)."""
    if shown.version != in_force.policy.version:
        return in_force.policy.version
    earlier = [
        v.version for v in history if v.version < shown.version and v.published_at is not None
    ]
    return max(earlier) if earlier else None


def version_section(
    viewer: Viewer, history: list[records.PolicyVersionStanding], in_force: LoadedPolicy
) -> None:
    """One version: its YAML file, its difference with the pilot's comments beside each
    section, and what can be done with it now (pilot, back to draft, publish)."""
    db = data.db()
    timezone = in_force.policy.business_hours.timezone
    newest_first = list(reversed(history))
    by_version = {v.version: v for v in newest_first}
    if SHOW_NEXT_KEY in st.session_state:
        st.session_state[SHOWN_KEY] = st.session_state.pop(SHOW_NEXT_KEY)
    if st.session_state.get(SHOWN_KEY) not in by_version:
        st.session_state[SHOWN_KEY] = newest_first[0].version
    version = st.selectbox(
        "Version",
        list(by_version),
        format_func=lambda n: f"Version {n} · {by_version[n].status} · {by_version[n].kind}",
        key=SHOWN_KEY,
    )
    shown = by_version[version]
    stored = organisation.stored_policy(db, version)
    assert stored is not None  # listed just above; versions are never deleted
    st.download_button(
        f"Download version {version:d} (YAML)",
        stored.text,
        file_name=f"policy-version-{version:d}.yaml",
        mime="application/yaml",
        icon=":material/download:",
        key="policy_download",
    )
    base = _compared_with(shown, history, in_force)
    comments = policy_pilot.pilot_comments(db, viewer, version)
    if base is None:
        st.info("The first version: there is no earlier one to compare it with.")
    else:
        earlier = organisation.stored_policy(db, base)
        assert earlier is not None
        show_difference(
            policy_difference(earlier.policy, stored.policy), comments, timezone, compared_with=base
        )
    if shown.status == "draft":
        _pilot_form(viewer, version)
    elif shown.status == "pilot":
        _pilot_group(viewer, version)
    if shown.status in ("draft", "pilot"):
        _publish_button(viewer, shown, stored)


def _pilot_form(viewer: Viewer, version: int) -> None:
    everyone = [m for m in data.staff(viewer) if m.active]
    teams = data.teams(viewer)
    with st.form("policy_pilot_form", border=True):
        st.markdown(f"**Put version {version:d} to pilot**")
        chosen = st.multiselect(
            "Pilot group: people",
            everyone,
            format_func=lambda m: f"{m.name} ({m.team or m.role})",
            key="policy_pilot_people",
        )
        team = st.selectbox(
            "and, or instead, a whole team",
            [None, *teams],
            format_func=lambda t: "no team" if t is None else t.name,
            key="policy_pilot_team",
        )
        if st.form_submit_button("Start the pilot", icon=":material/rate_review:"):
            try:
                group = policy_pilot.start_pilot(
                    data.db(),
                    viewer,
                    version,
                    staff_ids=[m.id for m in chosen],
                    team_id=None if team is None else team.id,
                )
            except (policy_pilot.PilotError, PeopleError, AccessDenied) as exc:
                st.error(md(exc))
                return
            _done(f"Version {version:d} is in pilot with {len(group):d} people.")


def _pilot_group(viewer: Viewer, version: int) -> None:
    group = policy_pilot.pilot_members(data.db(), viewer, version)
    with st.container(border=True):
        st.markdown(f"**Pilot group of version {version:d}** ({len(group):d})")
        st.markdown(md_bullets(f"{m.name} ({m.team or 'no team'})" for m in group))
        if st.button("End the pilot (back to draft)", key="policy_end_pilot"):
            try:
                policy_pilot.end_pilot(data.db(), viewer, version)
            except (policy_pilot.PilotError, AccessDenied) as exc:
                st.error(md(exc))
                return
            _done(f"Version {version:d} is a draft again; its comments are kept.")


def _publish_button(
    viewer: Viewer, shown: records.PolicyVersionStanding, stored: LoadedPolicy
) -> None:
    label = f"Publish version {shown.version:d} ({md(shown.kind)})"
    if not st.button(label, type="primary", icon=":material/publish:", key="policy_publish"):
        return
    try:
        modules = load_modules(stored.policy, modules_dir())
        result = publish_policy(data.db(), shown.version, by=viewer, modules=modules)
    except (ContentError, PolicyStatusError, AccessDenied) as exc:
        st.error(md(exc))
        return
    due_again = len(result.modules_due_again)
    _done(
        f"Version {result.version:d} ({result.kind}) is in force: "
        f"{_count(result.assigned, 'assignment')} made, "
        f"{_count(result.acknowledgements_kept, 'acknowledgement')} kept, "
        f"{_count(due_again, 'module')} due again."
    )


def _count(n: int, noun: str) -> str:
    return f"{n:d} {noun}" if n == 1 else f"{n:d} {noun}s"
