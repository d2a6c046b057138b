"""Welfare status on site, from a household's card: each member's programmes and status;
then, for one member, the programme, the status and the day (today, or one picked in
LINE's date picker). Every step goes through ``casework.usecases.welfare``."""
from __future__ import annotations

from datetime import date

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.usecases import welfare as recording
from casework.welfare import WelfareError
from messages import postback
from messages import welfare as views


def _id(params: dict[str, str], key: str = "id") -> int | None:
    return postback.whole_number(params.get(key))


def _member(ctx: EventContext, person_id: int | None) -> recording.MemberWelfare:
    return recording.of_person(ctx.env, ctx.actor, person_id)


def show(ctx: EventContext, params: dict[str, str]) -> str:
    card = recording.of_household(ctx.env, ctx.actor, _id(params, "h"))
    ctx.answer(views.household(ctx.tr, ctx.language, card, ctx.quick()))
    return "welfare_shown"


def choose_programme(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(views.choose_programme(ctx.tr, ctx.language, _member(ctx, _id(params))))
    return "welfare_programme_asked"


def choose_status(ctx: EventContext, params: dict[str, str]) -> str:
    member = _member(ctx, _id(params))
    ctx.answer(views.choose_status(ctx.tr, member.person_id, params.get("g", "")))
    return "welfare_status_asked"


def choose_day(ctx: EventContext, params: dict[str, str]) -> str:
    member = _member(ctx, _id(params))
    ctx.answer(views.choose_day(ctx.tr, member.person_id, params.get("g", ""), params.get("s", ""), ctx.env.today))
    return "welfare_day_asked"


def save(ctx: EventContext, params: dict[str, str]) -> str:
    if params.get("d") == "today":
        since = ctx.env.today
    else:
        try:
            since = date.fromisoformat(params.get("picked", ""))
        except ValueError:
            raise Refused("bad_status") from None
    try:
        card = recording.record_on_site(ctx.env, ctx.actor, _id(params), params.get("g", ""), params.get("s", ""),
                                        since)
    except WelfareError as refusal:
        ctx.answer(views.problem(ctx.tr, refusal.reason, ctx.quick()))
        return f"welfare_{refusal.reason}"
    ctx.answer(views.saved(ctx.tr, ctx.language, card, ctx.quick()))
    return "welfare_recorded"


FLOWS = (Flow("welfare", actions={"wf": show, "wfp": choose_programme, "wfs": choose_status, "wfd": choose_day,
                                  "wfok": save}),)
