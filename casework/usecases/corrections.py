"""A leader or coordinator correcting a household's details on site, one field at a time.

Health and disability are recorded only with the household's explicit consent, given
during the check. Typed amounts accept Thai digits and thousands separators; anything
unreadable is refused with the reason (``casework.thai_input.InputError``), so the chat
can say it plainly and ask again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from casework import authorization, consent, registry
from casework.authorization import Actor
from casework.conditions import CHOICES
from casework.errors import Refused
from casework.models import Household, Person
from casework.registry import HouseholdView
from casework.thai_input import InputError, ascii_digits, parse_amount
from casework.usecases.base import Env, allow, get, use_case

FIELDS = registry.HOUSEHOLD_FIELDS + registry.PERSON_FIELDS
PHONE = re.compile(r"^0\d{8,9}$")
MAX_TEXT = 60


@dataclass(frozen=True)
class Menu:
    household_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    """What to ask next about ``field``: ``member`` (whose? ``view`` lists them),
    ``consent`` (not without the household's sensitive consent), ``yes_no`` (for
    ``person_id``), ``option`` (one of the field's codes), or ``value`` (to be typed)."""

    household_id: int
    field: str
    ask: str
    person_id: int | None = None
    view: HouseholdView | None = None


@dataclass(frozen=True)
class Corrected:
    """The household after the correction, and whether this person may link its LINE."""

    view: HouseholdView
    can_link: bool


def parse_value(field: str, text: str) -> Any:
    """A typed value for ``field``: an amount in baht, a phone number, or a short text."""
    if field in registry.AMOUNT_FIELDS:
        return parse_amount(text, maximum=registry.AMOUNT_FIELDS[field])
    if field == "phone":
        digits = re.sub(r"[\s\-]", "", ascii_digits(text))
        if not PHONE.match(digits):
            raise InputError("bad_phone")
        return digits
    cleaned = " ".join(text.split())
    if not 0 < len(cleaned) <= MAX_TEXT:
        raise InputError("bad_text")
    return cleaned


def _household(env: Env, actor: Actor, household_id: int | None) -> Household:
    household = get(env, Household, household_id)
    allow(authorization.can_check(actor, household.village_code))
    return household


def _person(env: Env, household: Household, person_id: int | None) -> Person | None:
    """A member of this household, or None (a person of another household is none of its members)."""
    person = env.session.get(Person, person_id) if person_id is not None else None
    return person if person is not None and person.household_id == household.id else None


def _sensitive_allowed(env: Env, household: Household, field: str) -> bool:
    return field not in registry.SENSITIVE_FIELDS or consent.given(env.session, scope="sensitive",
                                                                    household_id=household.id)


@use_case
def menu(env: Env, actor: Actor, household_id: int | None) -> Menu:
    """The fields that can be corrected, once this person may correct this household."""
    return Menu(_household(env, actor, household_id).id, FIELDS)


@use_case
def choose(env: Env, actor: Actor, household_id: int | None, field: str, person_id: int | None = None) -> Choice:
    household = _household(env, actor, household_id)
    if field not in FIELDS:
        raise Refused("bad_field")
    if field in registry.PERSON_FIELDS:
        person = _person(env, household, person_id)
        if person is None:
            return Choice(household.id, field, "member",
                          view=registry.view(env.session, env.sealer, household, env.today))
        if not _sensitive_allowed(env, household, field):
            return Choice(household.id, field, "consent", person.id)
        return Choice(household.id, field, "yes_no" if field == "has_disability_card" else "value", person.id)
    return Choice(household.id, field, "option" if field in CHOICES else "value")


def _apply(env: Env, actor: Actor, household: Household, field: str, value: Any, person_id: int | None
           ) -> Corrected:
    person = _person(env, household, person_id)
    if person_id is not None and person is None:
        raise Refused("bad_field")
    allow(actor.account_id is not None)
    if not _sensitive_allowed(env, household, field):
        raise Refused("no_sensitive_consent")
    registry.correct(env.session, env.sealer, household=household, field=field, value=value,
                     actor_id=actor.account_id, now=env.now, person=person)
    return Corrected(registry.view(env.session, env.sealer, household, env.today),
                     authorization.can_link(actor, household.village_code))


@use_case
def set_value(env: Env, actor: Actor, household_id: int | None, field: str, value: str,
              person_id: int | None = None) -> Corrected:
    """A value tapped on a button: one of a condition's codes, or yes/no for a member's
    disability card. ``Refused("bad_value")`` for anything no button offers."""
    household = _household(env, actor, household_id)
    if field in CHOICES and value in CHOICES[field][1]:
        return _apply(env, actor, household, field, value, None)
    if field == "has_disability_card" and value in ("yes", "no") and person_id is not None:
        return _apply(env, actor, household, field, value == "yes", person_id)
    raise Refused("bad_value")


@use_case
def type_value(env: Env, actor: Actor, household_id: int | None, field: str, text: str,
               person_id: int | None = None) -> Corrected:
    """A typed value: read (``InputError`` with the reason if unreadable), then saved."""
    household = _household(env, actor, household_id)
    return _apply(env, actor, household, field, parse_value(field, text), person_id)
