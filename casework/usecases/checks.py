"""A leader's on-site check of a household: the five-capital questionnaire answered
step by step (the draft lives in the leader's chat until submitted), the household's
consent to sensitive questions, photos and the location on the way, then submitting.

Every step asks again whether this person may check this household: a draft
started in scope stays usable only while it still is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casework import audit, authorization, consent, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.locations import point
from casework.models import Household
from casework.questionnaire import Draft, Question, Result, default as questionnaire, score
from casework.usecases.base import Env, allow, get, use_case


@dataclass(frozen=True)
class Step:
    """What to ask next: the sensitive-data consent, a question (with its number), or,
    when ``question`` and ``consent`` are both unset, the result to submit."""

    household_id: int
    consent: bool = False
    question: Question | None = None
    number: int = 0
    total: int = 0
    result: Result | None = None


def next_step(household_id: int, draft: Draft) -> Step:
    """Plain: no record is read, so the chat can ask again without a query."""
    form = questionnaire()
    if draft.needs_consent(form):
        return Step(household_id, consent=True)
    asked, remaining = draft.questions(form), draft.remaining(form)
    if remaining:
        return Step(household_id, question=remaining[0], number=len(asked) - len(remaining) + 1, total=len(asked))
    return Step(household_id, result=score(form, draft.answers, skip=draft.skipped(form)))


def _household(env: Env, actor: Actor, household_id: int | None) -> Household:
    household = get(env, Household, household_id)
    allow(authorization.can_check(actor, household.village_code))
    return household


@use_case
def begin(env: Env, actor: Actor, household_id: int | None) -> int:
    """Start (or go back to) checking a household; its id, once allowed."""
    return _household(env, actor, household_id).id


@use_case
def answer(env: Env, actor: Actor, household_id: int | None, draft: Draft, key: str, value: int | None) -> Draft:
    """One answer, checked against the question: ``Refused("bad_answer")`` for a forged one."""
    _household(env, actor, household_id)
    answered = draft.answered(questionnaire(), key, value)
    if answered is None:
        raise Refused("bad_answer")
    return answered


@use_case
def decide_sensitive(env: Env, actor: Actor, household_id: int | None, draft: Draft, accepted: bool) -> Draft:
    """The household's explicit consent (or not) to record health and disability, given on site."""
    household = _household(env, actor, household_id)
    decision = consent.ACCEPTED if accepted else consent.DECLINED
    consent.record(env.session, scope="sensitive", decision=decision, channel="on_site", now=env.now,
                   household_id=household.id, recorded_by=actor.account_id)
    audit.record(env.session, env.sealer, actor=actor.label, action="consent.sensitive", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=env.now,
                 changes={"decision": [None, decision]})
    return Draft(answers=draft.answers, sensitive=accepted, notes=draft.notes)


@use_case
def redo(env: Env, actor: Actor, household_id: int | None, draft: Draft) -> Draft:
    """Start the answers again; the consent already given stays."""
    _household(env, actor, household_id)
    return Draft(sensitive=draft.sensitive, notes=draft.notes)


@use_case
def back(env: Env, actor: Actor, household_id: int | None, draft: Draft) -> Draft:
    """A mis-tap undone: the last answer is dropped and its question asked again."""
    _household(env, actor, household_id)
    return draft.back(questionnaire())


@use_case
def add_note(env: Env, actor: Actor, household_id: int | None, draft: Draft, note: str) -> Draft:
    """A field note typed during the check; kept with the draft (the chat's state is sealed)
    and, once submitted, sealed with the check for the person who confirms it."""
    _household(env, actor, household_id)
    return draft.with_note(note)


@use_case
def submit(env: Env, actor: Actor, household_id: int | None, draft: Draft) -> None:
    """Store the scores; the household then waits for a second person's review.
    ``Refused("incomplete")`` while a question is unanswered."""
    household = _household(env, actor, household_id)
    allow(actor.account_id is not None)
    form = questionnaire()
    if draft.needs_consent(form) or draft.remaining(form):
        raise Refused("incomplete")
    registry.submit_assessment(env.session, env.sealer, household=household, answers=draft.answers,
                               questionnaire=form, assessor_id=actor.account_id, now=env.now,
                               skip=draft.skipped(form), notes=draft.notes)


@use_case
def add_photo(env: Env, actor: Actor, household_id: int | None, line_message_id: str) -> int:
    """A photo sent during the check (the worker fetches it from LINE); the household's photo count."""
    household = _household(env, actor, household_id)
    allow(actor.account_id is not None)
    registry.add_photo(env.session, env.sealer, household, line_message_id, actor.account_id, env.now)
    return registry.view(env.session, env.sealer, household, env.today).photos


@use_case
def set_location(env: Env, actor: Actor, household_id: int | None, latitude: Any, longitude: Any) -> None:
    """The household's location, sent from the leader's phone on site; ``Refused("bad_location")``
    for anything that is not a place on Earth."""
    household = _household(env, actor, household_id)
    allow(actor.account_id is not None)
    registry.set_location(env.session, env.sealer, household, point(latitude, longitude), actor.account_id,
                          env.now)
