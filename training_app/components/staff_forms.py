"""The Staff page's forms: adding and changing people, importing a staff list, teams and the
session length. Each calls one `metrics` function, which decides inside its transaction whether
this viewer may (owners anyone, supervisors their own team's agents); the forms only offer what
the viewer may choose, and say why when the store refuses."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from metrics import auth, people_import
from metrics.people import (
    MIN_PASSWORD_LENGTH,
    AccessDenied,
    NewStaffMember,
    PeopleError,
    StaffChange,
    StaffMember,
    Team,
    Viewer,
    add_member,
    create_team,
    may_manage,
    rename_team,
    update_member,
)
from modules.policy import Role
from training_app import data
from training_app.components.formatting import count, local_time
from training_app.components.performance_tables import csv_download
from training_app.components.text import md, md_bullets

NOTICE_KEY = "staff_notice"
IMPORT_RESULT_KEY = "staff_import_result"
PERSON_KEY = "change_person"
ADDED_KEY = "people_added"
KEEP_PERSON_KEY = "change_person_kept"
ROLES_BY_MANAGER: dict[Role, list[Role]] = {
    "owner": ["agent", "supervisor", "owner"],
    "supervisor": ["agent"],
    "agent": [],
}
FIELD_LABELS = {
    "name": "Full name",
    "email": "E-mail",
    "role": "Role",
    "team": "Team",
    "password": "Temporary password",
}
NO_TEAM = "No team"
REJECT_HEADINGS = {"row": "Row", "field": "Field", "value": "Value", "reason": "Reason"}
TEMPORARY_HELP = (
    f"At least {MIN_PASSWORD_LENGTH:d} characters. Tell it to them in person or by phone: at "
    "their first sign-in they must choose their own before anything else."
)


def done(notice: str, person: int | None = None) -> None:
    """After a write: the notice is shown at the top of the page on the rerun, with the person
    changed still chosen."""
    st.session_state[NOTICE_KEY] = notice
    if person is not None:
        st.session_state[KEEP_PERSON_KEY] = person
    data.clear_performance()  # team sizes and names feed the dashboard's numbers
    st.rerun()


def problems(exc: ValidationError) -> str:
    """A form's invalid fields, named as the form labels them."""
    lines = []
    for error in exc.errors():
        field = FIELD_LABELS.get(str(error["loc"][0]), "Form") if error["loc"] else "Form"
        if error["type"] == "string_pattern_mismatch":
            lines.append(f"{field}: that is not an e-mail address")
        elif error["type"] in ("string_too_short", "missing"):
            lines.append(f"{field}: required")
        else:
            lines.append(f"{field}: {str(error['msg']).removeprefix('Value error, ')}")
    return "; ".join(lines)


def attempt(refused: str, write: Callable[[], str], person: int | None = None) -> None:
    """Run a write; its refusal is one line starting with `refused`, its success a notice."""
    try:
        notice = write()
    except ValidationError as exc:
        st.error(f"{md(refused)}: {md(problems(exc))}.")
    except (PeopleError, AccessDenied) as exc:
        st.error(f"{md(refused)}: {md(exc)}.")
    else:
        done(notice, person)


def team_names(viewer: Viewer, teams: list[Team]) -> list[str]:
    """The teams this viewer may put someone in: a supervisor's own only."""
    names = [team.name for team in teams if viewer.role == "owner" or team.id == viewer.team_id]
    return [NO_TEAM, *names] if viewer.role == "owner" else names


def add_person(viewer: Viewer, teams: list[Team]) -> None:
    # A refused form keeps what was typed, to be corrected; an added person's form starts
    # empty, as a new form (widgets of new keys) for the next person.
    added_so_far = st.session_state.get(ADDED_KEY, 0)
    with st.form(f"add_person_{added_so_far}", clear_on_submit=False, enter_to_submit=False):
        name = st.text_input("Full name", max_chars=200)
        email = st.text_input("E-mail", max_chars=auth.MAX_EMAIL_LENGTH)
        left, right = st.columns(2)
        role = left.selectbox("Role", ROLES_BY_MANAGER[viewer.role])
        choices = team_names(viewer, teams)
        team = right.selectbox("Team", choices)
        password = st.text_input(
            "Temporary password (optional)", type="password", help=TEMPORARY_HELP
        )
        added = st.form_submit_button("Add this person", type="primary", icon=":material/add:")
    if viewer.role == "supervisor":
        st.caption("A supervisor adds agents to their own team; an owner adds anyone anywhere.")
    if not added:
        return

    def write() -> str:
        new = NewStaffMember(
            name=name,
            email=email.strip() or None,
            role=role,
            team=None if team in (None, NO_TEAM) else team,
            password=password or None,
        )
        add_member(data.db(), viewer, new)
        st.session_state[ADDED_KEY] = added_so_far + 1
        sign_in = (
            "they choose their own password at their first sign-in"
            if new.password
            else "they cannot sign in until someone sets a temporary password for them"
        )
        return f"{new.name} is added as {new.role}; {sign_in}."

    attempt("Not added", write)


def change_person(viewer: Viewer, members: list[StaffMember], teams: list[Team]) -> None:
    by_id = {m.id: m for m in members if may_manage(viewer, m) and m.id != viewer.staff_id}
    if not by_id:
        st.info("Nobody here you may change yet.")
        return
    # The person just changed stays chosen, though their name or e-mail (the label) changed.
    kept = st.session_state.pop(KEEP_PERSON_KEY, None)
    if kept in by_id:
        st.session_state[PERSON_KEY] = kept
    chosen = st.selectbox(
        "Person",
        list(by_id),
        format_func=lambda staff_id: (
            f"{by_id[staff_id].name} <{by_id[staff_id].email or 'no e-mail'}> · "
            f"{by_id[staff_id].role}" + ("" if by_id[staff_id].active else " · deactivated")
        ),
        key=PERSON_KEY,
    )
    if chosen is None:
        return
    person = by_id[chosen]
    roles = ROLES_BY_MANAGER[viewer.role]
    choices = team_names(viewer, teams)
    with st.form(f"edit_person_{person.id}", enter_to_submit=False):
        name = st.text_input(
            "Full name", value=person.name, max_chars=200, key=f"edit_name_{person.id}"
        )
        email = st.text_input(
            "E-mail",
            value=person.email or "",
            max_chars=auth.MAX_EMAIL_LENGTH,
            key=f"edit_email_{person.id}",
        )
        left, right = st.columns(2)
        role = left.selectbox(
            "Role", roles, index=roles.index(person.role), key=f"edit_role_{person.id}"
        )
        current = person.team or NO_TEAM
        team = right.selectbox(
            "Team",
            choices,
            index=choices.index(current) if current in choices else 0,
            key=f"edit_team_{person.id}",
        )
        saved = st.form_submit_button("Save changes", icon=":material/save:")
    if saved:

        def write() -> str:
            change = StaffChange(
                name=name,
                email=email.strip() or None,
                role=role,
                team=None if team in (None, NO_TEAM) else team,
            )
            update_member(data.db(), viewer, person.id, change)
            return f"{change.name} is saved: {change.role}, {change.team or 'no team'}."

        attempt("Not saved", write, person.id)

    with st.form(f"password_{person.id}", clear_on_submit=True, enter_to_submit=False):
        password = st.text_input(
            "New temporary password",
            type="password",
            help=TEMPORARY_HELP,
            key=f"temporary_{person.id}",
        )
        reset = st.form_submit_button(
            "Reset the password" if person.can_sign_in else "Set a password",
            icon=":material/key:",
        )
    if reset:

        def set_password() -> str:
            auth.set_temporary_password(data.db(), viewer, person.id, password)
            return (
                f"{person.name} has a temporary password: their open sessions ended, and they "
                "choose their own at their next sign-in."
            )

        attempt("Not set", set_password, person.id)

    action = "Deactivate" if person.active else "Reactivate"
    if st.button(action, key=f"toggle_active_{person.id}", icon=":material/person_off:"):

        def toggle() -> str:
            auth.set_member_active(data.db(), viewer, person.id, not person.active)
            if person.active:
                return (
                    f"{person.name} is deactivated: their open sessions ended and they cannot "
                    "sign in (their records are kept)."
                )
            return f"{person.name} may sign in again."

        attempt("Not changed", toggle, person.id)


def import_staff_list(viewer: Viewer) -> None:
    st.caption(
        "A CSV file with the columns name, email, team and role (any order and case; comma or "
        "semicolon; UTF-8). New people are added without a password. Someone already on the "
        "staff with the same values is skipped as a duplicate; with other values the row is "
        "rejected (change them above). Check the file first: nothing is stored until you import."
        + (" A supervisor imports agents of their own team." if viewer.role == "supervisor" else "")
    )
    upload = st.file_uploader("Staff list (CSV)", type=["csv"], key="staff_upload")
    if upload is None:
        st.session_state.pop(IMPORT_RESULT_KEY, None)
        return
    check, run, _ = st.columns([1.4, 0.8, 1.8])
    dry_run = check.button("Check the file (nothing is stored)", icon=":material/fact_check:")
    do_import = run.button("Import", type="primary", icon=":material/upload:", key="staff_import")
    if dry_run or do_import:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.csv"  # the person's file name is shown, never a path
            path.write_bytes(upload.getvalue())
            try:
                result = people_import.import_staff(
                    data.db(), path, viewer, dry_run=dry_run, file_name=upload.name
                )
            except (people_import.StaffFileError, PeopleError, AccessDenied) as exc:
                st.error(md(exc))
                return
        st.session_state[IMPORT_RESULT_KEY] = (upload.file_id, result)
        if not dry_run:
            data.clear_performance()
            st.rerun()  # the staff list above shows the people added; the result stays
    kept = st.session_state.get(IMPORT_RESULT_KEY)
    if kept and kept[0] == upload.file_id:
        show_import(kept[1])


def people(n: int) -> str:
    return f"{count(n)} {'person' if n == 1 else 'people'}"


def show_import(result: people_import.StaffImportResult) -> None:
    if result.dry_run:
        st.info(
            f"Checked {md(result.file)}: nothing was stored. Importing it would add "
            f"{people(result.loaded)}."
        )
    else:
        st.success(f"Imported {md(result.file)}: {people(result.loaded)} added.")
    tiles = st.columns(4)
    tiles[0].metric("Rows read", count(result.rows_read))
    tiles[1].metric("Would add" if result.dry_run else "Added", count(result.loaded))
    tiles[2].metric("Rejected", count(result.rejected))
    tiles[3].metric("Duplicates", count(result.duplicates))
    st.caption("Rows read = added + rejected + duplicates.")
    made = "would be created" if result.dry_run else "created"
    if result.new_teams:
        st.markdown(f"**New teams {made}:**\n\n" + md_bullets(result.new_teams))
    if result.rejected:
        st.markdown("**Rejected rows** (the header is row 1, as in a spreadsheet):")
        rejects = result.rejects.rename(columns=REJECT_HEADINGS)
        st.dataframe(rejects, hide_index=True, width="stretch")
        csv_download(
            rejects, "Download the rejected rows (CSV)", f"rejected-{Path(result.file).stem}.csv"
        )


def teams_section(viewer: Viewer, teams: list[Team]) -> None:
    """Owners: the teams with their size, adding and renaming."""
    st.dataframe(
        pd.DataFrame(
            [
                {"Team": t.name, "Active agents": t.agents, "Supervisors": ", ".join(t.supervisors)}
                for t in teams
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    left, right = st.columns(2)
    with left.form("add_team", clear_on_submit=True, enter_to_submit=False):
        name = st.text_input("New team", max_chars=200)
        if st.form_submit_button("Add the team", icon=":material/group_add:"):

            def add() -> str:
                create_team(data.db(), viewer, name)
                return f"Team {name.strip()} is added."

            attempt("Not added", add)
    if teams:
        with right.form("rename_team", enter_to_submit=False):
            team = st.selectbox("Team to rename", teams, format_func=lambda t: t.name)
            new_name = st.text_input("New name", max_chars=200)
            if st.form_submit_button("Rename", icon=":material/edit:") and team is not None:

                def rename() -> str:
                    rename_team(data.db(), viewer, team.id, new_name)
                    return f"{team.name} is now called {new_name.strip()}."

                attempt("Not renamed", rename)


def session_length(viewer: Viewer) -> None:
    """Owners: how long a sign-in lasts before the person signs in again."""
    hours = auth.session_lifetime(data.db()).total_seconds() / 3600
    with st.form("session_hours", enter_to_submit=False):
        chosen = st.number_input(
            "A sign-in lasts (hours)",
            min_value=auth.MIN_SESSION_HOURS,
            max_value=auth.MAX_SESSION_HOURS,
            value=hours,
            step=0.5,
            help="Sign-ins made from now on last this long; those open now keep their end.",
        )
        if st.form_submit_button("Save", icon=":material/schedule:"):

            def save() -> str:
                auth.set_session_hours(data.db(), viewer, float(chosen))
                return f"A sign-in now lasts {float(chosen):g} hours."

            attempt("Not saved", save)


def sign_in_section(viewer: Viewer) -> None:
    """Owners: how long a sign-in lasts, and unlocking accounts locked by guessing."""
    session_length(viewer)
    zone = data.policy().policy.business_hours.timezone
    locked = auth.locked_accounts(data.db(), viewer)
    if not locked:
        st.caption(
            f"No account is locked. An e-mail is locked after {auth.LOCK_AFTER_FAILURES:d} "
            "wrong passwords in a row, until an owner unlocks it here."
        )
    else:
        st.markdown(
            f"**Locked after {auth.LOCK_AFTER_FAILURES:d} wrong passwords in a row.** Unlock "
            "an account once you know its owner was the one trying (or has a new password); "
            "an e-mail nobody on the staff has means someone guessed addresses."
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "E-mail": a.email,
                        "Staff member": a.name or "nobody on the staff",
                        "Wrong passwords": a.failures,
                        f"Last try ({zone})": local_time(a.last_failure_at, zone),
                    }
                    for a in locked
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        to_unlock = st.selectbox("Account to unlock", [a.email for a in locked])
        if st.button("Unlock", icon=":material/lock_open:", key="unlock") and to_unlock is not None:
            auth.unlock(data.db(), viewer, to_unlock)
            # The e-mail is as someone typed it on the sign-in page: shown as text (md()).
            st.session_state[NOTICE_KEY] = f"{to_unlock} is unlocked and may sign in again."
            st.rerun()
