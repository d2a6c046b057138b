"""When a digest is due: at the person's time on working days, late within the grace, never
twice a period; a week's on its first working day."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from casework.digests.schedule import Pacing, due, first_working_day, weekly_due
from casework.thai_time import THAILAND

PACING = Pacing(grace=timedelta(hours=4))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), THAILAND)


def test_due_from_its_time_until_the_grace_ends_late_after_a_quarter_of_an_hour():
    thursday = date(2026, 12, 3)
    assert due(at(thursday, 7, 59), time(8), PACING) is None
    assert due(at(thursday, 8), time(8), PACING).late is False
    assert due(at(thursday, 8, 16), time(8), PACING).late is True
    assert due(at(thursday, 12, 1), time(8), PACING) is None
    assert due(at(thursday, 8), time(8), PACING).period == "2026-12-03"


def test_a_missed_evening_digest_is_still_yesterdays_after_midnight():
    found = due(at(date(2026, 12, 4), 1), time(22), PACING)
    assert found is not None and found.period == "2026-12-03" and found.late


def test_weekends_and_holidays_have_none_unless_every_day():
    saturday, holiday = date(2026, 12, 5), date(2026, 12, 10)
    assert due(at(saturday, 9), time(8), PACING) is None
    assert due(at(holiday, 9), time(8), PACING) is None
    assert due(at(saturday, 9), time(8), Pacing(every_day=True)) is not None


def test_a_week_is_due_on_its_first_working_day_and_keyed_by_its_iso_week():
    assert first_working_day(date(2026, 12, 9)) == date(2026, 12, 8)  # Monday the 7th is a substitution holiday
    assert weekly_due(at(date(2026, 12, 7), 9), time(8), PACING) is None
    week = weekly_due(at(date(2026, 12, 8), 9), time(8), PACING)
    assert week is not None and week.period == "2026-W50"
    assert weekly_due(at(date(2026, 12, 9), 9), time(8), PACING) is None


def test_paced_sends_leave_one_per_interval():
    start = at(date(2026, 12, 3), 8)
    assert Pacing(per_second=4).send_time(start, 2) - start == timedelta(seconds=0.5)
