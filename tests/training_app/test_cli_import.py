"""`academy import` as automation uses it: one JSON object on stdout, exit 0 once the file was
processed (rejects included), one line on stderr and a non-zero exit when it cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics.store import open_database
from training_app.cli import main

HEADER = "interaction_id,channel,agent_name,team,queued_at,answered_at,csat"
KEYS = ["file", "format", "rows_read", "loaded", "rejected", "duplicates", "new_agents", "batch_id"]
# Keys added since, after the documented ones: none renamed or removed.
ADDED_KEYS = ["updated", "warnings"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def contacts_file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "C1,phone,Marija Šimić,Front line,2026-03-02 09:00,2026-03-02 09:00:30,5",
                "C2,fax,Marija Šimić,Front line,2026-03-02 09:05,2026-03-02 09:06,",
                "C3,chat,Yusuf Çelik,Front line,2026-03-02 09:10,2026-03-02 09:11,",
                "C1,phone,Marija Šimić,Front line,2026-03-02 09:00,2026-03-02 09:00:30,5",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_import_prints_exactly_the_counts_as_json_and_exits_0_with_rejects(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, contacts_file: Path
) -> None:
    db = tmp_path / "cli.duckdb"
    status, out, err = run(capsys, "import", str(contacts_file), "--db", str(db))
    # The refused row is one line on stderr naming the file, the row and the field.
    assert status == 0 and err == (
        f"academy: {contacts_file}:3: channel: rejected: unknown channel: expected phone, chat, "
        "email or social (value 'fax')\n"
        f"academy: created a new store at {db}\n"
    )
    result = json.loads(out)
    assert list(result) == KEYS + ADDED_KEYS
    assert result == {
        "file": str(contacts_file),
        "format": "generic",
        "rows_read": 4,
        "loaded": 2,
        "rejected": 1,
        "duplicates": 1,
        "new_agents": ["Marija Šimić", "Yusuf Çelik"],
        "batch_id": 1,
        "updated": 0,
        "warnings": 0,
    }
    assert out.count("\n") == 1  # one JSON object, one line
    store = open_database(db)
    try:
        assert store.execute("SELECT count(*) FROM interactions").fetchone() == (2,)
        assert store.execute("SELECT count(*) FROM import_rejects").fetchone() == (1,)
    finally:
        store.close()
    # Again: nothing new, every row a duplicate.
    status, out, _ = run(capsys, "import", str(contacts_file), "--db", str(db))
    assert status == 0
    assert json.loads(out) | {"batch_id": None} == {
        "file": str(contacts_file),
        "format": "generic",
        "rows_read": 4,
        "loaded": 0,
        "rejected": 1,
        "duplicates": 3,
        "new_agents": [],
        "batch_id": None,
        "updated": 0,
        "warnings": 0,
    }


def test_a_dry_run_and_a_named_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, contacts_file: Path
) -> None:
    db = tmp_path / "dry.duckdb"
    status, out, _ = run(
        capsys, "import", str(contacts_file), "--db", str(db), "--dry-run", "--format", "generic"
    )
    assert status == 0
    result = json.loads(out)
    assert (result["loaded"], result["batch_id"]) == (2, None)
    store = open_database(db)
    try:
        assert store.execute("SELECT count(*) FROM interactions").fetchone() == (0,)
        assert store.execute("SELECT count(*) FROM import_batches").fetchone() == (0,)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (None, [], "academy: import: {path}: no such file\n"),
        (b"", [], "academy: import: bad.csv: the file is empty\n"),
        (
            HEADER.encode() + b"\nC1,phone,Ana,,2026-03-02 09:00,,,surplus\n",
            [],
            "academy: import: bad.csv: line 2 has more fields than the header; nothing was "
            "imported\n",
        ),
        (
            HEADER.encode() + b"\n",
            ["--format", "zendesk"],
            "academy: import: bad.csv: not a Zendesk ticket export: the header has no 'Id', "
            "'Via', 'Assignee', 'Status', 'Created at', 'First reply time in minutes' columns\n",
        ),
    ],
)
def test_a_file_that_cannot_be_read_fails_with_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: bytes | None,
    extra: list[str],
    message: str,
) -> None:
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    store = tmp_path / "x.duckdb"
    status, out, err = run(capsys, "import", str(path), "--db", str(store), *extra)
    assert status == 1 and out == ""
    assert err == message.format(path=path)
    assert not store.exists()  # a failed import leaves no new store behind


def test_an_unknown_format_name_is_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str], contacts_file: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["import", str(contacts_file), "--format", "excel"])
    assert exited.value.code == 2
    assert "invalid choice: 'excel'" in capsys.readouterr().err
