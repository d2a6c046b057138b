"""PDPA consent: decisions kept with the notice version they answered.

``personal`` covers what a household shares to be helped; ``sensitive`` is the
separate, explicit consent health and disability data need. A new notice
version asks again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import Consent

NOTICE_VERSION = "2026-11"
ACCEPTED, DECLINED, WITHDRAWN = "accepted", "declined", "withdrawn"


def record(session: Session, *, scope: str, decision: str, channel: str, now: datetime,
           account_id: int | None = None, household_id: int | None = None,
           recorded_by: int | None = None, version: str = NOTICE_VERSION) -> Consent:
    row = Consent(account_id=account_id, household_id=household_id, scope=scope, version=version,
                  decision=decision, channel=channel, decided_at=now, recorded_by=recorded_by)
    session.add(row)
    session.flush()
    return row


def latest(session: Session, *, scope: str, account_id: int | None = None,
           household_id: int | None = None, version: str = NOTICE_VERSION) -> str | None:
    """The latest decision on this version of the notice, or None if never asked."""
    query = select(Consent.decision).where(Consent.scope == scope, Consent.version == version)
    if account_id is not None:
        query = query.where(Consent.account_id == account_id)
    else:
        query = query.where(Consent.household_id == household_id)
    return session.scalar(query.order_by(Consent.decided_at.desc(), Consent.id.desc()).limit(1))


def latest_row(session: Session, *, scope: str, account_id: int | None = None,
               household_id: int | None = None, version: str = NOTICE_VERSION) -> Consent | None:
    """The latest decision on this version of the notice, with when it was made."""
    query = select(Consent).where(Consent.scope == scope, Consent.version == version)
    if account_id is not None:
        query = query.where(Consent.account_id == account_id)
    else:
        query = query.where(Consent.household_id == household_id)
    return session.scalars(query.order_by(Consent.decided_at.desc(), Consent.id.desc()).limit(1)).first()


def given(session: Session, **kwargs: object) -> bool:
    return latest(session, **kwargs) == ACCEPTED  # type: ignore[arg-type]
