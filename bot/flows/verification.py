"""A leader's verification work in chat: households to check, a household's card, and
the five-capital questionnaire, with photos and the location along the way.

The answers wait in the chat's conversation (``assess``: the household being checked
and one draft per household begun), so a leader can pause and come back; every step
goes through ``casework.usecases.checks``, which asks again whether this leader may
check this household.
"""
from __future__ import annotations

from typing import Any

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework import accounts, registry
from casework.errors import Refused
from casework.questionnaire import Draft
from casework.questionnaire import default as questionnaire
from casework.usecases import checks, households
from messages import handovers
from messages import postback
from messages import registry as views

ASSESS = "assess"


def _id(params: dict[str, str], key: str = "id") -> int | None:
    return postback.whole_number(params.get(key))


def _state(ctx: EventContext) -> State:
    """The chat's checks in progress, also while a short flow (a note, a correction) interrupts them."""
    return ctx.conversation.state_of(ASSESS) or {"current": None, "drafts": {}}


def _draft(state: State, household_id: int) -> Draft:
    return Draft.from_state(state["drafts"].get(str(household_id), {}))


def _keep(ctx: EventContext, state: State, household_id: int, draft: Draft) -> None:
    """Make ``household_id`` the one being checked, with this draft; a tap on the check
    takes the leader back to it, leaving whatever short flow was on top."""
    state["current"] = household_id
    state["drafts"][str(household_id)] = draft.to_state()
    ctx.conversation.replace(ASSESS, state)


def show_pending(ctx: EventContext, params: dict[str, str]) -> str:
    page = households.to_check(ctx.env, ctx.actor, postback.whole_number(params.get("p"), digits=4) or 0)
    ctx.answer(views.household_list(ctx.tr, ctx.language, page.total, page.items, page.page, quick=ctx.quick()))
    return "pending_list"


def open_household(ctx: EventContext, params: dict[str, str]) -> str:
    card = households.open_card(ctx.env, ctx.actor, _id(params))
    ctx.answer(views.household_card(
        ctx.tr, ctx.language, card.view, questionnaire(), can_check=card.can_check, can_link=card.can_link,
        has_draft=str(card.view.id) in _state(ctx)["drafts"], quick=ctx.quick(), link_requests=card.link_requests,
        can_end=card.can_end, already_linked=card.already_linked))
    return "household_opened"


def start_check(ctx: EventContext, params: dict[str, str]) -> str:
    household_id = checks.begin(ctx.env, ctx.actor, _id(params))
    state = _state(ctx)
    draft = _draft(state, household_id)
    _keep(ctx, state, household_id, draft)
    return ask_next(ctx, household_id, draft)


def ask_next(ctx: EventContext, household_id: int, draft: Draft, earlier: dict[str, int] | None = None) -> str:
    """Ask the first unanswered question of the household, or show the result; ``earlier``:
    answers just undone, shown with their question again."""
    step = checks.next_step(household_id, draft)
    if step.consent:
        ctx.answer(views.sensitive_question(ctx.tr, household_id))
        return "asked_sensitive_consent"
    if step.question is not None:
        ctx.answer(views.question(ctx.tr, ctx.language, questionnaire(), step.question, household_id, step.number,
                                  step.total, earlier=(earlier or {}).get(step.question.key)))
        return "asked_question"
    assert step.result is not None
    ctx.answer(views.summary(ctx.tr, ctx.language, questionnaire(), step.result, household_id))
    return "showed_summary"


def _begun(ctx: EventContext, params: dict[str, str]) -> tuple[State, int, Draft | None]:
    """The chat's draft for the household the button names, None if there is none here (the
    check was submitted, or never begun in this chat): the use case says which."""
    state, household_id = _state(ctx), _id(params)
    if household_id is None:
        raise Refused("forbidden")
    return state, household_id, _draft(state, household_id) if str(household_id) in state["drafts"] else None


def answer(ctx: EventContext, params: dict[str, str]) -> str:
    state, household_id, draft = _begun(ctx, params)
    try:
        draft = checks.answer(ctx.env, ctx.actor, household_id, draft, params.get("q", ""),
                              postback.whole_number(params.get("v"), digits=2))
    except Refused as refusal:
        if refusal.reason != "bad_answer" or draft is None:
            raise
        ctx.answer(views.tap_a_button(ctx.tr))
        return ask_next(ctx, household_id, draft)
    _keep(ctx, state, household_id, draft)
    return ask_next(ctx, household_id, draft)


def sensitive_consent(ctx: EventContext, params: dict[str, str]) -> str:
    state, household_id, draft = _begun(ctx, params)
    if params.get("v") not in ("yes", "no"):
        raise Refused("forbidden")
    draft = checks.decide_sensitive(ctx.env, ctx.actor, household_id, draft, params["v"] == "yes")
    _keep(ctx, state, household_id, draft)
    return ask_next(ctx, household_id, draft)


def back(ctx: EventContext, params: dict[str, str]) -> str:
    """A mis-tap undone: the previous question again, its old answer dropped and shown."""
    state, household_id, before = _begun(ctx, params)
    draft = checks.back(ctx.env, ctx.actor, household_id, before)
    _keep(ctx, state, household_id, draft)
    dropped = {key: score for key, score in (before.answers if before else {}).items() if key not in draft.answers}
    return ask_next(ctx, household_id, draft, earlier=dropped)


def pause(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(views.paused(ctx.tr, ctx.quick()))
    return "paused"


def redo(ctx: EventContext, params: dict[str, str]) -> str:
    state, household_id, draft = _begun(ctx, params)
    draft = checks.redo(ctx.env, ctx.actor, household_id, draft)
    _keep(ctx, state, household_id, draft)
    return ask_next(ctx, household_id, draft)


def submit(ctx: EventContext, params: dict[str, str]) -> str:
    state, household_id, draft = _begun(ctx, params)
    try:
        submitted = checks.submit(ctx.env, ctx.actor, household_id, draft)
    except Refused as refusal:
        if refusal.reason != "incomplete" or draft is None:
            raise
        return ask_next(ctx, household_id, draft)
    del state["drafts"][str(household_id)]
    state["current"] = None
    ctx.conversation.replace(ASSESS, state)
    ctx.answer(views.submitted(ctx.tr, ctx.quick()))
    ctx.push_all(submitted.tell, lambda tr, language: handovers.awaits_confirmation(
        tr, language, submitted.assessment_id, submitted.address, submitted.village_code, submitted.group))
    return "submitted"


def on_photo(ctx: EventContext, state: State, message_id: str) -> str | None:
    """A photo during a check belongs to the household being checked; None if none is."""
    if state.get("current") is None:
        return None
    count = checks.add_photo(ctx.env, ctx.actor, state["current"], message_id)
    ctx.answer(views.saved_photo(ctx.tr, count))
    return "photo_saved"


def on_location(ctx: EventContext, state: State, latitude: Any, longitude: Any) -> str | None:
    if state.get("current") is None:
        return None
    try:
        checks.set_location(ctx.env, ctx.actor, state["current"], latitude, longitude)
    except Refused as refusal:
        if refusal.reason != "bad_location":
            raise
        ctx.answer(views.tap_a_button(ctx.tr))
        return "bad_location"
    ctx.answer(views.saved_location(ctx.tr))
    return "location_saved"


def on_text(ctx: EventContext, state: State, text: str) -> str | None:
    """Words typed during a check are a field note for the person who confirms it, not lost."""
    household_id = state.get("current")
    if household_id is None or not text.strip() or str(household_id) not in state.get("drafts", {}):
        return None
    if accounts.looks_like_invite(text) or registry.link_code_of(text) is not None:
        return None  # a code typed mid-check is still a code
    draft = checks.add_note(ctx.env, ctx.actor, household_id, _draft(state, household_id), text)
    _keep(ctx, state, household_id, draft)
    ctx.answer(views.note_kept(ctx.tr, len(draft.notes)))
    return ask_next(ctx, household_id, draft)


def repeat_question(ctx: EventContext, state: State) -> str | None:
    """Text or a sticker where a button was expected during a check: say so, ask again."""
    household_id = state.get("current")
    if household_id is None:
        return None
    checks.begin(ctx.env, ctx.actor, household_id)
    ctx.answer(views.tap_a_button(ctx.tr))
    return ask_next(ctx, household_id, _draft(state, household_id))


FLOWS = (
    Flow(ASSESS, text=on_text, photo=on_photo, location=on_location, reprompt=repeat_question, actions={
        "pending": show_pending,
        "hh": open_household,
        "check": start_check,
        "ans": answer,
        "sens": sensitive_consent,
        "back": back,
        "pause": pause,
        "redo": redo,
        "submit": submit,
    }),
)
