"""`academy tokens` for scripted set-ups: create prints the token once as JSON, list never shows
it, revoke stops it; every refusal is one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics.auth import api_token_viewer
from metrics.people import add_team
from metrics.store import open_database
from training_app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def store(tmp_path: Path) -> str:
    path = tmp_path / "org.duckdb"
    db = open_database(path)
    add_team(db, "Front line")
    db.close()
    return str(path)


def test_create_list_and_revoke(capsys: pytest.CaptureFixture[str], store: str) -> None:
    create = [
        "tokens",
        "create",
        "--name",
        "nightly",
        "--role",
        "supervisor",
        "--team",
        "Front line",
    ]
    status, out, err = run(capsys, *create, "--db", store)
    assert (status, err) == (0, "")
    new = json.loads(out)
    assert list(new) == ["name", "role", "team", "token"]
    assert (new["name"], new["role"], new["team"]) == ("nightly", "supervisor", "Front line")
    db = open_database(store)
    try:
        viewer = api_token_viewer(db, new["token"])
    finally:
        db.close()
    assert viewer is not None and viewer.role == "supervisor"

    status, out, _ = run(capsys, "tokens", "list", "--db", store, "--format", "json")
    [listed] = json.loads(out)
    assert listed["name"] == "nightly" and new["token"] not in out
    status, out, _ = run(capsys, "tokens", "list", "--db", store)
    assert out.startswith("nightly ") and "active" in out

    assert run(capsys, "tokens", "revoke", "nightly", "--db", store)[:2] == (
        0,
        "revoked API token nightly\n",
    )
    db = open_database(store)
    try:
        assert api_token_viewer(db, new["token"]) is None
    finally:
        db.close()
    status, _, err = run(capsys, *create, "--db", store)
    assert status == 1 and err.startswith("academy: tokens: a revoked token is already named")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "supervisor"],
            "academy: tokens: a supervisor's token needs a team, as a supervisor has one\n",
        ),
        (
            ["--role", "owner", "--team", "Nowhere"],
            "academy: tokens: no team named 'Nowhere'; existing teams: Front line\n",
        ),
    ],
)
def test_refusals_are_one_line(
    capsys: pytest.CaptureFixture[str], store: str, args: list[str], message: str
) -> None:
    status, out, err = run(capsys, "tokens", "create", "--name", "x", *args, "--db", store)
    assert (status, out, err) == (1, "", message)
