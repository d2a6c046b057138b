"""Villages (muban, 8-digit codes). Provinces, districts and sub-districts come from geothai."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, UTCDateTime


class Village(Base):
    __tablename__ = "villages"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    subdistrict_code: Mapped[str] = mapped_column(String(6), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
