"""Each person's status in each welfare programme: eligible not enrolled → applied →
receiving → stopped, or not eligible; with the day it began and who said so (a leader on
site, an agency completing a referral, an import).

``Person.welfare``, the list of what a person receives that screening and "My rights"
read, is kept in step here: "receiving" puts the programme in it, any other status takes
it out. So recording "receiving" closes the gap in both at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.crypto import Sealer
from casework.entitlements.facts import RECEIVED
from casework.errors import Refused
from casework.models import Household, Person, WelfareStatus
from casework.thai_time import thai_today

ELIGIBLE, APPLIED, RECEIVING, STOPPED, NOT_ELIGIBLE = "eligible", "applied", "receiving", "stopped", "not_eligible"
STATUSES = (ELIGIBLE, APPLIED, RECEIVING, STOPPED, NOT_ELIGIBLE)
SOURCES = ("chat", "import", "referral", "command")
SENSITIVE = frozenset({"disability"})  # recording it reveals a disability: the household's explicit consent first


class WelfareError(Refused):
    """``bad_programme``, ``bad_status``, ``future_date``, ``needs_sensitive_consent``."""


@dataclass(frozen=True)
class Status:
    person_id: int
    programme: str
    status: str
    since: date
    source: str
    recorded_by: str


def record(session: Session, sealer: Sealer, *, person: Person, programme: str, status: str, since: date,
           source: str, actor_label: str, account_id: int | None, now: datetime) -> WelfareStatus:
    """Set ``person``'s status in ``programme`` from ``since`` (audited), and what they receive with it."""
    if programme not in RECEIVED:
        raise WelfareError("bad_programme")
    if status not in STATUSES or source not in SOURCES:
        raise WelfareError("bad_status")
    if since > thai_today(now):
        raise WelfareError("future_date")
    row = session.scalar(select(WelfareStatus).where(WelfareStatus.person_id == person.id,
                                                     WelfareStatus.programme == programme))
    before = (row.status, row.since.isoformat()) if row is not None else (None, None)
    if row is None:
        row = WelfareStatus(person_id=person.id, household_id=person.household_id, programme=programme)
        session.add(row)
    row.status, row.since, row.source = status, since, source
    row.recorded_by, row.recorded_by_label, row.updated_at = account_id, actor_label[:64], now
    receives = [code for code in (person.welfare or []) if code != programme]
    person.welfare = sorted([*receives, programme]) if status == RECEIVING else receives
    person.updated_at = now
    household = session.get(Household, person.household_id)
    audit.record(session, sealer, actor=actor_label, action="welfare.status", entity="person", entity_id=person.id,
                 area_code=household.village_code if household else None, now=now,
                 changes={"programme": [None, programme], "status": [before[0], status],
                          "since": [before[1], since.isoformat()], "source": [None, source]})
    session.flush()
    return row


def of_household(session: Session, household_id: int) -> list[Status]:
    rows = session.scalars(select(WelfareStatus).where(WelfareStatus.household_id == household_id)
                           .order_by(WelfareStatus.person_id, WelfareStatus.programme))
    return [Status(row.person_id, row.programme, row.status, row.since, row.source, row.recorded_by_label)
            for row in rows]
