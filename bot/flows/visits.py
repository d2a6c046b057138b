"""Logging a follow-up visit in chat, and reading timelines.

From a household's card or a case's, "Log a visit" opens a short conversation: the leader
sends words, voice notes, photos and the place in any order, then "Finish" asks when to
go back (in a week, two, a month, a day picked, or not), and the visit is saved. "Timeline"
shows a household's or a case's history a page at a time. Every step goes through
``casework.usecases.visits`` and ``casework.usecases.timeline``.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.usecases import timeline
from casework.usecases import visits as logging_visits
from casework.usecases.visits import Draft
from casework.visits import MAX_NOTE, MAX_PIECES, VisitError
from messages import greetings, postback
from messages import visits as views

VISIT = "visit"
AHEAD = {"7": 7, "14": 14, "30": 30}


def _id(params: dict[str, str], key: str) -> int | None:
    return postback.whole_number(params.get(key))


def begin(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=vlog&h=HOUSEHOLD`` or ``&c=CASE``; ``&cancel=1`` drops the visit being told."""
    if "cancel" in params:
        if ctx.conversation.on_top(VISIT) is not None:
            ctx.conversation.resume()
        ctx.answer(views.cancelled(ctx.tr, ctx.quick()))
        return "visit_cancelled"
    draft = logging_visits.begin(ctx.env, ctx.actor, _id(params, "h"), _id(params, "c"))
    ctx.conversation.interrupt(VISIT, {"hh": draft.household_id, "case": draft.case_id, "ref": draft.ref,
                                       "note": "", "photos": [], "voices": [], "loc": None})
    ctx.answer(views.ask(ctx.tr, draft.ref))
    return "visit_started"


def _kept(ctx: EventContext, state: State, what: str, outcome: str) -> str:
    ctx.conversation.update(VISIT, state)
    ctx.answer(views.added(ctx.tr, what))
    return outcome


def on_text(ctx: EventContext, state: State, text: str) -> str | None:
    words = text.strip()
    if not words:
        return None
    note = f"{state.get('note') or ''}\n{words}".strip()
    if len(note) > MAX_NOTE:
        ctx.answer(views.problem(ctx.tr, "too_long"))
        return "visit_reprompted"
    return _kept(ctx, {**state, "note": note}, "text", "visit_text_added")


def _piece(ctx: EventContext, state: State, key: str, message_id: str) -> str | None:
    if ctx.conversation.on_top(VISIT) is None:
        return None
    pieces = list(state.get(key) or [])
    if len(pieces) >= MAX_PIECES:
        ctx.answer(views.problem(ctx.tr, "too_many"))
        return "visit_reprompted"
    return _kept(ctx, {**state, key: [*pieces, message_id]}, key, f"visit_{key}_added")


def on_photo(ctx: EventContext, state: State, message_id: str) -> str | None:
    return _piece(ctx, state, "photos", message_id)


def on_voice(ctx: EventContext, state: State, message_id: str) -> str | None:
    return _piece(ctx, state, "voices", message_id)


def on_location(ctx: EventContext, state: State, latitude: Any, longitude: Any) -> str | None:
    if ctx.conversation.on_top(VISIT) is None:
        return None
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (latitude, longitude)):
        ctx.answer(views.problem(ctx.tr, "bad_location"))
        return "visit_reprompted"
    return _kept(ctx, {**state, "loc": [latitude, longitude]}, "location", "visit_location_added")


def reprompt(ctx: EventContext, state: State) -> str:
    ctx.answer(views.ask(ctx.tr, state.get("ref"), again=True))
    return "visit_reprompted"


def ask_next(ctx: EventContext, params: dict[str, str]) -> str:
    if ctx.conversation.on_top(VISIT) is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "visit_stale"
    ctx.answer(views.ask_next(ctx.tr, ctx.env.today))
    return "visit_next_asked"


def save(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=vsave&n=7|14|30|0`` or a date picked: the visit is saved with the day to go back."""
    state = ctx.conversation.on_top(VISIT)
    if state is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "visit_stale"
    next_visit_on: date | None
    if params.get("n") in AHEAD:
        next_visit_on = ctx.env.today + timedelta(days=AHEAD[params["n"]])
    elif params.get("n") == "0":
        next_visit_on = None
    else:
        try:
            next_visit_on = date.fromisoformat(params.get("picked", ""))
        except ValueError:
            ctx.answer(views.ask_next(ctx.tr, ctx.env.today))
            return "visit_next_asked"
    location = state.get("loc")
    draft = Draft(state.get("hh"), state.get("case"), state.get("ref"), state.get("note") or "",
                  tuple(state.get("photos") or ()), tuple(state.get("voices") or ()),
                  (location[0], location[1]) if location else None)
    try:
        logged = logging_visits.log(ctx.env, ctx.actor, draft, next_visit_on)
    except VisitError as problem:
        if problem.reason == "bad_location":
            ctx.conversation.update(VISIT, {**state, "loc": None})
        ctx.answer(views.problem(ctx.tr, problem.reason))
        if problem.reason in ("past_date", "too_far"):
            ctx.answer(views.ask_next(ctx.tr, ctx.env.today))
        return f"visit_{problem.reason}"
    ctx.conversation.resume()
    ctx.answer(views.saved(ctx.tr, ctx.language, logged, ctx.quick()))
    return "visit_logged"


def show_timeline(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=vtl&h=HOUSEHOLD`` or ``&c=CASE``, ``&p=PAGE``."""
    page = postback.whole_number(params.get("p"), digits=4) or 0
    if "c" in params:
        read = timeline.of_case(ctx.env, ctx.actor, _id(params, "c"), page)
        more = {"c": params["c"]}
    else:
        read = timeline.of_household(ctx.env, ctx.actor, _id(params, "h"), page)
        more = {"h": params.get("h", "")}
    ctx.answer(views.timeline(ctx.tr, ctx.language, read, more, ctx.quick()))
    return "timeline_shown"


FLOWS = (
    Flow(VISIT, short=True, text=on_text, photo=on_photo, voice=on_voice, location=on_location, reprompt=reprompt,
         actions={"vlog": begin, "vnext": ask_next, "vsave": save}),
    Flow("timeline", actions={"vtl": show_timeline}),
)
