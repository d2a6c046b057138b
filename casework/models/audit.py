"""Who changed what, when: one row per change, the values sealed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str | None] = mapped_column(String(8))
    changes: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id", "at"),
        Index("ix_audit_log_area", "area_code", "at"),
        Index("ix_audit_log_action", "action", "at"),  # counting failed codes across the service
    )
