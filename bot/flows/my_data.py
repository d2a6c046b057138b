"""What a household sees of itself: the record Kaejon keeps about it, and a request to
correct or erase it, sent to the coordinator of its area."""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.questionnaire import default as questionnaire
from casework.usecases import privacy
from messages import handovers
from messages import registry as views


def show_my_data(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        mine = privacy.my_data(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "my_data_not_linked"
    ctx.answer(views.my_data(ctx.tr, ctx.language, mine.view, questionnaire(), mine.consents))
    return "my_data"


def request_change(ctx: EventContext, params: dict[str, str]) -> str:
    kind = params.get("k", "")
    try:
        requested = privacy.request_change(ctx.env, ctx.actor, kind)
    except Refused as refusal:
        if refusal.reason not in ("not_linked", "bad_request"):
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "request_refused"
    ctx.answer(views.request_received(ctx.tr, ctx.language, requested.due_at, ctx.quick()))
    ctx.push_all(requested.tell, lambda tr, language: handovers.change_requested(
        tr, language, requested.kind, requested.village_code, requested.due_at))
    return f"request_{kind}"


FLOWS = (Flow("my_data", actions={"my_data": show_my_data, "req": request_change}),)
