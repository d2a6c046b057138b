"""LINE chats, the inbox of webhook events and the outbox of everything sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class Chat(Base):
    """A LINE chat the bot can send to: a user (1:1), a group or a multi-person room."""

    __tablename__ = "line_chats"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="th")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    followed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A group chat an agency's staff registered, to be told of new referrals (never with personal data).
    agency_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("agencies.id"))


class InboxEvent(Base):
    """One webhook event, stored before LINE gets its 200 and handled later by a worker.

    The raw event is kept sealed (it holds message text and user ids); the columns
    beside it are what the worker needs to order, claim and report without opening it.
    """

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(32))
    source_type: Mapped[str | None] = mapped_column(String(8))
    chat_key: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="active")
    is_redelivery: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    outcome: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_inbox_events_pending",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_inbox_events_pending_chat",
            "chat_key",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_inbox_events_handled_at", "handled_at"),
    )


class OutboxMessage(Base):
    """One call to a sending channel (for LINE: at most five messages to one chat).

    Rows are written in the same transaction as the change that caused them and
    sent afterwards, so nothing is sent for work that rolled back and nothing
    acknowledged is lost. ``retry_key`` is fixed at creation so every retry of a
    push, even after a crash, is recognised by LINE as the same request.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="line")
    recipient: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    reply_token: Mapped[str | None] = mapped_column(String(255))
    reply_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    source_event_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbox_events.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    method: Mapped[str | None] = mapped_column(String(8))
    reply_uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "ix_outbox_open",
            "id",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
        Index(
            "ix_outbox_open_recipient",
            "recipient",
            "id",
            postgresql_where=text("status IN ('pending', 'sending')"),
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
        Index("ix_outbox_source_event_id", "source_event_id"),
    )


class Heartbeat(Base):
    """When a background process (worker, clock) last showed it was alive; read by /healthz/detail."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateBucket(Base):
    """One token bucket per LINE endpoint, shared by every sending process (``casework.rate``)."""

    __tablename__ = "rate_buckets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch, as every process counts them
