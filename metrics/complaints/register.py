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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


_A_ROLE: dict[Role, str] = {"agent": "an agent", "supervisor": "a supervisor", "owner": "an owner"}


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
    what = f"{approver.name} may not approve {_money(amount, policy)} of {option.name.lower()}"
    if approver.role not in ladder_roles(policy):
        return f"{what}: {_A_ROLE[approver.role]} is not on the escalation ladder"
    limit = option.limits.limit_for(approver.role)
    if not _covers(limit, amount):
        assert limit is not None
        return f"{what}: {_A_ROLE[approver.role]}'s limit is {_money(Decimal(str(limit)), policy)}"
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


# --- Working a complaint: resolved, promised date, follow-up, steps -----------------------------


class ComplaintUpdate(BaseModel):
    """What happened since a complaint was recorded; a field left None is left as it is."""

    model_config = ConfigDict(extra="forbid")

    resolution: LongText | None = None
    steps: LongText | None = None
    prevention: LongText | None = None
    handling_steps_done: list[str] | None = None
    promised_by: date | None = None
    follow_up_due: date | None = None
    resolved: bool = False
    followed_up: bool = False
    customer_satisfied: bool | None = None

    @field_validator("resolution", "steps", "prevention")
    @classmethod
    def blank_is_none(cls, value: str | None) -> str | None:
        return _clean(value)


class _StoredComplaint(BaseModel):
    id: int
    received_by: int
    received_at: datetime
    team_id: int | None
    handled_by: int
    recorded_by: int | None
    resolved_at: datetime | None
    followed_up_at: datetime | None
    compensation_kind: str | None
    compensation_amount: Decimal | None
    compensation_status: CompensationStatus | None
    compensation_approver: int | None


def _stored_complaint(cur: duckdb.DuckDBPyConnection, complaint_id: int) -> _StoredComplaint:
    row = cur.execute(
        "SELECT id, received_by, received_at, team_id, handled_by, recorded_by, resolved_at,"
        " followed_up_at, compensation_kind, compensation_amount, compensation_status,"
        " compensation_approver FROM complaints WHERE id = ?",
        [complaint_id],
    ).fetchone()
    if row is None:
        raise AccessDenied(f"no complaint {complaint_id} that you may see")
    keys = _StoredComplaint.model_fields
    return _StoredComplaint(**dict(zip(keys, row, strict=True)))


def _may_work(cur: duckdb.DuckDBPyConnection, viewer: Viewer, stored: _StoredComplaint) -> None:
    """Those who see the customer's details work the complaint: the person who recorded,
    received or handles it, the supervisor of its team (as their row says now), owners."""
    me = _staff_row(cur, viewer.staff_id)
    if me is None or not me.active:
        raise AccessDenied("your account is no longer active")
    if me.role == "owner":
        return
    if me.id in (stored.received_by, stored.handled_by, stored.recorded_by):
        return
    if me.role == "supervisor" and me.team_id is not None and me.team_id == stored.team_id:
        return
    raise AccessDenied(f"no complaint {stored.id} that you may work on")


def update_complaint(
    db: Database,
    viewer: Viewer,
    complaint_id: int,
    change: ComplaintUpdate,
    policy: Policy,
    *,
    now: datetime | None = None,
) -> None:
    """Record what happened since: decided against the stored complaint, in one transaction."""
    now = now or datetime.now(UTC)
    if change.followed_up and change.customer_satisfied is None:
        raise ComplaintError("say whether the customer was satisfied at the follow-up")
    if not change.followed_up and change.customer_satisfied is not None:
        raise ComplaintError("whether the customer was satisfied is told at the follow-up")
    with transaction(db) as cur:
        stored = _stored_complaint(cur, complaint_id)
        _may_work(cur, viewer, stored)
        sets: list[str] = []
        params: list[object] = []
        for column in ("resolution", "steps", "prevention"):
            value = getattr(change, column)
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        if change.handling_steps_done is not None:
            sets.append("handling_steps_done = ?")
            params.append(_check_steps(policy, change.handling_steps_done))
        if change.promised_by is not None:
            if stored.resolved_at is not None:
                raise ComplaintError("it is resolved already: there is no promise left to move")
            if change.promised_by < local_day(stored.received_at, policy.business_hours.timezone):
                raise ComplaintError(
                    "the promised date cannot be before the complaint was received"
                )
            sets.append("promised_by = ?")
            params.append(change.promised_by)
        if change.follow_up_due is not None:
            sets.append("follow_up_due = ?")
            params.append(_check_follow_up(policy, stored.received_at, change.follow_up_due))
        if change.resolved:
            if stored.resolved_at is not None:
                raise ComplaintError("it was marked resolved already")
            sets.append("resolved_at = ?")
            params.append(now)
        if change.followed_up:
            if stored.followed_up_at is not None:
                raise ComplaintError("its follow-up was recorded already")
            sets += ["followed_up_at = ?", "customer_satisfied = ?"]
            params += [now, change.customer_satisfied]
        if not sets:
            raise ComplaintError("nothing to record: change a field first")
        cur.execute(
            f"UPDATE complaints SET {', '.join(sets)}, updated_at = ? WHERE id = ?",
            [*params, now, complaint_id],
        )


# --- Approvals ----------------------------------------------------------------------------------


def decide_compensation(
    db: Database,
    viewer: Viewer,
    complaint_id: int,
    *,
    approve: bool,
    reason: str,
    policy: Policy,
    now: datetime | None = None,
) -> None:
    """Approve or refuse a compensation waiting for approval, with a reason. Decided against the
    stored rows in this transaction: the complaint must still be waiting, and the approver's
    role as it is now must have the authority (the ladder, the option's limit, their team)."""
    now = now or datetime.now(UTC)
    reason = reason.strip()
    if not reason:
        raise ComplaintError("give the reason for the decision")
    if len(reason) > MAX_REASON_CHARS:
        raise ComplaintError(f"keep the reason under {MAX_REASON_CHARS} characters")
    with transaction(db) as cur:
        stored = _stored_complaint(cur, complaint_id)
        if stored.compensation_status != "awaiting_approval":
            raise ComplaintError(
                f"complaint {complaint_id} has no compensation waiting for approval"
            )
        assert stored.compensation_kind is not None and stored.compensation_amount is not None
        if viewer.staff_id == stored.received_by:
            raise ComplaintError("someone other than the person who received it decides")
        compensation_option(policy, stored.compensation_kind)
        refusal = approval_refusal(
            policy,
            _staff_row(cur, viewer.staff_id),
            stored.compensation_kind,
            stored.compensation_amount,
            stored.team_id,
        )
        if refusal:
            raise AccessDenied(refusal)
        try:
            cur.execute(
                "UPDATE complaints SET compensation_status = ?, compensation_decided_by = ?,"
                " compensation_decided_at = ?, compensation_decision_reason = ?, updated_at = ?"
                " WHERE id = ? AND compensation_status = 'awaiting_approval'",
                [
                    "approved" if approve else "refused",
                    viewer.staff_id,
                    now,
                    reason,
                    now,
                    complaint_id,
                ],
            )
        except duckdb.TransactionException:
            # Two approvers at once: DuckDB refuses the second update of the same row.
            raise ComplaintError(
                f"complaint {complaint_id} was changed meanwhile; reload it and decide again"
            ) from None


class Approval(BaseModel):
    """A compensation waiting for approval, and whether the viewer may decide it."""

    complaint: Complaint
    may_decide: bool
    why_not: str | None


def approvals_waiting(db: Database, viewer: Viewer, policy: Policy) -> list[Approval]:
    """The compensations waiting for approval in the viewer's scope (their own for an agent,
    the team's for a supervisor, all for an owner), those the viewer may decide first."""
    select, params = _select(viewer)
    scope, scope_params = _scope(viewer)
    with db.cursor() as cur:
        rows = cur.execute(
            f"{select} WHERE {scope} AND c.compensation_status = 'awaiting_approval'"
            " ORDER BY c.received_at, c.id",
            [*params, *scope_params],
        ).fetchall()
        me = _staff_row(cur, viewer.staff_id)
    found = []
    for row in rows:
        complaint = _complaint(row)
        assert complaint.compensation_kind is not None
        assert complaint.compensation_amount is not None
        if complaint.received_by == viewer.staff_id:
            why_not: str | None = "you received it: someone else decides"
        elif complaint.compensation_kind not in {o.id for o in policy.compensation.options}:
            why_not = "its option is no longer in the policy"
        else:
            why_not = approval_refusal(
                policy,
                me,
                complaint.compensation_kind,
                complaint.compensation_amount,
                complaint.team_id,
            )
        found.append(Approval(complaint=complaint, may_decide=why_not is None, why_not=why_not))
    return sorted(found, key=lambda a: not a.may_decide)


class Approver(BaseModel):
    id: int
    name: str
    role: Role


def possible_approvers(
    db: Database,
    viewer: Viewer,
    policy: Policy,
    kind: str | None = None,
    amount: Decimal | None = None,
) -> list[Approver]:
    """Whom the viewer may name to approve a compensation above their limit: active staff above
    an agent on the escalation ladder, supervisors of the viewer's own team; with `kind` and
    `amount`, only those whose limit covers it."""
    roles = [role for role in ladder_roles(policy) if role != "agent"]
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT id, name, role, team_id, active FROM staff"
            " WHERE active AND role IN (SELECT unnest(?::VARCHAR[])) AND id <> ?"
            " AND (role = 'owner' OR team_id = ?) ORDER BY role DESC, name",
            [roles, viewer.staff_id, viewer.team_id],
        ).fetchall()
    found = []
    for row in rows:
        member = StaffRow(id=row[0], name=row[1], role=row[2], team_id=row[3], active=row[4])
        if (
            kind is None
            or amount is None
            or (approval_refusal(policy, member, kind, amount, viewer.team_id) is None)
        ):
            found.append(Approver(id=member.id, name=member.name, role=member.role))
    return found


_FIELD_WORDS = {
    "received_at": "the time received",
    "channel": "the channel",
    "category": "the category",
    "description": "what the customer said",
    "customer_name": "the customer's name",
    "customer_phone": "the phone number",
    "customer_email": "the e-mail address",
    "customer_address": "the address",
    "category_other": "the kind of complaint",
    "resolution": "the agreed resolution",
    "steps": "the steps being taken",
    "prevention": "the suggestion for preventing it",
    "compensation_amount": "the amount",
}


def first_problem(exc: ValidationError) -> str:
    """A form's first invalid field as one line a person reads: which field and why."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{_FIELD_WORDS.get(field, field.replace('_', ' '))}: {message}"


# --- The lists that drive the day --------------------------------------------------------------

ListName = Literal[
    "open", "promises_due_today", "promises_broken", "follow_ups_due_today", "follow_ups_overdue"
]
# Each list as a condition on `c`, with `?` the local today: open is anything left to do for the
# customer (not yet resolved, or not yet followed up).
_LISTS: dict[ListName, str] = {
    "open": "(c.resolved_at IS NULL OR c.followed_up_at IS NULL)",
    "promises_due_today": "c.resolved_at IS NULL AND c.promised_by = ?",
    "promises_broken": "c.resolved_at IS NULL AND c.promised_by < ?",
    "follow_ups_due_today": "c.followed_up_at IS NULL AND c.follow_up_due = ?",
    "follow_ups_overdue": "c.followed_up_at IS NULL AND c.follow_up_due < ?",
}
LIST_TITLES: dict[ListName, str] = {
    "open": "Open complaints",
    "promises_due_today": "Promises due today",
    "promises_broken": "Promises broken",
    "follow_ups_due_today": "Follow-ups due today",
    "follow_ups_overdue": "Follow-ups overdue",
}


def today_for(policy: Policy, now: datetime | None = None) -> date:
    return local_day(now or datetime.now(UTC), policy.business_hours.timezone)


def complaint_list(db: Database, viewer: Viewer, which: ListName, today: date) -> list[Complaint]:
    """One of the day's lists in the viewer's scope (own for an agent, the team's for a
    supervisor, all for an owner), most pressing first."""
    select, params = _select(viewer)
    scope, scope_params = _scope(viewer)
    condition = _LISTS[which]
    order = {
        "open": "c.received_at",
        "promises_due_today": "c.received_at",
        "promises_broken": "c.promised_by, c.received_at",
        "follow_ups_due_today": "c.received_at",
        "follow_ups_overdue": "c.follow_up_due, c.received_at",
    }[which]
    with db.cursor() as cur:
        rows = cur.execute(
            f"{select} WHERE {scope} AND {condition} ORDER BY {order}, c.id",
            [*params, *scope_params, *([today] if "?" in condition else [])],
        ).fetchall()
    return [_complaint(row) for row in rows]


class Today(BaseModel):
    """How many of each list are the viewer's today: what Home says."""

    today: date
    open: int
    promises_due_today: int
    promises_broken: int
    follow_ups_due_today: int
    follow_ups_overdue: int
    approvals_to_decide: int
    approvals_waiting: int  # the viewer's own compensations waiting for someone's decision


def complaints_today(db: Database, viewer: Viewer, policy: Policy, today: date) -> Today:
    scope, scope_params = _scope(viewer)
    counts = ", ".join(f"count(*) FILTER (WHERE {condition})" for condition in _LISTS.values())
    list_params = [today for condition in _LISTS.values() if "?" in condition]
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT {counts}, count(*) FILTER (WHERE c.compensation_status = 'awaiting_approval'"
            " AND ? IN (c.received_by, c.handled_by, c.recorded_by))"
            f" FROM complaints c WHERE {scope}",
            [*list_params, viewer.staff_id, *scope_params],
        ).fetchone()
    assert row is not None
    to_decide = sum(a.may_decide for a in approvals_waiting(db, viewer, policy))
    return Today(
        today=today,
        **dict(zip(_LISTS, row[: len(_LISTS)], strict=True)),
        approvals_to_decide=to_decide,
        approvals_waiting=row[len(_LISTS)],
    )


# --- Privacy: erasing customers' details -------------------------------------------------------


class Erasure(BaseModel):
    """One erasure as logged: who, when, why, which complaints; never the details erased."""

    id: int
    erased_at: datetime
    erased_by: int | None
    erased_by_name: str | None
    reason: Literal["customer_request", "retention"]
    complaint_ids: list[int]


_HAS_DETAILS = "(" + " OR ".join(f"{column} IS NOT NULL" for column in _DETAIL_COLUMNS) + ")"
_ERASE = (
    "UPDATE complaints SET "
    + ", ".join(f"{column} = NULL" for column in _DETAIL_COLUMNS)
    + ", details_erased_at = ?, updated_at = ? WHERE id IN (SELECT unnest(?::INTEGER[]))"
)


def _erase(
    cur: duckdb.DuckDBPyConnection,
    ids: list[int],
    erased_by: int | None,
    reason: str,
    now: datetime,
) -> int | None:
    if not ids:
        return None
    cur.execute(_ERASE, [now, now, ids])
    (erasure_id,) = cur.execute(
        "INSERT INTO complaint_erasures (erased_at, erased_by, reason, complaint_ids)"
        " VALUES (?, ?, ?, ?) RETURNING id",
        [now, erased_by, reason, sorted(ids)],
    ).fetchone()  # type: ignore[misc]
    return int(erasure_id)


def erase_expired_details(db: Database, policy: Policy, *, now: datetime | None = None) -> int:
    """Erase the customer's details from every closed complaint (resolved and followed up)
    closed more than the policy's `complaints.details_retention_days` ago; the anonymised
    record stays for the numbers. One logged erasure; returns how many complaints."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=policy.complaints.details_retention_days)
    with transaction(db) as cur:
        ids = [
            complaint_id
            for (complaint_id,) in cur.execute(
                "SELECT id FROM complaints WHERE details_erased_at IS NULL"
                f" AND {_HAS_DETAILS} AND resolved_at IS NOT NULL AND followed_up_at IS NOT NULL"
                " AND greatest(resolved_at, followed_up_at) < ? ORDER BY id",
                [cutoff],
            ).fetchall()
        ]
        _erase(cur, ids, None, "retention", now)
    return len(ids)


def _owner_only(viewer: Viewer, what: str) -> None:
    if viewer.role != "owner":
        raise AccessDenied(f"only an owner may {what}")


# A customer is found by a name, phone or e-mail written at least this long: a shorter search
# would list half the register's customers at once.
MIN_CUSTOMER_SEARCH_CHARS = 3


def find_customer_complaints(db: Database, viewer: Viewer, search: str) -> list[Complaint]:
    """An owner's search for one customer's complaints (to erase their details on request):
    by part of the name or e-mail, or by the phone number's digits."""
    _owner_only(viewer, "search customers' details")
    search = search.strip()
    if len(search) < MIN_CUSTOMER_SEARCH_CHARS:
        raise ComplaintError(f"write at least {MIN_CUSTOMER_SEARCH_CHARS} characters to search")
    # The national trunk prefix (091 ...) is dropped: the number may be stored as +385 91 ...
    digits = "".join(ch for ch in search if ch.isdigit()).lstrip("0")
    select, params = _select(viewer)
    with db.cursor() as cur:
        rows = cur.execute(
            f"{select} WHERE c.customer_name ILIKE ? OR c.customer_email ILIKE ?"
            " OR (length(?) >= ? AND regexp_replace(c.customer_phone, '[^0-9]', '', 'g')"
            " LIKE ?) ORDER BY c.received_at, c.id",
            [
                *params,
                f"%{search}%",
                f"%{search}%",
                digits,
                MIN_CUSTOMER_SEARCH_CHARS,
                f"%{digits}%",
            ],
        ).fetchall()
    return [_complaint(row) for row in rows]


def erase_customer_details(
    db: Database, viewer: Viewer, complaint_ids: Sequence[int], *, now: datetime | None = None
) -> int:
    """An owner erases one customer's details from the complaints chosen, on the customer's
    request; logged with who and when. Returns the erasure's id."""
    _owner_only(viewer, "erase customers' details")
    now = now or datetime.now(UTC)
    ids = sorted(set(complaint_ids))
    if not ids:
        raise ComplaintError("choose the complaints whose customer details to erase")
    with transaction(db) as cur:
        found = {
            complaint_id
            for (complaint_id,) in cur.execute(
                "SELECT id FROM complaints WHERE id IN (SELECT unnest(?::INTEGER[]))", [ids]
            ).fetchall()
        }
        missing = sorted(set(ids) - found)
        if missing:
            raise ComplaintError(f"no complaint {', '.join(map(str, missing))}")
        erasure_id = _erase(cur, ids, viewer.staff_id, "customer_request", now)
    assert erasure_id is not None
    return erasure_id


def list_erasures(db: Database, viewer: Viewer) -> list[Erasure]:
    _owner_only(viewer, "read the erasure log")
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT e.id, e.erased_at, e.erased_by, s.name, e.reason, e.complaint_ids"
            " FROM complaint_erasures e LEFT JOIN staff s ON s.id = e.erased_by"
            " ORDER BY e.erased_at DESC, e.id DESC"
        ).fetchall()
    keys = Erasure.model_fields
    return [Erasure(**dict(zip(keys, row, strict=True))) for row in rows]
