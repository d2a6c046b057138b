"""Handling one stored webhook event, by type. Unknown types are logged, never fatal."""
from __future__ import annotations

from collections.abc import Callable

from bot.flows import coordination
from bot.flows import corrections
from bot.flows import help_requests
from bot.flows import people
from bot.flows import menu as postbacks
from bot.flows import registration
from bot.flows import rights
from bot.flows import verification
from bot.flows.context import EventContext
from bot.flows.menu import Route
from casework import accounts, chats, conversations
from messages import consent as consent_messages
from messages import greetings, postback
from messages.menu import MAIN_MENU

Handler = Callable[[EventContext], str]

ROUTES: dict[str, Route] = {**postbacks.ROUTES, **verification.ROUTES, **people.ROUTES, **registration.ROUTES,
                            **corrections.ROUTES, **coordination.ROUTES, **help_requests.ROUTES,
                            **rights.ROUTES}


def on_follow(ctx: EventContext) -> str:
    assert ctx.chat is not None
    chats.opened(ctx.chat, ctx.now)
    ctx.answer(greetings.welcome(ctx.tr, ctx.quick()))
    if people.needs_consent(ctx):
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
    if kind == "image" and isinstance(message.get("id"), str):
        outcome = help_requests.on_photo(ctx, message["id"]) or verification.on_photo(ctx, message["id"])
        if outcome:
            return outcome
    if kind == "location":
        outcome = help_requests.on_location(ctx, message.get("latitude"), message.get("longitude")) \
            or verification.on_location(ctx, message.get("latitude"), message.get("longitude"))
        if outcome:
            return outcome
    pending = conversations.load(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id) if ctx.chat else None
    if pending is not None and pending[0] in REPROMPTS:
        return REPROMPTS[pending[0]](ctx, pending[1])
    if verification.in_check(ctx):
        return verification.repeat_question(ctx)
    ctx.answer(greetings.unsupported_message(ctx.tr, ctx.quick()))
    return f"unsupported_{kind}" if isinstance(kind, str) and kind.isidentifier() else "unsupported_message"


REPROMPTS = {registration.FLOW: registration.reprompt, corrections.FLOW: corrections.reprompt,
             coordination.FLOW: coordination.reprompt, help_requests.FLOW: help_requests.reprompt,
             help_requests.HANDOFF: help_requests.reprompt_handoff, help_requests.REPLY: help_requests.reprompt_reply,
             rights.FLOW: rights.reprompt}

# What a flow does with the text typed while it waits for an answer.
TYPED = {registration.FLOW: registration.on_text, corrections.FLOW: corrections.on_text,
         coordination.FLOW: coordination.on_text, help_requests.FLOW: help_requests.on_text,
         help_requests.HANDOFF: help_requests.on_handoff_text, help_requests.REPLY: help_requests.on_reply_text,
         rights.FLOW: rights.on_text}


def on_text(ctx: EventContext, text: str) -> str:
    """Typed text: a note the bot asked for, an invite or link code, a button's label, or chatter."""
    pending = conversations.load(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id) if ctx.chat else None
    if pending is not None and pending[0] == verification.RETURN_NOTE and text.strip():
        return verification.return_with_note(ctx, pending[1], text)
    action = _typed_action(ctx, text)
    if pending is not None and pending[0] in TYPED:
        if action is None:
            return TYPED[pending[0]](ctx, pending[1], text)
        conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)  # a menu word leaves
    if accounts.looks_like_invite(text):
        return people.redeem_invite(ctx, text)
    if people.LINK_CODE.match(text.strip()):
        return people.redeem_link(ctx, text.strip())
    if action is not None:
        return ROUTES[action](ctx, {})
    if verification.in_check(ctx):
        return verification.repeat_question(ctx)
    handed = help_requests.offer_handoff(ctx, text)  # a linked household's words are not lost
    if handed:
        return handed
    ctx.answer(greetings.not_understood(ctx.tr, ctx.quick()))
    return "not_understood"


def _in_group(ctx: EventContext, kind: object, message: dict) -> str:
    """In a group the bot answers only the menu word; people talk among themselves."""
    if kind == "text" and _typed_action(ctx, str(message.get("text", ""))) == "menu":
        return ROUTES["menu"](ctx, {})
    return "group_chatter"


# What a button may do in a group or room: nothing that shows or changes a person's data.
GROUP_SAFE = frozenset({"menu", "about", "help", "language"})


def on_postback(ctx: EventContext) -> str:
    data = ctx.event.get("postback")
    action, params = postback.decode(data.get("data") if isinstance(data, dict) else None)
    if ctx.source.get("type") in ("group", "room") and action not in GROUP_SAFE:
        ctx.answer(greetings.one_to_one_only(ctx.tr))
        return "group_refused"
    route = ROUTES.get(action)
    if route is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "unknown_postback"
    return route(ctx, params)


def _typed_action(ctx: EventContext, words: str) -> str | None:
    """People type a button's label too (or "menu"); treat that as the tap."""
    _ = ctx.tr.gettext
    typed = words.strip().casefold()
    if typed in {_("Menu").casefold(), "menu"}:
        return "menu"
    for entry in MAIN_MENU:
        if typed in {_(entry.label).casefold(), entry.label.casefold()}:
            return entry.action
    return None


HANDLERS: dict[str, Handler] = {
    "follow": on_follow,
    "unfollow": on_unfollow,
    "join": on_join,
    "leave": on_unfollow,
    "message": on_message,
    "postback": on_postback,
}

CHAT_OPENING = {"follow", "join"}


def handle(ctx: EventContext) -> str:
    handler = HANDLERS.get(str(ctx.event.get("type")))
    if handler is None:
        return "ignored_type"
    if ctx.chat is None:
        return "no_source"
    if not ctx.chat.active and ctx.event.get("type") not in CHAT_OPENING | {"unfollow", "leave"}:
        # A message from a chat we thought closed means it is open again.
        chats.opened(ctx.chat, ctx.now)
    return handler(ctx)
