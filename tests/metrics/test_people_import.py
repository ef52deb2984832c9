"""Importing a staff list from CSV (issue 11, item 2): any order and case of the columns, UTF-8
with or without a BOM, comma or semicolon; rows read = loaded + rejected + duplicates; every
reject with row, field, value and reason; nothing written by a dry run or a failure; a
supervisor's file is held to agents of their own team."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.people_import import StaffFileError, import_staff
from metrics.store import Database

SAMPLE = Path(__file__).parents[2] / "data" / "samples" / "staff.csv"


@pytest.fixture
def org(db: Database) -> dict[str, Viewer]:
    add_team(db, "Front")
    add_team(db, "Back")
    sup = add_staff(
        db, NewStaffMember(name="Sam Sup", email="sup@x.example", role="supervisor", team="Front")
    )
    ann = add_staff(
        db, NewStaffMember(name="Ann Agent", email="ann@x.example", role="agent", team="Front")
    )
    sup_viewer, ann_viewer = staff_viewer(db, sup), staff_viewer(db, ann)
    assert sup_viewer is not None and ann_viewer is not None
    return {"owner": Viewer.local_admin(), "sup": sup_viewer, "ann": ann_viewer}


def write(tmp_path: Path, text: str, bom: bool = False) -> Path:
    path = tmp_path / "staff.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def people(db: Database) -> list[tuple]:
    return db.execute(
        "SELECT s.name, s.email, t.name, s.role, s.password_hash IS NULL"
        " FROM staff s LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.id"
    ).fetchall()


# Rows 2..10 (the header is row 1): what each does is worked out beside it.
FILE = (
    "Role;E-mail;Team;Name;Extension\n"
    "agent;Cy@X.example;Front;Cy Agent;201\n"  # 2 loaded (e-mail in lower case)
    "agent;ann@x.example;Front;Ann Agent;\n"  # 3 duplicate: on the staff with these values
    "supervisor;sup@x.example;Back;Sam Sup;\n"  # 4 rejected: on the staff in Front
    "boss;dan@x.example;Front;Dan;\n"  # 5 rejected: no such role
    "agent;;Front;Eve;\n"  # 6 rejected: no e-mail
    "agent;fay@x.example;Night;Fay;\n"  # 7 loaded, with the new team Night
    "agent;cy@x.example;Front;Cy Agent;\n"  # 8 duplicate of row 2
    "agent;gus@x.example;Front;;\n"  # 9 rejected: no name
    "owner;not-an-address;;Hal;\n"  # 10 rejected: not an e-mail
)


@pytest.mark.parametrize("bom", [False, True])
def test_every_row_is_loaded_rejected_or_a_duplicate(
    db: Database, org: dict[str, Viewer], tmp_path: Path, bom: bool
) -> None:
    result = import_staff(db, write(tmp_path, FILE, bom), org["owner"])
    assert (result.rows_read, result.loaded, result.rejected, result.duplicates) == (9, 2, 5, 2)
    assert result.rows_read == result.loaded + result.rejected + result.duplicates
    assert result.new_teams == ["Night"]
    assert result.new_people == ["Cy Agent <cy@x.example>", "Fay <fay@x.example>"]
    rejects = result.rejects.to_dict("records")
    assert [(r["row"], r["field"], r["value"]) for r in rejects] == [
        (4, "email", "sup@x.example"),
        (5, "role", "boss"),
        (6, "email", ""),
        (9, "name", ""),
        (10, "email", "not-an-address"),
    ]
    assert rejects[0]["reason"].startswith("already on the staff as Sam Sup, Front, supervisor")
    assert rejects[1]["reason"] == "not a role; use agent, supervisor or owner"
    assert rejects[2]["reason"] == rejects[3]["reason"] == "required"
    assert rejects[4]["reason"] == "not an e-mail address"
    assert people(db)[2:] == [
        ("Cy Agent", "cy@x.example", "Front", "agent", True),
        ("Fay", "fay@x.example", "Night", "agent", True),
    ]
    again = import_staff(db, write(tmp_path, FILE, bom), org["owner"])
    assert (again.loaded, again.rejected, again.duplicates) == (0, 5, 4)  # nothing twice


def test_one_email_twice_with_different_values_rejects_every_row_of_it(
    db: Database, org: dict[str, Viewer], tmp_path: Path
) -> None:
    text = "name,email,team,role\nIda,ida@x.example,Front,agent\nIda,ida@x.example,Back,agent\n"
    result = import_staff(db, write(tmp_path, text), org["owner"])
    assert (result.loaded, result.rejected) == (0, 2)
    assert set(result.rejects["reason"]) == {
        "appears in the file with different values (rows 2, 3)"
    }


def test_a_dry_run_writes_nothing(db: Database, org: dict[str, Viewer], tmp_path: Path) -> None:
    before = people(db)
    result = import_staff(db, write(tmp_path, FILE), org["owner"], dry_run=True)
    assert (result.loaded, result.new_teams, result.dry_run) == (2, ["Night"], True)
    assert people(db) == before
    assert db.execute("SELECT count(*) FROM teams").fetchone() == (2,)


def test_a_supervisors_file_holds_agents_of_their_own_team_only(
    db: Database, org: dict[str, Viewer], tmp_path: Path
) -> None:
    text = (
        "name,email,team,role\n"
        "Jo,jo@x.example,Front,agent\n"  # 2 loaded
        "Kim,kim@x.example,,agent\n"  # 3 loaded into Front, theirs
        "Lee,lee@x.example,Back,agent\n"  # 4 rejected: another team
        "Max,max@x.example,Front,supervisor\n"  # 5 rejected: not an agent
        "Ned,ned@x.example,Night,agent\n"  # 6 rejected: another (new) team
        "Ann,ann@x.example,Front,agent\n"  # 7 rejected: Ann Agent, of their team, renamed
        "Sam,sup@x.example,Front,agent\n"  # 8 rejected: their own e-mail, a supervisor's
        "Bea,bea@x.example,Front,agent\n"  # 9 rejected: Back's Bea, named to nobody
    )
    add_staff(db, NewStaffMember(name="Bea Back", email="bea@x.example", role="agent", team="Back"))
    result = import_staff(db, write(tmp_path, text), org["sup"])
    assert (result.loaded, result.rejected, result.new_teams) == (2, 6, [])
    assert [(r["row"], r["field"]) for r in result.rejects.to_dict("records")] == [
        (4, "team"),
        (5, "role"),
        (6, "team"),
        (7, "email"),
        (8, "email"),
        (9, "email"),
    ]
    reasons = list(result.rejects["reason"])
    assert reasons[0] == "a supervisor imports into their own team (Front) only"
    assert reasons[3].startswith("already on the staff as Ann Agent, Front, agent;")
    assert reasons[4].startswith("already on the staff as Sam Sup, Front, supervisor;")
    assert reasons[5] == "already has an account outside your team; ask an owner"
    assert people(db)[3:] == [
        ("Jo", "jo@x.example", "Front", "agent", True),
        ("Kim", "kim@x.example", "Front", "agent", True),
    ]
    with pytest.raises(AccessDenied):
        import_staff(db, write(tmp_path, text), org["ann"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "staff.csv: the file is empty"),
        ("name,team\nA,Front\n", "staff.csv: row 1: the header lacks email, role"),
        ('name,email,team,role\n"A,a@x.example\n', "staff.csv: not a readable CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_says_so_in_one_line(
    db: Database, org: dict[str, Viewer], tmp_path: Path, text: str, message: str
) -> None:
    before = people(db)
    with pytest.raises(StaffFileError, match=message) as raised:
        import_staff(db, write(tmp_path, text), org["owner"])
    assert "\n" not in str(raised.value)
    assert people(db) == before


def test_the_sample_file_imports_cleanly(db: Database, org: dict[str, Viewer]) -> None:
    result = import_staff(db, SAMPLE, org["owner"], dry_run=True)
    assert result.rows_read == result.loaded > 0 and result.rejected == 0
