"""Follow-up visits: a leader's words, voice notes, photos and the place of a visit to a
household (or about one of its cases), and the day to go back. Everything is checked
before anything is written; the words and the place are sealed."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, registry
from casework.crypto import Sealer
from casework.errors import Refused
from casework.locations import Point, point
from casework.models import Case, Household, Visit
from casework.sealing import seal_into
from casework.thai_time import thai_today

MAX_NOTE = 2000
MAX_PIECES = 5          # photos, and voice notes, each
MAX_AHEAD = timedelta(days=366)


class VisitError(Refused):
    """``too_long``, ``too_many``, ``past_date``, ``too_far``, ``empty``, ``bad_location``."""


def check_next(next_visit_on: date | None, today: date) -> None:
    if next_visit_on is None:
        return
    if next_visit_on < today:
        raise VisitError("past_date")
    if next_visit_on > today + MAX_AHEAD:
        raise VisitError("too_far")


def log(session: Session, sealer: Sealer, household: Household, *, case: Case | None, by: int, actor: str,
        now: datetime, note: str = "", location: Point | None = None, photos: Sequence[str] = (),
        voices: Sequence[str] = (), next_visit_on: date | None = None) -> Visit:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise VisitError("too_long")
    if len(photos) > MAX_PIECES or len(voices) > MAX_PIECES:
        raise VisitError("too_many")
    if not (note or location or photos or voices):
        raise VisitError("empty")
    if location is not None:
        location = point(*location)
    check_next(next_visit_on, thai_today(now))
    visit = Visit(household_id=household.id, case_id=case.id if case else None, visited_by=by, visited_at=now,
                  next_visit_on=next_visit_on)
    seal_into(sealer, visit, "note", {"text": note} if note else None)
    seal_into(sealer, visit, "location", {"lat": location[0], "lng": location[1]} if location else None)
    session.add(visit)
    session.flush()
    for message_id in (*photos, *voices):
        registry.add_photo(session, sealer, household, message_id, by, now, visit_id=visit.id)
    audit.record(session, sealer, actor=actor, action="visit.logged", entity="household", entity_id=household.id,
                 area_code=household.village_code, now=now,
                 changes={"visit": [None, visit.id], "case": [None, case.id if case else None],
                          "note": [None, "(sealed)" if note else None], "photos": [None, len(photos)],
                          "voice_notes": [None, len(voices)], "location": [None, "(sealed)" if location else None],
                          "next_visit_on": [None, next_visit_on.isoformat() if next_visit_on else None]})
    return visit


def next_visit(session: Session, household_id: int) -> date | None:
    """The day to go back: the latest visit's (a later visit moves it, or clears it)."""
    return session.scalar(select(Visit.next_visit_on).where(Visit.household_id == household_id)
                          .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(1))
