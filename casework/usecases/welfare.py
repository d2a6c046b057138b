"""Welfare status recorded on site: a leader (or coordinator) of the household's area sees
each member's status in each programme and records what the household says or shows
("applied", "receiving", "stopped", from a day). A programme that reveals a disability is
recorded only with the household's explicit consent to sensitive data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework import authorization, consent, registry, welfare
from casework.authorization import Actor
from casework.entitlements.facts import RECEIVED
from casework.models import Household, Person
from casework.usecases.base import Env, allow, get, use_case
from casework.welfare import WelfareError

ON_SITE = (welfare.APPLIED, welfare.RECEIVING, welfare.STOPPED)


@dataclass(frozen=True)
class ProgrammeStatus:
    programme: str
    name: dict[str, str]   # by language
    status: str | None     # None: nothing recorded
    since: date | None


@dataclass(frozen=True)
class MemberWelfare:
    person_id: int
    name: str
    age: int | None
    programmes: tuple[ProgrammeStatus, ...]


@dataclass(frozen=True)
class HouseholdWelfare:
    household_id: int
    address: str
    members: tuple[MemberWelfare, ...]


def _household(env: Env, actor: Actor, household_id: int | None) -> Household:
    household = get(env, Household, household_id)
    allow(actor.account_id is not None and authorization.can_check(actor, household.village_code))
    return household


def _programmes(env: Env) -> list[tuple[str, dict[str, str]]]:
    """A person's programmes in force today, as the rules name them."""
    return [(programme.id, dict(programme.name)) for programme, _ in env.rules.on(env.today)
            if programme.entity == "person" and programme.id in RECEIVED]


def _card(env: Env, household: Household) -> HouseholdWelfare:
    view = registry.view(env.session, env.sealer, household, env.today)
    statuses = {(row.person_id, row.programme): row for row in welfare.of_household(env.session, household.id)}
    programmes = _programmes(env)
    return HouseholdWelfare(household.id, view.address, tuple(
        MemberWelfare(member.person_id, member.name, member.age, tuple(
            ProgrammeStatus(code, name, *((statuses[(member.person_id, code)].status,
                                           statuses[(member.person_id, code)].since)
                                          if (member.person_id, code) in statuses else (None, None)))
            for code, name in programmes))
        for member in view.members))


@use_case
def of_household(env: Env, actor: Actor, household_id: int | None) -> HouseholdWelfare:
    return _card(env, _household(env, actor, household_id))


@use_case
def of_person(env: Env, actor: Actor, person_id: int | None) -> MemberWelfare:
    """One member's programmes and status, to record a new one."""
    person = get(env, Person, person_id)
    card = _card(env, _household(env, actor, person.household_id))
    return next(member for member in card.members if member.person_id == person.id)


@use_case
def record_on_site(env: Env, actor: Actor, person_id: int | None, programme: str, status: str,
                   since: date) -> HouseholdWelfare:
    """Record what the household says: applied, receiving or stopped, from ``since``."""
    person = get(env, Person, person_id)
    household = _household(env, actor, person.household_id)
    if status not in ON_SITE or programme not in dict(_programmes(env)):
        raise WelfareError("bad_status")
    if programme in welfare.SENSITIVE and not consent.given(env.session, scope="sensitive",
                                                            household_id=household.id):
        raise WelfareError("needs_sensitive_consent")
    welfare.record(env.session, env.sealer, person=person, programme=programme, status=status, since=since,
                   source="chat", actor_label=actor.label, account_id=actor.account_id, now=env.now)
    return _card(env, household)
