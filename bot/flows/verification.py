"""The leader's verification work in chat: households to check, the five-capital
questionnaire (photos and location along the way), the second person's review,
and linking a household's LINE account. Every route re-checks authorization
against the household's real area; postback data only says which record."""
from __future__ import annotations

from typing import Any

from bot.flows.context import EventContext
from casework import authorization, consent, conversations, registry
from casework.models import Account, Assessment, Household, HouseholdLink
from casework.questionnaire import default as questionnaire
from casework.questionnaire import score, valid_answer
from messages import postback
from messages import registry as views

ASSESS = "assess"
RETURN_NOTE = "return_note"


def _id(params: dict[str, str]) -> int | None:
    return postback.whole_number(params.get("id"))


def _household(ctx: EventContext, params: dict[str, str]) -> Household | None:
    household_id = _id(params)
    return ctx.uow.session.get(Household, household_id) if household_id is not None else None


def show_pending(ctx: EventContext, params: dict[str, str]) -> str:
    scopes = ctx.actor.areas("leader", "coordinator")
    if not scopes:
        return ctx.refuse("pending", "no_role")
    page = postback.whole_number(params.get("p"), digits=4) or 0
    total, households = registry.to_check(ctx.uow.session, scopes, offset=page * views.PAGE_SIZE,
                                          limit=views.PAGE_SIZE)
    shown = [registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date())
             for household in households]
    ctx.answer(views.household_list(ctx.tr, ctx.language, total, shown, page, quick=ctx.quick()))
    return "pending_list"


def open_household(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx, params)
    if household is None or not authorization.can_check(ctx.actor, household.village_code):
        return ctx.refuse("open", "scope")
    view = registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date())
    ctx.answer(views.household_card(
        ctx.tr, ctx.language, view, questionnaire(),
        can_check=household.status in ("listed", "pending_check", "returned", "verified"),
        can_link=authorization.can_link(ctx.actor, household.village_code),
        has_draft=str(household.id) in _drafts(ctx), quick=ctx.quick(),
        link_requests=[link.id for link in registry.link_requests(ctx.uow.session, household.id)]
        if authorization.can_link(ctx.actor, household.village_code) else [],
        can_end=authorization.can_handle_tasks(ctx.actor, household.village_code)))
    return "household_opened"


def _state(ctx: EventContext) -> dict[str, Any]:
    """The chat's checks in progress, also while a short flow (a note, a correction) interrupts them."""
    saved = conversations.load(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id) if ctx.chat else None
    while saved is not None and saved[0] != ASSESS:
        previous = saved[1].get("_previous")
        saved = (previous[0], previous[1]) if previous else None
    if saved is None:
        return {"current": None, "drafts": {}}
    return saved[1]


def _drafts(ctx: EventContext) -> dict[str, Any]:
    return _state(ctx)["drafts"]


def _save(ctx: EventContext, state: dict[str, Any]) -> None:
    assert ctx.chat is not None
    conversations.save(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ASSESS, state, ctx.now)


def start_check(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx, params)
    if household is None or not authorization.can_check(ctx.actor, household.village_code):
        return ctx.refuse("check", "scope")
    state = _state(ctx)
    state["current"] = household.id
    state["drafts"].setdefault(str(household.id), {"answers": {}, "sensitive": None})
    _save(ctx, state)
    return ask_next(ctx, state)


def ask_next(ctx: EventContext, state: dict[str, Any]) -> str:
    """Ask the first unanswered question of the current household, or show the result."""
    household_id = state["current"]
    draft = state["drafts"][str(household_id)]
    form = questionnaire()
    if draft["sensitive"] is None and any(q.sensitive for q in form.questions):
        ctx.answer(views.sensitive_question(ctx.tr, household_id))
        return "asked_sensitive_consent"
    remaining = [q for q in _questions(draft) if q.key not in draft["answers"]]
    if remaining:
        item = remaining[0]
        number = len(_questions(draft)) - len(remaining) + 1
        ctx.answer(views.question(ctx.tr, ctx.language, form, item, household_id, number, len(_questions(draft))))
        return "asked_question"
    ctx.answer(views.summary(ctx.tr, ctx.language, form, score(form, draft["answers"], skip=_skipped(draft)),
                             household_id))
    return "showed_summary"


def _questions(draft: dict[str, Any]) -> list[Any]:
    skipped = _skipped(draft)
    return [q for q in questionnaire().questions if q.key not in skipped]


def _skipped(draft: dict[str, Any]) -> set[str]:
    if draft.get("sensitive") is False:
        return {q.key for q in questionnaire().questions if q.sensitive}
    return set()


def _current_draft(ctx: EventContext, params: dict[str, str]) -> tuple[dict[str, Any], Household] | None:
    """The chat's open questionnaire for the household the button names, if still allowed."""
    state = _state(ctx)
    household = _household(ctx, params)
    if household is None or str(household.id) not in state["drafts"]:
        return None
    if not authorization.can_check(ctx.actor, household.village_code):
        return None
    state["current"] = household.id
    return state, household


def answer(ctx: EventContext, params: dict[str, str]) -> str:
    found = _current_draft(ctx, params)
    if found is None:
        return ctx.refuse("answer", "no_draft_or_scope")
    state, household = found
    draft = state["drafts"][str(household.id)]
    item = questionnaire().question(params.get("q", ""))
    value = postback.whole_number(params.get("v"), digits=2)
    if item is None or value is None or not valid_answer(item, value) or item.key in _skipped(draft):
        ctx.answer(views.tap_a_button(ctx.tr))
        return ask_next(ctx, state)
    draft["answers"][item.key] = int(value)
    _save(ctx, state)
    return ask_next(ctx, state)


def sensitive_consent(ctx: EventContext, params: dict[str, str]) -> str:
    found = _current_draft(ctx, params)
    if found is None or params.get("v") not in ("yes", "no"):
        return ctx.refuse("sensitive", "no_draft_or_scope")
    state, household = found
    draft = state["drafts"][str(household.id)]
    draft["sensitive"] = params["v"] == "yes"
    consent.record(ctx.uow.session, scope="sensitive", decision="accepted" if draft["sensitive"] else "declined",
                   channel="on_site", now=ctx.now, household_id=household.id, recorded_by=ctx.actor.account_id)
    _save(ctx, state)
    return ask_next(ctx, state)


def pause(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(views.paused(ctx.tr, ctx.quick()))
    return "paused"


def redo(ctx: EventContext, params: dict[str, str]) -> str:
    found = _current_draft(ctx, params)
    if found is None:
        return ctx.refuse("redo", "no_draft_or_scope")
    state, household = found
    state["drafts"][str(household.id)] = {"answers": {}, "sensitive": state["drafts"][str(household.id)]["sensitive"]}
    _save(ctx, state)
    return ask_next(ctx, state)


def submit(ctx: EventContext, params: dict[str, str]) -> str:
    found = _current_draft(ctx, params)
    if found is None or ctx.actor.account_id is None:
        return ctx.refuse("submit", "no_draft_or_scope")
    state, household = found
    draft = state["drafts"][str(household.id)]
    if any(q.key not in draft["answers"] for q in _questions(draft)):
        return ask_next(ctx, state)
    try:
        registry.submit_assessment(ctx.uow.session, ctx.uow.sealer, household=household, answers=draft["answers"],
                                   questionnaire=questionnaire(), assessor_id=ctx.actor.account_id, now=ctx.now,
                                   skip=_skipped(draft))
    except registry.RegistryError:
        return ctx.refuse("submit", "status")
    del state["drafts"][str(household.id)]
    state["current"] = None
    _save(ctx, state)
    ctx.answer(views.submitted(ctx.tr, ctx.quick()))
    return "submitted"


def show_review(ctx: EventContext, params: dict[str, str]) -> str:
    scopes = ctx.actor.areas("leader", "coordinator")
    if not scopes or ctx.actor.account_id is None:
        return ctx.refuse("review", "no_role")
    total, rows = registry.to_review(ctx.uow.session, scopes, ctx.actor.account_id, limit=views.PAGE_SIZE)
    items = [(registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date()), assessment.id,
              assessment.scores, assessment.mean_score or 0.0, assessment.poverty_group or 0)
             for household, assessment in rows]
    ctx.answer(views.review_list(ctx.tr, ctx.language, questionnaire(), total, items, quick=ctx.quick()))
    return "review_list"


def _assessment(ctx: EventContext, params: dict[str, str]) -> tuple[Assessment, Household] | None:
    assessment_id = _id(params)
    assessment = ctx.uow.session.get(Assessment, assessment_id) if assessment_id is not None else None
    if assessment is None:
        return None
    household = ctx.uow.session.get(Household, assessment.household_id)
    if household is None or ctx.actor.account_id is None:
        return None
    if not authorization.can_review(ctx.actor, household.village_code, assessment.assessed_by):
        return None
    return assessment, household


def confirm(ctx: EventContext, params: dict[str, str]) -> str:
    found = _assessment(ctx, params)
    if found is None:
        return ctx.refuse("confirm", "scope_or_own")
    assessment, household = found
    try:
        registry.review(ctx.uow.session, ctx.uow.sealer, assessment=assessment, household=household, confirm=True,
                        reviewer_id=ctx.actor.account_id or 0, now=ctx.now)
    except registry.RegistryError:
        return ctx.refuse("confirm", "status")
    ctx.answer(views.reviewed(ctx.tr, True, ctx.quick()))
    return "confirmed"


def ask_return(ctx: EventContext, params: dict[str, str]) -> str:
    found = _assessment(ctx, params)
    if found is None or ctx.chat is None:
        return ctx.refuse("return", "scope_or_own")
    conversations.interrupt(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, RETURN_NOTE,
                            {"assessment": found[0].id}, ctx.now)
    ctx.answer(views.ask_return_note(ctx.tr))
    return "asked_return_note"


def return_with_note(ctx: EventContext, state: dict[str, Any], note: str) -> str:
    """The reviewer's note arrived as text: return the household and tell the assessor."""
    assert ctx.chat is not None
    found = _assessment(ctx, {"id": str(state["assessment"])})
    conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)
    if found is None:
        return ctx.refuse("return", "scope_or_own")
    assessment, household = found
    note = note.strip()[:500]
    try:
        registry.review(ctx.uow.session, ctx.uow.sealer, assessment=assessment, household=household, confirm=False,
                        reviewer_id=ctx.actor.account_id or 0, now=ctx.now, note=note)
    except registry.RegistryError:
        return ctx.refuse("return", "status")
    ctx.answer(views.reviewed(ctx.tr, False, ctx.quick()))
    _tell_assessor(ctx, assessment, household, note)
    return "returned"


def _tell_assessor(ctx: EventContext, assessment: Assessment, household: Household, note: str) -> None:
    assessor = ctx.uow.session.get(Account, assessment.assessed_by)
    if assessor is None:
        return
    address = registry.address_text(ctx.uow.sealer.open_json(household.address))
    ctx.push(assessor.line_user_id, lambda tr: views.returned_to_assessor(tr, address, note))


def offer_link(ctx: EventContext, params: dict[str, str]) -> str:
    household = _household(ctx, params)
    if household is None or not authorization.can_link(ctx.actor, household.village_code) \
            or ctx.actor.account_id is None:
        return ctx.refuse("link", "scope")
    code = registry.create_link_code(ctx.uow.session, ctx.uow.sealer, household, ctx.actor.account_id, ctx.now)
    ctx.answer(views.link_code(ctx.tr, code, int(registry.LINK_CODE_TTL.total_seconds() // 60), ctx.quick()))
    return "link_code_shown"


def approve_link(ctx: EventContext, params: dict[str, str]) -> str:
    """A leader who met the household approves the link its LINE asked for."""
    link_id = _id(params)
    link = ctx.uow.session.get(HouseholdLink, link_id) if link_id is not None else None
    household = ctx.uow.session.get(Household, link.household_id) if link is not None else None
    if link is None or household is None or ctx.actor.account_id is None \
            or not authorization.can_link(ctx.actor, household.village_code):
        return ctx.refuse("approve_link", "scope")
    try:
        registry.approve_link(ctx.uow.session, ctx.uow.sealer, link, ctx.actor.account_id, ctx.now)
    except registry.RegistryError:
        return ctx.refuse("approve_link", "status")
    member = ctx.uow.session.get(Account, link.account_id) if link.account_id else None
    address = registry.address_text(ctx.uow.sealer.open_json(household.address))
    if member is not None:
        ctx.push(member.line_user_id, lambda tr: views.linked(tr, address, []))
    ctx.answer(views.link_approved(ctx.tr, ctx.quick()))
    return "link_approved"


def on_photo(ctx: EventContext, message_id: str) -> str | None:
    """A photo during a check belongs to the household being checked; None if no check is open."""
    household = _open_household(ctx)
    if household is None or ctx.actor.account_id is None:
        return None
    registry.add_photo(ctx.uow.session, ctx.uow.sealer, household, message_id, ctx.actor.account_id, ctx.now)
    count = registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date()).photos
    ctx.answer(views.saved_photo(ctx.tr, count))
    return "photo_saved"


def on_location(ctx: EventContext, latitude: Any, longitude: Any) -> str | None:
    household = _open_household(ctx)
    if household is None or ctx.actor.account_id is None:
        return None
    try:
        registry.set_location(ctx.uow.session, ctx.uow.sealer, household, float(latitude), float(longitude),
                              ctx.actor.account_id, ctx.now)
    except (TypeError, ValueError):
        ctx.answer(views.tap_a_button(ctx.tr))
        return "bad_location"
    ctx.answer(views.saved_location(ctx.tr))
    return "location_saved"


def _open_household(ctx: EventContext) -> Household | None:
    state = _state(ctx)
    if state.get("current") is None:
        return None
    household = ctx.uow.session.get(Household, state["current"])
    if household is None or not authorization.can_check(ctx.actor, household.village_code):
        return None
    return household


def in_check(ctx: EventContext) -> bool:
    return _open_household(ctx) is not None


def repeat_question(ctx: EventContext) -> str:
    """Text or a sticker where a button was expected: say so, ask again."""
    ctx.answer(views.tap_a_button(ctx.tr))
    return ask_next(ctx, _state(ctx))


ROUTES = {
    "pending": show_pending,
    "hh": open_household,
    "check": start_check,
    "ans": answer,
    "sens": sensitive_consent,
    "pause": pause,
    "redo": redo,
    "submit": submit,
    "review": show_review,
    "confirm": confirm,
    "return": ask_return,
    "link": offer_link,
    "approve": approve_link,
}
