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

from sqlalchemy import and_, bindparam, exists, or_, select, update
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


def enqueue(
    session: Session,
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
    flush: bool = True,
) -> list[OutboxMessage]:
    """Queue messages for one chat, five to a call; only the first call may reply.
    ``not_before`` holds a bulk send back to its place in a paced run; a bulk run passes
    ``flush=False`` and flushes its batch once.

    A reply token can be used once, so any further calls go as pushes; they are
    sent after the first because a chat's rows leave in order.
    """
    rows = []
    for index, chunk in enumerate(batches(messages)):
        retry_key = str(uuid.uuid4())
        row = OutboxMessage(
            channel=channel,
            recipient=recipient,
            body=sealer.seal_json(chunk, Place("outbox", "body", retry_key)),
            reply_token=reply_token if index == 0 else None,
            reply_deadline=reply_deadline if index == 0 else None,
            retry_key=retry_key,
            dedupe_key=f"{dedupe_key}:{index}" if dedupe_key else None,
            source_event_id=source_event_id,
            status="pending",
            attempts=0,
            next_attempt_at=not_before or now,
            created_at=now,
        )
        session.add(row)
        rows.append(row)
    if flush:
        session.flush()
    return rows


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
        .limit(1)
        .with_for_update(skip_locked=True, of=outbox)
    )


_CLAIM = _claim_statement()


def claim_next(session: Session, sealer: Sealer, now: datetime, lease: timedelta) -> Delivery | None:
    """Claim the oldest due row whose chat has nothing earlier still open.

    A row found in ``sending`` with an ended lease was being sent by a process
    that died: if that was a reply, LINE may have delivered it, which the next
    attempt must take into account (see ``record_outcome``). The caller commits
    the claim at once and sends outside the transaction. Core statements, not
    the ORM: every message sent passes through here.
    """
    connection = session.connection()
    while True:
        with walking_index_order(session, reset=False):
            row = connection.execute(_CLAIM, {"now": now}).first()
        if row is None:
            return None
        method = choose_method(row.reply_token, row.reply_deadline, now)
        if method != "reply" and not _may_push(session, row.recipient):
            _update(session, row.id, status="cancelled", last_error="recipient unfollowed or left", lease_until=None)
            continue
        try:
            messages = sealer.open_json(row.body, Place("outbox", "body", row.retry_key))
            break
        except Unreadable as error:  # copied from another row, damaged, or its key left the ring: never sent
            logging.getLogger("kaejon").error("message dead", extra={"fields": {
                "alert": "message_dead", "outbox_id": row.id, "error": str(error)}})
            _update(session, row.id, status="dead", last_error="sealed body does not open", lease_until=None)
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
    _update(session, row.id, status="sending", method=method, reply_uncertain=delivery.reply_uncertain,
            attempts=delivery.attempts, lease_until=now + lease)
    return delivery


def _update(session: Session, row_id: int, **values: Any) -> int:
    table = OutboxMessage.__table__
    return session.connection().execute(update(table).where(table.c.id == row_id).values(**values)).rowcount


def _may_push(session: Session, recipient: str) -> bool:
    active = session.scalar(select(Chat.active).where(Chat.line_id == recipient))
    return active is not False


def record_outcome(session: Session, delivery: Delivery, outcome: Outcome, now: datetime) -> str:
    """Store what happened to a claimed row; returns the row's new status.

    The update is conditional on the claim still being ours (same attempt count,
    still ``sending``), so a sender whose lease ran out cannot overwrite the work
    of the one that took over.
    """
    values: dict[str, Any]
    if isinstance(outcome, Sent):
        values = {"status": "sent", "sent_at": now, "last_status": outcome.status,
                  "last_error": outcome.note, "lease_until": None}
    elif isinstance(outcome, ReplyTokenRejected):
        if delivery.reply_uncertain:
            # An earlier attempt may have reached LINE and spent the token: the
            # token being refused while still fresh means it did.
            values = {"status": "sent", "sent_at": now, "last_status": outcome.status,
                      "last_error": "reply presumed delivered by an earlier attempt",
                      "lease_until": None}
        else:
            values = {"status": "pending", "reply_token": None, "reply_deadline": None,
                      "next_attempt_at": now, "last_status": outcome.status,
                      "last_error": "reply token refused; sending as push", "lease_until": None}
    elif outcome.permanent or delivery.attempts >= MAX_ATTEMPTS:
        values = {"status": "dead", "last_status": outcome.status,
                  "last_error": outcome.error[:500], "lease_until": None}
    else:
        values = {
            "status": "pending",
            "next_attempt_at": now + retry_delay(delivery.attempts, retry_after=outcome.retry_after),
            "last_status": outcome.status,
            "last_error": outcome.error[:500],
            "reply_uncertain": delivery.reply_uncertain
            or (delivery.method == "reply" and outcome.uncertain),
            "lease_until": None,
        }
    table = OutboxMessage.__table__
    result = session.connection().execute(
        update(table)
        .where(table.c.id == delivery.id, table.c.status == "sending", table.c.attempts == delivery.attempts)
        .values(**values)
    )
    return values["status"] if result.rowcount == 1 else "lost_claim"


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
