"""Contact and rating ids: the one way the product's writers take them.

`interactions` and `feedback` have no primary key (migration 0021): DuckDB keeps a key's index
for every row a transaction inserts and merges it into the table's on one thread at commit, ~8%
of a million-row import (bench/README.md, `import_contacts.py`). Their ids stay unique because
every writer of either table (the import and the demo) takes them here, in its write transaction:

- a run of consecutive ids from the table's own sequence, which never hands out a value twice,
  whichever transaction asks and whether or not it commits;
- checked against the stored rows in the same transaction, so that rows written with ids of
  their own, outside the product (by hand, by a script), are found before an id is doubled
  instead of after.
"""

from __future__ import annotations

from metrics.store import Database

# Each table whose ids are taken here: the sequence that numbers it (migration 0001), and what
# one row and several rows of it are called in a message.
ID_TABLES = {
    "interactions": ("interaction_id_seq", "contact", "contacts"),
    "feedback": ("feedback_id_seq", "rating", "ratings"),
}
# Times a run is asked for before giving up: another writer taking ids at the same moment can
# break a run in two, and asking again almost always gives an unbroken one.
RESERVE_TRIES = 3


class IdsTaken(RuntimeError):
    """The ids reserved cannot be used; nothing has been written with them. `retry`: whether
    writing again can succeed (another writer took ids at the same moment), or not (stored rows
    already hold ids the sequence had not handed out)."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


def reserve_ids(cur: Database, table: str, count: int) -> int:
    """Take `count` consecutive ids for new rows of `table` ("interactions" or "feedback") and
    return the first (0 when `count` is 0); the writer gives its rows first, first + 1, ...

    Call it inside the transaction that writes the rows: the check that no stored row holds one
    of them is made against what that transaction sees. Ids a writer leaves unused (refused rows,
    a rollback) are a gap, as an unused `nextval` leaves. Raises IdsTaken."""
    sequence, one, many = ID_TABLES[table]
    if count <= 0:
        return 0
    for _ in range(RESERVE_TRIES):
        row = cur.execute(
            f"SELECT min(id), max(id) FROM (SELECT nextval('{sequence}') AS id FROM range(?))",
            [count],
        ).fetchall()[0]
        first, last = int(row[0]), int(row[1])
        if last - first == count - 1:
            break
    else:
        raise IdsTaken(f"other {many} were being written at the same moment", retry=True)
    row = cur.execute(
        f"SELECT count(*), min(id), max(id) FROM {table} WHERE id BETWEEN ? AND ?", [first, last]
    ).fetchall()[0]
    held, low, high = row
    if held:
        written = (
            f"a {one} written outside Service Academy with id {low}"
            if held == 1
            else f"{held:,} {many} written outside Service Academy with ids {low}-{high}"
        )
        raise IdsTaken(f"the store holds {written}, which it had not handed out yet", retry=False)
    return first
