"""`academy` never shows a traceback: every failure is one line on stderr naming the file and
what to do, exit status 1, and the store is left as it was."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from metrics import people
from metrics.contacts import imports as importing
from metrics.store import open_database
from training_app import invocation
from training_app.cli import main

HEADER = "interaction_id,channel,agent_name,team,queued_at,answered_at,csat"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def contacts_csv(path: Path, rows: int, first: int = 1) -> Path:
    lines = [HEADER] + [
        f"C{n},phone,Agent {n % 7},Front line,2026-03-02 09:{n % 60:02d},"
        f"2026-03-02 09:{n % 60:02d}:30,{1 + n % 5}"
        for n in range(first, first + rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored_contacts(db_path: Path) -> int:
    store = open_database(db_path)
    try:
        (count,) = store.execute("SELECT count(*) FROM interactions").fetchone()  # type: ignore[misc]
        return int(count)
    finally:
        store.close()


@pytest.fixture
def store_with_contacts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    db = tmp_path / "org.duckdb"
    status, _, _ = run(
        capsys, "import", str(contacts_csv(tmp_path / "first.csv", 5)), "--db", str(db)
    )
    assert status == 0 and stored_contacts(db) == 5
    return db


def assert_one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_an_import_beyond_the_memory_cap_is_one_line_and_stores_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    store_with_contacts: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = contacts_csv(tmp_path / "big.csv", 2_000, first=100)
    # Far too small for anything: DuckDB gives up (OutOfMemoryException) instead of spilling.
    monkeypatch.setattr(invocation, "IMPORT_MEMORY_LIMIT", "1MB")
    status, out, err = run(capsys, "import", str(big), "--db", str(store_with_contacts))
    line = assert_one_line(err)
    assert (status, out) == (1, "")
    assert line.startswith(f"academy: import: {big}: ")
    assert "memory" in line and "split the file" in line
    assert stored_contacts(store_with_contacts) == 5


def test_a_full_disk_is_one_line_naming_the_store(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    store_with_contacts: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_space(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException(
            f'IO Error: Could not write file "{store_with_contacts}.wal": No space left on device'
        )

    monkeypatch.setattr(importing, "import_file", no_space)
    more = contacts_csv(tmp_path / "more.csv", 3, first=50)
    status, _, err = run(capsys, "import", str(more), "--db", str(store_with_contacts))
    line = assert_one_line(err)
    assert status == 1
    assert line.startswith(f"academy: {store_with_contacts}: the disk is full")
    assert "free some space" in line
    assert stored_contacts(store_with_contacts) == 5


def test_an_os_level_full_disk_is_one_line_too(
    capsys: pytest.CaptureFixture[str], store_with_contacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(people, "add_team", no_space)
    status, _, err = run(
        capsys, "users", "add-team", "Back office", "--db", str(store_with_contacts)
    )
    line = assert_one_line(err)
    assert status == 1 and line.startswith(f"academy: {store_with_contacts}: the disk is full")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB filesystem (tmpfs, which needs root); skipped where it cannot be mounted."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_is_one_line_and_leaves_the_store_as_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_disk: Path
) -> None:
    db = small_disk / "org.duckdb"
    status, _, _ = run(capsys, "import", str(contacts_csv(tmp_path / "a.csv", 5)), "--db", str(db))
    assert status == 0
    # Fill the disk but for a little, then import more than that little holds.
    filler = small_disk / "filler"
    free = int(
        subprocess.run(
            ["df", "--output=avail", "-B1", str(small_disk)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
    )
    filler.write_bytes(b"\0" * max(free - 200_000, 0))
    status, out, err = run(
        capsys, "import", str(contacts_csv(tmp_path / "b.csv", 40_000, first=100)), "--db", str(db)
    )
    line = assert_one_line(err)
    assert (status, out) == (1, "")
    assert line.startswith(f"academy: {db}: the disk is full"), line
    filler.unlink()
    assert stored_contacts(db) == 5


def test_a_policy_nested_600_levels_deep_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("vision: " + "[" * 600 + "]" * 600 + "\n", encoding="utf-8")
    status, out, err = run(capsys, "check-content", "--policy", str(deep))
    line = assert_one_line(err)
    assert (status, out) == (1, "")
    assert line.startswith(f"{deep}: (whole file): nested too deeply")


def test_a_folder_given_as_the_policy_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "check-content", "--policy", str(tmp_path))
    line = assert_one_line(err)
    assert status == 1
    assert line == f"{tmp_path}: (whole file): is a folder, not a file: name the policy's YAML file"


def test_a_folder_given_to_import_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_with_contacts: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    status, _, err = run(capsys, "import", str(folder), "--db", str(store_with_contacts))
    line = assert_one_line(err)
    assert status == 1
    assert line == f"academy: import: {folder}: is a folder, not a file: name the file to import"


def test_an_unexpected_error_is_one_line_with_a_reference_and_the_traceback_in_the_log(
    capsys: pytest.CaptureFixture[str], store_with_contacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(people, "list_staff", broken)
    status, _, err = run(capsys, "users", "list", "--db", str(store_with_contacts))
    line = assert_one_line(err)
    assert status == 1
    log = Path(f"{store_with_contacts}.errors.log")
    assert line.startswith("academy: unexpected error (reference ")
    reference = line.split("(reference ", 1)[1].split(")", 1)[0]
    assert str(log) in line
    text = log.read_text(encoding="utf-8")
    assert f"reference {reference}" in text
    assert "Traceback" in text and "ZeroDivisionError: division by zero" in text
