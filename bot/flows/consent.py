"""The privacy notice (PDPA): shown on following the bot and whenever something needs it,
and the person's answer to it."""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework.usecases import privacy
from messages import consent as views
from messages import greetings


def needed(ctx: EventContext) -> bool:
    """Whether to show the notice: this person has not answered it yet."""
    return privacy.notice_due(ctx.env, ctx.actor)


def show_notice(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(views.notice(ctx.tr))
    return "notice"


def decide(ctx: EventContext, params: dict[str, str]) -> str:
    if params.get("v") not in ("yes", "no") or ctx.user_id is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "consent_invalid"
    accepted = privacy.decide(ctx.env, ctx.actor, params["v"] == "yes")
    ctx.forget_actor()  # the account may be new
    ctx.answer((views.accepted if accepted else views.declined)(ctx.tr, ctx.quick()))
    return "consent_accepted" if accepted else "consent_declined"


FLOWS = (Flow("consent", actions={"notice": show_notice, "consent": decide}),)
