"""What a handler gets for one event: the transaction, the chat, and a way to answer."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from babel.support import NullTranslations

from casework import outbox
from casework.models import Chat
from casework.unit_of_work import UnitOfWork
from messages.i18n import translator
from messages.line import Message


@dataclass
class EventContext:
    uow: UnitOfWork
    event: dict[str, Any]
    inbox_id: int
    occurred_at: datetime
    now: datetime
    chat: Chat | None
    reply_ttl: timedelta = outbox.REPLY_TOKEN_TTL
    _replied: bool = field(default=False, init=False)

    @property
    def tr(self) -> NullTranslations:
        return translator(self.chat.language if self.chat else "th")

    @property
    def source(self) -> dict[str, Any]:
        source = self.event.get("source")
        return source if isinstance(source, dict) else {}

    def answer(self, messages: list[Message]) -> None:
        """Answer in this chat: by reply while the event's token lasts, else by push.

        The messages go to the outbox in this event's transaction, so they are sent
        only if the handling commits, and once.
        """
        if self.chat is None or not messages:
            return
        token = self.event.get("replyToken") if not self._replied else None
        outbox.enqueue(
            self.uow.session,
            self.uow.sealer,
            recipient=self.chat.line_id,
            messages=messages,
            now=self.now,
            reply_token=token if isinstance(token, str) and token else None,
            reply_deadline=self.occurred_at + self.reply_ttl,
            source_event_id=self.inbox_id,
        )
        self._replied = True
