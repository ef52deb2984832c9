"""The rollups (metrics/contacts/rollups.py) give exactly the numbers computed from the
contacts.

Each test reads the agent numbers and Team performance's queue-wide reads (team summary, weekly
trends, the wait and rating distributions, contacts by weekday and hour) twice, once from the
rollups and once with the rollups turned off (the metrics then aggregate `interactions`
itself), and demands equal frames and reports:
on the hand-made day of tests/metrics/performance/test_agents.py, on a small generated demo, after
a contact joins
an existing case on another day, after the demo is removed, under another time zone and
standard, and on a store migrated from before the rollups. The rollup tables kept up to date
day by day must also equal the same tables built from scratch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

import metrics.performance.agents as performance
import metrics.performance.hours as hours
from metrics import store
from metrics.contacts.case_sizes import refresh_case_contacts
from metrics.contacts.imports import import_file, remove_batch
from metrics.contacts.rollups import refresh_contact_rollups, rollups_current
from metrics.demo.generate import generate_demo, remove_demo
from metrics.people import Viewer
from metrics.performance import trends
from metrics.performance.agents import agent_metrics, agent_report
from metrics.performance.period import Period
from metrics.store import Database, migrate, open_database, transaction
from modules.policy import Channel, Policy
from tests.metrics.conftest import DAY, utc

ADMIN = Viewer.local_admin()
DEMO_UNTIL = date(2026, 3, 31)


# Team performance's reads besides the agent table, each (db, viewer, policy, period).
TEAM_READS = [
    trends.weekly_trends,
    trends.wait_distribution,
    trends.rating_distribution,
    trends.contacts_by_hour,
]


AGENTS_TRENDED = 3  # agents whose weekly trends are compared, per period


def read_all(db: Database, policy: Policy, period: Period) -> list[object]:
    agents = agent_metrics(db, ADMIN, policy, period)
    return [
        agents,
        agent_report(db, ADMIN, policy, period, None),
        performance.team_summary(db, ADMIN, policy, period),
        *(read(db, ADMIN, policy, period) for read in TEAM_READS),
        *(
            trends.agent_weekly_trends(db, ADMIN, policy, period, int(agent))
            for agent in agents["agent_id"].head(AGENTS_TRENDED)
        ),
    ]


def both_ways(
    db: Database, policy: Policy, period: Period, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[object], list[object]]:
    """Every read from the rollups, and the same with the rollups turned off."""
    assert rollups_current(db), "the rollups are not current: the test would compare raw to raw"
    by_rollups = read_all(db, policy, period)
    with monkeypatch.context() as patch:
        for module in (performance, hours):
            patch.setattr(module, "rollups_current", lambda cur: False)
        raw = read_all(db, policy, period)
    return by_rollups, raw


def assert_identical(
    db: Database, policy: Policy, periods: list[Period], monkeypatch: pytest.MonkeyPatch
) -> None:
    for period in periods:
        by_rollups, raw = both_ways(db, policy, period, monkeypatch)
        names = ["agent_metrics", "agent_report", "team_summary"]
        names += [read.__name__ for read in TEAM_READS]
        names += ["agent_weekly_trends"] * (len(by_rollups) - len(names))
        for read, from_rollups, from_contacts in zip(names, by_rollups, raw, strict=True):
            if isinstance(from_rollups, pd.DataFrame):
                assert isinstance(from_contacts, pd.DataFrame)
                pd.testing.assert_frame_equal(
                    from_rollups, from_contacts, check_exact=True, obj=f"{read} {period}"
                )
            else:
                assert from_rollups == from_contacts, (read, period)


def assert_tables_as_if_built_afresh(db: Database) -> None:
    """The rollups kept day by day hold exactly what a rebuild from the contacts holds."""
    tables = {
        "contact_days": "SELECT * FROM contact_days ORDER BY ALL",
        "contact_hours": "SELECT * FROM contact_hours ORDER BY ALL",
        "contact_waits": "SELECT * FROM contact_waits ORDER BY ALL",
        "contact_unanswered": "SELECT * FROM contact_unanswered ORDER BY ALL",
    }
    kept = {name: db.execute(sql).fetchall() for name, sql in tables.items()}
    with transaction(db) as cur:
        refresh_contact_rollups(cur, everything=True)
    assert {name: db.execute(sql).fetchall() for name, sql in tables.items()} == kept


def one(db: Database, sql: str) -> tuple:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row


def demo_periods(db: Database) -> list[Period]:
    (team_id,) = one(db, "SELECT min(id) FROM teams")
    return [
        Period(start=DEMO_UNTIL - timedelta(days=59), end=DEMO_UNTIL),
        Period(start=date(2026, 3, 1), end=date(2026, 3, 31)),  # a change of clocks inside
        Period(start=date(2026, 3, 10), end=date(2026, 3, 10)),  # one local day: no UTC day
        Period(start=date(2026, 2, 2), end=date(2026, 2, 15), team_id=team_id),
        Period(start=date(2026, 2, 2), end=date(2026, 3, 15), channel="email"),
    ]


@pytest.fixture
def demo(db: Database, policy: Policy) -> Database:
    generate_demo(db, policy, agents=6, days=60, until=DEMO_UNTIL)
    assert rollups_current(db)
    return db


@pytest.mark.parametrize("channel", [None, "phone", "chat"])
def test_the_hand_made_day_from_the_rollups(
    db: Database,
    org: dict[str, Viewer],
    policy: Policy,
    monkeypatch: pytest.MonkeyPatch,
    channel: Channel | None,
) -> None:
    with transaction(db) as cur:
        refresh_case_contacts(cur)
        # `org` inserted contacts 1-9 itself; their days were marked by the count above.
        assert not rollups_current(cur)
        refresh_contact_rollups(cur)
    periods = [
        replace(DAY, channel=channel),
        Period(start=date(2026, 11, 1), end=date(2026, 11, 4), channel=channel),
        Period(start=date(2026, 11, 2), end=date(2026, 11, 2), channel=channel),
        replace(DAY, team_id=org["sup_b"].team_id, channel=channel),
    ]
    assert_identical(db, policy, periods, monkeypatch)
    # And the worked-out answers of tests/metrics/performance/test_agents.py still hold, read from
    # the rollups.
    ana = agent_metrics(db, org["sup_a"], policy, DAY).set_index("name").loc["Ana"]
    assert (ana["handled"], ana["wait_median_s"]) == (4, (31 + 60) / 2)
    assert ana["wait_p90_s"] == pytest.approx(60 + 0.7 * (100 - 60))
    assert (ana["first_contact_resolved"], ana["resolved"]) == (2, 3)
    assert (ana["ratings"], ana["good_ratings"], ana["csat_mean"]) == (4, 2, 4.0)


def test_a_generated_demo_from_the_rollups(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_identical(demo, policy, demo_periods(demo), monkeypatch)
    assert_tables_as_if_built_afresh(demo)


def test_a_contact_joining_a_case_of_another_day_takes_its_first_contact_resolution_away(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A resolved, handled contact alone in its case, weeks before the new contact comes in.
    row = demo.execute(
        "SELECT id, source, case_id, agent_id, queued_at FROM interactions"
        " WHERE case_contacts = 1 AND case_id IS NOT NULL AND resolved AND agent_id IS NOT NULL"
        " AND queued_at < TIMESTAMPTZ '2026-02-15 00:00:00+00' ORDER BY id LIMIT 1"
    ).fetchone()
    assert row is not None
    _, source, case_id, agent_id, queued_at = row
    day = queued_at.date()
    period = Period(start=day - timedelta(days=1), end=day + timedelta(days=1))

    def first_contact_resolved() -> int:
        frame = agent_metrics(demo, ADMIN, policy, period).set_index("agent_id")
        return int(frame.loc[agent_id, "first_contact_resolved"])

    before = first_contact_resolved()
    later = utc(1, 10, 0).replace(year=2026, month=3, day=20)
    with transaction(demo) as cur:  # as a writer does: insert, count the cases, the rollups
        cur.execute(
            "INSERT INTO interactions (source, external_id, channel, agent_id, case_id,"
            " queued_at, answered_at, abandoned, resolved)"
            " VALUES (?, 'late-follow-up', 'phone', ?, ?, ?, ?, false, true)",
            [source, agent_id, case_id, later, later + timedelta(seconds=20)],
        )
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
    assert first_contact_resolved() == before - 1
    assert_identical(demo, policy, [period, *demo_periods(demo)], monkeypatch)
    assert_tables_as_if_built_afresh(demo)


def test_after_removing_the_demo_only_the_imported_contacts_remain_in_the_rollups(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Imported contacts, one of them in a demo contact's case (counted 2, then 1 again).
    source, case_id, agent_id = one(
        demo,
        "SELECT source, case_id, agent_id FROM interactions WHERE case_contacts = 1"
        " AND case_id IS NOT NULL AND agent_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    (staff_id,) = one(demo, "SELECT min(id) FROM staff")
    with transaction(demo) as cur:
        for n, case in [(1, case_id), (2, None)]:
            queued = utc(1, 9, n).replace(year=2026, month=3, day=3)
            cur.execute(
                "INSERT INTO interactions (source, external_id, channel, agent_id, case_id,"
                " queued_at, answered_at, abandoned, resolved)"
                " VALUES (?, ?, 'chat', ?, ?, ?, ?, false, true)",
                [source, f"kept-{n}", staff_id, case, queued, queued + timedelta(seconds=n)],
            )
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
    assert agent_id is not None
    remove_demo(demo)
    assert rollups_current(demo)
    assert demo.execute("SELECT sum(offered) FROM contact_days").fetchone() == (2,)
    assert demo.execute("SELECT count(*) FROM contact_waits").fetchone() == (2,)
    period = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))
    report = agent_report(demo, ADMIN, policy, period, None)
    agents = report["agents"]
    assert isinstance(agents, list)
    assert [a["handled"] for a in agents] == [2]
    assert agents[0]["fcr_rate"] == 1.0  # the demo contact of its case is gone
    assert_identical(demo, policy, [period, *demo_periods(demo)], monkeypatch)
    assert_tables_as_if_built_afresh(demo)


@pytest.mark.parametrize("timezone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_another_time_zone_and_standard_need_no_rebuild(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch, timezone: str
) -> None:
    # Kolkata is 5:30 ahead: its local midnights fall in the middle of UTC hours.
    hours = policy.business_hours.model_copy(update={"timezone": timezone})
    standards = policy.standards.model_copy(
        update={
            "phone": policy.standards.phone.model_copy(update={"answer_within_s": 45}),
            "email": policy.standards.email.model_copy(update={"answer_within_s": 3600}),
        }
    )
    other = policy.model_copy(update={"business_hours": hours, "standards": standards})
    assert other.standards.channel("phone").answer_within_s == 45
    assert_identical(demo, other, demo_periods(demo), monkeypatch)


def test_pending_days_send_the_metrics_to_the_contacts_until_the_rollups_are_refreshed(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    period = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))
    before = agent_report(demo, ADMIN, policy, period, None)
    queued = utc(1, 9, 0).replace(year=2026, month=3, day=4)
    with transaction(demo) as cur:  # a writer that counts cases but forgets the rollups
        cur.execute(
            "INSERT INTO interactions (source, external_id, channel, team_id, queued_at,"
            " abandoned, resolved) VALUES ('test', 'abandoned-1', 'phone', NULL, ?, true, false)",
            [queued],
        )
        refresh_case_contacts(cur)
    assert not rollups_current(demo)
    after = agent_report(demo, ADMIN, policy, period, None)  # read from the contacts
    team, team_before = after["team"], before["team"]
    assert isinstance(team, dict) and isinstance(team_before, dict)
    assert team["offered"] == team_before["offered"] + 1
    with transaction(demo) as cur:
        assert refresh_contact_rollups(cur) == 1  # one UTC day
    assert agent_report(demo, ADMIN, policy, period, None) == after
    assert_identical(demo, policy, [period], monkeypatch)


def test_a_store_migrated_from_before_the_rollups_gets_them_built(
    tmp_path, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = store.migrations()
    (rollups,) = [m.version for m in every if m.name == "contact_rollups"]
    before = [m for m in every if m.version < rollups]
    monkeypatch.setattr(store, "migrations", lambda: before)
    path = tmp_path / "old.duckdb"
    old = open_database(path)
    # The demo of the version before: contacts and counts, no rollups.
    with monkeypatch.context() as patch:
        patch.setattr("metrics.demo.generate.refresh_contact_rollups", lambda cur: 0)
        patch.setattr("metrics.contacts.case_sizes._mark_recounted_days", lambda cur, which: None)
        # Nor had it a rollout session (migration 0015 came later).
        patch.setattr("metrics.demo.generate.insert_rollout_session", lambda *args: 0)
        # Nor a complaint register (migration 0016 came later still).
        patch.setattr("metrics.demo.generate.insert_complaints", lambda *args: 0)
        # Nor a coaching rule (migration 0019).
        patch.setattr("metrics.demo.generate.insert_coaching_rule", lambda *args: None)
        # Nor coaching plans or kudos (the same migration).
        patch.setattr("metrics.demo.generate.insert_coaching", lambda *args: 0)
        patch.setattr("metrics.demo.generate.insert_kudos", lambda *args: 0)
        generate_demo(old, policy, agents=6, days=60, until=DEMO_UNTIL)
    assert "contact_days" not in store.table_columns(old)
    monkeypatch.setattr(store, "migrations", lambda: every)
    assert migrate(old) == [m.version for m in every if m.version >= rollups]
    assert rollups_current(old)
    assert_identical(old, policy, demo_periods(old), monkeypatch)
    assert_tables_as_if_built_afresh(old)
    old.close()


def test_an_import_and_its_removal_keep_the_rollups_exact(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    # Two imported contacts of one case on different days, one of them rated.
    (email,) = one(demo, "SELECT email FROM staff WHERE role = 'agent' ORDER BY id LIMIT 1")
    file = tmp_path / "contacts.csv"
    file.write_text(
        "interaction_id,channel,agent_email,queued_at,answered_at,resolved_at,case_id,csat\n"
        f"X1,phone,{email},2026-03-10T09:00:00,2026-03-10T09:00:20,2026-03-10T09:05:00,K-1,5\n"
        f"X2,chat,{email},2026-03-11T10:00:00,2026-03-11T10:01:00,,K-1,\n",
        encoding="utf-8",
    )
    result = import_file(demo, file, ADMIN, policy.business_hours.timezone)
    assert result.loaded == 2
    assert rollups_current(demo)
    assert one(demo, "SELECT sum(case_contacts) FROM interactions WHERE case_id = 'K-1'") == (4,)
    periods = [Period(start=date(2026, 3, 1), end=date(2026, 3, 31)), *demo_periods(demo)]
    assert_identical(demo, policy, periods, monkeypatch)
    assert_tables_as_if_built_afresh(demo)

    assert result.batch_id is not None
    remove_batch(demo, ADMIN, result.batch_id)
    assert rollups_current(demo)
    assert_identical(demo, policy, periods, monkeypatch)
    assert_tables_as_if_built_afresh(demo)


def waiting_policies(policy: Policy) -> list[Policy]:
    """The policy, and one whose e-mail standard is a second longer: the edge moves."""
    email = policy.standards.email.model_copy(update={"answer_within_s": 4 * 3600 + 1})
    standards = policy.standards.model_copy(update={"email": email})
    return [policy, policy.model_copy(update={"standards": standards})]


def test_waiting_tickets_read_the_same_from_the_rollups(
    demo: Database, policy: Policy, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Unanswered tickets (metrics/contacts/waiting.py) on several days, some still within the
    standard at the export and some past it, one exactly at it, assigned or not: the rollups
    give the same queue as the contacts, contact for contact, under either standard; and after
    a later export updates them and after that import is removed."""
    (email,) = one(demo, "SELECT email FROM staff WHERE role = 'agent' ORDER BY id LIMIT 1")
    header = "interaction_id,channel,agent_email,queued_at,answered_at,resolved_at,abandoned"
    lines = [
        header,
        f"U1,email,{email},2026-03-10T08:00:00Z,,,",  # 4 h before the export's 12:00: waiting
        "U2,email,,2026-03-10T07:59:59Z,,,",  # a second more: missed
        "U3,social,,2026-03-09T23:30:00Z,,,",  # another UTC day, long missed
        "U4,phone,,2026-03-10T11:59:50Z,,,false",  # a call not abandoned, 10 s ago: waiting
        f"U5,chat,{email},2026-03-10T11:00:00Z,2026-03-10T11:00:30Z,2026-03-10T12:00:00Z,",
    ]
    file = tmp_path / "tickets.csv"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_file(demo, file, ADMIN, policy.business_hours.timezone).loaded == 5
    assert rollups_current(demo)
    assert one(demo, "SELECT count(*) FROM contact_unanswered") == (4,)
    periods = [
        Period(start=date(2026, 3, 9), end=date(2026, 3, 11)),
        Period(start=date(2026, 3, 10), end=date(2026, 3, 10)),
        Period(start=date(2026, 3, 1), end=date(2026, 3, 31), channel="email"),
        *demo_periods(demo),
    ]
    report = agent_report(demo, ADMIN, policy, periods[0], None)
    team = report["team"]
    assert isinstance(team, dict) and team["waiting"] == 2  # U1 and U4
    for each in waiting_policies(policy):
        assert_identical(demo, each, periods, monkeypatch)
    assert_tables_as_if_built_afresh(demo)

    # The next export: U1 answered, U2 still open (seen at 13:00 now), U4 gone from the file.
    later = [
        header,
        f"U1,email,{email},2026-03-10T08:00:00Z,2026-03-10T12:30:00Z,,",
        "U2,email,,2026-03-10T07:59:59Z,,,",
        f"U6,phone,{email},2026-03-10T12:59:00Z,2026-03-10T12:59:10Z,2026-03-10T13:00:00Z,",
    ]
    file.write_text("\n".join(later) + "\n", encoding="utf-8")
    result = import_file(demo, file, ADMIN, policy.business_hours.timezone)
    assert (result.loaded, result.updated, result.duplicates) == (2, 1, 1)
    assert rollups_current(demo)
    for each in waiting_policies(policy):
        assert_identical(demo, each, periods, monkeypatch)
    assert_tables_as_if_built_afresh(demo)
    assert result.batch_id is not None
    remove_batch(demo, ADMIN, result.batch_id)
    for each in waiting_policies(policy):
        assert_identical(demo, each, periods, monkeypatch)
    assert_tables_as_if_built_afresh(demo)
