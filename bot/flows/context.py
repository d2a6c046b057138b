"""What a handler gets for one event: who is acting, the chat's conversation, the
environment use cases run in, and a way to answer."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from babel.support import NullTranslations

from bot.flows.base import Flows
from casework import accounts, actors, chats, conversations, outbox
from casework.actors import Actor
from casework.conversations import Conversation
from casework.entitlements.rules import Rules
from casework.models import Account, Chat
from casework.chats import Recipient
from casework.unit_of_work import UnitOfWork
from casework.usecases import registration
from casework.usecases.base import Env
from bot.line import transports
from bot.photo_links import PhotoLinks
from messages.i18n import translator
from messages.line import Message
from messages.menu import group_quick_menu, quick_menu


@dataclass(frozen=True)
class Known:
    """What a worker looks up once for a whole batch of events (one event per chat) instead
    of once per event: the users' accounts and the chats' conversations."""

    users: frozenset[str]  # every user looked up; one missing from ``accounts`` has none
    accounts: dict[str, Account]
    conversations: dict[str, Conversation]

    @classmethod
    def look_up(cls, uow: UnitOfWork, users: set[str], chat_ids: set[str]) -> Known:
        return cls(frozenset(users), accounts.find_all(uow.session, users),
                   conversations.load_all(uow.session, uow.sealer, chat_ids))


@dataclass
class EventContext:
    flows: Flows  # every flow and button action, built at start
    rules: Rules  # the welfare rules, loaded at start
    uow: UnitOfWork
    event: dict[str, Any]
    inbox_id: int
    occurred_at: datetime
    now: datetime
    chat: Chat | None
    reply_ttl: timedelta = outbox.REPLY_TOKEN_TTL
    photo_links: PhotoLinks | None = None  # signs the addresses of photos shown as image messages
    known: Known | None = None  # what the worker looked up for its whole batch of events
    _answers: list[Message] = field(default_factory=list, init=False)
    _actor: Actor | None = field(default=None, init=False)
    _standing: registration.Standing | None = field(default=None, init=False)
    _conversation: Conversation | None = field(default=None, init=False)

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

    @property
    def source(self) -> dict[str, Any]:
        source = self.event.get("source")
        return source if isinstance(source, dict) else {}

    @property
    def env(self) -> Env:
        """What use cases need: this event's transaction and moment, the rules loaded at start."""
        return Env(session=self.uow.session, sealer=self.uow.sealer, now=self.now, rules=self.rules)

    def account(self) -> Account | None:
        return accounts.find(self.uow.session, self.user_id) if self.user_id is not None else None

    @property
    def actor(self) -> Actor:
        """Who is acting, with the roles granted to them, looked up once per event."""
        if self._actor is None:
            if self.known is not None and self.user_id is not None and self.user_id in self.known.users:
                self._actor = actors.of_account(self.uow.session, self.user_id,
                                                self.known.accounts.get(self.user_id))
            else:
                self._actor = actors.of_line_user(self.uow.session, self.user_id)
        return self._actor

    def forget_actor(self) -> None:
        """Roles changed during this event (an invite, a link): look them up again."""
        self._actor = None
        self._standing = None
        self.known = None

    @property
    def registered_on(self) -> datetime | None:
        """When this person registered a household themselves, while it waits for their leader:
        no LINE linked, no staff role (looked up once per event, and only for such a person)."""
        if self._standing is None:
            actor = self.actor
            waiting = actor.account_id is not None and not actor.households and not actor.grants
            self._standing = (registration.standing(self.env, actor) if waiting
                              else registration.Standing(bool(actor.households), None))
        return self._standing.requested_at

    @property
    def registered(self) -> bool:
        return self.registered_on is not None

    @property
    def conversation(self) -> Conversation:
        """The chat's conversation, unsealed once per event; written back by ``flush``."""
        if self._conversation is None:
            if self.chat is None:
                self._conversation = Conversation()
            elif self.known is not None and self.chat.line_id in self.known.conversations:
                self._conversation = self.known.conversations[self.chat.line_id]
            else:
                self._conversation = conversations.load(self.uow.session, self.uow.sealer, self.chat.line_id)
        return self._conversation

    def push(self, line_user_id: str, build: Callable[[NullTranslations, str], list[Message]]) -> None:
        """Send to someone else, in their own chat's language, through the outbox."""
        chat = chats.find(self.uow.session, line_user_id)
        language = chat.language if chat else "th"
        outbox.enqueue(self.uow.session, self.uow.sealer, recipient=line_user_id,
                       messages=build(translator(language), language), now=self.now,
                       source_event_id=self.inbox_id)

    def link_rich_menu(self, menu_id: str | None) -> None:
        """Give this user the rich menu ``menu_id`` (through the outbox, after this event's
        answers); nothing before a sync has made one."""
        if menu_id is not None and self.user_id is not None:
            outbox.enqueue(self.uow.session, self.uow.sealer, channel="line-richmenu", recipient=self.user_id,
                           messages=transports.link_messages(menu_id), now=self.now, source_event_id=self.inbox_id)

    def push_all(self, recipients: Iterable[Recipient], build: Callable[[NullTranslations, str], list[Message]]
                 ) -> None:
        """Send the same news to many, each in their chat's language (built once per language),
        through the outbox; the recipients come from one query, not one per person."""
        built: dict[str, list[Message]] = {}
        for recipient in dict.fromkeys(recipients):
            if recipient.line_id == self.user_id:
                continue  # the person acting sees it in their own answer
            messages = built.get(recipient.language)
            if messages is None:
                messages = built[recipient.language] = build(translator(recipient.language), recipient.language)
            outbox.enqueue(self.uow.session, self.uow.sealer, recipient=recipient.line_id, messages=messages,
                           now=self.now, source_event_id=self.inbox_id)

    def quick(self) -> list[Message]:
        """The menu as quick replies, for this person's roles; in a group, where everyone
        sees them, only what shows no one's data."""
        if self.chat is not None and self.chat.kind != "user":
            return group_quick_menu(self.tr, registered=self.chat.agency_id is not None)
        return quick_menu(self.tr, self.actor.roles, linked=bool(self.actor.households), registered=self.registered)

    def answer(self, messages: list[Message]) -> None:
        """Answer in this chat. Everything answered during one event goes out together
        when the handler is done (``flush``): one reply for the first five messages
        while the event's token lasts, pushes for the rest or when it is stale."""
        if self.chat is not None:
            self._answers.extend(messages)

    def flush(self) -> list[dict[str, Any]]:
        """Keep the conversation, and return the outbox rows of the answers for the caller
        to queue in this event's transaction (a worker queues a whole batch's at once):
        sent only if the handling commits, and once."""
        if self._conversation is not None and self._conversation.changed and self.chat is not None:
            conversations.store(self.uow.session, self.uow.sealer, self.chat.line_id, self._conversation, self.now)
        if self.chat is None or not self._answers:
            return []
        token = self.event.get("replyToken")
        return outbox.rows(
            self.uow.sealer,
            recipient=self.chat.line_id,
            messages=self._answers,
            now=self.now,
            # LINE's tokens are short printable ASCII; anything else (a NUL, say) cannot be one.
            reply_token=token if isinstance(token, str) and token and token.isascii() and token.isprintable()
            and len(token) <= 255 else None,
            reply_deadline=self.occurred_at + self.reply_ttl,
            source_event_id=self.inbox_id,
        )
