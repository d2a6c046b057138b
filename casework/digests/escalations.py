"""A referral past its service level goes up: to its agency's supervisors and the area's
coordinators, once per stage (not accepted in time; not completed in time)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import ClassVar

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.digests import notices
from casework.digests.channels import email_addresses
from casework.digests.schedule import Due, key
from casework.models import Account, Agency, Case, Chat, Referral, RoleGrant
from casework.referrals import ACCEPTED, IN_PROGRESS, SENT
from casework.thai_time import thai_today

KIND = "escalate"
LOOKBACK = timedelta(days=60)  # a referral late for longer was escalated long ago (or before this existed)


@dataclass(frozen=True)
class Late:
    """A referral past a due date: which stage it missed and by how many days."""

    referral_id: int
    case_ref: str
    service: str
    agency: str
    village_code: str
    stage: str  # "accept" or "complete"
    due_on: date
    days_late: int

    @property
    def subject(self) -> str:
        return f"{self.referral_id}:{self.stage}"


@dataclass(frozen=True)
class Escalation:
    kind: ClassVar[str] = KIND
    recipient: str
    language: str
    due: Due
    items: tuple[Late, ...]
    channel: str = "line"
    address: str = ""  # the email address, when the channel is email (never logged)

    urgent: ClassVar[bool] = True

    def keys(self) -> list[str]:
        return [key(KIND, self.recipient, item.subject) for item in self.items]

    def narrow(self, claimed: set[str]) -> Escalation | None:
        """Only the items whose keys this run claimed (another run sends the rest), or None."""
        items = tuple(item for item, taken in zip(self.items, self.keys()) if taken in claimed)
        return replace(self, items=items) if items else None


def overdue(session: Session, today: date) -> list[tuple[Late, int]]:
    """Every referral past a due date, with its agency's id."""
    since = today - LOOKBACK
    stage_accept = and_(Referral.status == SENT, Referral.accept_due < today, Referral.accept_due >= since)
    stage_complete = and_(Referral.status.in_((ACCEPTED, IN_PROGRESS)), Referral.complete_due < today,
                          Referral.complete_due >= since)
    rows = session.execute(
        select(Referral.id, Case.ref, Referral.service, Agency.name, Referral.village_code, Referral.status,
               Referral.accept_due, Referral.complete_due, Referral.agency_id)
        .join(Case, Case.id == Referral.case_id).join(Agency, Agency.id == Referral.agency_id)
        .where(or_(stage_accept, stage_complete)))
    found = []
    for referral_id, ref, service, agency, village, status, accept_due, complete_due, agency_id in rows:
        stage, due_on = ("accept", accept_due) if status == SENT else ("complete", complete_due)
        found.append((Late(referral_id, ref, service, agency, village, stage, due_on, (today - due_on).days),
                      agency_id))
    return found


def due_escalations(session: Session, sealer: Sealer, now: datetime, channels: Collection[str] = ("line",)
                    ) -> list[Escalation]:
    """Whom to tell of which overdue referrals, leaving out what each was told already."""
    today = thai_today(now)
    late = overdue(session, today)
    if not late:
        return []
    when = Due(today, now, late=False)
    people = (select(Account.line_user_id, func.coalesce(Chat.language, "th"), RoleGrant.role, RoleGrant.agency_id,
                     RoleGrant.area_code)
              .join(Account, Account.id == RoleGrant.account_id)
              .outerjoin(Chat, Chat.line_id == Account.line_user_id)
              .where(RoleGrant.revoked_at.is_(None), or_(Chat.id.is_(None), Chat.active.is_(True)),
                     or_(RoleGrant.role == "coordinator",
                         and_(RoleGrant.role == "agency", RoleGrant.supervisor.is_(True),
                              RoleGrant.agency_id.in_({agency_id for _, agency_id in late})))))
    mine: dict[str, tuple[str, list[Late]]] = {}
    grouped: dict[int | None, list[Late]] = defaultdict(list)
    for item, agency_id in late:
        grouped[agency_id].append(item)
    for line_id, language, role, agency_id, area in session.execute(people):
        pool = grouped.get(agency_id, []) if role == "agency" else [item for item, _ in late]
        covered = [item for item in pool if item.village_code.startswith(area)]
        if covered:
            mine.setdefault(line_id, (language, []))[1].extend(covered)
    done = notices.taken(session, [key(KIND, line_id, item.subject) for line_id, (_, items) in mine.items()
                                   for item in items])
    escalations = []
    emails = email_addresses(session, sealer, mine, channels)
    for line_id, (language, items) in mine.items():
        fresh = [item for item in dict.fromkeys(items) if key(KIND, line_id, item.subject) not in done]
        if fresh:
            fresh.sort(key=lambda item: (-item.days_late, item.referral_id))
            escalations.append(Escalation(line_id, language, when, tuple(fresh), "email" if line_id in emails
                                          else "line", emails.get(line_id, "")))
    return escalations
