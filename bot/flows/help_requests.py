"""A household asks for help and follows its requests; text the bot does not understand
is handed to a person; the area's leaders take requests up, answer and close them.

Only a LINE account linked to the household opens or sees its requests, and only
the leaders (and coordinators) of the household's real area handle them: every
route checks again, since a postback only says which record it means. A request
is written in one go when the household taps "Send request"; until then what it
adds waits in the chat's (sealed) conversation state.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from babel.support import NullTranslations

from bot.flows.context import EventContext
from bot.logs import log
from casework import accounts, authorization, cases, chats, conversations, registry
from casework.models import Account, Case, Household
from messages import greetings
from messages import help_requests as views
from messages import postback
from messages.i18n import DEFAULT_LANGUAGE
from messages.line import Message

FLOW = "help"  # the household's "Ask for help", step by step
HANDOFF = "handoff"  # a message the bot did not understand, offered to the leader
REPLY = "case_reply"  # a leader typing an answer to a household
MAX_LINE_MESSAGE_ID = 32
# A message on offer, or a leader's answer being typed, belongs to the moment: text
# typed after this long is not joined to it (nor relayed to a household).
MOMENT = timedelta(minutes=30)

Builder = Callable[[NullTranslations, str], list[Message]]  # (translations, language) -> messages


def _household(ctx: EventContext) -> Household | None:
    households = ctx.actor.households
    return ctx.uow.session.get(Household, households[0]) if households else None


def _load(ctx: EventContext, flow: str) -> dict[str, Any] | None:
    saved = conversations.load(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id) if ctx.chat else None
    return saved[1] if saved is not None and saved[0] == flow else None


def _save(ctx: EventContext, flow: str, state: dict[str, Any]) -> None:
    assert ctx.chat is not None
    conversations.interrupt(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, flow, state, ctx.now)


def _recent(ctx: EventContext, state: dict[str, Any]) -> bool:
    at = state.get("at")
    return isinstance(at, str) and ctx.now - datetime.fromisoformat(at) <= MOMENT


def _leave(ctx: EventContext) -> None:
    assert ctx.chat is not None
    conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)


# ---------------------------------------------------------------- asking for help


def start(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx)
    if household is None or ctx.chat is None:
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "help_not_linked"
    _save(ctx, FLOW, {"step": "need", "hh": household.id, "need": None, "text": "", "photos": [],
                      "location": None})
    ctx.answer(views.ask_need(ctx.tr))
    return "help_started"


def on_postback(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=hr``: a need chosen (``need=``), ``send=1`` or ``cancel=1``."""
    state = _load(ctx, FLOW)
    if state is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "help_stale"
    if "cancel" in params:
        _leave(ctx)
        ctx.answer(views.cancelled(ctx.tr, ctx.quick()))
        return "help_cancelled"
    if not authorization.can_ask_for_help(ctx.actor, state.get("hh", -1)):
        _leave(ctx)
        return ctx.refuse("help", "not_linked")
    if "need" in params:
        if params["need"] not in cases.NEEDS:
            return reprompt(ctx, state, "choose_need")
        return _need_chosen(ctx, state, params["need"])
    if "send" in params and state["step"] == "details":
        return _send(ctx, state)
    return reprompt(ctx, state)


def _need_chosen(ctx: EventContext, state: dict[str, Any], need: str) -> str:
    state.update(step="details", need=need)
    _save(ctx, FLOW, state)
    ctx.answer(views.ask_details(ctx.tr, need))
    return "help_need"


def on_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    """Typed during the flow: a need's label, "Send request", or the household's own words."""
    if state["step"] == "need":
        need = views.typed_need(ctx.tr, text)
        return _need_chosen(ctx, state, need) if need else reprompt(ctx, state, "choose_need")
    if views.typed_send(ctx.tr, text):
        return _send(ctx, state)
    words = text.strip()
    combined = f"{state['text']}\n{words}" if state["text"] else words
    if len(combined) > cases.MAX_DETAILS:
        return reprompt(ctx, state, "too_long")
    state["text"] = combined
    _save(ctx, FLOW, state)
    ctx.answer(views.ask_details(ctx.tr, state["need"], added=views.added(ctx.tr, "text")))
    return "help_text_added"


def on_photo(ctx: EventContext, message_id: str) -> str | None:
    """A photo during "Ask for help" goes with the request; None when no request is being made."""
    state = _load(ctx, FLOW)
    if state is None:
        return None
    if len(message_id) > MAX_LINE_MESSAGE_ID:
        return reprompt(ctx, state)
    if message_id not in state["photos"]:
        if len(state["photos"]) >= cases.MAX_PHOTOS:
            return reprompt(ctx, state, "too_many_photos")
        state["photos"].append(message_id)
        _save(ctx, FLOW, state)
    return _added(ctx, state, views.added(ctx.tr, "photo", len(state["photos"])), "help_photo_added")


def on_location(ctx: EventContext, latitude: Any, longitude: Any) -> str | None:
    state = _load(ctx, FLOW)
    if state is None:
        return None
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return reprompt(ctx, state, "bad_location")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return reprompt(ctx, state, "bad_location")
    state["location"] = [lat, lng]
    _save(ctx, FLOW, state)
    return _added(ctx, state, views.added(ctx.tr, "location"), "help_location_added")


def _added(ctx: EventContext, state: dict[str, Any], what: str, outcome: str) -> str:
    """Say what was kept, then ask the step's question (a need first, if none is chosen yet)."""
    if state["step"] == "need":
        ctx.answer(views.ask_need(ctx.tr, added=what))
    else:
        ctx.answer(views.ask_details(ctx.tr, state["need"], added=what))
    return outcome


def reprompt(ctx: EventContext, state: dict[str, Any], reason: str = "not_kept") -> str:
    """Something the step cannot use: say so plainly, ask the step's question again."""
    ctx.answer(views.problem(ctx.tr, reason))
    if state["step"] == "need":
        ctx.answer(views.ask_need(ctx.tr))
    else:
        ctx.answer(views.ask_details(ctx.tr, state["need"]))
    return f"help_reprompted_{reason}"


def _send(ctx: EventContext, state: dict[str, Any]) -> str:
    household = ctx.uow.session.get(Household, state["hh"])
    if household is None or ctx.actor.account_id is None:
        _leave(ctx)
        return ctx.refuse("help", "not_linked")
    location = state.get("location")
    try:
        case = cases.open_case(ctx.uow.session, ctx.uow.sealer, household=household, need=state["need"],
                               account_id=ctx.actor.account_id, now=ctx.now, details=state["text"],
                               location=(location[0], location[1]) if location else None, photos=state["photos"])
    except cases.CaseError as error:
        return reprompt(ctx, state, error.reason)
    _leave(ctx)
    ctx.answer(views.sent(ctx.tr, case.ref, ctx.quick()))
    view = cases.view(ctx.uow.session, ctx.uow.sealer, case)
    _tell_staff(ctx, household, lambda tr, language: views.new_case_notice(tr, language, view))
    return "help_sent"


def _tell_staff(ctx: EventContext, household: Household, build: Builder) -> None:
    """The household's leaders; where no leader has been invited yet, its coordinators."""
    session = ctx.uow.session
    staff = accounts.staff_covering(session, household.village_code, "leader") \
        or accounts.staff_covering(session, household.village_code, "coordinator")
    staff = [person for person in staff if person.id != ctx.actor.account_id]
    if not staff:
        log("nobody_to_tell", level=logging.WARNING, household=household.id)
    for person in staff:
        _push(ctx, person, build)


def _push(ctx: EventContext, account: Account, build: Builder) -> None:
    """A push in the recipient's language, area names included."""
    chat = chats.find(ctx.uow.session, account.line_user_id)
    language = chat.language if chat is not None else DEFAULT_LANGUAGE
    ctx.push(account.line_user_id, lambda tr: build(tr, language))


# ---------------------------------------------------------------- following requests


def show_mine(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx)
    if household is None:
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "my_requests_not_linked"
    total, rows = cases.cases_of(ctx.uow.session, household.id, limit=views.MAX_SHOWN)
    shown = [cases.view(ctx.uow.session, ctx.uow.sealer, case, updates=1) for case in rows]
    ctx.answer(views.my_requests(ctx.tr, ctx.language, total, shown, ctx.quick()))
    return "my_requests"


# ---------------------------------------------------------------- hand-off to a person


def offer_handoff(ctx: EventContext, text: str) -> str | None:
    """Text nobody understood, from a linked household: offer to send it to its leader.
    None for anyone else, who gets the usual answer."""
    household = _household(ctx)
    words = text.strip()
    if household is None or ctx.chat is None or not words:
        return None
    _save(ctx, HANDOFF, {"hh": household.id, "text": words[:cases.MAX_DETAILS], "at": ctx.now.isoformat()})
    ctx.answer(views.offer_handoff(ctx.tr))
    return "handoff_offered"


def on_handoff_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    """People write in several bubbles: more text joins the message on offer (if recent)."""
    if not _recent(ctx, state):
        _leave(ctx)
        return offer_handoff(ctx, text) or "handoff_expired"
    combined = f"{state['text']}\n{text.strip()}"
    if len(combined) > cases.MAX_DETAILS:
        ctx.answer(views.problem(ctx.tr, "too_long"))
        ctx.answer(views.offer_handoff(ctx.tr, more=True))
        return "handoff_too_long"
    state.update(text=combined, at=ctx.now.isoformat())
    _save(ctx, HANDOFF, state)
    ctx.answer(views.offer_handoff(ctx.tr, more=True))
    return "handoff_more"


def reprompt_handoff(ctx: EventContext, state: dict[str, Any]) -> str:
    ctx.answer(views.tap_send_or_not(ctx.tr))
    ctx.answer(views.offer_handoff(ctx.tr, more=True))
    return "handoff_reprompted"


def on_handoff(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=handoff&send=1`` or ``&no=1``."""
    state = _load(ctx, HANDOFF)
    if state is None or not ("send" in params or "no" in params):
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "handoff_stale"
    _leave(ctx)
    if "no" in params:
        ctx.answer(views.handoff_dropped(ctx.tr, ctx.quick()))
        return "handoff_declined"
    household = ctx.uow.session.get(Household, state["hh"])
    account_id = ctx.actor.account_id
    if household is None or account_id is None or not authorization.can_ask_for_help(ctx.actor, household.id):
        return ctx.refuse("handoff", "not_linked")
    session, sealer = ctx.uow.session, ctx.uow.sealer
    case = cases.open_handoff(session, household.id)
    more = case is not None and case.opened_by == account_id
    if case is not None and more:
        cases.add_note(session, sealer, case, by=account_id, text=state["text"], now=ctx.now)
    else:
        case = cases.open_case(session, sealer, household=household, need=cases.HANDOFF, account_id=account_id,
                               now=ctx.now, details=state["text"])
    ctx.answer(views.handoff_sent(ctx.tr, case.ref, ctx.quick()))
    view = cases.view(session, sealer, case)
    _tell_staff(ctx, household, lambda tr, language: views.handoff_notice(tr, language, view, state["text"],
                                                                           more=more))
    return "handoff_sent"


# ---------------------------------------------------------------- leaders


def _case(ctx: EventContext, params: dict[str, str]) -> tuple[Case, Household] | None:
    """The case the button names, if this person handles its household's real area."""
    number = postback.whole_number(params.get("id"))
    case = ctx.uow.session.get(Case, number) if number is not None else None
    household = ctx.uow.session.get(Household, case.household_id) if case is not None else None
    if case is None or household is None or ctx.actor.account_id is None \
            or not authorization.can_handle_case(ctx.actor, household.village_code):
        return None
    return case, household


def open_card(ctx: EventContext, params: dict[str, str]) -> str:
    found = _case(ctx, params)
    if found is None:
        return ctx.refuse("case", "scope")
    ctx.answer(views.case_card(ctx.tr, ctx.language, cases.view(ctx.uow.session, ctx.uow.sealer, found[0]),
                               ctx.quick()))
    return "case_opened"


def take_up(ctx: EventContext, params: dict[str, str]) -> str:
    found = _case(ctx, params)
    if found is None:
        return ctx.refuse("case_ack", "scope")
    case, household = found
    if not cases.allowed(case.status, "acknowledged"):
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return open_card(ctx, params)
    cases.acknowledge(ctx.uow.session, ctx.uow.sealer, case, by=ctx.actor.account_id or 0, now=ctx.now)
    _tell_household(ctx, case, household, lambda tr, language: views.taken_up(tr, case.ref))
    ctx.answer(views.acknowledged(ctx.tr, case.ref, ctx.quick()))
    return "case_acknowledged"


def ask_reply(ctx: EventContext, params: dict[str, str]) -> str:
    found = _case(ctx, params)
    if found is None or ctx.chat is None:
        return ctx.refuse("case_reply", "scope")
    case, _household = found
    if "cancel" in params:
        if _load(ctx, REPLY) is not None:
            _leave(ctx)
        ctx.answer(views.reply_cancelled(ctx.tr, ctx.quick()))
        return "case_reply_cancelled"
    if not cases.allowed(case.status, "relayed"):
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return "case_reply_closed"
    _save(ctx, REPLY, {"case": case.id, "at": ctx.now.isoformat()})
    ctx.answer(views.ask_reply(ctx.tr, case.ref, case.id))
    return "case_reply_asked"


def on_reply_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    """The leader's answer, typed: relayed to the household's chat and kept with the case."""
    found = _case(ctx, {"id": str(state.get("case", ""))})
    answer = text.strip()
    if found is not None and _recent(ctx, state) and len(answer) > cases.MAX_NOTE:
        ctx.answer(views.problem(ctx.tr, "too_long"))
        return reprompt_reply(ctx, state)
    _leave(ctx)
    if found is None:
        return ctx.refuse("case_reply", "scope")
    case, household = found
    if not _recent(ctx, state):
        ctx.answer(views.reply_too_late(ctx.tr, case.ref, case.id))
        return "case_reply_expired"
    if not cases.allowed(case.status, "relayed"):
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return "case_reply_closed"
    leader = ctx.account()
    name = leader.display_name if leader is not None else ""
    if not _tell_household(ctx, case, household, lambda tr, language: views.answered(tr, case.ref, name, answer)):
        ctx.answer(views.not_reachable(ctx.tr, ctx.quick()))
        return "case_reply_unreachable"
    cases.relay(ctx.uow.session, ctx.uow.sealer, case, by=ctx.actor.account_id or 0, text=answer, now=ctx.now)
    ctx.answer(views.reply_sent(ctx.tr, ctx.quick()))
    return "case_relayed"


def reprompt_reply(ctx: EventContext, state: dict[str, Any]) -> str:
    ctx.answer(views.type_the_reply(ctx.tr))
    case = ctx.uow.session.get(Case, state.get("case", -1))
    if case is not None:
        ctx.answer(views.ask_reply(ctx.tr, case.ref, case.id))
    return "case_reply_reprompted"


def close(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=cclose&id=N`` asks once; ``&ok=1`` closes and tells the household."""
    found = _case(ctx, params)
    if found is None:
        return ctx.refuse("case_close", "scope")
    case, household = found
    if not cases.allowed(case.status, "closed"):
        ctx.answer(views.unchanged(ctx.tr, case.status))
        return "case_close_unchanged"
    if params.get("ok") != "1":
        ctx.answer(views.confirm_close(ctx.tr, case.ref, case.id))
        return "case_close_asked"
    cases.close(ctx.uow.session, ctx.uow.sealer, case, by=ctx.actor.account_id or 0, now=ctx.now)
    _tell_household(ctx, case, household, lambda tr, language: views.closed(tr, case.ref))
    ctx.answer(views.closed_by_leader(ctx.tr, ctx.quick()))
    return "case_closed"


def _tell_household(ctx: EventContext, case: Case, household: Household, build: Builder) -> bool:
    """News of a request goes to whoever asked, while their LINE is still linked to the household."""
    opener = ctx.uow.session.get(Account, case.opened_by)
    if opener is None or household.id not in registry.linked_households(ctx.uow.session, opener.id):
        return False
    _push(ctx, opener, build)
    return True


def show_open(ctx: EventContext, params: dict[str, str]) -> str:
    """Leaders' and coordinators' open requests in their areas, a page at a time."""
    scopes = ctx.actor.areas("leader", "coordinator")
    if not scopes:
        return ctx.refuse("open_cases", "no_role")
    page = postback.whole_number(params.get("p"), digits=4) or 0
    total, found = cases.open_in(ctx.uow.session, scopes, offset=page * views.PAGE_SIZE, limit=views.PAGE_SIZE)
    shown = [cases.view(ctx.uow.session, ctx.uow.sealer, case, updates=0) for case in found]
    ctx.answer(views.open_requests(ctx.tr, ctx.language, total, shown, page, ctx.quick()))
    return "open_cases"


ROUTES = {
    "open_cases": show_open,
    "help_request": start,
    "my_requests": show_mine,
    "hr": on_postback,
    "handoff": on_handoff,
    "case": open_card,
    "cack": take_up,
    "creply": ask_reply,
    "cclose": close,
}
