"""Unanswered tickets are waiting, not abandoned (issue 10, item 14).

Abandoned means the customer gave up: a call or chat that ended unanswered. A ticket with no
reply yet is *waiting*: it counts against the service level only once its channel's standard
has passed without a reply as of its export (the latest time in its file); until then it is
left out of the service level and counted as waiting. The shipped policy's standards: phone
30 s, chat 60 s, e-mail 4 h (14,400 s), social 2 h. Times below are UTC ('Z').
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from metrics.contacts.imports import import_file, import_history, remove_batch
from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.performance.agents import agent_report, queue_metrics, team_summary
from metrics.performance.period import Period
from metrics.store import Database
from modules.policy import Policy

OWNER = Viewer.local_admin()
ZONE = "Europe/Zagreb"
MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))
GENERIC = "interaction_id,channel,agent_name,team,queued_at,answered_at,resolved_at,abandoned"
FRESHDESK = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Resolved time,"
    "Initial response time,First response time (in hrs),Survey results,Last updated time"
)
ZENDESK = (
    "Id,Subject,Assignee,Group,Via,Status,Created at,Updated at,Solved at,"
    "First reply time in minutes,Satisfaction Score"
)


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(db: Database) -> dict[str, tuple]:
    """By id: (abandoned, answered_at, seen_unanswered_at)."""
    rows = db.execute(
        "SELECT external_id, abandoned, answered_at, seen_unanswered_at FROM interactions"
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_a_ticket_with_no_reply_is_waiting_as_of_its_export(db: Database, tmp_path: Path) -> None:
    """The open, unassigned chat ticket of a real Freshdesk export is not abandoned: it was
    seen unanswered at the export, the latest time in the file (here its Last updated time)."""
    freshdesk = write(
        tmp_path,
        "freshdesk.csv",
        [
            FRESHDESK,
            "71,Hi,Open,Low,Chat,,,Support,2026-03-02T09:00:00Z,,,,,2026-03-02T09:20:00Z",
            "72,Hi,Resolved,Low,Email,,Ana,Support,2026-03-02T08:00:00Z,2026-03-02T09:10:00Z,"
            "2026-03-02T08:30:00Z,,,2026-03-02T09:30:00Z",
        ],
    )
    result = import_file(db, freshdesk, OWNER, ZONE)
    assert (result.loaded, result.rejected) == (2, 0)
    assert stored(db) == {
        "71": (False, None, utc(2, 9, 30)),
        "72": (False, utc(2, 8, 30), None),
    }
    zendesk = write(
        tmp_path,
        "zendesk.csv",
        [
            ZENDESK,
            "81,Door,,Support,Email,New,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,,,Offered",
            "82,Door,Ana,Support,Chat,Solved,2026-03-02T10:10:00Z,2026-03-02T11:00:00Z,"
            "2026-03-02T10:40:00Z,3,Good",
        ],
    )
    assert import_file(db, zendesk, OWNER, ZONE).loaded == 2
    assert stored(db)["81"] == (False, None, utc(2, 11))


def test_a_generic_contact_nobody_answered_is_abandoned_only_if_it_was_a_call_or_chat(
    db: Database, tmp_path: Path
) -> None:
    """Without an `abandoned` value, a phone call or chat that has no answered_at ended
    unanswered: abandoned. An e-mail or social message with none is waiting. `abandoned`
    given says it outright: false and unanswered is waiting, whatever the channel."""
    path = write(
        tmp_path,
        "generic.csv",
        [
            GENERIC,
            "G1,phone,,,2026-03-02T09:00:00Z,,,",
            "G2,chat,,,2026-03-02T09:01:00Z,,,",
            "G3,email,,,2026-03-02T09:02:00Z,,,",
            "G4,social,,,2026-03-02T09:03:00Z,,,",
            "G5,phone,,,2026-03-02T09:04:00Z,,,false",
            "G6,email,,,2026-03-02T09:05:00Z,,,yes",
            "G7,email,Ana,,2026-03-02T09:06:00Z,2026-03-02T09:30:00Z,2026-03-02T10:00:00Z,",
        ],
    )
    assert import_file(db, path, OWNER, ZONE).loaded == 7
    as_of = utc(2, 10)  # the latest time in the file
    assert stored(db) == {
        "G1": (True, None, None),
        "G2": (True, None, None),
        "G3": (False, None, as_of),
        "G4": (False, None, as_of),
        "G5": (False, None, as_of),
        "G6": (True, None, None),
        "G7": (False, utc(2, 9, 30), None),
    }


def edge_file(folder: Path, name: str = "edge.csv") -> Path:
    """E-mails against the 4-hour standard, as of 14:00:00, the latest time in the file."""
    return write(
        folder,
        name,
        [
            GENERIC,
            # Queued exactly 14,400 s before the export: still within the standard, waiting.
            "W1,email,,,2026-03-02T10:00:00Z,,,",
            # One second more: the standard passed with no reply, a miss.
            "W2,email,,,2026-03-02T09:59:59Z,,,",
            # Answered within: a hit. Its resolution is the file's latest time.
            "W3,email,Ana,,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T14:00:00Z,",
            # A chat nobody answered: abandoned, a miss as ever.
            "W4,chat,,,2026-03-02T11:00:00Z,,,",
        ],
    )


def test_a_waiting_ticket_counts_against_the_service_level_only_once_its_standard_passed(
    db: Database, tmp_path: Path, policy: Policy
) -> None:
    import_file(db, edge_file(tmp_path), OWNER, ZONE)
    queue = queue_metrics(db, OWNER, policy, MARCH)
    # Offered 4; waiting 1 (W1); judged 3: W2 and W4 missed, W3 within.
    assert (queue.offered, queue.waiting, queue.judged) == (4, 1, 3)
    assert (queue.answered, queue.abandoned, queue.answered_within) == (1, 1, 1)
    assert queue.service_level == pytest.approx(1 / 3)
    assert queue.abandonment_rate == pytest.approx(1 / 4)
    summary = team_summary(db, OWNER, policy, MARCH)
    assert summary.queue == queue
    team = agent_report(db, OWNER, policy, MARCH, None)["team"]
    assert team == {
        "offered": 4,
        "answered": 1,
        "abandoned": 1,
        "waiting": 1,
        "abandonment_rate": pytest.approx(1 / 4),
        "service_level": pytest.approx(1 / 3),
    }
    # Under a one-second-longer standard, W2 waits too.
    email = policy.standards.email.model_copy(update={"answer_within_s": 14_401})
    longer = policy.model_copy(
        update={"standards": policy.standards.model_copy(update={"email": email})}
    )
    queue = queue_metrics(db, OWNER, longer, MARCH)
    assert (queue.waiting, queue.judged, queue.service_level) == (2, 2, 1 / 2)


def test_a_later_export_updates_a_waiting_ticket(
    db: Database, tmp_path: Path, policy: Policy
) -> None:
    """The same ticket exported again: with its reply it replaces the waiting contact (loaded,
    counted as updated); unchanged but seen later, it stays a duplicate whose waiting time
    moves on; from an earlier export than the stored one, it is refused."""
    first = write(
        tmp_path,
        "monday.csv",
        [
            FRESHDESK,
            "91,Hi,Open,Low,Email,,,Support,2026-03-02T10:00:00Z,,,,,2026-03-02T11:00:00Z",
            "92,Hi,Open,Low,Email,,,Support,2026-03-02T10:30:00Z,,,,,2026-03-02T11:00:00Z",
        ],
    )
    one = import_file(db, first, OWNER, ZONE)
    assert (one.loaded, one.updated) == (2, 0)
    assert queue_metrics(db, OWNER, policy, MARCH).waiting == 2
    # Tuesday's export: 91 was answered (by a new agent); 92 is still open, seen at 20:00.
    second = write(
        tmp_path,
        "tuesday.csv",
        [
            FRESHDESK,
            "91,Hi,Resolved,Low,Email,,Ana,Support,2026-03-02T10:00:00Z,2026-03-02T13:00:00Z,"
            "2026-03-02T12:00:00Z,,Awesome,2026-03-02T13:00:00Z",
            "92,Hi,Open,Low,Email,,,Support,2026-03-02T10:30:00Z,,,,,2026-03-02T20:00:00Z",
        ],
    )
    two = import_file(db, second, OWNER, ZONE)
    assert (two.rows_read, two.loaded, two.updated, two.duplicates, two.rejected) == (2, 1, 1, 1, 0)
    assert two.new_agents == ["Ana"]
    assert stored(db) == {"91": (False, utc(2, 12), None), "92": (False, None, utc(2, 20))}
    assert db.execute(
        "SELECT i.import_batch_id, f.rating FROM interactions i"
        " JOIN feedback f ON f.interaction_id = i.id WHERE i.external_id = '91'"
    ).fetchall() == [(two.batch_id, 5)]
    history = {batch.id: batch for batch in import_history(db, OWNER)}
    assert (history[two.batch_id].loaded, history[two.batch_id].updated) == (1, 1)
    # 92 waited 9.5 hours without a reply: now a miss; 91 was answered in 2 hours: a hit.
    queue = queue_metrics(db, OWNER, policy, MARCH)
    assert (queue.offered, queue.waiting, queue.answered_within, queue.judged) == (2, 0, 1, 2)
    # Monday's file again: 91 is answered now, a conflict as ever; 92 the same, a duplicate
    # whose later sighting stays. An earlier export of 92 that differs is refused too.
    before = stored(db)
    again = import_file(db, first, OWNER, ZONE)
    assert (again.loaded, again.rejected, again.duplicates) == (0, 1, 1)
    assert again.rejects.loc[0, "reason"].startswith(
        "is already stored with different content (import #2)"
    )
    sunday = write(
        tmp_path,
        "sunday.csv",
        [FRESHDESK, "92,Hi,Open,Low,Email,,,Sales,2026-03-02T10:30:00Z,,,,,2026-03-02T10:45:00Z"],
    )
    older = import_file(db, sunday, OWNER, ZONE)
    assert older.rejects.loc[0, "reason"] == (
        "is already stored with different content and was seen unanswered later than this file"
        " shows; the stored contact (import #1) is kept"
    )
    assert stored(db) == before
    # Removing Tuesday's import takes out what it loaded: the answered 91 goes with it.
    assert two.batch_id is not None
    remove_batch(db, OWNER, two.batch_id)
    assert set(stored(db)) == {"92"}


def test_a_supervisor_cannot_update_another_teams_waiting_ticket(
    db: Database, tmp_path: Path
) -> None:
    add_team(db, "Support")
    team_id = add_team(db, "Front line")
    staff_id = add_staff(
        db, NewStaffMember(name="Sup", email="sup@x.example", role="supervisor", team="Front line")
    )
    supervisor = Viewer(
        staff_id=staff_id, name="Sup", email="sup@x.example", role="supervisor", team_id=team_id
    )
    waiting = write(
        tmp_path,
        "a.csv",
        [FRESHDESK, "95,Hi,Open,Low,Email,,,Support,2026-03-02T10:00:00Z,,,,,"],
    )
    import_file(db, waiting, OWNER, ZONE)
    answered = write(
        tmp_path,
        "b.csv",
        [
            FRESHDESK,
            "95,Hi,Resolved,Low,Email,,Ana,,2026-03-02T10:00:00Z,2026-03-02T13:00:00Z,"
            "2026-03-02T12:00:00Z,,,",
        ],
    )
    result = import_file(db, answered, supervisor, ZONE)
    assert (result.loaded, result.updated, result.rejected) == (0, 0, 1)
    assert result.rejects.loc[0, "reason"] == (
        "is already stored with different content; the stored contact is kept"
    )
    assert stored(db)["95"] == (False, None, utc(2, 10))


def test_tickets_stored_as_abandoned_before_become_waiting(
    tmp_path: Path, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0007: a Zendesk or Freshdesk ticket with no reply that an earlier version
    stored as abandoned becomes a waiting ticket, seen unanswered at the latest time its import
    held; contacts of other sources keep what they said."""
    from metrics import store
    from metrics.contacts.rollups import refresh_contact_rollups, rollups_current

    every = store.migrations()
    monkeypatch.setattr(store, "migrations", lambda: [m for m in every if m.version < 7])
    db = store.open_database(tmp_path / "old.duckdb")
    contacts = [
        # source, id, channel, batch, queued, answered, resolved, abandoned
        ("zendesk", "1", "email", 1, utc(2, 9), None, None, True),
        ("zendesk", "2", "chat", 1, utc(2, 10), utc(2, 10, 1), utc(2, 11, 30), False),
        ("freshdesk", "3", "email", 2, utc(3, 9), None, None, True),
        ("generic", "4", "email", 3, utc(3, 9), None, None, True),
        ("asterisk", "5", "phone", 4, utc(3, 9), None, None, True),
    ]
    for source, external_id, channel, batch, queued, answered, resolved, abandoned in contacts:
        db.execute(
            "INSERT INTO interactions (source, external_id, channel, import_batch_id, queued_at,"
            " answered_at, resolved_at, abandoned, resolved, case_contacts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, 1)",
            [source, external_id, channel, batch, queued, answered, resolved, abandoned],
        )
    monkeypatch.setattr(store, "migrations", lambda: every)
    assert store.migrate(db) == [m.version for m in every if m.version >= 7]
    assert stored(db) == {
        "1": (False, None, utc(2, 11, 30)),  # its import's latest time
        "2": (False, utc(2, 10, 1), None),
        "3": (False, None, utc(3, 9)),
        "4": (True, None, None),
        "5": (True, None, None),
    }
    assert not rollups_current(db)  # their days are counted again by the next writer
    queue = queue_metrics(db, OWNER, policy, MARCH)
    # Seen 2.5 h and 0 h after they came: both within the 4-hour e-mail standard.
    assert (queue.offered, queue.abandoned, queue.waiting) == (5, 2, 2)
    with store.transaction(db) as cur:
        refresh_contact_rollups(cur)
    assert queue_metrics(db, OWNER, policy, MARCH) == queue
    db.close()
