"""Scheduled sends: who wants a digest when, what the clock has sent, and the clock's runs."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class DigestPreference(Base):
    """A person's choice of digest: the time of day in Thailand, paused or not, on which
    channel, and whether a day with nothing to do still gets a short "all clear".
    No row means the defaults (casework/digests/schedule.py)."""

    __tablename__ = "digest_preferences"

    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"), primary_key=True)
    send_at: Mapped[time] = mapped_column(Time)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(8), default="line")
    all_clear: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed; set when the channel is email
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notice(Base):
    """One scheduled send, decided once: its key (recipient, kind, period) is unique, so a
    second clock, a run by hand or a restart after a crash finds it taken and sends nothing.
    It is written in the same transaction as the outbox rows it queued."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(12))  # queued, condensed, nothing (nothing to say)


class ClockRun(Base):
    """One run of a scheduled job: when it started and ended and what it did."""

    __tablename__ = "clock_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_clock_runs_job", "job", "started_at"),)
