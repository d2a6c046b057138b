"""The referrals section of an agency's digest: what is overdue, what is new, what falls
due this week, in a staff member's areas, counted for every agency in one query."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from casework.models import Agency, Case, Referral
from casework.referrals import ACCEPTED, IN_PROGRESS, SENT, WITH_AGENCY, overdue_clause

SHOWN = 3  # referrals named under each heading in chat; the rest are counted
LISTED = 500  # referrals an email lists in full (its CSV attachment)
BUCKETS = ("overdue", "new", "this_week")
PREFIX_LENGTHS = (0, 2, 4, 6, 8)  # the whole country, a province, a district, a sub-district, a village

Scope = tuple[int, str]  # an agency and the area a staff member covers for it


@dataclass(frozen=True)
class Line:
    referral_id: int
    case_ref: str
    service: str
    village_code: str
    due: date | None


@dataclass(frozen=True)
class Bucket:
    count: int = 0
    first: tuple[Line, ...] = ()


@dataclass(frozen=True)
class AgencyReferrals:
    """One agency's referrals to act on in an area, as a digest section."""

    name: ClassVar[str] = "referrals"
    agency: str
    overdue: Bucket
    new: Bucket
    this_week: Bucket

    @property
    def empty(self) -> bool:
        return not (self.overdue.count or self.new.count or self.this_week.count)

    @property
    def urgent(self) -> bool:
        return bool(self.overdue.count or self.new.count)


def _bucket(today: date):  # type: ignore[no-untyped-def]
    """Which heading a referral an agency holds goes under, each under one only."""
    week_end = today + timedelta(days=6)
    return case((overdue_clause(today), "overdue"), (Referral.status == SENT, "new"),
                (and_(Referral.status.in_((ACCEPTED, IN_PROGRESS)), Referral.complete_due <= week_end), "this_week"),
                else_=None)


def counts(session: Session, agency_ids: Iterable[int], today: date) -> dict[tuple[int, str, str], int]:
    """Counts by (agency, area prefix of every length, heading): one grouped query over the
    agencies' open referrals, summed up the area tree in memory."""
    bucket = _bucket(today).label("bucket")
    grouped = (select(Referral.agency_id, Referral.village_code, bucket, func.count())
               .where(Referral.agency_id.in_(list(agency_ids)), Referral.status.in_(WITH_AGENCY))
               .group_by(Referral.agency_id, Referral.village_code, bucket))
    found: dict[tuple[int, str, str], int] = defaultdict(int)
    for agency_id, village, heading, count in session.execute(grouped):
        if heading is None:
            continue
        for length in PREFIX_LENGTHS:
            found[(agency_id, village[:length], heading)] += count
    return found


def first_lines(session: Session, scope: Scope, today: date, shown: int = SHOWN) -> dict[str, tuple[Line, ...]]:
    """The first few referrals under each heading in one scope, oldest due date first: one query."""
    agency_id, area = scope
    bucket = _bucket(today)
    due = case((Referral.status == SENT, Referral.accept_due), else_=Referral.complete_due)
    parts = []
    for heading in BUCKETS:
        parts.append(select(Referral.id.label("id"), literal(heading).label("heading"))
                     .where(Referral.agency_id == agency_id, Referral.status.in_(WITH_AGENCY),
                            Referral.village_code.startswith(area), bucket == heading)
                     .order_by(due, Referral.id).limit(shown).subquery().select())
    chosen = union_all(*parts).subquery()
    rows = session.execute(
        select(chosen.c.heading, Referral.id, Case.ref, Referral.service, Referral.village_code, due)
        .join(Referral, Referral.id == chosen.c.id).join(Case, Case.id == Referral.case_id)
        .order_by(chosen.c.heading, due, Referral.id))
    lines: dict[str, list[Line]] = defaultdict(list)
    for heading, referral_id, ref, service, village, day in rows:
        lines[heading].append(Line(referral_id, ref, service, village, day))
    return {heading: tuple(found) for heading, found in lines.items()}


def sections(session: Session, scopes: Iterable[Scope], today: date, *, lines: bool = True, shown: int = SHOWN
             ) -> dict[Scope, AgencyReferrals]:
    """Each scope's section: counts from one query for all, the first lines one query per
    scope that has any (staff who share an agency and an area share the work)."""
    wanted = set(scopes)
    if not wanted:
        return {}
    agency_ids = {agency_id for agency_id, _ in wanted}
    names = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all())
    counted = counts(session, agency_ids, today)
    built = {}
    for scope in wanted:
        agency_id, area = scope
        numbers = {heading: counted.get((agency_id, area, heading), 0) for heading in BUCKETS}
        first = first_lines(session, scope, today, shown) if lines and any(numbers.values()) else {}
        built[scope] = AgencyReferrals(names.get(agency_id, ""), *(
            Bucket(numbers[heading], first.get(heading, ())) for heading in BUCKETS))
    return built
