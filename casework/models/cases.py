"""Cases (one household need each, whatever its origin), what happened to each, the
intervention plans they come from, referrals to agencies, and the counters that number them.

What people wrote and where a household is are sealed; needs, services, statuses and
dates stay plain so queues, lists and area figures can be counted in bulk.
"""
from __future__ import annotations

from datetime import datetime

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import VILLAGE_PREFIX, Base, BigId, UTCDateTime


class Case(Base):
    """One household need: a request ("Ask for help", a message handed to the leader), an
    item of its plan (a welfare gap, community support, income, a job), a need a leader
    recorded on a visit, or the welfare case of a group 1 household. ``ref`` is what people
    quote. ``version`` counts changes: an update made on an older version is refused
    (casework/cases.py), so two people acting at once never lose one another's change."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"))
    # The household's village, kept with the case (as with referrals) so that an area's open
    # cases are found by index without reading every household of the area (migration 0012).
    village_code: Mapped[str] = mapped_column(String(8))
    need: Mapped[str] = mapped_column(String(16))
    details: Mapped[bytes | None] = mapped_column(LargeBinary)
    location: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(12), default="request")
    track: Mapped[str | None] = mapped_column(String(12))         # casework/plans.py TRACKS
    service: Mapped[str | None] = mapped_column(String(32))       # casework/data/services.yaml
    programme: Mapped[str | None] = mapped_column(String(24))     # a welfare programme's id
    person_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("persons.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_cases_household", "household_id", "updated_at"),
                      Index("ix_cases_status", "status", "updated_at"),
                      Index("ix_cases_village_status", "village_code", "status", "updated_at",
                            postgresql_ops=VILLAGE_PREFIX))

    __mapper_args__ = {"version_id_col": version}


class CaseUpdate(Base):
    """One step in a case's life (a transition of ``casework.cases.TRANSITIONS``): who, when, the status after, a note."""

    __tablename__ = "case_updates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    note: Mapped[bytes | None] = mapped_column(LargeBinary)
    by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Plan(Base):
    """A household's intervention plan, proposed from its group, capital scores and welfare
    gaps (casework/plans.py), reviewed by a leader; approving it makes its kept items cases.
    ``case_id``: the request it was made from, which the first kept item for its need takes over."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    status: Mapped[str] = mapped_column(String(12))
    made_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlanItem(Base):
    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    track: Mapped[str] = mapped_column(String(12))
    need: Mapped[str] = mapped_column(String(16))
    service: Mapped[str | None] = mapped_column(String(32))
    programme: Mapped[str | None] = mapped_column(String(24))
    person_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("persons.id", ondelete="SET NULL"))
    kept: Mapped[bool] = mapped_column(Boolean, default=True)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))


class Referral(Base):
    """A case passed to an agency for a service (casework/referrals.py). ``agency_id`` is None
    while the area's coordinator picks one (no agency covers it); the due dates are set when
    it is sent, from the agency's service level."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    village_code: Mapped[str] = mapped_column(String(8))
    agency_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("agencies.id"))
    service: Mapped[str] = mapped_column(String(32))
    programme: Mapped[str | None] = mapped_column(String(24))
    person_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("persons.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    made_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accept_due: Mapped[date | None] = mapped_column(Date)
    complete_due: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_referrals_agency_status", "agency_id", "status", "sent_at"),
                      Index("ix_referrals_village_status", "village_code", "status",
                            postgresql_ops=VILLAGE_PREFIX))

    __mapper_args__ = {"version_id_col": version}


class ReferralUpdate(Base):
    """One step of a referral: who, when, the status after, and a note (a reason, an
    outcome's words), sealed."""

    __tablename__ = "referral_updates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    referral_id: Mapped[int] = mapped_column(BigId, ForeignKey("referrals.id"), index=True)
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
