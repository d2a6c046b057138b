from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.bootstrap import bootstrap
from tests import registry_data
from tests.conftest import LineUser, make_settings
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


# The cast of the chat stories: leaders and a coordinator of the Kalasin pilot area.

def invited(client, services, standin, digit: str, role: str, area: str, name: str) -> LineUser:
    """Someone who sent an invite code for ``role`` over ``area`` in their chat."""
    user = LineUser("U" + digit * 32, client, services, standin)
    user.says(registry_data.invite(services, role, area, name))
    user.received()
    return user


@pytest.fixture
def kanya(client, services, standin):
    """Community leader of sub-district 460101 (Kalasin)."""
    return invited(client, services, standin, "6", "leader", "460101", "กันยา")


@pytest.fixture
def lek(client, services, standin):
    """Another leader, of village 46010105 in the same sub-district."""
    return invited(client, services, standin, "7", "leader", "46010105", "เล็ก")


@pytest.fixture
def dao(client, services, standin):
    """A leader of another sub-district (460102)."""
    return invited(client, services, standin, "8", "leader", "460102", "ดาว")


@pytest.fixture
def prasert(client, services, standin):
    """Coordinator of the district (4601)."""
    return invited(client, services, standin, "9", "coordinator", "4601", "ประเสริฐ")
