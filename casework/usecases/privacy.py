"""What a person decides about their data and sees of it: the privacy notice answered in
chat, their household's record as Kaejon keeps it, and a request to correct or erase it
(a task for the area's coordinator, answered within 30 days)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from casework import accounts, audit, authorization, cases, consent, erasure, registry, unsent
from casework.authorization import Actor
from casework.chats import Recipient
from casework.referrals import coordinator_recipients
from casework.models import Case, Household, Task
from casework.registry import HouseholdView
from casework.usecases.base import Env, allow, get, own_household, use_case


@dataclass(frozen=True)
class MyData:
    """The household as its own LINE sees it, and the consent decisions on record."""

    view: HouseholdView
    consents: list[tuple[str, str]]


@use_case
def notice_due(env: Env, actor: Actor) -> bool:
    """True while this person has not answered the current privacy notice (declining is an answer)."""
    return actor.account_id is None or consent.latest(env.session, scope="personal",
                                                      account_id=actor.account_id) is None


@use_case
def decide(env: Env, actor: Actor, accepted: bool) -> bool:
    """Accept or decline the privacy notice from one's own LINE; deciding makes the account
    the decision is kept against. Returns ``accepted``."""
    allow(actor.line_user_id is not None)
    account = accounts.get_or_create(env.session, actor.line_user_id, env.now)
    decision = consent.ACCEPTED if accepted else consent.DECLINED
    if consent.latest(env.session, scope="personal", account_id=account.id) == decision:
        return accepted  # the same answer again (a double tap) is no new decision
    consent.record(env.session, scope="personal", decision=decision, channel="chat", now=env.now,
                   account_id=account.id)
    audit.record(env.session, env.sealer, actor=f"account:{account.id}", action="consent.personal",
                 entity="account", entity_id=account.id, area_code=None, now=env.now,
                 changes={"decision": [None, decision]})
    return accepted


@use_case
def my_data(env: Env, actor: Actor) -> MyData:
    household = own_household(env, actor)
    decisions = [("personal", consent.latest(env.session, scope="personal", account_id=actor.account_id)),
                 ("sensitive", consent.latest(env.session, scope="sensitive", household_id=household.id))]
    return MyData(view=registry.view(env.session, env.sealer, household, env.today),
                  consents=[(scope, decision) for scope, decision in decisions if decision])


@dataclass(frozen=True)
class ChangeRequested:
    """When the answer is due, and who must act on it: the area's coordinators."""

    due_at: datetime
    kind: str
    village_code: str
    tell: tuple[Recipient, ...]


@use_case
def request_change(env: Env, actor: Actor, kind: str) -> ChangeRequested:
    """Ask the coordinator to correct or erase (``kind``) the household's data; the date
    the answer is due, and the coordinators to tell. ``Refused("bad_request")`` for any other kind."""
    household = own_household(env, actor)
    task = registry.request_change(env.session, env.sealer, household=household, account_id=actor.account_id,
                                   kind=kind, now=env.now)
    return ChangeRequested(task.due_at, kind, household.village_code,
                           tuple(coordinator_recipients(env.session, household.village_code)))


@use_case
def erase_household(env: Env, actor: Actor, household_id: int) -> erasure.Erased:
    """Carry out the household's open erasure request: its personal data is erased
    (docs/privacy.md says what is kept) and the request's task is closed.
    ``Refused("no_request")`` unless the household asked for erasure."""
    household = get(env, Household, household_id)
    allow(authorization.can_erase(actor, household.village_code))
    tasks = list(env.session.scalars(select(Task).where(
        Task.household_id == household.id, Task.kind == "data_erase", Task.status == "open")))
    allow(bool(tasks), "no_request")
    result = erasure.erase_household(env.session, env.sealer, household, actor=actor.label, now=env.now)
    for task in tasks:
        task.status = "done"
        task.resolved_at = env.now
        task.resolved_by = actor.account_id
    return result


@use_case
def forget_unsent(env: Env, actor: Actor, chat_line_id: str, line_message_id: str) -> int:
    """The sender took message ``line_message_id`` back: its stored event, any photo fetched
    from it and its words in the requests of the sender's households are erased; how many
    things were. The event is LINE's, signed, and only the sender can unsend a message; what is
    erased is limited to that chat's events and the actor's own households' requests."""
    erased = unsent.forget(env.session, env.sealer, chat_line_id, line_message_id, env.now)
    for household_id in actor.households:
        household = env.session.get(Household, household_id)
        for case in env.session.scalars(select(Case).where(Case.household_id == household_id,
                                                           Case.details.is_not(None))):
            erased += cases.forget_message(env.session, env.sealer, case, line_message_id[:32],
                                           area_code=household.village_code if household else "", now=env.now)
    return erased
