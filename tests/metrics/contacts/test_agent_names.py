"""Linking an interface name (PJSIP/201) to a person: the stored contacts move in one
transaction with the rollups kept exact, later imports use the link, and a supervisor links only
within their team. Small queue_logs written here; 1772438400 is 2026-03-02 08:00:00 UTC."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics.contacts.agent_names import (
    LinkError,
    NameToLink,
    link_candidates,
    link_name,
    names_to_link,
)
from metrics.contacts.imports import import_file
from metrics.contacts.rollups import rollups_current
from metrics.demo.generate import generate_demo
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.performance.period import Period
from metrics.store import Database
from modules.policy import Policy
from tests.metrics.contacts.test_rollups import (
    DEMO_UNTIL,
    assert_identical,
    assert_tables_as_if_built_afresh,
    demo_periods,
)

ZONE = "Europe/Zagreb"
OWNER = Viewer.local_admin()


def call(n: int, queue: str, interface: str, start: int = 1772438400) -> str:
    """One answered and completed call, `n` minutes after `start`."""
    t = start + 60 * n
    callid = f"{queue[:2]}-{n}"
    return (
        f"{t}|{callid}|{queue}|NONE|ENTERQUEUE||385|1\n"
        f"{t + 10}|{callid}|{queue}|{interface}|CONNECT|10|x|2\n"
        f"{t + 40}|{callid}|{queue}|{interface}|COMPLETEAGENT|10|30|1\n"
    )


def queue_log(folder: Path, name: str, calls: list[str]) -> Path:
    path = folder / name
    path.write_text("".join(calls), encoding="utf-8")
    return path


def agents_of(db: Database) -> dict[str, tuple[str | None, str | None]]:
    """Stored calls by id: (the agent's name, the interface kept)."""
    rows = db.execute(
        "SELECT i.external_id, s.name, i.agent_interface FROM interactions i"
        " LEFT JOIN staff s ON s.id = i.agent_id WHERE i.source = 'asterisk' ORDER BY 1"
    ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_linking_moves_the_stored_contacts_and_keeps_the_rollups_exact(
    db: Database, policy: Policy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_demo(db, policy, agents=6, days=60, until=DEMO_UNTIL)
    (marija_id, marija, team) = db.execute(
        "SELECT s.id, s.name, t.name FROM staff s JOIN teams t ON t.id = s.team_id"
        " WHERE s.role = 'agent' ORDER BY s.id LIMIT 1"
    ).fetchone() or (0, "", "")
    path = queue_log(
        tmp_path,
        "queue_log",
        [call(1, team, "PJSIP/201"), call(2, team, "PJSIP/201"), call(3, team, "SIP/301")],
    )
    result = import_file(db, path, OWNER, ZONE)
    assert (result.loaded, result.new_agents) == (3, [])
    assert names_to_link(db, OWNER) == [
        NameToLink(source="asterisk", name="PJSIP/201", contacts=2, linked_to=None),
        NameToLink(source="asterisk", name="SIP/301", contacts=1, linked_to=None),
    ]
    (handled_before,) = db.execute(
        "SELECT sum(handled) FROM contact_days WHERE agent_id = ?", [marija_id]
    ).fetchone() or (0,)

    linked = link_name(db, OWNER, "asterisk", "PJSIP/201", marija_id)
    assert (linked.moved, linked.staff_name) == (2, marija)
    ids = {k: v for k, v in agents_of(db).items()}
    assert ids == {
        f"{team[:2]}-1": (marija, "PJSIP/201"),
        f"{team[:2]}-2": (marija, "PJSIP/201"),
        f"{team[:2]}-3": (None, "SIP/301"),
    }
    assert [n.name for n in names_to_link(db, OWNER)] == ["SIP/301"]
    # The rollups were refreshed in the link's transaction: they count the two calls as
    # Marija's, exactly as the contacts themselves do.
    assert rollups_current(db)
    assert db.execute(
        "SELECT sum(handled) FROM contact_days WHERE agent_id = ?", [marija_id]
    ).fetchone() == (handled_before + 2,)
    periods = [Period(start=date(2026, 3, 1), end=date(2026, 3, 31)), *demo_periods(db)]
    assert_identical(db, policy, periods, monkeypatch)
    assert_tables_as_if_built_afresh(db)


def test_later_imports_use_the_link(db: Database, tmp_path: Path) -> None:
    add_team(db, "support")
    ana = add_staff(db, NewStaffMember(name="Ana Horvat", role="agent", team="support"))
    first = queue_log(tmp_path, "first", [call(1, "support", "Local/2004@from-internal/n")])
    assert import_file(db, first, OWNER, ZONE).unlinked_names == ["Local/2004@from-internal"]
    assert link_name(db, OWNER, "asterisk", "Local/2004@from-internal", ana).moved == 1
    # The next day's log writes the same extension with another per-call suffix.
    later = queue_log(
        tmp_path,
        "later",
        [call(2, "support", "Local/2004@from-internal-0000001a;2", start=1772524800)],
    )
    result = import_file(db, later, OWNER, ZONE)
    assert (result.loaded, result.new_agents, result.unlinked_names) == (1, [], [])
    assert agents_of(db) == {
        "su-1": ("Ana Horvat", "Local/2004@from-internal"),
        "su-2": ("Ana Horvat", "Local/2004@from-internal"),
    }
    assert names_to_link(db, OWNER) == []
    # The first file again: the moved contacts are repeats, nothing changes.
    assert import_file(db, first, OWNER, ZONE).duplicates == 1


def two_teams(db: Database) -> dict[str, int]:
    add_team(db, "Front line")
    add_team(db, "Billing")
    return {
        key: add_staff(db, NewStaffMember(name=name, email=email, role=role, team=team))
        for key, name, email, role, team in [
            ("sup", "Sanja Sup", "sup@x.example", "supervisor", "Front line"),
            ("ana", "Ana Front", "ana@x.example", "agent", "Front line"),
            ("bo", "Bo Billing", "bo@x.example", "agent", "Billing"),
        ]
    }


def test_a_supervisor_links_within_their_team_only(db: Database, tmp_path: Path) -> None:
    ids = two_teams(db)
    team_id = db.execute("SELECT id FROM teams WHERE name = 'Front line'").fetchone()
    assert team_id is not None
    supervisor = Viewer(
        staff_id=ids["sup"],
        name="Sanja Sup",
        email="sup@x.example",
        role="supervisor",
        team_id=int(team_id[0]),
    )
    path = queue_log(
        tmp_path,
        "queue_log",
        [
            call(1, "Front line", "PJSIP/201"),
            call(2, "Billing", "PJSIP/201"),
            call(3, "Billing", "SIP/301"),
        ],
    )
    import_file(db, path, OWNER, ZONE)
    # Only their team's contacts, and only their team's agents to give them to.
    assert names_to_link(db, supervisor) == [
        NameToLink(source="asterisk", name="PJSIP/201", contacts=1, linked_to=None)
    ]
    assert [c.name for c in link_candidates(db, supervisor)] == ["Ana Front"]
    # Another team's agent, the supervisor themselves and nobody at all: the same words.
    refusals = set()
    for staff_id in (ids["bo"], ids["sup"], 9999):
        with pytest.raises(LinkError) as refused:
            link_name(db, supervisor, "asterisk", "PJSIP/201", staff_id)
        refusals.add(str(refused.value).replace(f"#{staff_id}", "#N"))
    assert refusals == {
        "staff member #N cannot be linked to: link a name to an active agent of your team"
    }
    assert agents_of(db)["Fr-1"] == (None, "PJSIP/201")

    assert link_name(db, supervisor, "asterisk", "PJSIP/201", ids["ana"]).moved == 1
    # Billing's call under the same name was out of their reach: it waits for an owner, who
    # sees whom the name is linked to now.
    assert agents_of(db) == {
        "Fr-1": ("Ana Front", "PJSIP/201"),
        "Bi-2": (None, "PJSIP/201"),
        "Bi-3": (None, "SIP/301"),
    }
    assert names_to_link(db, OWNER) == [
        NameToLink(source="asterisk", name="PJSIP/201", contacts=1, linked_to="Ana Front"),
        NameToLink(source="asterisk", name="SIP/301", contacts=1, linked_to=None),
    ]
    # An owner's link to someone outside their team is not theirs to change, and a supervisor's
    # import does not give that name's calls to anyone outside their team.
    link_name(db, OWNER, "asterisk", "SIP/301", ids["bo"])
    with pytest.raises(LinkError, match="already linked to someone outside your team"):
        link_name(db, supervisor, "asterisk", "SIP/301", ids["ana"])
    theirs = queue_log(tmp_path, "theirs", [call(4, "Front line", "SIP/301")])
    result = import_file(db, theirs, supervisor, ZONE)
    assert (result.loaded, result.unlinked_names) == (1, ["SIP/301"])
    assert agents_of(db)["Fr-4"] == (None, "SIP/301")


def test_agents_do_not_link(db: Database) -> None:
    agent = Viewer(staff_id=9, name="A", email="a@x.example", role="agent", team_id=None)
    with pytest.raises(AccessDenied):
        names_to_link(db, agent)
    with pytest.raises(AccessDenied):
        link_name(db, agent, "asterisk", "PJSIP/201", 9)


def test_a_link_made_while_an_import_writes_makes_the_import_store_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import read the links before PJSIP/201 was linked: storing its call under the name
    would leave it given to nobody, so it stores nothing and says to import again."""
    from metrics.contacts import imports as importing

    add_team(db, "support")
    ana = add_staff(db, NewStaffMember(name="Ana Horvat", role="agent", team="support"))
    import_file(db, queue_log(tmp_path, "first", [call(1, "support", "PJSIP/201")]), OWNER, ZONE)
    classify = importing._classify

    def classify_then_link(*args, **kwargs):  # type: ignore[no-untyped-def]
        classify(*args, **kwargs)
        link_name(db, OWNER, "asterisk", "PJSIP/201", ana)

    later = queue_log(tmp_path, "later", [call(2, "support", "PJSIP/201")])
    with monkeypatch.context() as patch:
        patch.setattr(importing, "_classify", classify_then_link)
        with pytest.raises(
            importing.ImportFailed, match=r"so nothing from (it|this file) was stored"
        ):
            import_file(db, later, OWNER, ZONE)
    assert agents_of(db) == {"su-1": ("Ana Horvat", "PJSIP/201")}
    assert import_file(db, later, OWNER, ZONE).loaded == 1
    assert agents_of(db)["su-2"] == ("Ana Horvat", "PJSIP/201")


def test_a_person_made_of_an_interface_name_before_is_merged_into_the_real_one(
    db: Database, tmp_path: Path
) -> None:
    """An import from before interface names were told apart made "PJSIP/201" a person and
    gave it a call; linking the name moves that call too and deactivates the pseudo-person."""
    from metrics.contacts.case_sizes import refresh_case_contacts
    from metrics.contacts.rollups import refresh_contact_rollups
    from metrics.store import transaction
    from tests.metrics.contacts.test_rollups import assert_tables_as_if_built_afresh

    add_team(db, "support")
    ana = add_staff(db, NewStaffMember(name="Ana Horvat", role="agent", team="support"))
    pseudo = add_staff(db, NewStaffMember(name="PJSIP/201", role="agent", team="support"))
    with transaction(db) as cur:
        cur.execute(
            "INSERT INTO interactions (source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, abandoned, resolved) SELECT 'asterisk', 'old-1', 'phone',"
            " ?, id, TIMESTAMPTZ '2026-03-01 08:00:00+00', TIMESTAMPTZ '2026-03-01 08:00:10+00',"
            " false, true FROM teams WHERE name = 'support'",
            [pseudo],
        )
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
    import_file(db, queue_log(tmp_path, "new", [call(1, "support", "PJSIP/201")]), OWNER, ZONE)
    assert names_to_link(db, OWNER) == [
        NameToLink(source="asterisk", name="PJSIP/201", contacts=2, linked_to=None)
    ]
    assert link_name(db, OWNER, "asterisk", "PJSIP/201", ana).moved == 2
    assert agents_of(db) == {
        "old-1": ("Ana Horvat", "PJSIP/201"),
        "su-1": ("Ana Horvat", "PJSIP/201"),
    }
    assert db.execute("SELECT active FROM staff WHERE id = ?", [pseudo]).fetchone() == (False,)
    assert names_to_link(db, OWNER) == []
    assert rollups_current(db)
    assert_tables_as_if_built_afresh(db)


def test_a_name_is_linked_as_the_file_writes_it_and_a_persons_name_is_no_interface(
    db: Database, tmp_path: Path
) -> None:
    add_team(db, "support")
    ana = add_staff(db, NewStaffMember(name="Ana Horvat", role="agent", team="support"))
    import_file(db, queue_log(tmp_path, "log", [call(1, "support", "PJSIP/201")]), OWNER, ZONE)
    linked = link_name(db, OWNER, "asterisk", " PJSIP/201-0000001a ", ana)
    assert (linked.name, linked.moved) == ("PJSIP/201", 1)
    with pytest.raises(LinkError, match="Ana Horvat is not a phone interface name"):
        link_name(db, OWNER, "asterisk", "Ana Horvat", ana)
    assert db.execute("SELECT source, name, staff_id FROM agent_name_links").fetchall() == [
        ("asterisk", "PJSIP/201", ana)
    ]
