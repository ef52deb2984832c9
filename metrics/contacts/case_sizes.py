"""`interactions.case_contacts`: how many stored contacts share each contact's case, kept exact.

First-contact resolution asks of every resolved contact whether its case has exactly one contact
among all stored contacts. Counting cases over the whole store on every report was most of the
report's time and memory (an aggregation over every contact ever stored, ~1.4 s and ~0.6 GB at
10M contacts), so the count is stored on each contact and brought up to date by whoever writes
contacts, inside the writer's own transaction:

- after inserting contacts: `refresh_case_contacts(cur)`; the new rows have a NULL count, and
  they and every stored contact of the same cases are counted again. A writer that knows a new
  case shares no stored contact may insert its contacts with their count already (the import
  does, for a file's new cases: recounting a large file's rows was most of its memory); it then
  marks their days for the rollups itself (`mark_contacts_changed`);
- to delete contacts: `forget_case_contacts(cur, condition, params)` for the rows about to go,
  which sets the count of every contact sharing a case with them to NULL, then the DELETE, then
  `refresh_case_contacts(cur)`, which counts those cases again;
- after anything else (changing a contact's source or case id, a delete done without
  forgetting first): `refresh_case_contacts(cur, everything=True)`, which counts every case again
  and rewrites the counts that changed (~10 s at 10M contacts).

A case is (source, case_id): two systems' numbering never meet. A contact without a case id is
its own case and counts 1. While any stored contact has a NULL count (a writer inserted without
refreshing), `cases_counted` is false and the metrics count cases on the spot instead: still
exact, only slower. A delete without forgetting first is the one mistake they cannot see.

Both functions also mark the UTC days whose daily rollups can change (the days of the contacts
inserted or about to be deleted, and of every contact in their cases, whose count changes):
the writer calls `metrics.contacts.rollups.refresh_contact_rollups(cur)` once its contacts and
ratings are written.
"""

from __future__ import annotations

from metrics.contacts.rollups import UTC_DAY, mark_contacts_changed
from metrics.store import Database

# Only the cases of contacts not counted yet (a SEMI JOIN keeps the count to those cases).
_NEW_CASES_ONLY = """
    SEMI JOIN (
        SELECT DISTINCT source, case_id FROM interactions
        WHERE case_contacts IS NULL AND case_id IS NOT NULL
    ) n ON n.source = x.source AND n.case_id = x.case_id
"""


def refresh_case_contacts(cur: Database, *, everything: bool = False) -> int:
    """Bring `interactions.case_contacts` up to date after contacts were written; call it on
    the writer's cursor, inside its transaction. Returns the number of contacts whose count
    was (re)written.

    By default only the cases of contacts whose count is NULL (just inserted) are counted again;
    with `everything`, every case is (needed after deleting contacts).
    """
    which = "" if everything else _NEW_CASES_ONLY
    _mark_recounted_days(cur, which)
    row = cur.execute(
        f"""
        UPDATE interactions AS i SET case_contacts = c.contacts
        FROM (
            SELECT x.source, x.case_id, count(*)::INTEGER AS contacts
            FROM interactions x {which}
            WHERE x.case_id IS NOT NULL
            GROUP BY x.source, x.case_id
        ) AS c
        WHERE i.source = c.source AND i.case_id = c.case_id
            AND i.case_contacts IS DISTINCT FROM c.contacts
        """
    ).fetchone()
    counted = int(row[0]) if row else 0
    row = cur.execute(
        "UPDATE interactions SET case_contacts = 1"
        " WHERE case_id IS NULL AND case_contacts IS DISTINCT FROM 1"
    ).fetchone()
    return counted + (int(row[0]) if row else 0)


def _mark_recounted_days(cur: Database, which: str) -> None:
    """Mark for the daily rollups the days of the contacts about to be counted again: those
    not counted yet and every contact in their cases (or, with `which` empty, every contact).
    A superset of the counts that change, found with the same SEMI JOIN as the count; asking
    the UPDATE for its rows instead (RETURNING) made it ~30x slower."""
    day = UTC_DAY.format(column="x.queued_at")
    if which:
        days = (
            f"SELECT {day} FROM interactions x {which} WHERE x.case_id IS NOT NULL"
            f" UNION SELECT {day} FROM interactions x WHERE x.case_contacts IS NULL"
        )
    else:
        days = f"SELECT DISTINCT {day} FROM interactions x"
    cur.execute(
        f"INSERT INTO contact_days_pending ({days}) EXCEPT SELECT day FROM contact_days_pending"
    )


def forget_case_contacts(cur: Database, condition: str, params: list[object]) -> int:
    """Before deleting the contacts matching `condition` (a WHERE clause over `interactions`,
    written by the caller, never from user input; values in `params`): set the count of every
    contact in their cases to NULL, so that `refresh_case_contacts` after the DELETE counts
    those cases again; and mark the days of the contacts about to go for the daily rollups
    (`refresh_case_contacts` marks those of the others). Returns the number of contacts marked.
    """
    mark_contacts_changed(cur, condition, params)
    row = cur.execute(
        f"""
        UPDATE interactions AS i SET case_contacts = NULL
        FROM (
            SELECT DISTINCT source, case_id FROM interactions
            WHERE ({condition}) AND case_id IS NOT NULL
        ) AS gone
        WHERE i.source = gone.source AND i.case_id = gone.case_id
        """,
        params,
    ).fetchone()
    return int(row[0]) if row else 0


def cases_counted(cur: Database) -> bool:
    """Whether every stored contact has its case's count (none NULL), so the stored counts can
    be read. Answered from column statistics: about a millisecond at 10M contacts."""
    row = cur.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM interactions WHERE case_contacts IS NULL)"
    ).fetchone()
    return bool(row and row[0])
