"""The second person's review in chat: checks waiting for confirmation, confirming one,
or returning it with a note typed in the chat (the assessor is told)."""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.questionnaire import default as questionnaire
from casework.usecases import reviews
from messages import handovers
from messages import plans as plan_views
from messages import postback
from messages import registry as views

RETURN_NOTE = "return_note"


def show_waiting(ctx: EventContext, params: dict[str, str]) -> str:
    """The checks waiting for this person; with ``id`` (the button of the news that one waits), that one."""
    if "id" in params:
        item = reviews.open_check(ctx.env, ctx.actor, postback.whole_number(params.get("id")))
        ctx.answer(views.review_list(ctx.tr, ctx.language, questionnaire(), 1, [item], quick=ctx.quick()))
        return "review_opened"
    total, items = reviews.waiting(ctx.env, ctx.actor)
    ctx.answer(views.review_list(ctx.tr, ctx.language, questionnaire(), total, items, quick=ctx.quick()))
    return "review_list"


def confirm(ctx: EventContext, params: dict[str, str]) -> str:
    confirmed = reviews.confirm(ctx.env, ctx.actor, postback.whole_number(params.get("id")))
    if confirmed.welfare_case is not None:
        ctx.answer(plan_views.welfare_case_opened(ctx.tr, confirmed.welfare_case))
    ctx.answer(views.reviewed(ctx.tr, True, ctx.quick()))
    if confirmed.assessor_line_id is not None:
        ctx.push(confirmed.assessor_line_id, lambda tr, language: handovers.confirmed_to_assessor(
            tr, language, confirmed.household_id, confirmed.address, confirmed.group, confirmed.by))
    return "confirmed"


def ask_return(ctx: EventContext, params: dict[str, str]) -> str:
    assessment_id = reviews.begin_return(ctx.env, ctx.actor, postback.whole_number(params.get("id")))
    ctx.conversation.interrupt(RETURN_NOTE, {"assessment": assessment_id})
    ctx.answer(views.ask_return_note(ctx.tr))
    return "asked_return_note"


def on_note(ctx: EventContext, state: State, note: str) -> str | None:
    """The reviewer's note arrived as text: return the household and tell the assessor."""
    if not note.strip():
        return None
    ctx.conversation.resume()
    returned = reviews.send_back(ctx.env, ctx.actor, state.get("assessment"), note)
    ctx.answer(views.reviewed(ctx.tr, False, ctx.quick()))
    if returned.assessor_line_id is not None:
        ctx.push(returned.assessor_line_id, lambda tr, language: handovers.returned_to_assessor(
            tr, language, returned.household_id, returned.address, returned.note))
    return "returned"


def reprompt(ctx: EventContext, state: State) -> str:
    ctx.answer(views.ask_return_note(ctx.tr))
    return "return_note_reprompted"


FLOWS = (
    Flow("review", actions={"review": show_waiting, "confirm": confirm, "return": ask_return}),
    Flow(RETURN_NOTE, short=True, text=on_note, reprompt=reprompt),
)
