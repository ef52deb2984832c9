"""Two processes: `academy` commands while the app serves the store give exactly the answers they
give on a stopped app (the app runs them: the store is held by it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port

HEADER = "interaction_id,channel,agent_email,agent_name,team,queued_at,answered_at,resolved_at,csat"
FIRST = [
    "A1,phone,ana@x.example,Ana,Front line,2026-03-02 09:00,2026-03-02 09:00:20,2026-03-02 09:05,5",
]
SECOND = [
    "A2,chat,ana@x.example,Ana,Front line,2026-03-02 09:10,2026-03-02 09:11:30,,2",
    "B1,email,ben@x.example,Ben,Back office,2026-03-03 10:00,2026-03-03 11:00,2026-03-03 12:00,4",
    "B2,fax,ben@x.example,Ben,Back office,2026-03-03 10:00,,,",
    "A1,phone,ana@x.example,Ana,Front line,2026-03-02 09:00,2026-03-02 09:00:20,2026-03-02 09:05,5",
]
START_TIMEOUT_S = 60


def academy(*args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "training_app.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def csv_file(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stores(tmp_path: Path) -> tuple[Path, Path]:
    """Two identical stores: one the app will serve, one that stays a plain file."""
    served, alone = tmp_path / "served" / "org.duckdb", tmp_path / "alone" / "org.duckdb"
    status, _, err = academy(
        "import", str(csv_file(tmp_path / "first.csv", FIRST)), "--db", str(served)
    )
    assert status == 0, err
    alone.parent.mkdir()
    shutil.copyfile(served, alone)
    return served, alone


@pytest.fixture
def app(stores: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    served, _ = stores
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "training_app.cli",
                "serve",
                "--db",
                str(served),
                "--address",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    card = served.with_name(served.name + ".app.json")
    deadline = time.monotonic() + START_TIMEOUT_S
    while not card.exists() or not healthy(port):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"the app did not start: {log.read_text()}")
        time.sleep(0.2)
    yield server, log
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=30)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def test_commands_beside_the_app_answer_as_on_a_stopped_app(
    stores: tuple[Path, Path], app: tuple[subprocess.Popen[str], Path], tmp_path: Path
) -> None:
    served, alone = stores
    server, log = app
    second = csv_file(tmp_path / "second.csv", SECOND)
    report = ["report", "agents", "--from", "2026-03-01", "--to", "2026-03-31"]
    commands = [
        ["import", str(second)],
        report,
        [*report, "--team", "Front line", "--format", "csv"],
        [*report, "--team", "Nowhere"],  # the same one-line error
        ["import", str(tmp_path / "missing.csv")],
        ["users", "add-team", "Billing"],
        ["users", "list", "--format", "json"],
        ["import", str(second), "--dry-run"],
        ["coaching", "propose"],
        ["coaching", "propose", "--team", "Nowhere"],  # the same one-line error
        ["report", "training-impact", "--module", "handling-complaints", "--format", "json"],
        ["report", "training-impact", "--module", "nowhere"],  # the same one-line refusal
    ]
    for command in commands:
        beside = academy(*command, "--db", str(served))
        stopped = academy(*command, "--db", str(alone))
        assert beside == stopped, command
    imported = json.loads(academy("import", str(second), "--db", str(served))[1])
    assert imported["duplicates"] == 3  # it did run, in the app: everything is there already
    # They ran inside the app, which holds the store (a second process could not open it).
    ran = log.read_text().count("POST /api/v1/local/run 200 token=local administrator")
    assert ran == len(commands) + 1

    # A token made beside the app works at once on the API, and the app stops cleanly.
    status, out, _ = academy(
        "tokens", "create", "--name", "etl", "--role", "owner", "--db", str(served)
    )
    assert status == 0 and set(json.loads(out)) == {"name", "role", "team", "token"}
    server.terminate()
    server.wait(timeout=30)
    assert not served.with_name(served.name + ".app.json").exists()
    assert academy(*report, "--db", str(served)) == academy(*report, "--db", str(alone))


def test_a_stale_discovery_file_is_ignored(stores: tuple[Path, Path], tmp_path: Path) -> None:
    served, alone = stores
    card = served.with_name(served.name + ".app.json")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    card.write_text(
        json.dumps(
            {
                "url": "http://127.0.0.1:9",
                "pid": int(dead.stdout),
                "secret": "x",
                "store": str(served),
            }
        )
    )
    command = ["users", "list", "--format", "json"]
    assert academy(*command, "--db", str(served)) == academy(*command, "--db", str(alone))
