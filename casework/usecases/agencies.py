"""Agencies whose staff receive referrals: added by an operator at the command line."""
from __future__ import annotations

from sqlalchemy import select

from casework import audit, authorization
from casework.authorization import Actor
from casework.models import Agency
from casework.usecases.base import Env, allow, use_case


@use_case
def add(env: Env, actor: Actor, code: str, name: str) -> bool:
    """Add agency ``code`` (e.g. PSDHS-46); False, and nothing changed, if it was already there."""
    allow(authorization.can_administer(actor), "no_role")
    if env.session.scalar(select(Agency).where(Agency.code == code)) is not None:
        return False
    env.session.add(Agency(code=code, name=name, created_at=env.now))
    audit.record(env.session, env.sealer, actor=actor.label, action="agency.created", entity="agency",
                 entity_id=code, area_code=None, now=env.now, changes={"name": [None, name]})
    return True
