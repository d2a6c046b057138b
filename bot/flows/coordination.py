"""What coordinators do in chat beyond reviewing: add villages to their area (the code
and name typed, flow ``village``), and mark households that moved away or no longer exist."""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.usecases import households, villages
from messages import coordination as views
from messages import postback

FLOW = "village"


def ask_village(ctx: EventContext, params: dict[str, str]) -> str:
    villages.begin(ctx.env, ctx.actor)
    ctx.conversation.interrupt(FLOW, {})
    ctx.answer(views.ask_village(ctx.tr))
    return "village_asked"


def on_text(ctx: EventContext, state: State, text: str) -> str:
    """``46010107 Ban Nong Bua``: an 8-digit code under a real sub-district of the coordinator's area."""
    code, _, name = " ".join(text.split()).partition(" ")
    try:
        added = villages.add(ctx.env, ctx.actor, code, name)
    except Refused as refusal:
        if refusal.reason != "bad_village":
            raise
        ctx.answer(views.bad_village(ctx.tr))
        return "village_invalid"
    ctx.conversation.resume()
    ctx.answer(views.village_added(ctx.tr, ctx.language, code, added, ctx.quick()))
    return "village_added" if added else "village_exists"


def reprompt(ctx: EventContext, state: State) -> str:
    ctx.answer(views.bad_village(ctx.tr))
    return "village_reprompted"


def end_household(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=end&id=H&k=move|close``: asks once, ``&ok=1`` does it."""
    household_id, kind = postback.whole_number(params.get("id")), params.get("k", "")
    if not households.end(ctx.env, ctx.actor, household_id, kind, confirmed=params.get("ok") == "1"):
        ctx.answer(views.confirm_end(ctx.tr, household_id, kind))
        return "end_asked"
    ctx.answer(views.ended(ctx.tr, kind, ctx.quick()))
    return "household_closed" if kind == "close" else "household_moved"


FLOWS = (
    Flow(FLOW, short=True, text=on_text, reprompt=reprompt, actions={"add_village": ask_village}),
    Flow("household_end", actions={"end": end_household}),
)
