"""A leader correcting a household's details on site, one field at a time: a field, a
member when the field is a person's, then a tapped choice or a typed value. A typed
value that cannot be read is said plainly and asked again.

The field waiting for a typed value is kept in the chat's conversation (flow
``correct``), on top of a check it may interrupt; every step goes through
``casework.usecases.corrections``.
"""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.questionnaire import default as questionnaire
from casework.thai_input import InputError
from casework.usecases import corrections
from casework.usecases.corrections import Corrected
from messages import corrections as views
from messages import postback
from messages import registry as household_views

FLOW = "correct"


def _id(params: dict[str, str], key: str) -> int | None:
    return postback.whole_number(params.get(key))


def start(ctx: EventContext, params: dict[str, str]) -> str:
    menu = corrections.menu(ctx.env, ctx.actor, _id(params, "id"))
    ctx.answer(views.choose_field(ctx.tr, menu.household_id, list(menu.fields)))
    return "correct_menu"


def choose(ctx: EventContext, params: dict[str, str]) -> str:
    choice = corrections.choose(ctx.env, ctx.actor, _id(params, "id"), params.get("f", ""), _id(params, "p"))
    if choice.ask == "member":
        assert choice.view is not None
        ctx.answer(views.choose_member(ctx.tr, choice.view, choice.field))
        return "correct_member"
    if choice.ask == "consent":
        ctx.answer(views.needs_sensitive_consent(ctx.tr))
        return "correct_needs_consent"
    if choice.ask == "yes_no":
        assert choice.person_id is not None
        ctx.answer(views.choose_yes_no(ctx.tr, choice.household_id, choice.field, choice.person_id))
        return "correct_yes_no"
    if choice.ask == "option":
        ctx.answer(views.choose_option(ctx.tr, ctx.language, questionnaire(), choice.household_id, choice.field))
        return "correct_options"
    ctx.conversation.interrupt(FLOW, {"hh": choice.household_id, "field": choice.field, "person": choice.person_id})
    ctx.answer(views.ask_value(ctx.tr, choice.field))
    return "correct_ask"


def choose_value(ctx: EventContext, params: dict[str, str]) -> str:
    corrected = corrections.set_value(ctx.env, ctx.actor, _id(params, "id"), params.get("f", ""),
                                      params.get("v", ""), _id(params, "p"))
    return _saved(ctx, corrected)


def on_text(ctx: EventContext, state: State, text: str) -> str:
    """The typed value the flow asked for: checked, saved, or asked again with the reason."""
    field = state.get("field", "")
    try:
        corrected = corrections.type_value(ctx.env, ctx.actor, state.get("hh"), field, text, state.get("person"))
    except InputError as error:
        ctx.answer(views.problem(ctx.tr, error.reason))
        ctx.answer(views.ask_value(ctx.tr, field))
        return f"correct_invalid_{error.reason}"
    ctx.conversation.resume()
    return _saved(ctx, corrected)


def reprompt(ctx: EventContext, state: State) -> str:
    """A sticker or a photo where a value was asked for: say so, ask again."""
    ctx.answer(views.problem(ctx.tr, "bad_text"))
    ctx.answer(views.ask_value(ctx.tr, state.get("field", "")))
    return "correct_reprompted"


def _saved(ctx: EventContext, corrected: Corrected) -> str:
    ctx.answer(views.saved(ctx.tr))
    ctx.answer(household_views.household_card(
        ctx.tr, ctx.language, corrected.view, questionnaire(), can_check=True, can_link=corrected.can_link,
        has_draft=False, quick=ctx.quick()))
    return "corrected"


FLOWS = (
    Flow(FLOW, short=True, text=on_text, reprompt=reprompt,
         actions={"fix": start, "fixf": choose, "fixv": choose_value}),
)
