from datetime import UTC, date, datetime

import pytest

from metrics import clock


def test_without_a_setting_the_clock_is_the_real_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.CLOCK_VARIABLE, raising=False)
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)


def test_a_set_clock_is_read_in_utc_and_gives_the_local_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 23:30 in London on 15 January is already the 16th in Riga (UTC+2).
    monkeypatch.setenv(clock.CLOCK_VARIABLE, "2027-01-15T23:30:00+00:00")
    assert clock.now() == datetime(2027, 1, 15, 23, 30, tzinfo=UTC)
    assert clock.today("Europe/London") == date(2027, 1, 15)
    assert clock.today("Europe/Riga") == date(2027, 1, 16)


@pytest.mark.parametrize("setting", ["next tuesday", "2027-01-15T09:00:00"])
def test_a_clock_set_wrongly_says_so(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(clock.CLOCK_VARIABLE, setting)
    with pytest.raises(ValueError, match="ACADEMY_NOW"):
        clock.now()
