""""My rights" in chat. A linked household gets its answers from its record; anyone else
answers a few questions by buttons (or types a number) and gets answers that keep
nothing personal: the answers live sealed in the conversation until the last question,
and the decisions are stored without chat, account, household or person.

What a step offers this person is decided in ``casework.rights_questions``; judging and
keeping the answers in ``casework.usecases.rights``. This module turns steps into
buttons and answers into messages.
"""
from __future__ import annotations

from typing import Any

from bot.flows.base import Flow, State
from bot.flows.context import EventContext
from casework import rights_questions
from casework.entitlements.evaluate import Answer
from casework.errors import Refused
from casework.rights_questions import Step, text_in
from casework.thai_input import InputError, parse_amount
from casework.usecases import rights
from messages import rights as views
from messages import rights_questions as questions_views

FLOW = "rights"


def show(ctx: EventContext, params: dict[str, str]) -> str:
    """The "My rights" button: a linked household's record (while its agreement to the
    privacy notice stands), else the first question, which keeps nothing with a name."""
    if ctx.chat is None:
        return "no_chat"
    try:
        return _household(ctx)
    except Refused as refusal:
        if refusal.reason not in ("not_linked", "needs_consent"):
            raise
    state = {"step": rights_questions.default().steps[0].key, "answers": {}}
    ctx.conversation.interrupt(FLOW, state)
    return _ask(ctx, state, "rights_started")


def _household(ctx: EventContext) -> str:
    found = rights.of_household(ctx.env, ctx.actor)
    items = [views.Item(shown.answer, None if shown.member is None else shown.member or "-")
             for shown in found.answers]
    ctx.answer(views.rights(ctx.tr, ctx.language, items, found.on, quick=ctx.quick(), linked=True))
    return "rights_household"


# The questions ---------------------------------------------------------------------------

def _answers(state: State) -> dict[str, Any]:
    return state.get("answers", {})


def _choices(ctx: EventContext, step: Step, state: State) -> list[tuple[str, Any]]:
    return rights_questions.choices(step, _answers(state), ctx.env.rules, ctx.env.today, ctx.language)


def _buttons(ctx: EventContext, step: Step, state: State) -> list[tuple[str, str]]:
    """The quick replies of a step for this person: (label, postback value); a choice's
    value is its index among the step's choices."""
    if step.multiple:
        chosen = state.get("receives", [])
        buttons = [((questions_views.TICK if choice.value in chosen else "") + text_in(choice.label, ctx.language),
                    choice.value) for choice in step.choices]
        return [*buttons, (text_in(step.none or {}, ctx.language), "none"),
                (text_in(step.done or {}, ctx.language), "done")]
    return [(label, str(index)) for index, (label, value) in enumerate(_choices(ctx, step, state))
            if rights_questions.sensible(step, _answers(state), value)]


def _ask(ctx: EventContext, state: State, outcome: str) -> str:
    questions = rights_questions.default()
    step = questions.step(state["step"])
    assert step is not None
    names = [text_in(choice.label, ctx.language) for choice in step.choices
             if choice.value in state.get("receives", [])] if step.multiple else None
    ctx.answer(questions_views.ask(ctx.tr, ctx.language, step, questions.number(step.key), len(questions.steps),
                                   _buttons(ctx, step, state), chosen=names))
    return outcome


def on_postback(ctx: EventContext, params: dict[str, str]) -> str:
    """A tapped answer (``rq``): checked against the question being asked, never trusted."""
    state = ctx.conversation.on_top(FLOW)
    if state is None:
        ctx.answer(questions_views.ended(ctx.tr, ctx.quick()))
        return "rights_ended"
    if "cancel" in params:
        ctx.conversation.resume()
        ctx.answer(questions_views.cancelled(ctx.tr, ctx.quick()))
        return "rights_cancelled"
    step = rights_questions.default().step(state.get("step"))
    if step is None or params.get("s") != step.key:
        return _again(ctx, state, "tap")
    value = params.get("v", "")
    if step.multiple:
        return _toggled(ctx, state, step, value)
    choices = _choices(ctx, step, state)
    if not (value.isascii() and value.isdigit()) or int(value) >= len(choices):
        return _again(ctx, state, "tap")
    chosen = choices[int(value)][1]
    if not rights_questions.sensible(step, _answers(state), chosen):
        return _again(ctx, state, "tap")
    return _answered(ctx, state, step, chosen)


def _toggled(ctx: EventContext, state: State, step: Step, value: str) -> str:
    """A tap on a step of several answers: a choice on or off, "none", or "done"."""
    codes = {choice.value for choice in step.choices}
    chosen = [code for code in state.get("receives", []) if code in codes]
    if value == "done":
        return _answered(ctx, state, step, chosen)
    if value == "none":
        return _answered(ctx, state, step, [])
    if value not in codes:
        return _again(ctx, state, "tap")
    state["receives"] = [code for code in chosen if code != value] if value in chosen else [*chosen, value]
    ctx.conversation.interrupt(FLOW, state)
    return _ask(ctx, state, "rights_toggled")


def on_text(ctx: EventContext, state: State, text: str) -> str:
    """A typed answer: a number where one makes sense (Thai digits and separators too)."""
    step = rights_questions.default().step(state.get("step"))
    if step is None:
        return _again(ctx, state, "tap")
    typed = " ".join(text.split()).casefold()
    for label, value in _buttons(ctx, step, state):  # people type a button's label too
        if typed and typed == label.removeprefix(questions_views.TICK).casefold():
            return on_postback(ctx, {"s": step.key, "v": value})
    if step.typed is None:
        return _again(ctx, state, "tap")
    try:
        value = parse_amount(text, maximum=step.typed[1])
    except InputError as error:
        return _again(ctx, state, error.reason)
    smallest = rights_questions.smallest(step, _answers(state))
    if smallest is not None and value < smallest:
        return _again(ctx, state, "too_small", count=smallest)
    return _answered(ctx, state, step, value)


def reprompt(ctx: EventContext, state: State) -> str:
    """A sticker, photo or location where an answer was asked for: say so, ask again."""
    step = rights_questions.default().step(state.get("step"))
    return _again(ctx, state, "typed" if step is not None and step.typed else "tap")


def _again(ctx: EventContext, state: State, reason: str, **values: Any) -> str:
    step_key = str(state.get("step"))
    if rights_questions.default().step(step_key) is None:  # a state from an older questionnaire
        state = {"step": rights_questions.default().steps[0].key, "answers": {}}
        ctx.conversation.interrupt(FLOW, state)
        step_key = state["step"]
    ctx.answer(questions_views.problem(ctx.tr, step_key, reason, **values))
    return _ask(ctx, state, f"rights_invalid_{reason}")


def _answered(ctx: EventContext, state: State, step: Step, value: Any) -> str:
    state.setdefault("answers", {})[step.key] = value
    following = rights_questions.default().after(step.key)
    if following is None:
        return _finish(ctx, state["answers"])
    state["step"] = following.key
    ctx.conversation.interrupt(FLOW, state)
    return _ask(ctx, state, "rights_answered")


def _finish(ctx: EventContext, answers: dict[str, Any]) -> str:
    """Judge, show, and keep the decisions without anyone's name; the answers are dropped."""
    found = rights.answer_questions(ctx.env, ctx.actor, answers)
    items = [views.Item(shown.answer, _whose(ctx, shown.answer)) for shown in found.shown]
    ctx.conversation.resume()
    ctx.answer(views.rights(ctx.tr, ctx.language, items, found.on, quick=ctx.quick(), linked=False))
    return "rights_answered_anonymously"


def _whose(ctx: EventContext, answer: Answer) -> str | None:
    """The respondent is the first row, each child under 6 a row after."""
    if answer.programme.entity == "household":
        return None
    return questions_views.you(ctx.tr) if answer.row == 0 else questions_views.child(ctx.tr, answer.row)


FLOWS = (
    Flow(FLOW, actions={"rights": show, "rq": on_postback}, short=True, text=on_text, reprompt=reprompt),
)
