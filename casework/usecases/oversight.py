"""What coordinators oversee in their areas: the log of recent changes, and the open
tasks (a household's request to correct or erase its data) waiting for them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casework import audit, authorization, registry
from casework.audit import Change
from casework.authorization import Actor
from casework.models import Person
from casework.sealing import open_from
from casework.usecases.base import Env, allow, use_case

LOG_SIZE = 20


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
    """Open tasks in the coordinator's areas, the soonest due first, with what a request to
    correct says is wrong."""
    found = []
    for task in registry.open_tasks(env.session, _scopes(actor)):
        if not authorization.can_handle_tasks(actor, task.area_code):
            continue
        details = open_from(env.sealer, task, "details") or {}
        person = env.session.get(Person, details["person_id"]) if details.get("person_id") else None
        name = (open_from(env.sealer, person, "name") or {}) if person is not None else None
        whose = " ".join(filter(None, (name.get("first"), name.get("last")))) if name is not None else None
        found.append(OpenTask(task.kind, task.household_id, task.due_at, details.get("field"), whose,
                              details.get("value"), bool(details.get("photo"))))
    return found
