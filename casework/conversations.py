"""A chat's place in a multi-step conversation, sealed (it holds answers) and shared
by every worker process, so a leader can stop a questionnaire and resume later."""
from __future__ import annotations

from datetime import datetime
from typing import Any

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
