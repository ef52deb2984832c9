"""Sign-in sessions and the limits on guessing, on a hand-made organisation.

Time is moved by shifting the stored rows back (`earlier`), so every wait below is worked out by
hand from the constants: after the 4th wrong password in a row the next try waits 5 s, after the
5th 10 s, then 20, 40, 80, 160 s, and the 10th locks the account.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from metrics import auth, people
from metrics.organisation import set_setting
from metrics.people import (
    AccessDenied,
    NewStaffMember,
    PeopleError,
    Viewer,
    add_staff,
    add_team,
    owner_can_sign_in,
    set_role,
    set_team,
    staff_viewer,
)
from metrics.store import Database

PASSWORD = "correct horse battery"
WRONG = "wrong password!"
HERE, THERE = "192.0.2.1", "198.51.100.7"  # documentation addresses: two clients


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2id with tiny costs: these tests check hundreds of passwords, and what they test is
    which checks run, not what each costs."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(people, "PASSWORD_HASHER", cheap)
    monkeypatch.setattr(auth, "PASSWORD_HASHER", cheap)
    auth._unknown_user_hash.cache_clear()
    yield
    auth._unknown_user_hash.cache_clear()


@pytest.fixture
def org(db: Database) -> dict[str, int]:
    for team in ("Front line", "Billing"):
        add_team(db, team)
    people = [
        ("owner", "Olga Owner", "owner", None),
        ("sup", "Sam Supervisor", "supervisor", "Front line"),
        ("ana", "Ana Agent", "agent", "Front line"),
        ("ben", "Ben Agent", "agent", "Billing"),
    ]
    return {
        key: add_staff(
            db,
            NewStaffMember(
                name=name, email=f"{key}@x.example", role=role, team=team, password=PASSWORD
            ),
        )
        for key, name, role, team in people
    }


def earlier(db: Database, seconds: float) -> None:
    """Move every stored password check `seconds` into the past: as if that much time passed."""
    db.execute(
        "UPDATE password_checks SET checked_at = checked_at - to_microseconds(?)",
        [round(seconds * 1_000_000)],
    )


def owner(db: Database) -> Viewer:
    viewer = staff_viewer(db, 1)
    assert viewer is not None and viewer.role == "owner"
    return viewer


# --- Signing in ---------------------------------------------------------------------------------


def test_sign_in_needs_the_right_password_and_an_active_account(
    db: Database, org: dict[str, int]
) -> None:
    signed_in = auth.sign_in(db, "ANA@x.example ", PASSWORD, HERE)
    assert signed_in.refusal is None and signed_in.token is not None
    viewer = auth.session_viewer(db, signed_in.token)
    assert viewer is not None and viewer.email == "ana@x.example"
    for email, password in [("ana@x.example", WRONG), ("nobody@x.example", PASSWORD)]:
        assert auth.sign_in(db, email, password, HERE) == auth.SignInResult(
            refusal=auth.WRONG_PASSWORD
        )
    auth.set_active(db, "ben@x.example", False)
    assert auth.sign_in(db, "ben@x.example", PASSWORD, HERE).token is None


def test_staff_without_a_password_cannot_sign_in(db: Database) -> None:
    add_staff(db, NewStaffMember(name="Imported Agent", email="imp@x.example", role="agent"))
    assert auth.sign_in(db, "imp@x.example", "", HERE).token is None
    assert not owner_can_sign_in(db)


# --- Sessions ------------------------------------------------------------------------------------


def test_a_session_token_is_stored_only_as_its_sha256(db: Database, org: dict[str, int]) -> None:
    token = auth.start_session(db, org["ana"], HERE)
    stored = db.execute("SELECT token_sha256, staff_id, client FROM sign_in_sessions").fetchall()
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), org["ana"], HERE)]
    assert len(token) >= 43  # 32 random bytes in URL-safe base64
    assert auth.session_viewer(db, token) == Viewer(
        staff_id=org["ana"], name="Ana Agent", email="ana@x.example", role="agent", team_id=1
    )
    assert auth.session_viewer(db, "a token nobody was given") is None
    assert auth.session_end(db, "a token nobody was given") is None


def test_a_session_lasts_the_organisations_hours_eight_by_default(
    db: Database, org: dict[str, int]
) -> None:
    def lifetime() -> timedelta:
        auth.start_session(db, org["ana"], HERE)
        (span,) = db.execute(
            "SELECT expires_at - created_at FROM sign_in_sessions ORDER BY created_at DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        return span

    assert lifetime() == timedelta(hours=8)
    set_setting(db, auth.SESSION_HOURS_SETTING, "2.5")
    assert lifetime() == timedelta(hours=2, minutes=30)
    set_setting(db, auth.SESSION_HOURS_SETTING, "soon")  # not a number: the default, logged
    assert lifetime() == timedelta(hours=8)


def test_an_expired_session_signs_nobody_in(db: Database, org: dict[str, int]) -> None:
    token = auth.start_session(db, org["ana"], HERE)
    db.execute("UPDATE sign_in_sessions SET expires_at = now() - INTERVAL 1 SECOND")
    assert auth.session_viewer(db, token) is None
    assert auth.session_end(db, token) == auth.EXPIRED


def test_signing_out_ends_only_that_session(db: Database, org: dict[str, int]) -> None:
    laptop = auth.start_session(db, org["ana"], HERE)
    phone = auth.start_session(db, org["ana"], THERE)
    auth.end_session(db, laptop)
    assert auth.session_viewer(db, laptop) is None
    assert auth.session_end(db, laptop) == auth.SIGNED_OUT
    assert auth.session_viewer(db, phone) is not None


def test_deactivation_ends_every_session_of_that_person_in_its_transaction(
    db: Database, org: dict[str, int]
) -> None:
    tokens = [auth.start_session(db, org["ana"], client) for client in (HERE, THERE)]
    ben = auth.start_session(db, org["ben"], HERE)
    auth.set_active(db, "ANA@x.example", False)
    assert [auth.session_viewer(db, t) for t in tokens] == [None, None]
    assert [auth.session_end(db, t) for t in tokens] == [auth.DEACTIVATED] * 2
    assert db.execute(
        "SELECT count(*) FROM sign_in_sessions WHERE staff_id = ? AND ended_at IS NULL",
        [org["ana"]],
    ).fetchone() == (0,)
    assert auth.session_viewer(db, ben) is not None
    # Reactivated, she signs in anew; the ended sessions stay ended.
    auth.set_active(db, "ana@x.example", True)
    assert auth.session_viewer(db, tokens[0]) is None


def test_deactivation_is_not_held_up_by_a_last_seen_write(
    db: Database, org: dict[str, int]
) -> None:
    token = auth.start_session(db, org["ana"], HERE)
    other_tab = db.cursor()  # a session's own last-seen write, not yet committed
    other_tab.execute("BEGIN TRANSACTION")
    other_tab.execute("UPDATE sign_in_sessions SET last_seen_at = now()")
    auth.set_active(db, "ana@x.example", False)
    other_tab.execute("COMMIT")
    assert auth.session_viewer(db, token) is None
    assert auth.session_end(db, token) == auth.DEACTIVATED


def test_a_person_deactivated_behind_the_sessions_back_is_still_refused(
    db: Database, org: dict[str, int]
) -> None:
    token = auth.start_session(db, org["ana"], HERE)
    db.execute("UPDATE staff SET active = false WHERE id = ?", [org["ana"]])
    assert auth.session_viewer(db, token) is None
    assert auth.session_end(db, token) == auth.DEACTIVATED


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(
    db: Database, org: dict[str, int]
) -> None:
    token = auth.start_session(db, org["ana"], HERE)
    auth.set_password(db, "ana@x.example", "another long password")
    assert auth.session_viewer(db, token) is None
    assert auth.session_end(db, token) == auth.PASSWORD_CHANGED
    assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).token is None
    assert auth.sign_in(db, "ana@x.example", "another long password", HERE).token is not None


def test_a_role_or_team_change_shows_in_the_next_viewer(db: Database, org: dict[str, int]) -> None:
    token = auth.start_session(db, org["sup"], HERE)
    set_team(db, "sup@x.example", "Billing")
    moved = auth.session_viewer(db, token)
    assert moved is not None and (moved.role, moved.team_id) == ("supervisor", 2)
    set_role(db, "sup@x.example", "agent")
    demoted = auth.session_viewer(db, token)
    assert demoted is not None and (demoted.role, demoted.team_id) == ("agent", 2)


def test_last_seen_is_written_at_most_once_a_minute(db: Database, org: dict[str, int]) -> None:
    token = auth.start_session(db, org["ana"], HERE)
    db.execute("UPDATE sign_in_sessions SET last_seen_at = created_at - INTERVAL 30 SECOND")
    auth.session_viewer(db, token)
    (kept,) = db.execute("SELECT created_at - last_seen_at FROM sign_in_sessions").fetchone()  # type: ignore[misc]
    assert kept == timedelta(seconds=30)  # seen 30 s ago: not written again
    db.execute("UPDATE sign_in_sessions SET last_seen_at = created_at - INTERVAL 2 MINUTE")
    auth.session_viewer(db, token)
    (seen,) = db.execute("SELECT last_seen_at >= created_at FROM sign_in_sessions").fetchone()  # type: ignore[misc]
    assert seen


# --- Guessing ------------------------------------------------------------------------------------


def test_the_waits_grow_from_five_seconds_and_the_tenth_failure_locks() -> None:
    assert [auth._account_wait_s(n) for n in range(10)] == [0, 0, 0, 0, 5, 10, 20, 40, 80, 160]
    assert auth.LOCK_AFTER_FAILURES == 10


def test_wrong_passwords_first_cost_nothing_then_a_wait_without_sleeping(
    db: Database, org: dict[str, int]
) -> None:
    answers = [auth.sign_in(db, "ana@x.example", WRONG, HERE).refusal for _ in range(4)]
    assert answers == [auth.WRONG_PASSWORD] * 3 + [
        "That e-mail and password do not match an active account. Too many wrong passwords for "
        "this e-mail: wait 5 seconds, then try again."
    ]
    started = time.monotonic()
    refused = auth.sign_in(db, "ana@x.example", PASSWORD, HERE)  # the right one, too soon
    assert time.monotonic() - started < 0.05  # refused at once: no password check, no sleep
    assert refused.token is None
    assert (
        refused.refusal
        == "Too many wrong passwords for this e-mail: wait 5 seconds, then try again."
    )
    assert db.execute("SELECT count(*) FROM password_checks").fetchone() == (4,)  # not counted
    earlier(db, 2)
    assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).refusal == (
        "Too many wrong passwords for this e-mail: wait 3 seconds, then try again."
    )
    earlier(db, 3)
    assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).token is not None


def test_the_right_password_clears_the_count(db: Database, org: dict[str, int]) -> None:
    for _ in range(3):
        auth.sign_in(db, "ana@x.example", WRONG, HERE)
    assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).token is not None
    answers = [auth.sign_in(db, "ana@x.example", WRONG, HERE).refusal for _ in range(3)]
    assert answers == [auth.WRONG_PASSWORD] * 3  # three free again, no wait


def fail_until_locked(db: Database, email: str, client: str = HERE) -> list[str | None]:
    """Wrong passwords, each after the wait the previous one asked for, until the lock."""
    answers = []
    for _ in range(auth.LOCK_AFTER_FAILURES):
        earlier(db, 3600)
        answers.append(auth.sign_in(db, email, WRONG, client).refusal)
    return answers


def test_ten_failures_lock_the_account_until_an_owner_unlocks_it(
    db: Database, org: dict[str, int]
) -> None:
    answers = fail_until_locked(db, "ana@x.example")
    assert answers[-1] == (
        "That e-mail and password do not match an active account. This account is locked after "
        "10 wrong passwords in a row. An owner can unlock it on the Staff and teams page."
    )
    earlier(db, 30 * 24 * 3600)  # a month later: still locked
    assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).refusal == (
        "This account is locked after 10 wrong passwords in a row. An owner can unlock it on the "
        "Staff and teams page."
    )
    [locked] = auth.locked_accounts(db, owner(db))
    assert (locked.email, locked.name, locked.failures) == ("ana@x.example", "Ana Agent", 10)
    auth.unlock(db, owner(db), "Ana@x.example")
    assert auth.locked_accounts(db, owner(db)) == []
    assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).token is not None
    with pytest.raises(PeopleError, match="nothing to unlock"):
        auth.unlock(db, owner(db), "ana@x.example")


def test_only_owners_see_and_unlock_locked_accounts(db: Database, org: dict[str, int]) -> None:
    fail_until_locked(db, "ana@x.example")
    supervisor = staff_viewer(db, org["sup"])
    assert supervisor is not None
    with pytest.raises(AccessDenied):
        auth.locked_accounts(db, supervisor)
    with pytest.raises(AccessDenied):
        auth.unlock(db, supervisor, "ana@x.example")


def test_a_locked_owner_still_counts_as_an_owner(db: Database, org: dict[str, int]) -> None:
    # Otherwise locking the owner would open the "create the first owner" offer to a guesser.
    fail_until_locked(db, "owner@x.example")
    assert owner_can_sign_in(db)


class Verifier:
    """Stands in for the Argon2 check, which it calls: records each call and how many ran at
    once."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.hashes: list[str | None] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        self._real = auth.password_matches

    def __call__(self, password_hash: str | None, password: str) -> bool:
        with self._lock:
            self.hashes.append(password_hash)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
        return self._real(password_hash, password)


@pytest.fixture
def verifier(monkeypatch: pytest.MonkeyPatch) -> Iterator[Verifier]:
    spy = Verifier()
    monkeypatch.setattr(auth, "password_matches", spy)
    yield spy


def test_an_unknown_email_gets_the_same_answers_waits_and_lock_as_a_known_one(
    db: Database, org: dict[str, int], verifier: Verifier
) -> None:
    def journey(email: str) -> list[str | None]:
        answers = [auth.sign_in(db, email, WRONG, HERE).refusal for _ in range(5)]
        answers += fail_until_locked(db, email)
        answers.append(auth.sign_in(db, email, PASSWORD, HERE).refusal)
        return answers

    known = journey("ana@x.example")
    verified_known = len(verifier.hashes)
    unknown = journey("nobody@x.example")
    assert unknown == known
    # The password is verified for the unknown e-mail just as often, against the stand-in hash:
    # the same Argon2 work, so the same time.
    assert len(verifier.hashes) - verified_known == verified_known
    assert set(verifier.hashes[verified_known:]) == {None}
    locked = {a.email: a.name for a in auth.locked_accounts(db, owner(db))}
    assert locked == {"ana@x.example": "Ana Agent", "nobody@x.example": None}


def test_a_deactivated_account_answers_like_an_unknown_one(
    db: Database, org: dict[str, int], verifier: Verifier
) -> None:
    auth.set_active(db, "ana@x.example", False)
    result = auth.sign_in(db, "ana@x.example", PASSWORD, HERE)
    assert (result.token, result.refusal) == (None, auth.WRONG_PASSWORD)
    assert verifier.hashes == [None]


def test_one_client_trying_many_accounts_is_held_back(
    db: Database, org: dict[str, int], verifier: Verifier
) -> None:
    for n in range(auth.CLIENT_FAILURE_LIMIT):  # one guess per address: no account is slowed
        assert auth.sign_in(db, f"guess{n}@x.example", WRONG, HERE).token is None
    db.execute(
        "UPDATE password_checks SET checked_at = (SELECT max(checked_at) FROM password_checks)"
    )
    refused = auth.sign_in(db, "ana@x.example", PASSWORD, HERE)
    assert refused.refusal == (
        "Too many wrong passwords from this network address: wait 15 minutes, then try again."
    )
    assert auth.sign_in(db, "ana@x.example", PASSWORD, THERE).token is not None  # another client
    earlier(db, 14 * 60)
    assert auth.sign_in(db, "ben@x.example", PASSWORD, HERE).refusal == (
        "Too many wrong passwords from this network address: wait 60 seconds, then try again."
    )
    earlier(db, 61)  # the oldest failure left the 15-minute window
    assert auth.sign_in(db, "ben@x.example", PASSWORD, HERE).token is not None


def test_successful_sign_ins_do_not_count_against_the_client(
    db: Database, org: dict[str, int]
) -> None:
    for _ in range(auth.CLIENT_FAILURE_LIMIT + 1):
        assert auth.sign_in(db, "ana@x.example", PASSWORD, HERE).token is not None


def test_simultaneous_guesses_at_one_account_cannot_all_pass_the_count(
    db: Database, org: dict[str, int], verifier: Verifier
) -> None:
    verifier.seconds = 0.05
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(
            pool.map(lambda _: auth.sign_in(db, "ana@x.example", WRONG, HERE), range(20))
        )
    # Each check is recorded before its password is verified: the 4 free tries (3 free, and the
    # 4th which starts the wait) ran, the other 16 were refused with the wait.
    assert len(verifier.hashes) == 4
    assert sum(r.refusal == auth.ACCOUNT_WAIT.format(wait="5 seconds") for r in results) == 16


def test_at_most_two_passwords_are_verified_at_once(
    db: Database, org: dict[str, int], verifier: Verifier
) -> None:
    verifier.seconds = 0.05
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda n: auth.sign_in(db, f"p{n}@x.example", WRONG, f"c{n}"), range(10)))
    assert len(verifier.hashes) == 10
    assert verifier.most_at_once == auth.SIMULTANEOUS_PASSWORD_CHECKS == 2
