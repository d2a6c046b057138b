"""Entitlement decisions as shown to someone, and the gaps batch screening found."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, Json, UTCDateTime


class Decision(Base):
    """One programme's answer for one person or household, kept with the rule version
    (as written) and the inputs it was judged on, so it can be explained after the
    rules change. Anonymous answers keep no person, household or chat."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    programme: Mapped[str] = mapped_column(String(24))
    rule_version: Mapped[str] = mapped_column(String(48))
    rule_digest: Mapped[str] = mapped_column(String(16))
    rule: Mapped[dict[str, Any]] = mapped_column(Json)
    evaluated_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int | None] = mapped_column(Integer)
    receiving: Mapped[bool] = mapped_column(Boolean)
    inputs: Mapped[bytes] = mapped_column(LargeBinary)
    household_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("households.id"))
    person_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("persons.id"))
    shown_to: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_decisions_household", "household_id", "created_at"),)


class ScreeningRun(Base):
    __tablename__ = "screening_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(8), index=True)
    evaluated_on: Mapped[date] = mapped_column(Date)
    rules: Mapped[str] = mapped_column(String(400))
    persons: Mapped[int] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer)
    gaps: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScreeningGap(Base):
    """A screening run's gaps (eligible but not receiving) in one programme and village,
    packed: the ids, amounts and ages of every gap as little-endian arrays, in the same order.

    Packed because a run over a whole province finds over a million gaps: stored as one
    row per gap they took ten seconds, every row paying a foreign-key check and index
    inserts; as 15,000 rows, one per village and programme, they take under a second (the
    README's "Screening 1,000,000 persons"). And a coordinator reads gaps a village and a
    programme at a time, which is one row here. ``screening.stored_gaps`` decodes them.
    """

    __tablename__ = "screening_gaps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("screening_runs.id", ondelete="CASCADE"))
    programme: Mapped[str] = mapped_column(String(24))
    village_code: Mapped[str] = mapped_column(String(8))
    gaps: Mapped[int] = mapped_column(Integer)                        # how many ids each array holds
    household_ids: Mapped[bytes] = mapped_column(LargeBinary)         # int64
    person_ids: Mapped[bytes | None] = mapped_column(LargeBinary)     # int64; None for household programmes
    amounts: Mapped[bytes | None] = mapped_column(LargeBinary)        # int32 baht, -1 unknown; None for a service
    ages: Mapped[bytes | None] = mapped_column(LargeBinary)           # int16 years, -1 unknown; None for households

    __table_args__ = (Index("ix_screening_gaps_run", "run_id", "programme", "village_code", unique=True),)
