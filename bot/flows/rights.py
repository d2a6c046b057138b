""""My rights" in chat. A linked household gets its answers from its record; anyone else
answers a few questions by buttons (or types a number) and gets answers that keep
nothing personal: the answers live sealed in the conversation until the last question,
and the decisions are stored without chat, account, household or person."""
from __future__ import annotations

from datetime import date
from typing import Any

from bot.config import rules_directory
from bot.flows.context import EventContext
from casework import conversations, registry, rights_questions
from casework.entitlements import decisions, evaluate, registry_columns, rules
from casework.entitlements.decisions import Subject
from casework.entitlements.facts import columns_from
from casework.models import Household
from casework.rights_questions import Step, text_in
from casework.thai_input import InputError, parse_amount
from casework.thai_time import thai_today
from messages import greetings
from messages import rights as views

FLOW = "rights"


def current_rules() -> rules.Rules:
    """The rules in force for this process, loaded once (``KAEJON_RULES`` may point elsewhere)."""
    return rules.default(rules_directory())


def today(ctx: EventContext) -> date:
    """The date in Thailand, where a programme's "from" date is meant."""
    return thai_today(ctx.now)


def show(ctx: EventContext, params: dict[str, str]) -> str:
    """The "My rights" button."""
    if ctx.chat is None:
        return "no_chat"
    if ctx.actor.households:
        return _household(ctx, ctx.actor.households[0])
    questions = rights_questions.default()
    state = {"step": questions.steps[0].key, "answers": {}}
    _save(ctx, state)
    return _ask(ctx, state, "rights_started")


def _household(ctx: EventContext, household_id: int) -> str:
    session, sealer = ctx.uow.session, ctx.uow.sealer
    household = session.get(Household, household_id)
    if household is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "rights_no_household"
    on = today(ctx)
    frame = registry_columns.for_household(session, household_id)
    names = {member.person_id: member.name for member in registry.view(session, sealer, household, on).members}
    items, shown = [], []
    for answer in evaluate.answers(current_rules(), frame.columns, on):
        if answer.programme.entity == "person":
            person_id = int(frame.person_ids[answer.row])
            items.append(views.Item(answer, names.get(person_id) or "-"))
            shown.append((answer, Subject(household_id, person_id)))
        else:
            items.append(views.Item(answer, None))
            shown.append((answer, Subject(household_id)))
    decisions.record(session, sealer, shown, on=on, channel="chat", shown_to=ctx.actor.account_id, now=ctx.now)
    ctx.answer(views.rights(ctx.tr, ctx.language, items, on, quick=ctx.quick(), linked=True))
    return "rights_household"


# The questionnaire -----------------------------------------------------------------------

def _save(ctx: EventContext, state: dict[str, Any]) -> None:
    assert ctx.chat is not None
    conversations.interrupt(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, FLOW, state, ctx.now)


def _state(ctx: EventContext) -> dict[str, Any] | None:
    saved = conversations.load(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id) if ctx.chat else None
    return saved[1] if saved is not None and saved[0] == FLOW else None


def _choices(ctx: EventContext, step: Step, state: dict[str, Any]) -> list[tuple[dict[str, str] | str, Any]]:
    """The step's choices for this person, as (label, value); a choice's index is its button."""
    answers = state.get("answers", {})
    if step.bands:
        size = max(int(answers.get("household_size") or 1), 1)
        bands = rights_questions.income_bands(current_rules(), today(ctx), size)
        return [*((band.label(step, ctx.language), band.value) for band in bands),
                *((choice.label, choice.value) for choice in step.choices)]
    return [(choice.label, choice.value) for choice in step.choices]


def _smallest(step: Step, state: dict[str, Any]) -> int | None:
    """The least answer that makes sense: a household holds the respondent and the children."""
    if step.key == "household_size":
        return 1 + int(state.get("answers", {}).get("children") or 0)
    return step.typed[0] if step.typed else None


def _label(ctx: EventContext, label: dict[str, str] | str) -> str:
    return label if isinstance(label, str) else text_in(label, ctx.language)


def _buttons(ctx: EventContext, step: Step, state: dict[str, Any]) -> list[tuple[str, str]]:
    """The quick replies of a step for this person: (label, postback value)."""
    if step.multiple:
        chosen = state.get("receives", [])
        buttons = [(("\u2713 " if choice.value in chosen else "") + text_in(choice.label, ctx.language), choice.value)
                   for choice in step.choices]
        return [*buttons, (text_in(step.none or {}, ctx.language), "none"),
                (text_in(step.done or {}, ctx.language), "done")]
    smallest = _smallest(step, state)
    return [(_label(ctx, label), str(index)) for index, (label, value) in enumerate(_choices(ctx, step, state))
            if value is None or smallest is None or step.bands or value >= smallest]


def _ask(ctx: EventContext, state: dict[str, Any], outcome: str) -> str:
    questions = rights_questions.default()
    step = questions.step(state["step"])
    assert step is not None
    names = [text_in(choice.label, ctx.language) for choice in step.choices
             if choice.value in state.get("receives", [])] if step.multiple else None
    ctx.answer(views.ask(ctx.tr, ctx.language, step, questions.number(step.key), len(questions.steps),
                         _buttons(ctx, step, state), chosen=names))
    return outcome


def on_postback(ctx: EventContext, params: dict[str, str]) -> str:
    """A tapped answer (``rq``): checked against the question being asked, never trusted."""
    state = _state(ctx)
    if state is None:
        ctx.answer(views.ended(ctx.tr, ctx.quick()))
        return "rights_ended"
    if "cancel" in params:
        assert ctx.chat is not None
        conversations.resume(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, ctx.now)
        ctx.answer(views.cancelled(ctx.tr, ctx.quick()))
        return "rights_cancelled"
    step = rights_questions.default().step(state.get("step"))
    if step is None or params.get("s") != step.key:
        return _again(ctx, state, "tap")
    value = params.get("v", "")
    if step.multiple:
        chosen = [code for code in state.get("receives", []) if code in {c.value for c in step.choices}]
        if value == "done":
            return _answered(ctx, state, step, chosen)
        if value == "none":
            return _answered(ctx, state, step, [])
        if value not in {choice.value for choice in step.choices}:
            return _again(ctx, state, "tap")
        state["receives"] = [code for code in chosen if code != value] if value in chosen else [*chosen, value]
        _save(ctx, state)
        return _ask(ctx, state, "rights_toggled")
    choices = _choices(ctx, step, state)
    if not (value.isascii() and value.isdigit()) or int(value) >= len(choices):
        return _again(ctx, state, "tap")
    chosen_value = choices[int(value)][1]
    smallest = _smallest(step, state)
    if chosen_value is not None and smallest is not None and not step.bands and chosen_value < smallest:
        return _again(ctx, state, "tap")
    return _answered(ctx, state, step, chosen_value)


def on_text(ctx: EventContext, state: dict[str, Any], text: str) -> str:
    """A typed answer: a number where one makes sense (Thai digits and separators too)."""
    step = rights_questions.default().step(state.get("step"))
    if step is None:
        return _again(ctx, state, "tap")
    typed = " ".join(text.split()).casefold()
    for label, value in _buttons(ctx, step, state):  # people type a button's label too
        if typed and typed == label.removeprefix("\u2713 ").casefold():
            return on_postback(ctx, {"s": step.key, "v": value})
    if step.typed is None:
        return _again(ctx, state, "tap")
    try:
        value = parse_amount(text, maximum=step.typed[1])
    except InputError as error:
        return _again(ctx, state, error.reason)
    smallest = _smallest(step, state)
    if smallest is not None and value < smallest:
        return _again(ctx, state, "too_small", count=smallest)
    return _answered(ctx, state, step, value)


def reprompt(ctx: EventContext, state: dict[str, Any]) -> str:
    """A sticker, photo or location where an answer was asked for: say so, ask again."""
    step = rights_questions.default().step(state.get("step"))
    return _again(ctx, state, "typed" if step is not None and step.typed else "tap")


def _again(ctx: EventContext, state: dict[str, Any], reason: str, **values: Any) -> str:
    step_key = str(state.get("step"))
    if rights_questions.default().step(step_key) is None:  # a state from an older questionnaire
        state = {"step": rights_questions.default().steps[0].key, "answers": {}}
        _save(ctx, state)
        step_key = state["step"]
    ctx.answer(views.problem(ctx.tr, step_key, reason, **values))
    return _ask(ctx, state, f"rights_invalid_{reason}")


def _answered(ctx: EventContext, state: dict[str, Any], step: Step, value: Any) -> str:
    state.setdefault("answers", {})[step.key] = value
    following = rights_questions.default().after(step.key)
    if following is None:
        return _finish(ctx, state["answers"])
    state["step"] = following.key
    _save(ctx, state)
    return _ask(ctx, state, "rights_answered")


def _finish(ctx: EventContext, answers: dict[str, Any]) -> str:
    """Judge, show, and keep the decisions without anyone's name; the answers are dropped."""
    assert ctx.chat is not None
    session, sealer = ctx.uow.session, ctx.uow.sealer
    on = today(ctx)
    facts = rights_questions.records(answers)
    who = [views.you(ctx.tr), *(views.child(ctx.tr, index) for index in range(1, facts.children + 1))]
    items = []
    for answer in evaluate.answers(current_rules(), columns_from(facts.persons, [facts.household]), on):
        if answer.programme.entity == "household":
            items.append(views.Item(answer, None))
        elif answer.row == 0 or answer.receiving or answer.status == "eligible":
            # Children are rows only so that what they can get is counted; their other
            # facts were never asked, so "can't tell" about them would only be noise.
            items.append(views.Item(answer, who[answer.row]))
    decisions.record(session, sealer, [(item.answer, Subject()) for item in items], on=on, channel="anonymous",
                     shown_to=None, now=ctx.now)
    conversations.resume(session, sealer, ctx.chat.line_id, ctx.now)
    ctx.answer(views.rights(ctx.tr, ctx.language, items, on, quick=ctx.quick(), linked=False))
    return "rights_answered_anonymously"


ROUTES = {
    "rights": show,
    "rq": on_postback,
}
