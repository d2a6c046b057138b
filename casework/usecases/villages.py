"""Villages (muban) under the sub-districts geothai knows: added by a coordinator in
chat for their own area, or by an operator at the command line for any."""
from __future__ import annotations

from casework import areas, authorization, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.usecases.base import Env, allow, use_case


@use_case
def begin(env: Env, actor: Actor) -> None:
    """Ask for a village to add: only someone who may add villages somewhere."""
    allow(bool(actor.areas("coordinator")) or authorization.can_administer(actor), "no_role")


@use_case
def add(env: Env, actor: Actor, code: str, name: str) -> bool:
    """Add village ``code`` (8 digits: a known sub-district and a number 01-99) with its
    name; False if it was already there. ``Refused("bad_village")`` for a malformed code."""
    if areas.village_parent(code) is None:
        raise Refused("bad_village")
    allow(authorization.can_add_village(actor, code))
    return registry.add_village(env.session, env.sealer, code=code, name=name, actor=actor.label, now=env.now)
