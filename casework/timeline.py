"""A household's timeline, or one case's: requests and their steps, referrals and theirs,
assessments, visits and welfare status, newest first, a page at a time.

Each source is one bounded query (at most the rows up to the end of the page asked for),
so a household with years of history pages as fast as a new one; the sources are a tuple,
and a new kind of history is one more function. Words written by staff for staff (a visit's
note, an agency's reason) are shown only when ``private`` (to the area's staff), never to
the household.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.models import Account, Assessment, Case, CaseUpdate, Referral, ReferralUpdate, Visit, WelfareStatus
from casework.sealing import open_from

PAGE_SIZE = 15


@dataclass(frozen=True)
class Scope:
    household_id: int
    case_id: int | None   # one case's timeline; None: the whole household's
    private: bool         # staff of the area: their own notes shown


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str             # case.<step>, referral.<step>, assessment.<step>, visit, welfare.<status>
    ref: str | None       # the case it belongs to
    by: str               # who, as the chat names them ("" for the system)
    detail: str | None    # a service, a programme, a poverty group
    text: str | None      # words, where this reader may see them


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    page: int
    more: bool


Source = Callable[[Session, Sealer, Scope, int], list[Entry]]
_NAME = func.coalesce(Account.display_name, "")


def _cases(session: Session, sealer: Sealer, scope: Scope, limit: int) -> list[Entry]:
    query = (select(CaseUpdate, Case.ref, _NAME).join(Case, Case.id == CaseUpdate.case_id)
             .outerjoin(Account, Account.id == CaseUpdate.by))
    query = query.where(Case.id == scope.case_id) if scope.case_id else query.where(
        Case.household_id == scope.household_id)
    rows = session.execute(query.order_by(CaseUpdate.created_at.desc(), CaseUpdate.id.desc()).limit(limit))
    return [Entry(step.created_at, f"case.{step.kind}", ref, name, None,
                  open_from(sealer, step, "note")["text"] if step.note else None) for step, ref, name in rows]


def _referrals(session: Session, sealer: Sealer, scope: Scope, limit: int) -> list[Entry]:
    query = (select(ReferralUpdate, Referral.service, Case.ref, _NAME)
             .join(Referral, Referral.id == ReferralUpdate.referral_id).join(Case, Case.id == Referral.case_id)
             .outerjoin(Account, Account.id == ReferralUpdate.by))
    query = query.where(Referral.case_id == scope.case_id) if scope.case_id else query.where(
        Referral.household_id == scope.household_id)
    rows = session.execute(query.order_by(ReferralUpdate.created_at.desc(), ReferralUpdate.id.desc()).limit(limit))
    return [Entry(step.created_at, f"referral.{step.kind}", ref, name, service,
                  open_from(sealer, step, "note")["text"] if step.note and scope.private else None)
            for step, service, ref, name in rows]


def _assessments(session: Session, sealer: Sealer, scope: Scope, limit: int) -> list[Entry]:
    if scope.case_id is not None:
        return []
    rows = session.scalars(select(Assessment).where(Assessment.household_id == scope.household_id,
                                                    Assessment.submitted_at.is_not(None))
                           .order_by(Assessment.submitted_at.desc()).limit(limit))
    found = []
    for row in rows:
        found.append(Entry(row.submitted_at, "assessment.submitted", None, "", None, None))  # type: ignore[arg-type]
        if row.reviewed_at is not None:
            group = str(row.poverty_group) if row.status == "confirmed" and scope.private else None
            found.append(Entry(row.reviewed_at, f"assessment.{row.status}", None, "", group, None))
    return found


def _visits(session: Session, sealer: Sealer, scope: Scope, limit: int) -> list[Entry]:
    query = (select(Visit, Case.ref, _NAME).outerjoin(Case, Case.id == Visit.case_id)
             .outerjoin(Account, Account.id == Visit.visited_by))
    query = query.where(Visit.case_id == scope.case_id) if scope.case_id else query.where(
        Visit.household_id == scope.household_id)
    rows = session.execute(query.order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit))
    return [Entry(visit.visited_at, "visit", ref, name,
                  visit.next_visit_on.isoformat() if visit.next_visit_on else None,
                  open_from(sealer, visit, "note")["text"] if visit.note and scope.private else None)
            for visit, ref, name in rows]


def _welfare(session: Session, sealer: Sealer, scope: Scope, limit: int) -> list[Entry]:
    if scope.case_id is not None:
        return []
    rows = session.scalars(select(WelfareStatus).where(WelfareStatus.household_id == scope.household_id)
                           .order_by(WelfareStatus.updated_at.desc()).limit(limit))
    return [Entry(row.updated_at, f"welfare.{row.status}", None, "", row.programme, None) for row in rows]


SOURCES: tuple[Source, ...] = (_cases, _referrals, _assessments, _visits, _welfare)


def read(session: Session, sealer: Sealer, scope: Scope, page: int = 0, size: int = PAGE_SIZE) -> Timeline:
    """Page ``page`` (from 0) of the newest-first timeline."""
    end = (page + 1) * size
    merged = sorted((entry for source in SOURCES for entry in source(session, sealer, scope, end + 1)),
                    key=lambda entry: entry.at, reverse=True)
    return Timeline(merged[page * size:end], page, len(merged) > end)
