"""Importing a staff list from CSV: validated set-wise, nothing lost, never twice.

The file has the columns `name, email, team, role` (any order, any case, other columns ignored),
UTF-8 with or without a byte-order mark, comma- or semicolon-separated. Every row's fate is
decided with queries over the staged file, never row by row in Python:

- **rejected**, with its row number (the header is row 1, as in a spreadsheet), the column, the
  value and a reason, when the name or e-mail is missing, the e-mail is not an address, the role
  is not agent, supervisor or owner, the same e-mail appears in the file with different values
  (every row of it is rejected), or the e-mail already belongs to someone on the staff with
  other values: an import adds people and never changes anyone (change them on the Staff page,
  where the rules about roles, teams and the last owner apply one person at a time);
- **duplicate**, skipped and counted, when it repeats someone on the staff exactly (same name,
  team and role) or an earlier row of the file, so importing a file twice changes nothing;
- **loaded** otherwise: a new staff member with no password (an owner or supervisor sets a
  temporary one on the Staff page). Always rows read = loaded + rejected + duplicates.

A team the file names that does not exist is created (owners only) and listed in the result.
Who may: owners import anyone into any team; a supervisor imports agents of their own team only
(a row naming another team or another role is rejected; a row naming no team joins theirs);
agents do not import. One transaction: the new teams and people are written together or not at
all, and every check is made inside it against the stored staff. A dry run does everything but
write.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict

from metrics.people import Manager, PeopleError, Viewer, manager
from metrics.store import Database

COLUMNS = ("name", "email", "team", "role")
REQUIRED = ("name", "email", "role")
ALIASES = {"e-mail": "email"}  # as spreadsheets and the Staff page's own download spell it
DELIMITERS = (",", ";")
REJECT_COLUMNS = ["row", "field", "value", "reason"]
REJECT_VALUE_CHARS = 200  # enough of a value to recognise it
MAX_NAME_CHARS = 200  # as a staff form allows
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # as the Staff page's form checks


class StaffFileError(ValueError):
    """The file cannot be read at all: one line naming the file and what is wrong."""


class StaffImportResult(BaseModel):
    """What a staff import did or, for a dry run, would do."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    file: str
    rows_read: int
    loaded: int
    rejected: int
    duplicates: int
    new_people: list[str]
    new_teams: list[str]
    dry_run: bool
    rejects: pd.DataFrame  # REJECT_COLUMNS, one row per problem


def _header(path: Path, name: str) -> tuple[str, list[str]]:
    """The delimiter and the column names of the file's first line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            first = file.readline()
    except UnicodeDecodeError:
        raise StaffFileError(f"{name}: not UTF-8 text; save the file as UTF-8 CSV") from None
    except OSError as exc:
        raise StaffFileError(f"{name}: cannot be read ({exc.strerror})") from None
    if not first.strip():
        raise StaffFileError(
            f"{name}: the file is empty; it needs a header row: name,email,team,role"
        )

    def known(delimiter: str) -> int:
        fields = next(csv.reader([first], delimiter=delimiter), [])
        return sum(ALIASES.get(f.strip().lower(), f.strip().lower()) in COLUMNS for f in fields)

    delimiter = max(DELIMITERS, key=known)
    header = [
        ALIASES.get(f.strip().lower(), f.strip().lower())
        for f in next(csv.reader([first], delimiter=delimiter), [])
    ]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise StaffFileError(
            f"{name}: row 1: the header lacks {', '.join(missing)}; a staff list has the columns"
            " name, email, team, role"
        )
    return delimiter, header


def _stage(cur: duckdb.DuckDBPyConnection, path: Path, name: str) -> None:
    """The file as the temporary table `staff_rows` (row, name, email, team, role), trimmed,
    e-mail and role in lower case, blanks as NULL. Outside any transaction, so that `rowid`
    numbers the rows in file order."""
    delimiter, header = _header(path, name)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))

    def column(role: str) -> str:
        return f"nullif(trim(c{header.index(role)}), '')" if role in header else "NULL"

    cur.execute("DROP TABLE IF EXISTS staff_file")
    cur.execute("DROP TABLE IF EXISTS staff_rows")
    try:
        cur.execute(
            "CREATE TEMP TABLE staff_file AS SELECT * FROM read_csv($path, auto_detect = false,"
            f" header = true, delim = $delim, quote = '\"', escape = '\"', columns = {{{columns}}},"
            " encoding = 'utf-8')",
            {"path": str(path), "delim": delimiter},
        )
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise StaffFileError(f"{name}: not a readable CSV file: {first_line}") from None
    cur.execute(
        "CREATE TEMP TABLE staff_rows AS SELECT rowid + 2 AS row,"
        f" {column('name')} AS name, lower({column('email')}) AS email,"
        f" {column('team')} AS team, lower({column('role')}) AS role FROM staff_file"
    )
    cur.execute("DROP TABLE staff_file")


def _run(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> None:
    """Run with the named parameters the statement uses (DuckDB refuses any others)."""
    cur.execute(sql, {key: value for key, value in params.items() if f"${key}" in sql})


def _classify(cur: duckdb.DuckDBPyConnection, who: Manager) -> None:
    """`staff_problems` (row, field, value, reason) and `staff_status` (row, status) from the
    staged rows and the stored staff, inside the caller's transaction."""
    own_team = who.team if who.role == "supervisor" else None
    params: dict[str, object] = {
        "own_team": own_team,
        "is_supervisor": who.role == "supervisor",
        "pattern": EMAIL_PATTERN,
        "max_name": MAX_NAME_CHARS,
    }
    cur.execute("DROP TABLE IF EXISTS staff_checked")
    # A supervisor's rows naming no team join their team.
    _run(
        cur,
        "CREATE TEMP TABLE staff_checked AS SELECT r.row, r.name, r.email,"
        " coalesce(r.team, $own_team) AS team, r.role,"
        " t.id AS team_id, s.id AS stored_id, s.name AS stored_name, st.name AS stored_team,"
        " s.role AS stored_role"
        " FROM staff_rows r"
        " LEFT JOIN teams t ON t.name = coalesce(r.team, $own_team)"
        " LEFT JOIN staff s ON s.email = r.email"
        " LEFT JOIN teams st ON st.id = s.team_id",
        params,
    )
    checks = [
        ("name", "name", "name IS NULL", "'required'"),
        (
            "name",
            "name",
            "length(name) > $max_name",
            "'longer than ' || $max_name || ' characters'",
        ),
        ("email", "email", "email IS NULL", "'required'"),
        ("email", "email", "NOT regexp_full_match(email, $pattern)", "'not an e-mail address'"),
        ("role", "role", "role IS NULL", "'required'"),
        (
            "role",
            "role",
            "role NOT IN ('agent', 'supervisor', 'owner')",
            "'not a role; use agent, supervisor or owner'",
        ),
        (
            "role",
            "role",
            "$is_supervisor AND role IN ('supervisor', 'owner')",
            "'a supervisor imports agents only; ask an owner to add a ' || role",
        ),
        (
            "team",
            "team",
            "$is_supervisor AND team IS DISTINCT FROM $own_team",
            "'a supervisor imports into their own team (' || $own_team || ') only'",
        ),
        (
            "email",
            "email",
            "stored_id IS NOT NULL AND (stored_name IS DISTINCT FROM name"
            " OR stored_team IS DISTINCT FROM team OR stored_role IS DISTINCT FROM role)",
            # A supervisor is not told who, in another team, holds an e-mail.
            "CASE WHEN $is_supervisor AND stored_team IS DISTINCT FROM $own_team"
            " THEN 'already has an account outside your team; ask an owner'"
            " ELSE 'already on the staff as ' || stored_name || ', '"
            " || coalesce(stored_team, 'no team') || ', ' || stored_role"
            " || '; an import adds people and never changes anyone: change them on the Staff"
            " page' END",
        ),
        (
            "email",
            "email",
            "count(DISTINCT (name, team, role)) OVER (PARTITION BY email) > 1",
            "'appears in the file with different values (rows ' || string_agg(row::VARCHAR, ', ')"
            " OVER (PARTITION BY email ORDER BY row ROWS BETWEEN UNBOUNDED PRECEDING AND"
            " UNBOUNDED FOLLOWING) || ')'",
        ),
    ]
    problems = " UNION ALL ".join(
        f"SELECT row, '{field}' AS field, {value} AS value, {reason} AS reason"
        f" FROM (SELECT *, {condition} AS failed FROM staff_checked) WHERE failed"
        for field, value, condition, reason in checks
    )
    cur.execute("DROP TABLE IF EXISTS staff_problems")
    _run(
        cur,
        "CREATE TEMP TABLE staff_problems AS SELECT row, field,"
        f" left(coalesce(value, ''), {REJECT_VALUE_CHARS}) AS value, reason FROM ({problems})",
        params,
    )
    cur.execute("DROP TABLE IF EXISTS staff_status")
    cur.execute(
        "CREATE TEMP TABLE staff_status AS SELECT c.row, c.name, c.email, c.team, c.team_id,"
        " c.role, CASE"
        "  WHEN c.row IN (SELECT row FROM staff_problems) THEN 'rejected'"
        "  WHEN c.stored_id IS NOT NULL THEN 'duplicate'"
        "  WHEN c.row > min(c.row) OVER (PARTITION BY c.email) THEN 'duplicate'"
        "  ELSE 'load' END AS status"
        " FROM staff_checked c"
    )


def import_staff(
    db: Database,
    path: str | os.PathLike[str],
    viewer: Viewer,
    *,
    dry_run: bool = False,
    file_name: str | None = None,
) -> StaffImportResult:
    """Import a staff list (see the module docstring for every rule) in one transaction.
    Raises StaffFileError when the file cannot be read at all, AccessDenied for an agent."""
    file = Path(path)
    name = file_name or file.name
    with db.cursor() as cur:
        manager(cur, viewer)  # an agent is refused before the file is read
        _stage(cur, file, name)
        cur.execute("BEGIN TRANSACTION")
        try:
            who = manager(cur, viewer)  # as stored now, inside the transaction that writes
            _classify(cur, who)
            counts = cur.execute(
                "SELECT count(*), count(*) FILTER (status = 'load'),"
                " count(*) FILTER (status = 'rejected'), count(*) FILTER (status = 'duplicate')"
                " FROM staff_status"
            ).fetchone()
            assert counts is not None
            rows_read, loaded, rejected, duplicates = (int(n) for n in counts)
            new_teams = [
                team
                for (team,) in cur.execute(
                    "SELECT DISTINCT team FROM staff_status"
                    " WHERE status = 'load' AND team IS NOT NULL AND team_id IS NULL ORDER BY team"
                ).fetchall()
            ]
            new_people = [
                f"{person} <{email}>"
                for person, email in cur.execute(
                    "SELECT name, email FROM staff_status WHERE status = 'load' ORDER BY row"
                ).fetchall()
            ]
            rejects = cur.execute(
                "SELECT row, field, value, reason FROM staff_problems ORDER BY row, field"
            ).df()
            if new_teams and who.role != "owner":
                raise PeopleError("only an owner may add teams")  # the checks reject these rows
            if not dry_run:
                cur.execute(
                    "INSERT INTO teams (name) SELECT DISTINCT team FROM staff_status"
                    " WHERE status = 'load' AND team IS NOT NULL AND team_id IS NULL"
                )
                cur.execute(
                    "INSERT INTO staff (name, email, team_id, role)"
                    " SELECT s.name, s.email, t.id, s.role FROM staff_status s"
                    " LEFT JOIN teams t ON t.name = s.team WHERE s.status = 'load' ORDER BY s.row"
                )
                cur.execute("COMMIT")
            else:
                cur.execute("ROLLBACK")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
    rejects.columns = REJECT_COLUMNS
    return StaffImportResult(
        file=name,
        rows_read=rows_read,
        loaded=loaded,
        rejected=rejected,
        duplicates=duplicates,
        new_people=new_people,
        new_teams=new_teams,
        dry_run=dry_run,
        rejects=rejects.astype({"row": "int64"}),
    )
