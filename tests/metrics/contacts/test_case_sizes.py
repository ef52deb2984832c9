"""The stored case counts (`interactions.case_contacts`) and the metrics that read them, on the
hand-made day of tests/metrics/performance/test_agents.py (see its table; `org` inserts the
contacts without counting them, as a writer that forgets would).

Cases on that day: C1 = {1}, C2 = {2, 5}; contacts 3, 4, 6, 7, 8, 9 have no case id.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

from metrics import store
from metrics.contacts.case_sizes import cases_counted, forget_case_contacts, refresh_case_contacts
from metrics.demo.generate import remove_demo
from metrics.people import Viewer
from metrics.performance.agents import agent_metrics, agent_report, team_summary
from metrics.performance.period import Period
from metrics.store import Database, migrate, open_database
from modules.policy import Policy
from tests.metrics.conftest import DAY, utc


def counts(db: Database) -> dict[int, int | None]:
    rows = db.execute("SELECT id, case_contacts FROM interactions ORDER BY id").fetchall()
    return dict(rows)


def add_contact(db: Database, n: int, case: str | None, agent_id: int | None = None) -> None:
    """A resolved phone contact on 20 November (outside DAY), answered after 10 s."""
    queued = utc(20, 9, 0)
    db.execute(
        "INSERT INTO interactions (id, source, external_id, channel, agent_id, case_id,"
        " queued_at, answered_at, abandoned, resolved)"
        " VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, false, true)",
        [n, str(n), agent_id, case, queued, queued + timedelta(seconds=10)],
    )


def test_refresh_counts_each_contacts_case_and_a_contact_without_a_case_as_one(
    db: Database, org: dict[str, Viewer]
) -> None:
    assert not cases_counted(db)
    assert set(counts(db).values()) == {None}
    assert refresh_case_contacts(db) == 9
    assert counts(db) == {1: 1, 2: 2, 3: 1, 4: 1, 5: 2, 6: 1, 7: 1, 8: 1, 9: 1}
    assert cases_counted(db)
    assert refresh_case_contacts(db) == 0  # nothing new: nothing rewritten


def test_a_new_contact_in_a_stored_case_recounts_the_older_ones(
    db: Database, org: dict[str, Viewer]
) -> None:
    refresh_case_contacts(db)
    add_contact(db, 10, "C1")
    add_contact(db, 11, None)
    # 10 and 11 are new; 1 shares C1 with 10 and goes from 1 to 2.
    assert refresh_case_contacts(db) == 3
    assert (counts(db)[1], counts(db)[10], counts(db)[11]) == (2, 2, 1)


def test_a_delete_counts_again_the_cases_it_touched(db: Database, org: dict[str, Viewer]) -> None:
    refresh_case_contacts(db)
    assert forget_case_contacts(db, "id = ?", [5]) == 2  # 2 and 5 share C2
    db.execute("DELETE FROM interactions WHERE id = 5")
    assert refresh_case_contacts(db) == 1
    assert counts(db)[2] == 1


def test_everything_counts_again_after_a_delete_without_forgetting(
    db: Database, org: dict[str, Viewer]
) -> None:
    refresh_case_contacts(db)
    db.execute("DELETE FROM interactions WHERE id = 5")
    assert counts(db)[2] == 2  # stale: the default refresh only looks at uncounted contacts
    assert refresh_case_contacts(db, everything=True) == 1
    assert counts(db)[2] == 1


def test_the_migration_counts_the_contacts_already_stored(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = store.migrations()
    (case_contacts,) = [m.version for m in every if m.name == "case_contacts"]
    before = [m for m in every if m.version < case_contacts]
    monkeypatch.setattr(store, "migrations", lambda: before)
    db = open_database(tmp_path / "old.duckdb")
    for n, case in [(1, "A"), (2, "A"), (3, "B"), (4, None)]:
        add_contact(db, n, case)
    monkeypatch.setattr(store, "migrations", lambda: every)
    assert migrate(db) == [m.version for m in every if m.version >= case_contacts]
    assert counts(db) == {1: 2, 2: 2, 3: 1, 4: 1}
    assert cases_counted(db)


def everything_shown(db: Database, viewer: Viewer, policy: Policy, period: Period):
    return (
        agent_metrics(db, viewer, policy, period),
        team_summary(db, viewer, policy, period),
        agent_report(db, viewer, policy, period, None),
    )


@pytest.mark.parametrize("channel", [None, "phone"])
def test_stored_counts_give_the_numbers_counted_on_the_spot(
    db: Database, org: dict[str, Viewer], policy: Policy, channel: str | None
) -> None:
    period = replace(DAY, channel=channel)
    on_the_spot = everything_shown(db, org["sup_a"], policy, period)  # nothing counted yet
    refresh_case_contacts(db)
    stored = everything_shown(db, org["sup_a"], policy, period)
    pd.testing.assert_frame_equal(on_the_spot[0], stored[0])
    assert on_the_spot[1:] == stored[1:]
    ana = stored[0].set_index("name").loc["Ana"]
    if channel is None:
        # Resolved: 1 (C1 alone ✓), 2 (C2 with Ben's 5 ✗), 4 (no case ✓) → 2 of 3
        assert (ana["first_contact_resolved"], ana["fcr_rate"]) == (2, pytest.approx(2 / 3))


def test_a_later_contact_in_the_case_takes_first_contact_resolution_away(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    refresh_case_contacts(db)
    add_contact(db, 10, "C1", org["ana"].staff_id)  # 20 November: outside DAY, same case
    refresh_case_contacts(db)
    ana = agent_metrics(db, org["sup_a"], policy, DAY).set_index("name").loc["Ana"]
    assert (ana["resolved"], ana["first_contact_resolved"]) == (3, 1)  # only 4 is left


def test_the_report_of_a_period_nobody_handled_still_has_the_queue(
    db: Database, org: dict[str, Viewer], policy: Policy
) -> None:
    queued = utc(21, 9, 0)
    db.execute(
        "INSERT INTO interactions (id, source, external_id, channel, team_id, queued_at,"
        " abandoned, resolved) VALUES (10, 'test', '10', 'chat', ?, ?, true, false)",
        [org["sup_a"].team_id, queued],
    )
    refresh_case_contacts(db)
    day = Period(start=date(2026, 11, 21), end=date(2026, 11, 21))
    report = agent_report(db, org["sup_a"], policy, day, None)
    assert report["agents"] == []
    assert report["team"] == {
        "offered": 1,
        "answered": 0,
        "abandoned": 1,
        "waiting": 0,
        "abandonment_rate": 1.0,
        "service_level": 0.0,
    }


def test_the_demo_keeps_the_counts_exact(demo_db_path) -> None:
    db = open_database(demo_db_path)
    wrong = """
        SELECT count(*) FROM (
            SELECT case_contacts, CASE WHEN case_id IS NULL THEN 1
                ELSE count(*) OVER (PARTITION BY source, case_id) END AS contacts
            FROM interactions
        ) WHERE case_contacts IS DISTINCT FROM contacts
    """
    assert cases_counted(db)
    assert db.execute(wrong).fetchone() == (0,)
    # An imported contact that happens to share a demo case (same source and case id) is
    # counted with it, and alone again once the demo is removed.
    found = db.execute(
        "SELECT source, case_id, case_contacts FROM interactions WHERE case_contacts > 1 LIMIT 1"
    ).fetchone()
    assert found is not None
    source, case, contacts = found
    db.execute(
        "INSERT INTO interactions (source, external_id, channel, case_id, queued_at, abandoned,"
        " resolved) VALUES (?, 'imported-1', 'email', ?, ?, false, false)",
        [source, case, utc(21, 9, 0)],
    )
    refresh_case_contacts(db)
    assert counts_of(db, "imported-1") == contacts + 1
    remove_demo(db)
    assert counts_of(db, "imported-1") == 1
    assert db.execute(wrong).fetchone() == (0,)
    db.close()


def counts_of(db: Database, external_id: str) -> int:
    row = db.execute(
        "SELECT case_contacts FROM interactions WHERE external_id = ?", [external_id]
    ).fetchone()
    assert row is not None
    return int(row[0])
