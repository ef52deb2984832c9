"""The Staff page manages staff (issue 11, item 2): an owner adds, edits, moves, deactivates
and gives a temporary password to anyone, adds and renames teams and sets how long a sign-in
lasts; a supervisor is offered only agents of their own team, and the store refuses the rest;
a staff CSV is checked first, then imported, its rejects shown and downloadable. Agents do not
reach the page (tests/training_app/test_pages.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from metrics import auth
from metrics.demo.people import DEMO_ACCOUNTS
from metrics.people import Viewer
from metrics.store import open_database
from tests.training_app.apptest import app_as
from training_app.components.text import md


def staff_page(viewer: Viewer):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    return at


def open_section(at, name: str):  # type: ignore[no-untyped-def]
    at.radio(key="staff_section").set_value(name).run()
    assert not at.exception
    return at


def by_label(widgets, label: str):  # type: ignore[no-untyped-def]
    [found] = [w for w in widgets if w.label == label]
    return found


def button(at, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def stored(db_path: Path, email: str) -> tuple:
    db = open_database(db_path)
    try:
        return db.execute(
            "SELECT s.name, s.role, t.name, s.active, s.must_choose_password"
            " FROM staff s LEFT JOIN teams t ON t.id = s.team_id WHERE s.email = ?",
            [email],
        ).fetchone()  # type: ignore[return-value]
    finally:
        db.close()


def adding(widgets, label: str):  # type: ignore[no-untyped-def]
    """A field of the form that adds a person (the page has others of the same label)."""
    [found] = [w for w in widgets if w.label == label and w.form_id.startswith("add_person")]
    return found


def add(at, name: str, email: str, role: str, team: str, password: str = "") -> None:  # type: ignore[no-untyped-def]
    adding(at.text_input, "Full name").input(name)
    adding(at.text_input, "E-mail").input(email)
    adding(at.selectbox, "Role").select(role)
    adding(at.selectbox, "Team").select(team)
    adding(at.text_input, "Temporary password (optional)").input(password)
    button(at, "Add this person").click().run()


def test_an_owner_adds_a_supervisor_with_a_temporary_password(viewers, demo_db_path: Path) -> None:
    at = staff_page(viewers["owner"])
    assert adding(at.selectbox, "Role").options == ["agent", "supervisor", "owner"]
    assert adding(at.selectbox, "Team").options[0] == "No team"
    add(at, "Rosa Nueva", "Rosa@Example.com", "supervisor", "Billing", "a temporary one")
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Rosa Nueva is added as supervisor")
    assert adding(at.text_input, "Full name").value == ""  # a new, empty form for the next
    assert stored(demo_db_path, "rosa@example.com") == (
        "Rosa Nueva",
        "supervisor",
        "Billing",
        True,
        True,
    )
    shown = at.dataframe[0].value
    assert shown.loc[shown["Name"] == "Rosa Nueva", "Sign-in"].tolist() == ["temporary password"]
    # A taken e-mail is refused in one line, naming it; nothing is added.
    add(at, "Rosa Again", "rosa@example.com", "agent", "Billing")
    assert [e.value for e in at.error] == [
        f"Not added: {md('rosa@example.com already has an account')}."
    ]


def test_a_supervisor_is_offered_only_agents_of_their_own_team(viewers, demo_db_path: Path) -> None:
    at = staff_page(viewers["supervisor"])
    assert adding(at.selectbox, "Role").options == ["agent"]
    assert adding(at.selectbox, "Team").options == ["Front line"]
    assert at.radio(key="staff_section").options == [
        "Add a person",
        "Change a person",
        "Import a staff list",
    ]
    add(at, "Tom Nowy", "tom@example.com", "agent", "Front line")
    assert stored(demo_db_path, "tom@example.com") == (
        "Tom Nowy",
        "agent",
        "Front line",
        True,
        False,
    )
    open_section(at, "Change a person")
    people = at.selectbox(key="change_person").options
    assert people and all(" · agent" in person for person in people)
    assert not [p for p in people if DEMO_ACCOUNTS["supervisor"] in p]


def test_an_owner_moves_deactivates_and_resets_someone(viewers, demo_db_path: Path) -> None:
    agent = DEMO_ACCOUNTS["agent"]
    db = open_database(demo_db_path)
    token = auth.start_session(db, viewers["agent"].staff_id, "elsewhere")
    db.close()
    at = open_section(staff_page(viewers["owner"]), "Change a person")
    chooser = at.selectbox(key="change_person")
    assert [option for option in chooser.options if f"<{agent}>" in option]
    chooser.select(viewers["agent"].staff_id).run()
    at.selectbox(key=f"edit_team_{viewers['agent'].staff_id}").select("Billing")
    button(at, "Save changes").click().run()
    assert not at.error, [e.value for e in at.error]
    assert stored(demo_db_path, agent)[2] == "Billing"

    at.text_input(key=f"temporary_{viewers['agent'].staff_id}").input("reset by owner")
    button(at, "Reset the password").click().run()
    assert not at.error, [e.value for e in at.error]
    assert stored(demo_db_path, agent)[4] is True
    db = open_database(demo_db_path)
    assert auth.session_end(db, token) == auth.PASSWORD_CHANGED  # their sessions ended
    db.close()

    button(at, "Deactivate").click().run()
    assert "is deactivated" in at.success[0].value
    assert stored(demo_db_path, agent)[3] is False
    button(at, "Reactivate").click().run()
    assert stored(demo_db_path, agent)[3] is True


def test_an_owner_adds_and_renames_teams_and_sets_the_session_length(
    viewers, demo_db_path: Path
) -> None:
    at = open_section(staff_page(viewers["owner"]), "Teams")
    by_label(at.text_input, "New team").input("Night shift")
    button(at, "Add the team").click().run()
    assert at.success[0].value == "Team Night shift is added."
    rename = by_label(at.selectbox, "Team to rename")
    rename.select_index(rename.options.index("Night shift"))
    by_label(at.text_input, "New name").input("Nights")
    button(at, "Rename").click().run()
    assert at.success[0].value == "Night shift is now called Nights."
    open_section(at, "Sign-in")
    assert by_label(at.number_input, "A sign-in lasts (hours)").value == 8
    by_label(at.number_input, "A sign-in lasts (hours)").set_value(12.5)
    button(at, "Save").click().run()
    assert at.success[0].value == "A sign-in now lasts 12.5 hours."
    db = open_database(demo_db_path)
    assert auth.session_lifetime(db) == timedelta(hours=12.5)
    assert ("Nights",) in db.execute("SELECT name FROM teams").fetchall()
    db.close()


STAFF_FILE = (
    b"name;email;team;role\n"
    b"Uma Neu;uma@example.com;Front line;agent\n"
    b"Vic Other;vic@example.com;Billing;agent\n"
    b"Wes Boss;wes@example.com;Front line;supervisor\n"
)


def test_a_supervisor_checks_then_imports_a_staff_list_and_reads_its_rejects(
    viewers, demo_db_path: Path
) -> None:
    at = open_section(staff_page(viewers["supervisor"]), "Import a staff list")
    at.file_uploader(key="staff_upload").set_value(("team.csv", STAFF_FILE, "text/csv"))
    at.run()
    button(at, "Check the file (nothing is stored)").click().run()
    assert not at.exception and not at.error
    assert "Checked team.csv: nothing was stored" in at.info[0].value
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {"Rows read": "3", "Would add": "1", "Rejected": "2", "Duplicates": "0"}
    assert stored(demo_db_path, "uma@example.com") is None
    button(at, "Import").click().run()
    assert stored(demo_db_path, "uma@example.com") == (
        "Uma Neu",
        "agent",
        "Front line",
        True,
        False,
    )
    assert stored(demo_db_path, "vic@example.com") is None
    rejects = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(rejects["Row"]) == [3, 4]
    assert list(rejects["Field"]) == ["team", "role"]
    assert [b.label for b in at.get("download_button")] == [
        "Download the staff list (CSV)",
        "Download the rejected rows (CSV)",
    ]


def test_someone_with_a_temporary_password_is_sent_to_choose_their_own_from_every_page(
    viewers, demo_db_path: Path
) -> None:
    db = open_database(demo_db_path)
    auth.set_temporary_password(db, viewers["owner"], viewers["agent"].staff_id, "temporary one")
    db.close()
    at = app_as(viewers["agent"]).run()
    assert not at.exception
    assert not at.title  # no page of the app, not even Home
    sent = [str(element.proto.body) for element in at.get("html")]
    assert any("/choose-password?next=" in body for body in sent)
    assert [c.value for c in at.caption] == [
        "You signed in with a temporary password: choose your own first…"
    ]
