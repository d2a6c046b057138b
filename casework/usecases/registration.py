"""Registering a household in chat: by the household itself, from its own LINE, having
accepted the privacy notice (the record starts "pending on-site check" and asks for the
LINE to be linked), or by a leader who found it in their area.

The answers wait in the chat's conversation; every step asks again whether this person
may register (``by_leader`` says which way they began).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from casework import accounts, areas, authorization, consent, merging, registry, thai_input
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import AuditEntry, HouseholdLink, Village
from casework.usecases.base import Env, allow, use_case

MAX_HOUSE_NO = 20
MAX_HEAD = 80
SELF_REGISTRATIONS = 3  # per account in PERIOD, one waiting for its leader at a time
PERIOD = timedelta(days=30)


@dataclass(frozen=True)
class Registered:
    """The household registered (or found at that address), and the LINE of each leader of
    its area to tell that a household registered itself (none when a leader registered it)."""

    household_id: int
    village_code: str
    house_no: str
    leaders: tuple[str, ...] = ()
    similar: tuple[int, ...] = ()  # households of the village with a member of the head's name


def house_number(text: str) -> str | None:
    """A house number as people write it (``99/1``, or the same in Thai digits with spaces), in
    one form: short, with a digit in it."""
    text = thai_input.house_number(text)
    return text if 0 < len(text) <= MAX_HOUSE_NO and any(ch.isdigit() for ch in text) else None


def head_name(text: str) -> str | None:
    """The head of the household's first name and surname (two to six words)."""
    text = " ".join(text.split())
    return text if 2 <= len(text.split()) <= 6 and len(text) <= MAX_HEAD else None


def _may_register(env: Env, actor: Actor, by_leader: bool) -> None:
    if by_leader:
        allow(bool(actor.areas("leader")), "no_role")
    else:
        allow(actor.account_id is not None
              and consent.given(env.session, scope="personal", account_id=actor.account_id), "needs_consent")


def _may_register_again(env: Env, actor: Actor) -> None:
    """One registration waiting for a leader at a time (for a month at most), and a few a
    month, per account (``Refused("registration_pending")``, ``Refused("too_many_registrations")``)."""
    pending = env.session.scalar(select(HouseholdLink.id).where(
        HouseholdLink.account_id == actor.account_id, HouseholdLink.status == "requested",
        HouseholdLink.created_at > env.now - PERIOD).limit(1))
    if pending is not None:
        raise Refused("registration_pending")
    recent = env.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == f"account:{actor.account_id}", AuditEntry.action == "household.link_requested",
        AuditEntry.at > env.now - PERIOD)) or 0
    if recent >= SELF_REGISTRATIONS:
        raise Refused("too_many_registrations")


@use_case
def start_self(env: Env, actor: Actor) -> None:
    """A household begins registering itself: ``Refused("needs_consent")`` before the privacy
    notice is accepted, ``Refused("already_linked")`` if its LINE already has a household,
    and the limits of ``_may_register_again``."""
    _may_register(env, actor, by_leader=False)
    if actor.households:
        raise Refused("already_linked")
    _may_register_again(env, actor)


@use_case
def start_by_leader(env: Env, actor: Actor) -> None:
    _may_register(env, actor, by_leader=True)


@use_case
def choose_subdistrict(env: Env, actor: Actor, subdistrict_code: str, by_leader: bool) -> list[tuple[str, str]]:
    """The villages Kaejon knows in a sub-district (code, name), to choose from;
    ``Refused("bad_area")`` for a code that is not a sub-district."""
    _may_register(env, actor, by_leader)
    area = areas.official(subdistrict_code)
    if area is None or area.level != "subdistrict":
        raise Refused("bad_area")
    rows = env.session.execute(select(Village.code, Village.name).where(
        Village.subdistrict_code == area.code).order_by(Village.code)).all()
    return [(code, name) for code, name in rows]


def _village(env: Env, actor: Actor, village_code: str, by_leader: bool) -> None:
    _may_register(env, actor, by_leader)
    if areas.village_parent(village_code) is None or env.session.get(Village, village_code) is None:
        raise Refused("bad_area")
    if by_leader:
        allow(authorization.can_check(actor, village_code))


@use_case
def choose_village(env: Env, actor: Actor, village_code: str, by_leader: bool) -> str:
    """The village the household is in: a leader registers only in their own area."""
    _village(env, actor, village_code, by_leader)
    return village_code


@use_case
def submit(env: Env, actor: Actor, by_leader: bool, village_code: str, house_no: str, head: str) -> Registered:
    """Register the household (or find the one already at that address). A household that
    registered itself asks for its LINE to be linked, and the area's leaders are told."""
    _village(env, actor, village_code, by_leader)
    number, name = house_number(house_no), head_name(head)
    if number is None or name is None:
        raise Refused("incomplete")
    if not by_leader:
        _may_register_again(env, actor)
    household = registry.find_by_address(env.session, env.sealer, village_code, number)
    similar: tuple[int, ...] = ()
    if household is None:
        first, last = name.split(" ", 1)
        household = registry.add_household(
            env.session, env.sealer, village_code=village_code, house_no=number, address="",
            people=[registry.NewPerson(first_name=first, last_name=last, relation="head")],
            source="found_by_leader" if by_leader else "self_registered", status="pending_check",
            actor=actor.label, now=env.now)
        env.session.flush()
        similar = tuple(merging.similar(env.session, env.sealer, household, name))
    if by_leader:
        return Registered(household.id, household.village_code, number, similar=similar)
    assert actor.account_id is not None  # _may_register: a household that registers itself has consented
    registry.request_link(env.session, env.sealer, household, actor.account_id, env.now, typed_name=name)
    leaders = accounts.staff_covering(env.session, household.village_code, "leader")
    return Registered(household.id, household.village_code, number,
                      tuple(leader.line_user_id for leader in leaders), similar)


@dataclass(frozen=True)
class Standing:
    """Where this person's registration stands, for a tap on one of its old buttons."""

    linked: bool
    requested_at: datetime | None


@use_case
def standing(env: Env, actor: Actor) -> Standing:
    requested_at = None if actor.account_id is None else env.session.scalar(
        select(HouseholdLink.created_at).where(HouseholdLink.account_id == actor.account_id,
                                               HouseholdLink.status == "requested")
        .order_by(HouseholdLink.created_at.desc()).limit(1))
    return Standing(bool(actor.households), requested_at)
