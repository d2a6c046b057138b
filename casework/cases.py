"""Cases: one household need each (a request for help, an item of its plan, a need seen on
a visit), opened under a reference number people can quote, moved through one state
machine (``TRANSITIONS``) by updates that are each audited and never lost to a concurrent
change (``version``).

Callers authorize first (``casework.authorization``); these functions only check that
an update is allowed from the case's current status. What households and leaders
write is sealed, in the case and in its updates.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casework import accounts, audit, counters, registry
from casework.crypto import Sealer
from casework.errors import Refused
from casework.locations import Point, point
from casework.models import Account, Agency, Attachment, Case, CaseUpdate, Household, Referral
from casework.sealing import open_from, seal_into
from casework.thai_time import THAILAND, buddhist_year

# What a household can ask for help with, in the order the chat offers them.
NEEDS = ("money_food", "health", "housing", "job", "education", "care", "other")
HANDOFF = "message"  # text the bot did not understand, which the household sent on to its leader
ALL_NEEDS = (*NEEDS, HANDOFF)

NEW, TRIAGED, PLANNED, REFERRED, IN_PROGRESS = "new", "triaged", "planned", "referred", "in_progress"
RESOLVED, CLOSED, REOPENED, REJECTED, WITHDRAWN = "resolved", "closed", "reopened", "rejected", "withdrawn"
OPEN = (NEW, TRIAGED, PLANNED, REFERRED, IN_PROGRESS, REOPENED)
FINISHED = (RESOLVED, CLOSED)
STATUSES = (*OPEN, RESOLVED, CLOSED, REJECTED, WITHDRAWN)
ORIGINS = ("request", "plan", "gap", "visit", "assessment")
# How a resolved or closed case ended.
OUTCOMES = ("helped", "partly_helped", "not_helped", "no_longer_needed", "moved_away", "duplicate")
HELPED = ("helped", "partly_helped")  # these end a case "resolved"; the others "closed"


def _from(statuses: tuple[str, ...], to: str | None = None) -> dict[str, str]:
    """Each of ``statuses`` moves to ``to``, or stays as it is when ``to`` is None."""
    return {status: to or status for status in statuses}


# The one state machine of a case: each transition (the kind of a case update), the
# statuses it may follow and the status it leaves. A case is opened as ``new``; a status
# missing from a row cannot take that transition.
TRANSITIONS: dict[str, dict[str, str]] = {
    "acknowledged": _from((NEW, REOPENED), TRIAGED),                # a leader takes it up
    "relayed": {**_from(OPEN), NEW: TRIAGED, REOPENED: TRIAGED},   # a leader who answers has seen it
    "note": _from(OPEN),
    "planned": _from((NEW, TRIAGED, REOPENED, REFERRED, IN_PROGRESS), PLANNED),  # also: a referral came back
    "referred": _from((NEW, TRIAGED, PLANNED, REOPENED, IN_PROGRESS), REFERRED),
    "in_progress": _from((TRIAGED, PLANNED, REFERRED), IN_PROGRESS),
    "resolved": _from(OPEN, RESOLVED),
    "closed": _from(OPEN, CLOSED),
    "reopened": _from(FINISHED, REOPENED),
    "confirmed": _from(FINISHED),  # the household says a finished case solved its problem
    "rejected": _from((NEW, TRIAGED, REOPENED), REJECTED),
    "withdrawn": _from(OPEN, WITHDRAWN),
}
# Transitions whose note is required: why a case ended or was turned down.
NEEDS_NOTE = frozenset({"rejected"})
# Transitions that end a case with an outcome.
ENDING = frozenset({"resolved", "closed"})

MAX_DETAILS = 1000  # characters a household may write to one request
MAX_NOTE = 1000
MAX_PHOTOS = 5
REF_PREFIX = "KJ"
# Words on offer to a leader, or a leader's answer being typed, belong to the moment: text
# typed after this long is not joined to them (nor relayed to a household).
MOMENT = timedelta(minutes=30)


class CaseError(Refused):
    """A case cannot be opened or changed as asked: ``not_allowed`` (not from its status),
    ``needs_note``, ``bad_outcome``, ``bad_note``, ``too_long``, ``bad_need``..."""


class CaseChanged(Refused):
    """Someone else changed the case since this person saw it: what it is now, who changed
    it and how, so that they can be told and shown the new state instead of losing a change."""

    def __init__(self, case_id: int, status: str, by: str, kind: str, at: datetime) -> None:
        super().__init__("case_changed")
        self.case_id, self.status, self.by, self.kind, self.at = case_id, status, by, kind, at


@dataclass(frozen=True)
class Update:
    kind: str
    status_after: str
    note: str | None
    at: datetime
    by: int | None = None


@dataclass(frozen=True)
class Referred:
    """One of a case's referrals, as its card lists them."""

    id: int
    service: str
    status: str
    agency: str


@dataclass(frozen=True)
class CaseView:
    """A case as the chat shows it: opened, with the household's words and its latest updates."""

    id: int
    ref: str
    need: str
    status: str
    household_id: int
    village_code: str
    house_no: str
    details: str
    location: tuple[float, float] | None
    photos: int
    created_at: datetime
    updated_at: datetime
    updates: tuple[Update, ...]  # newest first
    version: int = 1
    origin: str = "request"
    service: str | None = None
    programme: str | None = None
    outcome: str | None = None
    referrals: tuple[Referred, ...] = ()

    @property
    def last_kind(self) -> str:
        return self.updates[0].kind if self.updates else "opened"


def next_status(current: str, kind: str) -> str:
    try:
        return TRANSITIONS[kind][current]
    except KeyError:
        raise CaseError("not_allowed") from None


def allowed(current: str, kind: str) -> bool:
    return current in TRANSITIONS.get(kind, {})


def joined(before: str, more: str) -> str:
    """A household's words written in several messages, one after the other;
    ``CaseError("too_long")`` past ``MAX_DETAILS``."""
    words = more.strip()
    combined = f"{before}\n{words}" if before else words
    if len(combined) > MAX_DETAILS:
        raise CaseError("too_long")
    return combined


def recent(at: object, now: datetime) -> bool:
    """``at`` (when a step in a chat began, as its conversation keeps it: ISO 8601) is within ``MOMENT``."""
    return isinstance(at, str) and now - datetime.fromisoformat(at) <= MOMENT


def ref_year(now: datetime) -> int:
    """The Buddhist-era year of ``now`` in Thailand (Gregorian + 543)."""
    return buddhist_year(now.astimezone(THAILAND).year)


def format_ref(year: int, number: int) -> str:
    return f"{REF_PREFIX}-{year}-{number:06d}"


def next_ref(session: Session, now: datetime) -> str:
    """``KJ-2569-000123``: the year's next number, never handed out twice, even by two processes."""
    year = ref_year(now)
    return format_ref(year, counters.next_value(session, f"case_ref:{year}"))


def open_case(session: Session, sealer: Sealer, *, household: Household, need: str, account_id: int,
              now: datetime, details: str = "", location: Point | None = None,
              photos: Sequence[str] = (), sources: Sequence[tuple[str, str]] = (), origin: str = "request",
              track: str | None = None, service: str | None = None, programme: str | None = None,
              person_id: int | None = None) -> Case:
    """A household's request, with what it wrote, where it is and the LINE ids of its photos
    (the worker fetches them). ``sources`` are the (LINE message id, words) the details were
    written in, kept so that a message the household unsends takes its words back out.
    Everything is checked before anything is written."""
    details = details.strip()
    if need not in ALL_NEEDS:
        raise CaseError("bad_need")
    if origin not in ORIGINS:
        raise CaseError("bad_origin")
    if len(details) > MAX_DETAILS:
        raise CaseError("too_long")
    if location is not None:
        location = point(*location)
    if len(photos) > MAX_PHOTOS:
        raise CaseError("too_many_photos")
    case = Case(ref=next_ref(session, now), household_id=household.id, village_code=household.village_code,
                need=need, status=NEW, opened_by=account_id, created_at=now, updated_at=now, origin=origin,
                track=track, service=service, programme=programme, person_id=person_id, version=1)
    seal_into(sealer, case, "details",
              {"text": details, "sources": [list(piece) for piece in sources]} if details else None)
    seal_into(sealer, case, "location", {"lat": location[0], "lng": location[1]} if location else None)
    session.add(case)
    session.flush()
    session.add(CaseUpdate(case_id=case.id, kind="opened", status_after=NEW, by=account_id, created_at=now))
    for message_id in photos:
        registry.add_photo(session, sealer, household, message_id, account_id, now, case_id=case.id)
    audit.record(session, sealer, actor=f"account:{account_id}", action="case.opened", entity="case",
                 entity_id=case.id, area_code=household.village_code, now=now,
                 changes={"ref": [None, case.ref], "need": [None, need], "status": [None, NEW],
                          "origin": [None, origin], "service": [None, service], "programme": [None, programme],
                          "details": [None, "(sealed)" if details else None],
                          "location": [None, "(sealed)" if location else None], "photos": [None, len(photos)]})
    session.flush()
    return case


def forget_message(session: Session, sealer: Sealer, case: Case, line_message_id: str, *, area_code: str,
                   now: datetime) -> bool:
    """Take the words of an unsent LINE message out of the case's details; True if there were any."""
    if case.details is None or not line_message_id:
        return False
    kept = open_from(sealer, case, "details")
    sources = [piece for piece in kept.get("sources") or () if piece[0] != line_message_id]
    if len(sources) == len(kept.get("sources") or ()):
        return False
    text = "\n".join(words for _, words in sources)
    seal_into(sealer, case, "details", {"text": text, "sources": sources} if text else None)
    case.updated_at = now
    audit.record(session, sealer, actor="line:unsend", action="case.details_unsent", entity="case", entity_id=case.id,
                 area_code=area_code, now=now, changes={"details": ["(sealed)", "(sealed)" if text else None]})
    return True


def check_version(session: Session, case: Case, expected: int | None) -> None:
    """``CaseChanged`` if the case is no longer at the version the person acting saw
    (``expected``, carried by their button); None skips the check."""
    if expected is None or expected == case.version:
        return
    last = session.scalars(select(CaseUpdate).where(CaseUpdate.case_id == case.id)
                           .order_by(CaseUpdate.id.desc()).limit(1)).first()
    raise CaseChanged(case.id, case.status, name_of(session, last.by if last else None),
                      last.kind if last else "opened", last.created_at if last else case.updated_at)


def name_of(session: Session, account_id: int | None) -> str:
    """Who did something, as the chat names them ("" if nobody known: the clock, a removed account)."""
    account = session.get(Account, account_id) if account_id is not None else None
    return account.display_name if account is not None else ""


def add_update(session: Session, sealer: Sealer, case: Case, *, kind: str, by: int | None, now: datetime,
               note: str | None = None, outcome: str | None = None, expected: int | None = None) -> CaseUpdate:
    """One step (``kind``: a row of ``TRANSITIONS``), the case's status moved as the table
    says, on the version ``expected`` if given (``CaseChanged`` otherwise). Ending a case
    (resolved, closed) takes an outcome; turning one down takes a note."""
    check_version(session, case, expected)
    note = note.strip() if note else None
    if note is not None and not 0 < len(note) <= MAX_NOTE:
        raise CaseError("bad_note")
    if kind in NEEDS_NOTE and not note:
        raise CaseError("needs_note")
    if outcome is not None and (kind not in ENDING or outcome not in OUTCOMES):
        raise CaseError("bad_outcome")
    before = case.status
    after = next_status(before, kind)
    update = CaseUpdate(case_id=case.id, kind=kind, status_after=after, by=by, created_at=now)
    seal_into(sealer, update, "note", {"text": note} if note else None)
    session.add(update)
    case.status, case.updated_at = after, now
    if kind in ENDING:
        case.outcome = outcome
    elif kind == "reopened":
        case.outcome = None
    household = session.get(Household, case.household_id)
    changes: audit.Changes = {"status": [before, after]}
    if note:
        changes["note"] = [None, "(sealed)"]
    if kind in ENDING:
        changes["outcome"] = [None, outcome]
    audit.record(session, sealer, actor=f"account:{by}" if by is not None else "system", action=f"case.{kind}",
                 entity="case", entity_id=case.id, area_code=household.village_code if household else None,
                 now=now, changes=changes)
    session.flush()
    return update


def acknowledge(session: Session, sealer: Sealer, case: Case, *, by: int, now: datetime) -> CaseUpdate:
    return add_update(session, sealer, case, kind="acknowledged", by=by, now=now)


def relay(session: Session, sealer: Sealer, case: Case, *, by: int, text: str, now: datetime) -> CaseUpdate:
    """A leader's answer, passed on to the household in its chat and kept with the case."""
    return add_update(session, sealer, case, kind="relayed", by=by, now=now, note=text)


def add_note(session: Session, sealer: Sealer, case: Case, *, by: int, text: str, now: datetime) -> CaseUpdate:
    """More words from the household on a case still open (a follow-up message)."""
    return add_update(session, sealer, case, kind="note", by=by, now=now, note=text)


def verdict(session: Session, case: Case) -> str | None:
    """What was said of the case's latest ending (by its household, the only one asked):
    ``confirmed`` (solved), ``reopened`` (not solved), or None while nobody has answered."""
    ended = session.scalar(select(func.max(CaseUpdate.id)).where(CaseUpdate.case_id == case.id,
                                                                  CaseUpdate.kind.in_(ENDING)))
    if ended is None:
        return None
    return session.scalar(select(CaseUpdate.kind).where(
        CaseUpdate.case_id == case.id, CaseUpdate.id > ended, CaseUpdate.kind.in_(("confirmed", "reopened")))
        .order_by(CaseUpdate.id).limit(1))


def cases_of(session: Session, household_id: int, *, limit: int = 10) -> tuple[int, list[Case]]:
    """How many cases the household has, and the ``limit`` most recently updated."""
    total = session.scalar(select(func.count()).select_from(Case).where(Case.household_id == household_id)) or 0
    rows = session.scalars(select(Case).where(Case.household_id == household_id)
                           .order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit))
    return total, list(rows)


def open_in(session: Session, scopes: tuple[str, ...], *, offset: int = 0, limit: int = 10
            ) -> tuple[int, list[Case]]:
    """Open cases of households in these areas, the longest untouched first, so that a
    request whose push was missed is still found."""
    if not scopes:
        return 0, []
    where = (or_(*(Case.village_code.startswith(scope, autoescape=True) for scope in scopes)),
             Case.status.in_(OPEN))
    total = session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    rows = session.scalars(select(Case).where(*where).order_by(Case.updated_at, Case.id).offset(offset).limit(limit))
    return total, list(rows)


def open_request(session: Session, household_id: int) -> Case | None:
    """The household's request still open (asked for with "Ask for help", or a message it sent
    its leader), the one most recently touched: what it writes to its leader meanwhile joins
    it, so that a "thank you, I'll be home tomorrow" is not a request of its own."""
    return session.scalars(select(Case).where(Case.household_id == household_id, Case.origin == "request",
                                              Case.status.in_(OPEN))
                           .order_by(Case.updated_at.desc(), Case.id.desc()).limit(1)).first()


def staff_to_tell(session: Session, household: Household, *, besides: int | None) -> tuple[str, ...]:
    """The LINE of whoever handles the household's requests: its area's leaders or, where no
    leader has been invited yet, its coordinators; never ``besides``, the person who acted."""
    staff = accounts.staff_covering(session, household.village_code, "leader") \
        or accounts.staff_covering(session, household.village_code, "coordinator")
    return tuple(person.line_user_id for person in staff if person.id != besides)


def opener_to_tell(session: Session, case: Case) -> str | None:
    """News of a request goes to whoever asked, while their LINE is still linked to the household."""
    opener = session.get(Account, case.opened_by)
    if opener is None or case.household_id not in registry.linked_households(session, opener.id):
        return None
    return opener.line_user_id


def view(session: Session, sealer: Sealer, case: Case, *, updates: int = 5, photos: int | None = None) -> CaseView:
    household = session.get(Household, case.household_id)
    assert household is not None
    location = open_from(sealer, case, "location")
    if photos is None:
        photos = session.scalar(select(func.count()).select_from(Attachment)
                                .where(Attachment.case_id == case.id)) or 0
    rows = session.scalars(select(CaseUpdate).where(CaseUpdate.case_id == case.id, CaseUpdate.kind != "opened")
                           .order_by(CaseUpdate.created_at.desc(), CaseUpdate.id.desc()).limit(updates)
                           ) if updates else ()
    return CaseView(
        id=case.id, ref=case.ref, need=case.need, status=case.status, household_id=household.id,
        village_code=household.village_code,
        house_no=str(open_from(sealer, household, "address").get("house_no") or ""),
        details=(open_from(sealer, case, "details") or {"text": ""})["text"],
        location=(location["lat"], location["lng"]) if location else None, photos=photos,
        created_at=case.created_at, updated_at=case.updated_at, version=case.version, origin=case.origin,
        service=case.service, programme=case.programme, outcome=case.outcome,
        referrals=tuple(Referred(*row) for row in session.execute(
            select(Referral.id, Referral.service, Referral.status, func.coalesce(Agency.name, ""))
            .outerjoin(Agency, Agency.id == Referral.agency_id).where(Referral.case_id == case.id)
            .order_by(Referral.id))) if updates else (),
        updates=tuple(Update(kind=row.kind, status_after=row.status_after,
                             note=open_from(sealer, row, "note")["text"] if row.note else None, at=row.created_at,
                             by=row.by)
                      for row in rows))


def views(session: Session, sealer: Sealer, rows: Sequence[Case], **options: Any) -> list[CaseView]:
    """``view`` of each of a page of cases, their households and photo counts read in two
    queries and held while the views are made, not two queries a row."""
    if not rows:
        return []
    held = list(session.scalars(select(Household).where(Household.id.in_({case.household_id for case in rows}))))
    photos = dict(session.execute(select(Attachment.case_id, func.count()).where(
        Attachment.case_id.in_([case.id for case in rows])).group_by(Attachment.case_id)).all())
    made = [view(session, sealer, case, photos=photos.get(case.id, 0), **options) for case in rows]
    del held
    return made
