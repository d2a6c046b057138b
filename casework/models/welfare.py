"""Each person's status in each welfare programme: who said so, and since when."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class WelfareStatus(Base):
    """A person's current status in a programme (casework/welfare.py STATUSES); each change is audited."""

    __tablename__ = "welfare_statuses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    programme: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    since: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(12))
    recorded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    recorded_by_label: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("person_id", "programme"),)
