"""Handling one stored webhook event, by type. Unknown types are logged, never fatal."""
from __future__ import annotations

from collections.abc import Callable

from bot.context import EventContext
from bot.postbacks import ROUTES
from casework import chats
from messages import greetings, postback
from messages.menu import MAIN_MENU

Handler = Callable[[EventContext], str]


def on_follow(ctx: EventContext) -> str:
    assert ctx.chat is not None
    chats.opened(ctx.chat, ctx.now)
    ctx.answer(greetings.welcome(ctx.tr))
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
    kind = message.get("type") if isinstance(message, dict) else None
    in_group = ctx.source.get("type") in ("group", "room")
    if kind == "text":
        action = _typed_action(ctx, str(message.get("text", "")))
        if action is not None:
            return ROUTES[action](ctx, {})
        if in_group:
            return "group_chatter"
        ctx.answer(greetings.not_understood(ctx.tr))
        return "not_understood"
    if in_group:
        return "group_chatter"
    ctx.answer(greetings.unsupported_message(ctx.tr))
    return f"unsupported_{kind}" if isinstance(kind, str) and kind.isidentifier() else "unsupported_message"


def on_postback(ctx: EventContext) -> str:
    data = ctx.event.get("postback")
    action, params = postback.decode(data.get("data") if isinstance(data, dict) else None)
    route = ROUTES.get(action)
    if route is None:
        ctx.answer(greetings.stale_button(ctx.tr))
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
