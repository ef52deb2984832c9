"""Which store a command works on: `--db` and `--policy` wherever they are typed, a missing store
refused by every command but the three that create one (and say so), `serve --no-demo`."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from metrics.organisation import get_setting
from metrics.store import open_database
from modules.policy import DEFAULT_POLICY_PATH
from training_app import cli
from training_app.cli import main

HEADER = "interaction_id,channel,agent_email,agent_name,team,queued_at,answered_at"
PERIOD = ["--from", "2026-03-01", "--to", "2026-03-31"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A store with two contacts of one agent, away from $ACADEMY_DB."""
    path = tmp_path / "elsewhere" / "org.duckdb"
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        f"{HEADER}\n"
        "C1,phone,ana@x.example,Ana,Front line,2026-03-02 09:00,2026-03-02 09:00:20\n"
        "C2,chat,ana@x.example,Ana,Front line,2026-03-02 09:05,2026-03-02 09:05:40\n",
        encoding="utf-8",
    )
    assert run(capsys, "import", str(contacts), "--db", str(path))[0] == 0
    return path


def default_store() -> Path:
    return Path(os.environ["ACADEMY_DB"])


@pytest.mark.parametrize(
    "where",
    [
        ["--db", "{db}", "report", "agents", *PERIOD],
        ["report", "--db", "{db}", "agents", *PERIOD],
        ["report", "agents", *PERIOD, "--db", "{db}"],
    ],
    ids=["before the command", "between command and report", "at the end"],
)
def test_db_works_wherever_it_is_typed(
    capsys: pytest.CaptureFixture[str], store: Path, where: list[str]
) -> None:
    status, out, err = run(capsys, *(part.format(db=store) for part in where))
    assert (status, err) == (0, "")
    [agent] = json.loads(out)["agents"]
    assert (agent["agent"], agent["handled"]) == ("ana@x.example", 2)
    assert not default_store().exists()  # $ACADEMY_DB was not used, nor created


def test_db_and_policy_before_any_command(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "--db", str(store), "users", "list", "--format", "json")
    assert status == 0 and [m["name"] for m in json.loads(out)] == ["Ana"]
    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    status, out, _ = run(capsys, "--policy", str(policy), "check-content")
    assert status == 0 and out.startswith(f"ok: {policy}: policy version 1")


@pytest.mark.parametrize(
    "command",
    [
        ["report", "agents", *PERIOD],
        ["users", "list"],
        ["users", "add-team", "Front line"],
        ["users", "add", "--name", "Maja", "--email", "maja@x.example", "--role", "owner"],
        ["users", "deactivate", "maja@x.example"],
        ["tokens", "list"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_a_missing_store_is_refused_and_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "typo" / "lumen.duckdb"
    status, out, err = run(capsys, *command, "--db", str(typo))
    assert (status, out) == (1, "")
    assert err == (
        f"academy: {typo}: no such store. Check the path (--db, else $ACADEMY_DB, else "
        f"data/academy.duckdb), or start an organisation there: `academy serve --db {typo} "
        f"--no-demo`, then create the first owner in the browser (or `academy demo --db {typo}` "
        f"for a demo organisation)\n"
    )
    assert not typo.parent.exists()


def test_users_add_on_a_missing_store_refuses_before_asking_for_the_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.StringIO("a long password\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    add = ["users", "add", "--name", "M", "--email", "m@x.example", "--role", "owner"]
    status, _, _ = run(capsys, *add, "--password-stdin", "--db", str(tmp_path / "none.duckdb"))
    assert status == 1 and stdin.tell() == 0


def test_the_commands_that_create_a_store_say_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(f"{HEADER}\nC1,phone,a@x.example,A,T,2026-03-02 09:00,\n", "utf-8")
    new = tmp_path / "new" / "a.duckdb"
    status, out, err = run(capsys, "import", str(contacts), "--db", str(new))
    assert status == 0 and json.loads(out)["loaded"] == 1
    assert err == f"academy: created a new store at {new}\n"
    status, _, err = run(capsys, "import", str(contacts), "--db", str(new))
    assert (status, err) == (0, "")  # not new any more
    other = tmp_path / "b.duckdb"
    demo = ["demo", "--agents", "3", "--days", "2", "--until", "2026-06-30"]
    status, _, err = run(capsys, *demo, "--db", str(other))
    assert status == 0 and err == f"academy: created a new store at {other}\n"


class Exec(BaseException):
    """Raised instead of replacing the process, with what would have run."""


@pytest.fixture
def no_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    def execvpe(file: str, command: list[str], env: dict[str, str]) -> None:
        raise Exec(command, env)

    monkeypatch.setattr(os, "execvpe", execvpe)


def serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[str], dict[str, str], str]:
    with pytest.raises(Exec) as ran:
        main(["serve", *args])
    command, env = ran.value.args
    return command, env, capsys.readouterr().out


def test_serve_no_demo_creates_the_store_marked_for_a_first_owner(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_exec: None
) -> None:
    db = tmp_path / "lumen.duckdb"
    command, env, out = serve(capsys, "--db", str(db), "--no-demo", "--port", "8601")
    assert env["ACADEMY_DB"] == str(db)
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4].endswith("training_app/server.py")  # the pages and the HTTP API
    assert command[5:7] == ["--server.port", "8601"]
    assert "no demo data: the first visit offers to create the first owner" in out
    store = open_database(db, create=False)
    try:
        assert get_setting(store, "no_demo") == "true"
        assert store.execute("SELECT count(*) FROM staff").fetchone() == (0,)
    finally:
        store.close()


def test_serve_on_a_new_store_says_the_demo_comes_on_the_first_visit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_exec: None
) -> None:
    db = tmp_path / "demo.duckdb"
    _, _, out = serve(capsys, "--db", str(db))
    assert "demo data is created on the first visit" in out and "Ctrl+C" in out
    store = open_database(db, create=False)
    try:
        assert get_setting(store, "no_demo") is None
    finally:
        store.close()


def test_the_readme_lists_every_command() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    parser = cli.build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    for name in commands.choices:  # type: ignore[union-attr]
        assert f"`academy {name}" in table, name
    assert "--no-demo" in table and "`academy tokens create" in table
