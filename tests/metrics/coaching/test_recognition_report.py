"""The monthly recognition report's rankings on hand-made standings: agents are compared only
within their team and channel mix, by the lower end of the interval, and nobody under the
minimum is ranked. Every expected rank below is worked out from the rows in the test."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.coaching import recognition_report as report
from modules.policy import Policy


def standings(rows: list[tuple[int, str, str, str, str, int, float]]) -> pd.DataFrame:
    """(agent_id, name, team, channel_mix, standard, n, low) rows; value and high are only
    shown, so they are set a little above low."""
    frame = pd.DataFrame(
        rows, columns=["agent_id", "name", "team", "channel_mix", "standard", "n", "low"]
    )
    return frame.assign(value=frame["low"] + 0.05, high=frame["low"] + 0.1)[report.STANDING_COLUMNS]


# Team A answers phones and chats; chats are easier: Chloe's and Chris's service levels are
# higher than any phone agent's. Carl has the best number of all but only 2 contacts (the
# policy fixture's minimum is 3). Team B's Bob is alone on the phone.
MONTH = standings(
    [
        (1, "Pam", "A", "phone", "service_level", 50, 0.60),
        (2, "Pete", "A", "phone", "service_level", 40, 0.70),
        (3, "Chloe", "A", "chat", "service_level", 50, 0.90),
        (4, "Chris", "A", "chat", "service_level", 50, 0.85),
        (5, "Carl", "A", "chat", "service_level", 2, 0.95),
        (6, "Bob", "B", "phone", "service_level", 30, 0.50),
        (7, "Phil", "A", "phone", "service_level", 40, 0.70),
    ]
)


def ranks(frame: pd.DataFrame) -> dict[str, tuple[str, str, int]]:
    return {row.name: (row.team, row.channel_mix, row.rank) for row in frame.itertuples()}


def test_a_phone_agent_is_ranked_only_against_phone_agents_of_their_team(policy: Policy) -> None:
    assert policy.standards.min_contacts == 3
    # Phone, team A: Pete and Phil both 0.70 (tie: same n 40, then by name: Pete before Phil),
    # then Pam 0.60. Chat, team A: Chloe 0.90, Chris 0.85; Carl (n 2) is not ranked. Bob
    # is first of team B's phone agents though his number is the lowest of all.
    assert ranks(report.ranked(MONTH, policy)) == {
        "Pete": ("A", "phone", 1),
        "Phil": ("A", "phone", 2),
        "Pam": ("A", "phone", 3),
        "Chloe": ("A", "chat", 1),
        "Chris": ("A", "chat", 2),
        "Bob": ("B", "phone", 1),
    }


def test_top_performers_keep_the_best_few_of_each_group(policy: Policy) -> None:
    many = standings([(n, f"Agent {n}", "A", "chat", "csat", 10, n / 10) for n in range(1, 6)])
    top = report.top_performers(many, policy)
    assert list(top["name"]) == ["Agent 5", "Agent 4", "Agent 3"]
    assert list(top["rank"]) == [1, 2, 3]


def test_most_improved_is_the_rise_of_the_lower_end_within_the_group(policy: Policy) -> None:
    before = standings(
        [
            (1, "Pam", "A", "phone", "service_level", 50, 0.65),  # fell: not listed
            (2, "Pete", "A", "phone", "service_level", 40, 0.50),  # rose 0.20
            (7, "Phil", "A", "phone", "service_level", 40, 0.60),  # rose 0.10
            (3, "Chloe", "A", "chat", "service_level", 2, 0.10),  # too few before: not listed
            (4, "Chris", "A", "chat", "service_level", 50, 0.80),  # rose 0.05
        ]
    )
    improved = report.most_improved(MONTH, before, policy)
    rows = {
        row.name: (row.channel_mix, row.rank, round(row.change, 6)) for row in improved.itertuples()
    }
    assert rows == {
        "Pete": ("phone", 1, 0.2),
        "Phil": ("phone", 2, 0.1),
        "Chris": ("chat", 1, 0.05),
    }


def test_follow_up_compliance_needs_the_stated_minimum_of_due_complaints(policy: Policy) -> None:
    due = report.MIN_DUE_FOLLOW_UPS
    follow_ups = pd.DataFrame(
        {
            "agent_id": [1, 2],
            "name": ["Pam", "Pete"],
            "team": ["A", "A"],
            "value": [1.0, 0.8],
            "n": [due - 1, due],
            "low": [0.5, 0.4],
            "high": [1.0, 0.95],
        }
    )
    mixes = pd.DataFrame({"agent_id": [1, 2], "channel_mix": ["phone", "phone"]})
    top = report.top_performers(report.follow_up_standings(follow_ups, mixes), policy)
    assert list(top["name"]) == ["Pete"]


def test_the_channel_mix_is_the_channel_of_most_handled_contacts() -> None:
    counts = pd.DataFrame(
        {
            "agent_id": [1, 1, 2, 2],
            "channel": ["chat", "phone", "chat", "email"],
            "handled": [10, 10, 7, 3],
        }
    )
    mixes = report.channel_mixes(counts)
    # Agent 1's tie goes to phone (listed first in CHANNELS); agent 2 is mostly on chat.
    assert dict(zip(mixes["agent_id"], mixes["channel_mix"], strict=True)) == {
        1: "phone",
        2: "chat",
    }


def test_the_month_and_the_month_before() -> None:
    period = report.month_period(date(2024, 2, 17))
    assert (period.start, period.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert report.month_before(date(2026, 1, 5)) == date(2025, 12, 1)
    assert report.month_label(date(2026, 11, 1)) == "November 2026"


TEXT = ("name", "team", "channel_mix", "standard")


def test_a_month_with_nobody_to_rank_ranks_nobody(policy: Policy) -> None:
    # As read from the store: typed text columns, no rows (the page failed on this once, when
    # the month before had no contacts at all).
    empty = pd.DataFrame(
        {
            column: pd.Series(dtype="str" if column in TEXT else "float64")
            for column in report.STANDING_COLUMNS
        }
    ).astype({"agent_id": "int32", "n": "int64"})
    assert report.ranked(empty, policy).empty
    assert report.most_improved(empty, empty, policy).empty
