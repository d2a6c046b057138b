"""Erasing a household's personal data when it asks (PDPA), keeping only what the law
and the counts need: see docs/privacy.md for what goes and what stays."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from casework import audit
from casework.crypto import Sealer
from casework.models import (
    Account,
    Assessment,
    Attachment,
    AuditEntry,
    Case,
    CaseUpdate,
    PlanItem,
    Referral,
    ReferralUpdate,
    Conversation,
    Decision,
    Household,
    HouseholdLink,
    InboxEvent,
    NameToken,
    Person,
    Task,
    Visit,
    WelfareStatus,
)
from casework.sealing import seal_into

ERASED = "erased"


@dataclass(frozen=True)
class Erased:
    """How many rows of each kind were erased or emptied (the receipt the operator sees)."""

    persons: int
    photos: int
    links: int
    chats: int
    cases: int


def erase_household(session: Session, sealer: Sealer, household: Household, *, actor: str,
                    now: datetime) -> Erased:
    """Delete or empty every personal field of ``household``; the row stays as an
    anonymous tombstone (village, poverty group, dates) so counts and case references hold."""
    hid = household.id
    person_ids = list(session.scalars(select(Person.id).where(Person.household_id == hid)))
    line_ids = list(session.scalars(select(Account.line_user_id).join(
        HouseholdLink, HouseholdLink.account_id == Account.id).where(HouseholdLink.household_id == hid)))
    case_ids = list(session.scalars(select(Case.id).where(Case.household_id == hid)))

    session.execute(delete(Decision).where(Decision.household_id == hid))
    if person_ids:
        session.execute(delete(Decision).where(Decision.person_id.in_(person_ids)))
    session.execute(delete(NameToken).where(NameToken.household_id == hid))  # the blind index of their names
    if person_ids:
        for table in (Case, PlanItem, Referral):  # who a need was about goes with the person
            session.execute(update(table).where(table.person_id.in_(person_ids)).values(person_id=None))
        session.execute(delete(WelfareStatus).where(WelfareStatus.person_id.in_(person_ids)))
    persons = session.execute(delete(Person).where(Person.household_id == hid)).rowcount or 0
    photos = session.execute(delete(Attachment).where(Attachment.household_id == hid)).rowcount or 0
    links = session.execute(delete(HouseholdLink).where(HouseholdLink.household_id == hid)).rowcount or 0
    session.execute(update(Assessment).where(Assessment.household_id == hid).values(answers={}, review_note=None))
    if case_ids:
        session.execute(update(Case).where(Case.id.in_(case_ids)).values(details=None, location=None))
        session.execute(update(CaseUpdate).where(CaseUpdate.case_id.in_(case_ids)).values(note=None))
        session.execute(update(ReferralUpdate).where(ReferralUpdate.referral_id.in_(
            select(Referral.id).where(Referral.case_id.in_(case_ids)))).values(note=None))
    session.execute(update(Task).where(Task.household_id == hid).values(details=None))
    session.execute(update(Visit).where(Visit.household_id == hid).values(note=None, location=None))
    chats = 0
    if line_ids:
        chats = session.execute(delete(Conversation).where(Conversation.chat_id.in_(line_ids))).rowcount or 0
        session.execute(update(InboxEvent).where(InboxEvent.chat_key.in_(line_ids)).values(payload=None))
    # Audit entries stay (who did what, when) but lose the before/after values they sealed.
    entities = [("household", str(hid))] + [("person", str(pid)) for pid in person_ids] \
        + [("case", str(cid)) for cid in case_ids]
    for entity, entity_id in entities:
        session.execute(update(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
                        .values(changes=None))
    seal_into(sealer, household, "address", {})
    household.address_key = f"erased:{hid}"
    household.location = None
    household.debt_baht = household.savings_baht = None
    household.housing_condition = household.land = household.water = None
    household.status = ERASED
    household.updated_at = now
    session.flush()
    result = Erased(persons=persons, photos=photos, links=links, chats=chats, cases=len(case_ids))
    audit.record(session, sealer, actor=actor, action="household.erased", entity="household", entity_id=hid,
                 area_code=household.village_code, now=now)
    return result
