"""The demo organisation's complaint register: about nine complaints in every thousand contacts
the demo agents answered, recorded by the agent during the contact, as the Record a complaint
page would, with the customer's details, the category, what was said and agreed, the promise,
the follow-up and the compensation.

It is shaped like a real register, so that the lists, the numbers and the top problems have
something true to show: three categories make most of the complaints (late deliveries growing
over the period, faulty products, billing), most are resolved on the spot, a few promises are
broken, a few follow-ups are late or missed, most customers are satisfied when followed up,
compensation stays within the receiver's limit except for a few amounts their supervisor
approved (the last days' still wait in the approvals queue), and some customers complain again
within a month. Every row is generated (`complaints.is_demo`) from `random.Random`, so the same
seed gives the same register."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

import pandas as pd

from metrics.complaints.register import APP_SOURCE, proposed_follow_up
from metrics.demo.people import NAME_POOLS
from metrics.store import Database
from modules.policy import OTHER_CATEGORY, CompensationOption, Policy

# Complaints per answered contact: nine in a thousand, a contact centre with a few problems.
COMPLAINT_RATE = 0.009
# How often each category comes up; a category of the policy's not named here is rare. Late
# deliveries grow by LATE_DELIVERY_GROWTH from the first day to the last, so the top problems
# change from one period to the next.
CATEGORY_WEIGHTS = {
    "late_delivery": 0.26,
    "faulty_product": 0.21,
    "billing": 0.15,
    "wrong_item": 0.08,
    "repair_service": 0.07,
    "returns": 0.06,
    "hard_to_reach": 0.05,
    "product_information": 0.04,
    "staff_conduct": 0.02,
    OTHER_CATEGORY: 0.02,
}
RARE_CATEGORY_WEIGHT = 0.02
LATE_DELIVERY_GROWTH = 0.8
OTHER_WORDS = ("Parking at the store", "Noise from the warehouse", "Packaging waste")
# Resolved while the customer was still on the line (or in the chat), by category: a billing
# mistake is corrected at once, a faulty machine needs a visit.
ON_THE_SPOT = {"billing": 0.8, "faulty_product": 0.35, "repair_service": 0.3}
ON_THE_SPOT_OTHERWISE = 0.65
PROMISE_DAYS = (1, 7)  # a resolution is promised this many days ahead
PROMISE_BROKEN = 0.12  # resolved after the promised day, or not at all by the snapshot
FOLLOWED_UP_ON_TIME = 0.82
FOLLOWED_UP_LATE = 0.11  # the rest of those due were not followed up at all
LATE_BY_DAYS = (1, 4)
SATISFIED = 0.86
SATISFIED_AFTER_A_BROKEN_PROMISE = 0.45
COMPENSATED = 0.35
# Of the compensations, the share above the agent's limit that their supervisor approved.
ABOVE_AGENT_LIMIT = 0.06
# Above-limit amounts of the last days still wait for the supervisor's decision. If none came up
# by chance, the latest compensation that could have been above the agent's limit asked for more:
# the approvals queue always has something to show.
AWAITING_APPROVAL_DAYS = 5
REPEAT_CUSTOMER = 0.05  # the same customer as an earlier complaint of the last 30 days
REPEAT_WITHIN_DAYS = 30
# The compensation each category is most often settled with (an option id of the shipped
# policy; any other policy's first option otherwise).
CATEGORY_COMPENSATION = {
    "late_delivery": "delivery_refund",
    "faulty_product": "replacement_product",
    "wrong_item": "free_coupon",
    "repair_service": "account_credit",
    "billing": "account_credit",
}
# What customers say, what is agreed, the steps and the prevention suggested, per category.
WORDS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "late_delivery": (
        (
            "The fridge was due on Tuesday and nobody came or called.",
            "Second delivery date missed; I took a day off work for nothing.",
            "The courier's window was 8 to 18 and the delivery never arrived.",
        ),
        "A new delivery slot confirmed with the courier, and the delivery fee refunded.",
        "Courier contacted; slot booked; customer to be called the evening before.",
        "Send the delivery window by SMS the day before, and call when the courier is late.",
    ),
    "faulty_product": (
        (
            "The dishwasher leaks after two weeks.",
            "The oven's door glass cracked on first use.",
            "The washing machine stops mid-cycle with an error code.",
        ),
        "A technician's visit, and a replacement if it cannot be repaired on site.",
        "Service visit booked; spare part ordered from the supplier.",
        "Check this model's batch with the supplier; several reports this month.",
    ),
    "billing": (
        (
            "I was charged twice for the same order.",
            "The discount from the flyer was not applied.",
            "The refund for my return has not arrived after three weeks.",
        ),
        "The wrong charge refunded at once, with a written confirmation.",
        "Refund sent to the card; confirmation e-mailed.",
        "Make the payment page show a clear confirmation, so customers do not pay twice.",
    ),
    "wrong_item": (
        ("I ordered the white model and received the black one.",),
        "The right item delivered and the wrong one collected on the same visit.",
        "Exchange booked with the warehouse.",
        "A second check of the colour code when the order is packed.",
    ),
    "repair_service": (
        ("The installer left without connecting the water supply.",),
        "The installer comes back at a time the customer chose.",
        "Return visit booked with the installation partner.",
        "An installation checklist that the customer signs before the installer leaves.",
    ),
    "returns": (
        ("The store refused my return although I am within 30 days.",),
        "The return accepted and the refund started.",
        "Store manager informed; refund started.",
        "Remind store staff of the 30-day return rule at the next team meeting.",
    ),
    "hard_to_reach": (
        ("I waited 20 minutes on the phone before anyone answered.",),
        "An apology and a direct number for the case.",
        "Callback arranged.",
        "More agents on the phones on Monday mornings.",
    ),
    "product_information": (
        ("The website says the dryer is 60 cm wide; it is 64 and does not fit.",),
        "A free return and help choosing a model that fits.",
        "Product page correction requested.",
        "Check product dimensions against the supplier's sheet before publishing.",
    ),
    "staff_conduct": (
        ("The agent was rude and ended the call.",),
        "An apology from the supervisor.",
        "Supervisor spoke with the agent.",
        "Refresher on the complaint-handling steps for the team.",
    ),
}
GENERIC_WORDS: tuple[tuple[str, ...], str, str, str] = (
    ("The customer was unhappy with how the matter was handled.",),
    "An apology, and the matter put right.",
    "Case passed to the right department.",
    "Discuss at the next team meeting.",
)
ADDRESSES = (
    ("Ilica", "10000 Zagreb"),
    ("Savska cesta", "10000 Zagreb"),
    ("Vukovarska", "21000 Split"),
    ("Korzo", "51000 Rijeka"),
    ("Brīvības iela", "LV-1010 Rīga"),
    ("Atatürk Caddesi", "35220 İzmir"),
    ("Park Row", "Leeds LS1 5HD"),
)
CUSTOMER_EMAIL_DOMAIN = "mail.example"  # reserved: no demo address can reach a real person
RECORDED_WITHIN_S = 600  # recorded during or right after the contact


@dataclass(frozen=True)
class _Contact:
    id: int
    agent_id: int
    team_id: int | None
    channel: str
    answered_at: datetime


@dataclass(frozen=True)
class _Customer:
    name: str
    phone: str
    email: str
    address: str


def insert_complaints(
    cur: Database,
    rng: random.Random,
    policy: Policy,
    horizon: datetime,
    fresh_starters: Sequence[int] = (),
) -> int:
    """Draw and insert the register for the demo contacts stored so far (answered before
    `horizon`, the moment the demo is a snapshot of), but those of `fresh_starters` (the demo's
    sign-in agent, who starts with nothing of their own, as with the training); returns how
    many complaints."""
    before = horizon - RECORDED_WITHIN_S * timedelta(seconds=2)
    demo_contacts = (
        "FROM interactions WHERE is_demo AND agent_id IS NOT NULL AND answered_at < ?"
        " AND agent_id NOT IN (SELECT unnest(?::INTEGER[]))"
    )
    params = [before, list(fresh_starters)]
    # Drawn from the ids alone: reading every contact into Python would take seconds.
    ids = [i for (i,) in cur.execute(f"SELECT id {demo_contacts} ORDER BY id", params).fetchall()]
    if not ids:
        return 0
    picked = sorted(rng.sample(ids, round(len(ids) * COMPLAINT_RATE)))
    contacts = [
        _Contact(id, agent, team, channel, datetime.fromtimestamp(answered, UTC))
        for id, agent, team, channel, answered in cur.execute(
            "SELECT id, agent_id, team_id, channel, epoch(answered_at) FROM interactions"
            " WHERE id IN (SELECT unnest(?)) ORDER BY id",
            [picked],
        ).fetchall()
    ]
    span = cur.execute(
        f"SELECT epoch(min(answered_at)), epoch(max(answered_at)) {demo_contacts}", params
    ).fetchone()
    assert span is not None
    first, last = (datetime.fromtimestamp(moment, UTC) for moment in span)
    supervisors = dict(
        cur.execute(
            "SELECT team_id, min(id) FROM staff WHERE is_demo AND role = 'supervisor'"
            " GROUP BY team_id"
        ).fetchall()
    )
    steps = [step.id for step in policy.complaint_handling.steps]
    rows: list[dict[str, object]] = []
    recent: list[tuple[datetime, _Customer]] = []
    taken: set[str] = set()
    for contact in contacts:
        progress = (contact.answered_at - first) / max(last - first, timedelta(seconds=1))
        received_at = contact.answered_at + timedelta(seconds=rng.randint(30, 300))
        recent = [
            (at, c) for at, c in recent if received_at - at <= timedelta(days=REPEAT_WITHIN_DAYS)
        ]
        if recent and rng.random() < REPEAT_CUSTOMER:
            customer = rng.choice(recent)[1]
        else:
            customer = _customer(rng, taken)
        recent.append((received_at, customer))
        category = _category(rng, policy, progress)
        rows.append(
            _complaint(
                rng,
                policy,
                contact,
                customer,
                category,
                received_at,
                horizon,
                steps,
                supervisors.get(contact.team_id),
            )
        )
    _one_waiting(rng, policy, rows, supervisors)
    frame = pd.DataFrame(rows)
    cur.register("demo_complaints", frame)
    columns = ", ".join(frame.columns)
    cur.execute(
        f"INSERT INTO complaints ({columns}, source, is_demo)"
        f" SELECT {columns}, ?, true FROM demo_complaints ORDER BY received_at",
        [APP_SOURCE],
    )
    cur.unregister("demo_complaints")
    return len(rows)


def _customer(rng: random.Random, taken: set[str]) -> _Customer:
    """A new customer: a name may be shared, the e-mail address and phone number are their own
    (`taken` holds those given so far), so that a repeat complaint is one on purpose."""
    pools = list(NAME_POOLS.values())
    pool = rng.choices(pools, weights=[p.weight for p in pools])[0]
    woman = rng.random() < 0.5
    first = rng.choice(pool.women if woman else pool.men)
    surname = rng.choice(pool.women_surnames if woman else pool.men_surnames)
    # The address in plain letters, as most mail providers allow: "Bērziņa" as "berzina".
    spelled = unicodedata.normalize("NFKD", f"{first}.{surname}".lower().replace("ı", "i"))
    local = "".join(letter for letter in spelled if letter.isascii() and letter != " ")
    email, number = f"{local}@{CUSTOMER_EMAIL_DOMAIN}", 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{CUSTOMER_EMAIL_DOMAIN}"
    phone = ""
    while not phone or phone in taken:
        phone = f"+385 9{rng.randint(1, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    taken.update((email, phone))
    street, city = rng.choice(ADDRESSES)
    return _Customer(
        name=f"{first} {surname}",
        phone=phone,
        email=email,
        address=f"{street} {rng.randint(1, 120)}, {city}",
    )


def _category(rng: random.Random, policy: Policy, progress: float) -> str:
    ids = [category.id for category in policy.complaints.categories] + [OTHER_CATEGORY]
    weights = [CATEGORY_WEIGHTS.get(i, RARE_CATEGORY_WEIGHT) for i in ids]
    if "late_delivery" in ids:
        weights[ids.index("late_delivery")] *= 1 + LATE_DELIVERY_GROWTH * progress
    return rng.choices(ids, weights=weights)[0]


def _local_day(moment: datetime, policy: Policy) -> date:
    return moment.astimezone(ZoneInfo(policy.business_hours.timezone)).date()


def _during_day(rng: random.Random, day: date, policy: Policy) -> datetime:
    """A moment of the working hours of a local day."""
    hours = policy.business_hours
    opens = datetime.combine(day, hours.opens, ZoneInfo(hours.timezone))
    closes = datetime.combine(day, hours.closes, ZoneInfo(hours.timezone))
    seconds = max(int((closes - opens).total_seconds()), 1)
    return (opens + timedelta(seconds=rng.randint(0, seconds - 1))).astimezone(UTC)


def _complaint(
    rng: random.Random,
    policy: Policy,
    contact: _Contact,
    customer: _Customer,
    category: str,
    received_at: datetime,
    horizon: datetime,
    steps: list[str],
    supervisor: int | None,
) -> dict[str, object]:
    said, agreed, taken, prevention = WORDS.get(category, GENERIC_WORDS)
    on_the_spot = rng.random() < ON_THE_SPOT.get(category, ON_THE_SPOT_OTHERWISE)
    promised_by: date | None = None
    broken = False
    if on_the_spot:
        resolved_at: datetime | None = received_at
    else:
        promised_by = _local_day(received_at, policy) + timedelta(days=rng.randint(*PROMISE_DAYS))
        broken = rng.random() < PROMISE_BROKEN
        if broken:
            # After the promised day, or not yet: a broken promise either way once it passed.
            late = promised_by + timedelta(days=rng.randint(1, 5))
            resolved_at = _during_day(rng, late, policy) if rng.random() < 0.6 else None
        else:
            day = promised_by - timedelta(days=rng.randint(0, 1))
            resolved_at = max(_during_day(rng, day, policy), received_at)
        if resolved_at is not None and resolved_at >= horizon:
            resolved_at = None
    follow_up_due = proposed_follow_up(received_at, policy)
    followed_up_at = _follow_up(rng, policy, received_at, resolved_at, follow_up_due)
    if followed_up_at is not None and followed_up_at >= horizon:
        followed_up_at = None  # not yet: the snapshot ends before it
    satisfied = None
    if followed_up_at is not None:
        share = SATISFIED_AFTER_A_BROKEN_PROMISE if broken else SATISFIED
        satisfied = rng.random() < share
    row: dict[str, object] = {
        "received_by": contact.agent_id,
        "received_at": received_at,
        "team_id": contact.team_id,
        "handled_by": contact.agent_id,
        "recorded_by": contact.agent_id,
        "recorded_at": received_at + timedelta(seconds=rng.randint(60, RECORDED_WITHIN_S)),
        "channel": contact.channel,
        "interaction_id": contact.id,
        "customer_name": customer.name,
        "customer_phone": customer.phone,
        "customer_email": customer.email,
        "customer_address": customer.address,
        "category": category,
        "category_other": rng.choice(OTHER_WORDS) if category == OTHER_CATEGORY else None,
        "description": rng.choice(said),
        "resolution": agreed,
        "resolved_on_the_spot": on_the_spot,
        "promised_by": promised_by,
        "steps": None if on_the_spot else taken,
        "handling_steps_done": steps if rng.random() < 0.9 else steps[:-1],
        "follow_up_due": follow_up_due,
        "resolved_at": resolved_at,
        "followed_up_at": followed_up_at,
        "customer_satisfied": satisfied,
        "prevention": prevention if rng.random() < 0.7 else None,
        **_compensation(rng, policy, category, received_at, horizon, supervisor),
    }
    return row


def _follow_up(
    rng: random.Random,
    policy: Policy,
    received_at: datetime,
    resolved_at: datetime | None,
    due: date,
) -> datetime | None:
    """When the customer was followed up: on time (from the day of resolution, or of receipt,
    to the due day), late, or not at all."""
    draw = rng.random()
    if draw >= FOLLOWED_UP_ON_TIME + FOLLOWED_UP_LATE:
        return None
    if draw < FOLLOWED_UP_ON_TIME:
        start = _local_day(resolved_at or received_at, policy)
        start = min(start, due)
        day = start + timedelta(days=rng.randint(0, max((due - start).days, 0)))
    else:
        day = due + timedelta(days=rng.randint(*LATE_BY_DAYS))
    return max(_during_day(rng, day, policy), received_at + timedelta(minutes=30))


def _compensation(
    rng: random.Random,
    policy: Policy,
    category: str,
    received_at: datetime,
    horizon: datetime,
    supervisor: int | None,
) -> dict[str, object]:
    """The compensation columns: none for most; within the agent's limit for nearly all the
    rest; a few amounts above it and within the supervisor's, approved by the team's
    supervisor the same day (or still waiting, in the last days)."""
    none: dict[str, object] = {
        "compensation_kind": None,
        "compensation_amount": None,
        "compensation_status": None,
        "compensation_approver": None,
        "compensation_decided_by": None,
        "compensation_decided_at": None,
    }
    if rng.random() >= COMPENSATED:
        return none
    options = {option.id: option for option in policy.compensation.options}
    option = options.get(CATEGORY_COMPENSATION.get(category, ""), policy.compensation.options[0])
    agent_limit = option.limits.agent
    supervisor_limit = option.limits.supervisor
    waiting = horizon - received_at < timedelta(days=AWAITING_APPROVAL_DAYS)
    above = (
        supervisor is not None
        and (supervisor_limit is None or supervisor_limit > agent_limit)
        and rng.random() < ABOVE_AGENT_LIMIT
    )
    if not above:
        return {
            **none,
            "compensation_kind": option.id,
            "compensation_amount": _amount(rng, 0, agent_limit),
            "compensation_status": "granted",
        }
    decided_at = min(received_at + timedelta(hours=rng.randint(1, 6)), horizon)
    return {
        **none,
        "compensation_kind": option.id,
        "compensation_amount": _amount(rng, agent_limit, _ceiling(option)),
        "compensation_status": "awaiting_approval" if waiting else "approved",
        "compensation_approver": supervisor,
        "compensation_decided_by": None if waiting else supervisor,
        "compensation_decided_at": None if waiting else decided_at,
    }


def _one_waiting(
    rng: random.Random,
    policy: Policy,
    rows: list[dict[str, object]],
    supervisors: dict[int | None, int],
) -> None:
    """Unless a compensation already waits for approval, the latest one of an option whose
    supervisor may grant more than the agent becomes a request for more, waiting for the team's
    supervisor (see AWAITING_APPROVAL_DAYS)."""
    if any(row["compensation_status"] == "awaiting_approval" for row in rows):
        return
    options = {option.id: option for option in policy.compensation.options}
    for row in sorted(rows, key=lambda row: cast(datetime, row["received_at"]), reverse=True):
        option = options.get(str(row["compensation_kind"]))
        supervisor = supervisors.get(row["team_id"])  # type: ignore[call-overload]
        if option is None or supervisor is None or _ceiling(option) <= option.limits.agent:
            continue
        row.update(
            compensation_amount=_amount(rng, option.limits.agent, _ceiling(option)),
            compensation_status="awaiting_approval",
            compensation_approver=supervisor,
        )
        return


def _ceiling(option: CompensationOption) -> float:
    """The most a supervisor grants in the demo: their limit, or twice the agent's without one."""
    limits = option.limits
    return limits.supervisor if limits.supervisor is not None else 2 * limits.agent


def _amount(rng: random.Random, above: float, most: float) -> Decimal:
    """A round amount in (above, most]: whole fives where they fit, else whole units."""
    fives = [v for v in range(5, int(most) + 1, 5) if above < v <= most]
    units = [v for v in range(1, int(most) + 1) if above < v <= most]
    return Decimal(rng.choice(fives or units or [int(most)]))
