"""How long the inbox and outbox keep rows, and the job that deletes older ones.

The periods are settings (``KAEJON_INBOX_KEEP_DAYS`` for handled events and
``KAEJON_OUTBOX_KEEP_DAYS`` for sent, dead and cancelled messages, 90 days each; bot/config.py).
Payloads are dropped earlier still (``KAEJON_INBOX_RETENTION_DAYS``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from casework import inbox, outbox

BATCH = 1000


@dataclass(frozen=True)
class Periods:
    inbox: timedelta = timedelta(days=90)
    outbox: timedelta = timedelta(days=90)


def purge_batch(session: Session, now: datetime, keep: Periods, batch: int = BATCH) -> tuple[int, int]:
    """Delete one batch of old inbox and outbox rows; (events, messages) deleted. Repeat
    until both are 0, committing between batches so locks stay short."""
    messages = outbox.purge(session, now - keep.outbox, batch)
    events = inbox.purge(session, now - keep.inbox, batch)
    return events, messages
