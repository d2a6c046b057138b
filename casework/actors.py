"""Who is acting, as the use cases receive them: a LINE user with the roles granted to them
and the households their LINE is linked to, or the operator at the command line. Built
here, from the database, so that no caller assembles roles itself."""
from __future__ import annotations

from sqlalchemy.orm import Session

from casework import accounts, authorization, registry
from casework.authorization import ANONYMOUS, Actor
from casework.models import Account

__all__ = ["Actor", "at_keyboard", "of_account", "of_line_user"]


def of_line_user(session: Session, line_user_id: str | None) -> Actor:
    """The actor behind a LINE user id (anonymous without one; no roles before an account)."""
    if line_user_id is None:
        return ANONYMOUS
    return of_account(session, line_user_id, accounts.find(session, line_user_id))


def of_account(session: Session, line_user_id: str, account: Account | None) -> Actor:
    """The actor behind a LINE user whose account (or None) was already looked up."""
    if account is None:
        return Actor(account_id=None, line_user_id=line_user_id)
    return Actor(account_id=account.id, grants=accounts.grants_of(session, account.id),
                 households=registry.linked_households(session, account.id), line_user_id=account.line_user_id)


def at_keyboard(login: str) -> Actor:
    """The operator at the command line, named in the audit log as ``cli:<login>``."""
    return authorization.operator(f"cli:{login}")
