"""The complaint register's numbers (issue 13): per team and per agent, the top problems, and
`academy report complaints`.

Every definition lives here, once, as SQL over the `complaints` table; each rate is a fraction
from 0 to 1 (None when its denominator is zero), returned beside that denominator (`n`) and a
95% Wilson interval, as the performance metrics are (`metrics/performance/intervals.py`).

Conventions shared by all of them:

- The period selects complaints whose `received_at` falls on a local date from `start` to `end`,
  both inclusive, in the policy's time zone (`business_hours.timezone`), as the dashboard selects
  contacts (`Period.bounds`).
- A complaint belongs to its team (`team_id`, the receiver's team when it was received) and to
  the agent who handles it (`handled_by`: the receiver unless it was handed over), who answers
  for its promise and its follow-up.
- A follow-up is due at the end of the local day `standards.complaint_follow_up_days` calendar
  days after the local date of receipt, unless an earlier `follow_up_due` was set: the due
  moment is local midnight at the start of the next day. A month end or a clock change moves
  nothing: the days are calendar days, and the midnight is the local one of that date.
- A promise (`promised_by`, a local date) is due at the end of that local day. It is broken when
  that moment has passed without `resolved_at`, or `resolved_at` came at or after it; kept when
  `resolved_at` came before it.
- "Now" (`as_of`) decides which due moments have passed: the command line and the pages use the
  current time; tests name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from pydantic import BaseModel

from metrics.people import AccessDenied, Viewer, visible_team_id
from metrics.performance.intervals import wilson_interval
from metrics.performance.period import Period
from metrics.store import Database
from modules.policy import OTHER_CATEGORY, Policy

# "The same customer again within 30 days" (the issue): a complaint repeats an earlier one of
# the same customer received at most this long before it.
REPEAT_WITHIN_DAYS = 30
# A phone number matches another only on at least this many digits: a fragment (an extension,
# a typo like "0") is not a customer's number, and two strangers must not match on it.
MIN_PHONE_DIGITS = 6
PER_CONTACTS = 1000  # "complaints per 1,000 contacts handled"
# How many categories the page names as "the most significant" (the guidance: the business
# learns its three most significant problems and fixes their causes).
MOST_SIGNIFICANT = 3
# Compensation is given once it is granted within the receiver's own limit or approved above it;
# awaiting approval or refused, nothing was given.
GIVEN_STATUSES = ("granted", "approved")

DEFINITIONS = {
    "Complaints per 1,000 contacts": "complaints received in the period ÷ contacts handled "
    "(answered) in the period × 1,000; a team's contacts are those queued to it, an agent's "
    "those they answered",
    "Median time to resolve": "over complaints received in the period and resolved after the "
    "contact (those resolved on the spot have their own share): the median of resolved_at − "
    "received_at, in hours (the mean of the two middle values for an even count)",
    "Resolved on the spot": "complaints resolved during the contact ÷ complaints received",
    "Promises kept": "complaints with a promised date resolved before the end of that local day "
    "÷ promises decided (kept or broken); a promise is broken when its day ended without a "
    "resolution, or the resolution came after it",
    "Follow-up compliance": "complaints followed up by their due moment ÷ complaints whose due "
    "moment has passed; due at the end of the local day the policy's follow-up days after "
    "receipt, or earlier if an earlier date was set",
    "Satisfied after follow-up": "complaints whose customer said at the follow-up they were "
    "satisfied ÷ complaints followed up with the customer's answer recorded",
    "Repeat complaints": f"complaints whose customer had complained before within "
    f"{REPEAT_WITHIN_DAYS} days, matched on the e-mail address (ignoring case and spaces) or the "
    f"phone number (its digits, at least {MIN_PHONE_DIGITS}) as stored ÷ complaints received; "
    "erased details match nobody",
    "Compensation given": "amounts granted within the receiver's own limit or approved above it, "
    "by kind and by who decided (the receiver, for an amount within their own limit)",
}


class Rate(BaseModel):
    """A fraction with its sample and 95% Wilson interval."""

    successes: int
    n: int
    value: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, successes: int, n: int) -> Rate:
        low, high = wilson_interval(successes, n) if successes <= n else (None, None)
        return cls(successes=successes, n=n, value=successes / n if n else None, low=low, high=high)


class ComplaintNumbers(BaseModel):
    """Item 4's numbers over one group of complaints (everyone in scope, a team or an agent)."""

    complaints: int
    contacts_handled: int
    # Complaints per PER_CONTACTS contacts handled, and its interval on the same scale.
    per_1000_contacts: float | None
    per_1000_low: float | None
    per_1000_high: float | None
    resolved: int
    resolved_later: int  # resolved after the contact: the median's n
    median_hours_to_resolve: float | None
    on_the_spot: Rate  # resolved on the spot ÷ complaints
    promises: int  # complaints with a promised date
    promises_broken: int
    promises_kept: Rate  # kept ÷ decided (kept + broken)
    follow_ups: Rate  # followed up by the due moment ÷ due moment passed
    satisfied: Rate  # satisfied ÷ followed up with an answer
    repeats: Rate  # repeat complaints ÷ complaints
    compensation_total: float


class TeamNumbers(BaseModel):
    team_id: int | None
    team: str | None
    numbers: ComplaintNumbers


class AgentNumbers(BaseModel):
    agent_id: int
    email: str | None
    name: str
    team: str | None
    numbers: ComplaintNumbers


class CompensationLine(BaseModel):
    """Compensation given of one kind, or decided by one person: how often and how much."""

    label: str
    given: int
    total: float


class ComplaintReport(BaseModel):
    """The numbers of a period for what the viewer may see."""

    period: Period
    overall: ComplaintNumbers
    teams: list[TeamNumbers]  # empty for an agent: they see their own numbers only
    agents: list[AgentNumbers]  # only the agent themselves, for an agent
    compensation_by_kind: list[CompensationLine]
    compensation_by_approver: list[CompensationLine]


class Problem(BaseModel):
    """One category of the top problems."""

    category: str  # the id as stored (a policy category, or 'other')
    name: str  # as people read it (the policy's name; "Other")
    complaints: int
    share: float | None  # of the period's complaints
    cumulative_share: float | None
    previous: int  # complaints of this category in the period before, of the same length
    prevention: list[str]  # the distinct suggestions recorded, most recent first


class TopProblems(BaseModel):
    period: Period
    previous_period: Period
    complaints: int
    previous_complaints: int
    problems: list[Problem]  # every category, most complaints first, ties by name

    def most_significant(self) -> list[Problem]:
        """The first MOST_SIGNIFICANT categories that occurred at all."""
        return [p for p in self.problems if p.complaints > 0][:MOST_SIGNIFICANT]


# --- Scope -------------------------------------------------------------------------------------


def _scope(viewer: Viewer, team_id: int | None) -> tuple[int | None, int | None]:
    """(team, agent) the viewer may count: owners any team (None = all), supervisors their own,
    agents only the complaints they handle themselves."""
    if viewer.role == "agent":
        if team_id not in (None, viewer.team_id):
            raise AccessDenied("agents see their own complaint numbers only")
        return None, viewer.staff_id
    return visible_team_id(viewer, team_id), None


def _complaints_where(
    policy: Policy, period: Period, team: int | None, agent: int | None
) -> tuple[str, list[object]]:
    first, after = period.bounds(policy.business_hours.timezone)
    where = "c.received_at >= ? AND c.received_at < ?"
    params: list[object] = [first, after]
    if team is not None:
        where += " AND c.team_id = ?"
        params.append(team)
    if agent is not None:
        where += " AND c.handled_by = ?"
        params.append(agent)
    return where, params


def complaint_days(
    db: Database, viewer: Viewer, policy: Policy, team_id: int | None = None
) -> tuple[date, date] | None:
    """The first and last local dates on which complaints the viewer may count (of one team, if
    named) were received; None when there are none."""
    team, agent = _scope(viewer, team_id)
    where, params = "true", list[object]()
    if team is not None:
        where, params = "c.team_id = ?", [team]
    if agent is not None:
        where, params = "c.handled_by = ?", [agent]
    zone = policy.business_hours.timezone
    with db.cursor() as cur:
        first, last = cur.execute(  # type: ignore[misc]
            "SELECT min(timezone(?, c.received_at))::DATE, max(timezone(?, c.received_at))::DATE"
            f" FROM complaints c WHERE {where}",
            [zone, zone, *params],
        ).fetchone()
    return None if first is None else (first, last)


# --- The numbers ---------------------------------------------------------------------------------

# One row per complaint of the scope, with the moments its rules turn on. Parameters: the zone
# (three times), the follow-up days, the customer-matching constants, then the scope's WHERE.
_FACTS = """
facts AS (
    SELECT c.id, c.team_id, c.handled_by, c.category, c.received_at, c.resolved_at,
        c.resolved_on_the_spot, c.promised_by, c.followed_up_at, c.customer_satisfied,
        c.compensation_kind, c.compensation_status, c.compensation_amount,
        c.received_by, c.compensation_decided_by,
        timezone(?, (least(c.follow_up_due, timezone(?, c.received_at)::DATE + ?::INTEGER)
            + 1)::TIMESTAMP) AS follow_up_due_at,
        timezone(?, (c.promised_by + 1)::TIMESTAMP) AS promise_due_at,
        EXISTS (
            SELECT 1 FROM complaints e
            WHERE e.id <> c.id AND e.details_erased_at IS NULL
              AND (e.received_at < c.received_at OR (e.received_at = c.received_at AND e.id < c.id))
              AND e.received_at >= c.received_at - to_days(?::INTEGER)
              AND ((lower(trim(e.customer_email)) = lower(trim(c.customer_email))
                    AND trim(c.customer_email) <> '')
                OR (regexp_replace(e.customer_phone, '[^0-9]', '', 'g')
                      = regexp_replace(c.customer_phone, '[^0-9]', '', 'g')
                    AND length(regexp_replace(c.customer_phone, '[^0-9]', '', 'g')) >= ?))
        ) AND c.details_erased_at IS NULL AS is_repeat
    FROM complaints c
    WHERE {where}
)"""

_GROUP_COUNTS = """
SELECT grouping(team_id) = 0 AS by_team, grouping(handled_by) = 0 AS by_agent,
    team_id, handled_by,
    count(*) AS complaints,
    count(resolved_at) AS resolved,
    count(resolved_at) FILTER (WHERE NOT resolved_on_the_spot) AS resolved_later,
    median(epoch(resolved_at) - epoch(received_at)) FILTER (WHERE NOT resolved_on_the_spot)
        / 3600 AS median_hours,
    count(*) FILTER (WHERE resolved_on_the_spot) AS on_the_spot,
    count(promised_by) AS promises,
    count(*) FILTER (WHERE resolved_at < promise_due_at) AS promises_kept,
    count(*) FILTER (WHERE resolved_at >= promise_due_at
        OR (resolved_at IS NULL AND promise_due_at <= ?)) AS promises_broken,
    count(*) FILTER (WHERE follow_up_due_at <= ?) AS follow_ups_due,
    count(*) FILTER (WHERE follow_up_due_at <= ? AND followed_up_at < follow_up_due_at)
        AS followed_up_on_time,
    count(customer_satisfied) AS answered_follow_ups,
    count(*) FILTER (WHERE customer_satisfied) AS satisfied,
    count(*) FILTER (WHERE is_repeat) AS repeats,
    coalesce(sum(compensation_amount) FILTER (WHERE compensation_status IN (?, ?)), 0)
        AS compensation_total
FROM facts
GROUP BY GROUPING SETS ((), (team_id), (handled_by))
"""


def _facts_params(policy: Policy) -> list[object]:
    zone = policy.business_hours.timezone
    days = policy.standards.complaint_follow_up_days
    return [zone, zone, days, zone, REPEAT_WITHIN_DAYS, MIN_PHONE_DIGITS]


def _handled_contacts(
    db: Database, policy: Policy, period: Period, team: int | None, agent: int | None
) -> dict[tuple[str, int | None], int]:
    """Contacts handled (answered) in the period: in all, per team queued to, per agent."""
    first, after = period.bounds(policy.business_hours.timezone)
    where = "i.queued_at >= ? AND i.queued_at < ? AND i.answered_at IS NOT NULL"
    params: list[object] = [first, after]
    if team is not None:
        where += " AND i.team_id = ?"
        params.append(team)
    if agent is not None:
        where += " AND i.agent_id = ?"
        params.append(agent)
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT grouping(i.team_id), grouping(i.agent_id), i.team_id, i.agent_id, count(*)"
            f" FROM interactions i WHERE {where}"
            " GROUP BY GROUPING SETS ((), (i.team_id), (i.agent_id))",
            params,
        ).fetchall()
    found: dict[tuple[str, int | None], int] = {}
    for team_grouped, agent_grouped, team_id, agent_id, count in rows:
        if team_grouped and agent_grouped:
            found[("all", None)] = int(count)
        elif not team_grouped:
            found[("team", team_id)] = int(count)
        else:
            found[("agent", agent_id)] = int(count)
    return found


def _numbers(row: dict[str, object], handled: int) -> ComplaintNumbers:
    def count(key: str) -> int:
        return int(row[key])  # type: ignore[call-overload]

    complaints = count("complaints")
    per_low, per_high = (
        wilson_interval(complaints, handled) if complaints <= handled else (None, None)
    )
    median = row["median_hours"]
    total = row["compensation_total"]
    kept, broken = count("promises_kept"), count("promises_broken")
    return ComplaintNumbers(
        complaints=complaints,
        contacts_handled=handled,
        per_1000_contacts=PER_CONTACTS * complaints / handled if handled else None,
        per_1000_low=None if per_low is None else PER_CONTACTS * per_low,
        per_1000_high=None if per_high is None else PER_CONTACTS * per_high,
        resolved=count("resolved"),
        resolved_later=count("resolved_later"),
        median_hours_to_resolve=None if median is None else float(median),  # type: ignore[arg-type]
        on_the_spot=Rate.of(count("on_the_spot"), complaints),
        promises=count("promises"),
        promises_broken=broken,
        promises_kept=Rate.of(kept, kept + broken),
        follow_ups=Rate.of(count("followed_up_on_time"), count("follow_ups_due")),
        satisfied=Rate.of(count("satisfied"), count("answered_follow_ups")),
        repeats=Rate.of(count("repeats"), complaints),
        compensation_total=float(total) if isinstance(total, Decimal | int | float) else 0.0,
    )


EMPTY_COUNTS: dict[str, object] = dict.fromkeys(
    (
        "complaints",
        "resolved",
        "resolved_later",
        "on_the_spot",
        "promises",
        "promises_kept",
        "promises_broken",
        "follow_ups_due",
        "followed_up_on_time",
        "answered_follow_ups",
        "satisfied",
        "repeats",
        "compensation_total",
    ),
    0,
) | {"median_hours": None}


def complaint_numbers(
    db: Database, viewer: Viewer, policy: Policy, period: Period, as_of: datetime | None = None
) -> ComplaintReport:
    """Item 4's numbers over the period's complaints the viewer may see (see the module's
    docstring for the rules; `DEFINITIONS` says each in a sentence):

    - complaints per 1,000 contacts handled = complaints ÷ contacts answered in the period ×
      1,000 (a team's: contacts queued to the team; an agent's: contacts they answered);
    - median hours to resolve = median(resolved_at − received_at) over complaints resolved
      after the contact (not on the spot);
    - resolved on the spot = complaints resolved on the spot ÷ complaints;
    - promises kept = resolved before the promised day ended ÷ promises kept or broken;
    - follow-up compliance = followed up before the due moment ÷ complaints whose due moment
      has passed at `as_of`;
    - satisfied after follow-up = customer satisfied ÷ followed up with an answer recorded;
    - repeat complaints = complaints whose customer (same e-mail, or same phone digits) had
      complained within REPEAT_WITHIN_DAYS before ÷ complaints;
    - compensation given (granted or approved): the total, and by kind and by who decided.

    Owners see every team and agent, supervisors their team's, an agent only their own numbers
    (no teams, no colleague)."""
    now = as_of or datetime.now(UTC)
    team, agent = _scope(viewer, period.team_id)
    where, params = _complaints_where(policy, period, team, agent)
    with db.cursor() as cur:
        result = cur.execute(
            f"WITH {_FACTS.format(where=where)} {_GROUP_COUNTS}",
            [*_facts_params(policy), *params, now, now, now, *GIVEN_STATUSES],
        )
        columns = [column[0] for column in result.description]
        rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
        teams = dict(cur.execute("SELECT id, name FROM teams").fetchall())
        staff = {
            staff_id: (email, name, team_name)
            for staff_id, email, name, team_name in cur.execute(
                "SELECT s.id, s.email, s.name, t.name FROM staff s"
                " LEFT JOIN teams t ON t.id = s.team_id"
            ).fetchall()
        }
        by_kind, by_approver = _compensation(cur, policy, where, params)
    handled = _handled_contacts(db, policy, period, team, agent)
    overall = next((r for r in rows if not r["by_team"] and not r["by_agent"]), EMPTY_COUNTS)
    team_rows = [] if agent is not None else [r for r in rows if r["by_team"]]
    agent_rows = [r for r in rows if r["by_agent"]]
    return ComplaintReport(
        period=period,
        overall=_numbers(overall, handled.get(("all", None), 0)),
        teams=sorted(
            (
                TeamNumbers(
                    team_id=r["team_id"],
                    team=teams.get(r["team_id"]),
                    numbers=_numbers(r, handled.get(("team", r["team_id"]), 0)),
                )
                for r in team_rows
            ),
            key=lambda t: (t.team is None, t.team or ""),
        ),
        agents=sorted(
            (
                AgentNumbers(
                    agent_id=r["handled_by"],
                    email=staff[r["handled_by"]][0],
                    name=staff[r["handled_by"]][1],
                    team=staff[r["handled_by"]][2],
                    numbers=_numbers(r, handled.get(("agent", r["handled_by"]), 0)),
                )
                for r in agent_rows
            ),
            key=lambda a: (a.name, a.email or ""),
        ),
        compensation_by_kind=by_kind,
        compensation_by_approver=by_approver,
    )


def _compensation(
    cur: Database, policy: Policy, where: str, params: list[object]
) -> tuple[list[CompensationLine], list[CompensationLine]]:
    """Compensation given in the scope, by kind (the policy's option names) and by who decided
    (the receiver when it was within their own limit)."""
    statuses = ", ".join("?" for _ in GIVEN_STATUSES)
    rows = cur.execute(
        "SELECT c.compensation_kind, coalesce(d.name, r.name), count(*),"
        " sum(c.compensation_amount)"
        " FROM complaints c"
        " LEFT JOIN staff d ON d.id = c.compensation_decided_by"
        " LEFT JOIN staff r ON r.id = c.received_by"
        f" WHERE {where} AND c.compensation_status IN ({statuses})"
        " GROUP BY ALL",
        [*params, *GIVEN_STATUSES],
    ).fetchall()
    names = {option.id: option.name for option in policy.compensation.options}
    kinds: dict[str, list[float]] = {}
    deciders: dict[str, list[float]] = {}
    for kind, decider, given, total in rows:
        for into, label in ((kinds, names.get(kind, kind)), (deciders, decider or "unknown")):
            line = into.setdefault(label, [0, 0.0])
            line[0] += int(given)
            line[1] += float(total)

    def lines(found: dict[str, list[float]]) -> list[CompensationLine]:
        ordered = sorted(found.items(), key=lambda item: (-item[1][1], item[0]))
        return [
            CompensationLine(label=label, given=int(given), total=round(total, 2))
            for label, (given, total) in ordered
        ]

    return lines(kinds), lines(deciders)


# --- The top problems --------------------------------------------------------------------------


def top_problems(db: Database, viewer: Viewer, policy: Policy, period: Period) -> TopProblems:
    """Every complaint category (the policy's, 'other', and any other stored in either period)
    ranked by its complaints in the period, most first, ties by name; with each one's share of
    the period's complaints, the cumulative share down the ranking (the Pareto line), its
    complaints in the period of the same length just before (`Period.previous`), and the distinct
    prevention suggestions recorded with this period's complaints of it, most recent first."""
    team, agent = _scope(viewer, period.team_id)
    before = period.previous()
    now_where, now_params = _complaints_where(policy, period, team, agent)
    before_where, before_params = _complaints_where(policy, before, team, agent)
    with db.cursor() as cur:
        now = dict(
            cur.execute(
                f"SELECT c.category, count(*) FROM complaints c WHERE {now_where} GROUP BY ALL",
                now_params,
            ).fetchall()
        )
        previous = dict(
            cur.execute(
                f"SELECT c.category, count(*) FROM complaints c WHERE {before_where} GROUP BY ALL",
                before_params,
            ).fetchall()
        )
        suggestions = cur.execute(
            "SELECT category, list(prevention ORDER BY latest DESC, prevention) FROM ("
            "  SELECT c.category, trim(c.prevention) AS prevention, max(c.received_at) AS latest"
            f"  FROM complaints c WHERE {now_where} AND trim(c.prevention) <> ''"
            "  GROUP BY ALL) GROUP BY category",
            now_params,
        ).fetchall()
    prevention = dict(suggestions)
    register = policy.complaints
    categories = [c.id for c in register.categories] + [OTHER_CATEGORY]
    categories += sorted((set(now) | set(previous)) - set(categories))
    total = sum(now.values())
    ranked = sorted(
        categories, key=lambda c: (-now.get(c, 0), register.category_name(c).casefold())
    )
    problems, running = [], 0
    for category in ranked:
        count = int(now.get(category, 0))
        running += count
        problems.append(
            Problem(
                category=category,
                name=register.category_name(category),
                complaints=count,
                share=count / total if total else None,
                cumulative_share=running / total if total else None,
                previous=int(previous.get(category, 0)),
                prevention=list(prevention.get(category, [])),
            )
        )
    return TopProblems(
        period=period,
        previous_period=before,
        complaints=total,
        previous_complaints=sum(previous.values()),
        problems=problems,
    )


# --- `academy report complaints` -----------------------------------------------------------------

AGENT_FIELDS = ["agent", "name", "complaints", "follow_up_compliance", "satisfied_rate"]
# The CSV is one row per agent (the handler of the period's complaints), these columns.
CSV_FIELDS = AGENT_FIELDS


def report_answer(
    db: Database, viewer: Viewer, policy: Policy, period: Period, as_of: datetime | None = None
) -> dict[str, object]:
    """The JSON of `academy report complaints`, exactly in the issue's shape and order: the
    numbers of `complaint_numbers` over the scope, `top_problems` (every category, most first,
    ties by the category's name; `category` is that name) and one entry per agent who handles
    one of the period's complaints (`agent` is their e-mail). Shares and rates are fractions.
    For owners (everyone, or a team) and supervisors (their team): it names agents, so an
    agent, who sees only their own numbers (`complaint_numbers`), may not ask for it."""
    if viewer.role == "agent":
        raise AccessDenied(
            "the complaint report is for owners and supervisors; an agent's own numbers are on "
            "the Complaint numbers page"
        )
    numbers = complaint_numbers(db, viewer, policy, period, as_of)
    problems = top_problems(db, viewer, policy, period)
    overall = numbers.overall
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "complaints": overall.complaints,
        "per_1000_contacts": overall.per_1000_contacts,
        "resolved": overall.resolved,
        "resolved_on_the_spot": overall.on_the_spot.successes,
        "median_hours_to_resolve": overall.median_hours_to_resolve,
        "promises": overall.promises,
        "promises_broken": overall.promises_broken,
        "follow_ups_due": overall.follow_ups.n,
        "followed_up_on_time": overall.follow_ups.successes,
        "follow_up_compliance": overall.follow_ups.value,
        "satisfied_after_follow_up": overall.satisfied.successes,
        "satisfied_rate": overall.satisfied.value,
        "compensation_total": overall.compensation_total,
        "top_problems": [
            {
                "category": problem.name,
                "complaints": problem.complaints,
                "share": problem.share,
                "cumulative_share": problem.cumulative_share,
            }
            for problem in problems.problems
        ],
        "agents": [
            {
                "agent": agent.email,
                "name": agent.name,
                "complaints": agent.numbers.complaints,
                "follow_up_compliance": agent.numbers.follow_ups.value,
                "satisfied_rate": agent.numbers.satisfied.value,
            }
            for agent in numbers.agents
        ],
    }


def csv_rows(answer: dict[str, object]) -> Sequence[dict[str, object]]:
    """The CSV of the report: one row per agent, `CSV_FIELDS`."""
    return answer["agents"]  # type: ignore[return-value]
