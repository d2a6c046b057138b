"""People who use Kaejon through LINE, what they may do where, and how they got it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, BigId, UTCDateTime


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # One of casework.agencies.KINDS; None for an agency added before kinds were kept.
    kind: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Account(Base):
    """A LINE user known to Kaejon. Roles come from grants, never from the account itself."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoleGrant(Base):
    """A role over an area: leader of a village, coordinator of a district, staff of an agency."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    area_code: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("agencies.id"))
    # An agency's supervisor: also told when one of its referrals is past its service level.
    supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invite(Base):
    """A one-time, expiring code that grants a staff role when sent in chat. Only its hash is kept."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    area_code: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("agencies.id"))
    supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))


class HouseholdLink(Base):
    """A LINE account linked to a household, only ever by a leader of its area."""

    __tablename__ = "household_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A request: the head's name as the requester typed it (sealed), to compare with the members'.
    requested_name: Mapped[bytes | None] = mapped_column(LargeBinary)
    # An offered code: when its leader was told that codes were being guessed (once per code).
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Consent(Base):
    """A PDPA consent decision, kept with the notice version it answered."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    household_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("households.id"))
    scope: Mapped[str] = mapped_column(String(40))  # personal, sensitive, or share:<agency kind>
    version: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(12))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))

    __table_args__ = (
        Index("ix_consents_account", "account_id", "scope", "decided_at"),
        Index("ix_consents_household", "household_id", "scope", "decided_at"),
    )


class Task(Base):
    """Work for a person, e.g. a data subject's request to correct or erase, due in 30 days."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    area_code: Mapped[str] = mapped_column(String(8), index=True)
    household_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("households.id"))
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    details: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
