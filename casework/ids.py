"""Row ids taken before INSERT, so a sealed value can be bound to its row (docs/keys.md).

PostgreSQL: ``nextval`` of the id column's sequence (BIGSERIAL), one round trip for a batch.
SQLite: the write lock is held from BEGIN (``BEGIN IMMEDIATE``, casework/db.py), so nobody else
inserts meanwhile and ``max(id) + 1`` is free; a high-water mark in ``session.info`` keeps ids
taken in one transaction apart before they are inserted.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.orm import Session

_MARKS = "kaejon.ids"
_NEXTVAL = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


def allocate(session: Session, table: Table, n: int = 1) -> list[int]:
    """``n`` unused ids of ``table``, in increasing order."""
    return allocate_on(session.connection(), session.info, table, n)


def allocate_on(connection: Connection, info: dict[Any, Any], table: Table, n: int = 1) -> list[int]:
    """``allocate`` inside a flush, with the flush's connection and its session's ``info``."""
    if n <= 0:
        return []
    if connection.dialect.name == "postgresql":
        return [int(i) for i in connection.execute(_NEXTVAL, {"table": table.name, "n": n}).scalars()]
    marks: dict[str, int] = info.setdefault(_MARKS, {})
    top = connection.execute(select(func.max(table.c.id))).scalar() or 0
    start = max(top, marks.get(table.name, 0)) + 1
    marks[table.name] = start + n - 1
    return list(range(start, start + n))
