"""Words the bot did not understand, from a linked household, handed to its leader instead
of being lost: offered first (the household may add more, or say no), then sent as a
request of its own, or joined to the household's message still open."""
from __future__ import annotations

from dataclasses import dataclass

from casework import cases
from casework.authorization import Actor
from casework.cases import CaseView
from casework.usecases.base import Env, allow, own_household, use_case
from casework.usecases.requests import household_asking


@dataclass(frozen=True)
class Offered:
    """The household whose words these are, and the words as they would be sent."""

    household_id: int
    text: str


@dataclass(frozen=True)
class Sent:
    """The case the words went to; ``more`` when they joined the household's open message;
    the LINE of the staff to tell."""

    case: CaseView
    text: str
    more: bool
    notify: tuple[str, ...]


@use_case
def offer(env: Env, actor: Actor, text: str) -> Offered:
    """Words from someone whose LINE is linked to a household (``Refused("not_linked")`` for
    anyone else, who gets the usual answer), cut to what a request may hold."""
    household = own_household(env, actor)
    return Offered(household.id, text.strip()[:cases.MAX_DETAILS])


@use_case
def add_words(env: Env, actor: Actor, household_id: int | None, offered: str, text: str) -> str:
    """People write in several messages: more words join those on offer
    (``Refused("too_long")`` past what a request may hold)."""
    household_asking(env, actor, household_id)
    return cases.joined(offered, text)


@use_case
def send(env: Env, actor: Actor, household_id: int | None, text: str) -> Sent:
    """A new request for the leader, or, when this person's message to the leader is still
    open, a follow-up to it."""
    household = household_asking(env, actor, household_id)
    allow(actor.account_id is not None, "not_linked")
    case = cases.open_handoff(env.session, household.id)
    more = case is not None and case.opened_by == actor.account_id
    if case is not None and more:
        cases.add_note(env.session, env.sealer, case, by=actor.account_id, text=text, now=env.now)
    else:
        case = cases.open_case(env.session, env.sealer, household=household, need=cases.HANDOFF,
                               account_id=actor.account_id, now=env.now, details=text)
    return Sent(cases.view(env.session, env.sealer, case), text, more,
                cases.staff_to_tell(env.session, household, besides=actor.account_id))
