"""A leader or coordinator finds a household (flow ``find``): asked what to look for, they type
a member's name, a house number and village, a citizen ID or a phone; the households found in
their areas come as cards, each opening the household's card. The last search waits (sealed,
in the chat's conversation) for the "more" button, never in a button's data."""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.usecases import households
from messages import postback
from messages import registry as views

FLOW = "find"


def ask(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.conversation.interrupt(FLOW, {})
    ctx.answer(views.ask_what_to_find(ctx.tr))
    return "find_asked"


def on_text(ctx: EventContext, state: State, text: str) -> str:
    return _show(ctx, text, 0)


def more(ctx: EventContext, params: dict[str, str]) -> str:
    """The next page of the last search; if the chat no longer holds it, the question again."""
    state = ctx.conversation.state_of(FLOW) or {}
    query = state.get("q")
    if not isinstance(query, str):
        return ask(ctx, params)
    return _show(ctx, query, postback.whole_number(params.get("o"), digits=6) or 0)


def _show(ctx: EventContext, query: str, offset: int) -> str:
    try:
        page = households.find(ctx.env, ctx.actor, query, offset)
    except Refused as refusal:
        if refusal.reason != "empty_query":
            raise
        page = None
    if page is None or not page.items:
        ctx.conversation.interrupt(FLOW, {})
        ctx.answer(views.nothing_found(ctx.tr))
        return "find_nothing"
    ctx.conversation.interrupt(FLOW, {"q": query})  # waits for another search, or "more"
    ctx.answer(views.found_households(ctx.tr, ctx.language, page.total, page.items, offset, quick=ctx.quick()))
    return "find_found"


def reprompt(ctx: EventContext, state: State) -> str:
    ctx.answer(views.ask_what_to_find(ctx.tr))
    return "find_reprompted"


FLOWS = (Flow(FLOW, short=True, text=on_text, reprompt=reprompt, actions={"find": ask, "find_more": more}),)
