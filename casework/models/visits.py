"""Follow-up visits a leader logs on a household (or one of its cases)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class Visit(Base):
    """What the leader saw (sealed words and place), and when to go back: the household's
    next visit is the latest visit's ``next_visit_on`` (so a date moved is a later visit's)."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"))
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    visited_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[bytes | None] = mapped_column(LargeBinary)
    location: Mapped[bytes | None] = mapped_column(LargeBinary)
    next_visit_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_visits_household", "household_id", "visited_at"),
                      Index("ix_visits_next", "next_visit_on"))
