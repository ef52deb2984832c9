"""`academy` as automation scripts use it: commands, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from metrics import auth
from metrics.organisation import ensure_policy_in_force
from metrics.store import open_database
from modules.policy import DEFAULT_POLICY_PATH, load_policy
from training_app.cli import main

SMALL = ["--agents", "6", "--days", "14", "--until", "2026-06-30"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "demo", "check-content", "users"):
        assert f"    {command}" in out


def per_agent_sums(path: Path) -> list[tuple]:
    db = open_database(path)
    try:
        return db.execute(
            "SELECT s.email, count(i.id),"
            " sum(epoch(i.answered_at) - epoch(i.queued_at)), count(*) FILTER (WHERE i.resolved)"
            " FROM staff s JOIN interactions i ON i.agent_id = s.id GROUP BY s.email ORDER BY 1"
        ).fetchall()
    finally:
        db.close()


def test_demo_with_the_same_seed_gives_the_same_organisation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    status_a, out_a, _ = run(capsys, "demo", "--seed", "42", "--db", str(first), *SMALL)
    status_b, out_b, _ = run(capsys, "demo", "--seed", "42", "--db", str(second), *SMALL)
    assert status_a == status_b == 0
    assert json.loads(out_a) == json.loads(out_b)
    assert json.loads(out_a)["interactions"] > 0
    assert per_agent_sums(first) == per_agent_sums(second)


def test_demo_refuses_to_add_a_second_demo_unless_reset(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "a.duckdb")
    assert run(capsys, "demo", "--db", db, *SMALL)[0] == 0
    status, _, err = run(capsys, "demo", "--db", db, *SMALL)
    assert status == 1 and "--reset" in err
    status, out, _ = run(capsys, "demo", "--reset", "--seed", "3", "--db", db, *SMALL)
    assert status == 0 and json.loads(out)["interactions"] > 0
    status, out, _ = run(capsys, "demo", "--remove", "--db", db)
    assert status == 0 and json.loads(out)["interactions"] > 0
    assert per_agent_sums(Path(db)) == []


def test_check_content_passes_on_the_shipped_policy(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check-content")
    assert status == 0
    assert out.startswith(f"ok: {DEFAULT_POLICY_PATH}: policy version 1")


def test_check_content_prints_each_error_as_file_line_key_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "policy.yaml"
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("pass_mark: 0.80", "pass_mark: 80").replace("csat_target: 0.85", "csat: 1"),
        encoding="utf-8",
    )
    status, _, err = run(capsys, "check-content", "--policy", str(broken))
    lines = err.strip().splitlines()
    assert status == 1
    line_of = {key: n for n, key in enumerate(broken.read_text().splitlines(), start=1)}
    pass_mark_line = next(n for key, n in line_of.items() if "pass_mark: 80" in key)
    assert (
        f"{broken}:{pass_mark_line}: training.pass_mark: Input should be less than or equal "
        "to 1" in lines
    )
    assert any(
        line.endswith(
            "standards.csat: unknown key (check the spelling; extra keys are not allowed)"
        )
        for line in lines
    )
    assert any(line.endswith("standards.csat_target: Field required") for line in lines)
    assert lines[-1] == "3 problem(s) found; nothing was changed."


def new_store(path: Path) -> str:
    """An empty store, as `academy serve --no-demo` leaves it before the first owner."""
    open_database(path).close()
    return str(path)


def test_users_add_list_and_deactivate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_store(tmp_path / "org.duckdb")
    assert run(capsys, "users", "add-team", "Front line", "--db", db)[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    status, out, _ = run(
        capsys,
        "users",
        "add",
        "--db",
        db,
        "--name",
        "Līga Bērziņa",
        "--email",
        "Liga@x.example",
        "--role",
        "agent",
        "--team",
        "Front line",
        "--password-stdin",
    )
    assert status == 0 and "liga@x.example" in out
    status, out, _ = run(capsys, "users", "list", "--db", db, "--format", "json")
    [member] = json.loads(out)
    assert (member["name"], member["team"], member["can_sign_in"]) == (
        "Līga Bērziņa",
        "Front line",
        True,
    )
    assert run(capsys, "users", "deactivate", "liga@x.example", "--db", db)[0] == 0
    status, out, _ = run(capsys, "users", "list", "--db", db)
    assert "inactive" in out


def test_users_add_with_bad_input_names_the_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_store(tmp_path / "org.duckdb")
    add = f"users add --db {db} --name A --email a@x.example --role agent"
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    status, _, err = run(capsys, *add.split(), "--password-stdin")
    assert (status, err.strip()) == (
        1,
        "academy: password: a password needs at least 10 characters",
    )
    status, _, err = run(capsys, *add.split(), "--team", "Nowhere")
    assert (status, err.strip()) == (1, "academy: no team named 'Nowhere'; existing teams: none")


def test_no_command_adds_demo_data_by_itself(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "new.duckdb"
    assert run(capsys, "users", "add-team", "T", "--db", new_store(db))[0] == 0
    assert run(capsys, "users", "list", "--db", str(db))[0] == 0
    assert per_agent_sums(db) == []
    store = open_database(db)
    assert store.execute("SELECT count(*) FROM staff").fetchone() == (0,)
    store.close()


def test_check_content_says_when_the_store_has_another_policy_in_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "org.duckdb"
    store = open_database(db)
    ensure_policy_in_force(store, load_policy(DEFAULT_POLICY_PATH))
    store.close()
    edited = tmp_path / "policy.yaml"
    edited.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
            "answer_within_s: 30", "answer_within_s: 20"
        ),
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "check-content", "--db", str(db))
    assert status == 0 and "note:" not in out
    status, out, _ = run(capsys, "check-content", "--db", str(db), "--policy", str(edited))
    assert status == 0
    assert f"note: {db} has policy version 1 in force, not this file" in out
    assert f"academy policy publish {edited} --kind major|minor" in out


def test_set_password_refuses_a_short_one_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_store(tmp_path / "org.duckdb")
    assert (
        run(capsys, *f"users add --db {db} --name A --email a@x.example --role agent".split())[0]
        == 0
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    status, _, err = run(
        capsys, "users", "set-password", "a@x.example", "--db", db, "--password-stdin"
    )
    assert (status, err.strip()) == (1, "academy: a password needs at least 10 characters")


def test_users_unlock_lets_a_locked_account_sign_in_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_store(tmp_path / "org.duckdb")
    monkeypatch.setattr(sys, "stdin", io.StringIO("long enough pw\n"))
    add = f"users add --db {db} --name A --email a@x.example --role agent --password-stdin"
    assert run(capsys, *add.split())[0] == 0
    store = open_database(db)
    for _ in range(auth.LOCK_AFTER_FAILURES):
        store.execute("UPDATE password_checks SET checked_at = checked_at - INTERVAL 1 HOUR")
        auth.sign_in(store, "a@x.example", "wrong password", "test")
    assert auth.sign_in(store, "a@x.example", "long enough pw", "test").token is None
    store.close()
    status, out, _ = run(capsys, "users", "unlock", "A@x.example", "--db", db)
    assert (status, out.strip()) == (0, "A@x.example is unlocked and may sign in again")
    status, _, err = run(capsys, "users", "unlock", "a@x.example", "--db", db)
    assert (status, err.strip()) == (
        1,
        "academy: no wrong passwords are counted against a@x.example: nothing to unlock",
    )
    store = open_database(db)
    assert auth.sign_in(store, "a@x.example", "long enough pw", "test").token is not None
    store.close()
