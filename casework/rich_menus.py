"""Which LINE rich menu a person gets: one per role and language, made by
``kaejon richmenu sync`` and stored under its key (``leader``, ``leader.en``)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from casework.models import RichMenu

DEFAULT_LANGUAGE = "th"


def key(role: str, language: str) -> str:
    """A menu's stored key: its role, and its language after a dot unless it is Thai."""
    return role if language == DEFAULT_LANGUAGE else f"{role}.{language}"


def split(menu_key: str) -> tuple[str, str]:
    """The role and language of a key made by ``key``."""
    role, _, language = menu_key.partition(".")
    return role, language or DEFAULT_LANGUAGE


def menu_id(session: Session, role: str, language: str) -> str | None:
    """The LINE id of ``role``'s menu in ``language``, else in Thai; None before a sync."""
    row = session.get(RichMenu, key(role, language)) or session.get(RichMenu, role)
    return row.line_rich_menu_id if row is not None else None
