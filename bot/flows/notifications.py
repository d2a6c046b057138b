"""Digest settings in chat: the time, pause or resume, the "all clear", LINE or email (the
address typed, then checked). Every change goes through ``casework.usecases.notifications``."""
from __future__ import annotations

from datetime import time

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.usecases import notifications as choosing
from casework.usecases.notifications import Change
from messages import line
from messages import notifications as views

EMAIL = "notify_email"  # waiting for an email address to be typed


def _saved(ctx: EventContext, prefs: choosing.Preferences) -> str:
    ctx.answer(views.settings(ctx.tr, prefs, ctx.quick(), changed=True))
    return "notifications_changed"


def show(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(views.settings(ctx.tr, choosing.current(ctx.env, ctx.actor), ctx.quick()))
    return "notifications_shown"


def _time(params: dict[str, str]) -> time | None:
    """``t=HHMM`` from a quick reply, or ``HH:MM`` from LINE's time picker."""
    typed = params.get("t") or params.get("picked_time", "").replace(":", "")
    if len(typed) != 4 or not (typed.isascii() and typed.isdigit()):
        return None
    hour, minute = int(typed[:2]), int(typed[2:])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def set_time(ctx: EventContext, params: dict[str, str]) -> str:
    if not params:
        choosing.current(ctx.env, ctx.actor)  # only those who take digests are asked
        ctx.answer(views.ask_time(ctx.tr))
        return "notification_time_asked"
    chosen = _time(params)
    if chosen is None:
        ctx.answer(line.text(ctx.tr.gettext(views.BAD_TIME)))
        ctx.answer(views.ask_time(ctx.tr))
        return "notification_time_bad"
    return _saved(ctx, choosing.change(ctx.env, ctx.actor, Change(send_at=chosen)))


def set_paused(ctx: EventContext, params: dict[str, str]) -> str:
    return _saved(ctx, choosing.change(ctx.env, ctx.actor, Change(paused=params.get("v") == "1")))


def set_all_clear(ctx: EventContext, params: dict[str, str]) -> str:
    return _saved(ctx, choosing.change(ctx.env, ctx.actor, Change(all_clear=params.get("v") == "1")))


def set_channel(ctx: EventContext, params: dict[str, str]) -> str:
    wanted = params.get("v")
    if wanted == "cancel":
        if ctx.conversation.on_top(EMAIL) is not None:
            ctx.conversation.resume()
        return show(ctx, {})
    if wanted == "email":
        choosing.current(ctx.env, ctx.actor)
        ctx.conversation.interrupt(EMAIL, {})
        ctx.answer(views.ask_email(ctx.tr))
        return "notification_email_asked"
    return _saved(ctx, choosing.change(ctx.env, ctx.actor, Change(channel="line")))


def on_email(ctx: EventContext, state: State, text: str) -> str:
    """A wrong address is refused (``bad_email``): the router says so and the question stays."""
    prefs = choosing.change(ctx.env, ctx.actor, Change(channel="email", email=text))
    ctx.conversation.resume()
    return _saved(ctx, prefs)


def reprompt(ctx: EventContext, state: State) -> str:
    ctx.answer(views.ask_email(ctx.tr))
    return "notification_email_asked_again"


FLOWS = (
    Flow("notifications", actions={"notify": show, "ntime": set_time, "npause": set_paused,
                                   "nclear": set_all_clear, "nchan": set_channel}),
    Flow(EMAIL, short=True, text=on_email, reprompt=reprompt),
)
