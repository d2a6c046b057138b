"""Leaders' reminders: follow-up visits due, help requests nobody has taken up, households
waiting for their check, re-assessments due.

Each reminder's key holds the date it is about (the visit's date, the day the request was
last touched, ...), so a date moved is reminded on the new date and not the old one, and a
thing done is no longer found: reminders are computed from the records as they are, never
stored ahead. Each key is sent once; a leader gets one message with whatever is new.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import ClassVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from casework import cases
from casework.crypto import Place, Sealer
from casework.digests import notices
from casework.digests.channels import email_addresses
from casework.digests.schedule import DEFAULT_TIME, Due, Pacing, due, key
from casework.household_status import PENDING_CHECK, RETURNED, VERIFIED
from casework.models import Account, Assessment, Case, Chat, DigestPreference, Household, RoleGrant, Visit
from casework.thai_time import thai_today

KIND = "remind"
ORDER = ("visit", "request", "check", "reassess")


@dataclass(frozen=True)
class Thresholds:
    """When a thing becomes worth a reminder (KAEJON_REMIND_* settings)."""

    request_days: int = 3  # a help request nobody has taken up
    check_days: int = 7  # a household waiting for its on-site check
    reassess_days: int = 182  # a verified household's last confirmed assessment (six months)
    lookback_days: int = 7  # a visit date further back than this is not reminded any more


@dataclass(frozen=True)
class Item:
    """One thing a leader should do: what, for which household (and case), about which date."""

    what: str
    household_id: int
    village_code: str
    on: date
    case_id: int | None = None
    case_ref: str | None = None
    house_no: str = ""

    @property
    def subject(self) -> str:
        return f"{self.what}:{self.case_id or self.household_id}:{self.on.isoformat()}"


@dataclass(frozen=True)
class Reminder:
    kind: ClassVar[str] = KIND
    """What one leader is reminded of in one message, and the keys it takes."""

    recipient: str
    language: str
    due: Due
    items: tuple[Item, ...]
    channel: str = "line"
    address: str = ""  # the email address, when the channel is email (never logged)

    urgent: ClassVar[bool] = True

    def keys(self) -> list[str]:
        return [key(KIND, self.recipient, item.subject) for item in self.items]

    def narrow(self, claimed: set[str]) -> Reminder | None:
        """Only the items whose keys this run claimed (another run sends the rest), or None."""
        items = tuple(item for item, taken in zip(self.items, self.keys()) if taken in claimed)
        return replace(self, items=items) if items else None


def _day(value: datetime) -> date:
    return thai_today(value)


def visits_due(session: Session, today: date, limits: Thresholds) -> list[Item]:
    """Households whose latest visit set a next date that has come (a later visit replaces it)."""
    latest = (select(Visit.household_id, Visit.next_visit_on,
                     func.row_number().over(partition_by=Visit.household_id,
                                            order_by=(Visit.visited_at.desc(), Visit.id.desc())).label("n"))
              .subquery())
    rows = session.execute(
        select(latest.c.household_id, Household.village_code, latest.c.next_visit_on)
        .join(Household, Household.id == latest.c.household_id)
        .where(latest.c.n == 1, latest.c.next_visit_on <= today,
               latest.c.next_visit_on >= today - timedelta(days=limits.lookback_days)))
    return [Item("visit", household, village, on) for household, village, on in rows]


def requests_untouched(session: Session, now: datetime, limits: Thresholds) -> list[Item]:
    rows = session.execute(
        select(Case.id, Case.ref, Case.household_id, Case.village_code, Case.updated_at)
        .where(Case.status == cases.NEW, Case.updated_at <= now - timedelta(days=limits.request_days)))
    return [Item("request", household, village, _day(at), case_id, ref) for case_id, ref, household, village, at
            in rows]


def checks_waiting(session: Session, now: datetime, limits: Thresholds) -> list[Item]:
    rows = session.execute(
        select(Household.id, Household.village_code, Household.updated_at)
        .where(Household.status.in_((PENDING_CHECK, RETURNED)),
               Household.updated_at <= now - timedelta(days=limits.check_days)))
    return [Item("check", household, village, _day(at)) for household, village, at in rows]


def reassessments_due(session: Session, now: datetime, limits: Thresholds) -> list[Item]:
    last = (select(Assessment.household_id, func.max(Assessment.reviewed_at).label("at"))
            .where(Assessment.reviewed_at.is_not(None)).group_by(Assessment.household_id).subquery())
    rows = session.execute(
        select(Household.id, Household.village_code, last.c.at)
        .join(last, last.c.household_id == Household.id)
        .where(Household.status == VERIFIED, last.c.at <= now - timedelta(days=limits.reassess_days)))
    return [Item("reassess", household, village, _day(at)) for household, village, at in rows]


def _leaders(session: Session, villages: Iterable[str]) -> Select:  # type: ignore[type-arg]
    covering = or_(*(RoleGrant.area_code == village[:length] for village in set(villages) for length in (6, 8)))
    return (select(RoleGrant.area_code, Account.line_user_id, func.coalesce(Chat.language, "th"),
                   DigestPreference.send_at)
            .join(Account, Account.id == RoleGrant.account_id)
            .outerjoin(Chat, Chat.line_id == Account.line_user_id)
            .outerjoin(DigestPreference, DigestPreference.account_id == Account.id)
            .where(RoleGrant.role == "leader", RoleGrant.revoked_at.is_(None), covering,
                   or_(Chat.id.is_(None), Chat.active.is_(True)),
                   or_(DigestPreference.account_id.is_(None), DigestPreference.paused.is_(False))))


def with_house_numbers(session: Session, sealer: Sealer, items: list[Item]) -> list[Item]:
    """The house number a leader knows a household by (sealed in its address), one query."""
    ids = {item.household_id for item in items}
    numbers = {}
    for household_id, address in session.execute(select(Household.id, Household.address)
                                                 .where(Household.id.in_(ids))):
        opened = sealer.open_json(address, Place("households", "address", household_id))
        numbers[household_id] = str(opened.get("house_no") or "")
    return [Item(item.what, item.household_id, item.village_code, item.on, item.case_id, item.case_ref,
                 numbers.get(item.household_id, "")) for item in items]


def due_reminders(session: Session, sealer: Sealer, now: datetime, pacing: Pacing, limits: Thresholds,
                  channels: Collection[str] = ("line",)) -> list[Reminder]:
    """Each leader's reminders due now (at their digest time, on working days) not yet sent."""
    today = thai_today(now)
    items = (visits_due(session, today, limits) + requests_untouched(session, now, limits)
             + checks_waiting(session, now, limits) + reassessments_due(session, now, limits))
    if not items:
        return []
    by_area: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_area[item.village_code[:6]].append(item)
        by_area[item.village_code].append(item)
    found: dict[str, tuple[str, Due, list[Item]]] = {}
    for area, line_id, language, send_at in session.execute(_leaders(session, {i.village_code for i in items})):
        when = due(now, send_at or DEFAULT_TIME, pacing)
        if when is None:
            continue
        found.setdefault(line_id, (language, when, []))[2].extend(by_area.get(area, []))
    wanted = {key(KIND, line_id, item.subject) for line_id, (_, _, mine) in found.items() for item in mine}
    done = notices.taken(session, wanted)
    reminders = []
    emails = email_addresses(session, sealer, found, channels)
    for line_id, (language, when, mine) in found.items():
        fresh = [item for item in dict.fromkeys(mine) if key(KIND, line_id, item.subject) not in done]
        if fresh:
            fresh.sort(key=lambda item: (ORDER.index(item.what), item.on, item.household_id))
            reminders.append(Reminder(line_id, language, when, tuple(with_house_numbers(session, sealer, fresh)),
                                      "email" if line_id in emails else "line", emails.get(line_id, "")))
    return reminders
