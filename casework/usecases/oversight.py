"""What coordinators oversee in their areas: the log of recent changes, and the open
tasks (a household's request to correct or erase its data) waiting for them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from casework import audit, authorization, registry
from casework.audit import Change
from casework.authorization import Actor
from casework.cases import name_of
from casework.chats import Recipient
from casework.errors import AlreadyDone
from casework.models import Account, Agency, Case, Household, HouseholdLink, Person, Plan, Referral, RoleGrant, Task
from casework.referrals import account_recipients
from casework.registry import HouseholdView
from casework.sealing import open_from
from casework.usecases.base import Env, allow, get, use_case

LOG_SIZE = 20
OWNED_BY_HOUSEHOLD = {"case": Case, "referral": Referral, "plan": Plan, "person": Person}


@dataclass(frozen=True)
class OpenTask:
    """A request waiting for the coordinator; for a request to correct, what the household
    said is wrong: whose (a member's name; None for the household itself), which field
    (``casework.usecases.privacy`` names them), the right value, and whether a photo came."""

    kind: str
    household_id: int | None
    due_at: datetime
    field: str | None = None
    whose: str | None = None
    value: str | None = None
    photo: bool = False
    id: int = 0
    created_at: datetime | None = None
    household: HouseholdView | None = None   # the house, village and masked head, as lists show them
    details: str = ""                        # the household's own words, if it wrote any


@dataclass(frozen=True)
class LogEntry:
    """One audit entry as the chat tells it: who (a name the reader may see, and their role),
    what, to which household, and the changed fields (an agency by its name)."""

    change: Change
    who: str = ""                              # "" for the system, the clock, an import
    role: str | None = None
    operator: bool = False                     # someone at the command line
    household: HouseholdView | None = None
    changes: dict[str, list] = field(default_factory=dict)  # type: ignore[type-arg]


def _scopes(actor: Actor) -> tuple[str, ...]:
    scopes = actor.areas("coordinator")
    allow(bool(scopes), "no_role")
    return scopes


def _household_of(env: Env, change: Change) -> int | None:
    if change.entity == "household":
        return int(change.entity_id) if change.entity_id.isdigit() else None
    model = OWNED_BY_HOUSEHOLD.get(change.entity)
    if model is None or not change.entity_id.isdigit():
        return None
    return env.session.scalar(select(model.household_id).where(model.id == int(change.entity_id)))


def _who(env: Env, actor_label: str) -> tuple[str, str | None, bool]:
    kind, _colon, rest = actor_label.partition(":")
    if kind == "account" and rest.isdigit():
        account = env.session.get(Account, int(rest))
        role = env.session.scalar(select(RoleGrant.role).where(
            RoleGrant.account_id == int(rest), RoleGrant.revoked_at.is_(None)).order_by(RoleGrant.id).limit(1))
        if role is None and env.session.scalar(select(HouseholdLink.id).where(
                HouseholdLink.account_id == int(rest), HouseholdLink.status == "linked").limit(1)) is not None:
            role = "household"  # the household itself, in its own chat (its LINE name is not kept)
        return (account.display_name if account is not None else ""), role, False
    return "", None, kind == "cli"


@use_case
def changes_log(env: Env, actor: Actor) -> list[LogEntry]:
    """The latest changes across the coordinator's areas, newest first, each with who made
    it and the household it concerns."""
    changes = [change for scope in _scopes(actor) if authorization.can_read_audit(actor, scope)
               for change in audit.history(env.session, env.sealer, area_prefix=scope, limit=LOG_SIZE)]
    changes.sort(key=lambda change: change.at, reverse=True)
    changes = changes[:LOG_SIZE]
    household_ids = [_household_of(env, change) for change in changes]
    found = env.session.scalars(select(Household).where(
        Household.id.in_({hid for hid in household_ids if hid is not None}))).all()
    views = {view.id: view for view in registry.views(env.session, env.sealer, found, env.today)}
    people = {label: _who(env, label) for label in {change.actor for change in changes}}  # once per person
    agencies = _agency_names(env, changes)
    entries = []
    for change, hid in zip(changes, household_ids):
        who, role, operator = people[change.actor]
        changed = dict(change.changes)
        if isinstance(changed.get("agency"), list):
            changed["agency"] = [agencies.get(code, "(set)") if code else code for code in changed["agency"]]
        entries.append(LogEntry(change, who, role, operator, views.get(hid) if hid is not None else None, changed))
    return entries


def _agency_names(env: Env, changes: list[Change]) -> dict[str, str]:
    """The names of the agencies the changes name by code; a reader knows an agency by its name."""
    codes = {code for change in changes if isinstance(change.changes.get("agency"), list)
             for code in change.changes["agency"] if code}
    if not codes:
        return {}
    return dict(env.session.execute(select(Agency.code, Agency.name).where(Agency.code.in_(codes))).all())


@use_case
def open_tasks(env: Env, actor: Actor) -> list[OpenTask]:
    """Open tasks in the coordinator's areas, the soonest due first, with the household each is
    for and what a request to correct says is wrong."""
    tasks = [task for task in registry.open_tasks(env.session, _scopes(actor))
             if authorization.can_handle_tasks(actor, task.area_code)]
    found = env.session.scalars(select(Household).where(
        Household.id.in_({task.household_id for task in tasks if task.household_id is not None}))).all()
    views = {view.id: view for view in registry.views(env.session, env.sealer, found, env.today)}
    listed = []
    for task in tasks:
        details = open_from(env.sealer, task, "details") or {}
        person = env.session.get(Person, details["person_id"]) if details.get("person_id") else None
        whose = registry.full_name(open_from(env.sealer, person, "name")) if person is not None else None
        listed.append(OpenTask(task.kind, task.household_id, task.due_at, details.get("field"), whose,
                               details.get("value"), bool(details.get("photo")), id=task.id,
                               created_at=task.created_at,
                               household=views.get(task.household_id) if task.household_id is not None else None,
                               details=str(details.get("text") or "")))
    return listed


@dataclass(frozen=True)
class TaskDone:
    """A request marked done: what it was, when the household asked, and who asked (to tell)."""

    kind: str
    asked_at: datetime
    tell: tuple[Recipient, ...]


@use_case
def finish_task(env: Env, actor: Actor, task_id: int | None) -> TaskDone:
    """The coordinator has done what a household asked (a correction): the task is closed, and
    the person who asked is to be told. A second tap: ``AlreadyDone`` with who closed it and when.
    Erasure closes its own task when carried out, never by a tap."""
    task = get(env, Task, task_id)
    allow(authorization.can_handle_tasks(actor, task.area_code) and actor.account_id is not None
          and task.kind != "data_erase")
    if task.status != "open":
        raise AlreadyDone("already_handled", by=name_of(env.session, task.resolved_by), at=task.resolved_at,
                          mine=task.resolved_by == actor.account_id)
    task.status, task.resolved_at, task.resolved_by = "done", env.now, actor.account_id
    audit.record(env.session, env.sealer, actor=actor.label, action="task.done", entity="household",
                 entity_id=task.household_id or "-", area_code=task.area_code, now=env.now,
                 changes={"status": ["open", "done"], "task": [None, task.kind]})
    asker = [task.account_id] if task.account_id is not None else []
    return TaskDone(task.kind, task.created_at, tuple(account_recipients(env.session, asker)))
