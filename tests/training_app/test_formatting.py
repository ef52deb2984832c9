"""The formatters every page writes numbers with: differences of rates in percentage points
(worked out here at the rounding edges), samples under the policy's minimum, missing values."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from training_app.components.formatting import (
    MISSING,
    NO_CHANGE,
    points_change,
    points_gap,
    seconds,
    shown,
    signed_points,
    too_few,
)


@pytest.mark.parametrize(
    ("now", "before", "written"),
    [
        (0.75, 0.70, "+5.0 points"),
        (0.70, 0.75, "-5.0 points"),
        (0.812, 0.800, "+1.2 points"),
        # 0.05 points is the edge: it rounds up to 0.1, away from zero on either side.
        (0.8005, 0.8, "+0.1 points"),
        (0.7995, 0.8, "-0.1 points"),
        # Under it the change rounds to zero, and says so: never "-0.0 points".
        (0.80049, 0.8, NO_CHANGE),
        (0.8, 0.80049, NO_CHANGE),
        (0.8, 0.8, NO_CHANGE),
        (1 / 3, 1 / 3 + 1e-12, NO_CHANGE),  # float noise is no change either
    ],
)
def test_a_change_of_a_rate_is_written_in_points(now: float, before: float, written: str) -> None:
    assert points_change(now, before) == written


def test_a_difference_already_worked_out_reads_the_same() -> None:
    assert signed_points(0.0004) == NO_CHANGE
    assert signed_points(-0.0123) == "-1.2 points"
    assert signed_points(float("nan")) is None


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_a_change_with_a_side_missing_is_no_change_at_all(missing: object) -> None:
    assert points_change(missing, 0.7) is None
    assert points_change(0.7, missing) is None


@pytest.mark.parametrize(
    ("gap", "written"),
    [
        (0.45, "45.0 points"),
        (0.123, "12.3 points"),
        (0.0005, "0.1 points"),
        (0.00049, "less than 0.1 points"),
        (None, MISSING),
    ],
)
def test_a_gap_to_the_target_is_written_in_points(gap: float | None, written: str) -> None:
    assert points_gap(gap) == written


def test_too_few_names_the_sample_and_the_minimum() -> None:
    assert too_few(2, 30) == "too few contacts (2 of 30)"
    assert too_few(12, 30, "ratings") == "too few ratings (12 of 30)"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_anything_missing_reads_as_a_dash(missing: object) -> None:
    assert shown(missing) == MISSING == "–"
    assert seconds(missing) == MISSING


def test_values_read_as_themselves() -> None:
    assert shown("Front line") == "Front line"
    assert shown(3) == "3"
    assert shown(datetime(2026, 11, 2, 9, 5)) == "2026-11-02 09:05:00"
    assert seconds(34.6) == "35 s"
