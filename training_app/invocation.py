"""One run of an `academy` command: where it runs and with what, wherever it runs.

The command line builds it in the user's shell (`cli.invocation`) and, when the app holds the
store, sends it to the app, which runs the same handler with it (`training_app/api.py`). Standard
library only at import: the command line reads this before it loads anything heavy.
"""

from __future__ import annotations

import getpass
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import argparse

    from metrics.store import Database

# A batch job beside whatever else runs on the machine: past this DuckDB spills to its temporary
# files instead of taking more memory. Set only when the command opens the store itself; inside
# the app the app's own setting applies.
IMPORT_MEMORY_LIMIT = "640MB"


class CommandError(Exception):
    """A problem to report to the user as one line, with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Invocation:
    """`store`, `policy` and `modules` are absolute: an explicit option, else the environment
    variable, else the default, as the user's shell had them. Other paths the user typed are read
    relative to `cwd` (`path`). `password` is what `users add`/`set-password` read in the user's
    terminal. `user` is the operating-system user who typed the command, recorded beside what a
    command writes on someone's behalf (nobody is signed in at the command line). `app_store` is
    the app's own connection when the command runs inside the app, None when the command opens
    the store itself."""

    cwd: Path
    store: Path
    policy: Path
    modules: Path
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    password: str | None = None
    user: str = field(default_factory=lambda: os_user())
    app_store: Database | None = None

    def path(self, typed: Path) -> Path:
        return typed if typed.is_absolute() else self.cwd / typed

    def print(self, *parts: object) -> None:
        print(*parts, file=self.out)

    def note(self, line: str) -> None:
        print(f"academy: {line}", file=self.err)

    @contextmanager
    def open_store(
        self, *, create: bool = False, import_memory: bool = False
    ) -> Iterator[Database]:
        """The store to work on: a cursor of the app's connection inside the app, else the file
        opened (and closed after). `create` lets a command make a new store, and say so."""
        if self.app_store is not None:
            with self.app_store.cursor() as cur:
                yield cur
            return
        from metrics.store import open_database

        is_new = create and not self.store.exists()
        new_folders = [p for p in reversed(self.store.parents) if not p.exists()] if is_new else []
        db = open_database(self.store, create=create)
        try:
            if import_memory:
                db.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
            yield db
        except BaseException:
            db.close()
            if is_new:
                # A command that failed leaves no store behind where there was none.
                for leftover in (self.store, self.store.with_name(self.store.name + ".wal")):
                    leftover.unlink(missing_ok=True)
                shutil.rmtree(self.store.with_name(self.store.name + ".tmp"), ignore_errors=True)
                for folder in reversed(new_folders):
                    with suppress(OSError):  # not empty: something else put a file there
                        folder.rmdir()
            raise
        db.close()
        if is_new:
            self.note(f"created a new store at {self.store}")


def os_user() -> str:
    """Who is logged in to the shell: the login name, as `whoami` says it."""
    try:
        return getpass.getuser()
    except OSError:  # no user name in the environment and none in the password database
        return "unknown"


def missing_store_message(store: Path) -> str:
    """Why a command that needs a store refuses a path where there is none, and what to do."""
    return (
        f"{store}: no such store. Check the path (--db, else $ACADEMY_DB, else "
        f"data/academy.duckdb), or start an organisation there: `academy serve --db {store} "
        f"--no-demo`, then create the first owner in the browser (or `academy demo --db {store}` "
        f"for a demo organisation)"
    )


def read_password(args: argparse.Namespace, stdin: TextIO) -> str | None:
    """The password for `users add` and `users set-password`, read in the user's own terminal
    (before the command goes to a running app): a line of stdin with --password-stdin, else
    asked twice on a terminal, else none."""
    if args.password_stdin:
        return stdin.readline().rstrip("\n")
    if not stdin.isatty():
        return None
    first = getpass.getpass("Password (empty for no sign-in): ")
    if first and getpass.getpass("Repeat password: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first or None
