"""The LINE chats Kaejon talks to, and whether it may still write to them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import Chat

KINDS = ("user", "group", "room")


@dataclass(frozen=True)
class Recipient:
    """Someone to push news to: their LINE id and their chat's language."""

    line_id: str
    language: str


def find(session: Session, line_id: str) -> Chat | None:
    return session.scalar(select(Chat).where(Chat.line_id == line_id))


def get_or_create(session: Session, line_id: str, kind: str, now: datetime) -> Chat:
    return get_or_create_all(session, {line_id: kind}, now)[line_id]


def get_or_create_all(session: Session, kinds: dict[str, str], now: datetime) -> dict[str, Chat]:
    """The chats of these LINE ids (id -> "user", "group" or "room"), creating the new ones:
    one query and at most one insert for a worker's whole batch of events."""
    if not kinds:
        return {}
    found = {chat.line_id: chat for chat in session.scalars(select(Chat).where(Chat.line_id.in_(kinds)))}
    new = [Chat(line_id=line_id, kind=kind if kind in KINDS else "user", active=True, language="th",
                created_at=now) for line_id, kind in kinds.items() if line_id not in found]
    if new:
        session.add_all(new)
        session.flush()
        found.update((chat.line_id, chat) for chat in new)
    return found


def opened(chat: Chat, now: datetime) -> None:
    """The user followed (or unblocked) the bot, or it joined a group or room."""
    chat.active = True
    chat.followed_at = now
    chat.left_at = None


def closed(chat: Chat, now: datetime) -> None:
    """Unfollowed, blocked, or removed from the group: no more pushes."""
    chat.active = False
    chat.left_at = now


def set_language(chat: Chat, language: str) -> None:
    chat.language = language
