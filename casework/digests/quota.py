"""LINE's monthly push quota, as plain numbers, and what to send when it runs low."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RESERVE = 0.1  # keep the last tenth of the month's quota for answers and urgent news


@dataclass(frozen=True)
class Quota:
    """This month's pushes: the limit (None: no limit) and how many were used."""

    limit: int | None
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def is_low(quota: Quota | None, wanted: int) -> bool:
    """Would sending ``wanted`` pushes eat into the reserve? (Unknown quota: no.)"""
    if quota is None or quota.limit is None:
        return False
    remaining = quota.remaining or 0
    return remaining - wanted < quota.limit * RESERVE


def condense(waiting: Sequence[Any]) -> list[Any]:
    """Near the limit only what needs acting on goes: reminders, escalations and digests
    with something overdue or new; no "all clear", no group counts, no "due this week" alone."""
    return [item for item in waiting if item.urgent]
