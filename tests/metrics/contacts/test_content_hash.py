"""The digest an import stores on every contact is the md5 of the row's text as it has always
been made: stored contacts are compared with a re-import by it, so it must not change."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from metrics.contacts.formats import content_hash


def by_hand(parts: list[str | None]) -> int:
    """md5 of the values joined by the unit separator (U+001F), an absent value written as the
    record separator (U+001E), read as DuckDB's `md5_number` reads it: little-endian."""
    text = "\x1f".join("\x1e" if part is None else part for part in parts)
    return int.from_bytes(hashlib.md5(text.encode()).digest(), "little")


@pytest.mark.parametrize(
    "row",
    [
        ("T-1", "email", "2025-01-06T08:00:00Z"),
        ("T-1", None, "2025-01-06T08:00:00Z"),
        (None, None, None),
        ("", "", ""),
        ("Hvala, brzo riješeno.", "תודה רבה", "Çok teşekkürler"),
    ],
)
def test_the_digest_is_the_md5_of_the_separated_text(row: tuple[str | None, ...]) -> None:
    db = duckdb.connect()
    db.execute("CREATE TABLE r (a VARCHAR, b VARCHAR, c VARCHAR)")
    db.execute("INSERT INTO r VALUES (?, ?, ?)", list(row))
    [(digest,)] = db.execute(f"SELECT {content_hash(['a', 'b', 'c'])} FROM r").fetchall()
    assert digest == by_hand(list(row))
