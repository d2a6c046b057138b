"""A fresh LINE stand-in per test, the real LINE SDK pointed at it, and its control API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

from bot.dev.standin import StandIn, serve

TOKEN = "standin-test-token"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with serve(channel_access_token=TOKEN) as server:
        yield server


@pytest.fixture
def line(standin: StandIn) -> Iterator[MessagingApi]:
    with ApiClient(Configuration(host=standin.url, access_token=TOKEN)) as client:
        yield MessagingApi(client)


@dataclass
class Control:
    """The stand-in's `/_standin/` endpoints, as a test uses them."""

    url: str

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_standin/{path}", timeout=5, **kwargs)
        response.raise_for_status()
        return response.json()

    def reply_token(self, to: str) -> str:
        token: str = self.call("POST", "reply-tokens", json={"to": to})["replyToken"]
        return token

    def sent(self, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.call("GET", "sent", params=params)["items"]
        return items

    def requests(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.call("GET", "requests")["items"]
        return items

    def fault(self, **settings: Any) -> dict[str, Any]:
        fault: dict[str, Any] = self.call("POST", "faults", json=settings)
        return fault

    def wait_for_sent(self, count: int, timeout: float = 3.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(items := self.sent()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return items


@pytest.fixture
def control(standin: StandIn) -> Control:
    return Control(standin.url)
