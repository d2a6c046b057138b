"""Service levels count working days: weekends and Thai public holidays do not count."""
from datetime import date

import pytest

from casework.working_days import add_working_days, holidays, is_working_day, working_days_between


def test_songkran_does_not_count():
    # Friday 10 April 2026: Monday to Wednesday are Songkran, so 3 working days end on Monday 20.
    assert add_working_days(date(2026, 4, 10), 3) == date(2026, 4, 20)
    assert working_days_between(date(2026, 4, 10), date(2026, 4, 17)) == 2


def test_new_year_does_not_count():
    # Wednesday 30 December 2026: the 31st and 1 January are holidays, then the weekend.
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)


def test_a_substitution_day_does_not_count():
    # Father's Day falls on Saturday 5 December 2026; Monday 7 is its substitution day.
    assert not is_working_day(date(2026, 12, 7))
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 8)


def test_an_ordinary_week():
    assert add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 23)) == 0


def test_zero_days_is_the_same_or_next_working_day():
    assert add_working_days(date(2026, 11, 25), 0) == date(2026, 11, 25)
    assert add_working_days(date(2026, 4, 11), 0) == date(2026, 4, 16)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 25), -1)


@pytest.mark.parametrize("year", [2026, 2027])
def test_each_year_has_its_holidays_named_in_thai(year):
    named = {day: name for day, name in holidays().items() if day.year == year}
    assert named[date(year, 1, 1)] == "วันขึ้นปีใหม่"
    assert named[date(year, 4, 13)] == "วันสงกรานต์"
    assert len(named) >= 19
