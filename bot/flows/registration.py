"""Registering a household in chat, step by step: the sub-district (typed, then chosen),
the village, the house number and the head's name, then a confirmation. By the
household itself (``register_self``) or by a leader who found it (``register``).

The answers wait in the chat's conversation (flow ``register``); every step goes
through ``casework.usecases.registration``, which asks again whether this person may.
"""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework import areas
from casework.errors import Refused
from casework.thai_input import ascii_digits
from casework.usecases import households, registration
from messages import consent as consent_messages
from messages import postback
from messages import registration as views
from messages.dates import format_date

FLOW = "register"


def start_self(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        registration.start_self(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason == "needs_consent":
            ctx.answer(consent_messages.needed(ctx.tr))
            return "register_needs_consent"
        if refusal.reason == "already_linked":
            ctx.answer(views.already_linked(ctx.tr, ctx.quick()))
            return "register_already_linked"
        if _limited(ctx, refusal):
            return f"register_{refusal.reason}"
        raise
    return _begin(ctx, by_leader=False)


def _limited(ctx: EventContext, refusal: Refused) -> bool:
    """Answer a refusal for the limits on registering oneself; False for any other."""
    if refusal.reason == "registration_pending":
        ctx.answer(views.registration_pending(ctx.tr, ctx.quick()))
    elif refusal.reason == "too_many_registrations":
        ctx.answer(views.too_many_registrations(ctx.tr, ctx.quick()))
    else:
        return False
    return True


def start_by_leader(ctx: EventContext, params: dict[str, str]) -> str:
    registration.start_by_leader(ctx.env, ctx.actor)
    return _begin(ctx, by_leader=True)


def _begin(ctx: EventContext, *, by_leader: bool) -> str:
    ctx.conversation.interrupt(FLOW, {"step": "subdistrict", "by_leader": by_leader})
    ctx.answer(views.ask_subdistrict(ctx.tr))
    return "register_started"


def _keep(ctx: EventContext, state: State, **changes: object) -> None:
    state.update(changes)
    ctx.conversation.interrupt(FLOW, state)


def on_text(ctx: EventContext, state: State, text: str) -> str:
    step, text = state.get("step"), " ".join(text.split())
    if step == "subdistrict":
        ctx.answer(views.subdistrict_choices(ctx.tr, ctx.language, areas.find_subdistricts(text)))
        return "register_subdistricts"
    number = postback.whole_number(ascii_digits(text), digits=2)  # a village number, Thai digits too
    if step == "village" and number is not None and 1 <= number <= 99:
        return _village_chosen(ctx, state, f"{state['subdistrict']}{number:02d}")
    house_no = registration.house_number(text)
    if step == "house_no" and house_no is not None:
        _keep(ctx, state, step="head", house_no=house_no)
        ctx.answer(views.ask_head(ctx.tr))
        return "register_house_no"
    head = registration.head_name(text)
    if step == "head" and head is not None:
        _keep(ctx, state, step="confirm", head=head)
        ctx.answer(views.confirm(ctx.tr, ctx.language, state["village"], state["house_no"], head))
        return "register_confirm"
    ctx.answer(views.invalid(ctx.tr))
    return "register_invalid"


def on_button(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=reg`` with ``sd`` (a sub-district), ``v`` (a village), ``ok`` or ``cancel``."""
    state = ctx.conversation.on_top(FLOW)
    if state is None:
        now = registration.standing(ctx.env, ctx.actor)
        requested_on = format_date(now.requested_at, ctx.language) if now.requested_at else None
        ctx.answer(views.standing(ctx.tr, now.linked, requested_on, ctx.quick()))
        return "register_stale"
    if "cancel" in params:
        ctx.conversation.resume()
        ctx.answer(views.cancelled(ctx.tr, ctx.quick()))
        return "register_cancelled"
    if "sd" in params:
        if state.get("step") in ("subdistrict", "village"):
            return _subdistrict_chosen(ctx, state, params["sd"])
    elif "v" in params and state.get("step") == "village" and params["v"][:6] == state.get("subdistrict"):
        return _village_chosen(ctx, state, params["v"])
    elif "ok" in params and state.get("step") == "confirm":
        return _register(ctx, state)
    ctx.answer(views.invalid(ctx.tr))
    return "register_invalid"


def reprompt(ctx: EventContext, state: State) -> str:
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


def _subdistrict_chosen(ctx: EventContext, state: State, code: str) -> str:
    try:
        villages = registration.choose_subdistrict(ctx.env, ctx.actor, code, bool(state.get("by_leader")))
    except Refused as refusal:
        if refusal.reason != "bad_area":
            raise
        ctx.answer(views.invalid(ctx.tr))
        return "register_invalid"
    _keep(ctx, state, step="village", subdistrict=code)
    ctx.answer(views.ask_village(ctx.tr, villages))
    return "register_subdistrict"


def _village_chosen(ctx: EventContext, state: State, village_code: str) -> str:
    by_leader = bool(state.get("by_leader"))
    try:
        registration.choose_village(ctx.env, ctx.actor, village_code, by_leader)
    except Refused as refusal:
        if refusal.reason != "bad_area":
            raise
        ctx.answer(views.no_such_village(ctx.tr))  # and the question again, with the villages it knows
        ctx.answer(views.ask_village(ctx.tr, registration.choose_subdistrict(ctx.env, ctx.actor,
                                                                              state["subdistrict"], by_leader)))
        return "register_no_such_village"
    _keep(ctx, state, step="house_no", village=village_code)
    ctx.answer(views.ask_house_no(ctx.tr))
    return "register_village"


def _register(ctx: EventContext, state: State) -> str:
    by_leader = bool(state.get("by_leader"))
    try:
        registered = registration.submit(ctx.env, ctx.actor, by_leader, state["village"], state["house_no"],
                                         state["head"])
    except Refused as refusal:
        if _limited(ctx, refusal):
            ctx.conversation.resume()
            return f"register_{refusal.reason}"
        raise
    ctx.conversation.resume()
    if by_leader:
        ctx.answer(views.registered_by_leader(ctx.tr, ctx.language, registered.household_id, registered.village_code,
                                              registered.house_no, registered.similar, ctx.quick()))
        return "registered_by_leader"
    ctx.forget_actor()  # the menu now offers what one who registered can do
    for leader in registered.leaders:
        ctx.push(leader, lambda tr, language: views.leaders_notice(tr, language, registered.village_code,
                                                                   registered.household_id, registered.similar))
    ctx.answer(views.registered(ctx.tr, ctx.quick(), similar=bool(registered.similar)))
    return "registered_self"


def on_merge(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=hmerge`` with ``k`` (the household to keep) and ``d`` (the duplicate): compare the
    two first; ``ok`` merges them, ``no`` keeps both."""
    keep, duplicate = postback.whole_number(params.get("k", "")), postback.whole_number(params.get("d", ""))
    if "ok" in params:
        households.merge(ctx.env, ctx.actor, keep, duplicate)
        ctx.answer(views.merged(ctx.tr, ctx.quick()))
        return "households_merged"
    pair = households.compare(ctx.env, ctx.actor, keep, duplicate)
    if "no" in params:
        ctx.answer(views.kept_both(ctx.tr, ctx.quick()))
        return "households_kept"
    ctx.answer(views.compare(ctx.tr, ctx.language, pair.keep, pair.duplicate))
    return "households_compared"


FLOWS = (
    Flow(FLOW, short=True, text=on_text, reprompt=reprompt,
         actions={"register_self": start_self, "register": start_by_leader, "reg": on_button}),
    Flow("merge", actions={"hmerge": on_merge}),
)
