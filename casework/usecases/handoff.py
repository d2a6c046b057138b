"""Words the bot did not understand, from a linked household, handed to its leader instead
of being lost: offered first (the household may add more, or say no), then joined to the
household's request still open, or, when it has none, sent as a message of its own (a new
request for help is opened only by "Ask for help")."""
from __future__ import annotations

from dataclasses import dataclass

from casework import cases
from casework.authorization import Actor
from casework.cases import CaseView
from casework.usecases.base import Env, allow, consenting, own_household, use_case
from casework.usecases.requests import household_asking


@dataclass(frozen=True)
class Offered:
    """The household whose words these are, the words as they would be sent, and the
    request still open they would join (its reference number and need; None: a new message)."""

    household_id: int
    text: str
    ref: str | None = None
    need: str | None = None


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
    consenting(env, actor)
    joins = cases.open_request(env.session, household.id)
    return Offered(household.id, text.strip()[:cases.MAX_DETAILS], joins.ref if joins else None,
                   joins.need if joins else None)


@use_case
def add_words(env: Env, actor: Actor, household_id: int | None, offered: str, text: str) -> str:
    """People write in several messages: more words join those on offer
    (``Refused("too_long")`` past what a request may hold)."""
    household_asking(env, actor, household_id)
    return cases.joined(offered, text)


@use_case
def send(env: Env, actor: Actor, household_id: int | None, text: str) -> Sent:
    """Words for the leader: while the household has a request open, they join it (kept
    with it as the household's, ``more``); otherwise they are a message of their own."""
    household = household_asking(env, actor, household_id)
    allow(actor.account_id is not None, "not_linked")
    case = cases.open_request(env.session, household.id)
    more = case is not None
    if case is not None:
        cases.add_note(env.session, env.sealer, case, by=actor.account_id, text=text, now=env.now)
    else:
        case = cases.open_case(env.session, env.sealer, household=household, need=cases.HANDOFF,
                               account_id=actor.account_id, now=env.now, details=text)
    return Sent(cases.view(env.session, env.sealer, case), text, more,
                cases.staff_to_tell(env.session, household, besides=actor.account_id))
