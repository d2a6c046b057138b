"""Which digests are due now, and what each says: plain data for ``messages/digests.py``."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.digests.channels import email_addresses
from casework.digests import notices, referrals
from casework.digests.area import week
from casework.digests.schedule import DEFAULT_TIME, Due, Pacing, due, key, owed_since, weekly_due
from casework.models import Account, Chat, DigestPreference, RoleGrant
from casework.thai_time import thai_today

STAFF = "digest-staff"
AGENCY_GROUP = "digest-group"
AREA = "digest-area"


@dataclass(frozen=True)
class Digest:
    """One recipient's digest for one period: its sections, each with ``empty``."""

    key: str
    kind: str
    recipient: str
    language: str
    due: Due
    sections: tuple[Any, ...]
    all_clear: bool = True  # with nothing to say, send a short "all clear" (else nothing)
    channel: str = "line"
    address: str = ""  # the email address, when the channel is email (never logged)

    @property
    def empty(self) -> bool:
        return all(section.empty for section in self.sections)

    @property
    def urgent(self) -> bool:
        """Something to act on now (near the push quota only these go): never a group's counts."""
        return self.kind != AGENCY_GROUP and any(section.urgent for section in self.sections)

    def keys(self) -> list[str]:
        return [self.key]

    def narrow(self, claimed: set[str]) -> Digest | None:
        """What is still to send once the keys are claimed: all of it, or nothing."""
        return self if self.key in claimed else None


@dataclass(frozen=True)
class _Subscriber:
    line_id: str
    language: str
    send_at: time
    all_clear: bool
    channel: str
    address: str
    scopes: tuple[referrals.Scope, ...]
    since: datetime  # the first of their grants: nothing was owed them before


def _staff(session: Session, sealer: Sealer, channels: Collection[str], only: str | None = None
           ) -> list[_Subscriber]:
    """Agency staff who take a digest (or the one named), with their agencies' areas, in one
    query. One who chose a channel this deployment does not have gets LINE."""
    query = (
        select(Account.line_user_id, func.coalesce(Chat.language, "th"), DigestPreference.send_at,
               DigestPreference.all_clear, RoleGrant.agency_id, RoleGrant.area_code, RoleGrant.granted_at)
        .join(RoleGrant, RoleGrant.account_id == Account.id)
        .outerjoin(DigestPreference, DigestPreference.account_id == Account.id)
        .outerjoin(Chat, Chat.line_id == Account.line_user_id)
        .where(RoleGrant.role == "agency", RoleGrant.revoked_at.is_(None), RoleGrant.agency_id.is_not(None),
               or_(Chat.id.is_(None), Chat.active.is_(True)),
               or_(DigestPreference.account_id.is_(None), DigestPreference.paused.is_(False)))
        .order_by(Account.id))
    rows = session.execute(query.where(Account.line_user_id == only) if only is not None else query)
    scopes: dict[str, list[referrals.Scope]] = defaultdict(list)
    people: dict[str, tuple[str, time, bool]] = {}
    since: dict[str, datetime] = {}
    for line_id, language, send_at, all_clear, agency_id, area, granted_at in rows:
        people.setdefault(line_id, (language, send_at or DEFAULT_TIME, True if all_clear is None else all_clear))
        scopes[line_id].append((agency_id, area))
        since[line_id] = min(since.get(line_id, granted_at), granted_at)
    emails = email_addresses(session, sealer, people, channels)
    return [_Subscriber(line_id, *people[line_id], "email" if line_id in emails else "line", emails.get(line_id, ""),
                        tuple(dict.fromkeys(scopes[line_id])), since[line_id]) for line_id in people]


def staff_digests(session: Session, sealer: Sealer, now: datetime, pacing: Pacing, *,
                  channels: Collection[str] = ("line",), preview: str | None = None) -> list[Digest]:
    """Every agency staff member's digest due now and not yet sent: the referrals to act on
    in their areas, a section per agency they work for. ``preview``: that person's digest
    as it would be now, whatever their time and whether it went already."""
    waiting = []
    for person in _staff(session, sealer, channels, preview):
        when = Due(thai_today(now), now, late=False) if preview is not None else due(now, person.send_at, pacing)
        if when is not None:
            when = owed_since(when, person.since)
            waiting.append((person, when, key(STAFF, person.line_id, when.period)))
    done = notices.taken(session, [found for _, _, found in waiting]) if preview is None else set()
    waiting = [item for item in waiting if item[2] not in done]
    today = thai_today(now)
    in_chat = referrals.sections(session, {scope for person, _, _ in waiting if person.channel == "line"
                                           for scope in person.scopes}, today)
    by_email = referrals.sections(session, {scope for person, _, _ in waiting if person.channel == "email"
                                            for scope in person.scopes}, today, shown=referrals.LISTED)
    return [Digest(found, STAFF, person.line_id, person.language, when,
                   tuple((by_email if person.channel == "email" else in_chat)[scope] for scope in person.scopes),
                   person.all_clear, person.channel, person.address)
            for person, when, found in waiting]


def group_digests(session: Session, now: datetime, pacing: Pacing) -> list[Digest]:
    """Each registered agency group chat's daily counts (never a name or a case in a group)."""
    groups = session.execute(select(Chat.line_id, Chat.language, Chat.agency_id, Chat.created_at)
                             .where(Chat.agency_id.is_not(None), Chat.active.is_(True)).order_by(Chat.id)).all()
    when = due(now, DEFAULT_TIME, pacing)
    if when is None or not groups:
        return []
    done = notices.taken(session, [key(AGENCY_GROUP, line_id, when.period) for line_id, *_ in groups])
    waiting = [group for group in groups if key(AGENCY_GROUP, group[0], when.period) not in done]
    built = referrals.sections(session, {(agency_id, "") for _, _, agency_id, _ in waiting}, thai_today(now),
                               lines=False)
    return [Digest(key(AGENCY_GROUP, line_id, when.period), AGENCY_GROUP, line_id, language,
                   owed_since(when, created_at), (built[(agency_id, "")],), all_clear=False)
            for line_id, language, agency_id, created_at in waiting]


def area_digests(session: Session, now: datetime, pacing: Pacing) -> list[Digest]:
    """Each coordinator's weekly digest of their areas, on the week's first working day."""
    rows = session.execute(
        select(Account.line_user_id, func.coalesce(Chat.language, "th"), DigestPreference.send_at,
               RoleGrant.area_code, RoleGrant.granted_at)
        .join(RoleGrant, RoleGrant.account_id == Account.id)
        .outerjoin(DigestPreference, DigestPreference.account_id == Account.id)
        .outerjoin(Chat, Chat.line_id == Account.line_user_id)
        .where(RoleGrant.role == "coordinator", RoleGrant.revoked_at.is_(None),
               or_(Chat.id.is_(None), Chat.active.is_(True)),
               or_(DigestPreference.account_id.is_(None), DigestPreference.paused.is_(False)))
        .order_by(Account.id, RoleGrant.area_code))
    people: dict[str, tuple[str, time, list[str]]] = {}
    since: dict[str, datetime] = {}
    for line_id, language, send_at, area, granted_at in rows:
        people.setdefault(line_id, (language, send_at or DEFAULT_TIME, []))[2].append(area)
        since[line_id] = min(since.get(line_id, granted_at), granted_at)
    waiting = []
    for line_id, (language, send_at, areas) in people.items():
        when = weekly_due(now, send_at, pacing)
        if when is not None:
            when = owed_since(when, since[line_id])
            waiting.append((line_id, language, when, areas, key(AREA, line_id, when.period)))
    done = notices.taken(session, [found for *_, found in waiting])
    today = thai_today(now)
    return [Digest(found, AREA, line_id, language, when, tuple(week(session, code, now, today) for code in areas))
            for line_id, language, when, areas, found in waiting if found not in done]
