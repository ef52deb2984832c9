"""Contact and rating ids without a primary key (migration 0021, `metrics.contacts.ids`): every
writer takes a run from the table's sequence, checked against the stored rows in its transaction.

In a new store both sequences start at 1, so a row written by hand with id 1 holds the id the
next writer would be given.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics import store
from metrics.contacts.ids import IdsTaken, reserve_ids
from metrics.contacts.imports import ImportFailed, import_file
from metrics.demo.generate import generate_demo
from metrics.people import Viewer
from metrics.store import Database, open_database, transaction
from modules.policy import load_policy

OWNER = Viewer.local_admin()
HEADER = "interaction_id,channel,agent_email,agent_name,team,queued_at,answered_at,csat"


def write_file(folder: Path, rows: int, *, rated: bool = False) -> Path:
    path = folder / "march.csv"
    lines = [HEADER] + [
        f"c{n},phone,ana@shop.example,Ana Horvat,Front line,"
        f"2026-03-02T09:{n:02d}:00Z,2026-03-02T09:{n:02d}:30Z,{'5' if rated else ''}"
        for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def hand_written_contact(db: Database, contact_id: int, external_id: str = "by-hand") -> None:
    """A contact written outside the product, with an id of its own (the sequence not used)."""
    db.execute(
        "INSERT INTO interactions (id, source, external_id, channel, queued_at, abandoned,"
        " resolved) VALUES (?, 'script', ?, 'phone', TIMESTAMPTZ '2026-03-01 08:00:00+00',"
        " false, false)",
        [contact_id, external_id],
    )


def everything(db: Database) -> dict[str, list[tuple]]:
    tables = ("interactions", "feedback", "import_batches", "contact_days", "contact_waits")
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_runs_are_consecutive_and_no_two_writers_share_an_id(db: Database) -> None:
    with transaction(db) as cur:
        first = reserve_ids(cur, "interactions", 5)
    with db.cursor() as one, db.cursor() as two:
        one.execute("BEGIN TRANSACTION")
        two.execute("BEGIN TRANSACTION")
        a = reserve_ids(one, "interactions", 3)
        b = reserve_ids(two, "interactions", 3)
        one.execute("ROLLBACK")  # its ids are a gap: nobody is given them again
        two.execute("COMMIT")
    with transaction(db) as cur:
        after = reserve_ids(cur, "interactions", 2)
    assert first == 1
    assert {a, b} == {6, 9}
    assert after == 12
    with transaction(db) as cur:
        assert reserve_ids(cur, "interactions", 0) == 0
        assert reserve_ids(cur, "feedback", 4) == 1  # each table has its own sequence


def test_a_reservation_holding_a_hand_written_id_is_refused(db: Database) -> None:
    hand_written_contact(db, 3)
    with transaction(db) as cur, pytest.raises(IdsTaken) as refused:
        reserve_ids(cur, "interactions", 5)
    assert str(refused.value) == (
        "the store holds a contact written outside Service Academy with id 3,"
        " which it had not handed out yet"
    )
    assert refused.value.retry is False
    # The next run starts beyond the refused one (1-5), so it is free.
    with transaction(db) as cur:
        assert reserve_ids(cur, "interactions", 5) == 6


def test_an_import_onto_hand_written_ids_stores_nothing_and_says_why(
    db: Database, tmp_path: Path
) -> None:
    # The file's rows 2-4 would be given ids 3-5 (a run from 1, by row number): 3 and 4 taken.
    hand_written_contact(db, 3, "by-hand-3")
    hand_written_contact(db, 4, "by-hand-4")
    before = everything(db)
    with pytest.raises(ImportFailed) as refused:
        import_file(db, write_file(tmp_path, 3), OWNER, "UTC")
    assert str(refused.value) == (
        "march.csv: the store holds 2 contacts written outside Service Academy with ids 3-4,"
        " which it had not handed out yet, so nothing from this file was stored"
    )
    assert everything(db) == before


def test_an_import_onto_a_hand_written_rating_id_stores_nothing(
    db: Database, tmp_path: Path
) -> None:
    hand_written_contact(db, 100)
    db.execute(  # the id the file's first rating (row 2) would be given
        "INSERT INTO feedback (id, interaction_id, rating, scale, received_at)"
        " VALUES (3, 100, 4, '1-5', TIMESTAMPTZ '2026-03-01 08:10:00+00')"
    )
    before = everything(db)
    with pytest.raises(ImportFailed, match="a rating written outside Service Academy with id 3"):
        import_file(db, write_file(tmp_path, 3, rated=True), OWNER, "UTC")
    assert everything(db) == before


def test_an_import_beside_hand_written_ids_elsewhere_gets_fresh_ones(
    db: Database, tmp_path: Path
) -> None:
    hand_written_contact(db, 1_000)
    result = import_file(db, write_file(tmp_path, 3, rated=True), OWNER, "UTC")
    assert result.loaded == 3
    rows = db.execute(
        "SELECT i.id, f.id FROM interactions i JOIN feedback f ON f.interaction_id = i.id"
        " ORDER BY i.id"
    ).fetchall()
    # Row numbers 2-4 of the file, after a reserved run starting at 1 (row 1 is the header).
    assert rows == [(3, 3), (4, 4), (5, 5)]


def test_the_demo_refuses_hand_written_ids_and_otherwise_numbers_its_contacts_in_order(
    tmp_path: Path,
) -> None:
    policy = load_policy().policy
    taken = open_database(tmp_path / "taken.duckdb")
    hand_written_contact(taken, 5)
    with pytest.raises(IdsTaken):
        generate_demo(taken, policy, agents=3, days=5, until=date(2026, 3, 6))
    assert taken.execute("SELECT count(*) FROM interactions").fetchone() == (1,)

    fresh = open_database(tmp_path / "fresh.duckdb")
    generate_demo(fresh, policy, agents=3, days=5, until=date(2026, 3, 6))
    ids = fresh.execute("SELECT id FROM interactions ORDER BY external_id").fetchall()
    assert [i for (i,) in ids] == list(range(1, len(ids) + 1))
    ratings = fresh.execute(
        "SELECT f.id, i.external_id FROM feedback f JOIN interactions i ON i.id = f.interaction_id"
        " ORDER BY i.external_id, f.id"
    ).fetchall()
    assert [i for i, _ in ratings] == list(range(1, len(ratings) + 1))


def test_a_store_migrated_to_0021_keeps_every_contact_and_rating_with_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = store.migrations()
    assert every[20].version == 21
    path = tmp_path / "before.duckdb"
    monkeypatch.setattr(store, "migrations", lambda: every[:20])
    db = open_database(path)
    hand_written_contact(db, 7, "seven")
    db.execute(
        "INSERT INTO interactions (source, external_id, channel, queued_at, answered_at,"
        " abandoned, resolved) VALUES ('script', 'next', 'chat',"
        " TIMESTAMPTZ '2026-03-01 09:00:00+00', TIMESTAMPTZ '2026-03-01 09:01:00+00', false,"
        " true)"
    )
    db.execute(
        "INSERT INTO feedback (interaction_id, rating, scale, received_at)"
        " VALUES (7, 1, 'good/bad', TIMESTAMPTZ '2026-03-01 08:30:00+00')"
    )
    before = {
        t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
        for t in ("interactions", "feedback")
    }
    db.close()
    monkeypatch.setattr(store, "migrations", lambda: every)
    db = open_database(path)
    after = {
        t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
        for t in ("interactions", "feedback")
    }
    assert after == before
    assert [i for i, *_ in after["interactions"]] == [1, 7]
    keys = db.execute(
        "SELECT table_name FROM duckdb_constraints()"
        " WHERE table_name IN ('interactions', 'feedback') AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    assert keys == []
    # The sequences went on where they were.
    with transaction(db) as cur:
        assert reserve_ids(cur, "interactions", 1) == 2
        assert reserve_ids(cur, "feedback", 1) == 2
