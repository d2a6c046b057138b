"""Referrals in chat: agency staff's queue and a referral's card (accept, decline, update,
complete), a leader's or coordinator's side (take it back, choose the agency, the
household's answer given on site), the household's consent in its own chat, and an
agency group chat (registered by a staff member; new referrals arrive there as a notice
whose button opens the referral in the tapping person's own chat).

Every step goes through ``casework.usecases.referrals``. A tap on a card someone else
has changed since is answered with who changed it and the card as it is now.
"""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.referrals import NEEDS_REASON, ReferralChanged
from casework.usecases import referrals as handling
from casework.usecases.base import FORBIDDEN
from casework.usecases.plans import Sent
from messages import postback
from messages import referrals as views

NOTE = "referral_note"  # a reason or an outcome being typed
KINDS = ("declined", "revoked", "updated", "completed")


def _id(params: dict[str, str], key: str = "id") -> int | None:
    return postback.whole_number(params.get(key))


def _version(params: dict[str, str]) -> int | None:
    return postback.whole_number(params.get("v"), digits=9)


def tell_sent(ctx: EventContext, sent: Sent) -> None:
    """Whoever must act on a referral just made, routed or consented to hears of it."""
    view = sent.referral
    if view.status == "sent":
        ctx.push_all(sent.staff, lambda tr, language: views.arrived(tr, language, view))
        ctx.push_all(sent.groups, lambda tr, language: views.arrived_in_group(tr, language, view))
        ctx.push_all(sent.household, lambda tr, language: views.household_news(tr, language, view, "sent"))
    elif view.status == "routing":
        ctx.push_all(sent.coordinators, lambda tr, language: views.needs_agency(tr, language, view))
    elif view.status == "consent":
        ctx.push_all(sent.household, lambda tr, language: views.ask_consent(tr, language, view, view.agency_kind))
    elif view.status == "revoked":
        ctx.push_all(sent.household, lambda tr, language: views.household_news(tr, language, view,
                                                                                "consent_refused"))


def tell_acted(ctx: EventContext, acted: handling.Acted, note: str = "") -> None:
    view = acted.referral
    status = view.status
    if status in views.HOUSEHOLD_NEWS:
        ctx.push_all(acted.household, lambda tr, language: views.household_news(
            tr, language, view, status, note, ask_solved=acted.case_finished))
    if status in views.SENDER_NEWS:
        ctx.push_all(acted.senders, lambda tr, language: views.sender_news(tr, language, view, status, note))
    if status == "revoked":
        ctx.push_all(acted.agency, lambda tr, language: views.taken_back(tr, language, view, note))


def _changed(ctx: EventContext, change: ReferralChanged, referral_id: int | None) -> str:
    ctx.answer(views.changed(ctx.tr, ctx.language, change.by, change.kind, change.at))
    opened = handling.show(ctx.env, ctx.actor, referral_id)
    ctx.answer(views.shown(ctx.tr, ctx.language, opened.view, ctx.quick(), for_agency=opened.as_agency,
                           can_route=opened.can_route))
    return "referral_changed"


# ---------------------------------------------------------------- lists and cards


def show_queue(ctx: EventContext, params: dict[str, str]) -> str:
    page = handling.queue(ctx.env, ctx.actor, postback.whole_number(params.get("p"), digits=4) or 0)
    ctx.answer(views.listing(ctx.tr, ctx.language, page.total, page.items, page.page, handling.PAGE_SIZE,
                             ctx.quick(), action="referrals"))
    return "referral_queue"


def show_in_areas(ctx: EventContext, params: dict[str, str]) -> str:
    page = handling.in_my_areas(ctx.env, ctx.actor, postback.whole_number(params.get("p"), digits=4) or 0)
    ctx.answer(views.listing(ctx.tr, ctx.language, page.total, page.items, page.page, handling.PAGE_SIZE,
                             ctx.quick(), action="area_referrals"))
    return "area_referrals"


def open_card(ctx: EventContext, params: dict[str, str]) -> str:
    opened = handling.show(ctx.env, ctx.actor, _id(params))
    ctx.answer(views.shown(ctx.tr, ctx.language, opened.view, ctx.quick(), for_agency=opened.as_agency,
                           can_route=opened.can_route))
    return "referral_opened"


def open_from_group(ctx: EventContext, params: dict[str, str]) -> str:
    """A group notice's button: the card goes to the tapping person's own chat, never the group."""
    opened = handling.show(ctx.env, ctx.actor, _id(params))
    user = ctx.user_id
    assert user is not None  # show() refused anyone unknown
    ctx.push(user, lambda tr, language: views.shown(tr, language, opened.view, [], for_agency=opened.as_agency))
    ctx.answer(views.opened_in_own_chat(ctx.tr))
    return "referral_opened_in_own_chat"


def list_from_group(ctx: EventContext, params: dict[str, str]) -> str:
    """A group digest's button: the tapping officer's own list goes to their own chat."""
    page = handling.queue(ctx.env, ctx.actor, 0)
    user = ctx.user_id
    assert user is not None  # queue() refused anyone who is not agency staff
    ctx.push(user, lambda tr, language: views.listing(tr, language, page.total, page.items, page.page,
                                                      handling.PAGE_SIZE, [], action="referrals"))
    ctx.answer(views.opened_in_own_chat(ctx.tr))
    return "referral_list_in_own_chat"


def register_group(ctx: EventContext, params: dict[str, str]) -> str:
    if ctx.chat is None or ctx.chat.kind not in ("group", "room"):
        raise Refused("not_a_group")
    try:
        agency = handling.register_group(ctx.env, ctx.actor, ctx.chat.line_id)
    except Refused as refusal:
        if refusal.reason not in FORBIDDEN:
            raise
        ctx.answer(views.group_registered_by_staff_only(ctx.tr))  # not a bare "no": who can do it
        return "agency_group_not_staff"
    ctx.answer(views.group_registered(ctx.tr, agency))
    return "agency_group_registered"


# ---------------------------------------------------------------- agency staff


def accept(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        acted = handling.accept(ctx.env, ctx.actor, _id(params), _version(params))
    except ReferralChanged as change:
        return _changed(ctx, change, _id(params))
    tell_acted(ctx, acted)
    ctx.answer(views.done(ctx.tr, ctx.language, acted.referral, ctx.quick(), for_agency=True))
    return "referral_accepted"


def ask_note(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=rnote&id=N&k=KIND&v=V``: the reason or outcome is asked for; ``&cancel=1`` drops it;
    ``&skip=1`` completes without a note."""
    kind = params.get("k")
    if kind not in KINDS:
        raise Refused("bad_step")
    if "cancel" in params:
        if ctx.conversation.on_top(NOTE) is not None:
            ctx.conversation.resume()
        ctx.answer(views.note_cancelled(ctx.tr, ctx.quick()))
        return "referral_note_cancelled"
    view = handling.show(ctx.env, ctx.actor, _id(params)).view
    if "skip" in params and kind == "completed":
        return _finish(ctx, {"id": view.id, "k": kind, "v": _version(params)}, None)
    ctx.conversation.interrupt(NOTE, {"id": view.id, "k": kind, "v": _version(params), "ref": view.case_ref})
    ctx.answer(views.ask_note(ctx.tr, kind, view))
    return "referral_note_asked"


def on_note_text(ctx: EventContext, state: State, text: str) -> str | None:
    note = text.strip()
    if not note and state.get("k") in NEEDS_REASON:
        return None
    return _finish(ctx, state, note or None)


def _finish(ctx: EventContext, state: State, note: str | None) -> str:
    kind, referral_id, version = state.get("k"), state.get("id"), state.get("v")
    steps = {"declined": handling.decline, "revoked": handling.revoke, "updated": handling.update,
             "completed": handling.complete}
    if kind not in steps:
        ctx.conversation.resume()
        raise Refused("bad_step")
    try:
        acted = steps[kind](ctx.env, ctx.actor, referral_id, note, version)
    except ReferralChanged as change:
        if ctx.conversation.on_top(NOTE) is not None:
            ctx.conversation.resume()
        return _changed(ctx, change, referral_id)
    except Refused as refusal:
        if refusal.reason not in views.PROBLEM:
            if ctx.conversation.on_top(NOTE) is not None:
                ctx.conversation.resume()
            raise
        ctx.answer(views.problem(ctx.tr, refusal.reason))
        return "referral_note_reprompted"
    if ctx.conversation.on_top(NOTE) is not None:
        ctx.conversation.resume()
    tell_acted(ctx, acted, note or "")
    ctx.answer(views.done(ctx.tr, ctx.language, acted.referral, ctx.quick(), for_agency=kind != "revoked"))
    return f"referral_{kind}"


def reprompt_note(ctx: EventContext, state: State) -> str:
    ctx.answer(views.problem(ctx.tr, "needs_reason"))
    return "referral_note_reprompted"


# ---------------------------------------------------------------- the sending side and the household


def choose_agency(ctx: EventContext, params: dict[str, str]) -> str:
    view = handling.show(ctx.env, ctx.actor, _id(params)).view
    choices = handling.agencies_for(ctx.env, ctx.actor, view.id)
    ctx.answer(views.agency_choices(ctx.tr, view, choices, ctx.quick()))
    return "referral_agencies_offered"


def route_to(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        sent = handling.route(ctx.env, ctx.actor, _id(params), _id(params, "ag"), _version(params))
    except ReferralChanged as change:
        return _changed(ctx, change, _id(params))
    tell_sent(ctx, sent)
    ctx.answer(views.done(ctx.tr, ctx.language, sent.referral, ctx.quick(), for_agency=False))
    return "referral_routed"


def consent_on_site(ctx: EventContext, params: dict[str, str]) -> str:
    sent = handling.consent_on_site(ctx.env, ctx.actor, _id(params), params.get("ok") == "1")
    tell_sent(ctx, sent)
    ctx.answer(views.done(ctx.tr, ctx.language, sent.referral, ctx.quick(), for_agency=False))
    return "referral_consent_on_site"


def consent_in_chat(ctx: EventContext, params: dict[str, str]) -> str:
    agreed = params.get("ok") == "1"
    sent = handling.consent_in_chat(ctx.env, ctx.actor, _id(params), agreed)
    tell_sent(ctx, sent)  # the household's own news is in its answer: pushes skip the person acting
    ctx.answer(views.consent_answered(ctx.tr, agreed, [] if sent.referral.status == "sent" else ctx.quick()))
    if sent.referral.status == "sent":
        ctx.answer(views.household_news(ctx.tr, ctx.language, sent.referral, "sent", quick=ctx.quick()))
    return "referral_consent_in_chat"


FLOWS = (
    Flow("referrals", actions={"referrals": show_queue, "area_referrals": show_in_areas, "ref": open_card,
                               "racc": accept, "rroute": choose_agency, "rto": route_to, "rsite": consent_on_site,
                               "rcons": consent_in_chat}),
    Flow("agency_group", in_groups=True,
         actions={"rgopen": open_from_group, "rglist": list_from_group, "rgroup": register_group}),
    Flow(NOTE, short=True, text=on_note_text, reprompt=reprompt_note, actions={"rnote": ask_note}),
)
