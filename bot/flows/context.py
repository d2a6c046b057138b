"""What a handler gets for one event: the transaction, the chat, and a way to answer."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from babel.support import NullTranslations

from bot.logs import log
from casework import accounts, chats, outbox, registry
from casework.authorization import ANONYMOUS, Actor
from casework.models import Account, Chat
from casework.unit_of_work import UnitOfWork
from messages.i18n import translator
from messages.line import Message
from messages import staff
from messages.menu import menu_actions


@dataclass
class EventContext:
    uow: UnitOfWork
    event: dict[str, Any]
    inbox_id: int
    occurred_at: datetime
    now: datetime
    chat: Chat | None
    reply_ttl: timedelta = outbox.REPLY_TOKEN_TTL
    _answers: list[Message] = field(default_factory=list, init=False)
    _actor: Actor | None = field(default=None, init=False)

    @property
    def tr(self) -> NullTranslations:
        return translator(self.language)

    @property
    def language(self) -> str:
        return self.chat.language if self.chat else "th"

    @property
    def user_id(self) -> str | None:
        user = self.source.get("userId")
        return user if isinstance(user, str) and user else None

    def account(self, *, create: bool = False) -> Account | None:
        if self.user_id is None:
            return None
        if create:
            return accounts.get_or_create(self.uow.session, self.user_id, self.now)
        return accounts.find(self.uow.session, self.user_id)

    @property
    def actor(self) -> Actor:
        """Who is acting, with the roles granted to them, looked up once per event."""
        if self._actor is None:
            account = self.account()
            if account is None:
                self._actor = ANONYMOUS
            else:
                session = self.uow.session
                self._actor = Actor(account_id=account.id, grants=accounts.grants_of(session, account.id),
                                    households=registry.linked_households(session, account.id))
        return self._actor

    def forget_actor(self) -> None:
        """Roles changed during this event (an invite, a link): look them up again."""
        self._actor = None

    def push(self, line_user_id: str, build: Callable[[NullTranslations], list[Message]]) -> None:
        """Send to someone else, in their own chat's language, through the outbox."""
        chat = chats.find(self.uow.session, line_user_id)
        outbox.enqueue(self.uow.session, self.uow.sealer, recipient=line_user_id,
                       messages=build(translator(chat.language if chat else "th")), now=self.now,
                       source_event_id=self.inbox_id)

    def refuse(self, action: str, reason: str) -> str:
        """Say no without saying why (one log line says why), and offer the menu."""
        log("refused", level=logging.WARNING, action=action, reason=reason, account=self.actor.account_id)
        self.answer(staff.refused(self.tr, self.quick()))
        return f"refused_{action}"

    def quick(self) -> list[Message]:
        """The menu as quick replies, for this person's roles."""
        roles = set(self.actor.roles)
        if self.actor.households:
            roles.add("household")
        if not roles:
            roles.add("guest")
        return menu_actions(self.tr, roles)

    @property
    def source(self) -> dict[str, Any]:
        source = self.event.get("source")
        return source if isinstance(source, dict) else {}

    def answer(self, messages: list[Message]) -> None:
        """Answer in this chat. Everything answered during one event goes out together
        when the handler is done (``flush``): one reply for the first five messages
        while the event's token lasts, pushes for the rest or when it is stale."""
        if self.chat is not None:
            self._answers.extend(messages)

    def flush(self) -> None:
        """Queue the answers in the outbox, in this event's transaction: sent only if
        the handling commits, and once."""
        if self.chat is None or not self._answers:
            return
        token = self.event.get("replyToken")
        outbox.enqueue(
            self.uow.session,
            self.uow.sealer,
            recipient=self.chat.line_id,
            messages=self._answers,
            now=self.now,
            reply_token=token if isinstance(token, str) and token else None,
            reply_deadline=self.occurred_at + self.reply_ttl,
            source_event_id=self.inbox_id,
        )
        self._answers = []
