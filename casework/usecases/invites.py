"""Invites: an operator makes a one-time code for a staff role over an area; the person
sends it in their chat and has the role. Wrong codes are counted and, past a few an
hour, refused without being looked up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from casework import accounts, audit, authorization, rich_menus
from casework.authorization import Actor
from casework.usecases.base import Env, allow, use_case

ATTEMPTS_PER_HOUR = 5  # from one account
ATTEMPTS_PER_HOUR_SERVICE = 200  # from every account together: many accounts guessing get nowhere either
FAILED = "invite.failed"


@dataclass(frozen=True)
class Redeemed:
    """The role granted (and the rich menu to link, once synced); or, for a wrong code,
    ``problem``: unknown, used, expired or too_many."""

    role: str | None = None
    area_code: str | None = None
    rich_menu_id: str | None = None
    problem: str | None = None


@use_case
def create(env: Env, actor: Actor, role: str, area_code: str, name: str, agency_code: str | None = None,
           days: int = 7, supervisor: bool = False) -> str:
    """A code for ``role`` over ``area_code``, shown once (only its keyed hash is kept)."""
    allow(authorization.can_administer(actor), "no_role")
    code = accounts.create_invite(env.session, env.sealer, role=role, area_code=area_code, name=name, now=env.now,
                                  created_by=actor.label, agency_code=agency_code, ttl=timedelta(days=days),
                                  supervisor=supervisor)
    audit.record(env.session, env.sealer, actor=actor.label, action="invite.created", entity="invite",
                 entity_id=role, area_code=area_code, now=env.now,
                 changes={"role": [None, role], "name": [None, name]}
                 | ({"supervisor": [None, True]} if supervisor else {}))
    return code


@use_case
def redeem(env: Env, actor: Actor, code: str, language: str = rich_menus.DEFAULT_LANGUAGE) -> Redeemed:
    """Spend a code typed in chat. A wrong one is an answer, not a refusal: its failure is
    kept (audited), since the count of failures is what throttles guessing. The role's rich
    menu is the one in the chat's ``language``."""
    allow(actor.line_user_id is not None)
    account = accounts.get_or_create(env.session, actor.line_user_id, env.now)
    who = f"account:{account.id}"
    since = env.now - timedelta(hours=1)
    if (audit.count_since(env.session, FAILED, since, actor=who) >= ATTEMPTS_PER_HOUR
            or audit.count_since(env.session, FAILED, since) >= ATTEMPTS_PER_HOUR_SERVICE):
        return Redeemed(problem="too_many")
    try:
        with env.session.begin_nested():
            invite = accounts.redeem_invite(env.session, env.sealer, code, account, env.now)
    except accounts.InviteError as error:
        audit.record(env.session, env.sealer, actor=who, action=FAILED, entity="account",
                     entity_id=account.id, area_code=None, now=env.now)
        return Redeemed(problem=error.reason)
    audit.record(env.session, env.sealer, actor=who, action="role.granted", entity="account", entity_id=account.id,
                 area_code=invite.area_code, now=env.now,
                 changes={"role": [None, invite.role], "area": [None, invite.area_code]})
    return Redeemed(role=invite.role, area_code=invite.area_code,
                    rich_menu_id=rich_menus.menu_id(env.session, invite.role, language))
