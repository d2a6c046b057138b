"""Fixtures of the bad-input tests: the integration cast, reused as it is, a web app on
fake LINE transports, and the count of payloads sent (shown at the end of the run)."""
from __future__ import annotations

from collections import Counter

import pytest

from bot.app import create_app
from tests.integration.conftest import clock, dao, fake_services, kanya, lek, transport  # noqa: F401

SENT: Counter[str] = Counter()


@pytest.fixture
def fake_client(fake_services):  # noqa: F811
    return create_app(services=fake_services).test_client()


def pytest_terminal_summary(terminalreporter) -> None:
    if SENT:
        terminalreporter.write_line(
            "bad-input payloads sent to /callback: " + ", ".join(f"{k} {v}" for k, v in sorted(SENT.items())))
