"""Named counters in the database, so that every process hands out the next number once.

The increment is one ``UPDATE ... RETURNING``: the row lock it takes (PostgreSQL) or
the write lock every transaction starts with (SQLite, ``BEGIN IMMEDIATE``) makes a
second caller wait until the first commits or rolls back, and then read its value.
A counter that does not exist yet is inserted; if another process inserted it at
the same moment, the unique name refuses ours and we increment theirs.
"""
from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.models import Counter


def next_value(session: Session, name: str) -> int:
    """The counter's next value, starting at 1; it is spent when the transaction commits."""
    value = _increment(session, name)
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.execute(insert(Counter).values(name=name, value=1))
        return 1
    except IntegrityError:  # created meanwhile by another process: use theirs
        value = _increment(session, name)
        if value is None:
            raise
        return value


def _increment(session: Session, name: str) -> int | None:
    return session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
