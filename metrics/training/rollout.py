"""The mandatory rollout session: the version in force presented to the room, who attended, and
the check questions asked on the way.

An owner starts a session for the whole organisation or one team; a supervisor for their own
team only. The room reads a short join code (and its QR code); staff sign in on their own device
and enter it, which records their attendance. The presenter may mark someone present who has no
device, with a note. At any slide the presenter opens a check question; participants answer on
their device; a second answer replaces the first until the presenter reveals the right answer,
after which the question is closed. Ending the session stores its summary: who attended, who in
its scope did not, and each question's answers.

Everything is stored as it happens, so a participant who reloads, joins late or loses the
connection comes back to the current slide with their answers. Every decision is made inside
the write's transaction against the stored rows: the session (open, which slide), the question
(revealed or not) and the person asking (their role and team as stored now).

DuckDB runs transactions optimistically: an answer and the reveal write different rows, so both
could commit, each against a snapshot in which the question was still open. The room's writes
therefore take turns (`_ROOM_WRITES`; one process owns the store, the app), each deciding on
what was committed before it. A write takes about a millisecond, so a room of a hundred
answering at once waits a fraction of a second in all.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from metrics.people import AccessDenied, Viewer
from metrics.store import Database, transaction

# Read off a projector and typed on a phone: no 0/O, 1/I/L, 5/S or 2/Z to mistake for each other.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
JOIN_CODE_LENGTH = 6  # 27**6 = 387 million codes: never guessed, and short enough to type
# A code is good for the day of the meeting, then refused as expired even if nobody ended it.
SESSION_OPEN_FOR = timedelta(hours=12)
MAX_OPTIONS = 8  # what fits on a phone's screen and on the presenter's chart
MAX_TEXT = 2000  # a question, an option or an explanation written on the spot
MAX_NOTE = 500  # why someone was marked present

QuestionKind = Literal["single_choice", "multiple_choice"]

_ROOM_WRITES = threading.Lock()
# How many times the presenter changed what each room's devices show (join code -> count): a
# slide moved, a question opened or revealed, the session ended. Kept in this process, the one
# that owns the store, so that a device's request for the state can wait for the next change
# without asking the store again and again (`room_changes`).
_presenter_changes: dict[str, int] = {}


class RolloutError(ValueError):
    """A rollout action that cannot be carried out; the message is one line for the person."""


class JoinCodeRefused(RolloutError):
    """A join code that is wrong, or whose session has ended or expired."""


class AnswersClosed(RolloutError):
    """The question was revealed (or the session ended): answers are closed."""


class RolloutSession(BaseModel):
    id: int
    policy_version: int
    join_code: str
    team_id: int | None
    team: str | None
    started_by: int
    started_at: datetime
    expires_at: datetime
    slide: int
    slide_title: str
    ended_at: datetime | None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.ended_at is None and (now or _now()) < self.expires_at


class CheckQuestion(BaseModel):
    id: int
    session_id: int
    slide: int
    kind: QuestionKind
    prompt: str
    options: list[str]
    correct: list[int]
    explanation: str
    source: str | None
    opened_at: datetime
    revealed_at: datetime | None

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


ShortText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class NewCheckQuestion(BaseModel):
    """A question to open: one of the training modules' (`source` names it) or written on the
    spot. Validated strictly, like a module's own question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: QuestionKind
    prompt: ShortText
    options: list[ShortText] = Field(min_length=2, max_length=MAX_OPTIONS)
    correct: list[int] = Field(min_length=1)
    explanation: ShortText
    source: str | None = None

    @field_validator("prompt", "explanation")
    @classmethod
    def stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("required")
        return value.strip()

    @field_validator("options")
    @classmethod
    def distinct_options(cls, options: list[str]) -> list[str]:
        options = [option.strip() for option in options]
        if any(not option for option in options):
            raise ValueError("an option is empty")
        if len(set(options)) != len(options):
            raise ValueError("two options read the same")
        return options

    @model_validator(mode="after")
    def answer_key(self) -> NewCheckQuestion:
        right = set(self.correct)
        if len(right) != len(self.correct) or not right <= set(range(len(self.options))):
            raise ValueError("the right answers must be options of the question, each once")
        if self.kind == "single_choice" and len(right) != 1:
            raise ValueError("a single-choice question has exactly one right option")
        if self.kind == "multiple_choice" and len(right) == len(self.options):
            raise ValueError("a multiple-choice question needs at least one wrong option")
        return self


class Attendee(BaseModel):
    staff_id: int
    name: str
    team: str | None
    joined_at: datetime
    marked_by: str | None  # who marked them present, when they had no device
    note: str | None


class Absentee(BaseModel):
    staff_id: int
    name: str
    team: str | None
    role: str


class GivenAnswer(BaseModel):
    staff_id: int
    name: str
    choices: list[int]
    right: bool


class QuestionResult(BaseModel):
    question_id: int
    slide: int
    kind: QuestionKind
    prompt: str
    options: list[str]
    correct: list[int]
    explanation: str
    counts: list[int]  # answers choosing each option
    answers: list[GivenAnswer]

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def right(self) -> int:
        return sum(answer.right for answer in self.answers)


class RolloutSummary(BaseModel):
    session_id: int
    policy_version: int
    join_code: str
    team: str | None
    started_at: datetime
    ended_at: datetime | None
    attended: list[Attendee]
    absent: list[Absentee]  # active staff in the session's scope who never joined
    questions: list[QuestionResult]


class AnswerCounts(BaseModel):
    """What the presenter's chart reads while a question is open: one cheap query."""

    question_id: int
    counts: list[int]
    answered: int
    attending: int


class ParticipantQuestion(BaseModel):
    id: int
    kind: QuestionKind
    prompt: str
    options: list[str]
    answer: list[int] | None  # the participant's own, as stored
    revealed: bool
    correct: list[int] | None  # only once revealed
    explanation: str | None  # only once revealed


class ParticipantState(BaseModel):
    """What a participant's device shows, read afresh on every poll."""

    join_code: str
    policy_version: int
    slide: int
    slide_title: str
    ended: bool
    question: ParticipantQuestion | None
    changes: int  # `room_changes` as this state was read: ask again with it to wait for the next


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _room_write(db: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """A transaction of the room, one at a time (see the module's docstring)."""
    with _ROOM_WRITES, transaction(db) as cur:
        yield cur


def _changed(code: str) -> None:
    with _ROOM_WRITES:
        _presenter_changes[code] = _presenter_changes.get(code, 0) + 1


def room_changes(code: str) -> int:
    """How many changes the presenter has made to the room with this code since this process
    started: a device holding an older number has something new to show."""
    return _presenter_changes.get(normalised_code(code), 0)


_SESSION_SELECT = (
    "SELECT r.id, r.policy_version, r.join_code, r.team_id, t.name, r.started_by, r.started_at,"
    " r.expires_at, r.slide, r.slide_title, r.ended_at"
    " FROM rollout_sessions r LEFT JOIN teams t ON t.id = r.team_id"
)
_SESSION_KEYS = (
    "id",
    "policy_version",
    "join_code",
    "team_id",
    "team",
    "started_by",
    "started_at",
    "expires_at",
    "slide",
    "slide_title",
    "ended_at",
)
_QUESTION_COLUMNS = (
    "id, session_id, slide, kind, prompt, options, correct, explanation, source, opened_at,"
    " revealed_at"
)
_QUESTION_KEYS = tuple(name.strip() for name in _QUESTION_COLUMNS.split(","))


def _session(row: tuple) -> RolloutSession:
    return RolloutSession(**dict(zip(_SESSION_KEYS, row, strict=True)))


def _question(row: tuple) -> CheckQuestion:
    return CheckQuestion(**dict(zip(_QUESTION_KEYS, row, strict=True)))


def _stored_session(cur: duckdb.DuckDBPyConnection, session_id: int) -> RolloutSession:
    row = cur.execute(_SESSION_SELECT + " WHERE r.id = ?", [session_id]).fetchone()
    if row is None:
        raise RolloutError(f"There is no rollout session {session_id}.")
    return _session(row)


def _stored_viewer(cur: duckdb.DuckDBPyConnection, viewer: Viewer) -> tuple[str, int | None]:
    """The viewer's role and team as stored now; refused once they are deactivated."""
    row = cur.execute(
        "SELECT role, team_id FROM staff WHERE id = ? AND active", [viewer.staff_id]
    ).fetchone()
    if row is None:
        raise AccessDenied("your account is not active")
    return str(row[0]), row[1]


def _may_present(role: str, team_id: int | None, session_team: int | None) -> bool:
    """Owners present and read any session; a supervisor only their own team's."""
    if role == "owner":
        return True
    return role == "supervisor" and team_id is not None and session_team == team_id


def _presented(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, session_id: int, *, open_only: bool = True
) -> RolloutSession:
    """The stored session, if the viewer (as stored now) may present it; refused otherwise."""
    role, team_id = _stored_viewer(cur, viewer)
    session = _stored_session(cur, session_id)
    if not _may_present(role, team_id, session.team_id):
        raise AccessDenied("this rollout session is not yours to present or read")
    if open_only and session.ended_at is not None:
        raise RolloutError("This rollout session has ended.")
    return session


# -- starting, presenting, ending --------------------------------------------------------------


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalised_code(typed: str) -> str:
    """A code as typed on a phone: any case, with spaces or a dash between its halves."""
    return "".join(character for character in typed.upper() if character.isalnum())


def start_session(
    db: Database,
    viewer: Viewer,
    policy_version: int,
    first_slide_title: str,
    *,
    team_id: int | None = None,
) -> RolloutSession:
    """Open a session for `policy_version` on its first slide. An owner chooses the whole
    organisation (`team_id` None) or one team; a supervisor's session is for their own team,
    whatever `team_id` says, and an agent may start none."""
    with _room_write(db) as cur:
        role, own_team = _stored_viewer(cur, viewer)
        if role == "supervisor":
            if own_team is None:
                raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
            if team_id not in (None, own_team):
                raise AccessDenied("a supervisor presents to their own team only")
            team_id = own_team
        elif role != "owner":
            raise AccessDenied("only owners and supervisors present a rollout session")
        if (
            team_id is not None
            and cur.execute("SELECT 1 FROM teams WHERE id = ?", [team_id]).fetchone() is None
        ):
            raise RolloutError(f"There is no team {team_id}.")
        code = new_join_code()
        while cur.execute("SELECT 1 FROM rollout_sessions WHERE join_code = ?", [code]).fetchone():
            code = new_join_code()
        now = _now()
        (session_id,) = cur.execute(
            "INSERT INTO rollout_sessions (policy_version, join_code, team_id, started_by,"
            " started_at, expires_at, slide, slide_title) VALUES (?, ?, ?, ?, ?, ?, 0, ?)"
            " RETURNING id",
            [
                policy_version,
                code,
                team_id,
                viewer.staff_id,
                now,
                now + SESSION_OPEN_FOR,
                first_slide_title,
            ],
        ).fetchone()  # type: ignore[misc]
        return _stored_session(cur, int(session_id))


def presented_session(db: Database, viewer: Viewer, session_id: int) -> RolloutSession:
    """A session the viewer may present or read (ended ones included)."""
    with db.cursor() as cur:
        return _presented(cur, viewer, session_id, open_only=False)


def sessions_to_present(db: Database, viewer: Viewer) -> list[RolloutSession]:
    """The sessions the viewer may present or read, the newest first."""
    with db.cursor() as cur:
        role, team_id = _stored_viewer(cur, viewer)
        if role == "owner":
            rows = cur.execute(_SESSION_SELECT + " ORDER BY r.started_at DESC, r.id DESC")
        elif role == "supervisor" and team_id is not None:
            rows = cur.execute(
                _SESSION_SELECT + " WHERE r.team_id = ? ORDER BY r.started_at DESC, r.id DESC",
                [team_id],
            )
        else:
            raise AccessDenied("only owners and supervisors present a rollout session")
        return [_session(row) for row in rows.fetchall()]


def show_slide(
    db: Database, viewer: Viewer, session_id: int, slide: int, title: str
) -> RolloutSession:
    """Move the room to a slide: participants' devices show its title at their next poll."""
    if slide < 0:
        raise RolloutError("There is no slide before the first.")
    with _room_write(db) as cur:
        _presented(cur, viewer, session_id)
        cur.execute(
            "UPDATE rollout_sessions SET slide = ?, slide_title = ? WHERE id = ?",
            [slide, title, session_id],
        )
        moved = _stored_session(cur, session_id)
    _changed(moved.join_code)
    return moved


def open_question(
    db: Database, viewer: Viewer, session_id: int, question: NewCheckQuestion
) -> CheckQuestion:
    """Ask the room a question on the current slide. One question is open at a time: the one
    before must have been revealed first."""
    with _room_write(db) as cur:
        session = _presented(cur, viewer, session_id)
        if cur.execute(
            "SELECT 1 FROM rollout_questions WHERE session_id = ? AND revealed_at IS NULL",
            [session_id],
        ).fetchone():
            raise RolloutError("Reveal the answer of the open question before asking another.")
        row = cur.execute(
            "INSERT INTO rollout_questions (session_id, slide, kind, prompt, options, correct,"
            f" explanation, source, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            f" RETURNING {_QUESTION_COLUMNS}",
            [
                session_id,
                session.slide,
                question.kind,
                question.prompt,
                question.options,
                sorted(question.correct),
                question.explanation,
                question.source,
                _now(),
            ],
        ).fetchone()
        assert row is not None
    _changed(session.join_code)
    return _question(row)


def reveal(db: Database, viewer: Viewer, session_id: int, question_id: int) -> CheckQuestion:
    """Show the room the right answer; from now on the question takes no answers."""
    with _room_write(db) as cur:
        session = _presented(cur, viewer, session_id)
        row = cur.execute(
            f"SELECT {_QUESTION_COLUMNS} FROM rollout_questions WHERE id = ? AND session_id = ?",
            [question_id, session_id],
        ).fetchone()
        if row is None:
            raise RolloutError("That question is not one of this session's.")
        if row[_QUESTION_KEYS.index("revealed_at")] is None:
            cur.execute(
                "UPDATE rollout_questions SET revealed_at = ? WHERE id = ?", [_now(), question_id]
            )
        row = cur.execute(
            f"SELECT {_QUESTION_COLUMNS} FROM rollout_questions WHERE id = ?", [question_id]
        ).fetchone()
        assert row is not None
    _changed(session.join_code)
    return _question(row)


def questions(db: Database, viewer: Viewer, session_id: int) -> list[CheckQuestion]:
    """The session's questions in the order they were asked."""
    with db.cursor() as cur:
        _presented(cur, viewer, session_id, open_only=False)
        rows = cur.execute(
            f"SELECT {_QUESTION_COLUMNS} FROM rollout_questions WHERE session_id = ? ORDER BY id",
            [session_id],
        ).fetchall()
    return [_question(row) for row in rows]


def answer_counts(db: Database, viewer: Viewer, session_id: int, question_id: int) -> AnswerCounts:
    """How many chose each option so far, and how many are in the room: the live chart."""
    with db.cursor() as cur:
        _presented(cur, viewer, session_id, open_only=False)
        row = cur.execute(
            "SELECT q.options,"
            " (SELECT list(a.choices) FROM rollout_answers a WHERE a.question_id = q.id),"
            " (SELECT count(*) FROM rollout_attendance t WHERE t.session_id = q.session_id)"
            " FROM rollout_questions q WHERE q.id = ? AND q.session_id = ?",
            [question_id, session_id],
        ).fetchone()
    if row is None:
        raise RolloutError("That question is not one of this session's.")
    options, given, attending = row
    counts = [0] * len(options)
    for choices in given or []:
        for choice in choices:
            counts[choice] += 1
    return AnswerCounts(
        question_id=question_id,
        counts=counts,
        answered=len(given or []),
        attending=int(attending),
    )


def attendance_count(db: Database, viewer: Viewer, session_id: int) -> int:
    """How many are in the room: joined on a device or marked present."""
    with db.cursor() as cur:
        _presented(cur, viewer, session_id, open_only=False)
        (count,) = cur.execute(
            "SELECT count(*) FROM rollout_attendance WHERE session_id = ?", [session_id]
        ).fetchone()  # type: ignore[misc]
    return int(count)


def not_joined(db: Database, viewer: Viewer, session_id: int) -> list[Absentee]:
    """Active staff in the session's scope who have not joined: whom the presenter may mark
    present."""
    with db.cursor() as cur:
        session = _presented(cur, viewer, session_id, open_only=False)
        return _absent(cur, session)


def mark_present(db: Database, viewer: Viewer, session_id: int, staff_id: int, note: str) -> bool:
    """Record someone without a device as present, with a note saying why, and who marked it.
    False when they were present already (joined or marked): the first record is kept."""
    note = note.strip()
    if not note:
        raise RolloutError("Say in a note why they are marked present (no device, say).")
    if len(note) > MAX_NOTE:
        raise RolloutError(f"Keep the note under {MAX_NOTE} characters.")
    with _room_write(db) as cur:
        session = _presented(cur, viewer, session_id)
        _check_in_scope(cur, session, staff_id)
        if _attending(cur, session_id, staff_id):
            return False
        cur.execute(
            "INSERT INTO rollout_attendance (session_id, staff_id, joined_at, marked_by, note)"
            " VALUES (?, ?, ?, ?, ?)",
            [session_id, staff_id, _now(), viewer.staff_id, note],
        )
        return True


def end_session(db: Database, viewer: Viewer, session_id: int) -> RolloutSummary:
    """End the session: an open question is revealed, the code stops working, and the summary
    (who attended, who did not, each question's answers) is stored with the session."""
    with _room_write(db) as cur:
        session = _presented(cur, viewer, session_id)
        now = _now()
        cur.execute(
            "UPDATE rollout_questions SET revealed_at = ? WHERE session_id = ?"
            " AND revealed_at IS NULL",
            [now, session_id],
        )
        cur.execute(
            "UPDATE rollout_sessions SET ended_at = ?, ended_by = ?, summary = '{}' WHERE id = ?",
            [now, viewer.staff_id, session_id],
        )
        summary = summary_of(cur, session_id)
        cur.execute(
            "UPDATE rollout_sessions SET summary = ? WHERE id = ?",
            [summary.model_dump_json(), session_id],
        )
    _changed(session.join_code)
    return summary


def session_summary(db: Database, viewer: Viewer, session_id: int) -> RolloutSummary:
    """The summary as stored when the session ended; while it runs, as it stands now."""
    with db.cursor() as cur:
        session = _presented(cur, viewer, session_id, open_only=False)
        if session.ended_at is not None:
            (stored,) = cur.execute(
                "SELECT summary FROM rollout_sessions WHERE id = ?", [session_id]
            ).fetchone()  # type: ignore[misc]
            return RolloutSummary.model_validate_json(stored)
        return summary_of(cur, session.id)


def _scope_filter(session: RolloutSession) -> tuple[str, list[object]]:
    """Active staff the session is for (its team, or everyone), the presenter aside, who were on
    the staff by the time it ended (or now, while it runs)."""
    sql = " s.active AND s.id <> ? AND s.created_at <= ?"
    params: list[object] = [session.started_by, session.ended_at or _now()]
    if session.team_id is not None:
        sql += " AND s.team_id = ?"
        params.append(session.team_id)
    return sql, params


def _check_in_scope(cur: duckdb.DuckDBPyConnection, session: RolloutSession, staff_id: int) -> None:
    row = cur.execute(
        "SELECT s.active, s.team_id FROM staff s WHERE s.id = ?", [staff_id]
    ).fetchone()
    if row is None or not row[0]:
        raise RolloutError("That person is not on the active staff list.")
    if session.team_id is not None and row[1] != session.team_id:
        raise RolloutError(f"This session is for the team {session.team}.")


def _attending(cur: duckdb.DuckDBPyConnection, session_id: int, staff_id: int) -> bool:
    return (
        cur.execute(
            "SELECT 1 FROM rollout_attendance WHERE session_id = ? AND staff_id = ?",
            [session_id, staff_id],
        ).fetchone()
        is not None
    )


def _absent(cur: duckdb.DuckDBPyConnection, session: RolloutSession) -> list[Absentee]:
    scope, params = _scope_filter(session)
    return [
        Absentee(staff_id=row[0], name=row[1], team=row[2], role=row[3])
        for row in cur.execute(
            "SELECT s.id, s.name, t.name, s.role FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
            f" WHERE {scope} AND s.id NOT IN"
            " (SELECT staff_id FROM rollout_attendance WHERE session_id = ?)"
            " ORDER BY t.name NULLS LAST, s.name, s.id",
            [*params, session.id],
        ).fetchall()
    ]


def summary_of(cur: duckdb.DuckDBPyConnection, session_id: int) -> RolloutSummary:
    """The summary of a session as its stored rows say now, inside the caller's transaction."""
    session = _stored_session(cur, session_id)
    attended = [
        Attendee(
            staff_id=row[0],
            name=row[1],
            team=row[2],
            joined_at=row[3],
            marked_by=row[4],
            note=row[5],
        )
        for row in cur.execute(
            "SELECT s.id, s.name, t.name, a.joined_at, m.name, a.note"
            " FROM rollout_attendance a JOIN staff s ON s.id = a.staff_id"
            " LEFT JOIN teams t ON t.id = s.team_id LEFT JOIN staff m ON m.id = a.marked_by"
            " WHERE a.session_id = ? ORDER BY s.name, s.id",
            [session.id],
        ).fetchall()
    ]
    absent = _absent(cur, session)
    results = []
    for question in [
        _question(row)
        for row in cur.execute(
            f"SELECT {_QUESTION_COLUMNS} FROM rollout_questions WHERE session_id = ? ORDER BY id",
            [session.id],
        ).fetchall()
    ]:
        answers = [
            GivenAnswer(
                staff_id=row[0],
                name=row[1],
                choices=sorted(row[2]),
                right=sorted(row[2]) == question.correct,
            )
            for row in cur.execute(
                "SELECT s.id, s.name, a.choices FROM rollout_answers a"
                " JOIN staff s ON s.id = a.staff_id WHERE a.question_id = ? ORDER BY s.name, s.id",
                [question.id],
            ).fetchall()
        ]
        counts = [0] * len(question.options)
        for answer in answers:
            for choice in answer.choices:
                counts[choice] += 1
        results.append(
            QuestionResult(
                question_id=question.id,
                slide=question.slide,
                kind=question.kind,
                prompt=question.prompt,
                options=question.options,
                correct=question.correct,
                explanation=question.explanation,
                counts=counts,
                answers=answers,
            )
        )
    return RolloutSummary(
        session_id=session.id,
        policy_version=session.policy_version,
        join_code=session.join_code,
        team=session.team,
        started_at=session.started_at,
        ended_at=session.ended_at,
        attended=attended,
        absent=absent,
        questions=results,
    )


# -- the participants' side ------------------------------------------------------------------


def _unknown_code(code: str) -> str:
    return f"No rollout session has the code {code or '(empty)'}: check the code on the screen."


def _session_by_code(cur: duckdb.DuckDBPyConnection, code: str) -> RolloutSession:
    """The open session a code names, or JoinCodeRefused saying in one line what is wrong."""
    code = normalised_code(code)
    row = cur.execute(_SESSION_SELECT + " WHERE r.join_code = ?", [code]).fetchone()
    if row is None:
        raise JoinCodeRefused(_unknown_code(code))
    session = _session(row)
    if session.ended_at is not None:
        raise JoinCodeRefused(f"The rollout session with the code {code} has ended.")
    if not session.is_open():
        raise JoinCodeRefused(
            f"The code {code} has expired: it was for a session on an earlier day."
        )
    return session


def join(db: Database, viewer: Viewer, code: str) -> RolloutSession:
    """Join a session by its code: attendance is recorded now, the first time only (a reload or
    a second device joins again without changing when they came)."""
    with _room_write(db) as cur:
        session = _session_by_code(cur, code)
        _stored_viewer(cur, viewer)
        _check_in_scope(cur, session, viewer.staff_id)
        if not _attending(cur, session.id, viewer.staff_id):
            cur.execute(
                "INSERT INTO rollout_attendance (session_id, staff_id, joined_at) VALUES (?, ?, ?)",
                [session.id, viewer.staff_id, _now()],
            )
        return session


@dataclass(frozen=True)
class _Answer:
    staff_id: int
    code: str
    question_id: int
    picked: list[int]


def answer(
    db: Database, viewer: Viewer, code: str, question_id: int, choices: list[int]
) -> list[int]:
    """Store the viewer's answer to an open question of the session they joined, replacing an
    earlier one; refused with AnswersClosed once the question is revealed or the session has
    ended. Decided against the stored question and attendance, inside the write."""
    given = _Answer(viewer.staff_id, normalised_code(code), question_id, sorted(set(choices)))
    with _room_write(db) as cur:
        _store_answer(cur, given)
    return given.picked


def _store_answer(cur: duckdb.DuckDBPyConnection, given: _Answer) -> None:
    row = cur.execute(
        "SELECT r.id, r.ended_at, r.expires_at, q.kind, len(q.options), q.revealed_at,"
        " EXISTS (SELECT 1 FROM rollout_attendance a WHERE a.session_id = r.id"
        "   AND a.staff_id = ?)"
        " FROM rollout_questions q JOIN rollout_sessions r ON r.id = q.session_id"
        " WHERE q.id = ? AND r.join_code = ?",
        [given.staff_id, given.question_id, given.code],
    ).fetchone()
    if row is None:
        raise RolloutError("That question is not one of this session's.")
    _, ended_at, expires_at, kind, option_count, revealed_at, attending = row
    if ended_at is not None or _now() >= expires_at:
        raise AnswersClosed("The session has ended: answers are closed.")
    if revealed_at is not None:
        raise AnswersClosed("The answer was revealed: answers to this question are closed.")
    picked = given.picked
    if not picked or not all(0 <= choice < option_count for choice in picked):
        raise RolloutError("Choose one of the options.")
    if kind == "single_choice" and len(picked) != 1:
        raise RolloutError("Choose one option only.")
    if not attending:
        raise RolloutError("Join the session with its code before answering.")
    cur.execute(
        "INSERT INTO rollout_answers (question_id, staff_id, choices, answered_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (question_id, staff_id) DO UPDATE"
        " SET choices = excluded.choices, answered_at = excluded.answered_at",
        [given.question_id, given.staff_id, picked, _now()],
    )


def participant_state(db: Database, viewer: Viewer, code: str) -> ParticipantState:
    """What the viewer's device shows in the session they joined: the current slide, the latest
    question with their own answer, and once revealed the right answer and its explanation. One
    read, cheap enough for a room polling every second."""
    changes = room_changes(code)  # before the read: a change after it is seen by the next one
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT r.id, r.join_code, r.policy_version, r.slide, r.slide_title,"
            " r.ended_at IS NOT NULL OR r.expires_at <= ?,"
            " EXISTS (SELECT 1 FROM rollout_attendance a WHERE a.session_id = r.id"
            "   AND a.staff_id = ?),"
            " q.id, q.kind, q.prompt, q.options, q.correct, q.explanation,"
            " q.revealed_at IS NOT NULL, own.choices"
            " FROM rollout_sessions r"
            " LEFT JOIN (SELECT * FROM rollout_questions WHERE session_id ="
            "   (SELECT id FROM rollout_sessions WHERE join_code = ?)"
            "   ORDER BY id DESC LIMIT 1) q ON q.session_id = r.id"
            " LEFT JOIN rollout_answers own ON own.question_id = q.id AND own.staff_id = ?"
            " WHERE r.join_code = ?",
            [
                _now(),
                viewer.staff_id,
                normalised_code(code),
                viewer.staff_id,
                normalised_code(code),
            ],
        ).fetchone()
    if row is None:
        raise JoinCodeRefused(_unknown_code(normalised_code(code)))
    (_, join_code, version, slide, title, ended, attending, qid, kind, prompt, options) = row[:11]
    correct, explanation, revealed, own = row[11:]
    if not attending:
        raise RolloutError("Join the session with its code first.")
    question = None
    if qid is not None:
        question = ParticipantQuestion(
            id=qid,
            kind=kind,
            prompt=prompt,
            options=options,
            answer=sorted(own) if own is not None else None,
            revealed=revealed,
            correct=correct if revealed else None,
            explanation=explanation if revealed else None,
        )
    return ParticipantState(
        join_code=join_code,
        policy_version=version,
        slide=slide,
        slide_title=title,
        ended=bool(ended),
        question=question,
        changes=changes,
    )


# -- for the compliance report ----------------------------------------------------------------


def attendance_by_staff(db: Database, policy_version: int) -> dict[int, datetime]:
    """Staff id -> when they first joined (or were marked present at) any rollout session for
    this policy version."""
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT a.staff_id, min(a.joined_at) FROM rollout_attendance a"
            " JOIN rollout_sessions r ON r.id = a.session_id"
            " WHERE r.policy_version = ? GROUP BY a.staff_id",
            [policy_version],
        ).fetchall()
    return {int(staff_id): joined_at for staff_id, joined_at in rows}
