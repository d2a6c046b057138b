"""LINE's rate limits, kept by one token bucket per endpoint that every process draws on.

LINE limits each channel per endpoint (push and reply 2,000 requests a second),
sends no headers saying how close a sender is, and cannot raise the limit; it
advises one bucket shared by every sending process, with headroom. The buckets
live in the database every worker already shares. A sender takes a whole
batch's tokens in one statement per endpoint, in the transaction that claims
the batch; a bucket may go into debt, and the sender then waits the debt out
before sending, so processes queue fairly instead of racing for tokens.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, case, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.models import RateBucket
from casework.outbox import Delivery

Wallclock = Callable[[], float]


@dataclass(frozen=True)
class Limit:
    """Requests a second a bucket refills at, and how many it holds when full."""

    per_second: float
    burst: float


def line_limits(per_second: float) -> dict[str, Limit]:
    """The buckets of the endpoints the outbox calls: a quarter of a second's worth held."""
    limit = Limit(per_second=per_second, burst=max(per_second / 4, 1.0))
    return {"line:reply": limit, "line:push": limit}


def bucket_of(delivery: Delivery) -> str:
    return f"{delivery.channel}:{delivery.method}"


def debt_wait(tokens: float, per_second: float) -> float:
    """Seconds to wait before sending when a take left the bucket at ``tokens``."""
    return max(0.0, -tokens / per_second)


_b = RateBucket.__table__.c
_elapsed = case((bindparam("now") > _b.updated_at, bindparam("now") - _b.updated_at), else_=0.0)
_refilled = _b.tokens + bindparam("per_second") * _elapsed
_TAKE = (
    update(RateBucket.__table__)
    .where(_b.name == bindparam("bucket"))
    .values(tokens=case((_refilled > bindparam("burst"), bindparam("burst")), else_=_refilled) - bindparam("n"),
            updated_at=case((bindparam("now") > _b.updated_at, bindparam("now")), else_=_b.updated_at))
    .returning(_b.tokens)
)


class Buckets:
    """The shared buckets, by name; channels without a limit here are not paced."""

    def __init__(self, limits: dict[str, Limit], wallclock: Wallclock = time.time) -> None:
        self.limits = limits
        self.wallclock = wallclock

    def take(self, session: Session, deliveries: Iterable[Delivery]) -> float:
        """Take a token per call about to be made; returns the seconds to wait first."""
        wait = 0.0
        for name, count in sorted(Counter(bucket_of(d) for d in deliveries).items()):
            limit = self.limits.get(name)
            if limit is not None:
                wait = max(wait, debt_wait(self._take(session, name, limit, count), limit.per_second))
        return wait

    def _take(self, session: Session, name: str, limit: Limit, count: int) -> float:
        values = {"bucket": name, "now": self.wallclock(), "per_second": limit.per_second,
                  "burst": limit.burst, "n": count}
        tokens = session.execute(_TAKE, values).scalar()
        if tokens is None:  # the first take ever, maybe by two processes at once: a full bucket
            insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
            session.execute(insert(RateBucket.__table__).values(name=name, tokens=limit.burst, updated_at=values["now"])
                            .on_conflict_do_nothing())
            tokens = session.execute(_TAKE, values).scalar_one()
        return tokens
