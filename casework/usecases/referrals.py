"""Referrals in chat. Agency staff see their agency's queue (overdue and new first), open
one, and accept, decline (with a reason), update or complete it; completing a welfare
referral records the person as receiving the programme. The sending side (the area's
leaders and coordinators) refers a case and revokes a referral (with a reason); the
area's coordinator picks an agency where none covers the area; the household consents
to sharing with a kind of agency, in its chat or on site through its leader. An agency's
staff register their group chat to hear of new referrals (never with personal data).

Every step asks again whether this person may act on this referral's real agency and
area, and is made on the version the person saw: a step on an older version is refused
with what changed, by whom, so nobody's update is lost.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from casework import audit, authorization, cases, chats, referrals, welfare
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import Agency, AgencyService, Case, Household, Person, Referral
from casework.chats import Recipient
from casework.referrals import ReferralView
from casework.usecases.base import Env, Page, allow, get, own_household, use_case
from casework.usecases.plans import Sent, sent_to

PAGE_SIZE = 10


@dataclass(frozen=True)
class Acted:
    """A referral after a step, and who is told: the household (in its chat), the sending
    side (the case's leaders), the area's coordinators."""

    referral: ReferralView
    household: tuple[Recipient, ...] = ()
    senders: tuple[Recipient, ...] = ()
    coordinators: tuple[Recipient, ...] = ()
    agency: tuple[Recipient, ...] = ()  # its staff, when the sender takes back what they had
    case_finished: bool = False  # the step ended the case: the household is asked whether it is solved


@dataclass(frozen=True)
class AgencyChoice:
    id: int
    code: str
    name: str
    kind: str | None


def _view(env: Env, referral: Referral) -> ReferralView:
    return referrals.view(env.session, env.sealer, referral, env.today, rules=env.rules)


def _for_agency(env: Env, actor: Actor, referral_id: int | None) -> Referral:
    referral = get(env, Referral, referral_id)
    allow(actor.account_id is not None
          and authorization.can_act_for_agency(actor, referral.agency_id, referral.village_code)
          and referral.status not in referrals.WAITING)
    return referral


def _for_sender(env: Env, actor: Actor, referral_id: int | None) -> Referral:
    referral = get(env, Referral, referral_id)
    allow(actor.account_id is not None and authorization.can_plan(actor, referral.village_code))
    return referral


def _senders(env: Env, referral: Referral) -> tuple[Recipient, ...]:
    """Whoever made the referral, and the area's coordinators besides."""
    return tuple(dict.fromkeys([*referrals.account_recipients(env.session, (referral.made_by,)),
                                *referrals.coordinator_recipients(env.session, referral.village_code)]))


def _acted(env: Env, referral: Referral, *, household: bool = True, senders: bool = False) -> Acted:
    return Acted(_view(env, referral),
                 household=tuple(referrals.household_recipients(env.session, referral.household_id))
                 if household else (),
                 senders=_senders(env, referral) if senders else ())


def _step(env: Env, actor: Actor, referral: Referral, kind: str, version: int | None, note: str | None = None
          ) -> None:
    referrals.step(env.session, env.sealer, referral, kind, by=actor.account_id, actor=actor.label, now=env.now,
                   note=note, expected=version)


# ---------------------------------------------------------------- agency staff


@use_case
def queue(env: Env, actor: Actor, page: int = 0) -> Page[ReferralView]:
    """The agency's referrals to act on in this staff member's areas: overdue, then new, then the rest."""
    agency_ids = authorization.agencies_of(actor)
    allow(bool(agency_ids), "no_role")
    total, rows = referrals.queue(env.session, agency_ids, actor.areas("agency"), env.today,
                                  offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    return Page(total, referrals.views(env.session, env.sealer, rows, env.today, steps=0, rules=env.rules), page)


@dataclass(frozen=True)
class Opened:
    """A referral and the side the person opening it is on: its agency's (``as_agency``:
    accept, decline, update, complete) or the sender's (take it back; ``can_route``: the
    area's coordinator, who picks an agency where none covers the area)."""

    view: ReferralView
    as_agency: bool
    can_route: bool


@use_case
def show(env: Env, actor: Actor, referral_id: int | None) -> Opened:
    """One referral: for its agency's staff, and for the leaders and coordinators of its area."""
    referral = get(env, Referral, referral_id)
    as_agency = (authorization.can_act_for_agency(actor, referral.agency_id, referral.village_code)
                 and referral.status not in referrals.WAITING)
    allow(actor.account_id is not None and (as_agency or authorization.can_plan(actor, referral.village_code)))
    return Opened(_view(env, referral), as_agency, authorization.can_route(actor, referral.village_code))


@use_case
def accept(env: Env, actor: Actor, referral_id: int | None, version: int | None) -> Acted:
    referral = _for_agency(env, actor, referral_id)
    _step(env, actor, referral, "accepted", version)
    return _acted(env, referral, senders=True)


@use_case
def decline(env: Env, actor: Actor, referral_id: int | None, reason: str, version: int | None) -> Acted:
    """Declined with a reason: the case returns to planning and its senders are told."""
    referral = _for_agency(env, actor, referral_id)
    _step(env, actor, referral, "declined", version, reason)
    return _acted(env, referral, senders=True)


@use_case
def update(env: Env, actor: Actor, referral_id: int | None, note: str, version: int | None) -> Acted:
    """Progress in words ("visited, documents collected"): the referral is in progress."""
    referral = _for_agency(env, actor, referral_id)
    _step(env, actor, referral, "updated", version, note)
    return _acted(env, referral, senders=True)


@use_case
def complete(env: Env, actor: Actor, referral_id: int | None, note: str | None, version: int | None) -> Acted:
    """Done. A welfare referral for a person records them as receiving its programme from
    today, which closes the gap in screening and in "My rights"."""
    referral = _for_agency(env, actor, referral_id)
    _step(env, actor, referral, "completed", version, note)
    person = env.session.get(Person, referral.person_id) if referral.person_id is not None else None
    if referral.programme and person is not None:
        welfare.record(env.session, env.sealer, person=person, programme=referral.programme, status="receiving",
                       since=env.today, source="referral", actor_label=actor.label, account_id=actor.account_id,
                       now=env.now)
    case = env.session.get(Case, referral.case_id)
    return replace(_acted(env, referral, senders=True),
                   case_finished=case is not None and case.status in cases.FINISHED)


@use_case
def register_group(env: Env, actor: Actor, group_line_id: str) -> str:
    """The group chat an agency's staff member writes in hears of the agency's new
    referrals from now on (as counts and a button, never personal data). Its agency's name."""
    agency_ids = authorization.agencies_of(actor)
    allow(bool(agency_ids) and actor.account_id is not None, "no_role")
    chat = chats.find(env.session, group_line_id)
    if chat is None or chat.kind not in ("group", "room"):
        raise Refused("not_a_group")
    agency = get(env, Agency, agency_ids[0])
    if chat.agency_id != agency.id:
        audit.record(env.session, env.sealer, actor=actor.label, action="agency.group_registered", entity="agency",
                     entity_id=agency.id, area_code=None, now=env.now, changes={"group": [chat.agency_id, agency.id]})
        chat.agency_id = agency.id
    return agency.name


# ---------------------------------------------------------------- the sending side


@use_case
def refer(env: Env, actor: Actor, case_id: int | None, service: str) -> Sent:
    """Refer a case for a service (a leader or coordinator of the household's area)."""
    case = get(env, Case, case_id)
    household = get(env, Household, case.household_id)
    allow(actor.account_id is not None and authorization.can_plan(actor, household.village_code))
    referral = referrals.make(env.session, env.sealer, case, service=service, by=actor.account_id or 0,
                              actor=actor.label, now=env.now)
    return sent_to(env, referral)


@use_case
def revoke(env: Env, actor: Actor, referral_id: int | None, reason: str, version: int | None) -> Acted:
    """The sender takes a referral back, with a reason: the case returns to planning; the
    agency (if it had it) and the household are told."""
    referral = _for_sender(env, actor, referral_id)
    had_it = referral.status in referrals.WITH_AGENCY and referral.agency_id is not None
    _step(env, actor, referral, "revoked", version, reason)
    staff = referrals.agency_recipients(env.session, referral.agency_id, referral.village_code)[0] if had_it else []
    return replace(_acted(env, referral), agency=tuple(staff))


@use_case
def in_my_areas(env: Env, actor: Actor, page: int = 0) -> Page[ReferralView]:
    """A coordinator's (or leader's) open referrals: waiting for an agency first, then overdue ones."""
    scopes = actor.areas("coordinator", "leader")
    allow(bool(scopes), "no_role")
    total, rows = referrals.in_areas(env.session, scopes, env.today, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    return Page(total, referrals.views(env.session, env.sealer, rows, env.today, steps=0, rules=env.rules), page)


@use_case
def agencies_for(env: Env, actor: Actor, referral_id: int | None) -> list[AgencyChoice]:
    """The agencies that handle the referral's service, for the coordinator to pick one."""
    referral = get(env, Referral, referral_id)
    allow(actor.account_id is not None and authorization.can_route(actor, referral.village_code))
    rows = env.session.scalars(select(Agency).join(AgencyService, AgencyService.agency_id == Agency.id)
                               .where(AgencyService.service == referral.service).order_by(Agency.code).limit(12))
    return [AgencyChoice(agency.id, agency.code, agency.name, agency.kind) for agency in rows]


@use_case
def route(env: Env, actor: Actor, referral_id: int | None, agency_id: int | None, version: int | None) -> Sent:
    referral = get(env, Referral, referral_id)
    allow(actor.account_id is not None and authorization.can_route(actor, referral.village_code))
    agency = get(env, Agency, agency_id)
    referrals.route(env.session, env.sealer, referral, agency, by=actor.account_id or 0, actor=actor.label,
                    now=env.now, expected=version)
    return sent_to(env, referral)


@use_case
def consent_on_site(env: Env, actor: Actor, referral_id: int | None, agreed: bool) -> Sent:
    """The household's answer given to its leader in person, recorded by the leader."""
    referral = _for_sender(env, actor, referral_id)
    return _consent(env, referral, agreed, account_id=None, recorded_by=actor.account_id, channel="on_site",
                    actor=actor)


@use_case
def consent_in_chat(env: Env, actor: Actor, referral_id: int | None, agreed: bool) -> Sent:
    """The household's own answer, in its chat: share this referral with that kind of agency?"""
    referral = get(env, Referral, referral_id)
    household = own_household(env, actor)
    allow(household.id == referral.household_id)
    return _consent(env, referral, agreed, account_id=actor.account_id, recorded_by=actor.account_id,
                    channel="chat", actor=actor)


def _consent(env: Env, referral: Referral, agreed: bool, *, account_id: int | None, recorded_by: int | None,
             channel: str, actor: Actor) -> Sent:
    if referral.status != referrals.CONSENT:
        raise Refused("not_waiting_for_consent")
    referrals.record_consent(env.session, referral, agreed=agreed, account_id=account_id, recorded_by=recorded_by,
                             channel=channel, now=env.now)
    _step(env, actor, referral, "consented" if agreed else "consent_refused", None)
    return sent_to(env, referral)


@use_case
def expire_overdue(env: Env, actor: Actor) -> list[int]:
    """Referrals never accepted by their completion date expire (the clock, or an operator)."""
    allow(authorization.can_administer(actor), "no_role")
    return referrals.expire_due(env.session, env.sealer, env.now)

