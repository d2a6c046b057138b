"""Linking a household's LINE to its record: only through a leader of the household's
area, by a code the leader shows on site or by approving the request a self-registering
household made. Typing a citizen ID opens nothing."""
from __future__ import annotations

from dataclasses import dataclass

from casework import authorization, consent, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import Account, Household, HouseholdLink
from casework.usecases.base import Env, allow, get, use_case


@dataclass(frozen=True)
class Offered:
    code: str
    minutes: int


@dataclass(frozen=True)
class Linked:
    """The household's address, and the LINE to tell (None when the household itself linked)."""

    address: str
    member_line_id: str | None = None


@use_case
def offer_code(env: Env, actor: Actor, household_id: int | None) -> Offered:
    household = get(env, Household, household_id)
    allow(actor.account_id is not None and authorization.can_link(actor, household.village_code))
    code = registry.create_link_code(env.session, env.sealer, household, actor.account_id, env.now)
    return Offered(code, int(registry.LINK_CODE_TTL.total_seconds() // 60))


@use_case
def redeem_code(env: Env, actor: Actor, code: str) -> Linked:
    """The household sends the code from its own LINE, having accepted the privacy notice
    (``Refused("needs_consent")`` if not; ``Refused("bad_link_code")`` for a wrong code)."""
    if actor.account_id is None or not consent.given(env.session, scope="personal", account_id=actor.account_id):
        raise Refused("needs_consent")
    household = registry.redeem_link_code(env.session, env.sealer, code, actor.account_id, env.now)
    return Linked(registry.address_text(env.sealer.open_json(household.address)))


@use_case
def approve(env: Env, actor: Actor, link_id: int | None) -> Linked:
    """A leader who met the household approves the link its LINE asked for."""
    link = get(env, HouseholdLink, link_id)
    household = get(env, Household, link.household_id)
    allow(actor.account_id is not None and authorization.can_link(actor, household.village_code))
    registry.approve_link(env.session, env.sealer, link, actor.account_id, env.now)
    member = env.session.get(Account, link.account_id) if link.account_id else None
    return Linked(registry.address_text(env.sealer.open_json(household.address)),
                  member.line_user_id if member is not None else None)
