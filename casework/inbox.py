"""The durable inbox of webhook events: record once, claim in order, finish once."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, bindparam, exists, select, update
from sqlalchemy.orm import Session, aliased

from casework.backoff import retry_delay
from casework.crypto import Place, Sealer
from casework.db import walking_index_order
from casework.models import InboxEvent
from casework.sealing import open_from

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class EventSummary:
    """What the inbox keeps in plain columns about a raw LINE event."""

    webhook_event_id: str
    event_type: str
    source_type: str | None
    chat_key: str | None
    mode: str
    is_redelivery: bool
    occurred_at: datetime
    stored: bool = False


def summarize(raw: dict[str, Any], received_at: datetime) -> EventSummary:
    """Read the fields the inbox needs, tolerating events of types we do not know.

    An event without ``webhookEventId`` (never seen from LINE, but possible from a
    misbehaving proxy) gets an id from its content, so a repeat is still a repeat.
    """
    event_id = raw.get("webhookEventId")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 64:
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode("utf-8")).hexdigest()
        event_id = "sha256:" + digest[:57]
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    source_type = source.get("type") if isinstance(source.get("type"), str) else None
    chat_key = chat_id_of(source)
    delivery = raw.get("deliveryContext") if isinstance(raw.get("deliveryContext"), dict) else {}
    return EventSummary(
        webhook_event_id=_plain(event_id, 64),
        event_type=_plain(str(raw.get("type") or "unknown"), 32),
        source_type=(source_type or None) and _plain(source_type, 8),
        chat_key=chat_key,
        mode=_plain(str(raw.get("mode") or "active"), 16),
        is_redelivery=bool(delivery.get("isRedelivery", False)),
        occurred_at=_occurred_at(raw.get("timestamp"), received_at),
    )


def _occurred_at(timestamp: Any, received_at: datetime) -> datetime:
    """LINE's milliseconds, or the arrival time when they are not a time (``1e20``, huge ints)."""
    if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool) or not timestamp > 0:
        return received_at
    try:
        return min(datetime.fromtimestamp(timestamp / 1000, timezone.utc), received_at)
    except (OverflowError, OSError, ValueError):
        return received_at


def _plain(text: str, size: int) -> str:
    """A value fit for a plain text column: PostgreSQL refuses NUL in text."""
    return text.replace("\x00", "\ufffd")[:size]


def chat_id_of(source: dict[str, Any]) -> str | None:
    """The id to answer to: the group or room when there is one, else the user."""
    for key in ("groupId", "roomId", "userId"):
        value = source.get(key)
        if isinstance(value, str) and value:
            return _plain(value, 64)
    return None


def record(
    connection: Connection, sealer: Sealer, events: list[dict[str, Any]], now: datetime
) -> list[EventSummary]:
    """Store events in one statement, ignoring any already stored; returns the summaries
    of all of them. Each summary says whether the event was new (``stored``) or a repeat.
    """
    if not events:
        return []
    rows = []
    summaries = []
    for raw in events:
        summary = summarize(raw, now)
        summaries.append(summary)
        if any(row["webhook_event_id"] == summary.webhook_event_id for row in rows):
            continue
        rows.append(
            {
                **{k: v for k, v in summary.__dict__.items() if k != "stored"},
                "received_at": now,
                "payload": sealer.seal_json(raw, Place("inbox_events", "payload", summary.webhook_event_id)),
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
            }
        )
    new_ids = set(connection.exec_driver_sql(_insert_sql(connection.dialect, len(rows)),
                                             _parameters(connection.dialect, rows)).scalars().all())
    result = []
    for summary in summaries:
        is_new = summary.webhook_event_id in new_ids
        new_ids.discard(summary.webhook_event_id)
        result.append(replace(summary, stored=is_new))
    return result


# The webhook's hot path: a driver-level statement, written once per number of rows, with
# the columns' own bind processing. SQLAlchemy's insert costs about twice the whole
# acknowledgement's database work in Python; LINE waits for the acknowledgement.
_COLUMNS = ("webhook_event_id", "event_type", "source_type", "chat_key", "mode", "is_redelivery", "occurred_at",
            "received_at", "payload", "status", "attempts", "next_attempt_at")


@lru_cache(maxsize=64)
def _insert_sql(dialect: Dialect, count: int) -> str:
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    row = "(" + ", ".join([mark] * len(_COLUMNS)) + ")"
    return (f"INSERT INTO {InboxEvent.__tablename__} ({', '.join(_COLUMNS)}) VALUES {', '.join([row] * count)} "
            "ON CONFLICT (webhook_event_id) DO NOTHING RETURNING webhook_event_id")


@lru_cache(maxsize=4)
def _processors(dialect: Dialect) -> tuple[Any, ...]:
    columns = InboxEvent.__table__.c
    return tuple(columns[name].type.bind_processor(dialect) for name in _COLUMNS)


def _parameters(dialect: Dialect, rows: list[dict[str, Any]]) -> tuple[Any, ...]:
    processors = _processors(dialect)
    return tuple(process(row[name]) if process else row[name]
                 for row in rows for name, process in zip(_COLUMNS, processors))


@lru_cache(maxsize=8)
def _claim_statement(limit: int):  # type: ignore[no-untyped-def]
    earlier = aliased(InboxEvent)
    blocked = exists().where(
        earlier.chat_key == InboxEvent.chat_key,
        earlier.status == "pending",
        earlier.id < InboxEvent.id,
    )
    return (
        select(InboxEvent)
        .where(InboxEvent.status == "pending", InboxEvent.next_attempt_at <= bindparam("now"), ~blocked)
        .order_by(InboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=InboxEvent)
    )


def claim_due(session: Session, now: datetime, limit: int = 1) -> list[InboxEvent]:
    """Lock up to ``limit`` of the oldest due events whose chats have no earlier event pending.

    Events of one chat are handled in arrival order (a conversation depends on
    it), so a batch holds at most one event per chat; other chats' events go to
    other workers. On PostgreSQL the rows stay locked (``FOR UPDATE SKIP
    LOCKED``) until the caller's transaction ends, so a worker killed mid-handling
    simply releases them; on SQLite the transaction holds the database's write lock.
    """
    with walking_index_order(session):
        return list(session.scalars(_claim_statement(limit), {"now": now}))


def claim_next(session: Session, now: datetime) -> InboxEvent | None:
    claimed = claim_due(session, now, 1)
    return claimed[0] if claimed else None


def finish(event: InboxEvent, outcome: str, now: datetime, *, handled: bool = True) -> None:
    event.status = "done" if handled else "skipped"
    event.outcome = outcome[:40]
    event.attempts += 1
    event.handled_at = now
    event.error = None


def defer(event: InboxEvent, error: str, now: datetime) -> bool:
    """Push a failed event's next attempt forward; returns False once it is given up."""
    event.attempts += 1
    event.error = error[:500]
    if event.attempts >= MAX_ATTEMPTS:
        event.status = "failed"
        event.handled_at = now
        event.outcome = "gave_up"
        return False
    event.next_attempt_at = now + retry_delay(event.attempts)
    return True


def open_payload(sealer: Sealer, event: InboxEvent) -> dict[str, Any]:
    if event.payload is None:
        return {}
    return open_from(sealer, event, "payload")


def forget_payloads(session: Session, before: datetime) -> int:
    """Drop the raw content of events handled before ``before`` (least data kept)."""
    result = session.execute(
        update(InboxEvent)
        .where(InboxEvent.handled_at < before, InboxEvent.payload.is_not(None))
        .values(payload=None)
    )
    return result.rowcount or 0


def given_up(session: Session, since: datetime | None = None, limit: int = 100) -> list[InboxEvent]:
    """Events the worker gave up on, newest first (plain columns only: no payload is read)."""
    query = select(InboxEvent).where(InboxEvent.status == "failed")
    if since is not None:
        query = query.where(InboxEvent.handled_at >= since)
    return list(session.scalars(query.order_by(InboxEvent.id.desc()).limit(limit)))


def requeue(session: Session, now: datetime, *, ids: list[int] | None = None,
            since: datetime | None = None) -> int:
    """Put given-up events back in the queue, with fresh attempts; already pending or
    handled events are left alone, so running it twice does nothing more."""
    query = update(InboxEvent).where(InboxEvent.status == "failed", InboxEvent.payload.is_not(None))
    if ids is not None:
        query = query.where(InboxEvent.id.in_(ids))
    if since is not None:
        query = query.where(InboxEvent.handled_at >= since)
    result = session.execute(query.values(status="pending", attempts=0, next_attempt_at=now,
                                          handled_at=None, outcome=None))
    return result.rowcount or 0


def purge(session: Session, before: datetime, batch: int = 1000) -> int:
    """Delete up to ``batch`` events finished before ``before``; call again until it returns 0.

    Outbox rows that point at a deleted event keep their own row (the link is dropped)."""
    from sqlalchemy import delete

    from casework.models import OutboxMessage

    ids = list(session.scalars(
        select(InboxEvent.id).where(InboxEvent.status != "pending", InboxEvent.handled_at < before)
        .order_by(InboxEvent.id).limit(batch)))
    if not ids:
        return 0
    session.execute(update(OutboxMessage).where(OutboxMessage.source_event_id.in_(ids)).values(source_event_id=None))
    session.execute(delete(InboxEvent).where(InboxEvent.id.in_(ids)))
    return len(ids)


def erase_message(session: Session, sealer: Sealer, chat_key: str, message_id: str) -> int:
    """Forget the stored payload of the event that brought message ``message_id`` (LINE ``unsend``)."""
    erased = 0
    candidates = session.scalars(select(InboxEvent).where(
        InboxEvent.chat_key == chat_key, InboxEvent.event_type == "message", InboxEvent.payload.is_not(None)))
    for event in candidates:
        message = open_payload(sealer, event).get("message")
        if isinstance(message, dict) and message.get("id") == message_id:
            event.payload = None
            erased += 1
    return erased
