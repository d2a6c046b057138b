"""LINE's loading animation: the moving dots a person sees while the bot works on a slow answer.

When: the worker starts a timer for each message or postback it takes up from a
one-to-one chat. If the answer is not ready ``SLOW_AFTER`` seconds after the
person sent it (counted from when the webhook received it, so time spent
waiting in the inbox counts too), LINE is asked to show the animation; LINE
hides it by itself as soon as the answer arrives, or after ``LOADING_SECONDS``.

Why not at the start of every event: most answers come well within a second,
and then the dots would only flash before the answer, at the price of one more
LINE call per message. LINE shows the animation in one-to-one chats only, so
group chats never get it. The animation is a courtesy: a failed call is logged
and forgotten, never retried.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from linebot.v3.messaging import MessagingApi

SLOW_AFTER = 1.0  # seconds after the person sent it
LOADING_SECONDS = 10  # LINE accepts 5 to 60 in steps of 5; the answer usually ends it much sooner
TAKEN_UP_GRACE = 0.5  # seconds after an event is taken up
WAITED_FOR = frozenset({"message", "postback"})


class Waiting(Protocol):
    """What the worker knows of an event it has taken up (casework.models.InboxEvent)."""

    event_type: str
    source_type: str | None
    chat_key: str | None
    received_at: datetime


class LoadingAnimation:
    def __init__(self, api: MessagingApi, timeout: tuple[float, float], *, slow_after: float = SLOW_AFTER,
                 seconds: int = LOADING_SECONDS) -> None:
        self.api = api
        self.timeout = timeout
        self.slow_after = slow_after
        self.seconds = seconds

    def show(self, chat_id: str) -> None:
        """Ask LINE to show the dots in this one-to-one chat; a failure only costs the dots."""
        from linebot.v3.messaging import ShowLoadingAnimationRequest
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            self.api.show_loading_animation(
                ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=self.seconds),
                _request_timeout=self.timeout,
            )
        except (ApiException, HTTPError, ValueError) as error:
            logging.getLogger("kaejon").warning(
                "loading animation failed", extra={"fields": {"error": type(error).__name__}})

    @contextmanager
    def while_slow(self, events: Iterable[Waiting], now: datetime) -> Iterator[None]:
        """Show the dots in the chat of every waited-for event still unanswered when slow.

        One timer thread for the whole batch, not one per event: a worker takes up
        hundreds of events a second in a burst. An event that has already waited
        past ``slow_after`` in the inbox gets ``TAKEN_UP_GRACE`` more before its
        dots, since its answer is usually out by then and the dots would only flash.
        """
        due: dict[str, float] = {}
        for event in events:
            if event.event_type not in WAITED_FOR or event.source_type != "user" or not event.chat_key:
                continue
            waited = (now - event.received_at).total_seconds()
            due[event.chat_key] = max(self.slow_after - waited, TAKEN_UP_GRACE)
        done = threading.Event()
        timer = threading.Thread(target=self._show_when_due, args=(due, done), name="kaejon-loading", daemon=True)
        if due:
            timer.start()
        try:
            yield
        finally:
            done.set()

    def _show_when_due(self, due: dict[str, float], done: threading.Event) -> None:
        started = time.monotonic()
        for chat_id, after in sorted(due.items(), key=lambda item: item[1]):
            if done.wait(max(after - (time.monotonic() - started), 0.0)):
                return
            self.show(chat_id)
