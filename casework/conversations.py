"""A chat's place in a multi-step conversation, sealed (it holds answers) and shared
by every worker process, so a leader can stop a questionnaire and resume later."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.models import Conversation


def load(session: Session, sealer: Sealer, chat_id: str) -> tuple[str, dict[str, Any]] | None:
    row = session.get(Conversation, chat_id)
    if row is None:
        return None
    return row.flow, sealer.open_json(row.state)


def save(session: Session, sealer: Sealer, chat_id: str, flow: str, state: dict[str, Any], now: datetime) -> None:
    row = session.get(Conversation, chat_id)
    if row is None:
        session.add(Conversation(chat_id=chat_id, flow=flow, state=sealer.seal_json(state), updated_at=now))
    else:
        row.flow, row.state, row.updated_at = flow, sealer.seal_json(state), now


def clear(session: Session, chat_id: str) -> None:
    row = session.get(Conversation, chat_id)
    if row is not None:
        session.delete(row)


def interrupt(session: Session, sealer: Sealer, chat_id: str, flow: str, state: dict[str, Any], now: datetime
              ) -> None:
    """Start a short flow (a note, a correction) without losing the one it interrupts."""
    current = load(session, sealer, chat_id)
    if current is None:
        previous = None
    elif current[0] == flow:  # the same short flow again: keep what it interrupted
        previous = current[1].get("_previous")
    else:
        previous = [current[0], current[1]]
    save(session, sealer, chat_id, flow, {**state, "_previous": previous}, now)


def resume(session: Session, sealer: Sealer, chat_id: str, now: datetime) -> None:
    """End the short flow and go back to the one it interrupted, if any."""
    current = load(session, sealer, chat_id)
    previous = current[1].get("_previous") if current is not None else None
    if previous:
        save(session, sealer, chat_id, previous[0], previous[1], now)
    else:
        clear(session, chat_id)


def let_go(session: Session, sealer: Sealer, flows: tuple[str, ...], before: datetime, now: datetime) -> int:
    """End the short flows (``flows``) nobody has touched since ``before``, going back to
    what each interrupted: their answers are needed only while someone is answering."""
    stale = session.scalars(select(Conversation.chat_id).where(
        Conversation.flow.in_(flows), Conversation.updated_at < before)).all()
    for chat_id in stale:
        resume(session, sealer, chat_id, now)
    return len(stale)
