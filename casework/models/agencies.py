"""What an agency handles and where: its services, each with a service level, and the
areas it covers (by area-code prefix). The agency itself is in ``accounts``."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId


class AgencyService(Base):
    """A service an agency handles: accept a referral within ``accept_days`` working days,
    complete it within ``complete_days`` days."""

    __tablename__ = "agency_services"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int] = mapped_column(BigId, ForeignKey("agencies.id"), index=True)
    service: Mapped[str] = mapped_column(String(32))
    accept_days: Mapped[int] = mapped_column(Integer)
    complete_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("agency_id", "service"),)


class AgencyArea(Base):
    """An area an agency covers: a province, district, sub-district or village code."""

    __tablename__ = "agency_areas"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int] = mapped_column(BigId, ForeignKey("agencies.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(8), index=True)

    __table_args__ = (UniqueConstraint("agency_id", "area_code"),)
