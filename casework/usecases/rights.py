"""Welfare rights: a linked household's answers from its record, anyone's answers to the
short questions (kept without a name), and, at the command line, answers from facts
given there and a stored decision explained again by its own rule.

Every answer shown is judged and kept as a decision by one function,
``decisions.judge``, so whatever someone was told can be explained later.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from casework import authorization, registry, rights_questions
from casework.authorization import Actor
from casework.entitlements import decisions, registry_columns
from casework.entitlements.decisions import Shown, Subject
from casework.entitlements.evaluate import Answer
from casework.entitlements.facts import HouseholdRecord, PersonRecord, columns_from
from casework.entitlements.registry_columns import Frame
from casework.models import Decision
from casework.usecases.base import Env, allow, consenting, get, own_household, use_case


@dataclass(frozen=True)
class Rights:
    """Answers judged on ``on`` from facts given, each kept; ``answer.row`` is whom it is
    about (0 the first person, then the others in the order given)."""

    on: date
    shown: list[Shown]


@dataclass(frozen=True)
class MemberAnswer:
    """An answer shown to a linked household: ``member`` is the name of the person it is
    about ("" when the record has none), None for the household's own programmes."""

    answer: Answer
    member: str | None
    decision_id: int


@dataclass(frozen=True)
class HouseholdRights:
    household_id: int
    on: date
    answers: list[MemberAnswer]


@dataclass(frozen=True)
class Explained:
    """A stored decision judged again by the rule version and inputs kept with it.
    ``answer`` is None when its programme is no longer in the rules."""

    decision_id: int
    programme: str
    answer: Answer | None
    evaluated_on: date
    channel: str
    shown_at: datetime
    stored_status: str
    stored_amount: int | None
    rule_changed_since: bool


def _person_id(frame: Frame, answer: Answer) -> int | None:
    return int(frame.person_ids[answer.row]) if answer.programme.entity == "person" else None


@use_case
def of_household(env: Env, actor: Actor) -> HouseholdRights:
    """The rights of the household this LINE is linked to, from its record. Which
    household is the actor's own link, never one a button names."""
    household = own_household(env, actor)
    consenting(env, actor)
    on = env.today
    frame = registry_columns.for_household(env.session, household.id)
    names = {member.person_id: member.name
             for member in registry.view(env.session, env.sealer, household, on).members}
    shown = decisions.judge(env.session, env.sealer, env.rules, frame.columns, on=on, channel="chat",
                            shown_to=actor.account_id, now=env.now,
                            subject=lambda answer: Subject(household.id, _person_id(frame, answer)))
    members = [_person_id(frame, item.answer) for item in shown]
    return HouseholdRights(household.id, on, [
        MemberAnswer(item.answer, None if person_id is None else names.get(person_id) or "", item.decision_id)
        for item, person_id in zip(shown, members)])


@use_case
def answer_questions(env: Env, actor: Actor, answers: dict[str, Any]) -> Rights:
    """Anyone's answers to the short questions, judged. The decisions are kept with no
    chat, account, household or person, and the answers themselves not at all."""
    facts = rights_questions.records(answers)
    shown = decisions.judge(env.session, env.sealer, env.rules, columns_from(facts.persons, [facts.household]),
                            on=env.today, channel="anonymous", shown_to=None, now=env.now,
                            shown=rights_questions.worth_showing)
    return Rights(env.today, shown)


@use_case
def check(env: Env, actor: Actor, persons: list[PersonRecord], household: HouseholdRecord,
          on: date | None = None) -> Rights:
    """Facts given at the command line judged by ``env.rules`` on ``on`` (today in
    Thailand if not given); every answer kept as a decision of channel "command"."""
    allow(authorization.can_administer(actor), "no_role")
    day = on or env.today
    shown = decisions.judge(env.session, env.sealer, env.rules, columns_from(persons, [household]), on=day,
                            channel="command", shown_to=None, now=env.now)
    return Rights(day, shown)


@use_case
def explain(env: Env, actor: Actor, decision_id: int | None) -> Explained:
    """A stored decision judged again by its own rule version and inputs, even when the
    rules in force (``env.rules``) have changed since; and whether they have."""
    allow(authorization.can_administer(actor), "no_role")
    decision = get(env, Decision, decision_id)
    try:
        answer: Answer | None = decisions.explain_again(env.sealer, decision, env.rules)
    except LookupError:
        answer = None
    in_force = env.rules.programme(decision.programme)
    version = in_force.version_on(decision.evaluated_on) if in_force is not None else None
    return Explained(decision_id=decision.id, programme=decision.programme, answer=answer,
                     evaluated_on=decision.evaluated_on, channel=decision.channel, shown_at=decision.created_at,
                     stored_status=decision.status, stored_amount=decision.amount,
                     rule_changed_since=version is None or version.digest != decision.rule_digest)
