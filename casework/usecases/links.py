"""Linking a household's LINE to its record: only through a leader of the household's
area, by a code the leader shows on site or by approving the request a self-registering
household made, when the name it typed is a member's. Typing a citizen ID opens nothing.

Wrong codes are counted (audited, so every process sees them) per account and across the
service; past either cap, codes are refused without being looked up, and the leaders whose
codes are live are told once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from casework import audit, authorization, consent, registry
from casework.authorization import Actor
from casework.cases import name_of
from casework.errors import AlreadyDone, Refused
from casework.models import Account, Household, HouseholdLink
from casework.sealing import open_from
from casework.usecases.base import Env, allow, get, not_own, use_case

FAILURES_PER_ACCOUNT = 5  # an hour
FAILURES_PER_SERVICE = 200  # an hour, every account together
WINDOW = timedelta(hours=1)
FAILED = "link.failed"


@dataclass(frozen=True)
class Offered:
    code: str
    minutes: int


@dataclass(frozen=True)
class Linked:
    """The household's address, and the LINE to tell (None when the household itself linked);
    or, for a code not accepted, ``problem`` (bad_code; too_many from this account; paused,
    too many across the service) and the LINE of each leader
    to tell that codes are being guessed (``tell``)."""

    address: str = ""
    member_line_id: str | None = None
    problem: str | None = None
    tell: tuple[str, ...] = ()
    household_id: int = 0
    leader_line_id: str | None = None  # the leader whose code the household sent: told it is linked
    village_code: str = ""


@use_case
def offer_code(env: Env, actor: Actor, household_id: int | None) -> Offered:
    """A new code for the household; any code offered before for it stops working."""
    household = get(env, Household, household_id)
    allow(actor.account_id is not None and authorization.can_link(actor, household.village_code))
    not_own(env, actor, household)
    code = registry.create_link_code(env.session, env.sealer, household, actor.account_id, env.now)
    return Offered(code, int(registry.LINK_CODE_TTL.total_seconds() // 60))


@use_case
def redeem_code(env: Env, actor: Actor, code: str) -> Linked:
    """The household sends the code from its own LINE, having accepted the privacy notice
    (``Refused("needs_consent")`` if not). A wrong code is an answer, not a refusal: its
    failure must be kept, since the count of failures is what stops guessing."""
    if actor.account_id is None or not consent.given(env.session, scope="personal", account_id=actor.account_id):
        raise Refused("needs_consent")
    who = f"account:{actor.account_id}"
    since = env.now - WINDOW
    mine = audit.count_since(env.session, FAILED, since, actor=who)
    everyone = audit.count_since(env.session, FAILED, since)
    if mine >= FAILURES_PER_ACCOUNT:
        return Linked(problem="too_many")
    if everyone >= FAILURES_PER_SERVICE:
        return Linked(problem="paused")
    try:
        with env.session.begin_nested():
            household = registry.redeem_link_code(env.session, env.sealer, code, actor.account_id, env.now)
    except registry.RegistryError:
        audit.record(env.session, env.sealer, actor=who, action=FAILED, entity="account",
                     entity_id=actor.account_id, area_code=None, now=env.now)
        locked = mine + 1 >= FAILURES_PER_ACCOUNT or everyone + 1 >= FAILURES_PER_SERVICE
        return Linked(problem="bad_code", tell=registry.warn_of_guessing(env.session, env.now) if locked else ())
    leader = env.session.scalar(select(Account).join(HouseholdLink, HouseholdLink.created_by == Account.id).where(
        HouseholdLink.household_id == household.id, HouseholdLink.account_id == actor.account_id,
        HouseholdLink.status == "linked").order_by(HouseholdLink.id.desc()).limit(1))
    return Linked(registry.address_text(open_from(env.sealer, household, "address")), household_id=household.id,
                  leader_line_id=leader.line_user_id if leader is not None else None,
                  village_code=household.village_code)


@use_case
def approve(env: Env, actor: Actor, link_id: int | None) -> Linked:
    """A leader who met the household approves the link its LINE asked for, when the name it
    typed is a member's (``Refused("identity_unproven")`` otherwise: meet them, offer a code)."""
    link = get(env, HouseholdLink, link_id)
    household = get(env, Household, link.household_id)
    allow(actor.account_id is not None and authorization.can_link(actor, household.village_code))
    if link.status == "linked":  # a second tap on Approve
        raise AlreadyDone("already_approved", by=name_of(env.session, link.created_by), at=link.decided_at,
                          mine=link.created_by == actor.account_id)
    not_own(env, actor, household)
    if link.status == "requested" and not registry.describe_request(env.session, env.sealer, link).name_matches:
        raise Refused("identity_unproven")
    registry.approve_link(env.session, env.sealer, link, actor.account_id, env.now)
    member = env.session.get(Account, link.account_id) if link.account_id else None
    return Linked(registry.address_text(open_from(env.sealer, household, "address")),
                  member.line_user_id if member is not None else None)
