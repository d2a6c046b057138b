"""Follow-up visits in chat: a leader (or coordinator) of the household's area logs a visit
on the household or one of its cases, with words, voice notes, photos, the place, and the
day to go back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework import authorization, visits
from casework.authorization import Actor
from casework.models import Case, Household
from casework.usecases.base import Env, allow, get, use_case


@dataclass(frozen=True)
class Draft:
    """A visit being told in the chat, kept in the conversation until it is saved."""

    household_id: int
    case_id: int | None = None
    ref: str | None = None
    note: str = ""
    photos: tuple[str, ...] = ()
    voices: tuple[str, ...] = ()
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Logged:
    visit_id: int
    ref: str | None
    next_visit_on: date | None


def _where(env: Env, actor: Actor, household_id: int | None, case_id: int | None) -> tuple[Household, Case | None]:
    case = get(env, Case, case_id) if case_id is not None else None
    household = get(env, Household, case.household_id if case is not None else household_id)
    allow(actor.account_id is not None and authorization.can_check(actor, household.village_code))
    return household, case


@use_case
def begin(env: Env, actor: Actor, household_id: int | None, case_id: int | None = None) -> Draft:
    """May this person log a visit here? The empty draft, naming the case if there is one."""
    household, case = _where(env, actor, household_id, case_id)
    return Draft(household.id, case.id if case else None, case.ref if case else None)


@use_case
def log(env: Env, actor: Actor, draft: Draft, next_visit_on: date | None) -> Logged:
    household, case = _where(env, actor, draft.household_id, draft.case_id)
    visit = visits.log(env.session, env.sealer, household, case=case, by=actor.account_id or 0, actor=actor.label,
                       now=env.now, note=draft.note, location=draft.location, photos=draft.photos,
                       voices=draft.voices, next_visit_on=next_visit_on)
    return Logged(visit.id, case.ref if case else None, next_visit_on)
