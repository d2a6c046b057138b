"""How long the inbox and outbox keep rows, and the job that deletes older ones.

Periods come from the environment: ``KAEJON_INBOX_KEEP_DAYS`` (handled events,
default 90) and ``KAEJON_OUTBOX_KEEP_DAYS`` (sent, dead and cancelled messages,
default 90). Payloads are dropped earlier still (``KAEJON_INBOX_RETENTION_DAYS``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from casework import inbox, outbox

BATCH = 1000


@dataclass(frozen=True)
class Periods:
    inbox: timedelta = timedelta(days=90)
    outbox: timedelta = timedelta(days=90)


def periods(environ: Mapping[str, str] | None = None) -> Periods:
    env = os.environ if environ is None else environ
    return Periods(inbox=timedelta(days=int(env.get("KAEJON_INBOX_KEEP_DAYS", "90"))),
                   outbox=timedelta(days=int(env.get("KAEJON_OUTBOX_KEEP_DAYS", "90"))))


def purge_batch(session: Session, now: datetime, keep: Periods, batch: int = BATCH) -> tuple[int, int]:
    """Delete one batch of old inbox and outbox rows; (events, messages) deleted. Repeat
    until both are 0, committing between batches so locks stay short."""
    messages = outbox.purge(session, now - keep.outbox, batch)
    events = inbox.purge(session, now - keep.inbox, batch)
    return events, messages
