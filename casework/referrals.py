"""Referrals: a case passed to an agency for a service, as its own record with its own
state machine, due dates from the agency's service level, and the case moved along.

A referral is made for a case and a service. It goes to the agency covering the
household's area for that service (``agencies.covering``); where none does it waits
for the area's coordinator to pick one (``routing``). Before it reaches an agency the
household must have consented to share with that kind of agency (``consent``: the
household is asked in its chat, or a leader records its answer on site). Once ``sent``
the agency accepts it within its service level's working days and completes it within
its days; past those dates it is overdue, and one never accepted by its completion date
expires (the clock's sweep). Declined, revoked and expired referrals return the case to
planning; a completed one resolves it when nothing else is open for it.

Callers authorize first (``casework.authorization``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case as when, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from casework import agencies, audit, cases, consent
from casework.chats import Recipient
from casework.citizen_id import mask
from casework.registry import full_name, mask_name
from casework.crypto import Sealer
from casework.entitlements.rules import Rules
from casework.errors import Refused
from casework.models import (Account, Agency, AgencyService, Case, Chat, Household, HouseholdLink, Person,
                             Referral, ReferralUpdate, RoleGrant)
from casework.thai_input import age_on
from casework.sealing import open_from, seal_into
from casework.services import services
from casework.thai_time import thai_today
from casework.working_days import add_working_days

CONSENT, ROUTING, SENT, ACCEPTED, IN_PROGRESS = "consent", "routing", "sent", "accepted", "in_progress"
COMPLETED, DECLINED, REVOKED, EXPIRED = "completed", "declined", "revoked", "expired"
WAITING = (CONSENT, ROUTING)                 # not with an agency yet
WITH_AGENCY = (SENT, ACCEPTED, IN_PROGRESS)  # an agency's to act on
OPEN = (*WAITING, *WITH_AGENCY)
STATUSES = (*OPEN, COMPLETED, DECLINED, REVOKED, EXPIRED)

# The one state machine of a referral: each step, the statuses it may follow, the status it leaves.
TRANSITIONS: dict[str, dict[str, str]] = {
    "routed": {ROUTING: SENT},                   # the coordinator picked the agency
    "routed_to_ask": {ROUTING: CONSENT},         # ... whose kind the household has not consented to
    "consented": {CONSENT: SENT},
    "consent_refused": {CONSENT: REVOKED},
    "accepted": {SENT: ACCEPTED},
    "updated": {ACCEPTED: IN_PROGRESS, IN_PROGRESS: IN_PROGRESS},
    "completed": {ACCEPTED: COMPLETED, IN_PROGRESS: COMPLETED},
    "declined": {SENT: DECLINED, ACCEPTED: DECLINED},
    "revoked": {status: REVOKED for status in OPEN},
    "expired": {SENT: EXPIRED},
}
NEEDS_REASON = frozenset({"declined", "revoked", "updated"})
# What the case does when its referral takes a step (only where the case's own machine allows).
CASE_MOVES = {"accepted": "in_progress", "completed": "resolved", "declined": "planned", "revoked": "planned",
              "expired": "planned", "consent_refused": "planned"}
MAX_NOTE = 1000


class ReferralError(Refused):
    """``not_allowed`` (not from its status), ``needs_reason``, ``bad_service``, ``no_service``
    (the agency does not handle it), ``bad_note``, ``already_referred``."""


class ReferralChanged(Refused):
    """Someone changed the referral since this person saw it (``status`` now, by ``by``)."""

    def __init__(self, referral_id: int, status: str, by: str, kind: str, at: datetime) -> None:
        super().__init__("referral_changed")
        self.referral_id, self.status, self.by, self.kind, self.at = referral_id, status, by, kind, at


@dataclass(frozen=True)
class Step:
    kind: str
    status_after: str
    note: str | None
    at: datetime
    by: int | None


@dataclass(frozen=True)
class ReferralView:
    """A referral as the agency sees it: only what the referral needs (the person it is for,
    with the ID masked; the address; the household's words for a request)."""

    id: int
    case_id: int
    case_ref: str
    need: str
    service: str
    programme: str | None
    programme_name: dict[str, str]  # by language; empty without rules
    status: str
    agency_id: int | None
    agency_name: str
    agency_kind: str | None
    village_code: str
    house_no: str
    person_name: str
    person_age: int | None
    masked_id: str | None
    details: str
    sent_at: datetime | None
    accept_due: date | None
    complete_due: date | None
    overdue: bool
    version: int
    steps: tuple[Step, ...]  # newest first
    head: str = ""  # a referral for the whole household: its head's name, masked (registry.mask_name)


def next_status(current: str, kind: str) -> str:
    try:
        return TRANSITIONS[kind][current]
    except KeyError:
        raise ReferralError("not_allowed") from None


def allowed(current: str, kind: str) -> bool:
    return current in TRANSITIONS.get(kind, {})


def is_overdue(status: str, accept_due: date | None, complete_due: date | None, today: date) -> bool:
    """Not accepted by its acceptance date, or not completed by its completion date."""
    if status == SENT and accept_due is not None:
        return today > accept_due
    if status in (ACCEPTED, IN_PROGRESS) and complete_due is not None:
        return today > complete_due
    return False


def due_dates(sent_on: date, accept_days: int, complete_days: int) -> tuple[date, date]:
    """Accept within ``accept_days`` working days (Thai public holidays do not count);
    complete within ``complete_days`` calendar days of being sent."""
    return add_working_days(sent_on, accept_days), sent_on + timedelta(days=complete_days)


def overdue_clause(today: date):  # type: ignore[no-untyped-def]
    """The SQL of ``is_overdue``, for queues and counts."""
    return or_(and_(Referral.status == SENT, Referral.accept_due < today),
               and_(Referral.status.in_((ACCEPTED, IN_PROGRESS)), Referral.complete_due < today))


def share_scope(kind: str | None) -> str:
    """The consent a household gives to share its case with a kind of agency."""
    return f"share:{kind or 'other'}"


def consented(session: Session, household_id: int, kind: str | None) -> bool:
    return consent.given(session, scope=share_scope(kind), household_id=household_id)


def _record(session: Session, sealer: Sealer, referral: Referral, *, kind: str, after: str, by: int | None,
            actor: str, now: datetime, note: str | None = None, extra: audit.Changes | None = None) -> None:
    before = referral.status
    step = ReferralUpdate(referral_id=referral.id, kind=kind, status_after=after, by=by, created_at=now)
    seal_into(sealer, step, "note", {"text": note} if note else None)
    session.add(step)
    referral.status, referral.updated_at = after, now
    changes: audit.Changes = {"status": [None if kind == "made" else before, after]}
    if note:
        changes["note"] = [None, "(sealed)"]
    changes.update(extra or {})
    audit.record(session, sealer, actor=actor, action=f"referral.{kind}", entity="referral", entity_id=referral.id,
                 area_code=referral.village_code, now=now, changes=changes)


def _send(session: Session, referral: Referral, agency: Agency, now: datetime) -> None:
    level = session.scalar(select(AgencyService).where(AgencyService.agency_id == agency.id,
                                                       AgencyService.service == referral.service))
    if level is None:
        raise ReferralError("no_service")
    referral.agency_id = agency.id
    referral.sent_at = now
    referral.accept_due, referral.complete_due = due_dates(thai_today(now), level.accept_days, level.complete_days)


def _move_case(session: Session, sealer: Sealer, case: Case, kind: str, *, by: int | None, now: datetime,
               note: str | None = None, outcome: str | None = None) -> None:
    """The case follows its referral where its own machine allows; a case with another
    referral still open stays where it is when one comes back."""
    if kind in ("declined", "revoked", "expired", "consent_refused", "completed"):
        others = session.scalar(select(func.count()).select_from(Referral).where(
            Referral.case_id == case.id, Referral.status.in_(OPEN))) or 0
        if others:
            return
    if cases.allowed(case.status, kind):
        cases.add_update(session, sealer, case, kind=kind, by=by, now=now, note=note, outcome=outcome)


def make(session: Session, sealer: Sealer, case: Case, *, service: str, by: int, actor: str, now: datetime,
         programme: str | None = None, person_id: int | None = None) -> Referral:
    """Refer ``case`` for ``service``: to the covering agency if the household consented to
    share with its kind (``sent``), else asking first (``consent``); to the coordinator's
    choice where no agency covers the area (``routing``). The case becomes ``referred``."""
    if service not in services():
        raise ReferralError("bad_service")
    if session.scalar(select(func.count()).select_from(Referral).where(
            Referral.case_id == case.id, Referral.service == service, Referral.status.in_(OPEN))):
        raise ReferralError("already_referred")
    household = session.get(Household, case.household_id)
    assert household is not None
    referral = Referral(case_id=case.id, household_id=household.id, village_code=household.village_code,
                        service=service, programme=programme or case.programme,
                        person_id=person_id or case.person_id, status=ROUTING, made_by=by, created_at=now,
                        updated_at=now, version=1)
    session.add(referral)
    session.flush()
    agency = agencies.covering(session, household.village_code, service)
    status = _dispatch(session, referral, agency, now)
    _record(session, sealer, referral, kind="made", after=status, by=by, actor=actor, now=now,
            extra={"service": [None, service], "agency": [None, agency.code if agency else None]})
    if cases.allowed(case.status, "referred"):
        cases.add_update(session, sealer, case, kind="referred", by=by, now=now)
    session.flush()
    return referral


def _dispatch(session: Session, referral: Referral, agency: Agency | None, now: datetime) -> str:
    """Where a referral goes next: to the agency (sent), to the household's consent, or to the coordinator."""
    if agency is None:
        return ROUTING
    referral.agency_id = agency.id
    if not consented(session, referral.household_id, agency.kind):
        return CONSENT
    _send(session, referral, agency, now)
    return SENT


def check_version(session: Session, referral: Referral, expected: int | None) -> None:
    if expected is None or expected == referral.version:
        return
    last = session.scalars(select(ReferralUpdate).where(ReferralUpdate.referral_id == referral.id)
                           .order_by(ReferralUpdate.id.desc()).limit(1)).first()
    raise ReferralChanged(referral.id, referral.status, cases.name_of(session, last.by if last else None),
                          last.kind if last else "made", last.created_at if last else referral.updated_at)


def step(session: Session, sealer: Sealer, referral: Referral, kind: str, *, by: int | None, actor: str,
         now: datetime, note: str | None = None, expected: int | None = None) -> Referral:
    """One step of ``TRANSITIONS`` by an agency's staff, the sender or the clock, on the
    version ``expected`` if given; declining, revoking and an update need words."""
    check_version(session, referral, expected)
    note = note.strip() if note else None
    if note is not None and len(note) > MAX_NOTE:
        raise ReferralError("bad_note")
    if kind in NEEDS_REASON and not note:
        raise ReferralError("needs_reason")
    after = next_status(referral.status, kind)
    if kind == "consented":
        agency = session.get(Agency, referral.agency_id)
        assert agency is not None
        _send(session, referral, agency, now)
    _record(session, sealer, referral, kind=kind, after=after, by=by, actor=actor, now=now, note=note)
    case = session.get(Case, referral.case_id)
    assert case is not None
    if kind in CASE_MOVES:
        _move_case(session, sealer, case, CASE_MOVES[kind], by=by, now=now,
                   outcome="helped" if kind == "completed" else None)
    session.flush()
    return referral


def route(session: Session, sealer: Sealer, referral: Referral, agency: Agency, *, by: int, actor: str,
          now: datetime, expected: int | None = None) -> Referral:
    """The coordinator's pick of an agency for a referral no agency covered."""
    check_version(session, referral, expected)
    if referral.status != ROUTING:
        raise ReferralError("not_allowed")
    if session.scalar(select(AgencyService.id).where(AgencyService.agency_id == agency.id,
                                                     AgencyService.service == referral.service)) is None:
        raise ReferralError("no_service")
    status = _dispatch(session, referral, agency, now)
    _record(session, sealer, referral, kind="routed" if status == SENT else "routed_to_ask", after=status, by=by,
            actor=actor, now=now, extra={"agency": [None, agency.code]})
    session.flush()
    return referral


def record_consent(session: Session, referral: Referral, *, agreed: bool, account_id: int | None,
                   recorded_by: int | None, channel: str, now: datetime) -> None:
    """The household's answer to sharing with the referral's kind of agency, kept as a consent."""
    agency = session.get(Agency, referral.agency_id)
    consent.record(session, scope=share_scope(agency.kind if agency else None),
                   decision=consent.ACCEPTED if agreed else consent.DECLINED, channel=channel, now=now,
                   account_id=account_id, household_id=referral.household_id, recorded_by=recorded_by)


def expire_due(session: Session, sealer: Sealer, now: datetime, *, limit: int = 500) -> list[int]:
    """Referrals never accepted by their completion date expire (the clock runs this);
    their cases return to planning. Returns the ids expired."""
    today = thai_today(now)
    rows = list(session.scalars(select(Referral).where(Referral.status == SENT, Referral.complete_due < today)
                                .order_by(Referral.id).limit(limit).with_for_update(skip_locked=True)))
    for referral in rows:
        step(session, sealer, referral, "expired", by=None, actor="clock", now=now)
    return [referral.id for referral in rows]


# ---------------------------------------------------------------- reading


def view(session: Session, sealer: Sealer, referral: Referral, today: date, *, steps: int = 5,
         rules: Rules | None = None) -> ReferralView:
    case = session.get(Case, referral.case_id)
    household = session.get(Household, referral.household_id)
    assert case is not None and household is not None
    agency = session.get(Agency, referral.agency_id) if referral.agency_id else None
    person = session.get(Person, referral.person_id) if referral.person_id else None
    name, age, masked, head = "", None, None, ""
    if person is None:
        head_person = session.scalars(select(Person).where(Person.household_id == household.id,
                                                           Person.relation == "head").limit(1)).first()
        if head_person is not None:
            head = mask_name(full_name(open_from(sealer, head_person, "name")))
    else:
        name = full_name(open_from(sealer, person, "name"))
        age = age_on(person.birth_date, today) if person.birth_date else None
        digits = open_from(sealer, person, "citizen_id", as_json=False)
        masked = mask(digits.decode()) if digits else None
    rows = session.scalars(select(ReferralUpdate).where(ReferralUpdate.referral_id == referral.id)
                           .order_by(ReferralUpdate.id.desc()).limit(steps)) if steps else ()
    details = (open_from(sealer, case, "details") or {"text": ""})["text"] if case.origin == "request" else ""
    return ReferralView(
        id=referral.id, case_id=case.id, case_ref=case.ref, need=case.need, service=referral.service,
        programme=referral.programme, status=referral.status,
        programme_name=dict(programme.name) if (programme := rules and referral.programme
                                                 and rules.programme(referral.programme)) else {}, agency_id=referral.agency_id,
        agency_name=agency.name if agency else "", agency_kind=agency.kind if agency else None,
        village_code=referral.village_code,
        house_no=str(open_from(sealer, household, "address").get("house_no") or ""),
        person_name=name, person_age=age, masked_id=masked, details=details, sent_at=referral.sent_at,
        accept_due=referral.accept_due, complete_due=referral.complete_due,
        overdue=is_overdue(referral.status, referral.accept_due, referral.complete_due, today),
        version=referral.version, head=head,
        steps=tuple(Step(row.kind, row.status_after, open_from(sealer, row, "note")["text"] if row.note else None,
                         row.created_at, row.by) for row in rows))


def views(session: Session, sealer: Sealer, rows: Sequence[Referral], today: date, **options: Any
          ) -> list[ReferralView]:
    """``view`` of each of a page of referrals, their cases, households, persons and agencies
    read in four queries and held while the views are made (the session's identity map
    keeps an object only while it is referenced), not four queries a row."""
    def load(model: Any, ids: set[int | None]) -> list[Any]:
        wanted = {i for i in ids if i is not None}
        return list(session.scalars(select(model).where(model.id.in_(wanted)))) if wanted else []

    held = [load(Case, {row.case_id for row in rows}), load(Household, {row.household_id for row in rows}),
            load(Person, {row.person_id for row in rows}), load(Agency, {row.agency_id for row in rows})]
    made = [view(session, sealer, row, today, **options) for row in rows]
    del held
    return made


def _queue_order(today: date):  # type: ignore[no-untyped-def]
    """The queue's order as its parts, first to last: overdue, new (sent, not overdue), the
    rest; each part a status at a time (with the condition on its due date), so that
    ix_referrals_agency_status hands over its rows oldest first and a page reads only
    the rows it shows, however many an agency has."""
    late_accept, late_complete = Referral.accept_due < today, Referral.complete_due < today
    on_time_accept = or_(Referral.accept_due.is_(None), Referral.accept_due >= today)
    on_time_complete = or_(Referral.complete_due.is_(None), Referral.complete_due >= today)
    return (((SENT, late_accept), (ACCEPTED, late_complete), (IN_PROGRESS, late_complete)),
            ((SENT, on_time_accept),),
            ((ACCEPTED, on_time_complete), (IN_PROGRESS, on_time_complete)))


def queue(session: Session, agency_ids: Sequence[int], scopes: Sequence[str], today: date, *, offset: int = 0,
          limit: int = 10) -> tuple[int, list[Referral]]:
    """An agency's referrals still to act on in its staff member's areas: overdue first,
    then new (not yet accepted), then the rest; oldest first within each."""
    if not agency_ids or not scopes:
        return 0, []
    where = (Referral.agency_id.in_(agency_ids), or_(*(Referral.village_code.startswith(scope) for scope in scopes)))
    total = session.scalar(select(func.count()).select_from(Referral)
                           .where(*where, Referral.status.in_(WITH_AGENCY))) or 0
    wanted, ids = offset + limit, []
    for part in _queue_order(today):  # sorting all of a provincial office's referrals took 30 ms
        if len(ids) >= wanted:
            break
        rest = wanted - len(ids)
        pieces = [select(Referral.id, Referral.sent_at).where(*where, Referral.status == status, due)
                  .order_by(Referral.sent_at, Referral.id).limit(rest).subquery() for status, due in part]
        merged = union_all(*(select(piece.c.id, piece.c.sent_at) for piece in pieces)).subquery()
        ids += session.scalars(select(merged.c.id).order_by(merged.c.sent_at, merged.c.id).limit(rest))
    page = ids[offset:wanted]
    rows = {row.id: row for row in session.scalars(select(Referral).where(Referral.id.in_(page)))} if page else {}
    return total, [rows[referral_id] for referral_id in page]


def in_areas(session: Session, scopes: Sequence[str], today: date, *, waiting_only: bool = False,
             offset: int = 0, limit: int = 10) -> tuple[int, list[Referral]]:
    """Open referrals of households in these areas (a coordinator's view): those waiting for
    an agency first, then overdue ones, then the rest."""
    if not scopes:
        return 0, []
    statuses = (ROUTING,) if waiting_only else OPEN
    where = (Referral.status.in_(statuses), or_(*(Referral.village_code.startswith(scope) for scope in scopes)))
    total = session.scalar(select(func.count()).select_from(Referral).where(*where)) or 0
    rank = when((Referral.status == ROUTING, 0), (overdue_clause(today), 1), else_=2)
    rows = session.scalars(select(Referral).where(*where).order_by(rank, Referral.created_at, Referral.id)
                           .offset(offset).limit(limit))
    return total, list(rows)


def of_case(session: Session, case_id: int) -> list[Referral]:
    return list(session.scalars(select(Referral).where(Referral.case_id == case_id).order_by(Referral.id)))


def agency_recipients(session: Session, agency_id: int, village_code: str) -> tuple[list[Recipient], list[Recipient]]:
    """Who hears of a referral sent to an agency, in two queries whatever their number:
    its staff whose area covers the household (their own chats), and its registered group chats."""
    covering = literal(village_code).startswith(RoleGrant.area_code)
    staff = session.execute(_people(
        select(Account.line_user_id, func.coalesce(Chat.language, "th"))
        .join(RoleGrant, RoleGrant.account_id == Account.id)
        .where(RoleGrant.role == "agency", RoleGrant.agency_id == agency_id, RoleGrant.revoked_at.is_(None),
               covering)))
    groups = session.execute(select(Chat.line_id, Chat.language).where(Chat.agency_id == agency_id,
                                                                        Chat.active.is_(True)))
    return [Recipient(*row) for row in staff], [Recipient(*row) for row in groups]


def _people(query) -> Select:  # type: ignore[no-untyped-def]
    """LINE ids with their chat's language, leaving out chats that blocked the bot."""
    return query.outerjoin(Chat, Chat.line_id == Account.line_user_id).where(
        or_(Chat.id.is_(None), Chat.active.is_(True))).distinct()


def coordinator_recipients(session: Session, village_code: str) -> list[Recipient]:
    covering = literal(village_code).startswith(RoleGrant.area_code)
    rows = session.execute(_people(
        select(Account.line_user_id, func.coalesce(Chat.language, "th"))
        .join(RoleGrant, RoleGrant.account_id == Account.id)
        .where(RoleGrant.role == "coordinator", RoleGrant.revoked_at.is_(None), covering)))
    return [Recipient(*row) for row in rows]


def account_recipients(session: Session, account_ids: Sequence[int]) -> list[Recipient]:
    rows = session.execute(_people(select(Account.line_user_id, func.coalesce(Chat.language, "th"))
                                   .where(Account.id.in_(account_ids))))
    return [Recipient(*row) for row in rows]


def household_recipients(session: Session, household_id: int) -> list[Recipient]:
    """The LINE accounts linked to the household: each change that matters to it is told there."""
    rows = session.execute(_people(
        select(Account.line_user_id, func.coalesce(Chat.language, "th"))
        .join(HouseholdLink, HouseholdLink.account_id == Account.id)
        .where(HouseholdLink.household_id == household_id, HouseholdLink.status == "linked")))
    return [Recipient(*row) for row in rows]
