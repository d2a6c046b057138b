"""Dates as people read them: Thai in the Buddhist era (B.E. = Gregorian year + 543).

Babel has no Buddhist calendar and its Thai long pattern prints the Christian
era, so the Thai form is assembled here from Babel's month names.
"""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import get_month_names

from casework.thai_time import BUDDHIST_ERA_OFFSET, THAILAND



def buddhist_year(year: int) -> int:
    return year + BUDDHIST_ERA_OFFSET


def format_date(value: date | datetime, language: str, *, short: bool = False) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if language == "th":
        months = get_month_names("abbreviated" if short else "wide", locale="th")
        return f"{value.day} {months[value.month]} {buddhist_year(value.year)}"
    return babel_format_date(value, "medium" if short else "long", locale=language)


def format_moment(value: datetime, language: str, *, short: bool = True) -> str:
    """A moment as people in Thailand read it: the date (Buddhist era in Thai) and the time,
    in Thai time: day, month, year, then hours and minutes."""
    local = value.astimezone(THAILAND)
    return f"{format_date(local, language, short=short)} {local:%H:%M}"
