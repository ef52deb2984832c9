"""Agents named without an e-mail: a name is matched to one person or refused, never doubled;
an Asterisk interface name (PJSIP/201) is no person at all. Small files written here, the
expected staff and contacts worked out beside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.contacts import imports as importing
from metrics.contacts.imports import import_file, preview_file
from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database

ZONE = "Europe/Zagreb"
OWNER = Viewer.local_admin()
HEADER = "interaction_id,channel,agent_name,team,queued_at,answered_at"
ANSWERED = "2026-03-02 09:00,2026-03-02 09:01"


def write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(db: Database, path: Path, viewer: Viewer = OWNER) -> importing.ImportResult:
    result = import_file(db, path, viewer, ZONE)
    assert result.rows_read == result.loaded + result.rejected + result.duplicates
    return result


def staff_named(db: Database, name: str) -> list[tuple[str, str | None]]:
    return db.execute(
        "SELECT s.email, t.name FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
        " WHERE s.name = ? ORDER BY s.id",
        [name],
    ).fetchall()


def agent_of(db: Database, external_id: str) -> str | None:
    row = db.execute(
        "SELECT s.email FROM interactions i LEFT JOIN staff s ON s.id = i.agent_id"
        " WHERE i.external_id = ?",
        [external_id],
    ).fetchone()
    assert row is not None, external_id
    return row[0]


def by_row(result: importing.ImportResult) -> dict[int, tuple[str, str, str]]:
    return {int(r.row): (r.field, r.value, r.reason) for r in result.rejects.itertuples()}


def people(db: Database) -> None:
    for team in ("Front line", "Back office", "Billing"):
        add_team(db, team)
    for name, email, team in [
        ("Marija Šimić", "marija@x.example", "Back office"),
        ("Noa Levi", "noa.front@x.example", "Front line"),
        ("Noa Levi", "noa.billing@x.example", "Billing"),
        ("Ivo Ivić", "ivo1@x.example", "Billing"),
        ("Ivo Ivić", "ivo2@x.example", "Billing"),
    ]:
        add_staff(db, NewStaffMember(name=name, email=email, role="agent", team=team))


def test_a_name_in_another_team_or_shared_is_refused_and_creates_nobody(
    db: Database, tmp_path: Path
) -> None:
    people(db)
    staff_before = db.execute("SELECT count(*) FROM staff").fetchone()
    path = write(
        tmp_path,
        "names.csv",
        [
            HEADER,
            f"M1,phone,Marija Šimić,Front line,{ANSWERED}",  # row 2: she is in Back office
            f"M2,phone,Marija Šimić,Back office,{ANSWERED}",  # 3: her own team: her
            f"M3,phone,Marija Šimić,,{ANSWERED}",  # 4: no team: the only Marija
            f"M4,phone,Noa Levi,,{ANSWERED}",  # 5: two Noas, no team to tell them apart
            f"M5,phone,Noa Levi,Billing,{ANSWERED}",  # 6: the one Noa of Billing
            f"M6,phone,Ivo Ivić,Billing,{ANSWERED}",  # 7: two Ivos in Billing
            f"M7,phone,Ivo Ivić,Front line,{ANSWERED}",  # 8: two Ivos elsewhere
            f"M8,phone,Nina Nova,Front line,{ANSWERED}",  # 9: nobody has the name: new
        ],
    )
    preview = preview_file(db, path, OWNER, ZONE).rows
    result = run(db, path)
    assert (result.loaded, result.rejected) == (4, 4)
    assert by_row(result) == {
        2: (
            "agent_name",
            "Marija Šimić",
            "Marija Šimić is in Back office, not Front line: give the agent's e-mail or fix"
            " the team",
        ),
        5: ("agent_name", "Noa Levi", "2 staff are named Noa Levi: give the agent's e-mail"),
        7: ("agent_name", "Ivo Ivić", "2 staff are named Ivo Ivić: give the agent's e-mail"),
        8: ("agent_name", "Ivo Ivić", "2 staff are named Ivo Ivić: give the agent's e-mail"),
    }
    assert result.new_agents == ["Nina Nova"]
    (after,) = db.execute("SELECT count(*) FROM staff").fetchone() or (0,)
    assert after == staff_before[0] + 1  # type: ignore[index]
    assert staff_named(db, "Marija Šimić") == [("marija@x.example", "Back office")]
    assert agent_of(db, "M2") == agent_of(db, "M3") == "marija@x.example"
    assert agent_of(db, "M5") == "noa.billing@x.example"
    # The preview classifies the rows exactly as the import does.
    problems = dict(zip(preview["Id"], preview["Problems"], strict=True))
    assert problems["M1"] == f"agent_name: {by_row(result)[2][2]}"
    assert problems["M4"] == f"agent_name: {by_row(result)[5][2]}"
    assert [problems[i] for i in ("M2", "M3", "M5", "M8")] == ["", "", "", ""]
    assert list(preview["Agent"])[-1] == "Nina Nova (new)"


def supervisor_of_front_line(db: Database) -> Viewer:
    team_id = db.execute("SELECT id FROM teams WHERE name = 'Front line'").fetchone()
    assert team_id is not None
    staff_id = add_staff(
        db,
        NewStaffMember(
            name="Sanja Sup", email="sup@x.example", role="supervisor", team="Front line"
        ),
    )
    return Viewer(
        staff_id=staff_id,
        name="Sanja Sup",
        email="sup@x.example",
        role="supervisor",
        team_id=int(team_id[0]),
    )


def test_a_supervisors_name_outside_their_team_is_refused_alike_whether_it_exists_or_not(
    db: Database, tmp_path: Path
) -> None:
    """Marija of Back office and a name nobody has get the same words: nothing tells the
    Front-line supervisor that Marija exists, and no second Marija is made in their team."""
    people(db)
    supervisor = supervisor_of_front_line(db)
    path = write(
        tmp_path,
        "front.csv",
        [
            HEADER,
            f"S1,phone,Marija Šimić,,{ANSWERED}",
            f"S2,phone,Nobody Anywhere,Front line,{ANSWERED}",
            f"S3,phone,Noa Levi,,{ANSWERED}",  # the one Noa of their team
        ],
    )
    preview = preview_file(db, path, supervisor, ZONE).rows
    result = run(db, path, supervisor)
    assert (result.loaded, result.rejected, result.new_agents) == (1, 2, [])

    def reason(name: str) -> str:
        return (
            f"nobody in your team (Front line) is named {name}: a supervisor's import gives"
            " contacts to their own team's staff only; give the agent's e-mail, or ask an owner"
            " to add this person or to import the row"
        )

    assert by_row(result) == {
        2: ("agent_name", "Marija Šimić", reason("Marija Šimić")),
        3: ("agent_name", "Nobody Anywhere", reason("Nobody Anywhere")),
    }
    assert staff_named(db, "Marija Šimić") == [("marija@x.example", "Back office")]
    assert agent_of(db, "S3") == "noa.front@x.example"
    assert list(preview["Agent"]) == ["Marija Šimić", "Nobody Anywhere", "Noa Levi"]
    assert list(preview["Problems"]) == [
        f"agent_name: {reason('Marija Šimić')}",
        f"agent_name: {reason('Nobody Anywhere')}",
        "",
    ]


# Three calls answered at phone interfaces, as a real queue_log names its members when they
# have no member name; 1772438400 is 2026-03-02 08:00:00 UTC.
INTERFACE_LOG = """\
1772438401|call-1|support|NONE|ENTERQUEUE||385911234567|1
1772438420|call-1|support|Local/2004@from-internal/n|CONNECT|19|1772438419.7|2
1772438600|call-1|support|Local/2004@from-internal/n|COMPLETEAGENT|19|180|1
1772438500|call-2|support|NONE|ENTERQUEUE||385|1
1772438510|call-2|support|PJSIP/201|CONNECT|10|x|2
1772438700|call-2|support|PJSIP/201|COMPLETECALLER|10|190|1
1772438600|call-3|support|NONE|ENTERQUEUE||385|1
1772438620|call-3|support|SIP/301|CONNECT|20|x|2
1772438700|call-3|support|SIP/301|TRANSFER|200|from-internal|20|80
1772438800|call-4|support|NONE|ENTERQUEUE||385|1
1772438810|call-4|support|Local/2004@from-internal-0000001a;1|CONNECT|10|x|2
1772438900|call-4|support|Local/2004@from-internal-0000001a;1|COMPLETEAGENT|10|90|1
"""


def test_phone_interfaces_are_no_people_and_their_calls_load_under_the_interface(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "queue_log"
    path.write_text(INTERFACE_LOG, encoding="utf-8")
    preview = preview_file(db, path, OWNER, ZONE).rows
    result = run(db, path)
    assert (result.rows_read, result.loaded, result.rejected) == (4, 4, 0)
    assert result.new_agents == []
    # One extension is one name, whatever per-call suffix the channel carried.
    assert result.unlinked_names == ["Local/2004@from-internal", "PJSIP/201", "SIP/301"]
    assert db.execute("SELECT count(*) FROM staff").fetchone() == (0,)
    stored = db.execute(
        "SELECT external_id, agent_id, agent_interface, answered_at IS NOT NULL"
        " FROM interactions ORDER BY external_id"
    ).fetchall()
    assert stored == [
        ("call-1", None, "Local/2004@from-internal", True),
        ("call-2", None, "PJSIP/201", True),
        ("call-3", None, "SIP/301", True),
        ("call-4", None, "Local/2004@from-internal", True),
    ]
    # Answered, but handled by nobody until the name is linked to a person.
    assert db.execute("SELECT sum(answered), sum(handled) FROM contact_days").fetchone() == (4, 0)
    assert list(preview["Agent"]) == [
        "Local/2004@from-internal/n (to link)",
        "PJSIP/201 (to link)",
        "SIP/301 (to link)",
        "Local/2004@from-internal-0000001a;1 (to link)",
    ]
    assert list(preview["Problems"]) == ["", "", "", ""]


def test_the_sample_queue_log_of_interfaces_makes_no_people(db: Database) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "samples" / "queue_log-interfaces"
    result = run(db, sample)
    assert (result.loaded, result.new_agents) == (4, [])
    assert result.unlinked_names == ["Local/2004@from-internal", "PJSIP/201", "SIP/301"]


def test_the_zones_to_choose_from_read_pythons_list_of_zones_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Import page lists the zones on every run: reading Python's list of zones (a walk of
    the zone files, ~0.3 s) once per zone DuckDB knows took the page 17 s on a busy machine."""
    calls = []
    available = importing.available_timezones

    def counted() -> set[str]:
        calls.append(1)
        return available()

    monkeypatch.setattr(importing, "available_timezones", counted)
    zones = importing.time_zones(db)
    assert "Europe/Zagreb" in zones and "UTC" in zones
    assert len(calls) == 1
