"""Import contacts under AppTest: upload, detected format, preview, dry run, import with rejects,
history and removal; the dashboard shows the new contacts at once; who may not come here."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from metrics.contacts import imports as importing
from metrics.people import NewStaffMember, Viewer, add_staff
from metrics.store import open_database
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts

PAGE = "app_pages/import_contacts.py"
HEADER = "interaction_id,channel,agent_name,team,queued_at,answered_at,resolved_at,csat"
# Two days before the small demo's last day, inside the dashboard's default four weeks.
ROWS = [
    "T1,phone,Tamar Ben-David,Front line,2026-11-18 10:00,2026-11-18 10:00:20,2026-11-18 10:05,5",
    "T2,chat,Tamar Ben-David,Front line,2026-11-18 10:10,2026-11-18 10:11,,",
    "T3,email,Mustafa Aydın,Front line,2026-11-18 10:20,2026-11-18 10:50,2026-11-18 11:00,4",
    "T4,fax,Mustafa Aydın,Front line,2026-11-18 10:30,2026-11-18 10:31,,",  # unknown channel
    "T5,chat,Mustafa Aydın,Front line,18.11.2026 10:40,,,",  # not ISO 8601
]


@pytest.fixture(autouse=True)
def uploads_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page saves uploads in the system's temporary folder: here, the test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def contacts_csv(rows: list[str] = ROWS) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def open_page(viewer: Viewer):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def upload(at, content: bytes, name: str = "november.csv"):  # type: ignore[no-untyped-def]
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def offered(at) -> int:  # type: ignore[no-untyped-def]
    """The team performance page's count of contacts offered in its period."""
    found = re.search(r"([\d,]+) contacts offered", texts(at))
    assert found, texts(at)
    return int(found.group(1).replace(",", ""))


def test_an_owner_uploads_sees_the_preview_and_imports_with_rejects(viewers) -> None:
    at = upload(open_page(viewers["owner"]), contacts_csv())
    assert at.selectbox[0].label == "Format" and at.selectbox[0].value == "generic"
    preview = at.dataframe[0].value
    assert list(preview["Id"]) == ["T1", "T2", "T3", "T4", "T5"]
    assert list(preview["Agent"])[:3] == ["Tamar Ben-David (new)"] * 2 + ["Mustafa Aydın (new)"]
    # Local times, as written (Europe/Zagreb).
    assert preview["Queued"].iloc[0] == "2026-11-18 10:00:00"
    assert preview["Problems"].iloc[3].startswith("channel: unknown channel")

    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at) == {
        "Rows read": "5",
        "Loaded": "3",
        "Rejected": "2",
        "Duplicates skipped": "0",
        "Warnings": "0",
    }
    shown = texts(at)
    assert "Imported 3 contacts from november.csv (import #1)." in shown
    assert "Tamar Ben-David" in shown and "Mustafa Aydın" in shown
    rejects = at.dataframe[1].value
    assert list(rejects.columns) == ["Row", "Id", "Column", "Value", "Reason"]
    assert list(rejects["Row"]) == [5, 6]
    assert list(rejects["Column"]) == ["channel", "queued_at"]
    assert list(rejects["Value"]) == ["fax", "18.11.2026 10:40"]
    history = at.dataframe[2].value
    assert history.iloc[0]["Import"] == "#1" and history.iloc[0]["File"] == "november.csv"
    assert history.iloc[0]["By"] == "Maja Kovač"
    assert history.iloc[0]["State"] == "stored"


def test_only_the_first_problems_are_shown_and_the_history_offers_them_all(
    viewers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PROBLEM_ROWS_KEPT", 1)
    at = upload(open_page(viewers["owner"]), contacts_csv())
    next(b for b in at.button if b.label.startswith("Check the whole file")).click().run()
    assert (
        "The first 1 of 2 problems are shown here and in the download below; a dry run keeps"
        " none: import the file to keep them all with the import." in texts(at)
    )
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    assert list(at.dataframe[1].value["Row"]) == [5]
    assert (
        "The first 1 of 2 problems are shown here and in the download below; the import's entry"
        " in the history below offers all of them as CSV." in texts(at)
    )
    offered_csv = next(b for b in at.get("download_button") if "of import #1" in b.proto.label)
    assert offered_csv.proto.label == "Download the rejected rows of import #1 (CSV)"


def test_a_dry_run_stores_nothing(viewers) -> None:
    at = upload(open_page(viewers["owner"]), contacts_csv())
    next(b for b in at.button if b.label.startswith("Check the whole file")).click().run()
    assert not at.exception, at.exception
    assert metrics(at)["Would load"] == "3"
    shown = texts(at)
    assert "Checked november.csv: nothing was stored." in shown
    assert "New agents would be created" in shown
    assert "No imports yet." in shown


def test_team_performance_shows_imported_contacts_straight_away(viewers) -> None:
    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/team_performance.py").run()
    assert not at.exception, at.exception
    before = offered(at)
    at.switch_page(PAGE).run()
    # A supervisor's file names their own team's agents (a name their team lacks is refused).
    agent = viewers["agent"].name
    assert viewers["agent"].team_id == viewers["supervisor"].team_id
    upload(
        at,
        contacts_csv(
            [row.replace("Tamar Ben-David", agent).replace("Mustafa Aydın", agent) for row in ROWS]
        ),
    )
    at.button(key="import_button").click().run()
    assert metrics(at)["Loaded"] == "3"
    at.switch_page("app_pages/team_performance.py").run()
    assert not at.exception, at.exception
    # Within a minute of the first read, so only clearing the caches shows the new contacts.
    assert offered(at) == before + 3


def test_removing_an_import_asks_first(viewers) -> None:
    at = upload(open_page(viewers["owner"]), contacts_csv())
    at.button(key="import_button").click().run()
    remove = at.button(key="import_remove")
    assert remove.disabled
    assert at.checkbox[0].label == "Yes, delete the 3 contacts of import #1"
    at.checkbox[0].check().run()
    at.button(key="import_remove").click().run()
    assert not at.exception, at.exception
    assert "Import #1 removed: 3 contacts and 2 ratings deleted." in texts(at)
    assert at.dataframe[-1].value.iloc[0]["State"].startswith("removed")


def test_a_file_that_cannot_be_read_says_why(viewers) -> None:
    at = upload(open_page(viewers["supervisor"]), b"foo;bar\n1;2\n", "export.csv")
    assert at.error[0].value.startswith("export.csv: cannot tell the format from the header")
    assert "You have not imported anything yet." in texts(at)


def test_a_new_store_has_no_imports_yet(tmp_path: Path) -> None:
    db = open_database(tmp_path / "academy.duckdb")
    owner_id = add_staff(db, NewStaffMember(name="Olga Owner", email="o@x.example", role="owner"))
    db.close()
    owner = Viewer(
        staff_id=owner_id, name="Olga Owner", email="o@x.example", role="owner", team_id=None
    )
    at = open_page(owner)
    assert "No imports yet." in texts(at)
    assert not at.dataframe


def test_agents_cannot_reach_the_import_page(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()


def test_a_supervisors_preview_tells_nothing_about_people_outside_their_team(viewers) -> None:
    """The owner's e-mail and an e-mail nobody has look the same in a supervisor's preview and
    are refused with the same reason."""
    header = "interaction_id,channel,agent_email,queued_at,answered_at"
    rows = [
        "S1,phone,owner@demo.example,2026-11-18 10:00,2026-11-18 10:00:20",
        "S2,phone,nobody@demo.example,2026-11-18 10:05,2026-11-18 10:05:20",
    ]
    at = upload(open_page(viewers["supervisor"]), ("\n".join([header, *rows]) + "\n").encode())
    preview = at.dataframe[0].value
    owner, nobody = (preview.iloc[i] for i in (0, 1))
    assert owner["Agent"] == "owner@demo.example" and nobody["Agent"] == "nobody@demo.example"
    assert owner["Problems"] == nobody["Problems"]
    assert owner["Problems"].startswith("agent_email: nobody in your team (Front line)")
    at.button(key="import_button").click().run()
    assert metrics(at)["Rejected"] == "2"
    rejects = at.dataframe[1].value
    assert rejects["Reason"].nunique() == 1


def test_the_zone_of_times_without_an_offset_can_be_chosen(viewers) -> None:
    """The policy's zone by default, where 02:30 on 2024-03-31 did not exist; UTC on choice."""
    rows = ["Z1,phone,Tamar Ben-David,Front line,2024-03-31 02:30,2024-03-31 02:31,,"]
    at = upload(open_page(viewers["owner"]), contacts_csv(rows))
    zone = at.selectbox(key="import_timezone")
    assert zone.value == "Europe/Zagreb"
    assert at.dataframe[0].value["Problems"].iloc[0] == (
        "answered_at: 02:31 does not exist in Europe/Zagreb on 2024-03-31: clocks went forward; "
        "queued_at: 02:30 does not exist in Europe/Zagreb on 2024-03-31: clocks went forward"
    )
    zone.set_value("UTC").run()
    preview = at.dataframe[0].value
    assert preview["Problems"].iloc[0] == ""
    # Shown in the organisation's time: 02:30 UTC is 04:30 in Zagreb on summer time.
    assert preview["Queued"].iloc[0] == "2024-03-31 04:30:00"
    at.button(key="import_button").click().run()
    assert metrics(at)["Loaded"] == "1"


def test_team_performance_counts_a_ticket_with_no_reply_as_waiting(viewers) -> None:
    """A Freshdesk e-mail ticket with no reply yet, created ten minutes before the export:
    waiting (the standard is 4 hours), not abandoned, and not a missed standard."""
    header = (
        "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Resolved time,"
        "Initial response time,First response time (in hrs),Survey results,Last updated time"
    )
    ticket = "F1,Hi,Open,Low,Email,,,Front line,2026-11-18 10:00,,,,,2026-11-18 10:10"
    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/team_performance.py").run()
    before = texts(at)
    assert "0 waiting for a first reply" in before
    at.switch_page(PAGE).run()
    upload(at, f"{header}\n{ticket}\n".encode(), "freshdesk.csv")
    at.button(key="import_button").click().run()
    assert metrics(at)["Loaded"] == "1"
    at.switch_page("app_pages/team_performance.py").run()
    assert not at.exception, at.exception
    assert "1 waiting for a first reply within their standard" in texts(at)


def test_a_rating_that_cannot_be_read_is_shown_as_a_warning_and_downloadable(viewers) -> None:
    rows = [
        "W1,phone,Tamar Ben-David,Front line,2026-11-18 10:00,2026-11-18 10:00:20,,=1+1",
        "W2,chat,Tamar Ben-David,Front line,2026-11-18 10:10,2026-11-18 10:11,,5",
    ]
    at = upload(open_page(viewers["owner"]), contacts_csv(rows))
    assert at.dataframe[0].value["Problems"].iloc[0] == (
        "csat is a rating from 1 to 5 (a whole number); the contact is loaded without its"
        " rating and comment"
    )
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at) == {
        "Rows read": "2",
        "Loaded": "2",
        "Rejected": "0",
        "Duplicates skipped": "0",
        "Warnings": "1",
    }
    warnings = at.dataframe[1].value
    assert list(warnings["Row"]) == [2] and list(warnings["Value"]) == ["=1+1"]
    assert "1 row loaded without a rating that could not be read" in texts(at)
    download = next(
        b
        for b in at.get("download_button")
        if b.proto.label.startswith("Download the warnings (CSV)")
    )
    assert download is not None
    history = at.dataframe[2].value
    assert history.iloc[0]["Warnings"] == 1


def test_a_file_with_only_a_header_says_so_and_offers_nothing_to_import(viewers) -> None:
    at = upload(open_page(viewers["owner"]), contacts_csv([]), "empty.csv")
    assert [e.value for e in at.error] == ["empty.csv: only a header: the file has no rows"]
    assert not any(b.key == "import_button" for b in at.button)
    assert "No imports yet." in texts(at)


def queue_log_of_interfaces() -> bytes:
    """Three Front-line calls on 18 November 2026 answered at phone interfaces, as a queue_log
    names members that have no member name: two at PJSIP/201, one at SIP/301."""
    start = int(datetime(2026, 11, 18, 9, 0, tzinfo=UTC).timestamp())
    lines = []
    for n, interface in enumerate(["PJSIP/201", "PJSIP/201", "SIP/301"]):
        t, callid = start + 600 * n, f"call-{n + 1}"
        lines += [
            f"{t}|{callid}|Front line|NONE|ENTERQUEUE||385|1",
            f"{t + 20}|{callid}|Front line|{interface}|CONNECT|20|x|2",
            f"{t + 200}|{callid}|Front line|{interface}|COMPLETEAGENT|20|180|1",
        ]
    return ("\n".join(lines) + "\n").encode()


def stored_agents(viewer_db: Path) -> dict[str, tuple[str | None, str | None]]:
    db = open_database(viewer_db)
    try:
        rows = db.execute(
            "SELECT i.external_id, s.name, i.agent_interface FROM interactions i"
            " LEFT JOIN staff s ON s.id = i.agent_id WHERE i.source = 'asterisk' ORDER BY 1"
        ).fetchall()
    finally:
        db.close()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_an_owner_links_a_phone_interface_to_a_person(viewers, demo_db_path: Path) -> None:
    at = upload(open_page(viewers["owner"]), queue_log_of_interfaces(), "queue_log")
    assert list(at.dataframe[0].value["Agent"]) == [
        "PJSIP/201 (to link)",
        "PJSIP/201 (to link)",
        "SIP/301 (to link)",
    ]
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at)["Loaded"] == "3"
    shown = texts(at)
    assert "New agents created" not in shown
    assert "Phone interfaces, not people" in shown
    to_link = next(d.value for d in at.dataframe if "Linked to" in d.value.columns)
    assert to_link.to_dict("records") == [
        {"Name": "PJSIP/201", "Format": "Asterisk queue_log", "Contacts": 2, "Linked to": ""},
        {"Name": "SIP/301", "Format": "Asterisk queue_log", "Contacts": 1, "Linked to": ""},
    ]
    person = at.selectbox(key="link_person")
    tamara = next(option for option in person.options if option.startswith(viewers["agent"].name))
    assert at.selectbox(key="link_name").value == "asterisk:PJSIP/201"
    person.select(tamara)
    next(b for b in at.button if b.label == "Link").click().run()
    assert not at.exception, at.exception
    linked = f"PJSIP/201 is linked to {viewers['agent'].name}: 2 contacts given to them."
    assert linked in texts(at)
    assert stored_agents(demo_db_path) == {
        "call-1": (viewers["agent"].name, "PJSIP/201"),
        "call-2": (viewers["agent"].name, "PJSIP/201"),
        "call-3": (None, "SIP/301"),
    }
    to_link = next(d.value for d in at.dataframe if "Linked to" in d.value.columns)
    assert list(to_link["Name"]) == ["SIP/301"]


def test_a_supervisor_links_only_their_teams_names_to_their_teams_agents(
    viewers, demo_db_path: Path
) -> None:
    owner_at = upload(open_page(viewers["owner"]), queue_log_of_interfaces(), "queue_log")
    owner_at.button(key="import_button").click().run()
    at = open_page(viewers["supervisor"])
    to_link = next(d.value for d in at.dataframe if "Linked to" in d.value.columns)
    assert list(to_link["Name"]) == ["PJSIP/201", "SIP/301"]  # Front line's calls
    team = viewers["supervisor"].team_id
    db = open_database(demo_db_path)
    try:
        agents = {
            name
            for (name,) in db.execute(
                "SELECT name FROM staff WHERE team_id = ? AND role = 'agent' AND active", [team]
            ).fetchall()
        }
    finally:
        db.close()
    options = at.selectbox(key="link_person").options
    assert {option.split(" · ")[0] for option in options} == agents
    assert viewers["owner"].name not in " ".join(options)
