"""A goal before and since its plan, on numbers worked out by hand.

Wilson's 95% interval, z = 1.959964, z² = 3.841459:
centre = (p + z²/2n) ÷ (1 + z²/n), half = z·√(p(1−p)/n + z²/4n²) ÷ (1 + z²/n).

- 20 of 40 (p 0.5): z²/n = 0.096036, centre 0.5, half = 1.959964·√(0.00625 + 0.00060023)
  ÷ 1.096036 = 0.148005 → [0.351995, 0.648005].
- 32 of 40 (p 0.8): centre = (0.8 + 0.048018) ÷ 1.096036 = 0.773713, half = 1.959964·
  √(0.004 + 0.00060023) ÷ 1.096036 = 0.121287 → [0.652427, 0.895000].
- 24 of 40 (p 0.6): centre = 0.648018 ÷ 1.096036 = 0.591239, half = 1.959964·√(0.0066002)
  ÷ 1.096036 = 0.145280 → [0.445959, 0.736517].

Newcombe, after − before, d = p₂ − p₁:
- 20/40 → 32/40: d = 0.3, low = 0.3 − √((0.8 − 0.652427)² + (0.648005 − 0.5)²)
  = 0.3 − √(0.021778 + 0.021905) = 0.3 − 0.209005 = 0.090995 > 0: clear.
- 20/40 → 24/40: d = 0.1, low = 0.1 − √((0.6 − 0.445959)² + 0.148005²) = 0.1 − 0.213621
  = −0.113621; high = 0.1 + √((0.736517 − 0.6)² + (0.5 − 0.351995)²) = 0.1 + 0.201351
  = 0.301351: the interval holds 0, within the noise.
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.coaching.before_after import (
    Side,
    judge_goal,
    newcombe_difference,
    weeks_around,
)

PLAN_DAY = date(2026, 11, 11)  # a Wednesday


def test_the_weeks_are_whole_the_same_number_each_side_and_leave_the_plans_day_out() -> None:
    # 26 Nov: 14 days have ended since the plan's day (12..25 Nov) → two whole weeks.
    weeks = weeks_around(PLAN_DAY, date(2026, 11, 26))
    assert weeks is not None
    assert weeks.weeks == 2
    assert (weeks.since_start, weeks.since_end) == (date(2026, 11, 12), date(2026, 11, 25))
    assert (weeks.before_start, weeks.before_end) == (date(2026, 10, 28), date(2026, 11, 10))
    # 25 Nov: only 13 days have ended → one whole week, 12..18 Nov, against 4..10 Nov.
    one = weeks_around(PLAN_DAY, date(2026, 11, 25))
    assert one is not None and one.weeks == 1
    assert (one.before_start, one.since_end) == (date(2026, 11, 4), date(2026, 11, 18))
    # 18 Nov: six days ended, no whole week yet.
    assert weeks_around(PLAN_DAY, date(2026, 11, 18)) is None


def test_one_goal_before_and_since_with_n_and_intervals_met_and_clear() -> None:
    weeks = weeks_around(PLAN_DAY, date(2026, 11, 26))
    judged = judge_goal(
        "resolution_rate",
        0.75,
        weeks,
        Side.of(20, 40),
        Side.of(32, 40),
        min_contacts=30,
    )
    assert judged.before is not None and judged.since is not None
    assert (judged.before.value, judged.before.n) == (0.5, 40)
    assert judged.before.low == pytest.approx(0.351995, abs=1e-5)
    assert judged.before.high == pytest.approx(0.648005, abs=1e-5)
    assert (judged.since.value, judged.since.n) == (0.8, 40)
    assert judged.since.low == pytest.approx(0.652427, abs=1e-5)
    assert judged.since.high == pytest.approx(0.895000, abs=1e-5)
    assert judged.verdict == "met" and judged.met is True  # 0.8 ≥ 0.75 on 40 ≥ 30
    assert judged.difference == pytest.approx(0.3)
    assert judged.interval is not None
    assert judged.interval[0] == pytest.approx(0.090995, abs=1e-5)
    assert judged.change == "clear improvement"


def test_a_smaller_change_is_within_the_noise() -> None:
    interval = newcombe_difference(Side.of(20, 40), Side.of(24, 40))
    assert interval is not None
    assert interval[0] == pytest.approx(-0.113621, abs=1e-5)
    assert interval[1] == pytest.approx(0.301351, abs=1e-5)
    judged = judge_goal(
        "service_level",
        0.8,
        weeks_around(PLAN_DAY, date(2026, 11, 26)),
        Side.of(20, 40),
        Side.of(24, 40),
        min_contacts=30,
    )
    assert judged.change == "within the noise"
    assert judged.verdict == "not met" and judged.met is False  # 0.6 < 0.8


def test_a_drop_beyond_doubt_is_called_a_drop() -> None:
    judged = judge_goal(
        "csat", 0.5, weeks_around(PLAN_DAY, date(2026, 11, 26)), Side.of(32, 40), Side.of(20, 40),
        min_contacts=30,
    )  # fmt: skip
    assert judged.change == "clear drop"


def test_too_few_contacts_since_the_plan_are_not_judged() -> None:
    # 29 since the plan, the minimum is 30: 29 of 29 is not "met", it is not judged.
    judged = judge_goal(
        "csat", 0.8, weeks_around(PLAN_DAY, date(2026, 11, 26)), Side.of(10, 40), Side.of(29, 29),
        min_contacts=30,
    )  # fmt: skip
    assert judged.verdict == "too few contacts to judge"
    assert judged.met is None
    at_minimum = judge_goal(
        "csat", 0.8, weeks_around(PLAN_DAY, date(2026, 11, 26)), Side.of(10, 40), Side.of(30, 30),
        min_contacts=30,
    )  # fmt: skip
    assert at_minimum.verdict == "met"


def test_no_whole_week_yet_compares_nothing() -> None:
    judged = judge_goal("csat", 0.8, None, None, None, min_contacts=30)
    assert judged.verdict == "no whole week yet"
    assert judged.change == "nothing to compare"
    assert judged.met is None


def test_a_side_without_contacts_has_no_interval_and_no_change() -> None:
    judged = judge_goal(
        "csat", 0.8, weeks_around(PLAN_DAY, date(2026, 11, 26)), Side.of(0, 0), Side.of(35, 40),
        min_contacts=30,
    )  # fmt: skip
    assert judged.before is not None and judged.before.low is None
    assert judged.change == "nothing to compare"
    assert judged.verdict == "met"
