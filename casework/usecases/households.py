"""A household's record as leaders and coordinators meet it: the list to check, the
card with what this person may do to it, and ending it (moved away, no longer there)."""
from __future__ import annotations

from dataclasses import dataclass

from casework import authorization, finding, merging, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import Household
from casework.registry import HouseholdView
from casework.usecases.base import Env, Page, allow, get, is_own, use_case

PAGE_SIZE = 10
CHECKABLE = ("listed", "pending_check", "returned", "verified")


@dataclass(frozen=True)
class Card:
    """A household as the card shows it, with what this person may do to it now."""

    view: HouseholdView
    can_check: bool
    can_link: bool
    can_end: bool
    link_requests: list[registry.LinkRequest]
    already_linked: bool = False


@use_case
def to_check(env: Env, actor: Actor, page: int = 0) -> Page[HouseholdView]:
    """Households waiting for an on-site check in the leader's or coordinator's areas."""
    scopes = actor.areas("leader", "coordinator")
    allow(bool(scopes), "no_role")
    total, households = registry.to_check(env.session, scopes, offset=page * PAGE_SIZE, limit=PAGE_SIZE,
                                          checker_id=actor.account_id)
    return Page(total, registry.views(env.session, env.sealer, households, env.today), page)


@use_case
def find(env: Env, actor: Actor, query: str, offset: int = 0) -> Page[HouseholdView]:
    """Households in the leader's or coordinator's areas found by a citizen ID, a phone, a house
    number and village, or the words of a member's name (``casework.finding.parse``);
    ``offset`` counts households already shown."""
    scopes = actor.areas("leader", "coordinator")
    allow(bool(scopes), "no_role")
    parsed = finding.parse(query)
    if parsed is None:
        raise Refused("empty_query")
    offset = max(0, int(offset))
    total, households = finding.find(env.session, env.sealer, scopes, parsed, offset=offset, limit=PAGE_SIZE)
    return Page(total, registry.views(env.session, env.sealer, households, env.today), offset // PAGE_SIZE)


@use_case
def open_card(env: Env, actor: Actor, household_id: int | None) -> Card:
    household = get(env, Household, household_id)
    allow(authorization.can_check(actor, household.village_code))
    own = is_own(env, actor, household)  # checked and linked by someone outside it
    can_link = authorization.can_link(actor, household.village_code) and not own
    return Card(view=registry.view(env.session, env.sealer, household, env.today),
                can_check=household.status in CHECKABLE and not own, can_link=can_link,
                can_end=authorization.can_handle_tasks(actor, household.village_code),
                link_requests=[registry.describe_request(env.session, env.sealer, link)
                               for link in registry.link_requests(env.session, household.id)] if can_link else [],
                already_linked=can_link and registry.is_linked(env.session, household.id))


@use_case
def end(env: Env, actor: Actor, household_id: int | None, kind: str, *, confirmed: bool) -> bool:
    """Mark a household moved away (``kind`` move) or gone (close); asked once first:
    True when done, False when only asked."""
    household = get(env, Household, household_id)
    allow(kind in ("move", "close") and authorization.can_handle_tasks(actor, household.village_code))
    if not confirmed:
        return False
    registry.end(env.session, env.sealer, household=household, action=kind, actor=actor.label, now=env.now)
    return True


@dataclass(frozen=True)
class Pair:
    """A household and the record that may be the same household, side by side."""

    keep: HouseholdView
    duplicate: HouseholdView


def _pair(env: Env, actor: Actor, keep_id: int | None, duplicate_id: int | None) -> tuple[Household, Household]:
    """Both in one village the leader covers, neither the leader's own, the one to go not yet
    verified (``Refused("merge_verified")``): a verified household is kept, the other merged into it."""
    keep, duplicate = get(env, Household, keep_id), get(env, Household, duplicate_id)
    allow(keep.id != duplicate.id and keep.village_code == duplicate.village_code
          and authorization.can_link(actor, keep.village_code))
    allow(not {keep.id, duplicate.id} & set(actor.households), "own_household")
    if duplicate.status == "verified":
        raise Refused("merge_verified")
    return keep, duplicate


@use_case
def compare(env: Env, actor: Actor, keep_id: int | None, duplicate_id: int | None) -> Pair:
    keep, duplicate = _pair(env, actor, keep_id, duplicate_id)
    kept, other = registry.views(env.session, env.sealer, [keep, duplicate], env.today)
    return Pair(kept, other)


@use_case
def merge(env: Env, actor: Actor, keep_id: int | None, duplicate_id: int | None) -> int:
    """The duplicate made part of the kept household (its members, requests, cases and
    history); the id of the household that remains."""
    keep, duplicate = _pair(env, actor, keep_id, duplicate_id)
    merging.merge(env.session, env.sealer, keep=keep, duplicate=duplicate, actor=actor.label, now=env.now)
    return keep.id
