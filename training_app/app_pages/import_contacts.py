"""Import contacts: upload a helpdesk export or call log, see how its first rows will be stored,
check the whole file or import it, read what was loaded, refused and skipped; link the phone
interface names a call log gives (PJSIP/201) to the people who answered; the history of
imports, and removing one. A complaint register kept elsewhere is imported here too (the
complaints format). Owners import for any team, supervisors for their own."""

import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import cast

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from metrics.complaints import imports as complaint_imports
from metrics.complaints.import_format import COMPLAINTS_FORMAT, COMPLAINTS_TITLE
from metrics.contacts import agent_names
from metrics.contacts import imports as importing
from metrics.contacts.formats import FORMAT_TITLES, FORMATS, Format
from training_app import data, session
from training_app.components.formatting import count, local_time
from training_app.components.performance_tables import csv_download
from training_app.components.tables import show_table
from training_app.components.text import md, md_bullets

# The contact formats, then the complaint register (metrics/complaints/imports.py).
CHOICES = (*FORMATS, COMPLAINTS_FORMAT)
TITLES: dict[str, str] = {**dict(FORMAT_TITLES.items()), COMPLAINTS_FORMAT: COMPLAINTS_TITLE}
UPLOAD_KEY = "import_upload"
FILE_KEY = "import_file"  # the upload saved to disk: {"id", "path", "name"}
RESULT_KEY = "import_result"  # the last check or import of that file
NOTICE_KEY = "import_notice"  # what the last removal did, shown once
LINK_NOTICE_KEY = "import_link_notice"  # what the last link did, shown once
# Uploads are saved under one folder; one left behind by a closed browser goes after a day.
UPLOADS_FOLDER = "academy-imports"
UPLOAD_MAX_AGE_S = 24 * 3600
TIME_COLUMNS = ("Queued", "Answered", "Resolved at")
PREVIEW_WRAPPED = ["Problems"]  # a row's problems can run to a sentence or two
# On screen; the CSV keeps the short lower-case names, easier for a script.
REJECT_HEADINGS = {
    "row": "Row",
    "id": "Id",
    "field": "Column",
    "value": "Value",
    "reason": "Reason",
}

viewer = session.require_viewer()
policy = data.policy().policy
zone = policy.business_hours.timezone
db = data.db()

st.title("Import contacts")
scope = (
    "Contacts of any team; teams and agents the store does not know yet are created."
    if viewer.role == "owner"
    else "Your own team's contacts: rows naming another team are refused."
)
st.caption(
    "A generic CSV or Parquet file, a Zendesk or Freshdesk ticket export, or an Asterisk "
    "queue_log; or a complaint register kept elsewhere. Times without an offset are read in "
    "the time zone chosen below (a time the clocks skipped there is refused; one they repeated "
    "is its first occurrence). " + scope
)
with st.expander("What a file must hold"):
    st.markdown(
        "**Generic** (CSV, comma or semicolon, or Parquet), one row per contact, columns in any "
        "order: `interaction_id`, `channel` (phone, chat, email or social) and `queued_at` are "
        "required; `agent_email` and/or `agent_name` (only a contact nobody answered may have "
        "no agent); optional `team`, `answered_at`, `resolved_at`, `abandoned` and `resolved` "
        "(true/false, yes/no, 1/0), `case_id`, `category`, `csat` (1 to 5) and `comment`. "
        "Times in ISO 8601: `2026-03-02 09:15:00`, or with an offset, "
        "`2026-03-02T09:15:00+01:00`.\n\n"
        "**Zendesk**: the full ticket CSV export. **Freshdesk**: the ticket export (the "
        "classic and the newer survey answers are ratings; one no survey has is a warning, "
        "and its ticket loads without it). A ticket with no reply yet is waiting, not "
        "abandoned. **Asterisk**: the `queue_log` file, one contact per call. The README says "
        "how each column is read; `data/samples/` holds an example of every format.\n\n"
        "**Complaint register** (CSV or Parquet), one complaint per row: `complaint_id`, "
        "`received_at`, `received_by` (the e-mail of whoever received it) and `category` (one of "
        "the policy's, or `other: ` and a few words) are required; the README lists the other "
        "columns and how each is checked (`data/samples/complaints.csv`)."
    )


def saved_upload(upload: UploadedFile | None) -> dict[str, str] | None:
    """The uploaded file on disk, written once per upload (the importer reads a path)."""
    saved = st.session_state.get(FILE_KEY)
    if upload is None:
        if saved:
            shutil.rmtree(Path(saved["path"]).parent, ignore_errors=True)
        st.session_state.pop(FILE_KEY, None)
        return None
    if saved and saved["id"] == upload.file_id:
        return saved
    if saved:
        shutil.rmtree(Path(saved["path"]).parent, ignore_errors=True)
    uploads = Path(tempfile.gettempdir()) / UPLOADS_FOLDER
    uploads.mkdir(exist_ok=True)
    for old in uploads.iterdir():
        if time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_S:
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(dir=uploads))
    path = folder / "upload"  # the user's file name is recorded, never used as a path
    path.write_bytes(upload.getvalue())
    saved = {"id": upload.file_id, "path": str(path), "name": upload.name}
    st.session_state[FILE_KEY] = saved
    st.session_state.pop(RESULT_KEY, None)
    return saved


def local_times(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Stored UTC instants as the organisation reads them."""
    shown = frame.copy()
    for column in columns:
        times = pd.to_datetime(shown[column], utc=True).dt.tz_convert(zone)
        shown[column] = times.dt.strftime("%Y-%m-%d %H:%M:%S").where(times.notna(), "")
    return shown


def name_only(who: str) -> str:
    """'Maja Kovač <owner@demo.example>' -> 'Maja Kovač': the e-mail makes the table too wide."""
    return re.sub(r"\s*<[^>]*>$", "", who)


def plural(n: int, noun: str) -> str:
    return f"{count(n)} {noun}{'' if n == 1 else 's'}"


def first_only(
    result: importing.ImportResult | complaint_imports.ComplaintImportResult,
    shown: int,
    total: int,
    what: str,
) -> None:
    """Say so when the result holds only the first lines (`PROBLEM_ROWS_KEPT`) of the import's
    problems or warnings, and where the others are."""
    if shown >= total:
        return
    if result.dry_run:
        st.caption(
            f"The first {count(shown)} of {count(total)} {md(what)} are shown here and in the"
            " download below; a dry run keeps none: import the file to keep them all with the"
            " import."
        )
    else:
        st.caption(
            f"The first {count(shown)} of {count(total)} {md(what)} are shown here and in the"
            " download below; the import's entry in the history below offers all of them as CSV."
        )


def show_result(result: importing.ImportResult) -> None:
    if result.dry_run:
        st.info(
            f"Checked {md(result.file)}: nothing was stored. Importing it would load "
            f"{count(result.loaded)} contacts."
        )
    elif result.loaded:
        st.success(
            f"Imported {count(result.loaded)} contacts from {md(result.file)} "
            f"(import #{result.batch_id:d}). The dashboard shows them now."
        )
    else:
        st.warning(f"Nothing new was loaded from {md(result.file)} (import #{result.batch_id:d}).")
    tiles = st.columns(5)
    tiles[0].metric("Rows read", count(result.rows_read))
    tiles[1].metric("Would load" if result.dry_run else "Loaded", count(result.loaded))
    tiles[2].metric("Rejected", count(result.rejected))
    tiles[3].metric("Duplicates skipped", count(result.duplicates))
    tiles[4].metric("Warnings", count(result.warnings))
    st.caption(
        "Rows read = loaded + rejected + duplicates. A duplicate repeats a contact already "
        "stored, or an earlier row of the file, exactly; it is skipped, not refused. A warning "
        "refuses nothing: its row loads without the value it names."
    )
    if result.updated:
        st.info(
            f"{md(plural(result.updated, 'loaded row'))} "
            f"{'would update' if result.dry_run else 'updated'} a ticket an earlier export "
            "stored while it was still waiting for a reply."
        )
    earlier = [batch for batch in result.earlier_imports if batch != result.batch_id]
    if earlier:
        st.info(
            "This exact file was imported before (import "
            + ", ".join(f"#{batch:d}" for batch in earlier)
            + "): what it holds is already stored."
        )
    made = "would be created" if result.dry_run else "created"
    if result.new_agents:
        st.markdown(
            f"**New agents {made}** (role agent, no sign-in until an owner gives them a "
            f"password):\n\n" + md_bullets(result.new_agents)
        )
    if result.new_teams:
        st.markdown(f"**New teams {made}:**\n\n" + md_bullets(result.new_teams))
    if result.unlinked_names:
        st.markdown(
            f"**Phone interfaces, not people** ({'would be ' if result.dry_run else ''}loaded, "
            "handled by nobody until linked under “Names to link”):\n\n"
            + md_bullets(result.unlinked_names)
        )
    if result.warnings:
        st.subheader("Warnings")
        st.caption(
            f"{md(plural(result.warnings, 'row'))} "
            f"{'would load' if result.dry_run else 'loaded'} without a rating that could not "
            "be read (the README lists the survey answers each format knows)."
        )
        first_only(result, len(result.warning_rows), result.warnings, "warnings")
        show_table(
            result.warning_rows.rename(columns=REJECT_HEADINGS), pinned="Row", wrap=["Reason"]
        )
        csv_download(
            result.warning_rows,
            "Download the warnings (CSV)",
            f"warnings-{Path(result.file).stem or 'import'}.csv",
            key="download_warnings",
        )
    if result.rejected:
        st.subheader("Rejected rows")
        st.caption(
            "One line per problem: a row refused for two reasons has two lines. Row numbers "
            "count the header as row 1, as a spreadsheet does (a queue_log: the line of the "
            "call's first event). Fix the rows and import the file again; the rows already "
            "loaded will be skipped as duplicates."
        )
        first_only(result, len(result.rejects), result.problems, "problems")
        show_table(result.rejects.rename(columns=REJECT_HEADINGS), pinned="Row", wrap=["Reason"])
        csv_download(
            result.rejects,
            "Download the rejected rows (CSV)",
            f"rejected-{Path(result.file).stem or 'import'}.csv",
            key="download_rejects",
        )


def complaint_register(saved: dict[str, str], read_zone: str) -> None:
    """A complaint register: checked or imported whole into the complaint register."""
    st.caption(
        "Each complaint is checked against the policy in force: its categories, compensation "
        "options and each role's limit (an amount above the receiver's needs an approved_by who "
        "may grant it), and the follow-up standard (a blank follow_up_due is the policy's)."
        + (
            ""
            if viewer.role == "owner"
            else " Complaints received by someone outside your team are refused."
        )
    )
    buttons = st.container(horizontal=True)
    dry_run = buttons.button(
        "Check the whole file (nothing is stored)",
        icon=":material/fact_check:",
        key="complaints_check_button",
    )
    do_import = buttons.button(
        "Import", type="primary", icon=":material/upload:", key="complaints_import_button"
    )
    if dry_run or do_import:
        try:
            with st.spinner("Reading and checking every row…"):
                result = complaint_imports.import_complaints(
                    db,
                    saved["path"],
                    viewer,
                    policy,
                    read_zone,
                    dry_run=dry_run,
                    file_name=saved["name"],
                )
        except (
            importing.ImportFileError,
            importing.ImportFailed,
            importing.ImportOptionError,
        ) as exc:
            st.error(md(exc))
        else:
            st.session_state[RESULT_KEY] = (saved["id"], result)
            if not dry_run:
                st.rerun()  # the history below shows the import
    kept = st.session_state.get(RESULT_KEY)
    if (
        kept
        and kept[0] == saved["id"]
        and isinstance(kept[1], complaint_imports.ComplaintImportResult)
    ):
        show_complaint_result(kept[1])


def show_complaint_result(result: complaint_imports.ComplaintImportResult) -> None:
    if result.dry_run:
        st.info(
            f"Checked {md(result.file)}: nothing was stored. Importing it would load "
            f"{md(plural(result.loaded, 'complaint'))}."
        )
    elif result.loaded:
        st.success(
            f"Imported {md(plural(result.loaded, 'complaint'))} from {md(result.file)} "
            f"(import #{result.batch_id:d}) into the complaint register."
        )
    else:
        st.warning(f"Nothing new was loaded from {md(result.file)} (import #{result.batch_id:d}).")
    tiles = st.columns(4)
    tiles[0].metric("Rows read", count(result.rows_read))
    tiles[1].metric("Would load" if result.dry_run else "Loaded", count(result.loaded))
    tiles[2].metric("Rejected", count(result.rejected))
    tiles[3].metric("Duplicates skipped", count(result.duplicates))
    st.caption(
        "Rows read = loaded + rejected + duplicates. A duplicate repeats a complaint already "
        "imported, or an earlier row of the file, exactly (the same complaint_id, the same "
        "content); it is skipped, not refused."
    )
    earlier = [batch for batch in result.earlier_imports if batch != result.batch_id]
    if earlier:
        st.info(
            "This exact file was imported before (import "
            + ", ".join(f"#{batch:d}" for batch in earlier)
            + "): what it holds is already stored."
        )
    if result.rejected:
        st.subheader("Rejected rows")
        st.caption(
            "One line per problem: a row refused for two reasons has two lines. Row numbers "
            "count the header as row 1, as a spreadsheet does. Fix the rows and import the file "
            "again; the rows already loaded will be skipped as duplicates."
        )
        first_only(result, len(result.rejects), result.problems, "problems")
        show_table(result.rejects.rename(columns=REJECT_HEADINGS), pinned="Row", wrap=["Reason"])
        csv_download(
            result.rejects,
            "Download the rejected rows (CSV)",
            f"rejected-{Path(result.file).stem or 'import'}.csv",
            key="download_complaint_rejects",
        )


upload = st.file_uploader(
    "File to import",
    key=UPLOAD_KEY,
    help="CSV (comma or semicolon, UTF-8 with or without BOM), Parquet, or a queue_log",
)
saved = saved_upload(upload)
if saved is not None:
    path, name = saved["path"], saved["name"]
    detected: str | None = None
    try:
        detected = (
            COMPLAINTS_FORMAT
            if complaint_imports.is_complaint_register(db, path, name)
            else importing.detect_format(db, path, name)
        )
    except importing.ImportFileError as exc:
        st.error(md(exc))
    choice = st.selectbox(
        "Format",
        CHOICES,
        index=CHOICES.index(detected) if detected else None,
        format_func=lambda f: TITLES[f] + (" (detected)" if f == detected else ""),
        placeholder="Choose the format",
        key=f"import_format_{saved['id']}",
    )
    zones = importing.time_zones(db)
    read_zone = st.selectbox(
        "Times without an offset are in",
        zones,
        index=zones.index(zone) if zone in zones else None,
        help="The time zone the file's local times were written in; the policy's by default. "
        "Times with an offset or Z are exact whatever is chosen.",
        key="import_timezone",
    )
    if choice == COMPLAINTS_FORMAT and read_zone is not None:
        complaint_register(saved, read_zone)
    elif choice is not None and read_zone is not None:
        contact_format = cast(Format, choice)  # not the complaints format: one of the others
        try:
            preview = importing.preview_file(
                db, path, viewer, read_zone, format=contact_format, file_name=name
            )
        except (importing.ImportFileError, importing.ImportOptionError) as exc:
            st.error(md(exc))
        else:
            st.subheader("The first rows, as they will be stored")
            st.caption(
                f"Shown in {md(zone)} time; “(new)” marks an agent the import would create, "
                "“(to link)” a phone interface nobody is linked to yet (see Names to link). "
                "Each row's own problems are listed; repeats and clashes with rows further down "
                "show when the whole file is checked."
            )
            show_table(local_times(preview.rows, TIME_COLUMNS), wrap=PREVIEW_WRAPPED)
            # Each button as wide as its label, the second under the first when both don't fit.
            buttons = st.container(horizontal=True)
            dry_run = buttons.button(
                "Check the whole file (nothing is stored)", icon=":material/fact_check:"
            )
            do_import = buttons.button(
                "Import", type="primary", icon=":material/upload:", key="import_button"
            )
            if dry_run or do_import:
                try:
                    with st.spinner("Reading and checking every row…"):
                        result = importing.import_file(
                            db,
                            path,
                            viewer,
                            read_zone,
                            format=contact_format,
                            dry_run=dry_run,
                            file_name=name,
                        )
                except (
                    importing.ImportFileError,
                    importing.ImportFailed,
                    importing.ImportOptionError,
                ) as exc:
                    st.error(md(exc))
                else:
                    st.session_state[RESULT_KEY] = (saved["id"], result)
                    if not dry_run:
                        data.clear_performance()  # the dashboard shows the new contacts now
                        st.rerun()  # and so does this page: the preview and the history
            kept = st.session_state.get(RESULT_KEY)
            if kept and kept[0] == saved["id"]:
                show_result(kept[1])


def names_to_link() -> None:
    """The interface names whose contacts nobody has yet, and a form to say who each is."""
    pending = agent_names.names_to_link(db, viewer)
    st.divider()
    st.subheader("Names to link")
    notice = st.session_state.pop(LINK_NOTICE_KEY, None)
    if notice:
        st.success(md(notice))
    if not pending:
        st.caption("No names to link: every imported contact someone answered has its person.")
        return
    st.caption(
        "A call log names the phone that took a call (PJSIP/201, Local/2004@from-internal), "
        "not the person. Its contacts are loaded and count as handled by nobody until you say "
        "once who the name is: linking gives them to that person, and later imports use the "
        "link."
        + ("" if viewer.role == "owner" else " You link your own team's contacts, to its agents.")
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Name": item.name,
                    "Format": FORMAT_TITLES.get(item.source, item.source),  # type: ignore[call-overload]
                    "Contacts": item.contacts,
                    "Linked to": item.linked_to or "",
                }
                for item in pending
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    people = agent_names.link_candidates(db, viewer)
    if not people:
        st.info("Nobody to link a name to yet: add the agents first.")
        return
    by_person = {person.id: person for person in people}
    # Chosen by (format, name): a name linked meanwhile is no longer offered, not replaced by
    # the next one in the list.
    by_name = {f"{item.source}:{item.name}": item for item in pending}
    with st.form("link_name_form", border=False):
        name_col, person_col = st.columns(2)
        chosen = name_col.selectbox(
            "Name",
            list(by_name),
            # The name alone: a label that changes (a count) was seen to stay as it was first
            # drawn on a select box with a key.
            format_func=lambda k: by_name[k].name,
            key="link_name",
        )
        person_id = person_col.selectbox(
            "Is",
            list(by_person),
            index=None,
            placeholder="Choose the person",
            format_func=lambda i: " · ".join(
                part for part in (by_person[i].name, by_person[i].team, by_person[i].email) if part
            ),
            key="link_person",
        )
        submitted = st.form_submit_button("Link", icon=":material/link:")
    if submitted:
        if person_id is None or chosen is None:
            st.error("Choose the name and the person it is.")
            return
        item = by_name[chosen]
        try:
            linked = agent_names.link_name(db, viewer, item.source, item.name, person_id)
        except agent_names.LinkError as exc:
            st.error(md(exc))
            return
        data.clear_performance()  # the dashboard shows the moved contacts now
        st.session_state[LINK_NOTICE_KEY] = (
            f"{linked.name} is linked to {linked.staff_name}: "
            f"{plural(linked.moved, 'contact')} given to them."
        )
        st.rerun()


def complaint_import_history() -> None:
    """The complaint registers imported (the viewer's own, for a supervisor), with their rejects."""
    history = complaint_imports.complaint_import_history(db, viewer)
    if not history:
        return
    st.divider()
    st.subheader("Complaint register imports")
    show_table(
        pd.DataFrame(
            [
                {
                    "Import": f"#{b.id}",
                    "When": local_time(b.imported_at, zone),
                    "File": b.file_name,
                    "By": name_only(b.imported_by),
                    "Read": b.rows_read,
                    "Loaded": b.loaded,
                    "Rejected": b.rejected,
                    "Duplicates": b.duplicates,
                }
                for b in history
            ]
        )
    )
    with_rejects = {b.id: b for b in history if b.rejected}
    if not with_rejects:
        return
    chosen = st.selectbox(
        "A complaint import with rejected rows",
        list(with_rejects),
        format_func=lambda i: f"#{i} · {with_rejects[i].file_name}",
        key="complaint_import_chosen",
    )
    csv_download(
        complaint_imports.complaint_batch_rejects(db, viewer, chosen),
        f"Download the rejected rows of import #{chosen:d} (CSV)",
        f"rejected-import-{chosen:d}.csv",
        key="download_complaint_batch_rejects",
    )


names_to_link()
complaint_import_history()

st.divider()
st.subheader("Imports")
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.success(md(notice))
history = importing.import_history(db, viewer)
if not history:
    st.info("No imports yet." if viewer.role == "owner" else "You have not imported anything yet.")
    st.stop()


def state(batch: importing.ImportBatch) -> str:
    if batch.removed_at is None:
        return "stored" if batch.loaded else "nothing loaded"
    return f"removed {local_time(batch.removed_at, zone)} by {name_only(batch.removed_by or '')}"


show_table(
    pd.DataFrame(
        [
            {
                "Import": f"#{b.id}",
                "When": local_time(b.imported_at, zone),
                "File": b.file_name,
                "Format": b.format,
                "By": name_only(b.imported_by),
                "Read": b.rows_read,
                "Loaded": b.loaded,
                "Rejected": b.rejected,
                "Duplicates": b.duplicates,
                "Warnings": b.warnings,
                "State": state(b),
            }
            for b in history
        ]
    )
)
st.caption(f"Times in {md(zone)}.")

by_id = {batch.id: batch for batch in history}
chosen = st.selectbox(
    "An import",
    list(by_id),
    format_func=lambda i: f"#{i} · {by_id[i].file_name} · {local_time(by_id[i].imported_at, zone)}",
    key="import_chosen",
)
batch = by_id[chosen]
rejects = importing.batch_rejects(db, viewer, batch.id)
if not rejects.empty:
    csv_download(
        rejects,
        f"Download the rejected rows of import #{batch.id:d} (CSV)",
        f"rejected-import-{batch.id:d}.csv",
        key="download_batch_rejects",
    )
warnings = importing.batch_warnings(db, viewer, batch.id)
if not warnings.empty:
    csv_download(
        warnings,
        f"Download the warnings of import #{batch.id:d} (CSV)",
        f"warnings-import-{batch.id:d}.csv",
        key="download_batch_warnings",
    )
if batch.removed_at is not None:
    st.caption(f"Import #{batch.id:d} was {md(state(batch))}.")
elif batch.loaded == 0:
    st.caption(f"Import #{batch.id:d} loaded nothing, so there is nothing to remove.")
else:
    st.markdown(
        f"**Remove import #{batch.id:d}**: deletes the {count(batch.loaded)} contacts it loaded "
        "and their ratings, everywhere in the dashboard. Staff and teams it created stay. "
        "The import stays in this list, marked removed."
    )
    sure = st.checkbox(
        f"Yes, delete the {count(batch.loaded)} contacts of import #{batch.id:d}",
        key=f"import_remove_sure_{batch.id}",
    )
    if st.button(
        f"Remove import #{batch.id:d}",
        disabled=not sure,
        icon=":material/delete:",
        key="import_remove",
    ):
        removed = importing.remove_batch(db, viewer, batch.id)
        data.clear_performance()
        st.session_state[NOTICE_KEY] = (
            f"Import #{removed.batch_id} removed: {plural(removed.interactions, 'contact')} and "
            f"{plural(removed.feedback, 'rating')} deleted."
        )
        st.rerun()
