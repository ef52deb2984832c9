"""Local times read in SQL agree with Python's own reading of the zone, minute by minute across a
year, in zones whose clocks change forwards and back by an hour, by half an hour, not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest

from metrics.contacts.formats import day_index, local_instant, zone_table, zone_table_sql


def python_reading(local: datetime, zone: ZoneInfo) -> datetime | None:
    """The instant of a naive local time: None if the clocks skipped it, the first occurrence
    (fold=0) if they repeated it."""
    instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        return None
    return instant


@pytest.mark.parametrize(
    "name",
    [
        "Europe/Zagreb",
        "America/New_York",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
    ],
)
def test_every_quarter_hour_of_a_year_reads_as_python_reads_it(name: str) -> None:
    python_zone = ZoneInfo(name)
    start = datetime(2024, 1, 1)
    # Every minute of the days the clocks change (where the cheap and exact ways meet).
    changes = [
        start + timedelta(days=day)
        for day in range(366)
        if (start + timedelta(days=day + 1)).replace(tzinfo=python_zone).utcoffset()
        != (start + timedelta(days=day)).replace(tzinfo=python_zone).utcoffset()
    ]
    with duckdb.connect() as db:
        db.execute("SET TimeZone = 'UTC'")
        zone = zone_table(db.execute(zone_table_sql(), {"tz": name}).fetchone())  # type: ignore[arg-type]
        db.execute(
            "CREATE TABLE t AS SELECT range AS local FROM range(TIMESTAMP '2024-01-01',"
            " TIMESTAMP '2025-01-01', INTERVAL 15 MINUTE)"
        )
        for day in changes:
            db.execute(
                "INSERT INTO t SELECT range"
                " FROM range(?::TIMESTAMP, ?::TIMESTAMP, INTERVAL 1 MINUTE)",
                [day, day + timedelta(days=1)],
            )
        read = db.execute(
            f"SELECT local, {local_instant('local', day_index('local'))} FROM t ORDER BY local",
            {"tz": name, **zone},
        ).fetchall()
    assert len(read) == 366 * 96 + 1440 * len(changes)
    assert len(changes) == (0 if name == "Asia/Kolkata" else 2)
    wrong = [
        (local, instant, python_reading(local, python_zone))
        for local, instant in read
        if instant != python_reading(local, python_zone)
    ]
    assert wrong == []
