"""Accounts, role grants and the invite codes that create them."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import literal, select, update
from sqlalchemy.orm import Session

from casework import areas
from casework.crypto import Sealer
from casework.errors import Refused
from casework.models import Account, Agency, Invite, RoleGrant, Village
from casework.thai_input import compact

ROLES = ("household", "leader", "coordinator", "agency")
STAFF_ROLES = ("leader", "coordinator", "agency")
INVITE_TTL = timedelta(days=7)
INVITE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # nothing that reads as another character
INVITE_PREFIX = "KJ"
# Where each role may be scoped, by code length: a leader works in villages or a sub-district.
ROLE_SCOPES = {"leader": (8, 6), "coordinator": (6, 4, 2), "agency": (8, 6, 4, 2), "household": (8,)}


class InviteError(Refused):
    """``reason``: unknown, expired, used, bad_role, bad_area, no_agency."""


@dataclass(frozen=True)
class Grant:
    role: str
    area_code: str
    agency_id: int | None = None


def get_or_create(session: Session, line_user_id: str, now: datetime) -> Account:
    account = session.scalar(select(Account).where(Account.line_user_id == line_user_id))
    if account is None:
        account = Account(line_user_id=line_user_id, created_at=now)
        session.add(account)
        session.flush()
    return account


def find(session: Session, line_user_id: str) -> Account | None:
    return session.scalar(select(Account).where(Account.line_user_id == line_user_id))


def find_all(session: Session, line_user_ids: set[str]) -> dict[str, Account]:
    """The accounts of these LINE users that have one, in one query."""
    if not line_user_ids:
        return {}
    return {account.line_user_id: account
            for account in session.scalars(select(Account).where(Account.line_user_id.in_(line_user_ids)))}


def grants_of(session: Session, account_id: int) -> tuple[Grant, ...]:
    rows = session.execute(
        select(RoleGrant.role, RoleGrant.area_code, RoleGrant.agency_id)
        .where(RoleGrant.account_id == account_id, RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.id)
    )
    return tuple(Grant(role, area, agency) for role, area, agency in rows)


def grant(session: Session, account_id: int, role: str, area_code: str, now: datetime, *,
          by: str, agency_id: int | None = None, supervisor: bool = False) -> RoleGrant:
    existing = session.scalar(select(RoleGrant).where(
        RoleGrant.account_id == account_id, RoleGrant.role == role, RoleGrant.area_code == area_code,
        RoleGrant.revoked_at.is_(None)))
    if existing is not None:
        existing.supervisor = existing.supervisor or supervisor
        return existing
    row = RoleGrant(account_id=account_id, role=role, area_code=area_code, agency_id=agency_id,
                    supervisor=supervisor, granted_at=now, granted_by=by[:64])
    session.add(row)
    session.flush()
    return row


def area_exists(session: Session, code: str) -> bool:
    if areas.level_of(code) == "village":
        return session.get(Village, code) is not None
    return areas.official(code) is not None


def normalize_invite(text: str) -> str:
    return "".join(ch for ch in compact(text) if ch.isalnum())


def looks_like_invite(text: str) -> bool:
    code = normalize_invite(text)
    return code.startswith(INVITE_PREFIX) and len(code) == len(INVITE_PREFIX) + 8


def create_invite(session: Session, sealer: Sealer, *, role: str, area_code: str, name: str, now: datetime,
                  created_by: str, agency_code: str | None = None, ttl: timedelta = INVITE_TTL,
                  supervisor: bool = False) -> str:
    """Make a one-time code; only its keyed hash is stored, so it is shown once, here."""
    if role not in STAFF_ROLES:
        raise InviteError("bad_role")
    if len(area_code) not in ROLE_SCOPES[role] or not area_exists(session, area_code):
        raise InviteError("bad_area")
    agency_id = None
    if role == "agency":
        agency = session.scalar(select(Agency).where(Agency.code == (agency_code or "")))
        if agency is None:
            raise InviteError("no_agency")
        agency_id = agency.id
    body = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
    code = f"{INVITE_PREFIX}-{body[:4]}-{body[4:]}"
    session.add(Invite(code_hash=sealer.fingerprint(normalize_invite(code)), role=role, area_code=area_code,
                       agency_id=agency_id, supervisor=supervisor and agency_id is not None,
                       name=name.strip()[:120], created_at=now, expires_at=now + ttl, created_by=created_by[:64]))
    session.flush()
    return code


def redeem_invite(session: Session, sealer: Sealer, code: str, account: Account, now: datetime) -> Invite:
    """Spend the code: the account gets the invite's role over its area, once."""
    invite = session.scalar(select(Invite).where(Invite.code_hash.in_(sealer.fingerprints(normalize_invite(code)))))
    if invite is None:
        raise InviteError("unknown")
    if invite.used_at is not None:
        raise InviteError("used")
    if invite.expires_at <= now:
        raise InviteError("expired")
    spent = session.execute(update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None))
                            .values(used_at=now, used_by=account.id))
    if spent.rowcount != 1:
        raise InviteError("used")
    grant(session, account.id, invite.role, invite.area_code, now, by=f"invite:{invite.id}",
          agency_id=invite.agency_id, supervisor=invite.supervisor)
    if not account.display_name:
        account.display_name = invite.name
    return invite



def staff_covering(session: Session, area_code: str, role: str, limit: int = 20) -> list[Account]:
    """Accounts holding ``role`` over an area that contains ``area_code`` (prefix match)."""
    covering = literal(area_code).startswith(RoleGrant.area_code)
    return list(session.scalars(
        select(Account).join(RoleGrant, RoleGrant.account_id == Account.id)
        .where(RoleGrant.role == role, RoleGrant.revoked_at.is_(None), covering)
        .order_by(Account.id).distinct().limit(limit)))
