"""Small hand-made stores for page tests: a team, its people, and contacts written out one by
one, so a test can work out every number a page should show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from metrics.contacts.case_sizes import refresh_case_contacts
from metrics.contacts.rollups import refresh_contact_rollups
from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.store import open_database, transaction
from tests.training_app.apptest import viewer_of

ZONE = ZoneInfo("Europe/Zagreb")  # the shipped policy's time zone


@dataclass(frozen=True)
class Contact:
    """One contact, queued at 10:00 local time on `day` plus `minute` minutes."""

    day: date
    agent: str | None  # the e-mail of who answered; None: abandoned
    wait_s: int = 10  # phone: the standard is 30 s
    resolved: bool = True
    rating: int | None = None  # 1–5
    minute: int = 0
    case: str | None = None
    category: str | None = None
    comment: str | None = None


def build_store(
    path: Path, people: list[tuple[str, str, str]], contacts: list[Contact]
) -> dict[str, Viewer]:
    """A store at `path` with one team, "Front line", the `people` (name, e-mail, role; an owner
    has no team) and the `contacts` (all phone, to the team's queue); the viewers by e-mail."""
    db = open_database(path)
    try:
        team = add_team(db, "Front line")
        ids = {
            email: add_staff(
                db,
                NewStaffMember(
                    name=name,
                    email=email,
                    role=role,
                    team=None if role == "owner" else "Front line",
                ),
            )
            for name, email, role in people
        }
        with transaction(db) as cur:
            for n, contact in enumerate(contacts, start=1):
                local = datetime.combine(contact.day, time(10, 0), ZONE)
                queued = (local + timedelta(minutes=contact.minute)).astimezone(UTC)
                answered = (
                    None if contact.agent is None else queued + timedelta(seconds=contact.wait_s)
                )
                resolved = contact.resolved and answered is not None
                cur.execute(
                    "INSERT INTO interactions (id, source, external_id, channel, agent_id,"
                    " team_id, case_id, queued_at, answered_at, resolved_at, abandoned, resolved,"
                    " category) VALUES (?, 'test', ?, 'phone', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        n,
                        str(n),
                        None if contact.agent is None else ids[contact.agent],
                        team,
                        contact.case,
                        queued,
                        answered,
                        answered + timedelta(minutes=5) if resolved and answered else None,
                        answered is None,
                        resolved,
                        contact.category,
                    ],
                )
                if contact.rating is not None:
                    assert answered is not None
                    cur.execute(
                        "INSERT INTO feedback (interaction_id, rating, scale, comment, received_at)"
                        " VALUES (?, ?, '1-5', ?, ?)",
                        [n, contact.rating, contact.comment, answered + timedelta(hours=1)],
                    )
            refresh_case_contacts(cur)
            refresh_contact_rollups(cur)
    finally:
        db.close()
    return {email: viewer_of(path, email) for _, email, _ in people}


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]
