"""Complaint register imports on a small hand-written file: every kind of bad row, with the
reject each gets worked out beside it, the stored values of the good rows, and a re-import that
changes nothing.

The organisation's time zone is Europe/Zagreb: UTC+1 in winter, UTC+2 in summer; clocks went
forward on 29 March 2026 at 02:00 (02:00-02:59 never happened) and go back on 25 October 2026 at
03:00. The shipped policy follows up complaints 3 calendar days after the local day of receipt.
Its compensation limits (EUR) are agent / supervisor / owner: account credit 25 / 100 / none,
delivery fee refund 15 / 15 / none. The test's policy gives owners a limit of 500 on account
credit, so that something is above what anyone may grant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from metrics.complaints.imports import (
    COLUMNS,
    ComplaintImportResult,
    complaint_batch_rejects,
    complaint_import_history,
    import_complaints,
    is_complaint_register,
)
from metrics.contacts.imports import ImportFileError
from metrics.people import AccessDenied, NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database
from modules.defaults import Role
from modules.policy import CompensationLimits, Policy, load_policy

ZONE = "Europe/Zagreb"
OWNER = Viewer.local_admin()
HEADER = ",".join(COLUMNS)


@pytest.fixture
def policy() -> Policy:
    shipped = load_policy().policy
    options = [
        option.model_copy(
            update={"limits": CompensationLimits(agent=25, supervisor=100, owner=500)}
        )
        if option.id == "account_credit"
        else option
        for option in shipped.compensation.options
    ]
    compensation = shipped.compensation.model_copy(update={"options": options})
    return shipped.model_copy(update={"compensation": compensation})


STAFF: list[tuple[str, str, Role, str | None]] = [
    ("ana", "Ana", "agent", "A"),
    ("ben", "Ben", "agent", "B"),
    ("sup_a", "Sup A", "supervisor", "A"),
    ("sup_b", "Sup B", "supervisor", "B"),
    ("olga", "Olga", "owner", None),
]


@pytest.fixture
def staff(db: Database) -> dict[str, int]:
    return add_roster(db)


def add_roster(db: Database) -> dict[str, int]:
    """STAFF in teams A and B, and contact T-1 of Ana's; their ids by key."""
    add_team(db, "A")
    add_team(db, "B")
    ids = {
        key: add_staff(
            db, NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team)
        )
        for key, name, role, team in STAFF
    }
    # A contact of Ana's that a complaint came from, by its id in the helpdesk ("T-1").
    db.execute(
        "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id,"
        " queued_at, answered_at, abandoned, resolved)"
        " VALUES (1, 'generic', 'T-1', 'chat', ?, (SELECT team_id FROM staff WHERE id = ?),"
        " '2026-11-02 08:55:00+00', '2026-11-02 08:56:00+00', false, true)",
        [ids["ana"], ids["ana"]],
    )
    return ids


def row(complaint_id: str, **values: str) -> str:
    """A line of the file: the complaint's id and the values given, every other column blank."""
    cells = {"complaint_id": complaint_id, **values}
    unknown = set(cells) - set(COLUMNS)
    assert not unknown, unknown
    return ",".join(cells.get(column, "") for column in COLUMNS)


def write(folder: Path, lines: list[str], name: str = "register.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


BY_ANA = {"received_at": "2026-11-02 10:00", "received_by": "ana@x.example"}
GOOD = {**BY_ANA, "category": "late_delivery"}

# The file: (row number, line, the rejects it gets as (field, value, reason start)).
FILE: list[tuple[int, str, list[tuple[str, str | None, str]]]] = [
    # 2: loaded; follow-up 3 days after 2 November; 25 EUR is exactly Ana's limit: granted.
    (
        2,
        row(
            "C1",
            **GOOD,
            channel="Phone",
            customer_name="Iva Horvat",
            customer_phone="+385 91 555 0101",
            resolved_on_the_spot="yes",
            compensation_kind="account_credit",
            compensation_amount="25",
            prevention="Tell customers the delivery window by SMS",
        ),
        [],
    ),
    # 3: loaded; 'other' with words; 60 EUR is above Ana's 25 and within Sup A's 100:
    # approved by Sup A; an earlier follow-up day kept; followed up, satisfied.
    (
        3,
        row(
            "C2",
            received_at="2026-10-30 20:00",
            received_by="ana@x.example",
            category="Other: parking at the store",
            follow_up_due="2026-10-31",
            followed_up_at="2026-10-31 11:00",
            customer_satisfied="yes",
            compensation_kind="account_credit",
            compensation_amount="60.00",
            approved_by="SUP_A@x.example",
        ),
        [],
    ),
    # 4: loaded; received 23:30 UTC on 31 October = 00:30 on 1 November in Zagreb (UTC+1):
    # the local day is 1 November, so the follow-up is due on 4 November; its channel is that
    # of contact T-1 (chat); the category by its name, in any case.
    (
        4,
        row(
            "C3",
            received_at="2026-10-31T23:30:00Z",
            received_by="ana@x.example",
            category="LATE OR MISSED DELIVERY",
            interaction_id="T-1",
        ),
        [],
    ),
    # 5: loaded; received 23:30 on 24 October, the night the clocks go back: due 27 October.
    (
        5,
        row(
            "C4",
            received_at="2026-10-24 23:30",
            received_by="ana@x.example",
            category="billing",
            promised_by="2026-10-26",
        ),
        [],
    ),
    (6, row("C5", **BY_ANA, category="weather"), [("category", "weather", "unknown category")]),
    (7, row("C6", **GOOD, channel="fax"), [("channel", "fax", "unknown channel")]),
    (
        8,
        row("C7", received_at="02.11.2026 10:00", received_by="ana@x.example", category="billing"),
        [("received_at", "02.11.2026 10:00", "received_at is not a date and time in ISO 8601")],
    ),
    (
        9,
        row(
            "C8", received_at="2026-11-02 10:00", received_by="nobody@x.example", category="billing"
        ),
        [("received_by", "nobody@x.example", "no member of staff has this e-mail")],
    ),
    (
        10,
        row("C9", **GOOD, compensation_kind="account_credit", compensation_amount="-5"),
        [("compensation_amount", "-5", "a compensation amount cannot be negative")],
    ),
    (
        11,
        row("C10", **GOOD, compensation_kind="account_credit", compensation_amount="ten"),
        [("compensation_amount", "ten", "not an amount in EUR")],
    ),
    (
        12,
        row("C11", **GOOD, compensation_kind="voucher", compensation_amount="10"),
        [("compensation_kind", "voucher", "not one of the policy's compensation options")],
    ),
    # 25.01 is a cent above Ana's limit, and nobody approved it.
    (
        13,
        row("C12", **GOOD, compensation_kind="account_credit", compensation_amount="25.01"),
        [
            (
                "compensation_amount",
                "25.01",
                "25.01 EUR of account credit is above the limit of Ana, who received it",
            )
        ],
    ),
    # Ben is an agent: 25 at most.
    (
        14,
        row(
            "C13",
            **GOOD,
            compensation_kind="account_credit",
            compensation_amount="60",
            approved_by="ben@x.example",
        ),
        [
            (
                "approved_by",
                "ben@x.example",
                "Ben may not approve 60.00 EUR of account credit: an agent's limit is 25.00 EUR",
            )
        ],
    ),
    # Sup B has the amount but supervises another team.
    (
        15,
        row(
            "C14",
            **GOOD,
            compensation_kind="account_credit",
            compensation_amount="60",
            approved_by="sup_b@x.example",
        ),
        [("approved_by", "sup_b@x.example", "Sup B supervises another team")],
    ),
    # 600 is above the owner's 500: nobody may grant it, whoever approved it.
    (
        16,
        row(
            "C15",
            **GOOD,
            compensation_kind="account_credit",
            compensation_amount="600",
            approved_by="olga@x.example",
        ),
        [
            (
                "compensation_amount",
                "600",
                "600.00 EUR of account credit is above what anyone on the escalation ladder may"
                " grant (at most 500.00 EUR)",
            )
        ],
    ),
    (
        17,
        row("C16", **GOOD, promised_by="next week"),
        [("promised_by", "next week", "promised_by is not a date")],
    ),
    # Received 2 November: the policy's follow-up is 5 November at the latest.
    (
        18,
        row("C17", **GOOD, follow_up_due="2026-11-09"),
        [("follow_up_due", "2026-11-09", "the follow-up can only be earlier than the policy's 3")],
    ),
    (
        19,
        row("C18", **GOOD, resolved_at="2026-11-02 09:00"),
        [("resolved_at", "2026-11-02 09:00", "resolved_at is before received_at")],
    ),
    # Two problems in one row: two lines.
    (
        20,
        row("C19", received_by="ana@x.example"),
        [
            ("category", None, "category is empty"),
            ("received_at", None, "received_at is empty"),
        ],
    ),
    (
        21,
        row("C20", **GOOD, resolved_on_the_spot="maybe"),
        [("resolved_on_the_spot", "maybe", "resolved_on_the_spot must be yes/no")],
    ),
    (
        22,
        row(
            "C21",
            **GOOD,
            compensation_kind="account_credit",
            compensation_amount="5",
            approved_by="sup_a",
        ),
        [("approved_by", "sup_a", "not an e-mail address")],
    ),
    (
        23,
        row("C22", **GOOD, customer_satisfied="yes"),
        [("customer_satisfied", "yes", "customer_satisfied needs followed_up_at")],
    ),
    (
        24,
        row("C23", **GOOD, interaction_id="T-404"),
        [("interaction_id", "T-404", "no stored contact has this id")],
    ),
    (
        25,
        row("C24", received_at="2026-03-29 02:30", received_by="ana@x.example", category="billing"),
        [
            (
                "received_at",
                "2026-03-29 02:30",
                "02:30 does not exist in Europe/Zagreb on 2026-03-29",
            )
        ],
    ),
    (
        26,
        row("C25", **BY_ANA, category="other"),
        [("category", "other", "unknown category")],
    ),
    # An exact repeat of row 2: a duplicate, skipped.
    (
        27,
        row(
            "C1",
            **GOOD,
            channel="Phone",
            customer_name="Iva Horvat",
            customer_phone="+385 91 555 0101",
            resolved_on_the_spot="yes",
            compensation_kind="account_credit",
            compensation_amount="25",
            prevention="Tell customers the delivery window by SMS",
        ),
        [],
    ),
    # The same id twice with different content: neither loads.
    (28, row("C26", **GOOD), [("complaint_id", "C26", "appears 2 times in this file")]),
    (29, row("C26", **GOOD, description="another"), [("complaint_id", "C26", "appears 2 times")]),
    (
        30,
        row("C27", **GOOD, resolved_on_the_spot="yes", promised_by="2026-11-04"),
        [("promised_by", "2026-11-04", "a complaint resolved on the spot has no promised date")],
    ),
]


def rejects_of(result: ComplaintImportResult) -> list[tuple[int, str, str | None, str]]:
    """(row, field, value, reason) of each problem; an empty value (NaN in the frame) as None."""
    frame = result.rejects.astype(object).where(result.rejects.notna(), None)
    return [
        (int(row), str(field), value, str(reason))
        for row, _, field, value, reason in frame.itertuples(index=False)
    ]


def stored(db: Database) -> list[tuple]:
    return db.execute(
        "SELECT external_id, received_by, received_at, team_id, handled_by, channel,"
        " interaction_id, category, category_other, resolved_on_the_spot, promised_by,"
        " follow_up_due, resolved_at, followed_up_at, customer_satisfied, compensation_kind,"
        " compensation_amount, compensation_status, compensation_approver,"
        " compensation_decided_by, customer_name, prevention, is_demo, source"
        " FROM complaints ORDER BY external_id"
    ).fetchall()


def test_every_kind_of_bad_row_is_rejected_and_a_reimport_changes_nothing(
    db: Database, staff: dict[str, int], policy: Policy, tmp_path: Path
) -> None:
    path = write(tmp_path, [line for _, line, _ in FILE])
    result = import_complaints(db, path, OWNER, policy, ZONE)

    rejected_rows = {number for number, _, problems in FILE if problems}
    assert result.rows_read == len(FILE) == 29
    assert result.loaded == 4
    assert result.duplicates == 1  # row 27
    assert result.rejected == len(rejected_rows) == 24
    assert result.rows_read == result.loaded + result.rejected + result.duplicates
    expected = sorted(
        (number, field, value, reason)
        for number, _, problems in FILE
        for field, value, reason in problems
    )
    found = sorted(rejects_of(result))
    assert [(n, f, v) for n, f, v, _ in found] == [(n, f, v) for n, f, v, _ in expected]
    for (_, _, _, reason), (_, _, _, start) in zip(found, expected, strict=True):
        assert reason.startswith(start), (reason, start)
    assert result.problems == len(expected) == 25

    ana, sup_a = staff["ana"], staff["sup_a"]
    team_a = db.execute("SELECT team_id FROM staff WHERE id = ?", [ana]).fetchone()[0]  # type: ignore[index]
    # fmt: off
    assert stored(db) == [
        (
            "C1", ana, datetime(2026, 11, 2, 9, 0, tzinfo=UTC), team_a, ana, "phone", None,
            "late_delivery", None, True, None, date(2026, 11, 5),
            # resolved on the spot: when it was received
            datetime(2026, 11, 2, 9, 0, tzinfo=UTC), None, None,
            "account_credit", Decimal("25.00"), "granted", None, None,
            "Iva Horvat", "Tell customers the delivery window by SMS", False, "import",
        ),
        (
            "C2", ana, datetime(2026, 10, 30, 19, 0, tzinfo=UTC), team_a, ana, "phone", None,
            "other", "parking at the store", False, None, date(2026, 10, 31),
            None, datetime(2026, 10, 31, 10, 0, tzinfo=UTC), True,
            "account_credit", Decimal("60.00"), "approved", sup_a, sup_a,
            None, None, False, "import",
        ),
        (
            "C3", ana, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), team_a, ana, "chat", 1,
            "late_delivery", None, False, None, date(2026, 11, 4),
            None, None, None, None, None, None, None, None, None, None, False, "import",
        ),
        (
            # 23:30 local on 24 October is 21:30 UTC (summer time, UTC+2 until 25 October).
            "C4", ana, datetime(2026, 10, 24, 21, 30, tzinfo=UTC), team_a, ana, "phone", None,
            "billing", None, False, date(2026, 10, 26), date(2026, 10, 27),
            None, None, None, None, None, None, None, None, None, None, False, "import",
        ),
    ]
    # fmt: on
    [batch] = complaint_import_history(db, OWNER)
    counts = (batch.id, batch.rows_read, batch.loaded, batch.rejected, batch.duplicates)
    assert counts == (result.batch_id, 29, 4, 24, 1)
    assert len(complaint_batch_rejects(db, OWNER, batch.id)) == 25

    before = stored(db)
    again = import_complaints(db, path, OWNER, policy, ZONE)
    # The four loaded complaints and the repeat are duplicates now; the rest is refused again.
    assert (again.rows_read, again.loaded, again.duplicates, again.rejected) == (29, 0, 5, 24)
    assert again.earlier_imports == [result.batch_id]
    assert stored(db) == before


def test_a_stored_complaint_with_other_content_is_kept(
    db: Database, staff: dict[str, int], policy: Policy, tmp_path: Path
) -> None:
    first = import_complaints(
        db, write(tmp_path, [row("C1", **GOOD)], "a.csv"), OWNER, policy, ZONE
    )
    assert first.loaded == 1
    changed = write(tmp_path, [row("C1", **GOOD, description="changed")], "b.csv")
    result = import_complaints(db, changed, OWNER, policy, ZONE)
    assert (result.loaded, result.rejected) == (0, 1)
    assert rejects_of(result) == [
        (
            2,
            "complaint_id",
            "C1",
            f"is already stored with different content (import #{first.batch_id}); the stored"
            " complaint is kept",
        )
    ]
    assert db.execute("SELECT description FROM complaints").fetchall() == [(None,)]


def test_a_supervisors_import_reaches_their_own_team_only(
    db: Database, staff: dict[str, int], policy: Policy, tmp_path: Path
) -> None:
    sup_a = Viewer(
        staff_id=staff["sup_a"],
        name="Sup A",
        email="sup_a@x.example",
        role="supervisor",
        team_id=db.execute("SELECT team_id FROM staff WHERE id = ?", [staff["sup_a"]]).fetchone()[
            0
        ],  # type: ignore[index]
    )
    path = write(
        tmp_path,
        [
            row("S1", **GOOD),
            # Ben is in team B; nobody has the second e-mail: the same words for both.
            row(
                "S2",
                received_at="2026-11-02 10:00",
                received_by="ben@x.example",
                category="billing",
            ),
            row(
                "S3",
                received_at="2026-11-02 10:00",
                received_by="who@x.example",
                category="billing",
            ),
        ],
    )
    result = import_complaints(db, path, sup_a, policy, ZONE)
    assert (result.loaded, result.rejected) == (1, 2)
    reason = (
        "nobody in your team (A) has this e-mail: a supervisor's import holds their own team's"
        " complaints only; ask an owner to import the row"
    )
    assert rejects_of(result) == [
        (3, "received_by", "ben@x.example", reason),
        (4, "received_by", "who@x.example", reason),
    ]
    assert db.execute("SELECT recorded_by FROM complaints").fetchall() == [(staff["sup_a"],)]


def test_agents_do_not_import(
    db: Database, staff: dict[str, int], policy: Policy, tmp_path: Path
) -> None:
    ana = Viewer(staff_id=staff["ana"], name="Ana", email="ana@x.example", role="agent", team_id=1)
    with pytest.raises(AccessDenied):
        import_complaints(db, write(tmp_path, [row("C1", **GOOD)]), ana, policy, ZONE)


def test_a_dry_run_stores_nothing(
    db: Database, staff: dict[str, int], policy: Policy, tmp_path: Path
) -> None:
    result = import_complaints(
        db, write(tmp_path, [row("C1", **GOOD)]), OWNER, policy, ZONE, dry_run=True
    )
    assert (result.loaded, result.batch_id) == (1, None)
    assert db.execute("SELECT count(*) FROM complaints").fetchone() == (0,)
    assert complaint_import_history(db, OWNER) == []


def test_a_header_without_the_required_columns_is_refused_in_one_line(
    db: Database, policy: Policy, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text("complaint_id,received_at,category\nC1,2026-11-02 10:00,billing\n")
    assert not is_complaint_register(db, path, path.name)
    with pytest.raises(ImportFileError) as refused:
        import_complaints(db, path, OWNER, policy, ZONE)
    assert str(refused.value) == (
        "register.csv: not a complaint register (CSV or Parquet): the header has no"
        " 'received_by' column"
    )
    assert is_complaint_register(db, write(tmp_path, [row("C1", **GOOD)]), "register.csv")
