"""Timelines in chat: a household's, for the leaders and coordinators of its area; a
case's, for them and for the household it belongs to (without staff's own notes)."""
from __future__ import annotations

from casework import authorization, timeline
from casework.authorization import Actor
from casework.models import Case, Household
from casework.timeline import Scope, Timeline
from casework.usecases.base import Env, allow, get, use_case


@use_case
def of_household(env: Env, actor: Actor, household_id: int | None, page: int = 0) -> Timeline:
    household = get(env, Household, household_id)
    allow(actor.account_id is not None and authorization.can_check(actor, household.village_code))
    return timeline.read(env.session, env.sealer, Scope(household.id, None, private=True), page)


@use_case
def of_case(env: Env, actor: Actor, case_id: int | None, page: int = 0) -> Timeline:
    case = get(env, Case, case_id)
    household = get(env, Household, case.household_id)
    staff = authorization.can_handle_case(actor, household.village_code)
    allow(actor.account_id is not None and (staff or authorization.is_linked_to(actor, household.id)))
    return timeline.read(env.session, env.sealer, Scope(household.id, case.id, private=staff), page)
