"""The shape every use case takes.

A use case is one action a person can take (a household, a leader, a coordinator,
agency staff, an operator at the command line), written as one function::

    @use_case
    def submit(env: Env, actor: Actor, household_id: int | None, draft: Draft) -> Submitted:

It loads the record, asks ``casework.authorization`` whether this actor may do this to
it (by the record's real area, never an area a button carried), changes state, writes
the audit row, and returns a plain result; or it raises ``Refused`` with a reason code.
It never commits: the caller's unit of work does, so a refusal leaves nothing behind.
The chat and the command line call the same functions.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import authorization, consent
from casework.authorization import Actor
from casework.crypto import Sealer
from casework.entitlements.rules import Rules
from casework.errors import Refused
from casework.models import Household, HouseholdLink
from casework.thai_time import thai_today

# Reasons that say "not for you": the record is outside the actor's areas, the actor
# lacks the role, is not linked to the household, has not accepted the privacy notice,
# or the id names nothing (which must look the same, so that ids cannot be probed).
# Any other reason is about the request itself (a wrong answer, a step already done).
FORBIDDEN = frozenset({"forbidden", "no_role", "not_linked", "needs_consent"})

T = TypeVar("T")
M = TypeVar("M")
F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Env:
    """What every use case works with, built by the caller from the services made at start."""

    session: Session
    sealer: Sealer
    now: datetime
    rules: Rules

    @property
    def today(self) -> date:
        """The date in Thailand, where a rule's "from" date and a person's age are meant."""
        return thai_today(self.now)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list (``page`` counts from 0) and how many there are in all."""

    total: int
    items: list[T]
    page: int


USE_CASES: dict[str, Callable[..., object]] = {}


def use_case(function: F) -> F:
    """Register ``function`` as ``<module>.<name>`` (``checks.submit``); a name given
    twice is a programming error, found at import."""
    name = f"{function.__module__.rpartition('.')[2]}.{function.__name__}"
    if name in USE_CASES:
        raise ValueError(f"use case {name} is defined twice")
    USE_CASES[name] = function
    return function


def allow(allowed: bool, reason: str = "forbidden") -> None:
    """Go on only if ``allowed``; the one way a use case says no to an actor."""
    if not allowed:
        raise Refused(reason)


def get(env: Env, model: type[M], record_id: int | None) -> M:
    """The record a button names; an id that names nothing is refused like one not
    allowed, so that ids cannot be probed."""
    record = env.session.get(model, record_id) if record_id is not None else None
    if record is None:
        raise Refused("forbidden")
    return record


def own_household(env: Env, actor: Actor) -> Household:
    """The household this person's LINE is linked to (the first, if more); which one is the
    actor's own link, never one a button names. ``Refused("not_linked")`` until a leader
    has linked it."""
    allow(bool(actor.households), "not_linked")
    household = get(env, Household, actor.households[0])
    allow(authorization.is_linked_to(actor, household.id), "not_linked")
    return household


def consenting(env: Env, actor: Actor) -> None:
    """Go on only while this person's agreement to the privacy notice stands:
    ``Refused("needs_consent")`` before it is given, once declined, and after it is
    withdrawn, so that nothing new about them is collected or used until they agree again.
    Seeing one's own data and asking to correct or delete it need no agreement."""
    allow(actor.account_id is not None
          and consent.given(env.session, scope="personal", account_id=actor.account_id), "needs_consent")


def is_own(env: Env, actor: Actor, household: Household) -> bool:
    """Is this a household this person is linked to, or asked to be linked to?"""
    requested = actor.account_id is not None and env.session.scalar(
        select(HouseholdLink.id).where(HouseholdLink.household_id == household.id,
                                       HouseholdLink.account_id == actor.account_id,
                                       HouseholdLink.status.in_(("requested", "linked"))).limit(1)) is not None
    return authorization.is_own_household(actor, household.id, requested)


def not_own(env: Env, actor: Actor, household: Household) -> None:
    """``Refused("own_household")`` for a household this person is linked to, or asked to be
    linked to: checking, confirming and linking are done by someone outside the household."""
    allow(not is_own(env, actor, household), "own_household")
