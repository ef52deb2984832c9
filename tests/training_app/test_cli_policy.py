"""`academy policy versions` and `academy policy acknowledge`: the exact JSON shapes of issue 12,
item 7, and one-line errors that change nothing. A hand-made store: Ana and Ben (agents of team
A) and the owner Olga; version 1 (the shipped file) in force, version 2 a draft."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from metrics.organisation import ensure_policy_in_force, save_policy_draft
from metrics.people import NewStaffMember, add_staff, add_team
from metrics.store import open_database
from modules.policy import load_policy
from training_app import invocation
from training_app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def make_store(path: Path, *, in_force: bool = True) -> None:
    db = open_database(path)
    try:
        add_team(db, "A")
        for name, email, role, team in [
            ("Ana Agent", "ana@x.example", "agent", "A"),
            ("Ben Agent", "ben@x.example", "agent", "A"),
            ("Olga Owner", "olga@x.example", "owner", None),
        ]:
            add_staff(db, NewStaffMember(name=name, email=email, role=role, team=team))
        if in_force:
            loaded = load_policy()
            ensure_policy_in_force(db, loaded)
            save_policy_draft(db, loaded.text, kind="minor", source="test", created_by=None)
    finally:
        db.close()


def stored_acknowledgements(path: Path) -> list[tuple]:
    db = open_database(path)
    try:
        return db.execute(
            "SELECT s.email, k.policy_version, k.recorded_by, k.recorded_by_name, k.note"
            " FROM policy_acknowledgements k JOIN staff s ON s.id = k.staff_id ORDER BY 1"
        ).fetchall()
    finally:
        db.close()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(invocation.getpass, "getuser", lambda: "alice")
    path = tmp_path / "org.duckdb"
    make_store(path)
    return path


def test_versions_lists_every_version_oldest_first_in_the_issues_shape(
    capsys: pytest.CaptureFixture[str], store: Path
) -> None:
    assert run(capsys, "policy", "acknowledge", "--email", "ana@x.example", "--note", "paper",
               "--db", str(store))[0] == 0  # fmt: skip
    status, out, err = run(capsys, "policy", "versions", "--db", str(store))
    assert (status, err) == (0, "")
    versions = json.loads(out)
    assert [list(v) for v in versions] == [
        ["version", "status", "kind", "published_at", "acknowledged"]
    ] * 2
    first, second = versions
    assert {k: first[k] for k in ("version", "status", "kind", "acknowledged")} == {
        "version": 1,
        "status": "published",
        "kind": "major",
        "acknowledged": 1,
    }
    assert datetime.fromisoformat(first["published_at"]).utcoffset() is not None
    assert second == {
        "version": 2,
        "status": "draft",
        "kind": "minor",
        "published_at": None,
        "acknowledged": 0,
    }


def test_acknowledge_records_the_version_in_force_as_made_at_the_command_line(
    capsys: pytest.CaptureFixture[str], store: Path
) -> None:
    status, out, err = run(
        capsys,
        "policy",
        "acknowledge",
        "--email",
        "Ana@X.example",
        "--note",
        "Paper signature, session of 3 Dec",
        "--db",
        str(store),
    )
    assert (status, err) == (0, "")
    answer = json.loads(out)
    assert answer.pop("acknowledged_at")
    assert answer == {
        "email": "ana@x.example",
        "policy_version": 1,
        "recorded_by": "command line (user alice)",
        "note": "Paper signature, session of 3 Dec",
        "already_recorded": False,
    }
    assert stored_acknowledgements(store) == [
        ("ana@x.example", 1, 0, "command line (user alice)", "Paper signature, session of 3 Dec")
    ]

    # Again: not an error; the first record stands, and stdout says so.
    status, out, err = run(
        capsys, "policy", "acknowledge", "--email", "ana@x.example", "--note", "again",
        "--db", str(store),
    )  # fmt: skip
    assert (status, err) == (0, "")
    again = json.loads(out)
    assert (
        again["already_recorded"] is True and again["note"] == "Paper signature, session of 3 Dec"
    )
    assert len(stored_acknowledgements(store)) == 1


@pytest.mark.parametrize(
    ("email", "note", "message"),
    [
        (
            "nobody@x.example",
            "paper",
            "academy: policy acknowledge: --email: no staff member with e-mail nobody@x.example",
        ),
        (
            "ana@x.example",
            "  ",
            "academy: policy acknowledge: write a note: what was signed, where and when",
        ),
    ],
)
def test_acknowledge_refuses_in_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], store: Path, email: str, note: str, message: str
) -> None:
    status, out, err = run(
        capsys, "policy", "acknowledge", "--email", email, "--note", note, "--db", str(store)
    )
    assert (status, out, err) == (1, "", message + "\n")
    assert stored_acknowledgements(store) == []


def test_acknowledge_without_a_version_in_force_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "org.duckdb"
    make_store(path, in_force=False)
    status, out, err = run(
        capsys, "policy", "acknowledge", "--email", "ana@x.example", "--note", "paper",
        "--db", str(path),
    )  # fmt: skip
    assert (status, out) == (1, "")
    assert err == (
        "academy: policy acknowledge: no policy version is in force yet: publish one first\n"
    )
    assert stored_acknowledgements(path) == []


def test_the_policy_commands_need_a_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.duckdb"
    status, out, err = run(capsys, "policy", "versions", "--db", str(missing))
    assert (status, out) == (1, "")
    assert err.startswith(f"academy: {missing}: no such store.") and err.count("\n") == 1
    assert not missing.exists()
