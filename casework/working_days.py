"""Working days for service levels: Monday to Friday, less the Thai public holidays in
``casework/data/thai_holidays.yaml`` (substitution days included there)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from casework import data


@lru_cache(maxsize=1)
def holidays() -> dict[date, str]:
    """Every listed holiday and its Thai name."""
    years = data.load("thai_holidays.yaml")
    found: dict[date, str] = {}
    for year, entries in years.items():
        for entry in entries:
            day = entry["date"] if isinstance(entry["date"], date) else date.fromisoformat(str(entry["date"]))
            if day.year != int(year):
                raise ValueError(f"casework/data/thai_holidays.yaml: {day} is listed under {year}")
            found[day] = str(entry["name"])
    return found


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays()


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted);
    ``start`` itself, or the next working day if it is not one, for 0."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
