"""Text the bot did not understand, from a linked household, offered to its leader instead
of being lost: the household may add more in further messages, then send it or not.

The words on offer wait in the chat's conversation (``handoff``), joined to only while
they are recent; ``casework.usecases.handoff`` decides whose they are and where they go.
"""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from bot.flows.help_requests import tell_staff
from casework import cases
from casework.errors import Refused
from casework.usecases import handoff as handing
from casework.usecases.base import FORBIDDEN
from messages import greetings
from messages import help_requests as views

HANDOFF = "handoff"


def offer(ctx: EventContext, text: str) -> str | None:
    """Text nobody understood, from a linked household: offer to send it to its leader.
    None for anyone else, who gets the usual answer."""
    if not text.strip():
        return None
    try:
        offered = handing.offer(ctx.env, ctx.actor, text)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        return None
    ctx.conversation.interrupt(HANDOFF, {"hh": offered.household_id, "text": offered.text,
                                         "at": ctx.now.isoformat(), "ref": offered.ref, "need": offered.need})
    ctx.answer(views.offer_handoff(ctx.tr, joins=_joins(ctx, offered.ref, offered.need)))
    return "handoff_offered"


def _joins(ctx: EventContext, ref: object, need: object) -> str | None:
    """The open request the words would join, as the household reads it: ``KJ-… (Housing)``."""
    if not isinstance(ref, str) or not ref:
        return None
    return f"{ref} ({views.need_label(ctx.tr, need)})" if isinstance(need, str) else ref


def on_text(ctx: EventContext, state: State, text: str) -> str:
    """People write in several bubbles: more text joins the message on offer, if recent."""
    if not cases.recent(state.get("at"), ctx.now):
        ctx.conversation.resume()
        return offer(ctx, text) or "handoff_expired"
    try:
        joined = handing.add_words(ctx.env, ctx.actor, state.get("hh"), state.get("text", ""), text)
    except Refused as refusal:
        if refusal.reason in FORBIDDEN:
            ctx.conversation.resume()
            raise
        ctx.answer(views.problem(ctx.tr, refusal.reason))
        ctx.answer(views.offer_handoff(ctx.tr, more=True, joins=_joins(ctx, state.get("ref"), state.get("need"))))
        return "handoff_too_long"
    ctx.conversation.interrupt(HANDOFF, {**state, "text": joined, "at": ctx.now.isoformat()})
    ctx.answer(views.offer_handoff(ctx.tr, more=True, joins=_joins(ctx, state.get("ref"), state.get("need"))))
    return "handoff_more"


def reprompt(ctx: EventContext, state: State) -> str:
    ctx.answer(views.tap_send_or_not(ctx.tr))
    ctx.answer(views.offer_handoff(ctx.tr, more=True, joins=_joins(ctx, state.get("ref"), state.get("need"))))
    return "handoff_reprompted"


def on_handoff(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=handoff&send=1`` or ``&no=1``."""
    state = ctx.conversation.on_top(HANDOFF)
    if state is None or not ("send" in params or "no" in params):
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "handoff_stale"
    ctx.conversation.resume()
    if "no" in params:
        ctx.answer(views.handoff_dropped(ctx.tr, ctx.quick()))
        return "handoff_declined"
    sent = handing.send(ctx.env, ctx.actor, state.get("hh"), state.get("text", ""))
    if sent.more:
        ctx.answer(views.handoff_added(ctx.tr, sent.case.ref, views.need_label(ctx.tr, sent.case.need), ctx.quick()))
    else:
        ctx.answer(views.handoff_sent(ctx.tr, sent.case.ref, ctx.quick()))
    tell_staff(ctx, sent.notify,
               lambda tr, language: views.handoff_notice(tr, language, sent.case, sent.text, more=sent.more),
               household_id=sent.case.household_id)
    return "handoff_sent"


FLOWS = (Flow(HANDOFF, short=True, text=on_text, reprompt=reprompt, actions={"handoff": on_handoff}),)
