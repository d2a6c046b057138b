"""Sealing ORM values in their place (table, column, row key) so a value copied to another row
does not open (docs/keys.md, "Associated data").

``seal_into`` on an object whose id is not known yet stores a ``Pending`` marker; just before
its INSERT the object gets an id (casework/ids.py) and the marker becomes the sealed bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper, object_session

from casework import ids
from casework.crypto import Place, Sealer

# Every column that holds sealed bytes: (table, column, the column whose value is the row key
# bound into the ciphertext). The key is the primary key, or a unique key the code has before
# the row exists (so the hot paths need no id first). See docs/keys.md when adding one.
SEALED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("audit_log", "changes", "id"),
    ("inbox_events", "payload", "webhook_event_id"),
    ("outbox", "body", "retry_key"),
    ("conversations", "state", "chat_id"),
    ("households", "address", "id"),
    ("households", "location", "id"),
    ("persons", "citizen_id", "id"),
    ("persons", "name", "id"),
    ("persons", "phone", "id"),
    ("persons", "health", "id"),
    ("assessments", "review_note", "id"),
    ("attachments", "content", "id"),
    ("cases", "details", "id"),
    ("cases", "location", "id"),
    ("case_updates", "note", "id"),
    ("referral_updates", "note", "id"),
    ("visits", "note", "id"),
    ("visits", "location", "id"),
    ("tasks", "details", "id"),
    ("household_links", "requested_name", "id"),
    ("decisions", "inputs", "id"),
    ("digest_preferences", "email", "account_id"),
)

ROW_KEYS: dict[str, str] = {table: key for table, _, key in SEALED_COLUMNS}


@dataclass(frozen=True)
class Pending:
    """A value waiting for its row's id to be sealed (replaced before INSERT)."""

    sealer: Sealer
    value: Any
    as_json: bool


def place_of(obj: Any, column: str) -> Place:
    table = obj.__table__.name
    row = getattr(obj, ROW_KEYS[table])
    if row is None:
        raise ValueError(f"{table} row has no key yet")
    return Place(table, column, row)


def _seal(sealer: Sealer, value: Any, as_json: bool, where: Place) -> bytes:
    return sealer.seal_json(value, where) if as_json else sealer.seal(value, where)


def seal_into(sealer: Sealer, obj: Any, column: str, value: Any, *, as_json: bool = True) -> None:
    """Set ``obj.column`` to ``value`` sealed in its place (JSON, or raw bytes with ``as_json=False``);
    ``None`` clears it."""
    if value is None:
        setattr(obj, column, None)
    elif getattr(obj, ROW_KEYS[obj.__table__.name]) is None:
        setattr(obj, column, Pending(sealer, value, as_json))
    else:
        setattr(obj, column, _seal(sealer, value, as_json, place_of(obj, column)))


def open_from(sealer: Sealer, obj: Any, column: str, *, as_json: bool = True) -> Any:
    """``obj.column`` opened in its place (None stays None); raises ``crypto.Unreadable``."""
    stored = getattr(obj, column)
    if stored is None:
        return None
    if isinstance(stored, Pending):
        return stored.value
    return sealer.open_json(stored, place_of(obj, column)) if as_json else sealer.open(stored, place_of(obj, column))


def _before_insert(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    table = mapper.local_table.name
    if table not in ROW_KEYS:
        return
    pending = any(isinstance(getattr(target, column, None), Pending) for column in _columns(table))
    # On SQLite every new row of the table takes its id here, so a row left to autoincrement in
    # the same flush cannot take an id given to another (PostgreSQL: the sequence serves both).
    if getattr(target, ROW_KEYS[table]) is None and (pending or connection.dialect.name == "sqlite"):
        session = object_session(target)
        assert session is not None
        target.id = ids.allocate_on(connection, session.info, mapper.local_table)[0]
    seal_pending(target)


def seal_pending(obj: Any) -> None:
    """Seal the values ``seal_into`` left pending, now that ``obj`` has its row key."""
    for column in _columns(obj.__table__.name):
        marker = getattr(obj, column, None)
        if isinstance(marker, Pending):
            setattr(obj, column, _seal(marker.sealer, marker.value, marker.as_json, place_of(obj, column)))


def _columns(table: str) -> list[str]:
    return [column for name, column, _ in SEALED_COLUMNS if name == table]


def install(base: type) -> None:
    """Seal pending values of every mapped class derived from ``base`` just before INSERT."""
    event.listen(base, "before_insert", _before_insert, propagate=True)
