from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.bootstrap import bootstrap
from tests.conftest import make_settings
from casework.outbox import Outcome, Sent


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class ScriptedTransport:
    """A channel that answers from a script (default: success) and remembers calls."""

    def __init__(self) -> None:
        self.calls = []
        self.script: list[Outcome] = []

    def send(self, delivery) -> Outcome:
        self.calls.append(delivery)
        return self.script.pop(0) if self.script else Sent(status=200)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def fake_services(database_url, clock, transport):
    settings = make_settings(database_url, "http://127.0.0.1:9")
    services = bootstrap(settings, clock=clock, transports={"line": transport})
    yield services
    services.engine.dispose()
