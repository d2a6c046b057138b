"""Agencies whose staff receive referrals, their services and areas: changed by an
operator at the command line (one agency at a time, or a whole data file)."""
from __future__ import annotations

from sqlalchemy import select

from casework import agencies, audit, authorization
from casework.agencies import AgencySpec
from casework.authorization import Actor
from casework.models import Agency
from casework.errors import Refused
from casework.usecases.base import Env, allow, use_case


@use_case
def add(env: Env, actor: Actor, code: str, name: str, kind: str | None = None) -> bool:
    """Add agency ``code`` (e.g. PSDHS-46); False, and nothing changed, if it was already there."""
    allow(authorization.can_administer(actor), "no_role")
    if kind is not None and kind not in agencies.KINDS:
        raise Refused("bad_kind")
    if env.session.scalar(select(Agency).where(Agency.code == code)) is not None:
        return False
    env.session.add(Agency(code=code, name=name, kind=kind, created_at=env.now))
    audit.record(env.session, env.sealer, actor=actor.label, action="agency.created", entity="agency",
                 entity_id=code, area_code=None, now=env.now, changes={"name": [None, name], "kind": [None, kind]})
    return True


@use_case
def load(env: Env, actor: Actor, specs: list[AgencySpec]) -> dict[str, str]:
    """Create or update every agency in ``specs`` (read whole from a data file); agencies
    not named are left as they are. Each agency's outcome by code: created, updated, unchanged."""
    allow(authorization.can_administer(actor), "no_role")
    return {spec.code: agencies.apply(env.session, env.sealer, spec, actor=actor.label, now=env.now)
            for spec in specs}


@use_case
def registered(env: Env, actor: Actor) -> list[AgencySpec]:
    """Every agency with its kind, services and areas, by code."""
    allow(authorization.can_administer(actor), "no_role")
    return [agencies.spec_of(env.session, agency)
            for agency in env.session.scalars(select(Agency).order_by(Agency.code))]
