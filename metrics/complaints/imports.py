"""Importing a complaint register kept elsewhere (`academy import FILE --format complaints`, the
Import page): validated set-wise, nothing lost, never twice, like a contact import.

The file is a CSV (or Parquet) file with one complaint per row and the columns of `COLUMNS`;
only `REQUIRED` must have a value. It is read by the contact import's reader and staging area
(`metrics.contacts.imports`: the same CSV rules, the same one-line errors for a file that cannot
be read) into a staging table, and every row's fate is decided by queries:

- **rejected**, with its row number, the file's column, the value and a reason, when a required
  value is missing; a time does not parse (ISO 8601, read in the import's time zone, a time the
  clocks skipped refused) or a date is not YYYY-MM-DD; a time or date comes before the complaint
  was received; a flag is not yes/no; the channel, the category, the compensation option or an
  amount is not one the policy knows (a negative amount too); `received_by` or `approved_by` is
  nobody the importer may name (a supervisor's import reaches their own team only, with the
  same words whether or not someone else has the e-mail); the compensation is above the
  receiver's limit for that option and no `approved_by` has the authority (the escalation
  ladder's roles and their limits, as the register decides it for a complaint recorded in the
  app: `metrics.complaints.register.approval_refusal`), or above anyone's; `interaction_id`
  names no contact the importer may see; or the same `complaint_id` appears with different
  content in the file (every row of it) or is stored already with other content (the stored
  complaint stays as it is);
- **duplicate**, skipped and counted, when it repeats an imported complaint already stored or
  an earlier row of the file exactly (`complaint_id` is the natural key), so re-importing a
  file changes nothing;
- **loaded** otherwise. Always rows read = loaded + rejected + duplicates.

A blank `follow_up_due` is the policy's: `complaint_follow_up_days` calendar days after the
local day of receipt (`metrics.complaints.register.proposed_follow_up`); one given may only be
earlier. A complaint resolved on the spot without `resolved_at` was resolved when received. A
blank channel is that of the contact named by `interaction_id`, else phone. A compensation with
`approved_by` is stored approved by them when it was received (the register kept elsewhere
says who, not when); without one it is granted by the receiver within their limit.

One transaction per file: the complaints, the batch record (file name, checksum, counts, who,
when) and its rejects are written together or not at all. A dry run does everything but write.
Owners import anyone's complaints; a supervisor their own team's; agents do not import.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict

from metrics.complaints.import_format import COMPLAINTS_FORMAT, COMPLAINTS_TITLE
from metrics.contacts.formats import (
    ABSENT,
    Check,
    boolean,
    content_hash,
    sql_list,
    sql_text,
    time_checks,
    timestamp,
)
from metrics.contacts.imports import (
    REJECT_VALUE_CHARS,
    ImportFailed,
    ImportFileError,
    _create_table,
    _csv_problem,
    _first_line,
    _first_problems,
    _problems_sql,
    _reader,
    _refuse_no_rows,
    _rejects_frame,
    _run,
    _Scope,
    _scope,
    _Shape,
    _sniff,
    _staging_area,
    _transaction,
    _who,
    _zone,
    check_timezone,
    file_checksum,
)
from metrics.people import AccessDenied, Viewer
from metrics.store import Database
from modules.defaults import CHANNELS
from modules.policy import OTHER_CATEGORY, Policy

# `complaints.source` of an imported complaint: with `complaint_id`, the natural key.
IMPORT_SOURCE = "import"
# The columns of the format (README, data/samples/complaints.csv), in the order the README lists
# them; the file may hold them in any order, and other columns, which are ignored.
COLUMNS = (
    "complaint_id",
    "received_at",
    "received_by",
    "channel",
    "customer_name",
    "customer_phone",
    "customer_email",
    "customer_address",
    "category",
    "description",
    "resolution",
    "resolved_on_the_spot",
    "promised_by",
    "resolved_at",
    "follow_up_due",
    "followed_up_at",
    "customer_satisfied",
    "compensation_kind",
    "compensation_amount",
    "approved_by",
    "prevention",
    "interaction_id",
)
REQUIRED = ("complaint_id", "received_at", "received_by", "category")
TIME_COLUMNS = ("received_at", "resolved_at", "followed_up_at")
# Text columns compared without regard to case (an e-mail, a flag, a name the policy gives).
CASELESS = (
    "received_by",
    "channel",
    "category",
    "resolved_on_the_spot",
    "customer_satisfied",
    "compensation_kind",
    "approved_by",
)
DEFAULT_CHANNEL = "phone"  # a register that names no channel took it by phone, most often
DATE_EXAMPLE = "YYYY-MM-DD, e.g. 2026-03-02"
AMOUNT = r"\d{1,10}(\.\d{1,2})?"  # what DECIMAL(12, 2) holds: no sign, no exponent, cents at most
APPROVED_REASON = "approved in the register this complaint was imported from"
EMAIL = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+"


class ComplaintImportResult(BaseModel):
    """What a complaint import did, or, for a dry run, would do."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    file: str
    rows_read: int
    loaded: int
    rejected: int
    duplicates: int
    # Lines of problems of the rejected rows (a row refused for two reasons has two).
    problems: int
    batch_id: int | None
    dry_run: bool
    checksum: str
    # Earlier complaint imports of this very file (same checksum).
    earlier_imports: list[int]
    # One row per problem, REJECT_COLUMNS; the first PROBLEM_ROWS_KEPT of `problems`.
    rejects: pd.DataFrame

    def summary(self) -> dict[str, object]:
        """The counts as `academy import` prints them, in the shape of a contact import's (a
        complaint import creates no agents, updates nothing and has no warnings)."""
        return {
            "file": self.file,
            "format": COMPLAINTS_FORMAT,
            "rows_read": self.rows_read,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "new_agents": [],
            "batch_id": self.batch_id,
            "updated": 0,
            "warnings": 0,
        }


class ComplaintImportBatch(BaseModel):
    id: int
    file_name: str
    checksum: str
    timezone: str
    rows_read: int
    loaded: int
    rejected: int
    duplicates: int
    imported_by: str
    imported_at: datetime


# --- Reading the file ---------------------------------------------------------------------------


def is_complaint_register(db: Database, path: str | os.PathLike[str], file_name: str) -> bool:
    """Whether the file's header is a complaint register's (it has every REQUIRED column)."""
    shape = _sniff(db, Path(path), file_name)
    return shape.kind != "queue_log" and not _missing(shape.header)


def _missing(header: list[str]) -> list[str]:
    present = {column.strip().lower() for column in header}
    return [column for column in REQUIRED if column not in present]


def _refs(header: list[str]) -> dict[str, str]:
    """Each column of the format to the reader's column `c0, c1, ...`, or ABSENT; names match
    without regard to case or surrounding spaces, the first of a repeated name wins."""
    positions: dict[str, int] = {}
    for index, column in enumerate(header):
        positions.setdefault(column.strip().lower(), index)
    return {
        column: ABSENT if column not in positions else f"c{positions[column]}" for column in COLUMNS
    }


def _local_date(raw: str) -> str:
    """SQL: the text as a calendar date, written YYYY-MM-DD; NULL for anything else."""
    return (
        f"CASE WHEN regexp_full_match({raw}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')"
        f" THEN TRY_CAST({raw} AS DATE) END"
    )


def _categories(policy: Policy) -> dict[str, str]:
    """The policy's categories by what a file may write for them: the id or the name, in lower
    case."""
    found: dict[str, str] = {}
    for category in policy.complaints.categories:
        found.setdefault(category.id.lower(), category.id)
        found.setdefault(category.name.lower(), category.id)
    return found


def _stage_sql(refs: dict[str, str], source: str, policy: Policy) -> str:
    """SELECT ... FROM `source` (the file's reader): one staged row per complaint, the text as
    the file gave it (`*_raw`) beside the value as it would be stored (NULL when it does not
    parse). `category` is an id of the policy's or 'other' (written `other: the words`)."""
    text = refs.get
    categories = " ".join(
        f"WHEN {sql_text(key)} THEN {sql_text(value)}" for key, value in _categories(policy).items()
    )
    other = "regexp_extract(category_raw, '(?i)^other\\s*:\\s*(.*)$', 1)"
    kinds = sql_list([option.id for option in policy.compensation.options])
    hashed = content_hash(
        [f"lower({refs[column]})" if column in CASELESS else refs[column] for column in COLUMNS]
    )
    return f"""
        SELECT *,
               CASE WHEN regexp_full_match(category_raw, '(?i)other\\s*:.*') THEN
                    CASE WHEN trim({other}) <> '' THEN '{OTHER_CATEGORY}' END
                    ELSE CASE lower(category_raw) {categories} END END AS category,
               CASE WHEN regexp_full_match(category_raw, '(?i)other\\s*:.*')
                    THEN NULLIF(trim({other}), '') END AS category_other,
               CAST(timezone($policy_tz, received_at) AS DATE) AS received_on,
               CAST(timezone($policy_tz, received_at) AS DATE) + $follow_up_days
                   AS follow_up_proposed
        FROM (
            SELECT {text("complaint_id")} AS external_id,
                   {text("received_at")} AS received_raw,
                   {timestamp(refs["received_at"])} AS received_at,
                   lower({text("received_by")}) AS received_by,
                   {text("channel")} AS channel_raw,
                   CASE WHEN lower({text("channel")}) IN {sql_list(CHANNELS)}
                        THEN lower({text("channel")}) END AS channel,
                   {text("customer_name")} AS customer_name,
                   {text("customer_phone")} AS customer_phone,
                   {text("customer_email")} AS customer_email,
                   {text("customer_address")} AS customer_address,
                   {text("category")} AS category_raw,
                   {text("description")} AS description,
                   {text("resolution")} AS resolution,
                   {text("resolved_on_the_spot")} AS on_the_spot_raw,
                   {boolean(refs["resolved_on_the_spot"])} AS on_the_spot,
                   {text("promised_by")} AS promised_raw,
                   {_local_date(refs["promised_by"])} AS promised_by,
                   {text("resolved_at")} AS resolved_raw,
                   {timestamp(refs["resolved_at"])} AS resolved_at,
                   {text("follow_up_due")} AS follow_up_raw,
                   {_local_date(refs["follow_up_due"])} AS follow_up_given,
                   {text("followed_up_at")} AS followed_up_raw,
                   {timestamp(refs["followed_up_at"])} AS followed_up_at,
                   {text("customer_satisfied")} AS satisfied_raw,
                   {boolean(refs["customer_satisfied"])} AS satisfied,
                   {text("compensation_kind")} AS kind_raw,
                   CASE WHEN lower({text("compensation_kind")}) IN {kinds}
                        THEN lower({text("compensation_kind")}) END AS kind,
                   {text("compensation_amount")} AS amount_raw,
                   CASE WHEN regexp_full_match({text("compensation_amount")}, '{AMOUNT}')
                        THEN CAST({text("compensation_amount")} AS DECIMAL(12, 2)) END AS amount,
                   lower({text("approved_by")}) AS approved_by,
                   {text("prevention")} AS prevention,
                   {text("interaction_id")} AS interaction_ref,
                   {hashed} AS content_hash
            FROM {source}
        )
    """


def _stage(
    cur: Database,
    area: str,
    path: Path,
    shape: _Shape,
    name: str,
    timezone: str,
    policy: Policy,
    limit: int | None = None,
) -> None:
    """Read the file into `complaint_staged` of the staging area and number its rows in the
    temporary view `import_rows` (the header is row 1, as in a spreadsheet; Parquet rows from 1).
    Outside any transaction, as the contact import stages, so that `rowid` is the file's order."""
    if shape.kind == "queue_log":
        raise ImportFileError(f"{name}: this is an Asterisk queue_log, not a {COMPLAINTS_TITLE}")
    missing = _missing(shape.header)
    if missing:
        names = ", ".join(f"'{column}'" for column in missing)
        raise ImportFileError(
            f"{name}: not a {COMPLAINTS_TITLE}: the header has no {names}"
            f" {'column' if len(missing) == 1 else 'columns'}"
        )
    staged = f"{area}.complaint_staged"
    cur.execute(f"DROP TABLE IF EXISTS {staged}")
    cur.execute("DROP VIEW IF EXISTS import_rows")
    refs = _refs(shape.header)
    times = sorted({refs[column] for column in TIME_COLUMNS if refs[column] != ABSENT})
    reader = _reader(shape, limit, times)
    params: dict[str, object] = {
        "path": str(path),
        "tz": timezone,
        "policy_tz": policy.business_hours.timezone,
        "follow_up_days": policy.standards.complaint_follow_up_days,
        **_zone(cur, timezone),
    }
    try:
        _run(
            cur,
            f"{_create_table(area, 'complaint_staged')} AS {_stage_sql(refs, reader, policy)}",
            params,
        )
    except duckdb.Error as exc:
        if shape.kind == "parquet":
            raise ImportFileError(
                f"{name}: not a readable Parquet file: {_first_line(exc)}"
            ) from None
        raise ImportFileError(_csv_problem(cur, reader, params, name, exc)) from None
    first_row = 2 if shape.kind == "csv" else 1
    cur.execute(
        f"CREATE TEMP VIEW import_rows AS SELECT rowid + {first_row} AS row_number, * FROM {staged}"
    )
    _refuse_no_rows(cur, staged, shape, name)


# --- Checking -----------------------------------------------------------------------------------


def _staff_in_scope(cur: Database, scope: _Scope) -> None:
    """`complaint_import_staff`: the only staff this import may name, as receivers and
    approvers: everyone for an owner; for a supervisor, their team's staff other than owners,
    so that the checks neither reach nor reveal anyone outside it."""
    cur.execute("DROP TABLE IF EXISTS complaint_import_staff")
    where, params = (
        ("true", [])
        if scope.team_id is None
        else ("team_id = ? AND role <> 'owner'", [scope.team_id])
    )
    cur.execute(
        "CREATE TEMP TABLE complaint_import_staff AS"
        f" SELECT id, lower(email) AS email, name, role, team_id FROM staff WHERE {where}",
        params,
    )


def _limits(cur: Database, policy: Policy) -> None:
    """`complaint_import_limits` (kind, role, most: NULL for no limit): what each role on the
    escalation ladder may grant of each option; and `complaint_import_ceilings` (kind, most:
    NULL when someone on the ladder has no limit), the most anyone may."""
    ladder = list(dict.fromkeys(step.role for step in policy.escalation))
    rows = [
        (option.id, role, option.limits.limit_for(role))
        for option in policy.compensation.options
        for role in ladder
    ]
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE complaint_import_limits"
        " (kind VARCHAR, role VARCHAR, most DECIMAL(12, 2))"
    )
    cur.executemany(
        "INSERT INTO complaint_import_limits VALUES (?, ?, ?)",
        [[kind, role, None if most is None else Decimal(str(most))] for kind, role, most in rows],
    )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE complaint_import_ceilings AS"
        " SELECT kind, CASE WHEN count(*) = count(most) THEN max(most) END AS most"
        " FROM complaint_import_limits GROUP BY kind"
    )


def _row_checks(policy: Policy) -> list[Check]:
    """Every check on a row alone."""
    currency = policy.compensation.currency
    categories = ", ".join(category.id for category in policy.complaints.categories)
    kinds = ", ".join(option.id for option in policy.compensation.options)
    missing = [
        Check(column, f"{raw} IS NULL", "NULL", sql_text(f"{column} is empty: {why}"))
        for column, raw, why in (
            ("complaint_id", "external_id", "every complaint needs its id"),
            ("received_at", "received_raw", "every complaint needs the time it was received"),
            ("received_by", "received_by", "every complaint needs who received it (an e-mail)"),
            ("category", "category_raw", "every complaint needs its category"),
        )
    ]
    before_receipt = [
        Check(
            column,
            f"{parsed} < {than}",
            raw,
            f"{sql_text(column + ' is before received_at (')} || received_raw || ')'",
        )
        for column, raw, parsed, than in (
            ("resolved_at", "resolved_raw", "resolved_at", "received_at"),
            ("followed_up_at", "followed_up_raw", "followed_up_at", "received_at"),
            ("promised_by", "promised_raw", "promised_by", "received_on"),
            ("follow_up_due", "follow_up_raw", "follow_up_given", "received_on"),
        )
    ]
    dates = [
        Check(
            column,
            f"{raw} IS NOT NULL AND {parsed} IS NULL",
            raw,
            sql_text(f"{column} is not a date ({DATE_EXAMPLE})"),
        )
        for column, raw, parsed in (
            ("promised_by", "promised_raw", "promised_by"),
            ("follow_up_due", "follow_up_raw", "follow_up_given"),
        )
    ]
    flags = [
        Check(
            column,
            f"{raw} IS NOT NULL AND {parsed} IS NULL",
            raw,
            sql_text(f"{column} must be yes/no, true/false or 1/0"),
        )
        for column, raw, parsed in (
            ("resolved_on_the_spot", "on_the_spot_raw", "on_the_spot"),
            ("customer_satisfied", "satisfied_raw", "satisfied"),
        )
    ]
    return [
        *missing,
        *time_checks("received_at", "received_raw", "received_at"),
        *time_checks("resolved_at", "resolved_raw", "resolved_at"),
        *time_checks("followed_up_at", "followed_up_raw", "followed_up_at"),
        *dates,
        *before_receipt,
        *flags,
        Check(
            "received_by",
            f"received_by IS NOT NULL AND NOT regexp_full_match(received_by, '{EMAIL}')",
            "received_by",
            sql_text("not an e-mail address"),
        ),
        Check(
            "approved_by",
            f"approved_by IS NOT NULL AND NOT regexp_full_match(approved_by, '{EMAIL}')",
            "approved_by",
            sql_text("not an e-mail address"),
        ),
        Check(
            "channel",
            "channel_raw IS NOT NULL AND channel IS NULL",
            "channel_raw",
            sql_text(f"unknown channel: expected {', '.join(CHANNELS)}"),
        ),
        Check(
            "category",
            "category_raw IS NOT NULL AND category IS NULL",
            "category_raw",
            sql_text(
                f"unknown category: expected one of the policy's ({categories}), or"
                " 'other: ' and a few words"
            ),
        ),
        Check(
            "follow_up_due",
            "follow_up_given > follow_up_proposed",
            "follow_up_raw",
            sql_text(
                "the follow-up can only be earlier than the policy's"
                f" {policy.standards.complaint_follow_up_days} days after receipt: "
            )
            + " || strftime(follow_up_proposed, '%Y-%m-%d') || ' at the latest'",
        ),
        Check(
            "promised_by",
            "on_the_spot AND promised_raw IS NOT NULL",
            "promised_raw",
            sql_text("a complaint resolved on the spot has no promised date"),
        ),
        Check(
            "customer_satisfied",
            "satisfied IS NOT NULL AND followed_up_raw IS NULL",
            "satisfied_raw",
            sql_text("customer_satisfied needs followed_up_at: when was the customer asked?"),
        ),
        Check(
            "compensation_kind",
            "kind_raw IS NOT NULL AND kind IS NULL",
            "kind_raw",
            sql_text(f"not one of the policy's compensation options ({kinds})"),
        ),
        Check(
            "compensation_amount",
            "amount_raw IS NOT NULL AND amount IS NULL AND starts_with(amount_raw, '-')",
            "amount_raw",
            sql_text("a compensation amount cannot be negative"),
        ),
        Check(
            "compensation_amount",
            "amount_raw IS NOT NULL AND amount IS NULL AND NOT starts_with(amount_raw, '-')",
            "amount_raw",
            sql_text(f"not an amount in {currency} (such as 15 or 15.50)"),
        ),
        Check(
            "compensation_amount",
            "kind_raw IS NOT NULL AND amount_raw IS NULL",
            "NULL",
            sql_text("compensation_kind needs its amount"),
        ),
        Check(
            "compensation_kind",
            "kind_raw IS NULL AND amount_raw IS NOT NULL",
            "NULL",
            sql_text("compensation_amount needs its compensation_kind"),
        ),
        Check(
            "approved_by",
            "approved_by IS NOT NULL AND amount_raw IS NULL",
            "approved_by",
            sql_text("approved_by approves a compensation, and this row has none"),
        ),
    ]


def _not_in_scope(scope: _Scope) -> str:
    if scope.team_name is None:
        return "no member of staff has this e-mail: add them on Staff and teams first"
    return (
        f"nobody in your team ({scope.team_name}) has this e-mail: a supervisor's import holds"
        " their own team's complaints only; ask an owner to import the row"
    )


def _people_checks(cur: Database, policy: Policy, scope: _Scope) -> None:
    """The checks that need the staff and the contacts: who received it and who approved its
    compensation (`approval_refusal`'s rules, set-wise), and the contact it came from. Rows
    already refused are not checked further."""
    currency = sql_text(" " + policy.compensation.currency)
    unknown = sql_text(_not_in_scope(scope))
    for column in ("received_by", "approved_by"):
        cur.execute(
            f"""
            INSERT INTO complaint_import_problems
            SELECT r.row_number, r.external_id, '{column}', r.{column}, {unknown}
            FROM import_rows r
            ANTI JOIN complaint_import_staff s ON s.email = r.{column}
            WHERE r.{column} IS NOT NULL AND regexp_full_match(r.{column}, '{EMAIL}')
            """
        )
    money = f"CAST(r.amount AS VARCHAR) || {currency}"
    option_names = " ".join(
        f"WHEN {sql_text(option.id)} THEN {sql_text(option.name.lower())}"
        for option in policy.compensation.options
    )
    option = f"(CASE r.kind {option_names} END)"
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE complaint_import_compensation AS
        SELECT r.row_number, r.external_id, r.kind, r.amount, r.amount_raw, r.approved_by,
               receiver.id AS receiver_id, receiver.name AS receiver_name,
               receiver.team_id AS receiver_team,
               coalesce(l.role IS NOT NULL AND (l.most IS NULL OR r.amount <= l.most), false)
                   AS within_own_limit,
               c.most AS ceiling,
               approver.id AS approver_id, approver.name AS approver_name,
               approver.role AS approver_role, approver.team_id AS approver_team,
               a.role IS NOT NULL AND (a.most IS NULL OR r.amount <= a.most) AS approver_covers,
               a.most AS approver_most
        FROM import_rows r
        JOIN complaint_import_staff receiver ON receiver.email = r.received_by
        LEFT JOIN complaint_import_limits l ON l.kind = r.kind AND l.role = receiver.role
        LEFT JOIN complaint_import_ceilings c ON c.kind = r.kind
        LEFT JOIN complaint_import_staff approver ON approver.email = r.approved_by
        LEFT JOIN complaint_import_limits a ON a.kind = r.kind AND a.role = approver.role
        WHERE r.kind IS NOT NULL AND r.amount IS NOT NULL
          AND r.row_number NOT IN (SELECT row_number FROM complaint_import_problems)
        """
    )
    cur.execute(
        f"""
        INSERT INTO complaint_import_problems
        SELECT r.row_number, r.external_id, field, value, reason FROM (
            SELECT r.*, 'compensation_amount' AS field, r.amount_raw AS value,
                   {money} || ' of ' || {option} || ' is above what anyone on the escalation'
                   || ' ladder may grant (at most ' || CAST(r.ceiling AS VARCHAR) || {currency}
                   || ')' AS reason
            FROM complaint_import_compensation r WHERE r.amount > r.ceiling
            UNION ALL
            SELECT r.*, 'compensation_amount', r.amount_raw,
                   {money} || ' of ' || {option} || ' is above the limit of ' || r.receiver_name
                   || ', who received it: name in approved_by someone with the authority'
                   || ' (their supervisor or an owner)'
            FROM complaint_import_compensation r
            WHERE NOT r.within_own_limit AND r.approved_by IS NULL
              AND NOT coalesce(r.amount > r.ceiling, false)
            UNION ALL
            SELECT r.*, 'approved_by', r.approved_by,
                   CASE WHEN r.approver_id = r.receiver_id
                        THEN 'the approver must be someone other than the person who received it'
                        WHEN NOT r.approver_covers
                        THEN r.approver_name || ' may not approve ' || {money} || ' of '
                             || {option} || ': ' || CASE WHEN r.approver_role = 'agent' THEN 'an'
                             ELSE 'a' END || ' ' || r.approver_role || '''s limit is '
                             || coalesce(CAST(r.approver_most AS VARCHAR) || {currency}, 'none')
                        ELSE r.approver_name || ' supervises another team: name this team''s'
                             || ' supervisor or an owner' END
            FROM complaint_import_compensation r
            WHERE r.approver_id IS NOT NULL AND NOT coalesce(r.amount > r.ceiling, false)
              AND (r.approver_id = r.receiver_id OR NOT r.approver_covers
                   OR (r.approver_role = 'supervisor'
                       AND r.approver_team IS DISTINCT FROM r.receiver_team))
        ) r
        """
    )
    # The contact a complaint came from: the one contact with that id the importer may see.
    in_scope = "true" if scope.team_id is None else "i.team_id = ?"
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE complaint_import_contacts AS
        SELECT r.interaction_ref, count(i.id) AS matches, any_value(i.id) AS interaction_id,
               any_value(i.channel) AS channel
        FROM (SELECT DISTINCT interaction_ref FROM import_rows
              WHERE interaction_ref IS NOT NULL) r
        LEFT JOIN interactions i ON i.external_id = r.interaction_ref AND {in_scope}
        GROUP BY r.interaction_ref
        """,
        [] if scope.team_id is None else [scope.team_id],
    )
    cur.execute(
        """
        INSERT INTO complaint_import_problems
        SELECT r.row_number, r.external_id, 'interaction_id', r.interaction_ref,
               CASE WHEN c.matches = 0
                    THEN 'no stored contact has this id: import the contacts first, or leave'
                         || ' interaction_id blank'
                    ELSE c.matches || ' stored contacts have this id (from different sources):'
                         || ' leave interaction_id blank' END
        FROM import_rows r JOIN complaint_import_contacts c USING (interaction_ref)
        WHERE c.matches <> 1
        """
    )


def _classify(cur: Database, policy: Policy, scope: _Scope, timezone: str) -> None:
    """Decide every staged row's fate into `complaint_import_problems` (row, id, field, value,
    reason) and `complaint_import_status` (row, status: load, duplicate or rejected)."""
    _staff_in_scope(cur, scope)
    _limits(cur, policy)
    _run(
        cur,
        f"CREATE OR REPLACE TEMP TABLE complaint_import_problems AS"
        f" {_problems_sql(_row_checks(policy))}",
        {"tz": timezone},
    )
    _people_checks(cur, policy, scope)
    # Each id's copies in the file: how many distinct contents, which row comes first.
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE complaint_import_ids AS SELECT external_id,"
        " CASE WHEN min(content_hash) = max(content_hash) THEN 1 ELSE 2 END AS versions,"
        " count(*) AS copies, min(row_number) AS first_row, min(content_hash) AS content_hash"
        " FROM import_rows WHERE external_id IS NOT NULL GROUP BY external_id"
    )
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE complaint_import_stored AS
        SELECT i.external_id, s.import_batch_id, s.team_id,
               coalesce(i.versions = 1 AND s.content_hash = i.content_hash, false) AS same
        FROM complaint_import_ids i JOIN complaints s
          ON s.source = ? AND s.external_id = i.external_id
        """,
        [IMPORT_SOURCE],
    )
    cur.execute(
        """
        INSERT INTO complaint_import_problems
        SELECT r.row_number, r.external_id, 'complaint_id', r.external_id,
               'appears ' || i.copies || ' times in this file with different content (rows '
               || (SELECT string_agg(CAST(o.row_number AS VARCHAR), ', ' ORDER BY o.row_number)
                   FROM import_rows o WHERE o.external_id = r.external_id)
               || '); none of them is loaded'
        FROM import_rows r JOIN complaint_import_ids i USING (external_id)
        WHERE i.versions > 1
        """
    )
    # An import another team's complaint came in by is not named to a supervisor.
    visible = "true" if scope.team_id is None else "coalesce(s.team_id = ?, false)"
    cur.execute(
        f"""
        INSERT INTO complaint_import_problems
        SELECT r.row_number, r.external_id, 'complaint_id', r.external_id,
               CASE WHEN {visible} AND s.import_batch_id IS NOT NULL
                    THEN 'is already stored with different content (import #'
                         || s.import_batch_id || '); the stored complaint is kept'
                    ELSE 'is already stored with different content; the stored complaint is'
                         || ' kept' END
        FROM import_rows r JOIN complaint_import_stored s USING (external_id)
        JOIN complaint_import_ids i USING (external_id)
        WHERE i.versions = 1 AND NOT s.same
        """,
        [] if scope.team_id is None else [scope.team_id],
    )
    # An exact repeat of a stored complaint is a duplicate whatever else might be said of it.
    cur.execute(
        "DELETE FROM complaint_import_problems WHERE external_id IN"
        " (SELECT external_id FROM complaint_import_stored WHERE same)"
    )
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE complaint_import_status AS
        SELECT r.row_number,
               CASE WHEN s.same THEN 'duplicate'
                    WHEN p.row_number IS NOT NULL THEN 'rejected'
                    WHEN i.first_row = r.row_number THEN 'load'
                    ELSE 'duplicate' END AS status
        FROM import_rows r
        LEFT JOIN complaint_import_stored s USING (external_id)
        LEFT JOIN complaint_import_ids i USING (external_id)
        LEFT JOIN (SELECT DISTINCT row_number FROM complaint_import_problems) p USING (row_number)
        """
    )


# --- Writing ------------------------------------------------------------------------------------


def _write(cur: Database, batch: dict[str, object], viewer: Viewer) -> int:
    """Store the loaded rows as complaints, the batch and its rejects. Last it updates
    `import_writer`, as a contact import does, so that two imports never write at once (see
    migration 0007); the register's unique (source, complaint_id) refuses a second copy too."""
    row = cur.execute("SELECT nextval('import_batch_id_seq')").fetchone()
    assert row is not None
    batch_id = int(row[0])
    cur.execute(
        f"""
        INSERT INTO complaints (source, external_id, import_batch_id, received_by, received_at,
            team_id, handled_by, recorded_by, channel, interaction_id, customer_name,
            customer_phone, customer_email, customer_address, category, category_other,
            description, resolution, resolved_on_the_spot, promised_by, follow_up_due,
            resolved_at, followed_up_at, customer_satisfied, prevention, compensation_kind,
            compensation_amount, compensation_status, compensation_approver,
            compensation_decided_by, compensation_decided_at, compensation_decision_reason,
            is_demo, content_hash)
        SELECT $source, r.external_id, $batch, receiver.id, r.received_at, receiver.team_id,
               receiver.id, $recorded_by, coalesce(r.channel, c.channel, '{DEFAULT_CHANNEL}'),
               c.interaction_id, r.customer_name, r.customer_phone, r.customer_email,
               r.customer_address, r.category, r.category_other, r.description, r.resolution,
               coalesce(r.on_the_spot, false), r.promised_by,
               coalesce(r.follow_up_given, r.follow_up_proposed),
               CASE WHEN r.on_the_spot THEN coalesce(r.resolved_at, r.received_at)
                    ELSE r.resolved_at END,
               r.followed_up_at, r.satisfied, r.prevention, r.kind, r.amount,
               CASE WHEN r.kind IS NULL THEN NULL WHEN approver.id IS NULL THEN 'granted'
                    ELSE 'approved' END,
               approver.id, approver.id,
               CASE WHEN approver.id IS NOT NULL THEN r.received_at END,
               CASE WHEN approver.id IS NOT NULL THEN $approved_reason END,
               false, r.content_hash
        FROM import_rows r
        JOIN complaint_import_status s ON s.row_number = r.row_number AND s.status = 'load'
        JOIN complaint_import_staff receiver ON receiver.email = r.received_by
        LEFT JOIN complaint_import_staff approver
          ON approver.email = r.approved_by AND r.kind IS NOT NULL
        LEFT JOIN complaint_import_contacts c USING (interaction_ref)
        ORDER BY r.row_number
        """,
        {
            "source": IMPORT_SOURCE,
            "batch": batch_id,
            "recorded_by": viewer.staff_id or None,
            "approved_reason": APPROVED_REASON,
        },
    )
    cur.execute(
        "INSERT INTO complaint_import_batches (id, file_name, checksum, timezone, rows_read,"
        " loaded, rejected, duplicates, imported_by_id, imported_by)"
        " VALUES ($batch, $file_name, $checksum, $timezone, $rows_read, $loaded, $rejected,"
        " $duplicates, $imported_by_id, $imported_by)",
        {**batch, "batch": batch_id},
    )
    cur.execute(
        "INSERT INTO complaint_import_rejects (batch_id, row_number, external_id, field, value,"
        f" reason) SELECT ?, row_number, external_id, field, left(value, {REJECT_VALUE_CHARS}),"
        " reason"
        " FROM complaint_import_problems ORDER BY row_number, field",
        [batch_id],
    )
    cur.execute("UPDATE import_writer SET writes = writes + 1")
    return batch_id


def import_complaints(
    db: Database,
    path: str | os.PathLike[str],
    viewer: Viewer,
    policy: Policy,
    timezone: str,
    *,
    dry_run: bool = False,
    file_name: str | None = None,
) -> ComplaintImportResult:
    """Import one complaint register (see the module docstring for every rule) in one
    transaction, under `policy` (the one in force: its categories, compensation options and
    limits, escalation ladder, follow-up days and time zone). `timezone` is the zone of times
    written without an offset (the front-ends default to the policy's). With `dry_run` nothing
    is written and `batch_id` is None. Raises ImportFileError when the file cannot be read at
    all, ImportOptionError for an unknown zone, ImportFailed when another import wrote at the
    same moment, AccessDenied for an agent."""
    file = Path(path)
    name = file_name or file.name
    check_timezone(db, timezone)
    try:
        return _import(db, file, name, viewer, policy, timezone, dry_run)
    except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
        raise ImportFailed(
            f"{name}: another import was writing at the same moment, so nothing from this"
            f" file was stored; import it again ({_first_line(exc)})"
        ) from exc


def _import(
    db: Database,
    file: Path,
    name: str,
    viewer: Viewer,
    policy: Policy,
    timezone: str,
    dry_run: bool,
) -> ComplaintImportResult:
    with _staging_area(db, file) as area, db.cursor() as cur:
        scope = _scope(cur, viewer, "complaints")
        shape = _sniff(db, file, name)
        _stage(cur, area, file, shape, name, timezone, policy)
        checksum = file_checksum(file)
        with _transaction(cur):
            # Checked inside the transaction that writes: what is compared is what is written.
            _classify(cur, policy, scope, timezone)
            counts = cur.execute(
                "SELECT count(*), count(*) FILTER (status = 'load'),"
                " count(*) FILTER (status = 'rejected'), count(*) FILTER (status = 'duplicate')"
                " FROM complaint_import_status"
            ).fetchone()
            assert counts is not None
            rows_read, loaded, rejected, duplicates = (int(n) for n in counts)
            problems, rejects = _first_problems(cur, "complaint_import_problems")
            earlier = [
                batch
                for (batch,) in cur.execute(
                    "SELECT id FROM complaint_import_batches WHERE checksum = ? ORDER BY id",
                    [checksum],
                ).fetchall()
            ]
            batch_id = None
            if not dry_run:
                batch = {
                    "file_name": name,
                    "checksum": checksum,
                    "timezone": timezone,
                    "rows_read": rows_read,
                    "loaded": loaded,
                    "rejected": rejected,
                    "duplicates": duplicates,
                    "imported_by_id": viewer.staff_id or None,
                    "imported_by": _who(viewer),
                }
                batch_id = _write(cur, batch, viewer)
            else:
                cur.execute("ROLLBACK")
                cur.execute("BEGIN TRANSACTION")  # _transaction commits this empty one
    return ComplaintImportResult(
        file=name,
        rows_read=rows_read,
        loaded=loaded,
        rejected=rejected,
        duplicates=duplicates,
        problems=problems,
        batch_id=batch_id,
        dry_run=dry_run,
        checksum=checksum,
        earlier_imports=earlier,
        rejects=rejects,
    )


# --- History ------------------------------------------------------------------------------------

_BATCH_COLUMNS = (
    "id, file_name, checksum, timezone, rows_read, loaded, rejected, duplicates, imported_by,"
    " imported_at"
)


def _visible(viewer: Viewer) -> tuple[str, list[object]]:
    """The complaint imports a viewer may see: owners all, supervisors those they imported."""
    if viewer.role == "owner":
        return "true", []
    if viewer.role == "supervisor":
        return "imported_by_id = ?", [viewer.staff_id]
    raise AccessDenied("only owners and supervisors see imports")


def complaint_import_history(db: Database, viewer: Viewer) -> list[ComplaintImportBatch]:
    """The complaint imports the viewer may see, newest first."""
    where, params = _visible(viewer)
    keys = [key.strip() for key in _BATCH_COLUMNS.split(",")]
    with db.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_BATCH_COLUMNS} FROM complaint_import_batches WHERE {where} ORDER BY id DESC",
            params,
        ).fetchall()
    return [ComplaintImportBatch(**dict(zip(keys, row, strict=True))) for row in rows]


def complaint_batch_rejects(db: Database, viewer: Viewer, batch_id: int) -> pd.DataFrame:
    """The rejected rows of one complaint import (REJECT_COLUMNS), in file order."""
    where, params = _visible(viewer)
    with db.cursor() as cur:
        found = cur.execute(
            f"SELECT 1 FROM complaint_import_batches WHERE id = ? AND {where}",
            [batch_id, *params],
        ).fetchone()
        if found is None:
            raise AccessDenied(f"no complaint import #{batch_id} that you may see")
        frame = cur.execute(
            "SELECT row_number, external_id, field, value, reason FROM complaint_import_rejects"
            " WHERE batch_id = ? ORDER BY row_number, field",
            [batch_id],
        ).df()
    return _rejects_frame(frame)
