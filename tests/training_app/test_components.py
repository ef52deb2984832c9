from __future__ import annotations

from datetime import UTC, datetime

from modules.policy import load_policy
from training_app.components.formatting import count, local_day, local_time
from training_app.components.policy_tables import compensation_limits, targets


def test_stored_utc_moments_are_shown_in_the_organisations_zone() -> None:
    summer = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # Zagreb is UTC+2 in summer
    assert local_time(summer, "Europe/Zagreb") == "02 Jul 2026 00:30"
    assert local_day(datetime(2026, 1, 1, 12, tzinfo=UTC), "Europe/Zagreb") == "01 Jan 2026"
    assert local_time(None, "Europe/Zagreb") == "–"
    assert count(126412) == "126,412"


def test_compensation_limits_read_per_role_with_no_limit_spelled_out() -> None:
    table = compensation_limits(load_policy().policy).set_index("Option")
    credit = table.loc["Account credit"]
    assert (credit["Agent alone"], credit["Supervisor alone"], credit["Owner alone"]) == (
        "25 EUR",
        "100 EUR",
        "no limit",
    )


def test_targets_quote_the_policy() -> None:
    table = targets(load_policy().policy).set_index("Target")["Value"]
    assert table.to_dict() == {
        "Service level": "80%",
        "Resolution rate": "75%",
        "Customer satisfaction": "85%",
        "Complaint follow-up": "3 days",
        "Minimum sample": "30 contacts",
    }


def test_quick_dates_offer_the_last_four_weeks_and_each_month() -> None:
    from datetime import date

    from training_app.components.filters import quick_dates

    choices = quick_dates(date(2026, 9, 15), date(2026, 11, 20))
    assert choices == {
        "Last 28 days": (date(2026, 10, 24), date(2026, 11, 20)),
        "November 2026": (date(2026, 11, 1), date(2026, 11, 20)),  # cut to the stored days
        "October 2026": (date(2026, 10, 1), date(2026, 10, 31)),
        "September 2026": (date(2026, 9, 15), date(2026, 9, 30)),
    }
    assert quick_dates(date(2026, 1, 31), date(2026, 3, 1))["February 2026"] == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
