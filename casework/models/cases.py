"""A household's requests for help (cases), what happened to each, and the counters
that number them.

What the household wrote and where it is are sealed; the need, the status and the
dates stay plain so leaders' lists and area figures can be counted in bulk.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class Case(Base):
    """One request: "Ask for help" or a message handed to the leader. ``ref`` is what people quote."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"))
    need: Mapped[str] = mapped_column(String(16))
    details: Mapped[bytes | None] = mapped_column(LargeBinary)
    location: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_cases_household", "household_id", "updated_at"),)


class CaseUpdate(Base):
    """One step in a case's life: opened, acknowledged, a note, a reply relayed, closed."""

    __tablename__ = "case_updates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    note: Mapped[bytes | None] = mapped_column(LargeBinary)
    by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Counter(Base):
    """A named sequence shared by every process (e.g. a year's case numbers)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
