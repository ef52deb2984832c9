"""Kudos: who may give them (read from the stored rows), a comment passed on once, and who sees
which (an agent never sees a colleague's private kudos)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.coaching import kudos
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, set_team
from metrics.store import Database

WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(db: Database) -> dict[str, Viewer]:
    teams = {"A": add_team(db, "A"), "B": add_team(db, "B")}
    viewers = {}
    for key, role, team in [
        ("ana", "agent", "A"),
        ("ben", "agent", "A"),
        ("cara", "agent", "B"),
        ("sup_a", "supervisor", "A"),
        ("sup_b", "supervisor", "B"),
        ("owner", "owner", None),
    ]:
        staff_id = add_staff(
            db, NewStaffMember(name=key.title(), email=f"{key}@x.example", role=role, team=team)
        )
        viewers[key] = Viewer(
            staff_id=staff_id,
            name=key,
            email=f"{key}@x.example",
            role=role,
            team_id=teams[team] if team else None,
        )
    # Contacts 1 and 2 are Ana's, 3 Ben's; feedback 1 is praise with a comment, 2 a low
    # rating, 3 'good' on the good/bad scale, 4 praise without a comment.
    for n, agent in [(1, "ana"), (2, "ana"), (3, "ben"), (4, "ana")]:
        db.execute(
            "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
            " queued_at, answered_at, abandoned, resolved)"
            " VALUES (?, 'test', ?, 'chat', ?, ?, ?, ?, false, true)",
            [n, str(n), viewers[agent].staff_id, teams["A"], WHEN, WHEN],
        )
    for n, rating, scale, comment in [
        (1, 5, "1-5", "Lovely help"),
        (2, 2, "1-5", "Slow"),
        (3, 1, "good/bad", "Great"),
        (4, 4, "1-5", None),
    ]:
        db.execute(
            "INSERT INTO feedback (id, interaction_id, rating, scale, comment, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [n, n, rating, scale, comment, WHEN],
        )
    return viewers


def test_a_supervisor_gives_kudos_to_their_own_team_only(
    db: Database, people: dict[str, Viewer]
) -> None:
    ana = people["ana"].staff_id
    kudos.give_kudos(db, people["sup_a"], ana, "Calm with an angry caller")
    with pytest.raises(AccessDenied):
        kudos.give_kudos(db, people["sup_b"], ana, "Not my team")
    with pytest.raises(AccessDenied):
        kudos.give_kudos(db, people["ben"], ana, "Agents do not give kudos")
    assert kudos.give_kudos(db, people["owner"], people["cara"].staff_id, "Owners give anyone")
    with pytest.raises(kudos.KudosError, match="reason"):
        kudos.give_kudos(db, people["sup_a"], ana, "   ")
    assert list(kudos.kudos_of_agent(db, people["owner"], ana)["reason"]) == [
        "Calm with an angry caller"
    ]


def test_who_may_give_is_read_from_the_stored_row(db: Database, people: dict[str, Viewer]) -> None:
    # Sup A is moved to team B after their page was built: the stored row decides.
    set_team(db, "sup_a@x.example", "B")
    with pytest.raises(AccessDenied):
        kudos.give_kudos(db, people["sup_a"], people["ana"].staff_id, "Stale viewer")


def test_a_positive_comment_is_passed_on_once(db: Database, people: dict[str, Viewer]) -> None:
    ana = people["ana"].staff_id
    reason = kudos.comment_reason("Lovely help")
    assert reason == "A customer wrote: “Lovely help”"
    kudos.give_kudos(db, people["sup_a"], ana, reason, feedback_id=1)
    with pytest.raises(kudos.AlreadyPassedOn):
        kudos.give_kudos(db, people["owner"], ana, reason, feedback_id=1)
    for feedback_id, agent in [(2, ana), (4, ana), (3, ana)]:
        with pytest.raises(kudos.KudosError):
            kudos.give_kudos(db, people["sup_a"], agent, "x", feedback_id=feedback_id)
    kudos.give_kudos(db, people["sup_a"], people["ben"].staff_id, "Great", feedback_id=3)
    assert kudos.passed_on(db, [1, 2, 3, 4]) == {1, 3}
    assert db.execute("SELECT count(*) FROM kudos").fetchone() == (2,)


def test_an_agent_sees_their_own_and_the_teams_shared_kudos_never_a_private_one(
    db: Database, people: dict[str, Viewer]
) -> None:
    ana, ben, cara = (people[key].staff_id for key in ("ana", "ben", "cara"))
    kudos.give_kudos(db, people["sup_a"], ben, "Private to Ben")
    kudos.give_kudos(db, people["sup_a"], ben, "Shared by Ben", shared_with_team=True)
    kudos.give_kudos(db, people["sup_a"], ana, "Private to Ana")
    kudos.give_kudos(db, people["owner"], cara, "Shared in team B", shared_with_team=True)
    home = kudos.kudos_on_home(db, people["ana"])
    # Newest first: Ana's own, then Ben's shared one.
    assert list(home["reason"]) == ["Private to Ana", "Shared by Ben"]
    assert list(home["mine"]) == [True, False]
    with pytest.raises(AccessDenied):
        kudos.kudos_of_agent(db, people["ana"], ben)
    assert list(kudos.kudos_of_agent(db, people["sup_a"], ben)["reason"]) == [
        "Shared by Ben",
        "Private to Ben",
    ]
    with pytest.raises(AccessDenied):
        kudos.kudos_of_agent(db, people["sup_b"], ben)
