"""One stored webhook event to the flow that answers it. Unknown types are logged, never fatal.

A button's postback goes to the flow that owns its action. Typed text, a photo, a
location or a sticker goes to the flows waiting in the chat's conversation, the one
on top first; what no flow takes gets the general answers (an invite or link code,
a menu word, a hand-off to the household's leader, "not understood").

A use case that says no (``Refused``) is answered here, once for every flow: the
person is told plainly, the log gets one line, and whatever the refused step had
begun to write is rolled back. A sealed value that does not open (``Unreadable``:
copied from another row, damaged, or its key left the ring) is answered the same
way with an apology and an ERROR line (alert ``sealed_value_unreadable``), never
with the data of another row and never by retrying the event.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.flows import consent, handoff, joining
from bot.flows.base import Flow
from bot.flows.context import EventContext
from bot.flows.unsend import on_unsend
from bot.logs import log
from casework import chats
from casework.crypto import Unreadable
from casework.errors import AlreadyDone, Refused
from casework.usecases.base import FORBIDDEN
from messages import consent as consent_messages
from messages import failures, greetings, postback, refusals, staff
from messages.menu import typed_action

Handler = Callable[[EventContext], str]


def on_follow(ctx: EventContext) -> str:
    assert ctx.chat is not None
    chats.opened(ctx.chat, ctx.now)
    ctx.answer(greetings.welcome(ctx.tr, ctx.quick(), ctx.actor.roles))
    if consent.needed(ctx):
        ctx.answer(consent_messages.notice(ctx.tr))
    return "welcomed"


def on_join(ctx: EventContext) -> str:
    assert ctx.chat is not None
    chats.opened(ctx.chat, ctx.now)
    ctx.answer(greetings.group_welcome(ctx.tr))
    return "joined"


def on_unfollow(ctx: EventContext) -> str:
    assert ctx.chat is not None
    chats.closed(ctx.chat, ctx.now)
    return "chat_closed"


def on_message(ctx: EventContext) -> str:
    message = ctx.event.get("message")
    if not isinstance(message, dict):
        message = {}
    kind = message.get("type")
    if ctx.source.get("type") in ("group", "room"):
        return _in_group(ctx, kind, message)
    if kind == "text":
        return on_text(ctx, str(message.get("text", "")))
    outcome = None
    if kind == "image" and isinstance(message.get("id"), str):
        outcome = _offer(ctx, lambda flow, state: flow.photo and flow.photo(ctx, state, message["id"]))
    elif kind == "audio" and isinstance(message.get("id"), str):
        outcome = _offer(ctx, lambda flow, state: flow.voice and flow.voice(ctx, state, message["id"]))
    elif kind == "location":
        outcome = _offer(ctx, lambda flow, state: flow.location and flow.location(
            ctx, state, message.get("latitude"), message.get("longitude")))
    outcome = outcome or _offer(ctx, lambda flow, state: flow.reprompt and flow.reprompt(ctx, state))
    if outcome:
        return outcome
    ctx.answer(greetings.unsupported_message(ctx.tr, ctx.quick()))
    return f"unsupported_{kind}" if isinstance(kind, str) and kind.isidentifier() else "unsupported_message"


def on_text(ctx: EventContext, text: str) -> str:
    """Typed text: the answer a flow asked for, an invite or link code, a button's label, or chatter."""
    action = typed_action(ctx.tr, text)
    top = ctx.conversation.top
    waiting = ctx.flows.get(top.flow) if top is not None else None
    if waiting is not None and waiting.text is not None and top is not None:
        if action is not None:
            ctx.conversation.resume()  # a menu word leaves the question
        else:
            answered = _guarded(ctx, waiting.name, lambda: waiting.text(ctx, top.state, text))
            if answered:
                return answered
    code = _guarded(ctx, "code", lambda: joining.typed_code(ctx, text))
    if code:
        return code
    if action is not None:
        return on_action(ctx, action, {})
    outcome = _offer(ctx, lambda flow, state: flow.reprompt and flow.reprompt(ctx, state))
    if outcome:
        return outcome
    handed = _guarded(ctx, "handoff", lambda: handoff.offer(ctx, text))
    if handed:
        return handed
    ctx.answer(greetings.not_understood(ctx.tr, ctx.quick()))
    return "not_understood"


def _offer(ctx: EventContext, handle: Callable[[Flow, dict[str, Any]], str | None]) -> str | None:
    """Offer what arrived to the flows in the conversation, top first, until one takes it."""
    for frame in reversed(ctx.conversation.frames):
        flow = ctx.flows.get(frame.flow)
        if flow is not None:
            outcome = _guarded(ctx, flow.name, lambda: handle(flow, frame.state))
            if outcome:
                return outcome
    return None


def _in_group(ctx: EventContext, kind: object, message: dict) -> str:
    """In a group the bot answers only the menu word; people talk among themselves."""
    if kind == "text" and typed_action(ctx.tr, str(message.get("text", ""))) == "menu":
        return on_action(ctx, "menu", {})
    return "group_chatter"


def on_postback(ctx: EventContext) -> str:
    data = ctx.event.get("postback")
    action, params = postback.decode(data.get("data") if isinstance(data, dict) else None)
    picked = data.get("params") if isinstance(data, dict) else None
    if isinstance(picked, dict) and isinstance(picked.get("date"), str):
        params["picked"] = picked["date"][:10]  # a date picker's day, checked by the flow like any input
    if isinstance(picked, dict) and isinstance(picked.get("time"), str):
        params["picked_time"] = picked["time"][:5]  # a time picker's "HH:MM"
    return on_action(ctx, action, params)


def on_action(ctx: EventContext, action: str, params: dict[str, str]) -> str:
    found = ctx.flows.actions.get(action)
    if found is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "unknown_postback"
    flow, route = found
    if ctx.source.get("type") in ("group", "room") and not flow.in_groups:
        ctx.answer(greetings.one_to_one_only(ctx.tr))
        return "group_refused"
    return _guarded(ctx, action, lambda: route(ctx, params)) or "unanswered"


def _guarded(ctx: EventContext, name: str, handle: Callable[[], str | None]) -> str | None:
    """Run a handler; a refusal from its use case undoes its writes and is answered here."""
    try:
        with ctx.uow.session.begin_nested():
            return handle()
    except Refused as refusal:
        log("refused", level=logging.WARNING, action=name, reason=refusal.reason, account=ctx.actor.account_id)
        if refusal.reason == "needs_consent":  # not a "no": the person is asked to agree first
            ctx.answer(consent_messages.needed(ctx.tr))
        elif refusal.reason in FORBIDDEN:
            ctx.answer(staff.refused(ctx.tr, ctx.quick()))
        elif isinstance(refusal, AlreadyDone):  # a repeated tap: what was done, by whom, when
            ctx.answer(refusals.already_done(ctx.tr, ctx.language, refusal, ctx.quick()))
        else:
            ctx.answer(refusals.explain(ctx.tr, refusal.reason, ctx.quick()))
        return f"refused_{name}"
    except Unreadable as error:  # moved, damaged or sealed with a key no longer in the ring
        log("sealed value unreadable", level=logging.ERROR, alert="sealed_value_unreadable", action=name,
            error=str(error), account=ctx.actor.account_id)
        ctx.answer(failures.could_not_handle(ctx.tr))
        return f"unreadable_{name}"


HANDLERS: dict[str, Handler] = {
    "follow": on_follow,
    "unfollow": on_unfollow,
    "join": on_join,
    "leave": on_unfollow,
    "message": on_message,
    "postback": on_postback,
    "unsend": on_unsend,
}

CHAT_OPENING = {"follow", "join"}


def handle(ctx: EventContext) -> str:
    handler = HANDLERS.get(str(ctx.event.get("type")))
    if handler is None:
        return "ignored_type"
    if ctx.chat is None:
        return "no_source"
    if not ctx.chat.active and ctx.event.get("type") not in CHAT_OPENING | {"unfollow", "leave", "unsend"}:
        # A message from a chat we thought closed means it is open again.
        chats.opened(ctx.chat, ctx.now)
    return handler(ctx)
