"""A leader correcting a household's details on site. Amounts accept Thai digits and
thousands separators; anything unreadable is said plainly and asked again."""
from __future__ import annotations

import re
from typing import Any

from bot.flows.context import EventContext
from casework import authorization, consent, conversations, registry
from casework.conditions import CHOICES
from casework.models import Household, Person
from casework.questionnaire import default as questionnaire
from casework.thai_input import InputError, ascii_digits, parse_amount
from messages import corrections as views
from messages import postback
from messages import registry as household_views

FLOW = "correct"
PHONE = re.compile(r"^0\d{8,9}$")


def _household(ctx: EventContext, params: dict[str, str]) -> Household | None:
    number = postback.whole_number(params.get("id"))
    household = ctx.uow.session.get(Household, number) if number is not None else None
    if household is None or not authorization.can_check(ctx.actor, household.village_code):
        return None
    return household


def _person(ctx: EventContext, household: Household, params: dict[str, str]) -> Person | None:
    number = postback.whole_number(params.get("p"))
    person = ctx.uow.session.get(Person, number) if number is not None else None
    return person if person is not None and person.household_id == household.id else None


def start(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx, params)
    if household is None:
        return ctx.refuse("correct", "scope")
    ctx.answer(views.choose_field(ctx.tr, household.id, list(views.FIELDS)))
    return "correct_menu"


def choose(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx, params)
    field = params.get("f", "")
    if household is None or field not in views.FIELDS:
        return ctx.refuse("correct", "scope_or_field")
    if field in registry.PERSON_FIELDS:
        person = _person(ctx, household, params)
        if person is None:
            view = registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date())
            ctx.answer(views.choose_member(ctx.tr, view, field))
            return "correct_member"
        if field in registry.SENSITIVE_FIELDS and not consent.given(ctx.uow.session, scope="sensitive",
                                                                     household_id=household.id):
            ctx.answer(views.needs_sensitive_consent(ctx.tr))
            return "correct_needs_consent"
        if field == "has_disability_card":
            ctx.answer(views.choose_yes_no(ctx.tr, household.id, field, person.id))
            return "correct_yes_no"
        return _ask(ctx, household, field, person)
    if field in CHOICES:
        ctx.answer(views.choose_option(ctx.tr, ctx.language, questionnaire(), household.id, field))
        return "correct_options"
    return _ask(ctx, household, field, None)


def _ask(ctx: EventContext, household: Household, field: str, person: Person | None) -> str:
    assert ctx.chat is not None
    conversations.interrupt(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, FLOW,
                            {"hh": household.id, "field": field, "person": person.id if person else None}, ctx.now)
    ctx.answer(views.ask_value(ctx.tr, field))
    return "correct_ask"


def choose_value(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx, params)
    field, value = params.get("f", ""), params.get("v", "")
    if household is None:
        return ctx.refuse("correct", "scope")
    if field in CHOICES and value in CHOICES[field][1]:
        return _apply(ctx, household, field, value, None)
    if field == "has_disability_card" and value in ("yes", "no"):
        person = _person(ctx, household, params)
        if person is None or not consent.given(ctx.uow.session, scope="sensitive", household_id=household.id):
            return ctx.refuse("correct", "consent_or_person")
        return _apply(ctx, household, field, value == "yes", person)
    return ctx.refuse("correct", "bad_value")


def on_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    """The typed value the flow asked for: checked, saved, or asked again with the reason."""
    household = _household(ctx, {"id": str(state.get("hh", ""))})
    if household is None:
        return ctx.refuse("correct", "scope")
    person = _person(ctx, household, {"p": str(state.get("person") or "")}) if state.get("person") else None
    field = state.get("field", "")
    try:
        value = parse_value(field, text)
    except InputError as error:
        ctx.answer(views.problem(ctx.tr, error.reason))
        ctx.answer(views.ask_value(ctx.tr, field))
        return f"correct_invalid_{error.reason}"
    assert ctx.chat is not None
    conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)
    return _apply(ctx, household, field, value, person)


def parse_value(field: str, text: str) -> Any:
    if field in registry.AMOUNT_FIELDS:
        return parse_amount(text, maximum=registry.AMOUNT_FIELDS[field])
    if field == "phone":
        digits = re.sub(r"[\s\-]", "", ascii_digits(text))
        if not PHONE.match(digits):
            raise InputError("bad_phone")
        return digits
    cleaned = " ".join(text.split())
    if not 0 < len(cleaned) <= 60:
        raise InputError("bad_text")
    return cleaned


def reprompt(ctx: EventContext, state: dict[str, Any]) -> str:
    """A sticker or a photo where a value was asked for: say so, ask again."""
    ctx.answer(views.problem(ctx.tr, "bad_text"))
    ctx.answer(views.ask_value(ctx.tr, state.get("field", "")))
    return "correct_reprompted"


def _apply(ctx: EventContext, household: Household, field: str, value: Any, person: Person | None) -> str:
    try:
        registry.correct(ctx.uow.session, ctx.uow.sealer, household=household, field=field, value=value,
                         actor_id=ctx.actor.account_id or 0, now=ctx.now, person=person)
    except registry.RegistryError:
        return ctx.refuse("correct", "bad_field")
    ctx.answer(views.saved(ctx.tr))
    view = registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date())
    ctx.answer(household_views.household_card(
        ctx.tr, ctx.language, view, questionnaire(), can_check=True,
        can_link=authorization.can_link(ctx.actor, household.village_code), has_draft=False, quick=ctx.quick()))
    return "corrected"


ROUTES = {"fix": start, "fixf": choose, "fixv": choose_value}
