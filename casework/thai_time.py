"""Thailand's clock and calendar: the day and year as people there count them."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

THAILAND = timezone(timedelta(hours=7), "ICT")  # no daylight saving
BUDDHIST_ERA_OFFSET = 543  # B.E. year = Gregorian year + 543


def thai_today(now: datetime) -> date:
    """The date in Thailand at ``now``: the day a rule's "from" date and a reference year mean."""
    return now.astimezone(THAILAND).date()


def buddhist_year(gregorian_year: int) -> int:
    return gregorian_year + BUDDHIST_ERA_OFFSET
