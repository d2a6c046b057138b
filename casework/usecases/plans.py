"""A household's intervention plan in chat: a leader (or coordinator) of its area has one
proposed, keeps or drops its items, and approves it: the kept items become cases and the
ones with a service are referred (``casework.plans``)."""
from __future__ import annotations

from dataclasses import dataclass

from casework import authorization, plans, referrals, registry
from casework.authorization import Actor
from casework.models import Case, Household, Plan, PlanItem, Referral
from casework.plans import PlanError
from casework.chats import Recipient
from casework.referrals import ReferralView
from casework.sealing import open_from
from casework.usecases.base import Env, allow, get, use_case


@dataclass(frozen=True)
class ItemView:
    id: int
    track: str
    need: str
    service: str | None
    programme: str | None
    programme_name: dict[str, str]  # by language
    person_name: str | None   # who a welfare item is for
    kept: bool


@dataclass(frozen=True)
class PlanView:
    id: int
    household_id: int
    village_code: str
    house_no: str
    group: int | None
    status: str
    case_ref: str | None
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class Sent:
    """A referral made, and who hears of it: the agency's staff and group chats (sent), the
    household (asked to consent), or the area's coordinators (no agency covers it)."""

    referral: ReferralView
    staff: tuple[Recipient, ...] = ()
    groups: tuple[Recipient, ...] = ()
    coordinators: tuple[Recipient, ...] = ()
    household: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class Approved:
    plan: PlanView
    case_refs: tuple[str, ...]
    sent: tuple[Sent, ...]


def _household(env: Env, actor: Actor, household_id: int | None) -> Household:
    household = get(env, Household, household_id)
    allow(actor.account_id is not None and authorization.can_plan(actor, household.village_code))
    return household


def _plan(env: Env, actor: Actor, plan_id: int | None) -> tuple[Plan, Household]:
    plan = get(env, Plan, plan_id)
    return plan, _household(env, actor, plan.household_id)


def view(env: Env, plan: Plan, household: Household) -> PlanView:
    members = {member.person_id: member.name
               for member in registry.view(env.session, env.sealer, household, env.today).members}
    case = env.session.get(Case, plan.case_id) if plan.case_id else None
    house_no = str(open_from(env.sealer, household, "address").get("house_no") or "")
    return PlanView(plan.id, household.id, household.village_code, house_no, household.poverty_group, plan.status,
                    case.ref if case else None,
                    tuple(ItemView(item.id, item.track, item.need, item.service, item.programme,
                                   _programme_name(env, item.programme),
                                   members.get(item.person_id) if item.person_id else None, item.kept)
                          for item in plans.items_of(env.session, plan.id)))


def _programme_name(env: Env, programme_id: str | None) -> dict[str, str]:
    programme = env.rules.programme(programme_id) if programme_id else None
    return dict(programme.name) if programme is not None else {}


def sent_to(env: Env, referral: Referral) -> Sent:
    """Who hears of a referral just made, routed or consented to, by where it now waits."""
    shown = referrals.view(env.session, env.sealer, referral, env.today, steps=0, rules=env.rules)
    if referral.status == referrals.SENT and referral.agency_id is not None:
        staff, groups = referrals.agency_recipients(env.session, referral.agency_id, referral.village_code)
        return Sent(shown, staff=tuple(staff), groups=tuple(groups),
                    household=tuple(referrals.household_recipients(env.session, referral.household_id)))
    if referral.status == referrals.ROUTING:
        return Sent(shown, coordinators=tuple(referrals.coordinator_recipients(env.session, referral.village_code)))
    return Sent(shown, household=tuple(referrals.household_recipients(env.session, referral.household_id)))


@use_case
def propose(env: Env, actor: Actor, household_id: int | None, case_id: int | None = None) -> PlanView:
    """A new plan for a verified household (made from one of its requests, ``case_id``,
    which the plan's first kept item for its need then takes over)."""
    household = _household(env, actor, household_id)
    case = None
    if case_id is not None:
        case = get(env, Case, case_id)
        allow(case.household_id == household.id)
    if household.status != "verified":
        raise PlanError("not_verified")
    plan = plans.make(env.session, env.sealer, env.rules, household, case=case, by=actor.account_id or 0,
                      actor=actor.label, now=env.now, today=env.today)
    return view(env, plan, household)


@use_case
def show(env: Env, actor: Actor, plan_id: int | None) -> PlanView:
    plan, household = _plan(env, actor, plan_id)
    return view(env, plan, household)


@use_case
def keep_item(env: Env, actor: Actor, item_id: int | None, kept: bool) -> PlanView:
    item = get(env, PlanItem, item_id)
    plan, household = _plan(env, actor, item.plan_id)
    plans.keep(env.session, env.sealer, plan, item.id, kept, actor=actor.label, area_code=household.village_code,
               now=env.now)
    return view(env, plan, household)


@use_case
def approve(env: Env, actor: Actor, plan_id: int | None) -> Approved:
    plan, household = _plan(env, actor, plan_id)
    approved = plans.approve(env.session, env.sealer, plan, by=actor.account_id or 0, actor=actor.label,
                             now=env.now)
    return Approved(view(env, plan, household), tuple(case.ref for case in approved.cases),
                    tuple(sent_to(env, referral) for referral in approved.referrals))
