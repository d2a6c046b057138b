"""Leaders and coordinators handle their area's requests in chat: the open ones, a case's
card, taking it up, answering the household (typed in the chat, relayed to the
household's), and closing it after asking once. The household is told each time.

Every step goes through ``casework.usecases.cases``, which asks again whether this
person handles the household's real area.
"""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.cases import CaseChanged
from casework.errors import Refused
from casework.usecases import cases as handling
from messages import help_requests as views
from messages import postback
from messages import referrals as referral_views

REPLY = "case_reply"  # a leader typing an answer to a household


def _id(params: dict[str, str]) -> int | None:
    return postback.whole_number(params.get("id"))


def show_open(ctx: EventContext, params: dict[str, str]) -> str:
    """Leaders' and coordinators' open requests in their areas, a page at a time."""
    page = handling.open_list(ctx.env, ctx.actor, postback.whole_number(params.get("p"), digits=4) or 0)
    ctx.answer(views.open_requests(ctx.tr, ctx.language, page.total, page.items, page.page, ctx.quick()))
    return "open_cases"


def open_card(ctx: EventContext, params: dict[str, str]) -> str:
    view = handling.show(ctx.env, ctx.actor, _id(params))
    ctx.answer(views.case_card(ctx.tr, ctx.language, view, ctx.quick()))
    return "case_opened"


def show_photos(ctx: EventContext, params: dict[str, str]) -> str:
    """The request's photos as LINE image messages, at addresses signed for an hour."""
    view = handling.show(ctx.env, ctx.actor, _id(params))
    ids = handling.photos(ctx.env, ctx.actor, view.id)
    ctx.answer(views.case_photos(ctx.tr, view.ref, [ctx.photo_links.url(i) if ctx.photo_links else None
                                                    for i in ids], ctx.quick()))
    return "case_photos"


def take_up(ctx: EventContext, params: dict[str, str]) -> str:
    handled = handling.take_up(ctx.env, ctx.actor, _id(params))
    case = handled.case
    if handled.outcome == handling.UNCHANGED:
        ctx.answer(views.unchanged(ctx.tr, case.status))
        ctx.answer(views.case_card(ctx.tr, ctx.language, case, ctx.quick()))
        return "case_opened"
    if handled.tell is not None:
        ctx.push(handled.tell, lambda tr, language: views.taken_up(tr, case.ref))
    ctx.answer(views.acknowledged(ctx.tr, case.ref, ctx.quick()))
    return "case_acknowledged"


def ask_reply(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=creply&id=N``: the leader's answer is asked for; ``&cancel=1`` drops it."""
    handled = handling.begin_reply(ctx.env, ctx.actor, _id(params))
    case = handled.case
    if "cancel" in params:
        if ctx.conversation.on_top(REPLY) is not None:
            ctx.conversation.resume()
        ctx.answer(views.reply_cancelled(ctx.tr, ctx.quick()))
        return "case_reply_cancelled"
    if handled.outcome == handling.UNCHANGED:
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return "case_reply_closed"
    ctx.conversation.interrupt(REPLY, {"case": case.id, "ref": case.ref, "at": ctx.now.isoformat()})
    ctx.answer(views.ask_reply(ctx.tr, case.ref, case.id))
    return "case_reply_asked"


def on_reply_text(ctx: EventContext, state: State, text: str) -> str | None:
    """The leader's answer, typed: relayed to the household's chat and kept with the case."""
    answer = text.strip()
    if not answer:
        return None
    try:
        handled = handling.reply(ctx.env, ctx.actor, state.get("case"), answer, state.get("at"))
    except Refused as refusal:
        if refusal.reason != "too_long":
            ctx.conversation.resume()
            raise
        ctx.answer(views.problem(ctx.tr, "too_long"))
        return reprompt_reply(ctx, state)
    ctx.conversation.resume()
    case = handled.case
    if handled.outcome == handling.TOO_LATE:
        ctx.answer(views.reply_too_late(ctx.tr, case.ref, case.id))
        return "case_reply_expired"
    if handled.outcome == handling.UNCHANGED:
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return "case_reply_closed"
    if handled.outcome == handling.UNREACHABLE or handled.tell is None:
        ctx.answer(views.not_reachable(ctx.tr, ctx.quick()))
        return "case_reply_unreachable"
    ctx.push(handled.tell, lambda tr, language: views.answered(tr, case.ref, handled.leader, answer))
    ctx.answer(views.reply_sent(ctx.tr, ctx.quick()))
    return "case_relayed"


def reprompt_reply(ctx: EventContext, state: State) -> str:
    ctx.answer(views.type_the_reply(ctx.tr))
    if isinstance(state.get("ref"), str) and state.get("case") is not None:
        ctx.answer(views.ask_reply(ctx.tr, state["ref"], state["case"]))
    return "case_reply_reprompted"


def close(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=cclose&id=N`` asks once, with how it ended; ``&ok=1&o=OUTCOME&v=V`` closes and tells the household."""
    try:
        handled = handling.close(ctx.env, ctx.actor, _id(params), confirmed=params.get("ok") == "1",
                                 outcome=params.get("o"), version=postback.whole_number(params.get("v"), digits=9))
    except CaseChanged as change:
        ctx.answer(referral_views.changed(ctx.tr, ctx.language, change.by, change.kind, change.at))
        ctx.answer(views.case_card(ctx.tr, ctx.language, handling.show(ctx.env, ctx.actor, _id(params)), ctx.quick()))
        return "case_changed"
    case = handled.case
    if handled.outcome == handling.UNCHANGED:
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return "case_close_unchanged"
    if handled.outcome == handling.ASKED:
        ctx.answer(views.confirm_close(ctx.tr, case.ref, case.id, case.version))
        return "case_close_asked"
    if handled.tell is not None:
        ctx.push(handled.tell, lambda tr, language: views.closed(tr, case.ref, case.outcome, case_id=case.id,
                                                                 need=case.need))
    ctx.answer(views.closed_by_leader(ctx.tr, ctx.quick()))
    return "case_closed"


FLOWS = (
    Flow("cases", actions={"open_cases": show_open, "case": open_card, "cphotos": show_photos, "cack": take_up,
                           "cclose": close}),
    Flow(REPLY, short=True, text=on_reply_text, reprompt=reprompt_reply, actions={"creply": ask_reply}),
)
