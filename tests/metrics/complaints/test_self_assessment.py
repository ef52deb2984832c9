"""The self-assessment's rounds on a hand-made organisation: an owner's round and answers, staff's
anonymous answers (who answered kept apart from what, once per person and round), the staff's
view only once the round is closed and only from three answers, and who may do what."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from metrics.complaints.self_assessment import (
    MIN_STAFF_ANSWERS,
    SelfAssessmentRefused,
    answer_as_owner,
    answer_as_staff,
    close_round,
    current_round,
    invitation,
    open_round,
    results,
)
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database, table_columns
from modules.self_assessment import AREAS, STATEMENT_IDS

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def rated(everything: int, **areas: list[int]) -> dict[str, int]:
    ratings = {statement: everything for statement in STATEMENT_IDS}
    for area_id, values in areas.items():
        [area] = [a for a in AREAS if a.id == area_id]
        ratings.update({s.id: v for s, v in zip(area.statements, values, strict=True)})
    return ratings


@pytest.fixture
def people(db: Database) -> dict[str, Viewer]:
    add_team(db, "Front line")
    found = {}
    for key, role in [
        ("olga", "owner"),
        ("otto", "owner"),
        ("sara", "supervisor"),
        ("ana", "agent"),
        ("ben", "agent"),
        ("cleo", "agent"),
    ]:
        staff_id = add_staff(
            db,
            NewStaffMember(
                name=key.title(),
                email=f"{key}@x.example",
                role=role,
                team=None if role == "owner" else "Front line",
            ),
        )
        viewer = staff_viewer(db, staff_id)
        assert viewer is not None
        found[key] = viewer
    return found


def test_no_answer_row_carries_a_staff_id_or_a_time(db: Database, people) -> None:  # type: ignore[no-untyped-def]
    round_id = open_round(db, people["olga"], ask_staff=True, now=MONDAY)
    answer_as_staff(db, people["ana"], round_id, rated(2))
    answer_as_staff(db, people["ben"], round_id, rated(4))
    # What was answered: the round, a random name for the answer set, the statement, the rating.
    assert table_columns(db)["self_assessment_answers"] == [
        "round_id",
        "response",
        "statement",
        "rating",
    ]
    staff_ids = {v.staff_id for v in people.values()}
    rows = db.execute(
        "SELECT DISTINCT CAST(response AS VARCHAR), round_id FROM self_assessment_answers"
    ).fetchall()
    assert len(rows) == 2 and {r for _, r in rows} == {round_id}
    assert all(response not in {str(i) for i in staff_ids} for response, _ in rows)
    # Who answered: the people, and nothing of what they answered.
    assert table_columns(db)["self_assessment_participants"] == ["round_id", "staff_id"]
    assert db.execute(
        "SELECT staff_id FROM self_assessment_participants ORDER BY staff_id"
    ).fetchall() == sorted([(people["ana"].staff_id,), (people["ben"].staff_id,)])


def test_the_stored_order_does_not_pair_who_answered_with_what(db: Database, people) -> None:  # type: ignore[no-untyped-def]
    """DuckDB keeps rows in the order written: the third to answer must not be the third row
    of both tables."""
    round_id = open_round(db, people["olga"], ask_staff=True, now=MONDAY)
    answer_as_owner(db, people["olga"], round_id, rated(5))
    order = ["cleo", "sara", "ben", "ana"]  # not in order of staff id
    for n, key in enumerate(order, start=1):
        answer_as_staff(db, people[key], round_id, rated(n))
    stored = db.execute(
        "SELECT staff_id FROM self_assessment_participants ORDER BY rowid"
    ).fetchall()
    assert [staff_id for (staff_id,) in stored] == sorted(people[k].staff_id for k in order)
    # The staff's answer sets lie in order of their random ids, each set's rows together.
    sets = db.execute(
        "SELECT CAST(response AS VARCHAR), min(rating) FROM self_assessment_answers"
        " WHERE response <> (SELECT owner_response FROM self_assessment_rounds)"
        " GROUP BY ALL ORDER BY min(rowid)"
    ).fetchall()
    assert [response for response, _ in sets] == sorted(response for response, _ in sets)
    assert sorted(rating for _, rating in sets) == [1, 2, 3, 4]
    # Nothing lost on the way: 4 sets of 25, and the owner's.
    assert db.execute(
        "SELECT count(*), count(DISTINCT response) FROM self_assessment_answers"
    ).fetchone() == (125, 5)
    [result] = results(db, people["olga"])
    assert result.owner is not None and result.owner.total == 35


def test_each_person_answers_a_round_once(db: Database, people) -> None:  # type: ignore[no-untyped-def]
    round_id = open_round(db, people["olga"], ask_staff=True, now=MONDAY)
    assert invitation(db, people["ana"]).answered is False  # type: ignore[union-attr]
    answer_as_staff(db, people["ana"], round_id, rated(2))
    assert invitation(db, people["ana"]).answered is True  # type: ignore[union-attr]
    with pytest.raises(SelfAssessmentRefused, match="already answered this round"):
        answer_as_staff(db, people["ana"], round_id, rated(5))
    # Nothing of the second try is kept: one answer set of 25 ratings, all 2.
    assert db.execute(
        "SELECT count(DISTINCT response), count(*), min(rating), max(rating)"
        " FROM self_assessment_answers"
    ).fetchone() == (1, 25, 2, 2)
    # The next round asks again.
    close_round(db, people["olga"], round_id)
    second = open_round(db, people["otto"], ask_staff=True)
    assert invitation(db, people["ana"]).answered is False  # type: ignore[union-attr]
    answer_as_staff(db, people["ana"], second, rated(3))


def test_the_staff_view_waits_for_the_close_and_for_three_answers(db: Database, people) -> None:  # type: ignore[no-untyped-def]
    olga = people["olga"]
    round_id = open_round(db, olga, ask_staff=True, now=MONDAY)
    answer_as_owner(db, olga, round_id, rated(4))  # total 28
    answer_as_staff(db, people["ana"], round_id, rated(3))  # 21
    answer_as_staff(db, people["ben"], round_id, rated(2))  # 14
    [running] = results(db, olga)
    assert running.owner is not None and running.owner.total == 28
    assert running.owner.band == "asset"
    assert running.staff is None and running.staff_withheld == "shown once the round is closed"
    assert running.staff_answers == 2
    close_round(db, olga, round_id, now=MONDAY.replace(day=9))
    [two] = results(db, olga)
    assert two.staff is None
    assert two.staff_withheld is not None and two.staff_withheld.startswith("2 staff answered")

    # Three answers: staff totals 21, 14 and 24 (Sara: every area at 3 except culture at 5 and
    # improvement at 4 -> 5 × 3 + 5 + 4 = 24).
    second = open_round(db, olga, ask_staff=True, now=MONDAY.replace(day=16))
    answer_as_staff(db, people["ana"], second, rated(3))
    answer_as_staff(db, people["ben"], second, rated(2))
    answer_as_staff(db, people["sara"], second, rated(3, culture=[5, 5, 5, 5], improvement=[4] * 3))
    close_round(db, olga, second)
    first, latest = results(db, olga)
    assert (first.number, latest.number) == (1, 2)
    assert latest.owner is None  # the owner did not answer this one
    assert latest.staff is not None and latest.staff_withheld is None
    assert latest.staff.answers == MIN_STAFF_ANSWERS == 3
    # Totals 21, 14, 24: mean 59/3, lowest 14, highest 24; band of 19.67: losing.
    assert latest.staff.total.mean == pytest.approx(59 / 3)
    assert (latest.staff.total.lowest, latest.staff.total.highest) == (14, 24)
    assert latest.staff.band == "losing"
    # Culture 3, 2, 5: mean 10/3; feedback 3, 2, 3: mean 8/3, lowest 2, highest 3.
    assert latest.staff.areas["culture"].mean == pytest.approx(10 / 3)
    assert latest.staff.areas["feedback"].model_dump() == pytest.approx(
        {"mean": 8 / 3, "lowest": 2, "highest": 3}
    )


def test_the_owner_s_view_is_the_opener_s_and_can_be_changed_while_open(
    db: Database, people
) -> None:  # type: ignore[no-untyped-def]
    olga, otto = people["olga"], people["otto"]
    round_id = open_round(db, olga, ask_staff=False, now=MONDAY)
    answer_as_owner(db, olga, round_id, rated(2))
    answer_as_owner(db, olga, round_id, rated(3, feedback=[1, 1, 1]))  # 6 × 3 + 1 = 19
    with pytest.raises(SelfAssessmentRefused, match="owner who opened it"):
        answer_as_owner(db, otto, round_id, rated(5))
    opened = current_round(db, olga)
    assert opened is not None and opened.owner_ratings == rated(3, feedback=[1, 1, 1])
    assert current_round(db, otto).owner_ratings is None  # type: ignore[union-attr]
    [only] = results(db, otto)
    assert only.owner is not None and only.owner.total == 19 and only.owner.band == "losing"
    # Feedback at 1, the other six at 3: the average 19/7 ≈ 2.71, only feedback below it.
    assert only.owner.weakest == ["feedback"]
    assert db.execute("SELECT count(*) FROM self_assessment_answers").fetchone() == (25,)


def test_who_may_do_what(db: Database, people) -> None:  # type: ignore[no-untyped-def]
    olga, ana, sara = people["olga"], people["ana"], people["sara"]
    with pytest.raises(AccessDenied):
        open_round(db, ana, ask_staff=True)
    with pytest.raises(AccessDenied):
        open_round(db, sara, ask_staff=True)
    # A viewer claiming to be an owner is judged by the stored row: Ana is an agent.
    with pytest.raises(AccessDenied):
        open_round(db, replace(ana, role="owner"), ask_staff=True)
    round_id = open_round(db, olga, ask_staff=False)
    with pytest.raises(SelfAssessmentRefused, match="already open"):
        open_round(db, people["otto"], ask_staff=True)
    # A round that does not ask staff takes no staff answers, and invites nobody.
    assert invitation(db, ana) is None
    with pytest.raises(SelfAssessmentRefused, match="does not ask staff"):
        answer_as_staff(db, ana, round_id, rated(3))
    with pytest.raises(AccessDenied):
        answer_as_staff(db, olga, round_id, rated(3))
    for read in (results, current_round):
        with pytest.raises(AccessDenied):
            read(db, ana)
        with pytest.raises(AccessDenied):
            read(db, sara)
    close_round(db, olga, round_id)
    with pytest.raises(SelfAssessmentRefused, match="closed"):
        answer_as_owner(db, olga, round_id, rated(3))
    with pytest.raises(SelfAssessmentRefused, match="already closed"):
        close_round(db, olga, round_id)
    asked = open_round(db, olga, ask_staff=True)
    close_round(db, olga, asked)
    with pytest.raises(SelfAssessmentRefused, match="closed"):
        answer_as_staff(db, ana, asked, rated(3))
    assert db.execute("SELECT count(*) FROM self_assessment_answers").fetchone() == (0,)
