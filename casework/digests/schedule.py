"""When a digest is due: plain rules over a person's choice and the clock."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from casework.thai_time import THAILAND, thai_today
from casework.working_days import is_working_day

DEFAULT_TIME = time(8, 0)
LATE_AFTER = timedelta(minutes=15)  # sent later than this after its time, a digest says it is late


@dataclass(frozen=True)
class Pacing:
    """How late a missed digest may still go (``grace``), how fast bulk sends leave
    (``per_second``; LINE allows far more, this keeps a burst from crowding out answers),
    and whether digests and reminders come every day or on working days only."""

    grace: timedelta = timedelta(hours=4)
    per_second: float = 50.0
    every_day: bool = False

    def send_time(self, start: datetime, index: int) -> datetime:
        """When the ``index``-th message of a run may leave."""
        return start + timedelta(seconds=index / self.per_second)


@dataclass(frozen=True)
class Due:
    """A period whose digest is due now: the day it is for, its time, and whether it is late."""

    day: date
    due_at: datetime
    late: bool

    weekly: bool = False

    @property
    def period(self) -> str:
        """The day it is for, or its ISO week (``2026-W49``) for a weekly digest."""
        if self.weekly:
            year, week, _ = self.day.isocalendar()
            return f"{year}-W{week:02d}"
        return self.day.isoformat()


def due(now: datetime, send_at: time, pacing: Pacing) -> Due | None:
    """The digest due at ``now`` for a person who wants it at ``send_at`` (Thai time): today's
    once its time has come, or yesterday's if its time was missed by less than the grace
    (the clock was down); None if neither. A day that is not a working day has none, unless
    the deployment sends every day."""
    today = thai_today(now)
    for day in (today, today - timedelta(days=1)):
        if not pacing.every_day and not is_working_day(day):
            continue
        due_at = datetime.combine(day, send_at, THAILAND)
        if due_at <= now <= due_at + pacing.grace:
            return Due(day, due_at, late=now - due_at > LATE_AFTER)
    return None


def owed_since(found: Due, started: datetime) -> Due:
    """``found`` for a recipient who began to take digests at ``started``: one whose time
    came before that was not owed then, so sending it now is not late."""
    return replace(found, late=False) if found.late and started > found.due_at else found


def first_working_day(day: date) -> date | None:
    """The first working day of ``day``'s week (Monday, or later after a holiday); None if none."""
    monday = day - timedelta(days=day.weekday())
    return next((monday + timedelta(days=n) for n in range(7) if is_working_day(monday + timedelta(days=n))), None)


def weekly_due(now: datetime, send_at: time, pacing: Pacing) -> Due | None:
    """This week's digest, due on its first working day at ``send_at`` (Thai time), or late
    within the grace."""
    found = due(now, send_at, replace(pacing, every_day=False))
    if found is None or first_working_day(found.day) != found.day:
        return None
    return Due(found.day, found.due_at, found.late, weekly=True)


def key(kind: str, recipient: str, period: str) -> str:
    """The one key of a scheduled send: who, what and for which period."""
    return f"{kind}:{recipient}:{period}"
