"""The ledger of scheduled sends: a key is taken once, in the transaction that queues the
messages, so nothing is sent twice whoever runs the clock and however often."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.digests.schedule import Due
from casework.models import Notice

Wanted = tuple[str, str, str, Due]  # key, kind, recipient, when


def claim(session: Session, wanted: Sequence[Wanted], now: datetime) -> set[str]:
    """Take these keys; return those taken now (the rest were taken already: by another
    clock, a run by hand, an earlier run). One statement, keys in sorted order, so two
    clocks claiming overlapping batches wait for one another instead of deadlocking; on
    PostgreSQL the second waits for the first to commit or roll back."""
    if not wanted:
        return set()
    connection = session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = Notice.__table__
    rows = [{"key": key, "kind": kind, "recipient": recipient, "period": due.period, "due_at": due.due_at,
             "created_at": now, "late": due.late, "outcome": "queued"}
            for key, kind, recipient, due in sorted(set(wanted), key=lambda one: one[0])]
    statement = insert(table).values(rows).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    return set(connection.execute(statement).scalars())


def taken(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of these keys are already taken (to skip building what will not be sent)."""
    wanted, found = list(keys), set()
    for start in range(0, len(wanted), 500):
        found.update(session.scalars(select(Notice.key).where(Notice.key.in_(wanted[start:start + 500]))))
    return found


def mark(session: Session, keys: Iterable[str], outcome: str) -> None:
    """Say how claimed keys ended: nothing to say, or a message that could not be built."""
    session.execute(update(Notice).where(Notice.key.in_(list(keys))).values(outcome=outcome))


def purge(session: Session, before: datetime, batch: int = 1000) -> int:
    """Forget up to ``batch`` notices decided before ``before`` (long past any grace window)."""
    ids = list(session.scalars(select(Notice.id).where(Notice.created_at < before).order_by(Notice.id).limit(batch)))
    if ids:
        session.execute(delete(Notice).where(Notice.id.in_(ids)))
    return len(ids)
