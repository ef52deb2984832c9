"""Importing contacts from helpdesk exports and call logs: validated set-wise, nothing lost,
never twice.

`import_file` reads one file (a generic CSV or Parquet file, a Zendesk or Freshdesk ticket
export, an Asterisk queue_log; see `metrics.contacts.formats`) into a DuckDB staging table and
decides every row's fate with queries, never row by row in Python:

- **rejected**, with its row number, the file's column, the value and a reason, when a
  required field is missing, a timestamp does not parse or is a local time the clocks
  skipped, `answered_at` or `resolved_at` is before `queued_at`, the channel is unknown, a
  value is not what its column holds (a flag, a number, an e-mail address), an answered
  contact names no agent, or an agent only by a name that does not tell who (see below), a
  supervisor's file holds another team's contacts, or the same id appears with different
  content: in the file (every row of that id is rejected) or already stored (the stored
  contact stays as it was);
- **duplicate**, skipped and counted, when it repeats a contact already stored or an earlier
  row of the file exactly (same source and id, same content), so re-importing a file changes
  nothing;
- **loaded** otherwise (a loaded row may replace a stored ticket that was still waiting for
  a reply: `updated`, see `_update_waiting`). Always rows read = loaded + rejected +
  duplicates.

A rating that cannot be read refuses nothing: the row loads without it, with a **warning**
(row, column, value, reason) kept with the batch like a reject (`import_warnings`).

"Content" is the text of the columns the import uses, trimmed (channel, e-mail and flags in any
case); other columns of an export (a subject, a priority) are not content. An exact repeat is
the same text: the same instant written two ways is a change, refused rather than guessed. Its
digest is kept as `interactions.content_hash`. The source is the format's name: ids are unique
per source.

Agents are found by e-mail, else by name (Unicode NFC, exact; see `_agents`): a name is given to
the one person of that name in the row's team, or, for a row naming no team, to the one person
of that name; a name several people share, or whose one bearer is in another team, is refused,
never made a second person. A name that is a phone interface (`PJSIP/201`,
metrics/contacts/agent_names.py) is no person: its contacts go to whom a link names, or load
with no agent, the interface kept, to be linked later. In an owner's import, unknown agents (a
new e-mail, a name nobody has) are created as staff with role agent and no sign-in, in the team
most of their contacts were queued to, and listed in the result. Unknown teams are created too
(owners only). Imported rows are never demo rows.

One transaction per file: the contacts, ratings, new staff and teams, the batch record (file
name, checksum, format, counts, who, when) and its rejects are written together or not at all,
so a failure part-way, a killed process included, leaves the store as it was. A dry run does
everything but write. `remove_batch` takes a whole import out again.

Who may: owners import anything; a supervisor imports their own team's contacts (rows naming
another team are rejected; rows naming none are queued to theirs), sees and removes their own
imports; agents do not import. Staff are matched only within the importer's scope
(`_staff_in_scope`, the one place rows meet people): a supervisor's rows reach their own team's
staff and nobody else. An e-mail their team lacks is refused in the same words whether or not
someone else has it (only an owner brings a new e-mail in), and so is a name their team lacks
(only an owner brings a new person in); a link to someone outside their team is not used.
Neither the checks, nor the preview's "(new)", nor a conflict's reason (which names only imports
the viewer may see) tells a supervisor anything about other teams.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict

from metrics.contacts.agent_names import interface_sql
from metrics.contacts.case_sizes import forget_case_contacts, refresh_case_contacts
from metrics.contacts.formats import (
    ASTERISK,
    CSV_SPECS,
    FORMAT_TITLES,
    GENERIC,
    PARQUET_MAGIC,
    QUEUE_LOG_LINE,
    SPECS,
    Check,
    Format,
    FormatSpec,
    blank_to_null,
    choose_delimiter,
    column_refs,
    split_header,
    sql_text,
    time_checks,
    time_columns,
    time_helpers,
    zone_table,
    zone_table_sql,
)
from metrics.contacts.ids import IdsTaken, reserve_ids
from metrics.contacts.rollups import mark_contacts_changed, refresh_contact_rollups
from metrics.people import AccessDenied, Viewer
from metrics.store import Database

PREVIEW_ROWS = 10
# A reject shows enough of a value to recognise it; a whole e-mail body would only be noise.
REJECT_VALUE_CHARS = 200
CONFLICT_ROWS_LISTED = 10  # "appears in rows 2, 9, 14, ..." names this many
HEADER_BYTES = 1 << 20  # the header (or first queue_log line) is looked for in the first MiB
# Rows of the file written by one INSERT: a million rows' join stays within a few hundred MB, so
# a file of any size is written under the command line's memory cap (IMPORT_MEMORY_LIMIT).
WRITE_ROWS = 1_000_000
# A file's rows staged in memory take about this many times its bytes (measured: a 1M-row
# generic CSV of 138 MB staged in 293 MB), to tell whether they fit there (`_staging_area`).
STAGED_BYTES_PER_FILE_BYTE = 2.1
MEMORY_UNITS = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
# An import too large for memory stages its rows in a scratch database in a folder of its own,
# removed when it ends; one left by a killed process goes once it is a day old.
STAGING_PREFIX = "academy-import-"
STAGING_MAX_AGE_S = 24 * 3600
REJECT_COLUMNS = ["row", "id", "field", "value", "reason"]
# The problems (and warnings) an ImportResult brings into Python, first in file order: a person
# reads the first few hundred, while a file whose every row is refused has as many problems as
# rows, about half a gigabyte of Python per million, past any memory cap. All of them are stored
# with the import (`batch_rejects`, `batch_warnings`); the counts are always whole.
PROBLEM_ROWS_KEPT = 10_000
# A row's fate as a small integer type: a large temporary table of text read back from disk
# inside a transaction was seen to come back corrupted in DuckDB 2.0 under memory pressure.
ROW_FATE = "ENUM('load', 'rejected', 'duplicate')"


class ImportFileError(ValueError):
    """The file cannot be read at all (missing, empty, not a format we know, broken CSV).
    The message is one line naming the file and, where known, the line and the column."""


class ImportOptionError(ValueError):
    """An option of the import cannot be used (an unknown time zone); one line, nothing read."""


class ImportFailed(RuntimeError):
    """The import could not be written (another import stored the same contacts at the same
    moment); nothing from the file was stored."""


class BatchError(ValueError):
    """A request about an import batch that cannot be carried out (unknown, already removed)."""


class ImportResult(BaseModel):
    """What an import did, or, for a dry run, would do."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    file: str
    format: Format
    rows_read: int
    loaded: int
    rejected: int
    duplicates: int
    # Of the loaded rows, those that replaced a waiting ticket an earlier export had stored.
    updated: int
    # Problems that refused nothing (a rating that cannot be read), one per warning line.
    warnings: int
    # Lines of problems of the rejected rows (a row refused for two reasons has two).
    problems: int
    new_agents: list[str]
    new_teams: list[str]
    # Interface names (PJSIP/201...) whose loaded contacts nobody has: to link on the Import page
    # (metrics/contacts/agent_names.py).
    unlinked_names: list[str]
    batch_id: int | None
    dry_run: bool
    checksum: str
    # Earlier imports of this very file (same checksum) that are still in the store.
    earlier_imports: list[int]
    # One row per problem (a row refused for two reasons has two): REJECT_COLUMNS; the first
    # PROBLEM_ROWS_KEPT of `problems`.
    rejects: pd.DataFrame
    # One row per warning about a loaded row, in the same columns; the first PROBLEM_ROWS_KEPT
    # of `warnings`.
    warning_rows: pd.DataFrame

    def summary(self) -> dict[str, object]:
        """The counts as the command line prints them."""
        return {
            "file": self.file,
            "format": self.format,
            "rows_read": self.rows_read,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "new_agents": self.new_agents,
            "batch_id": self.batch_id,
            "updated": self.updated,
            "warnings": self.warnings,
        }


class Preview(BaseModel):
    """The first rows of a file as they would be stored, with the problems found in each."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    format: Format
    rows: pd.DataFrame


class ImportBatch(BaseModel):
    id: int
    file_name: str
    checksum: str
    format: Format
    timezone: str | None  # how times without an offset were read (None: not recorded then)
    rows_read: int
    loaded: int
    rejected: int
    duplicates: int
    updated: int
    warnings: int
    new_agents: list[str]
    new_teams: list[str]
    imported_by: str
    imported_at: datetime
    removed_at: datetime | None
    removed_by: str | None


class RemovedBatch(BaseModel):
    batch_id: int
    interactions: int
    feedback: int


# --- Reading the file ---------------------------------------------------------------------------


class _Shape(BaseModel):
    kind: str  # "csv", "parquet" or "queue_log"
    header: list[str] = []
    delimiter: str = ","


def check_timezone(db: Database, name: str) -> str:
    """`name` if it is a time zone both Python and DuckDB know (an IANA name such as
    Europe/Zagreb, or UTC); else ImportOptionError. DuckDB refuses a zone it lacks only when a
    query reaches it, half-way through an import, so it is asked first."""
    try:
        ZoneInfo(name)
        known = True
    except (ValueError, ZoneInfoNotFoundError):
        known = False
    if known:
        with db.cursor() as cur:
            row = cur.execute(
                "SELECT count(*) FROM pg_timezone_names() WHERE name = ?", [name]
            ).fetchone()
        known = bool(row and row[0])
    if not known:
        raise ImportOptionError(
            f"unknown time zone {name!r}: name one from the IANA time zone database, such as"
            " Europe/Zagreb or UTC"
        )
    return name


def time_zones(db: Database) -> list[str]:
    """Every zone `check_timezone` accepts, by name, for a list to choose from."""
    with db.cursor() as cur:
        names = [
            name
            for (name,) in cur.execute(
                "SELECT name FROM pg_timezone_names() ORDER BY name"
            ).fetchall()
        ]
    known = available_timezones()  # a walk of the zone files: once, not once per name
    return [name for name in names if name in known or name == "UTC"]


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sniff(db: Database, path: Path, name: str) -> _Shape:
    """What kind of file this is, from its first bytes and header line."""
    try:
        with path.open("rb") as file:
            head = file.read(HEADER_BYTES)
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    if not head.strip():
        raise ImportFileError(f"{name}: the file is empty")
    if head.startswith(PARQUET_MAGIC):
        try:
            with db.cursor() as cur:
                described = cur.execute(
                    "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]
                ).fetchall()
        except duckdb.Error as exc:
            raise ImportFileError(
                f"{name}: not a readable Parquet file: {_first_line(exc)}"
            ) from None
        return _Shape(kind="parquet", header=[row[0] for row in described])
    first = head.split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{name}: line 1 is not UTF-8 text; export or save the file as UTF-8 (CSV UTF-8)"
        ) from None
    # A queue_log may start with a blank line; a CSV's header is its first line, always.
    first_text = next((raw for raw in head.split(b"\n") if raw.strip()), b"")
    if QUEUE_LOG_LINE.match(first_text.decode("utf-8", errors="replace")):
        return _Shape(kind="queue_log")
    delimiter = choose_delimiter(line)
    return _Shape(kind="csv", header=split_header(line, delimiter), delimiter=delimiter)


def detect_format(
    db: Database, path: str | os.PathLike[str], file_name: str | None = None
) -> Format:
    """The file's format, told from its header (raises ImportFileError when it cannot be)."""
    file = Path(path)
    name = file_name or file.name
    return _spec_for(_sniff(db, file, name), None, name).name


def _spec_for(shape: _Shape, requested: Format | None, name: str) -> FormatSpec:
    if shape.kind == "queue_log":
        if requested is not None and requested != "asterisk":
            raise ImportFileError(
                f"{name}: this is an Asterisk queue_log, not a {FORMAT_TITLES[requested]}"
            )
        return ASTERISK
    if requested == "asterisk":
        raise ImportFileError(
            f"{name}: not an Asterisk queue_log: line 1 is not epoch|callid|queue|agent|event"
        )
    if shape.kind == "parquet" and requested not in (None, "generic"):
        raise ImportFileError(f"{name}: Parquet files are read in the generic format only")
    candidates = (GENERIC,) if shape.kind == "parquet" else CSV_SPECS
    if requested is not None:
        spec = SPECS[requested]
        missing = spec.missing(shape.header)
        if missing:
            raise ImportFileError(
                f"{name}: not a {FORMAT_TITLES[requested]}: the header has no "
                f"{_names(missing)} {_column_word(missing)}"
            )
        return spec
    matching = [spec for spec in candidates if spec.matches(shape.header)]
    if len(matching) == 1:
        return matching[0]
    if matching:
        raise ImportFileError(
            f"{name}: the header fits more than one format ({', '.join(s.name for s in matching)}"
            "); name it with --format"
        )
    present = {column.strip().lower() for column in shape.header}
    best = max(
        candidates,
        key=lambda spec: sum(column.lower() in present for column in spec.columns.values()),
    )
    if any(column.lower() in present for column in best.columns.values()):
        raise ImportFileError(
            f"{name}: looks like a {FORMAT_TITLES[best.name]}, but the header has no "
            f"{_names(best.missing(shape.header))} {_column_word(best.missing(shape.header))}"
        )
    shown = ", ".join(shape.header[:6]) + (", ..." if len(shape.header) > 6 else "")
    raise ImportFileError(
        f"{name}: cannot tell the format from the header ({shown}); expected a generic "
        "contacts file, a Zendesk or Freshdesk ticket export or an Asterisk queue_log "
        "(see the README), or name the format with --format"
    )


def _names(columns: list[str]) -> str:
    return ", ".join(f"'{column}'" for column in columns)


def _column_word(columns: list[str]) -> str:
    return "column" if len(columns) == 1 else "columns"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _reader(shape: _Shape, limit: int | None, times: list[str] | None = None) -> str:
    """SQL for DuckDB's reader of the file (its path is the `$path` parameter), in file order:
    a CSV or Parquet file as columns `c0, c1, ...` of text, trimmed, NULL when blank, with the
    `time_helpers` of the columns named in `times`; a queue_log as one column of lines."""
    limited = f" LIMIT {int(limit)}" if limit is not None else ""
    if shape.kind == "queue_log":
        # One text column per line (the unit separator never occurs in a queue_log), split on
        # '|' in SQL: lines have as many fields as their event needs. Blank lines stay, as
        # empty rows, so that rowid + 1 is the line number.
        return (
            "read_csv($path, auto_detect = false, header = false, delim = chr(31), quote = '',"
            " escape = '', columns = {'line': 'VARCHAR'})"
        )
    if shape.kind == "parquet":
        source = "read_parquet($path)"
        values = [
            f'CAST("{column.replace(chr(34), chr(34) * 2)}" AS VARCHAR)' for column in shape.header
        ]
    else:
        # Explicit columns and no sniffing: DuckDB's sniffer can silently return no rows for a
        # file with a broken line; with the layout fixed, a broken line is an error to report.
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(shape.header)))
        source = (
            f"read_csv($path, auto_detect = false, header = true,"
            f" delim = {sql_text(shape.delimiter)}, quote = '\"', escape = '\"',"
            f" columns = {{{columns}}})"
        )
        values = [f"c{i}" for i in range(len(shape.header))]
    # Every value trimmed, a blank one absent, here, once (see metrics.contacts.formats): a
    # value is referred to by several expressions, and DuckDB would trim it for each.
    trimmed = ", ".join(f"{blank_to_null(value)} AS c{i}" for i, value in enumerate(values))
    reader = f"(SELECT {trimmed} FROM {source}{limited})"
    if times:
        helpers = [time_helpers(column) for column in times]
        first = ", ".join(expr for layer, _ in helpers for expr in layer)
        second = ", ".join(expr for _, layer in helpers for expr in layer)
        reader = f"(SELECT *, {second} FROM (SELECT *, {first} FROM {reader}))"
    return reader


def _stages_in_memory(db: Database, file: Path) -> bool:
    """Whether the file's staged rows fit in memory with room to spare: at most half of
    DuckDB's memory limit (up to about a million generic rows under `academy import`'s cap;
    almost any file in the app, whose DuckDB may use most of the machine's memory)."""
    with db.cursor() as cur:
        row = cur.execute("SELECT current_setting('memory_limit')").fetchone()
    amount, _, unit = str(row[0] if row else "0 bytes").partition(" ")
    limit = float(amount) * MEMORY_UNITS.get(unit, 1)
    return file.stat().st_size * STAGED_BYTES_PER_FILE_BYTE <= limit / 2


@contextmanager
def _staging_area(db: Database, file: Path) -> Iterator[str]:
    """Where one import stages its rows: "temp" (DuckDB's temporary tables, in memory) when
    they fit there (`_stages_in_memory`), else a scratch database of its own in a folder of its
    own under the system's temporary folder, removed afterwards; yields its name.

    A large file's staged rows are several times its size, far more than the memory cap: in a
    database file DuckDB keeps them compressed and reads them back as it needs them, while as
    temporary tables they would spill to DuckDB's temporary files, and on a 10M-row file ran
    out of memory all the same. Writing them compressed costs about a second per million rows,
    which a file that fits in memory is spared. An import only reads the staging area inside
    its write transaction, which writes nothing but the store and temporary tables, as a DuckDB
    transaction must."""
    if _stages_in_memory(db, file):
        yield "temp"
        return
    for left in Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*"):
        # Left by an import that was killed: no import runs for a day.
        if time.time() - left.stat().st_mtime > STAGING_MAX_AGE_S:
            shutil.rmtree(left, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
    name = f"import_staging_{uuid.uuid4().hex}"  # attachments are shared by every cursor
    with db.cursor() as cur:
        cur.execute(f"ATTACH {sql_text(str(folder / 'staging.duckdb'))} AS {name}")
    try:
        yield name
    finally:
        with db.cursor() as cur:
            cur.execute(f"DETACH {name}")
        shutil.rmtree(folder, ignore_errors=True)


def _create_table(area: str, table: str) -> str:
    """SQL that creates `table` in the staging area (see `_staging_area`)."""
    return f"CREATE TEMP TABLE {table}" if area == "temp" else f"CREATE TABLE {area}.{table}"


def _stage(
    cur: Database,
    area: str,
    path: Path,
    shape: _Shape,
    spec: FormatSpec,
    name: str,
    timezone: str,
    limit: int | None = None,
) -> None:
    """Read and parse the file into the table `import_staged` of the staging area (see
    `_staging_area`) in one pass, and number its rows in the temporary view `import_rows`
    (`row_number`: CSV rows count the header as row 1, as a spreadsheet does; Parquet rows from
    1; a queue_log row is a call, at the line of its first event).

    Runs outside any transaction on purpose: a committed table numbers its rows (`rowid`) 0, 1,
    2... in file order, while rows inside a transaction get provisional ids. One
    materialisation only: copying a million wide rows costs seconds and memory.
    """
    staged, lines = f"{area}.import_staged", f"{area}.import_lines"
    params: dict[str, object] = {"path": str(path), "tz": timezone, **_zone(cur, timezone)}
    for table in (staged, lines):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute("DROP VIEW IF EXISTS import_rows")
    refs = column_refs(spec, shape.header) if shape.kind != "queue_log" else {}
    reader = _reader(shape, limit, time_columns(spec, refs))
    try:
        if shape.kind == "queue_log":
            _run(cur, f"{_create_table(area, 'import_lines')} AS SELECT * FROM {reader}", params)
            _run(
                cur,
                f"{_create_table(area, 'import_staged')} AS {spec.stage_sql({}, lines)}",
                params,
            )
            cur.execute(f"DROP TABLE {lines}")
            _normalise_names(cur, staged)
            cur.execute(f"CREATE TEMP VIEW import_rows AS SELECT * FROM {staged}")
            _refuse_no_rows(cur, staged, shape, name)
            return
        _run(
            cur, f"{_create_table(area, 'import_staged')} AS {spec.stage_sql(refs, reader)}", params
        )
    except duckdb.Error as exc:
        if shape.kind == "parquet":
            raise ImportFileError(
                f"{name}: not a readable Parquet file: {_first_line(exc)}"
            ) from None
        raise ImportFileError(_csv_problem(cur, reader, params, name, exc)) from None
    _normalise_names(cur, staged)
    first_row = 2 if shape.kind == "csv" else 1
    cur.execute(
        f"CREATE TEMP VIEW import_rows AS SELECT rowid + {first_row} AS row_number, * FROM {staged}"
    )
    _refuse_no_rows(cur, staged, shape, name)


def _refuse_no_rows(cur: Database, staged: str, shape: _Shape, name: str) -> None:
    """A file with nothing to import is refused before anything is written (an import record
    of nothing would only say that the file was empty)."""
    row = cur.execute(f"SELECT count(*) FROM {staged}").fetchone()
    if row and row[0]:
        return
    if shape.kind == "csv":
        raise ImportFileError(f"{name}: only a header: the file has no rows")
    what = " (no call)" if shape.kind == "queue_log" else ""
    raise ImportFileError(f"{name}: the file has no rows{what}")


def _zone(cur: Database, timezone: str) -> dict[str, object]:
    """The zone's table of offsets, the parameters of `local_instant` (some milliseconds)."""
    row = cur.execute(zone_table_sql(), {"tz": timezone}).fetchone()
    assert row is not None
    return zone_table(row)


def _normalise_names(cur: Database, staged: str) -> None:
    """Agent and team names in Unicode NFC, as they are compared and stored. Done once per
    distinct name and written only to the rows that need it (usually none): normalising every
    row's two names took longer than reading the file."""
    # The distinct names first, on their own: DuckDB pushes a filter on them down into the scan
    # of the rows (even out of a MATERIALIZED CTE), normalising every row's names, ~20x slower.
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE import_names AS"
        f" SELECT DISTINCT agent_name AS name FROM {staged}"
        f" UNION SELECT DISTINCT team FROM {staged}"
    )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE import_names AS"
        " SELECT name, nfc_normalize(name) AS nfc FROM import_names"
        " WHERE name IS NOT NULL AND name <> nfc_normalize(name)"
    )
    for column in ("agent_name", "team"):
        cur.execute(
            f"UPDATE {staged} AS s SET {column} = n.nfc FROM import_names n"
            f" WHERE s.{column} = n.name"
        )
    cur.execute("DROP TABLE import_names")


def _csv_problem(
    cur: Database, reader: str, params: dict[str, object], name: str, exc: duckdb.Error
) -> str:
    """One line on why DuckDB could not read the CSV: its first faulty line and what is wrong."""
    retry = reader.replace("auto_detect = false,", "auto_detect = false, store_rejects = true,", 1)
    try:
        # Materialised, so that every value is decoded (a count would skip the text).
        _run(cur, f"CREATE OR REPLACE TEMP TABLE import_unreadable AS FROM {retry}", params)
        cur.execute("DROP TABLE import_unreadable")
        found = cur.execute(
            "SELECT line, error_type, error_message FROM reject_errors ORDER BY line LIMIT 1"
        ).fetchone()
    except duckdb.Error:
        found = None
    if found is None:
        return f"{name}: cannot be read as CSV: {_first_line(exc)}"
    line, kind, message = found
    explained = {
        "MISSING COLUMNS": "has fewer fields than the header",
        "TOO MANY COLUMNS": "has more fields than the header",
        "UNQUOTED VALUE": "has a quoted value that is not closed properly",
        "INVALID ENCODING": "is not UTF-8 text; export or save the file as UTF-8 (CSV UTF-8)",
        "LINE SIZE OVER MAXIMUM": "is too long to be a row",
    }.get(str(kind), str(message))
    return f"{name}: line {line} {explained}; nothing was imported"


# --- Staging and checking -------------------------------------------------------------------------


class _Scope(BaseModel):
    """Whose import this is: a supervisor's rows must be their own team's."""

    team_id: int | None = None
    team_name: str | None = None
    # A supervisor sees only the imports they made (see `_visible`); None: an owner sees all.
    importer_id: int | None = None


def _scope(cur: Database, viewer: Viewer, what: str = "contacts") -> _Scope:
    """The importer's scope; `what` names what is imported in the refusal (the complaint
    register's import shares this rule)."""
    if viewer.role == "owner":
        return _Scope()
    if viewer.role == "supervisor":
        if viewer.team_id is None:
            raise AccessDenied("you supervise no team yet; ask an owner to assign you one")
        row = cur.execute("SELECT name FROM teams WHERE id = ?", [viewer.team_id]).fetchone()
        if row is None:
            raise AccessDenied("your team no longer exists; ask an owner")
        return _Scope(team_id=viewer.team_id, team_name=row[0], importer_id=viewer.staff_id)
    raise AccessDenied(f"only owners and supervisors import {what}")


def _staff_in_scope(cur: Database, scope: _Scope) -> None:
    """`import_staff` (id, email, name and team name in NFC): the only staff this import may
    give contacts to, and the only staff it compares names and e-mails with. Every match of a
    row to a person (the checks, the preview's "(new)", the links, the write) reads this table
    and never `staff`, so that a supervisor's import neither reaches nor reveals anyone outside
    their team: an owner's covers everyone; a supervisor's, the staff of their team other than
    owners."""
    cur.execute("DROP TABLE IF EXISTS import_staff")
    where, params = (
        ("true", [])
        if scope.team_id is None
        else (
            "s.team_id = ? AND s.role <> 'owner'",
            [scope.team_id],
        )
    )
    cur.execute(f"CREATE TEMP TABLE import_staff AS {_STAFF_SQL} WHERE {where}", params)


# A member of staff as an import compares them with rows (see `_staff_in_scope`).
_STAFF_SQL = (
    "SELECT s.id, s.email, nfc_normalize(trim(s.name)) AS name,"
    " nfc_normalize(trim(t.name)) AS team FROM staff s LEFT JOIN teams t ON t.id = s.team_id"
)


def _row_checks(spec: FormatSpec, scope: _Scope) -> list[Check]:
    """Every check on a row alone, shared ones first, then the format's own."""
    lab = spec.labels

    def reason(key: str, default: str) -> str:
        return sql_text(spec.reasons.get(key, default))

    checks = [
        Check(
            lab["id"],
            "external_id IS NULL",
            "NULL",
            reason("id_missing", f"{lab['id']} is empty: every contact needs its id"),
        ),
        Check(
            lab["queued"],
            "queued_raw IS NULL",
            "NULL",
            reason(
                "queued_missing",
                f"{lab['queued']} is empty: every contact needs the time it arrived",
            ),
        ),
        *time_checks(lab["queued"], "queued_raw", "queued_at", spec.reasons.get("queued_unparsed")),
        Check(
            lab["channel"],
            "channel_raw IS NULL",
            "NULL",
            reason(
                "channel_missing", f"{lab['channel']} is empty: every contact needs its channel"
            ),
        ),
        Check(
            lab["channel"],
            "channel_raw IS NOT NULL AND channel IS NULL",
            "channel_raw",
            reason("channel_unknown", f"unknown channel: expected {spec.channel_hint}"),
        ),
        Check(
            lab["agent"],
            "answered_raw IS NOT NULL AND agent_email IS NULL AND agent_name IS NULL",
            "NULL",
            reason(
                "agent_missing",
                f"{lab['agent']} is empty: only a contact nobody answered may have no agent",
            ),
        ),
        Check(
            lab["agent_email"],
            "agent_email IS NOT NULL"
            " AND NOT regexp_full_match(agent_email, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+')",
            "agent_email",
            reason("email_invalid", "not an e-mail address"),
        ),
        Check(
            lab["answered"],
            "answered_at < queued_at",
            "answered_raw",
            f"{sql_text(lab['answered'] + ' is before ' + lab['queued'] + ' (')}"
            " || queued_raw || ')'",
        ),
        Check(
            lab["resolved_at"],
            "resolved_at < queued_at",
            "resolved_at_raw",
            f"{sql_text(lab['resolved_at'] + ' is before ' + lab['queued'] + ' (')}"
            " || queued_raw || ')'",
        ),
        Check(
            lab["abandoned"],
            "abandoned AND answered_at IS NOT NULL",
            "abandoned_raw",
            reason(
                "abandoned_answered",
                f"marked abandoned, but it has {lab['answered']}: a"
                " contact is either answered or abandoned",
            ),
        ),
    ]
    checks = [
        Check(c.label, f"({spec.shared_checks_apply}) AND ({c.condition})", c.value, c.reason)
        for c in checks
    ]
    checks += spec.checks()
    if scope.team_name is not None:
        checks.append(
            Check(
                lab["team"],
                "team IS NOT NULL AND team <> nfc_normalize(trim($own_team))",
                "team",
                sql_text(
                    f"not your team ({scope.team_name}): a supervisor imports their own team's"
                    " contacts; ask an owner to import the others"
                ),
            )
        )
    return checks


def _problems_sql(checks: list[Check], *, as_warnings: bool = False) -> str:
    """SELECT row_number, external_id, field, value, reason of every row each check finds; with
    `as_warnings`, the reason goes on with the check's warning (what the row loads without)."""

    def reason(check: Check) -> str:
        if as_warnings and check.warning:
            return f"{check.reason} || {sql_text('; ' + check.warning)}"
        return check.reason

    if not checks:  # the same columns, no rows
        return (
            "SELECT NULL::BIGINT AS row_number, NULL::VARCHAR AS external_id,"
            " NULL::VARCHAR AS field, NULL::VARCHAR AS value, NULL::VARCHAR AS reason WHERE false"
        )
    # The rows any check finds, in one scan of the staged rows (one scan per check was most of
    # the time); each check then reads only those. A row is found when a condition is true,
    # which is when their OR is.
    found = " OR ".join(f"({check.condition})" for check in checks)
    selects = [
        f"SELECT row_number, external_id, {sql_text(check.label)} AS field,"
        f" CAST({check.value} AS VARCHAR) AS value, {reason(check)} AS reason"
        f" FROM found WHERE {check.condition}"
        for check in checks
    ]
    return (
        f"WITH found AS MATERIALIZED (SELECT * FROM import_rows WHERE {found})"
        f" {' UNION ALL '.join(selects)}"
    )


def _run(cur: Database, sql: str, params: dict[str, object]) -> duckdb.DuckDBPyConnection:
    """Execute with only the named parameters the statement uses (DuckDB refuses extras)."""
    used = {key: value for key, value in params.items() if re.search(rf"\${key}\b", sql)}
    return cur.execute(sql, used or None)


def _classify(cur: Database, spec: FormatSpec, scope: _Scope, params: dict[str, object]) -> None:
    """Decide every staged row's fate into `import_problems` (row, id, field, value, reason)
    and `import_status` (row, status: load, duplicate or rejected), find the agents and teams
    to create (`import_new_agents`, `import_new_teams`), the stored contacts the file repeats
    or replaces (`import_stored`), and the moment the file shows (`params["as_of"]`)."""
    _staff_in_scope(cur, scope)
    checks = _row_checks(spec, scope)
    _run(
        cur,
        "CREATE TEMP TABLE import_problems AS"
        f" {_problems_sql([check for check in checks if not check.warning])}",
        params,
    )
    warnings = [check for check in checks if check.warning]
    # The moment the file shows things as they were: its latest time (an export's own "last
    # updated" included), over the rows without problems. A waiting ticket was still
    # unanswered then (metrics/contacts/waiting.py).
    row = cur.execute(
        "SELECT max(greatest(queued_at, answered_at, resolved_at, updated_at)) FROM import_rows"
        " WHERE row_number NOT IN (SELECT row_number FROM import_problems)"
    ).fetchone()
    params["as_of"] = row[0] if row else None
    # Each id's copies in the file: how many distinct contents, which row comes first.
    cur.execute(
        # min <> max tells one content from several at a fraction of count(DISTINCT)'s cost.
        "CREATE TEMP TABLE import_ids AS SELECT external_id,"
        " CASE WHEN min(content_hash) = max(content_hash) THEN 1 ELSE 2 END AS versions,"
        " count(*) AS copies, min(row_number) AS first_row, min(content_hash) AS content_hash"
        " FROM import_rows WHERE external_id IS NOT NULL GROUP BY external_id"
    )
    # The stored contacts of the file's ids. `waiting`: a ticket nobody had answered when it was
    # last seen, in the importer's scope; a later export of it (as of the same moment or after)
    # replaces it (`replaces`), an exact repeat moves its moment on, an earlier one is refused.
    in_scope = "true" if scope.team_id is None else "s.team_id = $own_team_id"
    _run(
        cur,
        f"""
        CREATE TEMP TABLE import_stored AS
        SELECT *, coalesce(waiting AND NOT same AND $as_of >= seen, false) AS replaces
        FROM (
            SELECT i.external_id, s.id AS stored_id, s.import_batch_id,
                   -- A stored contact without a digest (not imported) is never the same.
                   coalesce(i.versions = 1 AND s.content_hash = i.content_hash, false) AS same,
                   i.versions = 1 AND s.answered_at IS NULL AND NOT s.abandoned
                       AND s.seen_unanswered_at IS NOT NULL AND {in_scope} AS waiting,
                   s.seen_unanswered_at AS seen
            FROM import_ids i JOIN interactions s
              ON s.source = $source AND s.external_id = i.external_id
        )
        """,
        {**params, "own_team_id": scope.team_id},
    )
    id_label = sql_text(spec.labels["id"])
    seen = "true" if scope.importer_id is None else "coalesce(b.imported_by_id = ?, false)"
    cur.execute(
        f"""
        INSERT INTO import_problems
        WITH conflicting AS (
            SELECT external_id, copies,
                   array_to_string(list_slice(list(r.row_number ORDER BY r.row_number), 1,
                                              {CONFLICT_ROWS_LISTED}), ', ') AS listed
            FROM import_rows r JOIN import_ids USING (external_id)
            WHERE versions > 1 GROUP BY external_id, copies
        )
        SELECT r.row_number, r.external_id, {id_label}, r.external_id,
               'appears ' || c.copies || ' times in this file with different content (rows '
               || c.listed || CASE WHEN c.copies > {CONFLICT_ROWS_LISTED} THEN ', ...' ELSE ''
               END || '); none of them is loaded'
        FROM import_rows r JOIN conflicting c USING (external_id)
        """
    )
    cur.execute(
        f"""
        INSERT INTO import_problems
        SELECT r.row_number, r.external_id, {id_label}, r.external_id,
               CASE WHEN NOT ({seen})
                    -- an import the viewer may not see is not named, nor is its team
                    THEN 'is already stored with different content; the stored contact is kept'
                    WHEN s.waiting
                    THEN 'is already stored with different content and was seen unanswered'
                         || ' later than this file shows; the stored contact (import #'
                         || s.import_batch_id || ') is kept'
                    ELSE 'is already stored with different content ('
                   || CASE WHEN s.import_batch_id IS NULL THEN 'added before imports were recorded'
                      ELSE 'import #' || s.import_batch_id END
                   || '); the stored contact is kept: remove that import to replace it' END
        FROM import_rows r JOIN import_stored s USING (external_id)
        JOIN import_ids i USING (external_id)
        LEFT JOIN import_batches b ON b.id = s.import_batch_id
        WHERE i.versions = 1 AND NOT s.same AND NOT s.replaces
        """,
        [] if scope.importer_id is None else [scope.importer_id],
    )
    # An exact repeat of a stored contact is a duplicate whatever else might be said of it.
    cur.execute(
        "DELETE FROM import_problems WHERE external_id IN"
        " (SELECT external_id FROM import_stored WHERE same)"
    )
    _agents(cur, spec, scope, params)
    # Each row's fate, and for a row that loads the size of its case once stored
    # (`interactions.case_contacts`, see metrics/contacts/case_sizes.py): the rows of the case
    # this file loads, when no stored contact shares the case; NULL when one does, and the case
    # is counted again after the write. So a file of new cases needs no recount of its rows.
    _run(
        cur,
        f"""
        CREATE TEMP TABLE import_status AS
        WITH decided AS (
            SELECT r.row_number, r.case_id,
                   CASE WHEN s.same THEN 'duplicate'
                        WHEN p.row_number IS NOT NULL THEN 'rejected'
                        WHEN f.row_number IS NOT NULL THEN 'load'
                        ELSE 'duplicate' END AS status,
                   coalesce(s.replaces, false) AS replaces
            FROM import_rows r
            LEFT JOIN import_stored s USING (external_id)
            -- each id's first row, joined by row number: a million ids' text took twice as long
            LEFT JOIN (SELECT first_row AS row_number FROM import_ids) f USING (row_number)
            LEFT JOIN (SELECT DISTINCT row_number FROM import_problems) p USING (row_number)
        ), stored_cases AS (
            SELECT DISTINCT case_id FROM interactions
            WHERE source = $source AND case_id IS NOT NULL
        ), loaded_cases AS (
            SELECT case_id, count(*) AS contacts FROM decided
            WHERE status = 'load' AND case_id IS NOT NULL GROUP BY case_id
        )
        SELECT d.row_number, CAST(d.status AS {ROW_FATE}) AS status, d.replaces,
               CASE WHEN d.status <> 'load' OR c.case_id IS NOT NULL THEN NULL
                    WHEN d.case_id IS NULL THEN 1
                    ELSE n.contacts
               END::INTEGER AS case_contacts
        FROM decided d LEFT JOIN stored_cases c USING (case_id)
        LEFT JOIN loaded_cases n USING (case_id)
        """,
        params,
    )
    # A warning is for a row that loads: a row refused anyway lists it among its problems (in
    # the plain words, without "loaded without ..."); a duplicate has been warned about before.
    _run(
        cur,
        f"""
        CREATE TEMP TABLE import_row_warnings AS
        SELECT w.* FROM ({_problems_sql(warnings, as_warnings=True)}) w
        SEMI JOIN import_status s ON s.row_number = w.row_number AND s.status = 'load'
        """,
        params,
    )
    if warnings:
        _run(
            cur,
            f"""
            INSERT INTO import_problems
            SELECT w.* FROM ({_problems_sql(warnings)}) w
            JOIN import_status s USING (row_number) WHERE s.status = 'rejected'
            """,
            params,
        )
    # What remains to write needs only the rows, their status, the problems and the agents'
    # names (a row per distinct name): the rest goes now, lowering the import's peak memory by
    # a fifth at a million rows.
    for table in ("import_candidates", "import_candidate_keys", "import_email_agents"):
        cur.execute(f"DROP TABLE {table}")


def _not_in_team(team: str) -> str:
    return (
        f"nobody in your team ({team}) has this e-mail: a supervisor's import gives contacts to"
        " their own team's staff only; ask an owner to add this person or to import the row"
    )


def _not_named_in_team(team: str) -> str:
    """SQL for a supervisor's reason to refuse a name their team lacks (`c.agent_name`): the
    same words whether or not someone outside their team has it."""
    return (
        f"{sql_text(f'nobody in your team ({team}) is named ')} || c.agent_name ||"
        f" {sql_text(_NAMED_IN_TEAM_ONLY)}"
    )


_NAMED_IN_TEAM_ONLY = (
    ": a supervisor's import gives contacts to their own team's staff only; give the agent's"
    " e-mail, or ask an owner to add this person or to import the row"
)


def _agents(cur: Database, spec: FormatSpec, scope: _Scope, params: dict[str, object]) -> None:
    """Match the agents of the rows that may load to staff: by e-mail; else an interface name
    (metrics/contacts/agent_names.py) by its link, or to nobody; else by name, within the
    row's team (`import_name_agents`). A name matches the one person of that name in the row's
    team, or, for a row naming no team, the one person of that name; a name several people
    share, or whose one bearer is in another team, is refused and never a new person. A name
    nobody has is a new agent of an owner's import, in the team most of their contacts went
    to; a supervisor's import makes nobody (it could not tell a new name from someone outside
    their team without revealing them)."""
    _run(
        cur,
        """
        CREATE TEMP TABLE import_candidates AS
        SELECT row_number, external_id, agent_email, agent_name,
               coalesce(team, nfc_normalize(trim($own_team))) AS team
        FROM import_rows
        WHERE row_number NOT IN (SELECT row_number FROM import_problems)
          AND external_id NOT IN (SELECT external_id FROM import_stored WHERE same)
          AND (agent_email IS NOT NULL OR agent_name IS NOT NULL)
        """,
        params,
    )
    # Each e-mail, name and team the candidates give, with its rows' count and first row: the
    # matching below reads a row per person and team instead of every row of the file.
    cur.execute(
        "CREATE TEMP TABLE import_candidate_keys AS SELECT agent_email, agent_name, team,"
        " count(*) AS contacts, min(row_number) AS first_row FROM import_candidates GROUP BY ALL"
    )
    # The distinct names first, on their own (see `_normalise_names`): a filter on the pattern
    # would otherwise be pushed down to every row.
    cur.execute(
        "CREATE TEMP TABLE import_interfaces AS SELECT DISTINCT agent_name"
        " FROM import_candidate_keys WHERE agent_email IS NULL AND agent_name IS NOT NULL"
    )
    _run(
        cur,
        f"""
        CREATE OR REPLACE TEMP TABLE import_interfaces AS
        WITH named AS (
            SELECT agent_name, {interface_sql("agent_name")} AS interface FROM import_interfaces
        )
        SELECT n.agent_name, n.interface, l.staff_id
        FROM named n
        LEFT JOIN (SELECT l.name, l.staff_id FROM agent_name_links l
                   SEMI JOIN import_staff s ON s.id = l.staff_id
                   WHERE l.source = $source) l ON l.name = n.interface
        WHERE n.interface IS NOT NULL
        """,
        params,
    )
    cur.execute(
        """
        CREATE TEMP TABLE import_email_agents AS
        SELECT c.agent_email AS email,
               coalesce(arg_min(c.agent_name, c.first_row) FILTER (c.agent_name IS NOT NULL),
                        c.agent_email) AS name,
               any_value(s.id) AS staff_id
        FROM import_candidate_keys c LEFT JOIN import_staff s ON s.email = c.agent_email
        WHERE c.agent_email IS NOT NULL GROUP BY c.agent_email
        """
    )
    if scope.team_name is not None:
        # An e-mail names one person in the whole organisation: a supervisor's row may give a
        # contact only to someone of their team, and a row naming anyone else is refused with
        # the same words whether or not that person exists, so that nothing is revealed.
        cur.execute(
            f"""
            INSERT INTO import_problems
            SELECT c.row_number, c.external_id, {sql_text(spec.labels["agent_email"])},
                   c.agent_email, {sql_text(_not_in_team(scope.team_name))}
            FROM import_candidates c JOIN import_email_agents e ON e.email = c.agent_email
            WHERE e.staff_id IS NULL
            """
        )
        cur.execute("DELETE FROM import_email_agents WHERE staff_id IS NULL")
    # Each name and team the rows without an e-mail give, against the people of that name: the
    # staff in scope, and the new agents this file brings in by e-mail (in the teams of their
    # rows). `fate`: match (one person, found again by `_write`), new, or refused (`reason`).
    refused_new = (
        "NULL" if scope.team_name is None else _not_named_in_team(scope.team_name)
    ).replace("c.agent_name", "k.name")
    cur.execute(
        f"""
        CREATE TEMP TABLE import_name_agents AS
        WITH people AS (
            SELECT CAST(id AS VARCHAR) AS person, name, team FROM import_staff
            UNION ALL
            SELECT DISTINCT e.email, e.name, c.team FROM import_email_agents e
            JOIN import_candidate_keys c ON c.agent_email = e.email WHERE e.staff_id IS NULL
        ), keys AS (
            SELECT DISTINCT c.agent_name AS name, c.team FROM import_candidate_keys c
            ANTI JOIN import_interfaces f ON f.agent_name = c.agent_name
            WHERE c.agent_email IS NULL
        ), counted AS (
            SELECT k.name, k.team, count(DISTINCT p.person) AS matches,
                   count(DISTINCT p.person) FILTER (p.team = k.team) AS in_team,
                   coalesce(any_value(p.team), 'no team') AS their_team
            FROM keys k LEFT JOIN people p ON p.name = k.name
            GROUP BY k.name, k.team
        )
        SELECT k.name, k.team,
               CASE WHEN k.in_team = 1 OR (k.team IS NULL AND k.matches = 1) THEN 'match'
                    WHEN k.matches = 0 AND {"true" if scope.team_name is None else "false"}
                    THEN 'new'
                    ELSE 'refused' END AS fate,
               CASE WHEN k.matches = 0 THEN {refused_new}
                    WHEN k.in_team > 1
                    THEN k.in_team || ' staff are named ' || k.name || ': give the agent''s e-mail'
                    WHEN k.team IS NULL OR k.matches > 1
                    THEN k.matches || ' staff are named ' || k.name || ': give the agent''s e-mail'
                    ELSE k.name || ' is in ' || k.their_team || ', not ' || k.team
                         || ': give the agent''s e-mail or fix the team' END AS reason
        FROM counted k
        """
    )
    cur.execute(
        f"""
        INSERT INTO import_problems
        SELECT c.row_number, c.external_id, {sql_text(spec.labels["agent_name"])}, c.agent_name,
               n.reason
        FROM import_candidates c
        JOIN import_name_agents n ON n.name = c.agent_name AND n.team IS NOT DISTINCT FROM c.team
        WHERE c.agent_email IS NULL AND n.fate = 'refused'
        """
    )
    own_team = sql_text(scope.team_name) if scope.team_name is not None else "NULL"
    # The team of a new agent: where most of their contacts were queued (ties: the first by
    # name; a named team before none).
    cur.execute(
        f"""
        CREATE TEMP TABLE import_new_agents AS
        WITH new_people AS (
            SELECT email, name FROM import_email_agents WHERE staff_id IS NULL
            UNION ALL
            SELECT DISTINCT NULL, name FROM import_name_agents WHERE fate = 'new'
        ), their_rows AS (
            SELECT n.email, n.name, c.team, c.contacts FROM new_people n
            JOIN import_candidate_keys c ON c.agent_email = n.email
            UNION ALL
            SELECT n.email, n.name, c.team, c.contacts FROM new_people n
            JOIN import_candidate_keys c ON n.email IS NULL AND c.agent_email IS NULL
              AND c.agent_name = n.name
        ), their_teams AS (
            SELECT email, name, coalesce(team, {own_team}) AS team, sum(contacts) AS contacts
            FROM their_rows GROUP BY ALL
        )
        SELECT email, name,
               arg_min(team, (team IS NULL, -contacts, team)) AS team
        FROM their_teams GROUP BY email, name
        """
    )
    if scope.team_name is None:
        cur.execute(
            """
            CREATE TEMP TABLE import_new_teams AS
            SELECT DISTINCT c.team AS name FROM import_candidates c
            WHERE c.team IS NOT NULL
              AND c.team NOT IN (SELECT nfc_normalize(trim(name)) FROM teams)
              AND c.row_number NOT IN (SELECT row_number FROM import_problems)
            """
        )
    else:
        cur.execute("CREATE TEMP TABLE import_new_teams (name VARCHAR)")


# --- Writing ------------------------------------------------------------------------------------


def _write(
    cur: Database,
    batch: dict[str, object],
    scope: _Scope,
    params: dict[str, object],
) -> int:
    """Store the loaded rows, their ratings, new staff and teams, the batch and its rejects.

    The loaded rows are joined to their staff and teams, and the contacts and ratings are
    inserted a slice of the file at a time (WRITE_ROWS): a join of a large file's rows inside
    one insert would have to hold its whole hash table in memory at once. Then the
    stored waiting tickets this file shows again are brought up to date (`_update_waiting`).

    Last it updates `import_writer`: a second import writing at the same moment conflicts there
    and stores nothing (see migration 0007), so the classification made in this transaction
    holds for what it wrote. Last, not first: in DuckDB 2.0 a large insert made after an UPDATE
    in the same transaction came back corrupted when memory ran short ("Corrupted uncompressed
    string segment", or a false duplicate key), so every UPDATE and DELETE follows the inserts;
    the conflict is found all the same, only after the work."""
    row = cur.execute("SELECT nextval('import_batch_id_seq')").fetchone()
    assert row is not None
    batch_id = int(row[0])
    params = {**params, "batch": batch_id, "default_team": scope.team_id}
    cur.execute("INSERT INTO teams (name) SELECT name FROM import_new_teams ORDER BY name")
    row = cur.execute("SELECT coalesce(max(id), 0) FROM staff").fetchone()
    assert row is not None
    cur.execute(
        """
        INSERT INTO staff (name, email, team_id, role)
        SELECT n.name, n.email, t.id, 'agent'
        FROM import_new_agents n
        LEFT JOIN (SELECT nfc_normalize(trim(name)) AS name, min(id) AS id FROM teams GROUP BY 1) t
          ON t.name = n.team
        ORDER BY n.name, n.email
        """
    )
    # The new agents join the staff this import may match (their ids are the sequence's next,
    # above every id this transaction could see).
    cur.execute(f"INSERT INTO import_staff {_STAFF_SQL} WHERE s.id > ?", [int(row[0])])
    # Who each name the classification let through is, new agents included: the one of that
    # name in the row's team, else the one of that name (see `_agents`).
    cur.execute(
        """
        CREATE TEMP TABLE import_name_staff AS
        SELECT k.name, k.team,
               CASE WHEN count(*) FILTER (s.team = k.team) = 1
                    THEN any_value(s.id) FILTER (s.team = k.team)
                    WHEN count(*) = 1 THEN any_value(s.id) END AS staff_id
        FROM import_name_agents k JOIN import_staff s ON s.name = k.name
        WHERE k.fate <> 'refused' GROUP BY k.name, k.team
        """
    )
    # In slices of the file: each insert joins only its slice's rows to their status, so the
    # hash table it holds stays small whatever the file's size (see WRITE_ROWS). All slices are
    # written in this one transaction.
    row = cur.execute("SELECT max(row_number) FROM import_status").fetchone()
    last_row = int(row[0]) if row and row[0] is not None else 0
    # A contact's id (and its rating's) is the first reserved id + its row number.
    # Reserved, not `nextval` per row: that made DuckDB insert on one thread (twice as long).
    params["first_id"] = reserve_ids(cur, "interactions", last_row + 1)
    params["first_rating_id"] = reserve_ids(cur, "feedback", last_row + 1)
    for first in range(0, last_row + 1, WRITE_ROWS):
        _run(
            cur,
            """
            INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,
                case_id, queued_at, answered_at, resolved_at, abandoned, resolved, category,
                is_demo, import_batch_id, content_hash, reopens, seen_unanswered_at,
                case_contacts, agent_interface)
            SELECT $first_id + l.row_number, $source, l.external_id, l.channel,
                   coalesce(by_email.id, by_name.staff_id, by_link.staff_id),
                   coalesce(t.id, $default_team), l.case_id, l.queued_at, l.answered_at,
                   l.resolved_at, l.abandoned, l.resolved, l.category, false, $batch,
                   l.content_hash, l.reopens,
                   CASE WHEN l.answered_at IS NULL AND NOT l.abandoned THEN $as_of END,
                   s.case_contacts, by_link.interface
            FROM import_rows l
            JOIN import_status s ON s.row_number = l.row_number AND s.status = 'load'
            LEFT JOIN import_staff by_email ON by_email.email = l.agent_email
            LEFT JOIN import_name_staff by_name
              ON l.agent_email IS NULL AND by_name.name = l.agent_name
             AND by_name.team IS NOT DISTINCT FROM coalesce(l.team, nfc_normalize(trim($own_team)))
            LEFT JOIN import_interfaces by_link
              ON l.agent_email IS NULL AND by_link.agent_name = l.agent_name
            LEFT JOIN (SELECT nfc_normalize(trim(name)) AS name, min(id) AS id FROM teams
                       GROUP BY 1) t
              ON t.name = l.team
            WHERE l.row_number >= $first AND l.row_number < $after
              AND s.row_number >= $first AND s.row_number < $after
            """,
            {**params, "first": first, "after": first + WRITE_ROWS},
        )
    _update_waiting(cur, params)
    # The cases the store already had are counted again; the days of every new contact go to
    # the daily rollups (those counted in advance are not marked by the recount).
    refresh_case_contacts(cur)
    mark_contacts_changed(cur, "import_batch_id = ?", [batch_id])
    # A rated row loads unless its status says otherwise (`import_status` holds one row per row
    # of the file): the rows that do not load are the few, so the join holds a hash table of
    # them instead of every loaded row's (a quarter of the ratings' insert at a million rows).
    for first in range(0, last_row + 1, WRITE_ROWS):
        _run(
            cur,
            """
            INSERT INTO feedback (id, interaction_id, rating, scale, comment, received_at,
                is_demo, import_batch_id)
            SELECT $first_rating_id + l.row_number, $first_id + l.row_number, l.rating, l.scale,
                   l.comment,
                   coalesce(l.resolved_at, l.answered_at, l.queued_at), false, $batch
            FROM import_rows l
            WHERE l.rating IS NOT NULL
              AND l.row_number >= $first AND l.row_number < $after
              AND NOT EXISTS (SELECT 1 FROM import_status s
                              WHERE s.row_number = l.row_number AND s.status <> 'load'
                                AND s.row_number >= $first AND s.row_number < $after)
            """,
            {**params, "first": first, "after": first + WRITE_ROWS},
        )
    refresh_contact_rollups(cur)  # after the ratings: the days' counts include them
    cur.execute("UPDATE import_writer SET writes = writes + 1")
    cur.execute(
        "INSERT INTO import_batches (id, file_name, checksum, format, timezone, source,"
        " rows_read, loaded, rejected, duplicates, updated, warnings, new_agents, new_teams,"
        " imported_by_id, imported_by)"
        " VALUES ($batch, $file_name, $checksum, $format, $timezone, $source, $rows_read,"
        " $loaded, $rejected, $duplicates, $updated, $warnings, $new_agents, $new_teams,"
        " $imported_by_id, $imported_by)",
        {**batch, "batch": batch_id, "source": params["source"]},
    )
    cur.execute(
        f"INSERT INTO import_rejects (batch_id, row_number, external_id, field, value, reason)"
        f" SELECT ?, row_number, external_id, field, left(value, {REJECT_VALUE_CHARS}), reason"
        f" FROM import_problems ORDER BY row_number, field",
        [batch_id],
    )
    cur.execute(
        f"INSERT INTO import_warnings (batch_id, row_number, external_id, field, value, reason)"
        f" SELECT ?, row_number, external_id, field, left(value, {REJECT_VALUE_CHARS}), reason"
        f" FROM import_row_warnings ORDER BY row_number, field",
        [batch_id],
    )
    return batch_id


def _update_waiting(cur: Database, params: dict[str, object]) -> None:
    """The stored waiting tickets this file shows again (see `import_stored`): an exact repeat
    was still unanswered at the file's moment, which becomes its `seen_unanswered_at`; a row
    that replaces one has been inserted by this import, so the stored ticket, its ratings and
    its case count go (nothing enforces the natural key but the import itself: see migration
    0007). Their days are counted again for the rollups. Nothing to do, nothing is run."""
    row = cur.execute("SELECT count(*) FROM import_stored WHERE waiting").fetchone()
    if not (row and row[0]):
        return
    repeated = "id IN (SELECT stored_id FROM import_stored WHERE same AND waiting AND seen < ?)"
    mark_contacts_changed(cur, repeated, [params["as_of"]])
    cur.execute(
        f"UPDATE interactions SET seen_unanswered_at = ? WHERE {repeated}",
        [params["as_of"], params["as_of"]],
    )
    cur.execute(
        """
        CREATE TEMP TABLE import_replaced AS
        SELECT s.stored_id FROM import_stored s
        JOIN import_ids i USING (external_id)
        JOIN import_status t ON t.row_number = i.first_row AND t.status = 'load'
        WHERE s.replaces
        """
    )
    replaced = "id IN (SELECT stored_id FROM import_replaced)"
    forget_case_contacts(cur, replaced, [])
    cur.execute(
        "DELETE FROM feedback WHERE interaction_id IN (SELECT stored_id FROM import_replaced)"
    )
    cur.execute(f"DELETE FROM interactions WHERE {replaced}")


@contextmanager
def _transaction(cur: Database) -> Iterator[None]:
    """BEGIN ... COMMIT on the import's own cursor: the staging tables are temporary tables of
    that cursor's connection, invisible to the fresh cursor `store.transaction` would open.

    Nothing inside needs the rows of a result in the order they were read (every row carries
    its number; what must be in order says ORDER BY), so DuckDB may write them in any order, on
    every thread: the contacts' insert took one thread for its whole second per million rows."""
    cur.execute("SET preserve_insertion_order = false")
    cur.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.execute("RESET preserve_insertion_order")
    cur.execute("COMMIT")


def import_file(
    db: Database,
    path: str | os.PathLike[str],
    viewer: Viewer,
    timezone: str,
    *,
    format: Format | None = None,
    dry_run: bool = False,
    file_name: str | None = None,
) -> ImportResult:
    """Import one file (see the module docstring for every rule) in one transaction.

    `timezone` is the zone in which timestamps without an offset are local times (the
    front-ends default to the policy's `business_hours.timezone`; UTC is a zone too); a local
    time the clocks skipped there is refused, one they repeated is its first occurrence (see
    `metrics.contacts.formats.local_instant`). The batch records it. An unknown zone raises
    ImportOptionError before anything is read. `format` overrides detection from the header.
    `file_name` is what the batch records (an upload's own name; default: the path's name).
    With `dry_run` nothing is written and `batch_id` is None. Raises ImportFileError when the
    file cannot be read at all, AccessDenied for an agent.
    """
    file = Path(path)
    name = file_name or file.name
    check_timezone(db, timezone)
    try:
        return _import(db, file, name, viewer, timezone, format, dry_run)
    except IdsTaken as exc:
        again = "; import it again" if exc.retry else ""
        raise ImportFailed(f"{name}: {exc}, so nothing from this file was stored{again}") from exc
    except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
        if "conflict on update" in str(exc).lower():  # on `import_writer`: see `_write`
            raise ImportFailed(
                f"{name}: another import was writing at the same moment, so nothing from this"
                " file was stored; import it again"
            ) from exc
        # Another writer (a team added at the same moment...) changed what this import wrote.
        raise ImportFailed(
            f"{name}: the store changed while the file was being written, so nothing from it"
            f" was stored; import it again ({_first_line(exc)})"
        ) from exc


def _import(
    db: Database,
    file: Path,
    name: str,
    viewer: Viewer,
    timezone: str,
    format: Format | None,
    dry_run: bool,
) -> ImportResult:
    """`import_file` once its options are known to be good."""
    with (
        _staging_area(db, file) as area,
        db.cursor() as cur,
        ThreadPoolExecutor(max_workers=1) as beside,
    ):
        scope = _scope(cur, viewer)
        shape = _sniff(db, file, name)
        spec = _spec_for(shape, format, name)
        # Read while DuckDB stages the file: hashing releases Python's lock, a tenth of a second
        # per million rows otherwise spent waiting.
        checksum_of_file = beside.submit(file_checksum, file)
        _stage(cur, area, file, shape, spec, name, timezone)
        checksum = checksum_of_file.result()
        params: dict[str, object] = {
            "source": spec.name,
            "own_team": scope.team_name,
            "tz": timezone,
        }
        with _transaction(cur):
            # Checked inside the transaction that writes: what is compared is what is written.
            _classify(cur, spec, scope, params)
            counts = cur.execute(
                "SELECT count(*), count(*) FILTER (status = 'load'),"
                " count(*) FILTER (status = 'rejected'), count(*) FILTER (status = 'duplicate'),"
                " count(*) FILTER (status = 'load' AND replaces)"
                " FROM import_status"
            ).fetchone()
            assert counts is not None
            rows_read, loaded, rejected, duplicates, updated = (int(n) for n in counts)
            new_agents = [
                f"{agent_name} <{email}>" if email else agent_name
                for agent_name, email in cur.execute(
                    "SELECT name, email FROM import_new_agents ORDER BY name, email"
                ).fetchall()
            ]
            new_teams = [
                team
                for (team,) in cur.execute(
                    "SELECT name FROM import_new_teams ORDER BY name"
                ).fetchall()
            ]
            unlinked_names = _unlinked_names(cur)
            problems, rejects = _first_problems(cur, "import_problems")
            warnings, warning_rows = _first_problems(cur, "import_row_warnings")
            earlier = [
                batch
                for (batch,) in cur.execute(
                    "SELECT id FROM import_batches WHERE checksum = ? AND removed_at IS NULL"
                    " ORDER BY id",
                    [checksum],
                ).fetchall()
            ]
            batch_id = None
            if not dry_run:
                batch = {
                    "file_name": name,
                    "checksum": checksum,
                    "format": spec.name,
                    "timezone": timezone,
                    "rows_read": rows_read,
                    "loaded": loaded,
                    "rejected": rejected,
                    "duplicates": duplicates,
                    "updated": updated,
                    "warnings": warnings,
                    "new_agents": new_agents,
                    "new_teams": new_teams,
                    "imported_by_id": viewer.staff_id or None,
                    "imported_by": _who(viewer),
                }
                batch_id = _write(cur, batch, scope, params)
            else:
                cur.execute("ROLLBACK")
                cur.execute("BEGIN TRANSACTION")  # _transaction commits this empty one
    return ImportResult(
        file=name,
        format=spec.name,
        rows_read=rows_read,
        loaded=loaded,
        rejected=rejected,
        duplicates=duplicates,
        updated=updated,
        warnings=warnings,
        problems=problems,
        new_agents=new_agents,
        new_teams=new_teams,
        unlinked_names=unlinked_names,
        batch_id=batch_id,
        dry_run=dry_run,
        checksum=checksum,
        earlier_imports=earlier,
        rejects=rejects,
        warning_rows=warning_rows,
    )


def _unlinked_names(cur: Database) -> list[str]:
    """The interfaces of the loading rows that no link gives to anyone (see `_agents`); the
    rows are read only when the file names an unlinked interface at all."""
    row = cur.execute("SELECT count(*) FROM import_interfaces WHERE staff_id IS NULL").fetchone()
    if not (row and row[0]):
        return []
    return [
        name
        for (name,) in cur.execute(
            """
            SELECT DISTINCT f.interface FROM import_interfaces f
            JOIN import_rows r ON r.agent_email IS NULL AND r.agent_name = f.agent_name
            JOIN import_status s ON s.row_number = r.row_number AND s.status = 'load'
            WHERE f.staff_id IS NULL ORDER BY 1
            """
        ).fetchall()
    ]


def _who(viewer: Viewer) -> str:
    return f"{viewer.name} <{viewer.email}>" if viewer.email else viewer.name


def _first_problems(cur: Database, table: str) -> tuple[int, pd.DataFrame]:
    """How many lines `table` (import_problems or import_row_warnings) holds, and the first
    PROBLEM_ROWS_KEPT of them in file order as a frame of REJECT_COLUMNS."""
    row = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
    frame = cur.execute(
        f"SELECT row_number, external_id, field, value, reason FROM {table}"
        f" ORDER BY row_number, field LIMIT {PROBLEM_ROWS_KEPT}"
    ).df()
    return int(row[0]) if row else 0, _rejects_frame(frame)


def _rejects_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = REJECT_COLUMNS
    return frame.astype({"row": "int64"})


def preview_file(
    db: Database,
    path: str | os.PathLike[str],
    viewer: Viewer,
    timezone: str,
    *,
    format: Format | None = None,
    rows: int = PREVIEW_ROWS,
    file_name: str | None = None,
) -> Preview:
    """The first `rows` contacts of a file as they would be stored, with the problems the
    import would find in each. Only the file's first rows are read (a queue_log is read whole,
    as a call spans lines) and checked exactly as `import_file` checks them (the same staff
    matching, so a supervisor's preview says no more than their import), so repeats and clashes
    with rows further down are left to `import_file`."""
    file = Path(path)
    name = file_name or file.name
    check_timezone(db, timezone)
    with _staging_area(db, file) as area, db.cursor() as cur:
        scope = _scope(cur, viewer)
        shape = _sniff(db, file, name)
        spec = _spec_for(shape, format, name)
        # A queue_log is read whole: a call's lines can be anywhere in it.
        _stage(cur, area, file, shape, spec, name, timezone, None if spec is ASTERISK else rows)
        params: dict[str, object] = {
            "source": spec.name,
            "own_team": scope.team_name,
            "tz": timezone,
        }
        with _transaction(cur):
            _classify(cur, spec, scope, params)
            frame = _run(
                cur,
                f"""
                WITH per_row AS (
                    -- "channel: unknown channel ...", but not "queued_at: queued_at is ..."
                    SELECT row_number,
                           string_agg(CASE WHEN starts_with(reason, field) THEN reason
                                           ELSE field || ': ' || reason END, '; '
                                      ORDER BY field) AS problems
                    FROM (SELECT * FROM import_problems
                          UNION ALL SELECT * FROM import_row_warnings)
                    GROUP BY row_number
                ), new_agents AS (
                    SELECT r.row_number FROM import_rows r JOIN import_new_agents n
                      ON (r.agent_email IS NOT NULL AND n.email = r.agent_email)
                      OR (r.agent_email IS NULL AND n.email IS NULL AND n.name = r.agent_name)
                )
                SELECT r.row_number AS "Row", coalesce(p.problems, '') AS "Problems",
                       r.external_id AS "Id",
                       coalesce(r.channel, r.channel_raw) AS "Channel",
                       coalesce(r.agent_name, r.agent_email)
                       || CASE WHEN r.row_number IN (SELECT row_number FROM import_problems)
                               THEN ''
                               WHEN r.row_number IN (SELECT row_number FROM new_agents)
                               THEN ' (new)'
                               WHEN r.agent_email IS NULL AND r.agent_name IN
                                    (SELECT agent_name FROM import_interfaces
                                     WHERE staff_id IS NULL)
                               THEN ' (to link)' ELSE '' END AS "Agent",
                       coalesce(r.team, $own_team) AS "Team",
                       r.queued_at AS "Queued", r.answered_at AS "Answered",
                       r.resolved_at AS "Resolved at", r.abandoned AS "Abandoned",
                       r.resolved AS "Resolved", r.case_id AS "Case", r.category AS "Category",
                       CASE WHEN r.rating IS NULL THEN NULL
                            WHEN r.scale = 'good/bad' THEN CASE r.rating WHEN 1 THEN 'good'
                                                            ELSE 'bad' END
                            ELSE r.rating || ' of 5' END AS "Rating"
                FROM import_rows r LEFT JOIN per_row p USING (row_number)
                ORDER BY r.row_number LIMIT {int(rows)}
                """,
                params,
            ).df()
            cur.execute("ROLLBACK")
            cur.execute("BEGIN TRANSACTION")  # _transaction commits this empty one
    return Preview(format=spec.name, rows=frame)


# --- History and removal -----------------------------------------------------------------------

_BATCH_COLUMNS = (
    "id, file_name, checksum, format, timezone, rows_read, loaded, rejected, duplicates,"
    " updated, warnings, new_agents, new_teams, imported_by, imported_at, removed_at, removed_by"
)


def _batch(row: tuple) -> ImportBatch:
    keys = [key.strip() for key in _BATCH_COLUMNS.split(",")]
    return ImportBatch(**dict(zip(keys, row, strict=True)))


def _visible(viewer: Viewer) -> tuple[str, list[object]]:
    """The batches a viewer may see: owners all, supervisors those they imported."""
    if viewer.role == "owner":
        return "true", []
    if viewer.role == "supervisor":
        return "imported_by_id = ?", [viewer.staff_id]
    raise AccessDenied("only owners and supervisors see imports")


def import_history(db: Database, viewer: Viewer) -> list[ImportBatch]:
    """Imports the viewer may see, newest first (removed ones too, marked)."""
    where, params = _visible(viewer)
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_BATCH_COLUMNS} FROM import_batches WHERE {where} ORDER BY id DESC", params
        ).fetchall()
    return [_batch(row) for row in rows]


def _get_batch(cur: Database, viewer: Viewer, batch_id: int) -> ImportBatch:
    where, params = _visible(viewer)
    row = cur.execute(
        f"SELECT {_BATCH_COLUMNS} FROM import_batches WHERE id = ? AND {where}",
        [batch_id, *params],
    ).fetchone()
    if row is None:
        raise BatchError(f"no import #{batch_id} that you may see")
    return _batch(row)


def batch_rejects(db: Database, viewer: Viewer, batch_id: int) -> pd.DataFrame:
    """The rejected rows of one import (REJECT_COLUMNS), in file order."""
    with db.cursor() as cur:
        _get_batch(cur, viewer, batch_id)
        frame = cur.execute(
            "SELECT row_number, external_id, field, value, reason FROM import_rejects"
            " WHERE batch_id = ? ORDER BY row_number, field",
            [batch_id],
        ).df()
    return _rejects_frame(frame)


def batch_warnings(db: Database, viewer: Viewer, batch_id: int) -> pd.DataFrame:
    """The warnings of one import (REJECT_COLUMNS): rows it loaded without a value."""
    with db.cursor() as cur:
        _get_batch(cur, viewer, batch_id)
        frame = cur.execute(
            "SELECT row_number, external_id, field, value, reason FROM import_warnings"
            " WHERE batch_id = ? ORDER BY row_number, field",
            [batch_id],
        ).df()
    return _rejects_frame(frame)


def remove_batch(db: Database, viewer: Viewer, batch_id: int) -> RemovedBatch:
    """Delete the contacts and ratings one import loaded, in one transaction; the batch stays in
    the history marked removed, with who removed it; the case sizes of the contacts left are
    counted again. Staff and teams it created are kept: they may have signed in or been given
    training since."""
    with db.cursor() as cur, _transaction(cur):
        batch = _get_batch(cur, viewer, batch_id)
        if batch.removed_at is not None:
            raise BatchError(f"import #{batch_id} was already removed ({batch.removed_by})")
        # Ratings first, found through the contacts too: a rating added to an imported
        # contact later must not be left pointing at nothing.
        feedback = _deleted(
            cur,
            "DELETE FROM feedback WHERE import_batch_id = ? OR interaction_id IN"
            " (SELECT id FROM interactions WHERE import_batch_id = ?)",
            [batch_id, batch_id],
        )
        # Their cases are counted again once they are gone (see metrics.contacts.case_sizes).
        forget_case_contacts(cur, "import_batch_id = ?", [batch_id])
        interactions = _deleted(
            cur, "DELETE FROM interactions WHERE import_batch_id = ?", [batch_id]
        )
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
        cur.execute(
            "UPDATE import_batches SET removed_at = now(), removed_by = ? WHERE id = ?",
            [_who(viewer), batch_id],
        )
    return RemovedBatch(batch_id=batch_id, interactions=int(interactions), feedback=int(feedback))


def _deleted(cur: Database, sql: str, params: list[object]) -> int:
    row = cur.execute(sql, params).fetchone()  # DuckDB's DELETE returns the count deleted
    return int(row[0]) if row else 0
