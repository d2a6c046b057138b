"""What a household sees of itself: the record Kaejon keeps about it, a request to
correct it (what is wrong asked step by step: whose, which field, the right value, a
photo of a document if it has one, then a summary to send) or to erase it, sent to the
coordinator of its area, and withdrawing its consent.

The request to correct being written waits in the chat's (sealed) conversation
(``fixreq``); every step goes through ``casework.usecases.privacy``, which checks it
against the household this LINE is linked to.
"""
from __future__ import annotations

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework.errors import Refused
from casework.usecases import privacy
from casework.usecases.privacy import Correcting, CorrectionDraft
from messages import consent as consent_views
from messages import corrections as correction_views
from messages import greetings
from messages import postback
from messages import handovers
from messages import registry as views

FIX_REQUEST = "fixreq"


def show_my_data(ctx: EventContext, params: dict[str, str]) -> str:
    try:
        mine = privacy.my_data(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "my_data_not_linked"
    ctx.answer(views.my_data(ctx.tr, ctx.language, mine.view, mine.consents))
    return "my_data"


def withdraw_consent(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=cwithdraw`` asks once; ``&ok=1`` withdraws the agreement to the privacy notice."""
    done = privacy.withdraw_consent(ctx.env, ctx.actor, params.get("ok") == "1")
    if done == privacy.ASKED:
        ctx.answer(consent_views.confirm_withdraw(ctx.tr))
    elif done == privacy.WITHDRAWN:
        ctx.answer(consent_views.withdrawn(ctx.tr, ctx.quick()))
    else:
        ctx.answer(consent_views.not_given(ctx.tr, ctx.quick()))
    return f"consent_{done}"


def request_change(ctx: EventContext, params: dict[str, str]) -> str:
    kind = params.get("k", "")
    if kind == "correct":
        return start_correction(ctx)
    try:
        requested = privacy.request_change(ctx.env, ctx.actor, kind)
    except Refused as refusal:
        if refusal.reason not in ("not_linked", "bad_request"):
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "request_refused"
    ctx.answer(views.request_received(ctx.tr, ctx.language, requested.due_at, ctx.quick()))
    ctx.push_all(requested.tell, lambda tr, language: handovers.change_requested(
        tr, language, requested.kind, requested.village_code, requested.due_at))
    return f"request_{kind}"


def start_correction(ctx: EventContext) -> str:
    try:
        correcting = privacy.begin_correction(ctx.env, ctx.actor)
    except Refused as refusal:
        if refusal.reason != "not_linked":
            raise
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "request_refused"
    return _ask(ctx, correcting, "correction_started")


def _ask(ctx: EventContext, correcting: Correcting, outcome: str) -> str:
    """Keep the draft and ask its next question."""
    draft = correcting.draft
    ctx.conversation.interrupt(FIX_REQUEST, {"hh": correcting.household_id, **draft.to_state()})
    step = draft.step
    if step == "whose":
        ctx.answer(correction_views.ask_whose(ctx.tr, list(correcting.members)))
    elif step == "field":
        fields = privacy.HOUSEHOLD_CORRECTIONS if draft.whose == privacy.HOUSEHOLD else privacy.PERSON_CORRECTIONS
        ctx.answer(correction_views.ask_which(ctx.tr, fields, correcting.whose_name))
    elif step == "value":
        ctx.answer(correction_views.ask_right_value(ctx.tr, draft.field or "other"))
    elif step == "photo":
        ctx.answer(correction_views.ask_document(ctx.tr))
    else:
        ctx.answer(correction_views.correction_summary(ctx.tr, correcting.whose_name, draft.field or "other",
                                                       draft.value or "", draft.photo is not None))
    return outcome


def _step(ctx: EventContext, state: State, draft: CorrectionDraft, outcome: str) -> str:
    """One step through its use case; what cannot be kept is said plainly and asked again."""
    try:
        correcting = privacy.draft_correction(ctx.env, ctx.actor, state.get("hh"), draft)
    except Refused as refusal:
        if refusal.reason not in ("bad_choice", "bad_value"):
            ctx.conversation.resume()
            raise
        ctx.answer(correction_views.ask_problem(ctx.tr, refusal.reason))
        return _ask(ctx, privacy.draft_correction(ctx.env, ctx.actor, state.get("hh"),
                                                  CorrectionDraft.from_state(state)), f"correction_{refusal.reason}")
    return _ask(ctx, correcting, outcome)


def on_correction(ctx: EventContext, params: dict[str, str]) -> str:
    """``a=fixr``: whose (``w=``), which field (``f=``), ``skip=1`` (no photo), ``send=1``, ``cancel=1``."""
    state = ctx.conversation.on_top(FIX_REQUEST)
    sent = privacy.last_correction(ctx.env, ctx.actor) if state is None and "send" in params else None
    if sent is not None:  # a second tap on "Send": it went the first time
        ctx.answer(correction_views.already_sent(ctx.tr, ctx.language, sent.sent_at, sent.due_at, sent.handled_at,
                                                 ctx.quick()))
        return "correction_already_sent"
    if state is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "correction_stale"
    if "cancel" in params:
        ctx.conversation.resume()
        ctx.answer(correction_views.ask_cancelled(ctx.tr, ctx.quick()))
        return "correction_cancelled"
    draft = CorrectionDraft.from_state(state)
    if "w" in params:
        whose = postback.whole_number(params["w"])
        return _step(ctx, state, CorrectionDraft(whose=-1 if whose is None else whose), "correction_whose")
    if "f" in params and draft.whose is not None:
        return _step(ctx, state, CorrectionDraft(whose=draft.whose, field=params["f"]), "correction_field")
    if "skip" in params and draft.step == "photo":
        return _step(ctx, state, CorrectionDraft(**{**draft.to_state(), "photo_asked": True}), "correction_no_photo")
    if "send" in params and draft.step == "summary":
        requested = privacy.send_correction(ctx.env, ctx.actor, state.get("hh"), draft)
        ctx.conversation.resume()
        ctx.answer(views.request_received(ctx.tr, ctx.language, requested.due_at, ctx.quick()))
        ctx.push_all(requested.tell, lambda tr, language: handovers.change_requested(
            tr, language, requested.kind, requested.village_code, requested.due_at))
        return "request_correct"
    return reprompt_correction(ctx, state)


def on_correction_text(ctx: EventContext, state: State, text: str) -> str | None:
    """The right value, typed when it is asked for; anything else typed asks the step again."""
    draft = CorrectionDraft.from_state(state)
    if draft.step != "value":
        return reprompt_correction(ctx, state)
    return _step(ctx, state, CorrectionDraft(**{**draft.to_state(), "value": text}), "correction_value")


def on_correction_photo(ctx: EventContext, state: State, message_id: str) -> str | None:
    """A photo of a document, when one is asked for (it replaces one sent before)."""
    if ctx.conversation.on_top(FIX_REQUEST) is None:
        return None
    draft = CorrectionDraft.from_state(state)
    if draft.step not in ("photo", "summary"):
        return reprompt_correction(ctx, state)
    return _step(ctx, state, CorrectionDraft(**{**draft.to_state(), "photo": message_id, "photo_asked": True}),
                 "correction_photo")


def reprompt_correction(ctx: EventContext, state: State) -> str:
    """Something the step cannot use (a sticker, a photo where a value is asked): say so, ask again."""
    step = CorrectionDraft.from_state(state).step
    ctx.answer(correction_views.ask_problem(ctx.tr, "bad_value" if step == "value" else "bad_choice"))
    return _ask(ctx, privacy.draft_correction(ctx.env, ctx.actor, state.get("hh"), CorrectionDraft.from_state(state)),
                "correction_reprompted")


FLOWS = (
    Flow("my_data", actions={"my_data": show_my_data, "req": request_change, "cwithdraw": withdraw_consent}),
    Flow(FIX_REQUEST, short=True, text=on_correction_text, photo=on_correction_photo, reprompt=reprompt_correction,
         actions={"fixr": on_correction}),
)
