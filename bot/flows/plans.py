"""A household's intervention plan in chat: a leader proposes one from a case's card (or
the household's), keeps or drops its items and approves it; each referral the approval
makes is pushed to whoever must act on it (``bot.flows.referrals.tell_sent``)."""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from bot.flows.referrals import tell_sent
from casework.plans import PlanError
from casework.usecases import plans as planning
from messages import plans as views
from messages import postback


def _id(params: dict[str, str], key: str = "id") -> int | None:
    return postback.whole_number(params.get(key))


def propose(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=plan&h=HOUSEHOLD`` (optionally ``&c=CASE``, the request it is made from)."""
    try:
        plan = planning.propose(ctx.env, ctx.actor, _id(params, "h"), _id(params, "c"))
    except PlanError as refusal:
        ctx.answer(views.problem(ctx.tr, refusal.reason, ctx.quick()))
        return f"plan_{refusal.reason}"
    ctx.answer(views.plan_card(ctx.tr, ctx.language, plan, ctx.quick()))
    return "plan_proposed"


def keep(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        plan = planning.keep_item(ctx.env, ctx.actor, _id(params), params.get("k") == "1")
    except PlanError as refusal:
        ctx.answer(views.problem(ctx.tr, refusal.reason, ctx.quick()))
        return f"plan_{refusal.reason}"
    ctx.answer(views.plan_card(ctx.tr, ctx.language, plan, ctx.quick()))
    return "plan_adjusted"


def approve(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        done = planning.approve(ctx.env, ctx.actor, _id(params))
    except PlanError as refusal:
        ctx.answer(views.problem(ctx.tr, refusal.reason, ctx.quick()))
        return f"plan_{refusal.reason}"
    for sent in done.sent:
        tell_sent(ctx, sent)
    ctx.answer(views.approved(ctx.tr, ctx.language, done, ctx.quick()))
    return "plan_approved"


FLOWS = (Flow("plans", actions={"plan": propose, "pkeep": keep, "papprove": approve}),)
