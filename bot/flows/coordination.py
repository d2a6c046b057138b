"""What coordinators do in chat beyond reviewing: add villages to their area, and
mark households that moved away or no longer exist."""
from __future__ import annotations

from typing import Any

from bot.flows.context import EventContext
from casework import areas, authorization, conversations, registry
from casework.models import Household
from messages import coordination as views
from messages import postback

FLOW = "village"


def ask_village(ctx: EventContext, params: dict[str, str]) -> str:
    if not ctx.actor.areas("coordinator") or ctx.chat is None:
        return ctx.refuse("village", "no_role")
    conversations.interrupt(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, FLOW, {}, ctx.now)
    ctx.answer(views.ask_village(ctx.tr))
    return "village_asked"


def on_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    """``46010107 Ban Nong Bua``: an 8-digit code under a real sub-district of the coordinator's area."""
    code, _, name = " ".join(text.split()).partition(" ")
    if areas.village_parent(code) is None:
        ctx.answer(views.bad_village(ctx.tr))
        return "village_invalid"
    if not authorization.can_handle_tasks(ctx.actor, code):
        return ctx.refuse("village", "scope")
    assert ctx.chat is not None
    conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)
    added = registry.add_village(ctx.uow.session, ctx.uow.sealer, code=code, name=name,
                                 actor=f"account:{ctx.actor.account_id}", now=ctx.now)
    ctx.answer(views.village_added(ctx.tr, ctx.language, code, added, ctx.quick()))
    return "village_added" if added else "village_exists"


def reprompt(ctx: EventContext, state: dict[str, Any]) -> str:
    ctx.answer(views.bad_village(ctx.tr))
    return "village_reprompted"


def end_household(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=end&id=H&k=move|close``: asks once, ``&ok=1`` does it."""
    number, kind = postback.whole_number(params.get("id")), params.get("k", "")
    household = ctx.uow.session.get(Household, number) if number is not None else None
    if household is None or kind not in ("move", "close") \
            or not authorization.can_handle_tasks(ctx.actor, household.village_code):
        return ctx.refuse("end", "scope")
    if params.get("ok") != "1":
        ctx.answer(views.confirm_end(ctx.tr, household.id, kind))
        return "end_asked"
    try:
        registry.end(ctx.uow.session, ctx.uow.sealer, household=household, action=kind,
                     actor_id=ctx.actor.account_id or 0, now=ctx.now)
    except registry.RegistryError:
        return ctx.refuse("end", "status")
    ctx.answer(views.ended(ctx.tr, kind, ctx.quick()))
    return f"household_{kind}d" if kind == "close" else "household_moved"


ROUTES = {"add_village": ask_village, "end": end_household}
