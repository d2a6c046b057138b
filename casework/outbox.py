"""The durable outbox: everything Kaejon sends goes through here, exactly once.

A row is one call to a channel. Senders claim due rows with a lease, call the
channel outside any transaction, and record the outcome with a conditional
update; a sender that dies mid-call leaves the row to be reclaimed when its
lease ends. The rules (reply or push, retry or give up) are plain functions.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, bindparam, exists, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from casework.backoff import retry_delay
from casework.crypto import Place, Sealer, Unreadable
from casework.db import walking_index_order
from casework.models import Chat, OutboxMessage

MAX_MESSAGES_PER_CALL = 5
MAX_ATTEMPTS = 10
REPLY_TOKEN_TTL = timedelta(seconds=50)

Method = Literal["reply", "push"]


@dataclass(frozen=True)
class Delivery:
    """A claimed row, as plain data for a transport to send outside the session."""

    id: int
    channel: str
    recipient: str
    messages: list[dict[str, Any]]
    method: Method
    reply_token: str | None
    retry_key: str
    reply_uncertain: bool
    attempts: int


@dataclass(frozen=True)
class Sent:
    status: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Failed:
    """A failed call. ``uncertain`` means the channel may have acted on it anyway."""

    error: str
    status: int | None = None
    permanent: bool = False
    uncertain: bool = False
    retry_after: float | None = None


@dataclass(frozen=True)
class ReplyTokenRejected:
    """LINE refused the reply token: used already, or too old."""

    status: int | None = 400


Outcome = Sent | Failed | ReplyTokenRejected


def batches(messages: list[dict[str, Any]], size: int = MAX_MESSAGES_PER_CALL) -> list[list[dict[str, Any]]]:
    return [messages[i : i + size] for i in range(0, len(messages), size)]


def rows(
    sealer: Sealer,
    *,
    recipient: str,
    messages: list[dict[str, Any]],
    now: datetime,
    reply_token: str | None = None,
    reply_deadline: datetime | None = None,
    source_event_id: int | None = None,
    dedupe_key: str | None = None,
    channel: str = "line",
    not_before: datetime | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows that send messages to one chat, five to a call; only the first call
    may reply. ``not_before`` holds a bulk send back to its place in a paced run.

    A reply token can be used once, so any further calls go as pushes; they are
    sent after the first because a chat's rows leave in order.
    """
    made = []
    for index, chunk in enumerate(batches(messages)):
        retry_key = str(uuid.uuid4())
        made.append({
            "channel": channel,
            "recipient": recipient,
            "body": sealer.seal_json(chunk, Place("outbox", "body", retry_key)),
            "reply_token": reply_token if index == 0 else None,
            "reply_deadline": reply_deadline if index == 0 else None,
            "retry_key": retry_key,
            "dedupe_key": f"{dedupe_key}:{index}" if dedupe_key else None,
            "source_event_id": source_event_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "created_at": now,
        })
    return made


_INSERT = insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id, sort_by_parameter_order=True)


def insert_rows(session: Session, made: list[dict[str, Any]]) -> list[int]:
    """Queue rows made by ``rows``, in one statement however many (a batch of answers, a
    run of digests); returns their ids, in order."""
    if not made:
        return []
    return list(session.execute(_INSERT, made).scalars())


def enqueue(session: Session, sealer: Sealer, **message: Any) -> list[int]:
    """Queue messages for one chat now (see ``rows``); returns the ids of its rows."""
    return insert_rows(session, rows(sealer, **message))


def choose_method(reply_token: str | None, reply_deadline: datetime | None, now: datetime) -> Method:
    """Reply while the token is fresh (replies are free); push otherwise."""
    if reply_token and reply_deadline is not None and now < reply_deadline:
        return "reply"
    return "push"


def _claim_statement():  # type: ignore[no-untyped-def]
    outbox = OutboxMessage.__table__
    earlier = outbox.alias("earlier")
    blocked = exists().where(
        earlier.c.recipient == outbox.c.recipient,
        earlier.c.channel == outbox.c.channel,
        earlier.c.status.in_(("pending", "sending")),
        earlier.c.id < outbox.c.id,
    )
    now = bindparam("now")
    due = or_(
        and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
        and_(outbox.c.status == "sending", outbox.c.lease_until < now),
    )
    return (
        select(outbox.c.id, outbox.c.channel, outbox.c.recipient, outbox.c.body, outbox.c.status,
               outbox.c.method, outbox.c.reply_token, outbox.c.reply_deadline, outbox.c.retry_key,
               outbox.c.reply_uncertain, outbox.c.attempts)
        .where(outbox.c.status.in_(("pending", "sending")), due, ~blocked)
        .order_by(outbox.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True, of=outbox)
    )


_CLAIM = _claim_statement()
_TABLE = OutboxMessage.__table__
_TAKE = (update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
         .values(status="sending", method=bindparam("method"), reply_uncertain=bindparam("uncertain"),
                 attempts=bindparam("attempt"), lease_until=bindparam("lease")))


def claim_due(session: Session, sealer: Sealer, now: datetime, lease: timedelta, limit: int = 1) -> list[Delivery]:
    """Claim up to ``limit`` of the oldest due rows, each of a chat with nothing earlier still open.

    So a batch holds at most one row per chat, and a chat's rows leave in order
    whichever process sends them. A row found in ``sending`` with an ended lease
    was being sent by a process that died: if that was a reply, LINE may have
    delivered it, which the next attempt must take into account (see
    ``record_outcomes``). The caller commits the claim at once and sends outside
    the transaction. Core statements, not the ORM, and a fixed number of them
    per batch: every message sent passes through here.
    """
    connection = session.connection()
    while True:
        with walking_index_order(session, reset=False):
            rows = connection.execute(_CLAIM, {"now": now, "limit": limit}).all()
        if not rows:
            return []
        deliveries = _take(session, sealer, rows, now, lease)
        if deliveries:
            return deliveries


def _take(session: Session, sealer: Sealer, rows: list[Any], now: datetime, lease: timedelta) -> list[Delivery]:
    """Mark claimed rows as being sent, or closed when they cannot be (an unfollowed chat,
    a body that does not open); returns what is to be sent."""
    connection = session.connection()
    methods = [choose_method(row.reply_token, row.reply_deadline, now) for row in rows]
    gone = _unfollowed(session, {row.recipient for row, method in zip(rows, methods) if method == "push"})
    deliveries, taken, closed = [], [], []
    for row, method in zip(rows, methods):
        if method == "push" and row.recipient in gone:
            closed.append({"row_id": row.id, "status": "cancelled", "error": "recipient unfollowed or left"})
            continue
        try:
            messages = sealer.open_json(row.body, Place("outbox", "body", row.retry_key))
        except Unreadable as error:  # copied from another row, damaged, or its key left the ring: never sent
            logging.getLogger("kaejon").error("message dead", extra={"fields": {
                "alert": "message_dead", "outbox_id": row.id, "error": str(error)}})
            closed.append({"row_id": row.id, "status": "dead", "error": "sealed body does not open"})
            continue
        delivery = Delivery(
            id=row.id,
            channel=row.channel,
            recipient=row.recipient,
            messages=messages,
            method=method,
            reply_token=row.reply_token if method == "reply" else None,
            retry_key=row.retry_key,
            reply_uncertain=row.reply_uncertain or (row.status == "sending" and row.method == "reply"),
            attempts=row.attempts + 1,
        )
        deliveries.append(delivery)
        taken.append({"row_id": row.id, "method": method, "uncertain": delivery.reply_uncertain,
                      "attempt": delivery.attempts, "lease": now + lease})
    if taken:
        connection.execute(_TAKE, taken)
    if closed:
        connection.execute(update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(
            status=bindparam("status"), last_error=bindparam("error"), lease_until=None), closed)
    return deliveries


def extend_lease(session: Session, deliveries: list[Delivery], until: datetime) -> None:
    """Keep claimed rows ours until ``until`` (a sender waiting out LINE's rate limit)."""
    session.connection().execute(update(_TABLE).where(_TABLE.c.id.in_([d.id for d in deliveries]))
                                 .values(lease_until=until))


def claim_next(session: Session, sealer: Sealer, now: datetime, lease: timedelta) -> Delivery | None:
    claimed = claim_due(session, sealer, now, lease, 1)
    return claimed[0] if claimed else None


def _unfollowed(session: Session, recipients: set[str]) -> set[str]:
    """Which of these chats unfollowed the bot or removed it: no push may go to them."""
    if not recipients:
        return set()
    return set(session.scalars(select(Chat.line_id).where(Chat.line_id.in_(recipients), Chat.active.is_(False))))


def _outcome_values(delivery: Delivery, outcome: Outcome, now: datetime) -> dict[str, Any]:
    """The row's new columns after this outcome: the retry rules in one place."""
    if isinstance(outcome, Sent):
        return {"status": "sent", "sent_at": now, "last_status": outcome.status,
                "last_error": outcome.note, "lease_until": None}
    if isinstance(outcome, ReplyTokenRejected):
        if delivery.reply_uncertain:
            # An earlier attempt may have reached LINE and spent the token: the
            # token being refused while still fresh means it did.
            return {"status": "sent", "sent_at": now, "last_status": outcome.status,
                    "last_error": "reply presumed delivered by an earlier attempt", "lease_until": None}
        return {"status": "pending", "reply_token": None, "reply_deadline": None,
                "next_attempt_at": now, "last_status": outcome.status,
                "last_error": "reply token refused; sending as push", "lease_until": None}
    if outcome.permanent or delivery.attempts >= MAX_ATTEMPTS:
        return {"status": "dead", "last_status": outcome.status,
                "last_error": outcome.error[:500], "lease_until": None}
    return {
        "status": "pending",
        "next_attempt_at": now + retry_delay(delivery.attempts, retry_after=outcome.retry_after),
        "last_status": outcome.status,
        "last_error": outcome.error[:500],
        "reply_uncertain": delivery.reply_uncertain or (delivery.method == "reply" and outcome.uncertain),
        "lease_until": None,
    }


def record_outcomes(session: Session, results: list[tuple[Delivery, Outcome]], now: datetime) -> list[str]:
    """Store what happened to claimed rows; returns each row's new status, in order.

    Each update is conditional on the claim still being ours (same attempt count,
    still ``sending``), so a sender whose lease ran out cannot overwrite the work
    of the one that took over ("lost_claim"). Rows with the same new values (a
    batch that all went out, say) are updated by one statement.
    """
    new_values = [_outcome_values(delivery, outcome, now) for delivery, outcome in results]
    groups: dict[tuple, list[Delivery]] = {}
    values_of: dict[tuple, dict[str, Any]] = {}
    for (delivery, _), values in zip(results, new_values):
        key = tuple(sorted(values.items()))
        groups.setdefault(key, []).append(delivery)
        values_of[key] = values
    connection = session.connection()
    kept: set[int] = set()
    for key, deliveries in groups.items():
        ours = tuple_(_TABLE.c.id, _TABLE.c.attempts).in_([(d.id, d.attempts) for d in deliveries])
        kept.update(connection.execute(
            update(_TABLE).where(_TABLE.c.status == "sending", ours).values(**values_of[key])
            .returning(_TABLE.c.id)).scalars())
    return [values["status"] if delivery.id in kept else "lost_claim"
            for (delivery, _), values in zip(results, new_values)]


def record_outcome(session: Session, delivery: Delivery, outcome: Outcome, now: datetime) -> str:
    return record_outcomes(session, [(delivery, outcome)], now)[0]


def dead(session: Session, since: datetime | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Rows that will not be sent any more, newest first (the sealed body is not read)."""
    query = select(OutboxMessage).where(OutboxMessage.status == "dead")
    if since is not None:
        query = query.where(OutboxMessage.created_at >= since)
    return list(session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def requeue(session: Session, now: datetime, *, ids: list[int] | None = None,
            since: datetime | None = None) -> int:
    """Put dead rows back in the queue. An expired reply token makes the retry a push
    (``choose_method``); rows that are pending or sent are left alone."""
    table = OutboxMessage.__table__
    query = update(table).where(table.c.status == "dead")
    if ids is not None:
        query = query.where(table.c.id.in_(ids))
    if since is not None:
        query = query.where(table.c.created_at >= since)
    result = session.connection().execute(query.values(status="pending", attempts=0, next_attempt_at=now,
                                                       lease_until=None))
    return result.rowcount or 0


def purge(session: Session, before: datetime, batch: int = 1000) -> int:
    """Delete up to ``batch`` sent, dead or cancelled rows created before ``before``."""
    from sqlalchemy import delete

    table = OutboxMessage.__table__
    ids = list(session.connection().execute(
        select(table.c.id).where(table.c.status.in_(("sent", "dead", "cancelled")), table.c.created_at < before)
        .order_by(table.c.id).limit(batch)).scalars())
    if ids:
        session.connection().execute(delete(table).where(table.c.id.in_(ids)))
    return len(ids)
