"""The complaint register: recording a complaint the way the policy asks, working it (resolved,
promised date, follow-up), its compensation within each role's limit, who sees what.

Who sees a complaint: an agent the complaints they received, handle or recorded; a supervisor
their team's (and any they were asked to approve); an owner every one. Who sees the customer's
name and contact details: the person who recorded, received or handles the complaint, the
supervisor of its team, and owners. Both are decided here, in the SQL, by the `Viewer`: the
details of a complaint someone may not see never leave the database.

Compensation: what a role may grant alone is the option's `limits` in the policy. Above the
receiver's limit the complaint waits for an approver on the escalation ladder whose role's limit
covers the amount (a supervisor only for their own team). Whether an amount may be granted, and
whether an approver may approve it, is decided inside the write's transaction against the
stored rows: the approver's role as it is now, the complaint's state as it is now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from metrics.people import AccessDenied, Viewer
from metrics.store import Database, transaction
from modules.policy import OTHER_CATEGORY, Channel, Policy, Role

APP_SOURCE = "app"  # `complaints.source` of a complaint recorded in the app
# Free text is read back on a phone beside the form: generous for what a customer said, but a
# bound, so that a pasted e-mail thread does not become the record.
MAX_TEXT_CHARS = 4000
MAX_DETAIL_CHARS = 300  # a name, a phone number, an e-mail address, a postal address
MAX_REASON_CHARS = 500  # an approver's reason

CompensationStatus = Literal["granted", "awaiting_approval", "approved", "refused"]
Details = Literal["shown", "hidden", "erased", "none"]


class ComplaintError(ValueError):
    """A complaint, an update or a decision that cannot be recorded; the message says why."""


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


ShortText = Annotated[str, Field(max_length=MAX_DETAIL_CHARS)]
LongText = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class CustomerDetails(BaseModel):
    """The customer's personal data in a complaint: shown only to whom the register allows."""

    model_config = ConfigDict(frozen=True)

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class NewComplaint(BaseModel):
    """Form-sized input for one complaint, validated strictly at the boundary."""

    model_config = ConfigDict(extra="forbid")

    received_at: datetime
    # Who received it: the person recording it unless a supervisor or owner records it for
    # someone of theirs.
    received_by: int | None = None
    channel: Channel
    interaction_id: int | None = None
    customer_name: ShortText | None = None
    customer_phone: ShortText | None = None
    customer_email: ShortText | None = None
    customer_address: ShortText | None = None
    category: str
    category_other: ShortText | None = None
    description: LongText
    resolution: LongText | None = None
    resolved_on_the_spot: bool = False
    promised_by: date | None = None
    steps: LongText | None = None
    handling_steps_done: list[str] = []
    follow_up_due: date | None = None  # None: the policy's proposal
    compensation_kind: str | None = None
    compensation_amount: Decimal | None = None
    compensation_approver: int | None = None
    prevention: LongText | None = None

    @field_validator(
        "customer_name",
        "customer_phone",
        "customer_email",
        "customer_address",
        "category_other",
        "resolution",
        "steps",
        "prevention",
        "compensation_kind",
    )
    @classmethod
    def blank_is_none(cls, value: str | None) -> str | None:
        return _clean(value)

    @field_validator("description")
    @classmethod
    def said_something(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("write what the customer said")
        return value

    @field_validator("received_at")
    @classmethod
    def aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("the time received needs its time zone")
        return value.astimezone(UTC)


class Complaint(BaseModel):
    """One complaint as the viewer may see it. The customer's details are None unless
    `details` is 'shown'."""

    model_config = ConfigDict(frozen=True)

    id: int
    source: str
    external_id: str | None
    received_by: int
    received_by_name: str
    received_at: datetime
    team_id: int | None
    handled_by: int
    handled_by_name: str
    recorded_by: int | None
    channel: Channel
    interaction_id: int | None
    details: Details
    customer: CustomerDetails | None
    category: str
    category_other: str | None
    description: str | None
    resolution: str | None
    resolved_on_the_spot: bool
    promised_by: date | None
    steps: str | None
    handling_steps_done: list[str]
    follow_up_due: date
    resolved_at: datetime | None
    followed_up_at: datetime | None
    customer_satisfied: bool | None
    prevention: str | None
    compensation_kind: str | None
    compensation_amount: Decimal | None
    compensation_status: CompensationStatus | None
    compensation_approver: int | None
    compensation_approver_name: str | None
    compensation_decided_by: int | None
    compensation_decided_by_name: str | None
    compensation_decided_at: datetime | None
    compensation_decision_reason: str | None
    is_demo: bool

    @property
    def closed(self) -> bool:
        """Resolved and followed up: nothing left to do for the customer."""
        return self.resolved_at is not None and self.followed_up_at is not None


# --- Dates: the follow-up and the local day ------------------------------------------------------


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def proposed_follow_up(received_at: datetime, policy: Policy) -> date:
    """The local day by whose end the customer is followed up: `complaint_follow_up_days`
    calendar days after the local day of receipt."""
    received_on = local_day(received_at, policy.business_hours.timezone)
    return received_on + timedelta(days=policy.standards.complaint_follow_up_days)


def end_of_local_day(day: date, zone: str) -> datetime:
    """The moment a local day ends (the next one's midnight), in UTC: what "due on that day"
    means, whatever the clock did that day."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(zone)).astimezone(UTC)


def follow_up_due_moment(
    received_at: datetime, follow_up_due: date | None, policy: Policy
) -> datetime:
    """When the follow-up is due: the end of the proposed local day, or of the earlier day set."""
    proposed = proposed_follow_up(received_at, policy)
    day = min(follow_up_due, proposed) if follow_up_due is not None else proposed
    return end_of_local_day(day, policy.business_hours.timezone)


# --- Compensation: what a role may grant alone, and who may approve more ------------------------


def ladder_roles(policy: Policy) -> list[Role]:
    """The roles on the escalation ladder, lowest level first: those who may grant or approve."""
    roles: list[Role] = []
    for step in policy.escalation:
        if step.role not in roles:
            roles.append(step.role)
    return roles


def _covers(limit: float | None, amount: Decimal) -> bool:
    return limit is None or amount <= Decimal(str(limit))


def _money(amount: Decimal, policy: Policy) -> str:
    return f"{amount:.2f} {policy.compensation.currency}"


def compensation_option(policy: Policy, kind: str) -> None:
    names = ", ".join(option.id for option in policy.compensation.options)
    if kind not in {option.id for option in policy.compensation.options}:
        raise ComplaintError(f"{kind!r} is not one of the policy's compensation options ({names})")


def compensation_needs_approval(policy: Policy, role: Role, kind: str, amount: Decimal) -> bool:
    """Whether `role` may grant `amount` of option `kind` alone (False) or needs an approver
    (True). Refuses, with the reason, an option the policy does not list, a negative amount, and
    an amount above what anyone on the escalation ladder may grant."""
    compensation_option(policy, kind)
    if amount < 0:
        raise ComplaintError("a compensation amount cannot be negative")
    option = next(o for o in policy.compensation.options if o.id == kind)
    ladder = ladder_roles(policy)
    if not any(_covers(option.limits.limit_for(r), amount) for r in ladder):
        most = max(
            Decimal(str(limit))
            for limit in (option.limits.limit_for(r) for r in ladder)
            if limit is not None
        )
        raise ComplaintError(
            f"{_money(amount, policy)} of {option.name.lower()} is above what anyone on the "
            f"escalation ladder may grant (at most {_money(most, policy)})"
        )
    alone = role in ladder and _covers(option.limits.limit_for(role), amount)
    return not alone


class StaffRow(BaseModel):
    id: int
    name: str
    role: Role
    team_id: int | None
    active: bool


def _staff_row(cur: duckdb.DuckDBPyConnection, staff_id: int) -> StaffRow | None:
    row = cur.execute(
        "SELECT id, name, role, team_id, active FROM staff WHERE id = ?", [staff_id]
    ).fetchone()
    if row is None:
        return None
    return StaffRow(id=row[0], name=row[1], role=row[2], team_id=row[3], active=row[4])


def approval_refusal(
    policy: Policy, approver: StaffRow | None, kind: str, amount: Decimal, team_id: int | None
) -> str | None:
    """Why `approver` (their stored row) may not approve this compensation, or None if they may:
    an active member whose role is on the ladder with a limit that covers the amount, and, for
    a supervisor, of the complaint's team."""
    if approver is None or not approver.active:
        return "the approver named is not an active member of staff"
    option = next(o for o in policy.compensation.options if o.id == kind)
    if approver.role not in ladder_roles(policy) or not _covers(
        option.limits.limit_for(approver.role), amount
    ):
        return (
            f"{approver.name} may not approve {_money(amount, policy)} of "
            f"{option.name.lower()}: a {approver.role}'s limit is "
            + (
                _money(Decimal(str(limit)), policy)
                if (limit := option.limits.limit_for(approver.role)) is not None
                else "none"
            )
        )
    if approver.role == "supervisor" and approver.team_id != team_id:
        return f"{approver.name} supervises another team: name this team's supervisor or an owner"
    return None


def _compensation_state(
    cur: duckdb.DuckDBPyConnection,
    policy: Policy,
    receiver: StaffRow,
    team_id: int | None,
    kind: str | None,
    amount: Decimal | None,
    approver_id: int | None,
) -> tuple[CompensationStatus | None, int | None]:
    """The status a new compensation starts in, and the approver it waits for."""
    if kind is None and amount is None:
        return None, None
    if kind is None or amount is None:
        raise ComplaintError("give both the compensation option and its amount, or neither")
    if not compensation_needs_approval(policy, receiver.role, kind, amount):
        return "granted", None
    if approver_id is None:
        raise ComplaintError(
            f"{_money(amount, policy)} is above {receiver.name}'s limit for this option: "
            "name an approver (this team's supervisor or an owner)"
        )
    if approver_id == receiver.id:
        raise ComplaintError("the approver must be someone other than the person who received it")
    refusal = approval_refusal(policy, _staff_row(cur, approver_id), kind, amount, team_id)
    if refusal:
        raise ComplaintError(refusal)
    return "awaiting_approval", approver_id


# --- Recording ----------------------------------------------------------------------------------


def _check_category(policy: Policy, category: str, other: str | None) -> None:
    ids = [c.id for c in policy.complaints.categories]
    if category == OTHER_CATEGORY:
        if not other:
            raise ComplaintError("say in a few words what kind of complaint 'other' is")
        return
    if category not in ids:
        raise ComplaintError(
            f"{category!r} is not one of the policy's complaint categories "
            f"({', '.join([*ids, OTHER_CATEGORY])})"
        )
    if other:
        raise ComplaintError("words for the category are only for 'other'")


def _check_steps(policy: Policy, steps: Sequence[str]) -> list[str]:
    known = [step.id for step in policy.complaint_handling.steps]
    unknown = sorted(set(steps) - set(known))
    if unknown:
        raise ComplaintError(f"not a step of the policy's complaint handling: {', '.join(unknown)}")
    return [step for step in known if step in steps]  # in the policy's order, once each


def _check_follow_up(policy: Policy, received_at: datetime, chosen: date | None) -> date:
    proposed = proposed_follow_up(received_at, policy)
    if chosen is None:
        return proposed
    received_on = local_day(received_at, policy.business_hours.timezone)
    if chosen > proposed:
        raise ComplaintError(
            f"the follow-up date can only be brought forward: the policy's "
            f"{policy.standards.complaint_follow_up_days} days make it {proposed.isoformat()} "
            "at the latest"
        )
    if chosen < received_on:
        raise ComplaintError("the follow-up date cannot be before the complaint was received")
    return chosen


def _check_promise(
    policy: Policy, received_at: datetime, on_the_spot: bool, promised_by: date | None
) -> None:
    if on_the_spot and promised_by is not None:
        raise ComplaintError("a complaint resolved on the spot has no promised date")
    if not on_the_spot and promised_by is None:
        raise ComplaintError("not resolved on the spot: give the date by which it was promised")
    received_on = local_day(received_at, policy.business_hours.timezone)
    if promised_by is not None and promised_by < received_on:
        raise ComplaintError("the promised date cannot be before the complaint was received")


def _receiver(cur: duckdb.DuckDBPyConnection, viewer: Viewer, received_by: int | None) -> StaffRow:
    receiver = _staff_row(cur, received_by if received_by is not None else viewer.staff_id)
    if receiver is None or not receiver.active:
        raise ComplaintError("the person who received it is not an active member of staff")
    if receiver.id == viewer.staff_id or viewer.role == "owner":
        return receiver
    supervises = viewer.role == "supervisor" and viewer.team_id is not None
    if supervises and receiver.team_id == viewer.team_id:
        return receiver
    raise AccessDenied("you may record complaints only for yourself or the people you supervise")


def record_complaint(
    db: Database,
    viewer: Viewer,
    new: NewComplaint,
    policy: Policy,
    *,
    now: datetime | None = None,
) -> int:
    """Record a complaint; return its id. Compensation above the receiver's limit waits for the
    named approver, checked against their stored row in this transaction."""
    now = now or datetime.now(UTC)
    if new.received_at > now + timedelta(minutes=5):  # a clock a little ahead is not an error
        raise ComplaintError("the time received is in the future")
    _check_category(policy, new.category, new.category_other)
    steps_done = _check_steps(policy, new.handling_steps_done)
    follow_up_due = _check_follow_up(policy, new.received_at, new.follow_up_due)
    _check_promise(policy, new.received_at, new.resolved_on_the_spot, new.promised_by)
    with transaction(db) as cur:
        receiver = _receiver(cur, viewer, new.received_by)
        status, approver = _compensation_state(
            cur,
            policy,
            receiver,
            receiver.team_id,
            new.compensation_kind,
            new.compensation_amount,
            new.compensation_approver,
        )
        if (
            new.interaction_id is not None
            and not cur.execute(
                "SELECT 1 FROM interactions WHERE id = ?", [new.interaction_id]
            ).fetchone()
        ):
            raise ComplaintError(f"no contact with id {new.interaction_id}")
        (complaint_id,) = cur.execute(
            "INSERT INTO complaints (source, received_by, received_at, team_id, handled_by,"
            " recorded_by, recorded_at, channel, interaction_id, customer_name, customer_phone,"
            " customer_email, customer_address, category, category_other, description,"
            " resolution, resolved_on_the_spot, promised_by, steps, handling_steps_done,"
            " follow_up_due, resolved_at, prevention, compensation_kind, compensation_amount,"
            " compensation_status, compensation_approver, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?) RETURNING id",
            [
                APP_SOURCE,
                receiver.id,
                new.received_at,
                receiver.team_id,
                receiver.id,
                viewer.staff_id if viewer.staff_id else None,
                now,
                new.channel,
                new.interaction_id,
                new.customer_name,
                new.customer_phone,
                new.customer_email,
                new.customer_address,
                new.category,
                new.category_other,
                new.description,
                new.resolution,
                new.resolved_on_the_spot,
                new.promised_by,
                new.steps,
                steps_done,
                follow_up_due,
                new.received_at if new.resolved_on_the_spot else None,
                new.prevention,
                new.compensation_kind,
                new.compensation_amount,
                status,
                approver,
                now,
            ],
        ).fetchone()  # type: ignore[misc]
    return int(complaint_id)


# --- Reading: scope and details ------------------------------------------------------------------


def _scope(viewer: Viewer) -> tuple[str, list[object]]:
    """The complaints a viewer may see, as a condition on `c`."""
    if viewer.role == "owner":
        return "true", []
    mine = "? IN (c.received_by, c.handled_by, c.recorded_by)"
    if viewer.role == "supervisor":
        return (
            f"(c.team_id = ? OR {mine} OR c.compensation_approver = ?)",
            [viewer.team_id, viewer.staff_id, viewer.staff_id],
        )
    return mine, [viewer.staff_id]


def _may_see_details(viewer: Viewer) -> tuple[str, list[object]]:
    """Whose customers' details a viewer sees: the person who recorded, received or handles
    the complaint, the supervisor of its team, and owners."""
    if viewer.role == "owner":
        return "true", []
    mine = "? IN (c.received_by, c.handled_by, c.recorded_by)"
    if viewer.role == "supervisor":
        return f"(c.team_id = ? OR {mine})", [viewer.team_id, viewer.staff_id]
    return mine, [viewer.staff_id]


_DETAIL_COLUMNS = ("customer_name", "customer_phone", "customer_email", "customer_address")


def _select(viewer: Viewer) -> tuple[str, list[object]]:
    allowed, params = _may_see_details(viewer)
    any_detail = " OR ".join(f"c.{column} IS NOT NULL" for column in _DETAIL_COLUMNS)
    details = (
        f"CASE WHEN c.details_erased_at IS NOT NULL THEN 'erased'"
        f" WHEN NOT ({any_detail}) THEN 'none'"
        f" WHEN coalesce({allowed}, false) THEN 'shown' ELSE 'hidden' END"
    )
    shown = ", ".join(
        f"CASE WHEN coalesce({allowed}, false) THEN c.{column} END" for column in _DETAIL_COLUMNS
    )
    sql = (
        f"SELECT c.id, c.source, c.external_id, c.received_by, r.name, c.received_at, c.team_id,"
        f" c.handled_by, h.name, c.recorded_by, c.channel, c.interaction_id, {details}, {shown},"
        " c.category, c.category_other, c.description, c.resolution, c.resolved_on_the_spot,"
        " c.promised_by, c.steps, c.handling_steps_done, c.follow_up_due, c.resolved_at,"
        " c.followed_up_at, c.customer_satisfied, c.prevention, c.compensation_kind,"
        " c.compensation_amount, c.compensation_status, c.compensation_approver, a.name,"
        " c.compensation_decided_by, d.name, c.compensation_decided_at,"
        " c.compensation_decision_reason, c.is_demo"
        " FROM complaints c"
        " JOIN staff r ON r.id = c.received_by"
        " JOIN staff h ON h.id = c.handled_by"
        " LEFT JOIN staff a ON a.id = c.compensation_approver"
        " LEFT JOIN staff d ON d.id = c.compensation_decided_by"
    )
    return sql, params * (1 + len(_DETAIL_COLUMNS))


def _complaint(row: tuple) -> Complaint:
    (
        complaint_id,
        source,
        external_id,
        received_by,
        received_by_name,
        received_at,
        team_id,
        handled_by,
        handled_by_name,
        recorded_by,
        channel,
        interaction_id,
        details,
        name,
        phone,
        email,
        address,
        *rest,
    ) = row
    keys = (
        "category",
        "category_other",
        "description",
        "resolution",
        "resolved_on_the_spot",
        "promised_by",
        "steps",
        "handling_steps_done",
        "follow_up_due",
        "resolved_at",
        "followed_up_at",
        "customer_satisfied",
        "prevention",
        "compensation_kind",
        "compensation_amount",
        "compensation_status",
        "compensation_approver",
        "compensation_approver_name",
        "compensation_decided_by",
        "compensation_decided_by_name",
        "compensation_decided_at",
        "compensation_decision_reason",
        "is_demo",
    )
    return Complaint(
        id=complaint_id,
        source=source,
        external_id=external_id,
        received_by=received_by,
        received_by_name=received_by_name,
        received_at=received_at,
        team_id=team_id,
        handled_by=handled_by,
        handled_by_name=handled_by_name,
        recorded_by=recorded_by,
        channel=channel,
        interaction_id=interaction_id,
        details=details,
        customer=(
            CustomerDetails(name=name, phone=phone, email=email, address=address)
            if details == "shown"
            else None
        ),
        **dict(zip(keys, rest, strict=True)),
    )


def get_complaint(db: Database, viewer: Viewer, complaint_id: int) -> Complaint:
    """One complaint the viewer may see; AccessDenied (the same for one that does not exist,
    so that ids cannot be probed) otherwise."""
    select, params = _select(viewer)
    scope, scope_params = _scope(viewer)
    with db.cursor() as cur:
        row = cur.execute(
            f"{select} WHERE c.id = ? AND {scope}", [*params, complaint_id, *scope_params]
        ).fetchone()
    if row is None:
        raise AccessDenied(f"no complaint {complaint_id} that you may see")
    return _complaint(row)


def list_complaints(
    db: Database, viewer: Viewer, *, team_id: int | None = None, limit: int | None = None
) -> list[Complaint]:
    """The complaints the viewer may see, newest first; `team_id` narrows an owner's list."""
    select, params = _select(viewer)
    scope, scope_params = _scope(viewer)
    where, where_params = (" AND c.team_id = ?", [team_id]) if team_id is not None else ("", [])
    tail = " LIMIT ?" if limit is not None else ""
    with db.cursor() as cur:
        rows = cur.execute(
            f"{select} WHERE {scope}{where} ORDER BY c.received_at DESC, c.id DESC{tail}",
            [*params, *scope_params, *where_params, *([limit] if limit is not None else [])],
        ).fetchall()
    return [_complaint(row) for row in rows]
