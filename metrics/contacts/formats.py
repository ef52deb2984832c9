"""The import formats: how each kind of export is recognised and how its rows become contacts.

Each format turns the file's text (every value read as VARCHAR by DuckDB's reader) into one
staged row per contact with the same columns, whatever the source:

    external_id, channel_raw, channel, agent_email, agent_name, team,
    queued_raw, queued_at, answered_raw, answered_at, resolved_at_raw, resolved_at,
    abandoned_raw, abandoned, resolved_raw, resolved, case_id, category,
    reopens_raw, reopens, rating_raw, rating, scale, comment, content_hash, updated_at

(`metrics.contacts.imports` numbers the rows.) `*_raw` is the text as the file gave it (for reject
messages and for telling an unreadable value from an absent one); the unsuffixed column is the
value as it will be stored, NULL when the text does not parse. `updated_at` is when the export
says the row was last updated (Zendesk's Updated at, Freshdesk's Last updated time; NULL
elsewhere or unreadable): not content, only evidence of when the file was exported (see
`metrics.contacts.waiting`). Everything here is SQL text run by `metrics.contacts.imports`; no
row passes through Python.

Abandoned means the customer gave up: a call or chat that ended unanswered. A helpdesk ticket
is never abandoned: with no reply yet it is waiting. In the generic format, without an
`abandoned` value, a phone call or chat with no `answered_at` is abandoned and an e-mail or
social message with none is waiting.

Shared rules: values are trimmed and a blank value is absent (the reader's columns come so, see
`column_refs`); e-mails are compared in lower
case; names and team names are brought to Unicode NFC by `metrics.contacts.imports` (once per
distinct name, not per row), so "Šimić" typed on a Mac and on Windows is one person. Timestamps are
ISO 8601: with `Z` or an offset they are exact, without one they are in the organisation's time
zone (the query's `$tz` parameter).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from metrics.contacts.format_names import FORMAT_TITLES, FORMATS, Format  # noqa: F401
from modules.defaults import CHANNELS

CSV_DELIMITERS = (",", ";", "\t")
PARQUET_MAGIC = b"PAR1"
# A queue_log line: epoch|callid|queue|agent|EVENT...
QUEUE_LOG_LINE = re.compile(r"^\d{9,11}(\.\d+)?\|[^|]*\|[^|]*\|[^|]*\|[A-Z_]+")

ISO_EXAMPLE = "e.g. 2026-03-02 09:15:00, or 2026-03-02T09:15:00+01:00 with its offset"
# Text that ends in an offset or Z after a time of day is an exact instant; anything else is a
# local time. The time must be there: "2026-03-02" ends in "-02", which is no offset.
_OFFSET_SUFFIX = r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"


def sql_text(value: str) -> str:
    """A Python string as a SQL string literal (for our own labels and mapping tables)."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: tuple[str, ...] | list[str]) -> str:
    """Our own labels as a SQL list for IN: `('a', 'b')` (Python's repr would quote a label
    with an apostrophe in double quotes, which SQL reads as a column name)."""
    return "(" + ", ".join(sql_text(value) for value in values) + ")"


def blank_to_null(column: str) -> str:
    return f"NULLIF(trim({column}), '')"


# A day in microseconds: no zone moves its clocks twice within a day of any moment, nor by more
# than a day, so the offsets a day before and a day after a local time bracket any change.
DAY_US = 86_400_000_000


def _offset_us(instant_us: str) -> str:
    """SQL: the UTC offset of the zone `$tz`, in microseconds, at an instant given as
    microseconds since the epoch (local wall time − UTC)."""
    return f"(epoch_us(timezone($tz, make_timestamptz({instant_us}))) - ({instant_us}))"


def exact_local_instant(local: str) -> str:
    """SQL: the instant of the local wall time `local` (a TIMESTAMP) in the zone `$tz`, or NULL
    when that local time does not exist (the hour skipped when clocks go forward).

    A local time that happened twice (the hour repeated when clocks go back) is its first
    occurrence, the one still on summer time, as most systems read it (Python's `fold=0`).
    DuckDB's own `timezone($tz, local)` moves a skipped time forward and reads a repeated one as
    its second occurrence, so the offsets are worked out here: those in force a day before and a
    day after; where they agree there is one answer; where they differ, each is tried and kept
    if it gives the local time back. Integer microseconds throughout: interval arithmetic on
    TIMESTAMPTZ goes through the calendar and costs several times as much."""
    wall = f"epoch_us({local})"
    before = _offset_us(f"{wall} - {DAY_US}")
    after = _offset_us(f"{wall} + {DAY_US}")
    first, second = f"({wall} - {before})", f"({wall} - {after})"
    first_fits = f"{_offset_us(first)} = {before}"
    second_fits = f"{_offset_us(second)} = {after}"
    return (
        f"make_timestamptz(CASE WHEN {before} = {after} THEN {first}"
        f" WHEN {first_fits} AND {second_fits} THEN least({first}, {second})"
        f" WHEN {first_fits} THEN {first} WHEN {second_fits} THEN {second} END)"
    )


# The days (since 1970-01-01, local) the zone's table covers (`zone_table`): up to 2100. Local
# times outside it are read the exact way; the table only makes the usual case cheap.
ZONE_DAYS = 47_482
# Offsets the table can name for a day (two bits a day); a day with any other is read the exact
# way. Most zones have had two since 1970: standard time and summer time.
OFFSET_SLOTS = 4


def zone_table_sql() -> str:
    """SQL (parameter `$tz`) giving, in one row, the parameters of `local_instant` for the zone
    (see `zone_table`): for each day of the table (days since 1970-01-01) the zone's UTC offset
    a day before it began and a day after it ended; a day whose two agree has that offset all
    day, and is read with it when it is one of the OFFSET_SLOTS most common offsets (slots by
    how many days have them). Every other day, and the table's first and last day (where every
    local time outside the table lands), is read the exact way."""
    start = f"(d * {DAY_US})"
    return f"""
        WITH days AS (
            SELECT d, CASE WHEN {_offset_us(f"{start} - {DAY_US}")}
                             = {_offset_us(f"{start} + 2 * {DAY_US}")}
                           THEN {_offset_us(f"{start} - {DAY_US}")} END AS offset_us
            FROM range({ZONE_DAYS}) AS days(d)
        ), slots AS (
            SELECT offset_us, row_number() OVER (ORDER BY count(*) DESC, offset_us) - 1 AS slot
            FROM days WHERE offset_us IS NOT NULL GROUP BY offset_us
            QUALIFY slot < {OFFSET_SLOTS}
        ), read AS (
            SELECT d, CASE WHEN d = 0 OR d = {ZONE_DAYS - 1} THEN NULL ELSE s.slot END AS slot
            FROM days LEFT JOIN slots s USING (offset_us)
        )
        SELECT string_agg(CASE WHEN slot IS NULL THEN '1' ELSE '0' END, '' ORDER BY d),
               string_agg(CAST(coalesce(slot, 0) % 2 AS VARCHAR), '' ORDER BY d),
               string_agg(CAST(coalesce(slot, 0) // 2 AS VARCHAR), '' ORDER BY d),
               (SELECT list(offset_us ORDER BY slot) FROM slots)
        FROM read
    """


def zone_table(row: tuple[str, str, str, list[int]]) -> dict[str, object]:
    """The named parameters of `local_instant` from the row of `zone_table_sql`: the bits of the
    days read the exact way (`$exact_days`), of each day's slot (`$offset_low`,
    `$offset_high`), and the offset of each slot (`$offset_0` ...; 0 for an unused slot)."""
    exact, low, high, offsets = row
    params: dict[str, object] = {"exact_days": exact, "offset_low": low, "offset_high": high}
    for slot in range(OFFSET_SLOTS):
        params[f"offset_{slot}"] = int(offsets[slot]) if slot < len(offsets) else 0
    return params


def day_index(local: str) -> str:
    """SQL: the table day of the local time `local` (a TIMESTAMP): its days since 1970-01-01,
    held to the table's first and last day (which are read the exact way)."""
    return f"CAST(least(greatest(epoch_us({local}) // {DAY_US}, 0), {ZONE_DAYS - 1}) AS INTEGER)"


def local_instant(local: str, day: str) -> str:
    """SQL: the instant of the local wall time `local` in the zone `$tz` (see
    `exact_local_instant`); `day` is its `day_index`. On a day with one offset all day, which
    the zone's table names (nearly every day), the instant is the local time less that offset,
    with no call to the time-zone library at all; near a change of clocks, the exact way."""
    slot = f"get_bit($offset_low::BITSTRING, {day}) + 2 * get_bit($offset_high::BITSTRING, {day})"
    offsets = " ".join(f"WHEN {n} THEN $offset_{n}" for n in range(OFFSET_SLOTS))
    return (
        f"CASE WHEN get_bit($exact_days::BITSTRING, {day}) = 0"
        f" THEN make_timestamptz(epoch_us({local}) - CASE {slot} {offsets} END)"
        f" ELSE {exact_local_instant(local)} END"
    )


def time_helpers(column: str) -> tuple[list[str], list[str]]:
    """The columns a reader adds for a timestamp column of text, in two layers, so that each is
    worked out once per value rather than once for each expression that refers to it:
    `<column>_offset` (whether the text ends in an offset or Z), `<column>_local` (the text as a
    local time) and then `<column>_day` (its `day_index`). `timestamp` reads them."""
    first = [
        f"{_has_offset(column)} AS {column}_offset",
        # read as a local time only when it is one (a file of UTC times skips it)
        f"CASE WHEN NOT {_has_offset(column)} THEN TRY_CAST({column} AS TIMESTAMP) END"
        f" AS {column}_local",
    ]
    return first, [f"{day_index(f'{column}_local')} AS {column}_day"]


def _has_offset(raw: str) -> str:
    return f"regexp_matches({raw}, '{_OFFSET_SUFFIX}')"


def timestamp(column: str) -> str:
    """SQL: the reader's text column `column` (one with `time_helpers`) as an instant; NULL when
    it is no ISO 8601 date and time, or a local time that does not exist in the zone `$tz` (see
    `local_instant`). A column the file lacks is NULL."""
    if column == ABSENT:
        return "NULL::TIMESTAMPTZ"
    return (
        f"CASE WHEN {column}_offset THEN TRY_CAST({column} AS TIMESTAMPTZ)"
        f" ELSE {local_instant(f'{column}_local', f'{column}_day')} END"
    )


def time_checks(label: str, raw: str, parsed: str, reason: str | None = None) -> list[Check]:
    """The checks of a timestamp column: the text is no date and time (`reason`, or the shared
    wording), or it is a local time the clocks skipped, said as such:
    "02:50 does not exist in Europe/Zagreb on 2024-03-31: clocks went forward"."""
    local = f"TRY_CAST({raw} AS TIMESTAMP)"
    skipped = f"NOT {_has_offset(raw)} AND {local} IS NOT NULL"
    clock = (
        f"CASE WHEN second({local}) = 0 AND microsecond({local}) = 0"
        f" THEN strftime({local}, '%H:%M') ELSE strftime({local}, '%H:%M:%S') END"
    )
    return [
        Check(
            label,
            f"{raw} IS NOT NULL AND {parsed} IS NULL AND NOT ({skipped})",
            raw,
            sql_text(reason or f"{label} is not a date and time in ISO 8601 ({ISO_EXAMPLE})"),
        ),
        Check(
            label,
            f"{raw} IS NOT NULL AND {parsed} IS NULL AND {skipped}",
            raw,
            f"{clock} || ' does not exist in ' || $tz || ' on ' || strftime({local}, '%Y-%m-%d')"
            " || ': clocks went forward'",
        ),
    ]


def boolean(raw: str) -> str:
    """SQL: true/false, yes/no, 1/0 in any case; NULL for anything else."""
    return (
        f"CASE WHEN lower({raw}) IN ('true', 'yes', '1') THEN true"
        f" WHEN lower({raw}) IN ('false', 'no', '0') THEN false END"
    )


def lookup(raw: str, mapping: dict[str, str], prefixes: dict[str, str] | None = None) -> str:
    """SQL: the mapped value of lower(`raw`), by exact value then by prefix; NULL if unknown."""
    cases = [f"WHEN {sql_text(key)} THEN {sql_text(value)}" for key, value in mapping.items()]
    exact = f"CASE lower({raw}) {' '.join(cases)} END"
    if not prefixes:
        return exact
    starts = [
        f"WHEN starts_with(lower({raw}), {sql_text(key)}) THEN {sql_text(value)}"
        for key, value in prefixes.items()
    ]
    return f"coalesce({exact}, CASE {' '.join(starts)} END)"


@dataclass(frozen=True)
class Check:
    """One reason to refuse a row: rows where `condition` holds are refused, naming `label`
    (the file's column), the offending `value` and a `reason` (SQL expressions over the
    staged row). A check with a `warning` refuses nothing: the row loads without the value (a
    rating that cannot be read) and the warning, its reason followed by that sentence ("the
    ticket is loaded without its rating"), is kept with the import like a reject; a row
    refused for another reason lists the reason among its problems."""

    label: str
    condition: str
    value: str
    reason: str
    warning: str | None = None


@dataclass(frozen=True)
class FormatSpec:
    """How one format is recognised and staged.

    `columns` maps each role the staging SQL uses to the file's column name; `required` names
    the roles whose column must be in the header (`one_of` groups: at least one of each).
    `labels` name the file's own column in reject messages for each staged field.
    """

    name: Format
    columns: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    channel_hint: str = "phone, chat, email or social"
    # Reasons worded for this format, replacing the shared wording (keys as in importing.py).
    reasons: dict[str, str] = field(default_factory=dict)
    # SQL: which staged rows the shared checks apply to (the format's own checks see all).
    shared_checks_apply: str = "true"
    # The roles whose column holds a date and time as text (the reader adds `time_helpers`).
    time_roles: tuple[str, ...] = ()

    def matches(self, header: list[str]) -> bool:
        """Whether a header is unmistakably this format's (every required column present)."""
        return not self.missing(header)

    def missing(self, header: list[str]) -> list[str]:
        """The required columns the header lacks (names as the format spells them)."""
        present = {name.strip().lower() for name in header}
        lacking = [
            self.columns[role]
            for role in self.required
            if self.columns[role].lower() not in present
        ]
        for group in self.one_of:
            if not any(self.columns[role].lower() in present for role in group):
                lacking.append(" or ".join(self.columns[role] for role in group))
        return lacking

    def stage_sql(self, refs: dict[str, str], source: str) -> str:
        """SELECT ... FROM `source` (the file's reader) giving the staged rows, in file order;
        `refs` maps roles to the reader's columns (NULL for a column the file lacks)."""
        raise NotImplementedError

    def checks(self) -> list[Check]:
        """The checks only this format needs (parsing its own columns)."""
        return []


# A column the file lacks, as the reader's columns are referred to.
ABSENT = "NULL::VARCHAR"


def _text(refs: dict[str, str], role: str) -> str:
    """The role's value as the reader gives it: text, trimmed, NULL when blank or absent."""
    return refs[role]


# The parsed columns every CSV format adds after its own (the raw ones, defined first, are
# referred to by name; listing them again would store them twice).
_COMMON_TAIL = """
    {queued_at} AS queued_at, {answered_at} AS answered_at, {resolved_at} AS resolved_at,
    {abandoned} AS abandoned, {resolved} AS resolved, {reopens} AS reopens,
    {rating} AS rating, {scale} AS scale, {content_hash} AS content_hash,
    {updated_at} AS updated_at
"""


def content_hash(parts: list[str]) -> str:
    """SQL: a digest of what a row says about its contact: the text of the columns the import
    uses, trimmed (blank and absent alike), in a fixed order; other columns (a subject, a
    priority) are not content. An exact repeat has the same digest in every run: md5 of
    text does not depend on DuckDB's version, unlike `hash()`. Computed from the reader's
    columns, not from parsed values, which DuckDB would compute a second time for it."""
    # chr(30) stands for an absent value, chr(31), the unit separator, goes between values: the
    # text `concat_ws(chr(31), ...)` gave, bit for bit (no part is NULL, so it skipped none),
    # which stored digests were made from; plain `concat` joins it ~15% faster. The digest as
    # a 128-bit number takes half the memory of its 32 hex digits.
    joined = ", chr(31), ".join(f"coalesce({part}, chr(30))" for part in parts)
    return f"md5_number(concat({joined}))"


def _hashed(refs: dict[str, str], roles: list[str], lowered: tuple[str, ...] = ()) -> str:
    return content_hash(
        [f"lower({_text(refs, r)})" if r in lowered else _text(refs, r) for r in roles]
    )


CHANNEL_SQL = f"CASE WHEN lower(channel_raw) IN {sql_list(CHANNELS)} THEN lower(channel_raw) END"
# The channels on which a contact nobody answered has ended: the customer hung up or left.
CALLS = ("phone", "chat")
NUMBER = r"\d{1,9}(\.\d+)?"  # a count of minutes: no sign, no exponent


class Generic(FormatSpec):
    """The documented format (README, data/samples/contacts.csv), CSV or Parquet.

    Required: interaction_id, channel, queued_at and agent_email or agent_name (the value may
    be blank only for an abandoned contact). `abandoned` defaults to "no answered_at";
    `resolved` to "resolved_at present". `csat` is a whole number from 1 to 5; `comment` is
    kept with it.
    """

    def stage_sql(self, refs: dict[str, str], source: str) -> str:
        abandoned = boolean("abandoned_raw")
        resolved = boolean("resolved_raw")
        return (
            f"SELECT {_text(refs, 'id')} AS external_id,"
            f" {_text(refs, 'channel')} AS channel_raw, {CHANNEL_SQL} AS channel,"
            f" lower({_text(refs, 'agent_email')}) AS agent_email,"
            f" {_text(refs, 'agent_name')} AS agent_name,"
            f" {_text(refs, 'team')} AS team,"
            f" {_text(refs, 'queued')} AS queued_raw,"
            f" {_text(refs, 'answered')} AS answered_raw,"
            f" {_text(refs, 'resolved_at')} AS resolved_at_raw,"
            f" {_text(refs, 'abandoned')} AS abandoned_raw,"
            f" {_text(refs, 'resolved')} AS resolved_raw,"
            f" {_text(refs, 'case_id')} AS case_id,"
            f" {_text(refs, 'category')} AS category,"
            f" NULL::VARCHAR AS reopens_raw,"
            f" {_text(refs, 'csat')} AS rating_raw,"
            f" {_text(refs, 'comment')} AS comment,"
            + _COMMON_TAIL.format(
                queued_at=timestamp(refs["queued"]),
                answered_at=timestamp(refs["answered"]),
                resolved_at=timestamp(refs["resolved_at"]),
                # Not said: a call or chat nobody answered ended so; an e-mail is waiting.
                abandoned=f"CASE WHEN abandoned_raw IS NULL THEN answered_raw IS NULL"
                f" AND coalesce(channel IN {sql_list(CALLS)}, false) ELSE {abandoned} END",
                resolved=f"CASE WHEN resolved_raw IS NULL THEN resolved_at_raw IS NOT NULL"
                f" ELSE {resolved} END",
                reopens="NULL::INTEGER",
                rating="CASE WHEN regexp_full_match(rating_raw, '[1-5](\\.0+)?')"
                " THEN CAST(left(rating_raw, 1) AS SMALLINT) END",
                scale="CASE WHEN rating_raw IS NOT NULL THEN '1-5' END",
                updated_at="NULL::TIMESTAMPTZ",
                content_hash=_hashed(
                    refs,
                    [
                        "channel",
                        "agent_email",
                        "agent_name",
                        "team",
                        "queued",
                        "answered",
                        "resolved_at",
                        "abandoned",
                        "resolved",
                        "case_id",
                        "category",
                        "csat",
                        "comment",
                    ],
                    lowered=("channel", "agent_email", "abandoned", "resolved"),
                ),
            )
            + f" FROM {source}"
        )

    def checks(self) -> list[Check]:
        lab = self.labels
        return [
            *time_checks(lab["answered"], "answered_raw", "answered_at"),
            *time_checks(lab["resolved_at"], "resolved_at_raw", "resolved_at"),
            Check(
                lab["abandoned"],
                "abandoned_raw IS NOT NULL AND abandoned IS NULL",
                "abandoned_raw",
                f"'{lab['abandoned']} must be true/false, yes/no or 1/0'",
            ),
            Check(
                lab["resolved"],
                "resolved_raw IS NOT NULL AND resolved IS NULL",
                "resolved_raw",
                f"'{lab['resolved']} must be true/false, yes/no or 1/0'",
            ),
            Check(
                lab["rating"],
                "rating_raw IS NOT NULL AND rating IS NULL",
                "rating_raw",
                sql_text(f"{lab['rating']} is a rating from 1 to 5 (a whole number)"),
                warning="the contact is loaded without its rating and comment",
            ),
        ]


# Zendesk's "Via" (how the ticket came in) to our channels. Forms, API integrations and the help
# centre create written requests answered by e-mail; sources with no channel of their own (a
# follow-up of a closed ticket, ticket sharing, sample tickets) are refused as unknown.
ZENDESK_VIA = {
    "email": "email",
    "mail": "email",
    "web form": "email",
    "web service": "email",
    "api": "email",
    "help center": "email",
    "voicemail": "phone",
    "phone": "phone",
    "chat": "chat",
    "messaging": "chat",
    "native messaging": "chat",
    "web widget": "chat",
    "mobile sdk": "chat",
    "sms": "chat",
    "text": "chat",
    "twitter": "social",
    "x": "social",
    "x corp": "social",
    "facebook": "social",
    "facebook post": "social",
    "facebook messenger": "social",
    "instagram": "social",
    "instagram dm": "social",
    "whatsapp": "social",
    "linkedin": "social",
}
ZENDESK_VIA_PREFIXES = {"phone call": "phone", "twitter": "social", "facebook": "social"}
ZENDESK_SOLVED = ("solved", "closed")
# Zendesk's CSAT, as its ticket export writes it: the good/bad score (with or without a comment,
# or as the survey's own labels), or no rating yet. Zendesk's newer surveys on 1-3 or 1-5 scales
# still export the good/bad score; a bare number could be on any of its scales, so it is not
# guessed at (a warning, see `Check.warning`).
ZENDESK_GOOD = ("good", "good with comment", "good, i'm satisfied")
ZENDESK_BAD = ("bad", "bad with comment", "bad, i'm unsatisfied")
ZENDESK_NOT_RATED = ("offered", "not offered", "unoffered")


class Zendesk(FormatSpec):
    """The Zendesk full ticket CSV export: one contact per ticket.

    Id is the contact and its case; Via the channel (ZENDESK_VIA); Assignee the agent; Group
    the team; Created at the arrival; answered = Created at + First reply time in minutes
    (no first reply: waiting, never abandoned); Updated at tells when the file was exported
    at the latest; resolved = Status solved or
    closed, at Solved at; Satisfaction Score Good/Bad is a rating on the good/bad scale,
    Offered/Not Offered no rating; Reopens is kept; Type is the category. Custom
    "... [list]" and other columns are ignored.
    """

    def stage_sql(self, refs: dict[str, str], source: str) -> str:
        minutes = "TRY_CAST(answered_raw AS DOUBLE)"
        return (
            f"SELECT {_text(refs, 'id')} AS external_id,"
            f" {_text(refs, 'channel')} AS channel_raw,"
            f" {lookup('channel_raw', ZENDESK_VIA, ZENDESK_VIA_PREFIXES)} AS channel,"
            f" NULL::VARCHAR AS agent_email,"
            f" {_text(refs, 'agent_name')} AS agent_name,"
            f" {_text(refs, 'team')} AS team,"
            f" {_text(refs, 'queued')} AS queued_raw,"
            f" {_text(refs, 'answered')} AS answered_raw,"
            f" {_text(refs, 'resolved_at')} AS resolved_at_raw,"
            f" NULL::VARCHAR AS abandoned_raw,"
            f" {_text(refs, 'status')} AS resolved_raw,"
            f" external_id AS case_id,"
            f" {_text(refs, 'category')} AS category,"
            f" {_text(refs, 'reopens')} AS reopens_raw,"
            f" {_text(refs, 'rating')} AS rating_raw,"
            f" {_text(refs, 'comment')} AS comment,"
            + _COMMON_TAIL.format(
                queued_at=timestamp(refs["queued"]),
                answered_at=f"CASE WHEN regexp_full_match(answered_raw, '{NUMBER}')"
                f" THEN queued_at + to_microseconds(CAST(round({minutes} * 60e6) AS BIGINT)) END",
                resolved_at=timestamp(refs["resolved_at"]),
                abandoned="false",  # a ticket with no first reply is waiting
                resolved=f"coalesce(lower(resolved_raw) IN {sql_list(ZENDESK_SOLVED)}, false)",
                reopens="CASE WHEN regexp_full_match(reopens_raw, '\\d{1,9}')"
                " THEN CAST(reopens_raw AS INTEGER) END",
                rating=f"CASE WHEN lower(rating_raw) IN {sql_list(ZENDESK_GOOD)} THEN 1"
                f" WHEN lower(rating_raw) IN {sql_list(ZENDESK_BAD)} THEN 0 END",
                scale=f"CASE WHEN lower(rating_raw) IN {sql_list(ZENDESK_GOOD + ZENDESK_BAD)}"
                " THEN 'good/bad' END",
                updated_at=timestamp(refs["updated"]),
                content_hash=_hashed(
                    refs,
                    [
                        "channel",
                        "agent_name",
                        "team",
                        "status",
                        "queued",
                        "resolved_at",
                        "answered",
                        "rating",
                        "comment",
                        "reopens",
                        "category",
                    ],
                    lowered=("channel", "status", "rating"),
                ),
            )
            + f" FROM {source}"
        )

    def checks(self) -> list[Check]:
        lab = self.labels
        return [
            Check(
                lab["answered"],
                "answered_raw IS NOT NULL AND answered_at IS NULL AND queued_at IS NOT NULL",
                "answered_raw",
                sql_text(f"{lab['answered']} is a number of minutes (0 or more)"),
            ),
            *time_checks(lab["resolved_at"], "resolved_at_raw", "resolved_at"),
            Check(
                lab["reopens"],
                "reopens_raw IS NOT NULL AND reopens IS NULL",
                "reopens_raw",
                sql_text(f"{lab['reopens']} is a whole number (0 or more)"),
            ),
            Check(
                lab["rating"],
                f"rating_raw IS NOT NULL AND rating IS NULL"
                f" AND lower(rating_raw) NOT IN {sql_list(ZENDESK_NOT_RATED)}",
                "rating_raw",
                sql_text(
                    f"{lab['rating']} is Good, Bad, Offered or Not Offered in a Zendesk export"
                ),
                warning="the ticket is loaded without its rating and comment",
            ),
        ]


# Freshdesk's "Source" to our channels; portal and widget requests are answered by e-mail.
FRESHDESK_SOURCE = {
    "email": "email",
    "outbound email": "email",
    "portal": "email",
    "feedback widget": "email",
    "feedback form": "email",
    "mobihelp": "email",
    "phone": "phone",
    "chat": "chat",
    "bot": "chat",
    "twitter": "social",
    "facebook": "social",
    "whatsapp": "social",
    "instagram": "social",
}
FRESHDESK_RESOLVED = ("resolved", "closed")
# Freshdesk's classic survey has three answers; they sit on the 1-5 scale at 5, 3 and 1, so
# CSAT (4-5 ÷ all) counts the happy answers. Its newer survey has five, 5 to 1. A numeric survey
# answer 1-5 is taken as it is.
FRESHDESK_SURVEY = {
    # The classic survey (and the names its answers have in Freshdesk's API).
    "awesome": "5",
    "extremely happy": "5",
    "happy": "5",
    "just okay": "3",
    "neutral": "3",
    "not good": "1",
    "unhappy": "1",
    # The newer five-point survey, one step each.
    "extremely satisfied": "5",
    "very satisfied": "4",
    "neither satisfied nor dissatisfied": "3",
    "not satisfied": "2",
    "extremely dissatisfied": "1",
}
# "First response time (in hrs)": decimal hours (1.5) or h:mm[:ss] (1:30:00).
HOURS_DECIMAL = r"\d{1,6}(\.\d+)?"
HOURS_CLOCK = r"\d{1,6}:\d{2}(:\d{2})?"


class Freshdesk(FormatSpec):
    """The Freshdesk ticket export: one contact per ticket.

    Ticket ID is the contact and its case; Source the channel (FRESHDESK_SOURCE); Agent the
    agent; Group the team; Created time the arrival; answered at Initial response time, or,
    when that is empty, Created time + First response time (in hrs) (neither: waiting, never
    abandoned); Last updated time tells when the file was exported at the latest; resolved = Status
    resolved or closed, at Resolved time; Survey results on the 1-5 scale (FRESHDESK_SURVEY);
    Type is the category.
    """

    def stage_sql(self, refs: dict[str, str], source: str) -> str:
        clock = "string_split(hours_text, ':')"
        hours = (
            f"CASE WHEN regexp_full_match(hours_text, '{HOURS_DECIMAL}')"
            f" THEN CAST(hours_text AS DOUBLE)"
            f" WHEN regexp_full_match(hours_text, '{HOURS_CLOCK}')"
            f" THEN CAST({clock}[1] AS DOUBLE) + CAST({clock}[2] AS DOUBLE) / 60"
            f" + coalesce(CAST({clock}[3] AS DOUBLE), 0) / 3600 END"
        )
        survey = lookup("rating_raw", FRESHDESK_SURVEY)
        return (
            f"SELECT {_text(refs, 'id')} AS external_id,"
            f" {_text(refs, 'channel')} AS channel_raw,"
            f" {lookup('channel_raw', FRESHDESK_SOURCE)} AS channel,"
            f" NULL::VARCHAR AS agent_email,"
            f" {_text(refs, 'agent_name')} AS agent_name,"
            f" {_text(refs, 'team')} AS team,"
            f" {_text(refs, 'queued')} AS queued_raw,"
            f" {_text(refs, 'first_response')} AS first_response_raw,"
            f" {_text(refs, 'hours')} AS hours_text,"
            f" coalesce(first_response_raw, hours_text) AS answered_raw,"
            f" {_text(refs, 'resolved_at')} AS resolved_at_raw,"
            f" NULL::VARCHAR AS abandoned_raw,"
            f" {_text(refs, 'status')} AS resolved_raw,"
            f" external_id AS case_id,"
            f" {_text(refs, 'category')} AS category,"
            f" NULL::VARCHAR AS reopens_raw,"
            f" {_text(refs, 'rating')} AS rating_raw,"
            f" NULL::VARCHAR AS comment,"
            f" {timestamp(refs['first_response'])} AS first_response_at,"
            f" {hours} AS first_response_hours,"
            + _COMMON_TAIL.format(
                queued_at=timestamp(refs["queued"]),
                answered_at="CASE WHEN first_response_raw IS NOT NULL THEN first_response_at"
                " ELSE queued_at + to_microseconds(CAST(round(first_response_hours * 3600e6)"
                " AS BIGINT)) END",
                resolved_at=timestamp(refs["resolved_at"]),
                abandoned="false",  # a ticket with no response is waiting
                resolved=f"coalesce(lower(resolved_raw) IN {sql_list(FRESHDESK_RESOLVED)}, false)",
                reopens="NULL::INTEGER",
                rating=f"CAST(coalesce({survey},"
                " CASE WHEN regexp_full_match(rating_raw, '[1-5]') THEN rating_raw END)"
                " AS SMALLINT)",
                scale="CASE WHEN rating_raw IS NOT NULL THEN '1-5' END",
                updated_at=timestamp(refs["updated"]),
                content_hash=_hashed(
                    refs,
                    [
                        "channel",
                        "agent_name",
                        "team",
                        "status",
                        "queued",
                        "resolved_at",
                        "first_response",
                        "hours",
                        "rating",
                        "category",
                    ],
                    lowered=("channel", "status", "rating"),
                ),
            )
            + f" FROM {source}"
        )

    def checks(self) -> list[Check]:
        lab = self.labels
        return [
            *time_checks(lab["first_response"], "first_response_raw", "first_response_at"),
            Check(
                lab["hours"],
                "first_response_raw IS NULL AND hours_text IS NOT NULL"
                " AND first_response_hours IS NULL",
                "hours_text",
                sql_text(f"{lab['hours']} is a number of hours (1.5) or a duration (1:30:00)"),
            ),
            *time_checks(lab["resolved_at"], "resolved_at_raw", "resolved_at"),
            Check(
                lab["rating"],
                "rating_raw IS NOT NULL AND rating IS NULL",
                "rating_raw",
                sql_text(
                    f"{lab['rating']} is not a survey answer this import knows (see the README)"
                ),
                warning="the ticket is loaded without its rating",
            ),
        ]


# queue_log events that make up a call. Others on a call (RINGCANCELED, INFO, DID...) say
# nothing about the contact and are passed over; lines of the queue or agent themselves
# (callid NONE: QUEUESTART, AGENTLOGIN, PAUSE...) are not calls at all.
QUEUE_START = "ENTERQUEUE"
QUEUE_ANSWER = "CONNECT"
QUEUE_COMPLETED = ("COMPLETEAGENT", "COMPLETECALLER")
# A transfer ends the contact in this queue: handled by the agent who connected, not resolved
# here. ATTENDEDTRANSFER and BLINDTRANSFER are the newer Asterisk spellings.
QUEUE_TRANSFERRED = ("TRANSFER", "ATTENDEDTRANSFER", "BLINDTRANSFER")
# The caller left without an answer: gave up, timed out, no agents left, or pressed a key.
QUEUE_ABANDONED = ("ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY")
QUEUE_ENDS = QUEUE_COMPLETED + QUEUE_TRANSFERRED + QUEUE_ABANDONED
# An agent's phone rang and was not picked up: the call stays in the queue, its wait goes on.
QUEUE_RING_MISSED = "RINGNOANSWER"
QUEUE_CALL_EVENTS = (QUEUE_START, QUEUE_ANSWER, QUEUE_RING_MISSED, *QUEUE_ENDS)
QUEUE_LOG_FIELDS = 5  # epoch|callid|queue|agent|event, then the event's data


class Asterisk(FormatSpec):
    """An Asterisk queue_log (`epoch|callid|queue|agent|event|data...`): one contact per call.

    A row is a call (its row number is the line of its first event) or a line that is not a
    queue_log line at all. ENTERQUEUE starts the call in its queue (the team); the first
    CONNECT answers it, by that line's agent; the last of COMPLETEAGENT / COMPLETECALLER
    (resolved, at that time), TRANSFER (handled, not resolved) or ABANDON / EXITWITHTIMEOUT /
    EXITEMPTY / EXITWITHKEY (abandoned when never connected) ends it. RINGNOANSWER changes
    nothing: the agent who missed the ring is not the one who answered. Events are taken in
    time order, then line order. Epochs are exact (UTC). The channel is phone.
    """

    def stage_sql(self, refs: dict[str, str], source: str) -> str:
        order = "(epoch, line_number)"
        ends = f"event IN {sql_list(QUEUE_ENDS)}"
        # A call's content is what the log says of it, as derived from its lines.
        call_hash = content_hash(
            [
                "queue",
                "CAST(queued AS VARCHAR)",
                "CAST(answered AS VARCHAR)",
                "answered_by",
                "end_event",
                "CAST(ended AS VARCHAR)",
                "bad_epoch",
            ]
        )
        return f"""
        WITH lines AS (
            SELECT rowid + 1 AS line_number, line, string_split(line, '|') AS f
            FROM {source} WHERE trim(coalesce(line, '')) <> ''
        ), events AS (
            SELECT line_number, line, trim(f[1]) AS epoch_raw, TRY_CAST(f[1] AS DOUBLE) AS epoch,
                   trim(f[2]) AS callid, trim(f[3]) AS queue,
                   NULLIF(NULLIF(trim(f[4]), ''), 'NONE') AS agent, trim(f[5]) AS event,
                   len(f) >= {QUEUE_LOG_FIELDS} AS well_formed
            FROM lines
        ), calls AS (
            SELECT min(line_number) AS row_number, callid,
                   arg_min(queue, {order}) FILTER (event = '{QUEUE_START}') AS queue,
                   min(epoch) FILTER (event = '{QUEUE_START}') AS queued,
                   count(*) FILTER (event = '{QUEUE_START}') AS starts,
                   arg_min(epoch, {order}) FILTER (event = '{QUEUE_ANSWER}') AS answered,
                   arg_min(coalesce(agent, ''), {order}) FILTER (event = '{QUEUE_ANSWER}')
                       AS answered_by,
                   arg_max(event, {order}) FILTER ({ends}) AS end_event,
                   arg_max(epoch, {order}) FILTER ({ends}) AS ended,
                   arg_min(epoch_raw, line_number) FILTER (epoch IS NULL) AS bad_epoch,
                   arg_min(line_number, line_number) FILTER (epoch IS NULL) AS bad_epoch_line
            FROM events
            WHERE well_formed AND callid NOT IN ('', 'NONE')
              AND event IN {sql_list(QUEUE_CALL_EVENTS)}
            GROUP BY callid
        )
        SELECT row_number, callid AS external_id, 'phone' AS channel_raw, 'phone' AS channel,
               NULL::VARCHAR AS agent_email, NULLIF(answered_by, '') AS agent_name,
               NULLIF(queue, '') AS team,
               CAST(queued AS VARCHAR) AS queued_raw,
               to_timestamp(queued) AS queued_at,
               CAST(answered AS VARCHAR) AS answered_raw, to_timestamp(answered) AS answered_at,
               CASE WHEN end_event IN {sql_list(QUEUE_COMPLETED)} THEN CAST(ended AS VARCHAR) END
                   AS resolved_at_raw,
               CASE WHEN end_event IN {sql_list(QUEUE_COMPLETED)} THEN to_timestamp(ended) END
                   AS resolved_at,
               end_event AS abandoned_raw,
               coalesce(answered IS NULL AND end_event IN {sql_list(QUEUE_ABANDONED)}, false)
                   AS abandoned,
               end_event AS resolved_raw,
               coalesce(end_event IN {sql_list(QUEUE_COMPLETED)}, false) AS resolved,
               NULL::VARCHAR AS case_id, NULL::VARCHAR AS category,
               NULL::VARCHAR AS reopens_raw, NULL::INTEGER AS reopens,
               NULL::VARCHAR AS rating_raw, NULL::SMALLINT AS rating, NULL::VARCHAR AS scale,
               NULL::VARCHAR AS comment,
               {call_hash} AS content_hash, NULL::TIMESTAMPTZ AS updated_at,
               starts, answered_by, end_event, bad_epoch, bad_epoch_line,
               false AS not_a_line, NULL::VARCHAR AS line
        FROM calls
        UNION ALL
        SELECT line_number, NULL, 'phone', 'phone', {", ".join(["NULL"] * 23)},
               0, NULL, NULL, NULL, NULL, true, line
        FROM events WHERE NOT well_formed
        """

    def checks(self) -> list[Check]:
        return [
            Check(
                "line",
                "not_a_line",
                "line",
                sql_text("not a queue_log line: expected epoch|callid|queue|agent|event|data..."),
            ),
            Check(
                "epoch",
                "bad_epoch_line IS NOT NULL",
                "bad_epoch",
                "'line ' || bad_epoch_line || ': the epoch is not a Unix time in seconds'",
            ),
            Check(
                "event",
                "NOT not_a_line AND end_event IS NULL",
                "CAST(NULL AS VARCHAR)",
                sql_text(
                    "the call has not ended in this log (no COMPLETEAGENT, COMPLETECALLER,"
                    " TRANSFER, ABANDON or EXITWITHTIMEOUT); import a later log once it has"
                ),
            ),
        ]


GENERIC = Generic(
    name="generic",
    columns={
        "id": "interaction_id",
        "channel": "channel",
        "agent_email": "agent_email",
        "agent_name": "agent_name",
        "team": "team",
        "queued": "queued_at",
        "answered": "answered_at",
        "resolved_at": "resolved_at",
        "abandoned": "abandoned",
        "resolved": "resolved",
        "case_id": "case_id",
        "category": "category",
        "csat": "csat",
        "comment": "comment",
    },
    required=("id", "channel", "queued"),
    one_of=(("agent_email", "agent_name"),),
    time_roles=("queued", "answered", "resolved_at"),
    labels={
        "id": "interaction_id",
        "channel": "channel",
        "agent": "agent_email/agent_name",
        "agent_email": "agent_email",
        "agent_name": "agent_name",
        "team": "team",
        "queued": "queued_at",
        "answered": "answered_at",
        "resolved_at": "resolved_at",
        "abandoned": "abandoned",
        "resolved": "resolved",
        "rating": "csat",
    },
)
ZENDESK = Zendesk(
    name="zendesk",
    columns={
        "id": "Id",
        "channel": "Via",
        "agent_name": "Assignee",
        "team": "Group",
        "status": "Status",
        "queued": "Created at",
        "resolved_at": "Solved at",
        "answered": "First reply time in minutes",
        "rating": "Satisfaction Score",
        "comment": "Satisfaction Comment",
        "reopens": "Reopens",
        "category": "Type",
        "updated": "Updated at",
    },
    required=("id", "channel", "agent_name", "status", "queued", "answered"),
    time_roles=("queued", "resolved_at", "updated"),
    labels={
        "id": "Id",
        "channel": "Via",
        "agent": "Assignee",
        "agent_email": "Assignee",
        "agent_name": "Assignee",
        "team": "Group",
        "queued": "Created at",
        "answered": "First reply time in minutes",
        "resolved_at": "Solved at",
        "abandoned": "First reply time in minutes",
        "resolved": "Status",
        "rating": "Satisfaction Score",
        "reopens": "Reopens",
    },
    channel_hint="a Via this import knows (see the README)",
)
FRESHDESK = Freshdesk(
    name="freshdesk",
    columns={
        "id": "Ticket ID",
        "channel": "Source",
        "agent_name": "Agent",
        "team": "Group",
        "status": "Status",
        "queued": "Created time",
        "resolved_at": "Resolved time",
        "first_response": "Initial response time",
        "hours": "First response time (in hrs)",
        "rating": "Survey results",
        "category": "Type",
        "updated": "Last updated time",
    },
    required=("id", "channel", "agent_name", "status", "queued"),
    one_of=(("first_response", "hours"),),
    time_roles=("queued", "resolved_at", "first_response", "updated"),
    labels={
        "id": "Ticket ID",
        "channel": "Source",
        "agent": "Agent",
        "agent_email": "Agent",
        "agent_name": "Agent",
        "team": "Group",
        "queued": "Created time",
        "answered": "Initial response time",
        "first_response": "Initial response time",
        "hours": "First response time (in hrs)",
        "resolved_at": "Resolved time",
        "abandoned": "Initial response time",
        "resolved": "Status",
        "rating": "Survey results",
    },
    channel_hint="a Source this import knows (see the README)",
)
ASTERISK = Asterisk(
    name="asterisk",
    labels={
        "id": "callid",
        "channel": "channel",
        "agent": "agent",
        "agent_email": "agent",
        "agent_name": "agent",
        "team": "queue",
        "queued": QUEUE_START,
        "answered": QUEUE_ANSWER,
        "resolved_at": "/".join(QUEUE_COMPLETED),
        "abandoned": "event",
        "resolved": "event",
    },
    reasons={
        "queued_missing": "no ENTERQUEUE line for this call: it joined the queue before this"
        " log begins",
        "agent_missing": "the call was connected, but its CONNECT line names no agent",
    },
    shared_checks_apply="NOT not_a_line",
)
SPECS: dict[Format, FormatSpec] = {
    "generic": GENERIC,
    "zendesk": ZENDESK,
    "freshdesk": FRESHDESK,
    "asterisk": ASTERISK,
}
# Detection order: the helpdesk exports first, as their headers are the most specific.
CSV_SPECS = (ZENDESK, FRESHDESK, GENERIC)


def split_header(line: str, delimiter: str) -> list[str]:
    """The column names of a CSV header line."""
    return next(csv.reader([line], delimiter=delimiter), [])


def known_names() -> set[str]:
    return {name.lower() for spec in CSV_SPECS for name in spec.columns.values()}


def choose_delimiter(line: str) -> str:
    """The delimiter that splits the header into the most names a format knows (then into the
    most fields): a semicolon export has no commas between its names, and vice versa."""
    names = known_names()

    def score(delimiter: str) -> tuple[int, int]:
        fields = split_header(line, delimiter)
        return sum(f.strip().lower() in names for f in fields), len(fields)

    return max(CSV_DELIMITERS, key=score)


def column_refs(spec: FormatSpec, header: list[str]) -> dict[str, str]:
    """Each role of the format to the reader's column `c0, c1, ...` (text, trimmed, NULL when
    blank: see `metrics.contacts.imports`), or ABSENT when the file lacks it. Names match
    without regard to case or surrounding spaces; the first of a repeated name wins."""
    positions: dict[str, int] = {}
    for index, column in enumerate(header):
        positions.setdefault(column.strip().lower(), index)
    refs = {}
    for role, name in spec.columns.items():
        found = positions.get(name.lower())
        refs[role] = ABSENT if found is None else f"c{found}"
    return refs


def time_columns(spec: FormatSpec, refs: dict[str, str]) -> list[str]:
    """The reader's columns that hold the format's dates and times (see `time_helpers`)."""
    return sorted({refs[role] for role in spec.time_roles if refs[role] != ABSENT})
