"""A household's "Ask for help", step by step, and "My requests".

The request being written waits in the chat's conversation (``help``: the household
and the draft) until the household taps "Send request"; each step goes through
``casework.usecases.requests``, which asks again whether this LINE may still ask for
this household. The area's leaders are told when a request is sent.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from babel.support import NullTranslations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from bot.logs import log
from casework.errors import Refused
from casework.usecases import requests
from casework.usecases.base import FORBIDDEN
from casework.usecases.requests import Draft
from messages import greetings, postback
from messages.dates import format_date
from messages import help_requests as views
from messages.line import Message

HELP = "help"

T = TypeVar("T")
Builder = Callable[[NullTranslations, str], list[Message]]  # (translations, language) -> messages


def tell_staff(ctx: EventContext, line_ids: tuple[str, ...], build: Builder, *, household_id: int) -> None:
    """Push news of a household's request to the staff its use case named, in their language."""
    if not line_ids:
        log("nobody_to_tell", level=logging.WARNING, household=household_id)
    for line_id in line_ids:
        ctx.push(line_id, build)


def _keep(ctx: EventContext, state: State, draft: Draft) -> None:
    ctx.conversation.interrupt(HELP, {"hh": state.get("hh"), **draft.to_state()})


def _step(ctx: EventContext, state: State, change: Callable[[Draft], T]) -> T | str:
    """One step of the draft through its use case: its result, or, when what was sent cannot
    be kept, the outcome of saying so and asking again. A household no longer allowed to ask
    is let go of the draft."""
    try:
        return change(Draft.from_state(state))
    except Refused as refusal:
        if refusal.reason in FORBIDDEN:
            ctx.conversation.resume()
            raise
        return reprompt(ctx, state, refusal.reason)


def start(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        household_id = requests.begin(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        return _not_linked(ctx, "help_not_linked")
    ctx.conversation.interrupt(HELP, {"hh": household_id, **Draft().to_state()})
    ctx.answer(views.ask_need(ctx.tr))
    return "help_started"


def on_postback(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=hr``: a need chosen (``need=``), ``send=1`` or ``cancel=1``."""
    state = ctx.conversation.on_top(HELP)
    if state is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "help_stale"
    if "cancel" in params:
        ctx.conversation.resume()
        ctx.answer(views.cancelled(ctx.tr, ctx.quick()))
        return "help_cancelled"
    if "need" in params:
        return _choose(ctx, state, params["need"])
    if "send" in params and Draft.from_state(state).need is not None:
        return _send(ctx, state)
    return reprompt(ctx, state)


def _choose(ctx: EventContext, state: State, need: str) -> str:
    draft = _step(ctx, state, lambda draft: requests.choose_need(ctx.env, ctx.actor, state.get("hh"), draft, need))
    if isinstance(draft, str):
        return draft
    _keep(ctx, state, draft)
    ctx.answer(views.ask_details(ctx.tr, need))
    return "help_need"


def on_text(ctx: EventContext, state: State, text: str) -> str:
    """Typed during the flow: a need's label, "Send request", or the household's own words."""
    need = Draft.from_state(state).need
    if need is None:
        typed = views.typed_need(ctx.tr, text)
        return _choose(ctx, state, typed) if typed else reprompt(ctx, state, "choose_need")
    if views.typed_send(ctx.tr, text):
        return _send(ctx, state)
    message_id = str((ctx.event.get("message") or {}).get("id") or "")
    draft = _step(ctx, state, lambda draft: requests.add_text(ctx.env, ctx.actor, state.get("hh"), draft, text,
                                                              message_id))
    if isinstance(draft, str):
        return draft
    _keep(ctx, state, draft)
    ctx.answer(views.ask_details(ctx.tr, need, added=views.added(ctx.tr, "text")))
    return "help_text_added"


def on_photo(ctx: EventContext, state: State, message_id: str) -> str | None:
    """A photo while a request is being written goes with it; None when the request is not
    what the chat is answering."""
    if ctx.conversation.on_top(HELP) is None:
        return None
    draft = _step(ctx, state, lambda draft: requests.add_photo(ctx.env, ctx.actor, state.get("hh"), draft,
                                                               message_id))
    if isinstance(draft, str):
        return draft
    _keep(ctx, state, draft)
    return _added(ctx, draft, views.added(ctx.tr, "photo", len(draft.photos)), "help_photo_added")


def on_location(ctx: EventContext, state: State, latitude: Any, longitude: Any) -> str | None:
    if ctx.conversation.on_top(HELP) is None:
        return None
    draft = _step(ctx, state, lambda draft: requests.set_location(ctx.env, ctx.actor, state.get("hh"), draft,
                                                                  latitude, longitude))
    if isinstance(draft, str):
        return draft
    _keep(ctx, state, draft)
    return _added(ctx, draft, views.added(ctx.tr, "location"), "help_location_added")


def _added(ctx: EventContext, draft: Draft, what: str, outcome: str) -> str:
    """Say what was kept, then ask the step's question (a need first, if none is chosen yet)."""
    if draft.need is None:
        ctx.answer(views.ask_need(ctx.tr, added=what))
    else:
        ctx.answer(views.ask_details(ctx.tr, draft.need, added=what))
    return outcome


def forget_unsent(ctx: EventContext, line_message_id: str) -> None:
    """An unsent message takes its words or photo out of the request being written."""
    state = ctx.conversation.state_of(HELP)
    if state is not None:
        draft = Draft.from_state(state).without(line_message_id)
        ctx.conversation.update(HELP, {"hh": state.get("hh"), **draft.to_state()})


def reprompt(ctx: EventContext, state: State, reason: str = "not_kept") -> str:
    """Something the step cannot use: say so plainly, ask the step's question again."""
    ctx.answer(views.problem(ctx.tr, reason))
    need = Draft.from_state(state).need
    ctx.answer(views.ask_need(ctx.tr) if need is None else views.ask_details(ctx.tr, need))
    return f"help_reprompted_{reason}"


def _send(ctx: EventContext, state: State) -> str:
    sent = _step(ctx, state, lambda draft: requests.send(ctx.env, ctx.actor, state.get("hh"), draft))
    if isinstance(sent, str):
        return sent
    ctx.conversation.resume()
    ctx.answer(views.sent(ctx.tr, sent.case.ref, ctx.quick()))
    tell_staff(ctx, sent.notify, lambda tr, language: views.new_case_notice(tr, language, sent.case),
               household_id=sent.case.household_id)
    return "help_sent"


def _not_linked(ctx: EventContext, outcome: str) -> str:
    """How to be linked; to one who registered, that the registration waits for the leader."""
    requested_at = ctx.registered_on
    ctx.answer(views.not_linked(ctx.tr, ctx.quick(), registered_on=format_date(requested_at, ctx.language)
                                if requested_at is not None else None))
    return outcome


def show_mine(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        mine = requests.mine(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        return _not_linked(ctx, "my_requests_not_linked")
    ctx.answer(views.my_requests(ctx.tr, ctx.language, mine.total, mine.requests, ctx.quick()))
    return "my_requests"


def answer_closing(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=csolved&id=N&v=yes|no``: the household says whether its closed request solved its problem."""
    if params.get("v") not in ("yes", "no"):
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "case_verdict_invalid"
    said = requests.answer_closing(ctx.env, ctx.actor, postback.whole_number(params.get("id")), params["v"] == "yes")
    ctx.answer(views.verdict(ctx.tr, said.case.ref, said.outcome, said.solved, ctx.quick()))
    if said.outcome == requests.REOPENED:
        tell_staff(ctx, said.notify, lambda tr, language: views.reopened_notice(tr, language, said.case),
                   household_id=said.case.household_id)
    return f"case_verdict_{said.outcome}"


FLOWS = (
    Flow(HELP, short=True, text=on_text, photo=on_photo, location=on_location, reprompt=reprompt,
         actions={"help_request": start, "hr": on_postback, "my_requests": show_mine, "csolved": answer_closing}),
)
