"""Registering a household in chat: by the household itself (it starts "pending
on-site check" and asks for its LINE to be linked) or by a leader who found it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.flows.context import EventContext
from casework import accounts, areas, authorization, consent, conversations, registry
from casework.models import Village
from casework.thai_input import ascii_digits
from messages import consent as consent_messages
from messages import postback
from messages import registration as views

FLOW = "register"


def start_self(ctx: EventContext, params: dict[str, str]) -> str:
    account = ctx.account()
    if account is None or not consent.given(ctx.uow.session, scope="personal", account_id=account.id):
        ctx.answer(consent_messages.needed(ctx.tr))
        return "register_needs_consent"
    if ctx.actor.households:
        ctx.answer(views.already_linked(ctx.tr, ctx.quick()))
        return "register_already_linked"
    return _begin(ctx, by_leader=False)


def start_by_leader(ctx: EventContext, params: dict[str, str]) -> str:
    if not ctx.actor.areas("leader"):
        return ctx.refuse("register", "no_role")
    return _begin(ctx, by_leader=True)


def _begin(ctx: EventContext, *, by_leader: bool) -> str:
    _save(ctx, {"step": "subdistrict", "by_leader": by_leader})
    ctx.answer(views.ask_subdistrict(ctx.tr))
    return "register_started"


def _save(ctx: EventContext, state: dict[str, Any]) -> None:
    assert ctx.chat is not None
    conversations.interrupt(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, FLOW, state, ctx.now)


def on_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    step, text = state.get("step"), " ".join(text.split())
    if step == "subdistrict":
        ctx.answer(views.subdistrict_choices(ctx.tr, ctx.language, areas.find_subdistricts(text)))
        return "register_subdistricts"
    number = postback.whole_number(ascii_digits(text), digits=2)  # a village number, Thai digits too
    if step == "village" and number is not None and 1 <= number <= 99:
        return _village_chosen(ctx, state, f"{state['subdistrict']}{number:02d}")
    if step == "house_no" and 0 < len(text) <= 20 and any(ch.isdigit() for ch in text):
        state.update(step="head", house_no=text)
        _save(ctx, state)
        ctx.answer(views.ask_head(ctx.tr))
        return "register_house_no"
    if step == "head" and 2 <= len(text.split()) <= 6 and len(text) <= 80:
        state.update(step="confirm", head=text)
        _save(ctx, state)
        ctx.answer(views.confirm(ctx.tr, ctx.language, state["village"], state["house_no"], text))
        return "register_confirm"
    ctx.answer(views.invalid(ctx.tr))
    return "register_invalid"


def on_postback(ctx: EventContext, params: dict[str, str]) -> str:
    saved = conversations.load(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id) if ctx.chat else None
    state = saved[1] if saved is not None and saved[0] == FLOW else None
    if state is None or "cancel" in params:
        if ctx.chat is not None and state is not None:
            conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)
        ctx.answer(views.cancelled(ctx.tr, ctx.quick()))
        return "register_cancelled"
    if "sd" in params:
        area = areas.official(params["sd"])
        if area is None or area.level != "subdistrict" or state["step"] not in ("subdistrict", "village"):
            ctx.answer(views.invalid(ctx.tr))
            return "register_invalid"
        state.update(step="village", subdistrict=area.code)
        _save(ctx, state)
        villages = ctx.uow.session.execute(select(Village.code, Village.name).where(
            Village.subdistrict_code == area.code).order_by(Village.code)).all()
        ctx.answer(views.ask_village(ctx.tr, [(code, name) for code, name in villages]))
        return "register_subdistrict"
    if "v" in params and state.get("step") == "village" and params["v"][:6] == state.get("subdistrict") \
            and areas.village_parent(params["v"]) is not None:
        return _village_chosen(ctx, state, params["v"])
    if "ok" in params and state.get("step") == "confirm":
        return _register(ctx, state)
    ctx.answer(views.invalid(ctx.tr))
    return "register_invalid"


def reprompt(ctx: EventContext, state: dict[str, Any]) -> str:
    """Something other than text where an answer was asked for: say so, ask again."""
    ctx.answer(views.invalid(ctx.tr))
    step = state.get("step")
    if step == "subdistrict":
        ctx.answer(views.ask_subdistrict(ctx.tr))
    elif step == "house_no":
        ctx.answer(views.ask_house_no(ctx.tr))
    elif step == "head":
        ctx.answer(views.ask_head(ctx.tr))
    elif step == "confirm":
        ctx.answer(views.confirm(ctx.tr, ctx.language, state["village"], state["house_no"], state["head"]))
    return "register_reprompted"


def _village_chosen(ctx: EventContext, state: dict[str, Any], village_code: str) -> str:
    if state.get("by_leader") and not authorization.can_check(ctx.actor, village_code):
        return ctx.refuse("register", "scope")
    state.update(step="house_no", village=village_code)
    _save(ctx, state)
    ctx.answer(views.ask_house_no(ctx.tr))
    return "register_village"


def _register(ctx: EventContext, state: dict[str, Any]) -> str:
    assert ctx.chat is not None
    session, sealer = ctx.uow.session, ctx.uow.sealer
    by_leader = bool(state.get("by_leader"))
    household = registry.find_by_address(session, sealer, state["village"], state["house_no"])
    if household is None:
        first, last = state["head"].split(" ", 1)
        household = registry.add_household(
            session, sealer, village_code=state["village"], house_no=state["house_no"], address="",
            people=[registry.NewPerson(first_name=first, last_name=last, relation="head")],
            source="found_by_leader" if by_leader else "self_registered", status="pending_check",
            actor=f"account:{ctx.actor.account_id}", now=ctx.now)
    conversations.resume(session, sealer, ctx.chat.line_id, ctx.now)
    if by_leader:
        ctx.answer(views.registered(ctx.tr, ctx.quick()))
        return "registered_by_leader"
    account = ctx.account()
    assert account is not None
    registry.request_link(session, sealer, household, account.id, ctx.now)
    for leader in accounts.staff_covering(session, household.village_code, "leader"):
        ctx.push(leader.line_user_id, lambda tr: views.leaders_notice(tr, ctx.language, household.village_code))
    ctx.answer(views.registered(ctx.tr, ctx.quick()))
    return "registered_self"


ROUTES = {
    "register_self": start_self,
    "register": start_by_leader,
    "reg": on_postback,
}
