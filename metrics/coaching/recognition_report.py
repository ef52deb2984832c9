"""The monthly recognition report: who served best, who improved most, whose coaching goals were
met, and whose complaint follow-ups were on time, in one calendar month (local dates).

Fair comparison is the point of it, so every ranking compares an agent only with agents of the
same **team and channel mix**. An agent's channel mix is the channel that carried most of the
contacts they handled in the month (a tie goes to the channel listed first in `CHANNELS`: phone,
chat, e-mail, social); a phone agent is never ranked against a chat agent, whose numbers are
easier, nor one team against another. Within each team × mix group, agents are ranked by the
lower end of the rate's 95% Wilson interval (as `metrics.performance.recognition` does), so a
long record beats a short lucky streak; ties go to the larger n, then the name.

Minimum samples: nobody is ranked on a standard whose n (handled contacts for service level and
resolution, ratings for CSAT) is below the policy's `standards.min_contacts`, or, for follow-up
compliance, on fewer than `MIN_DUE_FOLLOW_UPS` complaints whose follow-up fell due.

Most improved: agents ranked on a standard in both this month and the month before (each side
at least the minimum), by the rise of the interval's lower end; only rises above zero are
listed. The group is the agent's team and channel mix this month.

Goals met: per agent, the goals of coaching plans closed in the month, and how many were met.

The ranking functions are pure (frames in, frames out) and tested on hand-made frames; only the
reads at the bottom touch the store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, timedelta

import pandas as pd

from metrics import clock
from metrics.complaints.report import complaint_numbers
from metrics.people import AccessDenied, Viewer, visible_team_id
from metrics.performance.agents import agent_metrics
from metrics.performance.period import Period, scope_sql, visible_period
from metrics.store import Database
from modules.defaults import CHANNELS, MONTH_NAMES
from modules.policy import Policy

# The contact standards and the rate's denominator the minimum applies to.
CONTACT_STANDARDS = {"service_level": "handled", "resolution_rate": "handled", "csat": "ratings"}
FOLLOW_UP = "follow_up_compliance"
STANDARD_LABELS = {
    "service_level": "Service level",
    "resolution_rate": "Resolution",
    "csat": "CSAT",
    FOLLOW_UP: "Follow-up compliance",
}
# A month's complaints per agent are few; under five due follow-ups one late call swings the
# rate by 20 points or more, which is luck, not a record worth ranking.
MIN_DUE_FOLLOW_UPS = 5
# The report names the best few of each group, not a league table of everyone.
TOP_PER_GROUP = 3
NO_CONTACTS = "no contacts"

STANDING_COLUMNS = [
    "agent_id",
    "name",
    "team",
    "channel_mix",
    "standard",
    "value",
    "n",
    "low",
    "high",
]


def month_period(month: date) -> Period:
    """The calendar month that `month` falls in, as local dates."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(start=first, end=following - timedelta(days=1))


def month_before(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def channel_mixes(handled_by_channel: pd.DataFrame) -> pd.DataFrame:
    """Each agent's channel mix from (agent_id, channel, handled) rows: the channel with most
    handled contacts, a tie going to the channel first in `CHANNELS`. Columns agent_id,
    channel_mix."""
    if handled_by_channel.empty:
        return pd.DataFrame({"agent_id": pd.Series(dtype="int64"), "channel_mix": []})
    order = {channel: position for position, channel in enumerate(CHANNELS)}
    ranked = handled_by_channel.assign(order=handled_by_channel["channel"].map(order))
    ranked = ranked.sort_values(["agent_id", "handled", "order"], ascending=[True, False, True])
    first = ranked.drop_duplicates("agent_id")
    return first.rename(columns={"channel": "channel_mix"})[["agent_id", "channel_mix"]]


def contact_standings(agents: pd.DataFrame, mixes: pd.DataFrame) -> pd.DataFrame:
    """One row per agent and contact standard (`STANDING_COLUMNS`) from `agent_metrics`'s
    frame: the rate, its n and interval, with the agent's channel mix."""
    parts = [
        pd.DataFrame(
            {
                "agent_id": agents["agent_id"],
                "name": agents["name"],
                "team": agents["team"],
                "standard": standard,
                "value": agents[standard],
                "n": agents[denominator],
                "low": agents[f"{standard}_low"],
                "high": agents[f"{standard}_high"],
            }
        )
        for standard, denominator in CONTACT_STANDARDS.items()
    ]
    return _with_mix(pd.concat(parts, ignore_index=True) if parts else _empty(), mixes)


def follow_up_standings(follow_ups: pd.DataFrame, mixes: pd.DataFrame) -> pd.DataFrame:
    """Standings for follow-up compliance from (agent_id, name, team, value, n, low, high)."""
    return _with_mix(follow_ups.assign(standard=FOLLOW_UP), mixes)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in STANDING_COLUMNS})


def _with_mix(standings: pd.DataFrame, mixes: pd.DataFrame) -> pd.DataFrame:
    merged = standings.drop(columns=["channel_mix"], errors="ignore").merge(
        mixes, on="agent_id", how="left"
    )
    merged["channel_mix"] = merged["channel_mix"].fillna(NO_CONTACTS)
    merged["team"] = merged["team"].fillna("no team")
    return merged[STANDING_COLUMNS]


def minimum(standard: str, policy: Policy) -> int:
    """The smallest n an agent is ranked on for this standard."""
    return MIN_DUE_FOLLOW_UPS if standard == FOLLOW_UP else policy.standards.min_contacts


def ranked(standings: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The standings with enough samples, ranked 1, 2, … within each standard × team × channel
    mix group by the interval's lower end (ties: larger n, then name)."""
    # Typed by hand: mapping an empty text column gives an empty text column, which cannot be
    # compared with n (a month with nobody to rank).
    minimums = pd.Series(
        [minimum(standard, policy) for standard in standings["standard"]],
        index=standings.index,
        dtype="int64",
    )
    eligible = standings[(standings["n"] >= minimums) & standings["low"].notna()]
    eligible = eligible.sort_values(
        ["standard", "team", "channel_mix", "low", "n", "name"],
        ascending=[True, True, True, False, False, True],
    )
    rank = eligible.groupby(["standard", "team", "channel_mix"]).cumcount() + 1
    return eligible.assign(rank=rank.astype("int64")).reset_index(drop=True)


def top_performers(standings: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The best `TOP_PER_GROUP` of each standard × team × channel mix group (see `ranked`)."""
    table = ranked(standings, policy)
    return table[table["rank"] <= TOP_PER_GROUP].reset_index(drop=True)


def most_improved(now: pd.DataFrame, before: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Agents ranked on a standard both months, by the rise of the interval's lower end
    (`change` = low now − low before, above zero only), ranked within this month's standard ×
    team × channel mix group; the best `TOP_PER_GROUP` of each. Adds value_before, n_before,
    low_before, high_before."""
    this_month = ranked(now, policy).drop(columns="rank")
    last_month = ranked(before, policy)[["agent_id", "standard", "value", "n", "low", "high"]]
    both = this_month.merge(last_month, on=["agent_id", "standard"], suffixes=("", "_before"))
    both["change"] = both["low"] - both["low_before"]
    both = both[both["change"] > 0].sort_values(
        ["standard", "team", "channel_mix", "change", "n", "name"],
        ascending=[True, True, True, False, False, True],
    )
    rank = both.groupby(["standard", "team", "channel_mix"]).cumcount() + 1
    both = both.assign(rank=rank.astype("int64"))
    return both[both["rank"] <= TOP_PER_GROUP].reset_index(drop=True)


@dataclass(frozen=True)
class RecognitionReport:
    month: date  # the first day of the month
    top: pd.DataFrame  # `top_performers`
    improved: pd.DataFrame  # `most_improved`
    goals: pd.DataFrame  # `goals_met`
    follow_ups: pd.DataFrame  # `top_performers` of follow-up compliance
    min_contacts: int
    demo: bool  # figures come from demo rows


def monthly_report(db: Database, viewer: Viewer, policy: Policy, month: date) -> RecognitionReport:
    """The report for the calendar month of `month`: an owner's covers everyone, a supervisor's
    their team; agents are refused (it ranks colleagues)."""
    if viewer.role == "agent":
        raise AccessDenied("the recognition report is for supervisors and owners")
    period = visible_period(viewer, month_period(month))
    previous = replace(month_period(month_before(month)), team_id=period.team_id)
    mixes = channel_mixes(handled_by_channel(db, policy, period))
    now = contact_standings(agent_metrics(db, viewer, policy, period), mixes)
    before = contact_standings(agent_metrics(db, viewer, policy, previous), mixes)
    follow_ups = follow_up_standings(follow_up_rates(db, viewer, policy, period), mixes)
    return RecognitionReport(
        month=period.start,
        top=top_performers(now, policy),
        improved=most_improved(now, before, policy),
        goals=goals_met(db, viewer, policy, period),
        follow_ups=top_performers(follow_ups, policy),
        min_contacts=policy.standards.min_contacts,
        demo=_from_demo_rows(db, policy, period),
    )


def handled_by_channel(db: Database, policy: Policy, period: Period) -> pd.DataFrame:
    """(agent_id, channel, handled) over the period's handled contacts."""
    where, params = scope_sql(policy, period)
    with db.cursor() as cur:
        return cur.execute(
            f"SELECT i.agent_id, i.channel, count(*) AS handled FROM interactions i"
            f" WHERE {where} AND i.answered_at IS NOT NULL AND i.agent_id IS NOT NULL"
            " GROUP BY ALL",
            params,
        ).df()


def follow_up_rates(db: Database, viewer: Viewer, policy: Policy, period: Period) -> pd.DataFrame:
    """Each agent's follow-up compliance in the month, from the complaint register, as it stood
    at the month's end (or now, for the month under way)."""
    month_end = period.bounds(policy.business_hours.timezone)[1].astimezone(UTC)
    as_of = min(month_end, clock.now())
    report = complaint_numbers(db, viewer, policy, period, as_of=as_of)
    rows = [
        {
            "agent_id": agent.agent_id,
            "name": agent.name,
            "team": agent.team,
            "value": agent.numbers.follow_ups.value,
            "n": agent.numbers.follow_ups.n,
            "low": agent.numbers.follow_ups.low,
            "high": agent.numbers.follow_ups.high,
        }
        for agent in report.agents
    ]
    columns = ["agent_id", "name", "team", "value", "n", "low", "high"]
    return pd.DataFrame(rows, columns=columns)


def goals_met(db: Database, viewer: Viewer, policy: Policy, period: Period) -> pd.DataFrame:
    """Per agent, the goals of coaching plans closed in the period: goals (closed) and met.
    Columns agent_id, name, team, goals, met; most met first."""
    team = visible_team_id(viewer, period.team_id)
    first, after = period.bounds(policy.business_hours.timezone)
    with db.cursor() as cur:
        return cur.execute(
            "SELECT p.agent_id, s.name, coalesce(t.name, 'no team') AS team,"
            " count(*) AS goals, count(*) FILTER (WHERE g.met) AS met"
            " FROM coaching_plans p JOIN coaching_goals g ON g.plan_id = p.id"
            " JOIN staff s ON s.id = p.agent_id LEFT JOIN teams t ON t.id = s.team_id"
            " WHERE p.closed_at >= ? AND p.closed_at < ? AND (? IS NULL OR s.team_id = ?)"
            " GROUP BY ALL ORDER BY met DESC, goals DESC, s.name",
            [first, after, team, team],
        ).df()


def _from_demo_rows(db: Database, policy: Policy, period: Period) -> bool:
    where, params = scope_sql(policy, period)
    with db.cursor() as cur:
        row = cur.execute(
            f"SELECT coalesce(bool_or(i.is_demo), false) FROM interactions i WHERE {where}", params
        ).fetchone()
    return bool(row and row[0])


REPORT_COLUMNS = [
    "section",
    "standard",
    "team",
    "channel_mix",
    "rank",
    "agent",
    "value",
    "n",
    "low",
    "high",
    "value_before",
    "n_before",
    "low_before",
    "high_before",
    "change",
    "goals",
    "goals_met",
]


def report_rows(report: RecognitionReport) -> pd.DataFrame:
    """The whole report as one table (`REPORT_COLUMNS`), for the CSV: one row per ranked agent
    and section (top performers, most improved, follow-up compliance, goals met)."""
    parts = []
    for section, frame in [
        ("top performers", report.top),
        ("most improved", report.improved),
        ("follow-up compliance", report.follow_ups),
    ]:
        if not frame.empty:
            parts.append(
                frame.assign(section=section, standard=frame["standard"].map(STANDARD_LABELS))
            )
    if not report.goals.empty:
        parts.append(
            report.goals.assign(section="goals met", standard="coaching goals").rename(
                columns={"met": "goals_met"}
            )
        )
    if not parts:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    table = pd.concat(parts, ignore_index=True).rename(columns={"name": "agent"})
    return table.reindex(columns=REPORT_COLUMNS)


def month_label(month: date) -> str:
    """The month as people say it, the same on every server (no locale)."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"
