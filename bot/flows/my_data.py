"""What a household sees of itself: the record Kaejon keeps about it, and a request to
correct or erase it, sent to the coordinator of its area."""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.usecases import privacy
from messages import consent as consent_views
from messages import registry as views


def show_my_data(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        mine = privacy.my_data(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "my_data_not_linked"
    ctx.answer(views.my_data(ctx.tr, ctx.language, mine.view, mine.consents))
    return "my_data"


def withdraw_consent(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=cwithdraw`` asks once; ``&ok=1`` withdraws the agreement to the privacy notice."""
    done = privacy.withdraw_consent(ctx.env, ctx.actor, params.get("ok") == "1")
    if done == privacy.ASKED:
        ctx.answer(consent_views.confirm_withdraw(ctx.tr))
    elif done == privacy.WITHDRAWN:
        ctx.answer(consent_views.withdrawn(ctx.tr, ctx.quick()))
    else:
        ctx.answer(consent_views.not_given(ctx.tr, ctx.quick()))
    return f"consent_{done}"


def request_change(ctx: EventContext, params: dict[str, str]) -> str:
    kind = params.get("k", "")
    try:
        due = privacy.request_change(ctx.env, ctx.actor, kind)
    except Refused as refusal:
        if refusal.reason not in ("not_linked", "bad_request"):
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "request_refused"
    ctx.answer(views.request_received(ctx.tr, ctx.language, due, ctx.quick()))
    return f"request_{kind}"


FLOWS = (Flow("my_data", actions={"my_data": show_my_data, "req": request_change, "cwithdraw": withdraw_consent}),)
