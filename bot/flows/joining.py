"""How people come to be known to Kaejon in chat: staff send the invite code an operator
gave them; a household sends the link code its leader showed it on site (or its leader
approves the link the household asked for when it registered)."""
from __future__ import annotations

import logging

from bot.flows.base import Flow
from bot.flows.context import EventContext
from bot.logs import log
from casework import accounts, registry
from casework.errors import Refused
from casework.usecases import invites, links
from messages import consent as consent_messages
from messages import handovers
from messages import postback
from messages import registry as views
from messages import staff


def typed_code(ctx: EventContext, text: str) -> str | None:
    """An invite or a household link code typed in the chat; None for any other text."""
    if accounts.looks_like_invite(text):
        return redeem_invite(ctx, text)
    if registry.link_code_of(text) is not None:
        return redeem_link(ctx, text)
    return None


def redeem_invite(ctx: EventContext, code: str) -> str:
    redeemed = invites.redeem(ctx.env, ctx.actor, code, ctx.language)
    if redeemed.problem is not None or redeemed.role is None or redeemed.area_code is None:
        log("refused", level=logging.WARNING, action="invite", reason=redeemed.problem)
        ctx.answer(staff.invite_problem(ctx.tr, redeemed.problem or "unknown"))
        return f"invite_{redeemed.problem}" if redeemed.problem != "too_many" else "invite_throttled"
    ctx.forget_actor()
    ctx.link_rich_menu(redeemed.rich_menu_id)
    ctx.answer(staff.role_granted(ctx.tr, ctx.language, redeemed.role, redeemed.area_code, ctx.quick()))
    return "role_granted"


def redeem_link(ctx: EventContext, code: str) -> str:
    try:
        linked = links.redeem_code(ctx.env, ctx.actor, code)
    except Refused as refusal:
        if refusal.reason != "needs_consent":
            raise
        ctx.answer(consent_messages.needed(ctx.tr))
        return "link_needs_consent"
    for leader in linked.tell:
        ctx.push(leader, lambda tr, language: views.codes_guessed(tr))
    if linked.problem is not None:
        log("refused", level=logging.WARNING, action="link", reason=linked.problem)
        if linked.problem in ("too_many", "paused"):
            ctx.answer(views.link_code_throttled(ctx.tr, linked.problem == "paused", ctx.quick()))
            return "link_throttled"
        ctx.answer(views.bad_link_code(ctx.tr, ctx.quick()))
        return "link_refused"
    ctx.forget_actor()
    ctx.answer(views.linked(ctx.tr, linked.address, ctx.quick()))
    if linked.leader_line_id is not None and linked.leader_line_id != ctx.user_id:
        ctx.push(linked.leader_line_id, lambda tr, language: handovers.household_linked(
            tr, language, linked.household_id, linked.address, linked.village_code))
    return "linked"


def offer_link(ctx: EventContext, params: dict[str, str]) -> str:
    offered = links.offer_code(ctx.env, ctx.actor, postback.whole_number(params.get("id")))
    ctx.answer(views.link_code(ctx.tr, offered.code, offered.minutes, ctx.quick()))
    return "link_code_shown"


def approve_link(ctx: EventContext, params: dict[str, str]) -> str:
    """A leader who met the household approves the link its LINE asked for."""
    try:
        linked = links.approve(ctx.env, ctx.actor, postback.whole_number(params.get("id")))
    except Refused as refusal:
        if refusal.reason != "identity_unproven":
            raise
        ctx.answer(views.identity_unproven(ctx.tr, ctx.quick()))
        return "link_identity_unproven"
    if linked.member_line_id is not None:
        ctx.push(linked.member_line_id, lambda tr, language: views.linked(tr, linked.address, []))
    ctx.answer(views.link_approved(ctx.tr, ctx.quick()))
    return "link_approved"


FLOWS = (Flow("links", actions={"link": offer_link, "approve": approve_link}),)
