"""The LINE stand-in's memory: what it issued, sent and was asked, its rich menus, the
content users sent and the faults to inject. One lock guards it; the endpoints in
server.py (LINE's API) and control.py (``/_standin/``) read and change it."""
from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from bot.dev.standin.faults import Fault

EXTENSION = "kaejon_standin"
MAX_RICH_MENUS = 1000
_QUOTABLE_TYPES = frozenset({"text", "textV2", "sticker", "image", "video"})


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SendResult:
    """What LINE answered for a send; `duplicate` when its retry key had been accepted before."""

    sent_messages: list[dict[str, str]]
    request_id: str
    duplicate: bool = False


@dataclass
class _ReplyToken:
    to: str
    issued_monotonic: float
    used: bool = False


@dataclass
class RichMenu:
    """A rich menu as created, and the image uploaded to it (LINE allows one, ever)."""

    id: str
    definition: dict[str, Any]
    image: bytes | None = None
    content_type: str | None = None
    image_size: tuple[int, int] | None = None

    def as_line_json(self) -> dict[str, Any]:
        return {"richMenuId": self.id, **self.definition}

    def as_json(self) -> dict[str, Any]:
        image = None
        if self.image is not None and self.image_size is not None:
            image = {
                "contentType": self.content_type,
                "width": self.image_size[0],
                "height": self.image_size[1],
                "bytes": len(self.image),
                "sha256": hashlib.sha256(self.image).hexdigest(),
            }
        return {"richMenuId": self.id, "definition": self.definition, "image": image}


class StandInState:
    """What the stand-in has issued, sent and been asked; every method holds the lock."""

    def __init__(self, *, reply_token_ttl: float) -> None:
        self.reply_token_ttl = reply_token_ttl
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._reply_tokens: dict[str, _ReplyToken] = {}
            self._sent: list[dict[str, Any]] = []
            self._requests: list[dict[str, Any]] = []
            self._accepted_retry_keys: dict[str, SendResult] = {}
            self._faults: list[Fault] = []
            self._profiles: dict[str, dict[str, Any]] = {}
            self._rich_menus: dict[str, RichMenu] = {}
            self._user_rich_menus: dict[str, str] = {}
            self._default_rich_menu: str | None = None
            self._rich_menu_batches: dict[str, dict[str, Any]] = {}
            self._contents: dict[str, tuple[bytes, str]] = {}
            self._loading: list[dict[str, Any]] = []
            self._events: list[dict[str, Any]] = []
            self._seq = 0
            self._quota_limit: int | None = None  # LINE's monthly push quota; None: no limit
            self._quota_used = 0  # pushes this month before the ones sent here
            self._next_message_id = 10**17
            self._next_fault_id = 1

    def issue_reply_token(self, to: str) -> dict[str, Any]:
        token = secrets.token_hex(16)
        with self.lock:
            self._reply_tokens[token] = _ReplyToken(to, time.monotonic())
        return {"replyToken": token, "issuedAt": now_ms()}

    def use_reply_token(self, token: str) -> str | None:
        """The chat a valid token was issued for, marking it used; None if LINE would refuse it."""
        with self.lock:
            issued = self._reply_tokens.get(token)
            if issued is None or issued.used:
                return None
            if time.monotonic() - issued.issued_monotonic > self.reply_token_ttl:
                return None
            issued.used = True
            return issued.to

    def set_quota(self, limit: int | None, used: int) -> None:
        with self.lock:
            self._quota_limit, self._quota_used = limit, used

    def quota(self) -> tuple[int | None, int]:
        """The month's limit and its use: what was set, plus every push and multicast recipient since."""
        with self.lock:
            pushed = sum(1 for sent in self._sent if sent["kind"] in ("push", "multicast"))
            return self._quota_limit, self._quota_used + pushed

    def send(
        self,
        kind: str,
        recipients: Sequence[str],
        messages: list[dict[str, Any]],
        *,
        request_id: str,
        retry_key: str | None = None,
        reply_token: str | None = None,
    ) -> SendResult:
        """Record a successful send, or return the earlier one if `retry_key` was accepted."""
        with self.lock:
            if retry_key is not None and retry_key in self._accepted_retry_keys:
                earlier = self._accepted_retry_keys[retry_key]
                return SendResult(earlier.sent_messages, earlier.request_id, duplicate=True)
            sent_messages = []
            for message in messages:
                self._next_message_id += 1
                sent = {"id": str(self._next_message_id)}
                if message.get("type") in _QUOTABLE_TYPES:
                    sent["quoteToken"] = secrets.token_urlsafe(48)
                sent_messages.append(sent)
            for to in recipients:
                self._seq += 1
                self._sent.append(
                    {
                        "seq": self._seq,
                        "kind": kind,
                        "to": to,
                        "messages": messages,
                        "sentMessages": sent_messages,
                        "retryKey": retry_key,
                        "replyToken": reply_token,
                        "requestId": request_id,
                        "at": now_ms(),
                    }
                )
            result = SendResult(sent_messages, request_id)
            if retry_key is not None:
                self._accepted_retry_keys[retry_key] = result
            return result

    def sent(self, *, to: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        with self.lock:
            return [
                item
                for item in self._sent
                if item["seq"] > after and (to is None or item["to"] == to)
            ]

    def start_loading(self, chat_id: str, seconds: int) -> None:
        """LINE shows the loading animation in this chat until a message arrives or time runs out."""
        with self.lock:
            self._seq += 1
            self._loading.append({"seq": self._seq, "chatId": chat_id, "loadingSeconds": seconds, "at": now_ms()})

    def loading(self, *, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Every loading animation started (in this chat), each saying whether it still shows."""
        with self.lock:
            now = now_ms()
            return [
                {**item, "active": self._loading_shows(item, now)}
                for item in self._loading
                if chat_id is None or item["chatId"] == chat_id
            ]

    def _loading_shows(self, item: dict[str, Any], now: int) -> bool:
        if now >= item["at"] + item["loadingSeconds"] * 1000:
            return False
        return not any(sent["to"] == item["chatId"] and sent["seq"] > item["seq"] for sent in self._sent)

    def record_event(self, chat_id: str, event: dict[str, Any], shown: str | None = None) -> dict[str, Any]:
        """A webhook event a user's phone caused (recorded by the simulator), numbered in the
        same sequence as what the bot sent, so a chat's history reads in order."""
        with self.lock:
            self._seq += 1
            item = {"seq": self._seq, "kind": "event", "to": chat_id, "event": event, "shown": shown,
                    "at": now_ms()}
            self._events.append(item)
            return item

    def events(self, *, to: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        with self.lock:
            return [item for item in self._events if item["seq"] > after and (to is None or item["to"] == to)]

    def record_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self._requests.append(entry)

    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self._requests)

    def add_fault(self, **settings: Any) -> Fault:
        with self.lock:
            fault = Fault(id=self._next_fault_id, **settings)
            self._next_fault_id += 1
            self._faults.append(fault)
            return fault

    def clear_faults(self) -> int:
        with self.lock:
            cleared = len(self._faults)
            self._faults = []
            return cleared

    def faults(self) -> list[Fault]:
        with self.lock:
            return list(self._faults)

    def delay_for(self, path: str) -> float:
        with self.lock:
            return max((f.delay for f in self._faults if f.matches(path)), default=0.0)

    def take_fault(self, path: str) -> Fault | None:
        """The first matching fault with an error left to give, counting one use of it."""
        with self.lock:
            for fault in self._faults:
                if fault.fails() and fault.matches(path):
                    fault.times -= 1
                    return fault
            return None

    def set_profile(self, profile: dict[str, Any]) -> None:
        with self.lock:
            self._profiles[profile["userId"]] = profile

    def profile(self, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self._profiles.get(user_id)

    def create_rich_menu(self, definition: dict[str, Any]) -> str | None:
        """The new menu's id, or None when the channel already has LINE's maximum."""
        with self.lock:
            if len(self._rich_menus) >= MAX_RICH_MENUS:
                return None
            menu = RichMenu("richmenu-" + secrets.token_hex(16), definition)
            self._rich_menus[menu.id] = menu
            return menu.id

    def rich_menu(self, menu_id: str) -> RichMenu | None:
        with self.lock:
            menu = self._rich_menus.get(menu_id)
            return dataclasses.replace(menu) if menu is not None else None

    def rich_menus(self) -> list[RichMenu]:
        with self.lock:
            return [dataclasses.replace(menu) for menu in self._rich_menus.values()]

    def delete_rich_menu(self, menu_id: str) -> bool:
        """Delete a menu; its users (and the channel, if it was the default) lose it."""
        with self.lock:
            if self._rich_menus.pop(menu_id, None) is None:
                return False
            self._user_rich_menus = {
                user: linked for user, linked in self._user_rich_menus.items() if linked != menu_id
            }
            if self._default_rich_menu == menu_id:
                self._default_rich_menu = None
            return True

    def set_rich_menu_image(
        self, menu_id: str, image: bytes, content_type: str, size: tuple[int, int]
    ) -> str | None:
        """None when set, else why not: `not-found` or `already-uploaded`."""
        with self.lock:
            menu = self._rich_menus.get(menu_id)
            if menu is None:
                return "not-found"
            if menu.image is not None:
                return "already-uploaded"
            menu.image, menu.content_type, menu.image_size = image, content_type, size
            return None

    def _applicable(self, menu_id: str) -> str | None:
        menu = self._rich_menus.get(menu_id)
        if menu is None:
            return "not-found"
        return "no-image" if menu.image is None else None

    def link_rich_menu(self, user_id: str, menu_id: str) -> str | None:
        """None when linked, else why not: `not-found` or `no-image`."""
        with self.lock:
            problem = self._applicable(menu_id)
            if problem is None:
                self._user_rich_menus[user_id] = menu_id
            return problem

    def unlink_rich_menu(self, user_id: str) -> None:
        with self.lock:
            self._user_rich_menus.pop(user_id, None)

    def linked_rich_menu(self, user_id: str) -> str | None:
        """The menu linked to this user (not the default, as LINE answers)."""
        with self.lock:
            return self._user_rich_menus.get(user_id)

    def set_default_rich_menu(self, menu_id: str) -> str | None:
        with self.lock:
            problem = self._applicable(menu_id)
            if problem is None:
                self._default_rich_menu = menu_id
            return problem

    def default_rich_menu(self) -> str | None:
        with self.lock:
            return self._default_rich_menu

    def clear_default_rich_menu(self) -> None:
        with self.lock:
            self._default_rich_menu = None

    def rich_menu_batch(self, operations: list[dict[str, Any]], request_id: str) -> str | None:
        """Apply a batch at once (LINE does it within seconds); None, or why it is refused."""
        with self.lock:
            for operation in operations:
                if operation["type"] == "link" and (problem := self._applicable(operation["to"])):
                    return problem
            for operation in operations:
                kind, source = operation["type"], operation.get("from")
                for user, linked in list(self._user_rich_menus.items()):
                    if kind == "link" and linked == source:
                        self._user_rich_menus[user] = operation["to"]
                    elif kind == "unlinkAll" or (kind == "unlink" and linked == source):
                        del self._user_rich_menus[user]
            accepted = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            self._rich_menu_batches[request_id] = {
                "phase": "succeeded",
                "acceptedTime": accepted,
                "completedTime": accepted,
            }
            return None

    def rich_menu_batch_progress(self, request_id: str) -> dict[str, Any] | None:
        with self.lock:
            progress = self._rich_menu_batches.get(request_id)
            return dict(progress) if progress is not None else None

    def rich_menu_for(self, user_id: str) -> tuple[RichMenu, str] | None:
        """The menu a user sees, as LINE picks it: the one linked to them, else the default;
        with which of the two it is."""
        with self.lock:
            choices = ((self._user_rich_menus.get(user_id), "linked"), (self._default_rich_menu, "default"))
            for menu_id, source in choices:
                menu = self._rich_menus.get(menu_id) if menu_id is not None else None
                if menu is not None:
                    return dataclasses.replace(menu), source
            return None

    def rich_menu_snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "richmenus": [menu.as_json() for menu in self._rich_menus.values()],
                "links": dict(self._user_rich_menus),
                "default": self._default_rich_menu,
            }

    def put_content(self, message_id: str, content: bytes, content_type: str) -> None:
        with self.lock:
            self._contents[message_id] = (content, content_type)

    def content(self, message_id: str) -> tuple[bytes, str] | None:
        with self.lock:
            return self._contents.get(message_id)


def standin_state(app: Flask) -> StandInState:
    state: StandInState = app.extensions[EXTENSION]["state"]
    return state


def current_state() -> StandInState:
    """The state of the stand-in answering the current request."""
    return standin_state(current_app)
