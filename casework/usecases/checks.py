"""A leader's on-site check of a household: the five-capital questionnaire answered
step by step (the draft lives in the leader's chat until submitted), the household's
consent to sensitive questions, photos and the location on the way, then submitting.

Every step asks again whether this person may check this household: a draft
started in scope stays usable only while it still is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casework import accounts, audit, authorization, consent, registry
from casework.authorization import Actor
from casework.cases import name_of
from casework.chats import Recipient
from casework.errors import AlreadyDone, Refused
from casework.locations import point
from casework.models import Account, Assessment, Household, HouseholdLink
from casework.questionnaire import Draft, Question, Result, default as questionnaire, score
from casework.referrals import account_recipients, coordinator_recipients
from casework.sealing import open_from
from casework.usecases.base import Env, allow, get, not_own, use_case


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


@dataclass(frozen=True)
class Submitted:
    """A check now waiting for a second person: who is told (the area's coordinators, or the
    village's other leaders where no coordinator covers it), and what they are told."""

    assessment_id: int
    household_id: int
    village_code: str
    address: str
    group: int
    tell: tuple[Recipient, ...]


def _household(env: Env, actor: Actor, household_id: int | None) -> Household:
    """The household, if this person may check it: in their area, and not their own."""
    household = get(env, Household, household_id)
    allow(authorization.can_check(actor, household.village_code))
    not_own(env, actor, household)
    return household


def _no_draft(env: Env, actor: Actor, household: Household) -> AlreadyDone | Refused:
    """A tap on a check whose answers are no longer in this chat: the check was submitted
    (a second tap on Submit or Redo), said with who and when; else a button never begun here."""
    latest = env.session.scalars(select(Assessment).where(Assessment.household_id == household.id)
                                 .order_by(Assessment.id.desc()).limit(1)).first()
    if latest is None:
        return Refused("forbidden")
    return AlreadyDone("already_submitted", by=name_of(env.session, latest.assessed_by), at=latest.submitted_at,
                       mine=latest.assessed_by == actor.account_id)


def _drafted(env: Env, actor: Actor, household_id: int | None, draft: Draft | None) -> tuple[Household, Draft]:
    household = _household(env, actor, household_id)
    if draft is None:
        raise _no_draft(env, actor, household)
    return household, draft


@use_case
def begin(env: Env, actor: Actor, household_id: int | None) -> int:
    """Start (or go back to) checking a household; its id, once allowed."""
    return _household(env, actor, household_id).id


@use_case
def answer(env: Env, actor: Actor, household_id: int | None, draft: Draft | None, key: str,
           value: int | None) -> Draft:
    """One answer, checked against the question: ``Refused("bad_answer")`` for a forged one.
    ``draft`` None: the chat holds no answers for this household (``_no_draft``)."""
    _, draft = _drafted(env, actor, household_id, draft)
    answered = draft.answered(questionnaire(), key, value)
    if answered is None:
        raise Refused("bad_answer")
    return answered


@use_case
def decide_sensitive(env: Env, actor: Actor, household_id: int | None, draft: Draft | None,
                     accepted: bool) -> Draft:
    """The household's explicit consent (or not) to record health and disability, given on site."""
    household, draft = _drafted(env, actor, household_id, draft)
    decision = consent.ACCEPTED if accepted else consent.DECLINED
    consent.record(env.session, scope="sensitive", decision=decision, channel="on_site", now=env.now,
                   household_id=household.id, recorded_by=actor.account_id)
    audit.record(env.session, env.sealer, actor=actor.label, action="consent.sensitive", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=env.now,
                 changes={"decision": [None, decision]})
    return Draft(answers=draft.answers, sensitive=accepted, notes=draft.notes)


@use_case
def redo(env: Env, actor: Actor, household_id: int | None, draft: Draft | None) -> Draft:
    """Start the answers again; the consent and the notes already given stay. After Submit, says so."""
    _, draft = _drafted(env, actor, household_id, draft)
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
def submit(env: Env, actor: Actor, household_id: int | None, draft: Draft | None) -> Submitted:
    """Store the scores; the household then waits for a second person's review, who is told.
    ``Refused("incomplete")`` while a question is unanswered; a second tap, ``already_submitted``."""
    household, draft = _drafted(env, actor, household_id, draft)
    allow(actor.account_id is not None)
    assert actor.account_id is not None
    form = questionnaire()
    if draft.needs_consent(form) or draft.remaining(form):
        raise Refused("incomplete")
    assessment = registry.submit_assessment(env.session, env.sealer, household=household, answers=draft.answers,
                                            questionnaire=form, assessor_id=actor.account_id, now=env.now,
                                            skip=draft.skipped(form), notes=draft.notes)
    return Submitted(assessment.id, household.id, household.village_code,
                     registry.address_text(open_from(env.sealer, household, "address")),
                     assessment.poverty_group or 0, reviewers(env, household, actor.account_id))


def reviewers(env: Env, household: Household, assessor_id: int) -> tuple[Recipient, ...]:
    """Who confirms a check: the area's coordinators; where none covers it, the village's leaders.
    Never the assessor, nor anyone linked to the household."""
    excluded = {assessor_id, *env.session.scalars(select(HouseholdLink.account_id).where(
        HouseholdLink.household_id == household.id, HouseholdLink.account_id.is_not(None),
        HouseholdLink.status.in_(("requested", "linked"))))}
    barred = set(env.session.scalars(select(Account.line_user_id).where(Account.id.in_(excluded))))
    found = [r for r in coordinator_recipients(env.session, household.village_code) if r.line_id not in barred]
    if not found:
        leaders = [account.id for account in accounts.staff_covering(env.session, household.village_code, "leader")
                   if account.id not in excluded]
        found = account_recipients(env.session, leaders) if leaders else []
    return tuple(dict.fromkeys(found))


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
