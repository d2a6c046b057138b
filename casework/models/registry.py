"""Households and the people in them.

Direct identifiers (names, citizen IDs, addresses, phones, locations) and health
details are sealed; what screening and area profiles count (village, ages,
incomes, housing, groups) stays in plain columns so it can be computed in bulk.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import VILLAGE_PREFIX, Base, BigId, Json, UTCDateTime


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    village_code: Mapped[str] = mapped_column(String(8))
    address_key: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[bytes] = mapped_column(LargeBinary)
    location: Mapped[bytes | None] = mapped_column(LargeBinary)
    housing_condition: Mapped[str | None] = mapped_column(String(16))
    land: Mapped[str | None] = mapped_column(String(16))
    water: Mapped[str | None] = mapped_column(String(16))
    debt_baht: Mapped[int | None] = mapped_column(Integer)
    savings_baht: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    poverty_group: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # An area is a prefix of village codes: the pattern operator class lets PostgreSQL find
    # ``LIKE '4615%'`` by index whatever the database's collation (migration 0012).
    __table_args__ = (Index("ix_households_village_status", "village_code", "status"),
                      Index("ix_households_village_code", "village_code", postgresql_ops=VILLAGE_PREFIX))


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    citizen_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    citizen_id: Mapped[bytes | None] = mapped_column(LargeBinary)
    thai: Mapped[bool | None] = mapped_column(Boolean)  # from the citizen ID's first digit
    name: Mapped[bytes] = mapped_column(LargeBinary)
    phone: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # casework/finding.py
    education: Mapped[str | None] = mapped_column(String(24))
    occupation: Mapped[str | None] = mapped_column(String(60))
    income_baht_year: Mapped[int | None] = mapped_column(Integer)
    welfare: Mapped[list[str]] = mapped_column(Json, default=list)
    has_disability_card: Mapped[bool | None] = mapped_column(Boolean)
    health: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Assessment(Base):
    """One five-capital assessment of a household; every re-assessment is a new row."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    scores: Mapped[dict[str, float]] = mapped_column(Json, default=dict)
    mean_score: Mapped[float | None] = mapped_column(Float)
    poverty_group: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(12))
    assessed_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A photo sent during verification or with a request for help (``case_id``): recorded
    when it arrives, fetched from LINE's content API by the worker afterwards
    (``status`` pending → stored), kept sealed."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("assessments.id"))
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("visits.id"))  # a visit's photo or voice note
    line_message_id: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    content_type: Mapped[str | None] = mapped_column(String(40))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))


class NameToken(Base):
    """The blind index of members' names: a keyed hash of each normalised name part (first
    name, last name), never the name, so leaders find a household by a member's name while
    names stay sealed (casework/finding.py)."""

    __tablename__ = "name_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id", ondelete="CASCADE"), index=True)
    village_code: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64))

    # A name's tokens in the searcher's areas, by hash and village prefix together.
    __table_args__ = (Index("ix_name_tokens_token_village", "token_hash", "village_code",
                            postgresql_ops=VILLAGE_PREFIX),)
