"""What coordinators oversee in their areas: the log of recent changes, and the open
tasks (a household's request to correct or erase its data) waiting for them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casework import audit, authorization, registry
from casework.audit import Change
from casework.authorization import Actor
from casework.usecases.base import Env, allow, use_case

LOG_SIZE = 20


@dataclass(frozen=True)
class OpenTask:
    kind: str
    household_id: int | None
    due_at: datetime


def _scopes(actor: Actor) -> tuple[str, ...]:
    scopes = actor.areas("coordinator")
    allow(bool(scopes), "no_role")
    return scopes


@use_case
def changes_log(env: Env, actor: Actor) -> list[Change]:
    """The latest changes across the coordinator's areas, newest first."""
    changes = [change for scope in _scopes(actor) if authorization.can_read_audit(actor, scope)
               for change in audit.history(env.session, env.sealer, area_prefix=scope, limit=LOG_SIZE)]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:LOG_SIZE]


@use_case
def open_tasks(env: Env, actor: Actor) -> list[OpenTask]:
    """Open tasks in the coordinator's areas, the soonest due first."""
    return [OpenTask(task.kind, task.household_id, task.due_at)
            for task in registry.open_tasks(env.session, _scopes(actor))
            if authorization.can_handle_tasks(actor, task.area_code)]
