"""The ledger of scheduled sends: a key is taken once, in the transaction that queues the
messages, so nothing is sent twice whoever runs the clock and however often."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.digests.schedule import Due
from casework.models import Notice


def claim(session: Session, key: str, *, kind: str, recipient: str, due: Due, outcome: str, now: datetime) -> bool:
    """Take ``key``; False if it was taken already (by another clock, a run by hand, an
    earlier run). On PostgreSQL a second taker waits for the first to commit or roll back."""
    connection = session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = Notice.__table__
    statement = (insert(table)
                 .values(key=key, kind=kind, recipient=recipient, period=due.period, due_at=due.due_at,
                         created_at=now, late=due.late, outcome=outcome)
                 .on_conflict_do_nothing(index_elements=["key"])
                 .returning(table.c.id))
    return connection.execute(statement).first() is not None


def taken(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of these keys are already taken (to skip building what will not be sent)."""
    wanted, found = list(keys), set()
    for start in range(0, len(wanted), 500):
        found.update(session.scalars(select(Notice.key).where(Notice.key.in_(wanted[start:start + 500]))))
    return found


def mark(session: Session, keys: Iterable[str], outcome: str) -> None:
    """Say how claimed keys ended: nothing to say, or a message that could not be built."""
    session.execute(update(Notice).where(Notice.key.in_(list(keys))).values(outcome=outcome))
