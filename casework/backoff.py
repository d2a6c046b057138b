"""When to try again: one policy shared by the inbox and the outbox."""
from __future__ import annotations

import random
from datetime import timedelta

MAX_DELAY_SECONDS = 300.0


def retry_delay(attempts: int, *, retry_after: float | None = None, base: float = 1.0) -> timedelta:
    """Exponential backoff with jitter; a server's ``Retry-After`` wins when longer.

    Jitter spreads retries from several workers so they do not hit LINE together
    after an outage.
    """
    exponent = max(attempts - 1, 0)
    delay = min(base * (2**exponent), MAX_DELAY_SECONDS)
    delay *= random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_DELAY_SECONDS))
    return timedelta(seconds=delay)
