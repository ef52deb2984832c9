"""The rollout session on a hand-made organisation: two teams (A: Ana, Ben and their supervisor;
B: Cem and theirs), an owner, and what each may do in a session, worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database
from metrics.training import rollout
from metrics.training.rollout import (
    AnswersClosed,
    JoinCodeRefused,
    NewCheckQuestion,
    RolloutError,
)


@pytest.fixture
def people(db: Database) -> dict[str, Viewer]:
    add_team(db, "A")
    add_team(db, "B")
    ids = {
        key: add_staff(
            db, NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team)
        )
        for key, name, role, team in [
            ("owner", "Olga Owner", "owner", None),
            ("ana", "Ana", "agent", "A"),
            ("ben", "Ben", "agent", "A"),
            ("sup_a", "Sup A", "supervisor", "A"),
            ("cem", "Cem", "agent", "B"),
            ("sup_b", "Sup B", "supervisor", "B"),
        ]
    }
    viewers = {key: staff_viewer(db, staff_id) for key, staff_id in ids.items()}
    return {key: viewer for key, viewer in viewers.items() if viewer is not None}


SINGLE = NewCheckQuestion(
    kind="single_choice",
    prompt="How fast do we answer the phone?",
    options=["30 seconds", "60 seconds", "4 hours"],
    correct=[0],
    explanation="The policy's phone standard is 30 seconds.",
)
MULTIPLE = NewCheckQuestion(
    kind="multiple_choice",
    prompt="Which of these do we never ask for in public?",
    options=["Order number", "Their first name", "Address"],
    correct=[0, 2],
    explanation="Order numbers and addresses only in a private message.",
)


def test_attendance_by_staff_is_the_first_join_at_any_session_of_that_version(
    db: Database, people: dict[str, Viewer]
) -> None:
    owner, ana, ben, cem = people["owner"], people["ana"], people["ben"], people["cem"]
    first = rollout.start_session(db, owner, 1, "Vision")
    second = rollout.start_session(db, owner, 1, "Vision")
    other_version = rollout.start_session(db, owner, 2, "Vision")
    rollout.join(db, ana, first.join_code)
    rollout.join(db, ana, second.join_code)  # again, later: the first join counts
    rollout.mark_present(db, owner, second.id, ben.staff_id, "no phone with him")
    rollout.join(db, cem, other_version.join_code)  # version 2 only

    attendance = rollout.attendance_by_staff(db, 1)

    joined = dict(
        db.execute(
            "SELECT session_id, joined_at FROM rollout_attendance WHERE staff_id = ?",
            [ana.staff_id],
        ).fetchall()
    )
    assert set(attendance) == {ana.staff_id, ben.staff_id}
    assert attendance[ana.staff_id] == joined[first.id] < joined[second.id]
    assert rollout.attendance_by_staff(db, 2).keys() == {cem.staff_id}
    assert rollout.attendance_by_staff(db, 3) == {}


def test_who_may_start_and_present_a_session(db: Database, people: dict[str, Viewer]) -> None:
    whole = rollout.start_session(db, people["owner"], 1, "Vision")
    assert whole.team_id is None and len(whole.join_code) == rollout.JOIN_CODE_LENGTH
    assert set(whole.join_code) <= set(rollout.JOIN_CODE_ALPHABET)
    # A supervisor's session is for their own team, whatever they ask for.
    team_a = rollout.start_session(db, people["sup_a"], 1, "Vision")
    assert team_a.team == "A"
    with pytest.raises(AccessDenied):
        rollout.start_session(db, people["sup_a"], 1, "Vision", team_id=people["cem"].team_id)
    with pytest.raises(AccessDenied):
        rollout.start_session(db, people["ana"], 1, "Vision")

    # Another team's supervisor, and any agent, can neither present nor read it.
    for outsider in ("sup_b", "ana"):
        with pytest.raises(AccessDenied):
            rollout.presented_session(db, people[outsider], team_a.id)
        with pytest.raises(AccessDenied):
            rollout.session_summary(db, people[outsider], team_a.id)
        with pytest.raises(AccessDenied):
            rollout.show_slide(db, people[outsider], team_a.id, 1, "Changes")
    with pytest.raises(AccessDenied):
        rollout.session_summary(db, people["sup_a"], whole.id)  # the whole organisation's
    assert [s.id for s in rollout.sessions_to_present(db, people["sup_a"])] == [team_a.id]
    assert {s.id for s in rollout.sessions_to_present(db, people["owner"])} == {whole.id, team_a.id}
    with pytest.raises(AccessDenied):
        rollout.sessions_to_present(db, people["ana"])


def test_a_supervisor_moved_to_another_team_is_refused_at_once(
    db: Database, people: dict[str, Viewer]
) -> None:
    session = rollout.start_session(db, people["sup_a"], 1, "Vision")
    db.execute(
        "UPDATE staff SET team_id = ? WHERE id = ?",
        [people["sup_b"].team_id, people["sup_a"].staff_id],
    )
    # The viewer the page holds still says team A: the stored row decides.
    with pytest.raises(AccessDenied):
        rollout.show_slide(db, people["sup_a"], session.id, 1, "Changes")


def test_wrong_ended_and_expired_codes_are_said_in_one_line(
    db: Database, people: dict[str, Viewer]
) -> None:
    owner, ana = people["owner"], people["ana"]
    with pytest.raises(JoinCodeRefused, match=r"^No rollout session has the code ZZZZZZ: "):
        rollout.join(db, ana, "zzz-zzz")
    ended = rollout.start_session(db, owner, 1, "Vision")
    rollout.end_session(db, owner, ended.id)
    with pytest.raises(JoinCodeRefused, match=f"with the code {ended.join_code} has ended"):
        rollout.join(db, ana, ended.join_code)
    old = rollout.start_session(db, owner, 1, "Vision")
    db.execute(
        "UPDATE rollout_sessions SET expires_at = ? WHERE id = ?",
        [datetime.now(UTC) - timedelta(seconds=1), old.id],
    )
    with pytest.raises(JoinCodeRefused, match=f"The code {old.join_code} has expired"):
        rollout.join(db, ana, old.join_code)
    for refused in (ended, old):
        with pytest.raises(JoinCodeRefused) as refusal:
            rollout.join(db, ana, refused.join_code)
        assert "\n" not in str(refusal.value)
    assert db.execute("SELECT count(*) FROM rollout_attendance").fetchone() == (0,)


def test_joining_records_attendance_once_and_only_for_the_sessions_scope(
    db: Database, people: dict[str, Viewer]
) -> None:
    session = rollout.start_session(db, people["sup_a"], 1, "Vision")
    typed = session.join_code.lower()[:3] + " " + session.join_code.lower()[3:]
    rollout.join(db, people["ana"], typed)  # as typed on a phone
    rollout.join(db, people["ana"], session.join_code)  # a reload joins again
    with pytest.raises(RolloutError, match="for the team A"):
        rollout.join(db, people["cem"], session.join_code)
    rows = db.execute("SELECT staff_id, marked_by FROM rollout_attendance").fetchall()
    assert rows == [(people["ana"].staff_id, None)]


def test_marking_present_needs_a_note_and_keeps_who_marked_it(
    db: Database, people: dict[str, Viewer]
) -> None:
    owner, ben = people["owner"], people["ben"]
    session = rollout.start_session(db, owner, 1, "Vision")
    with pytest.raises(RolloutError, match="note"):
        rollout.mark_present(db, owner, session.id, ben.staff_id, "  ")
    assert rollout.mark_present(db, owner, session.id, ben.staff_id, "Left his phone at home")
    assert not rollout.mark_present(db, owner, session.id, ben.staff_id, "again")
    rollout.join(db, ben, session.join_code)  # then borrows a phone: still marked, first time
    with pytest.raises(AccessDenied):
        rollout.mark_present(db, people["sup_b"], session.id, people["ana"].staff_id, "here")

    assert rollout.attendance_count(db, owner, session.id) == 1
    # The whole organisation but the presenter, by team: whom else she may mark present.
    assert [p.name for p in rollout.not_joined(db, owner, session.id)] == [
        "Ana",
        "Sup A",
        "Cem",
        "Sup B",
    ]
    summary = rollout.session_summary(db, owner, session.id)
    assert [(a.name, a.marked_by, a.note) for a in summary.attended] == [
        ("Ben", "Olga Owner", "Left his phone at home")
    ]


def test_a_second_answer_replaces_the_first_until_the_reveal_then_answers_are_closed(
    db: Database, people: dict[str, Viewer]
) -> None:
    owner, ana, ben = people["owner"], people["ana"], people["ben"]
    session = rollout.start_session(db, owner, 1, "Vision")
    code = session.join_code
    rollout.join(db, ana, code)
    rollout.join(db, ben, code)
    rollout.show_slide(db, owner, session.id, 2, "Standards per channel")
    question = rollout.open_question(db, owner, session.id, SINGLE)
    assert question.slide == 2
    with pytest.raises(RolloutError, match="Reveal the answer"):
        rollout.open_question(db, owner, session.id, MULTIPLE)

    rollout.answer(db, ana, code, question.id, [1])
    rollout.answer(db, ana, code, question.id, [0])  # changes her mind: replaces it
    rollout.answer(db, ben, code, question.id, [2])
    with pytest.raises(RolloutError, match="one option only"):
        rollout.answer(db, ben, code, question.id, [0, 1])
    with pytest.raises(RolloutError, match="Join the session"):
        rollout.answer(db, people["cem"], code, question.id, [0])

    counts = rollout.answer_counts(db, owner, session.id, question.id)
    assert (counts.counts, counts.answered, counts.attending) == ([1, 0, 1], 2, 2)
    ana_sees = rollout.participant_state(db, ana, code)
    assert ana_sees.slide_title == "Standards per channel"
    assert ana_sees.question is not None and ana_sees.question.answer == [0]
    assert ana_sees.question.correct is None and ana_sees.question.explanation is None

    rollout.reveal(db, owner, session.id, question.id)
    with pytest.raises(AnswersClosed):
        rollout.answer(db, ben, code, question.id, [0])
    after = rollout.participant_state(db, ben, code).question
    assert after is not None and after.answer == [2] and after.correct == [0]
    assert after.explanation == "The policy's phone standard is 30 seconds."
    assert rollout.answer_counts(db, owner, session.id, question.id).counts == [1, 0, 1]


def test_ending_stores_the_summary_attended_absent_and_each_questions_answers(
    db: Database, people: dict[str, Viewer]
) -> None:
    sup_a, ana, ben = people["sup_a"], people["ana"], people["ben"]
    session = rollout.start_session(db, sup_a, 1, "Vision")
    code = session.join_code
    rollout.join(db, ana, code)
    first = rollout.open_question(db, sup_a, session.id, MULTIPLE)
    rollout.answer(db, ana, code, first.id, [2, 0])  # both right ones, in any order
    rollout.reveal(db, sup_a, session.id, first.id)
    second = rollout.open_question(db, sup_a, session.id, SINGLE)
    rollout.answer(db, ana, code, second.id, [1])  # wrong; left open at the end

    summary = rollout.end_session(db, sup_a, session.id)

    assert [a.name for a in summary.attended] == ["Ana"]
    # Team A's active staff who never joined, the presenter aside: Ben only (Cem is team B).
    assert [(a.name, a.role) for a in summary.absent] == [("Ben", "agent")]
    assert [(q.prompt, q.counts, q.answered, q.right) for q in summary.questions] == [
        (MULTIPLE.prompt, [1, 0, 1], 1, 1),
        (SINGLE.prompt, [0, 1, 0], 1, 0),
    ]
    assert summary.questions[0].answers[0].choices == [0, 2]
    # Stored: read back as it was, though Ben is deactivated afterwards.
    db.execute("UPDATE staff SET active = false WHERE id = ?", [ben.staff_id])
    assert rollout.session_summary(db, sup_a, session.id) == summary
    assert rollout.questions(db, sup_a, session.id)[1].revealed  # the open one was closed
    with pytest.raises(AnswersClosed, match="ended"):
        rollout.answer(db, ana, code, second.id, [0])
    with pytest.raises(RolloutError, match="has ended"):
        rollout.show_slide(db, sup_a, session.id, 1, "Changes")


def test_an_on_the_spot_question_is_validated_like_a_modules_own() -> None:
    with pytest.raises(ValueError, match="exactly one right option"):
        NewCheckQuestion(
            kind="single_choice", prompt="?", options=["a", "b"], correct=[0, 1], explanation="x"
        )
    with pytest.raises(ValueError, match="at least one wrong option"):
        NewCheckQuestion(
            kind="multiple_choice", prompt="?", options=["a", "b"], correct=[0, 1], explanation="x"
        )
    with pytest.raises(ValueError, match="two options read the same"):
        NewCheckQuestion(
            kind="single_choice", prompt="?", options=["a", " a"], correct=[0], explanation="x"
        )
    with pytest.raises(ValueError, match="options of the question"):
        NewCheckQuestion(
            kind="single_choice", prompt="?", options=["a", "b"], correct=[2], explanation="x"
        )


def test_answers_racing_the_reveal_are_stored_only_while_the_question_is_open(
    db: Database, people: dict[str, Viewer]
) -> None:
    """Twelve participants answer from their own threads while the presenter reveals: every
    answer stored was decided before the reveal, every later one was refused, none is lost."""
    import threading

    owner = people["owner"]
    session = rollout.start_session(db, owner, 1, "Vision")
    room = [
        staff_viewer(
            db, add_staff(db, NewStaffMember(name=f"P{n}", email=f"p{n}@x.example", role="agent"))
        )
        for n in range(12)
    ]
    for person in room:
        assert person is not None
        rollout.join(db, person, session.join_code)
    question = rollout.open_question(db, owner, session.id, SINGLE)
    stored: list[int] = []
    refused: list[int] = []
    go = threading.Barrier(len(room) + 1)

    def answer(person: Viewer) -> None:
        go.wait()
        for _ in range(5):
            try:
                rollout.answer(db, person, session.join_code, question.id, [1])
                stored.append(person.staff_id)
            except AnswersClosed:
                refused.append(person.staff_id)

    threads = [threading.Thread(target=answer, args=(p,)) for p in room if p is not None]
    for thread in threads:
        thread.start()
    go.wait()
    revealed = rollout.reveal(db, owner, session.id, question.id)
    for thread in threads:
        thread.join()

    assert len(stored) + len(refused) == 5 * len(room)
    rows = db.execute(
        "SELECT staff_id, answered_at FROM rollout_answers WHERE question_id = ?", [question.id]
    ).fetchall()
    assert {staff_id for staff_id, _ in rows} == set(stored)
    assert revealed.revealed_at is not None
    assert all(answered_at <= revealed.revealed_at for _, answered_at in rows)
