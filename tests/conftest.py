"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, the LINE
stand-in, the app, and a cast of LINE users who talk to the bot through /callback."""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.dev import line_events as le
from bot import worker
from bot.app import create_app
from bot.bootstrap import Services, bootstrap
from bot.config import Settings, from_env
from casework import migrate
from casework.db import normalize_url
from casework.models import Base
from tests.keys import TEST_KEYS

POSTGRES_ADMIN_URL = os.environ.get("KAEJON_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-access-token"


@pytest.fixture(autouse=True)
def _key_rings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands read KAEJON_SECRET_KEYS / KAEJON_LOOKUP_KEYS from the environment: test keys."""
    for variable, value in TEST_KEYS.items():
        monkeypatch.setenv(variable, os.environ.get(variable) or value)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--databases",
        default=os.environ.get("KAEJON_TEST_DATABASES", "sqlite,postgresql"),
        help="comma-separated backends for database tests (default: sqlite,postgresql)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = [b.strip() for b in metafunc.config.getoption("databases").split(",") if b.strip()]
        marker = metafunc.definition.get_closest_marker("backends")
        if marker is not None:
            backends = [b for b in backends if b in marker.args]
        metafunc.parametrize("backend", backends or [pytest.param("none", marks=pytest.mark.skip(
            reason="needs a backend not selected by --databases"))], scope="session")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A new PostgreSQL database for this test run, migrated once, dropped at the end."""
    name = f"kaejon_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalize_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty, migrated database: a copied SQLite file, or emptied PostgreSQL tables."""
    if backend == "sqlite":
        path = tmp_path / "kaejon.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def standin_server():
    from bot.dev.standin.server import serve

    server = serve("127.0.0.1", 0, channel_access_token=ACCESS_TOKEN)
    yield server
    server.stop()


@pytest.fixture
def standin(standin_server):
    """The stand-in, emptied; afterwards, LINE must not have refused anything we sent."""
    requests.post(f"{standin_server.url}/_standin/reset", timeout=5).raise_for_status()
    yield standin_server
    received = requests.get(f"{standin_server.url}/_standin/requests", timeout=5).json()["items"]
    refused = [r for r in received if r.get("errors")]
    assert refused == [], "LINE would have refused what the bot sent"


def make_settings(database_url: str, line_api_endpoint: str) -> Settings:
    return from_env(
        {
            "DATABASE_URL": database_url,
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_API_ENDPOINT": line_api_endpoint,
            **TEST_KEYS,
            "LINE_READ_TIMEOUT": "2",
        },
        demo=False,
    )


@pytest.fixture
def settings(database_url: str, standin) -> Settings:
    return make_settings(database_url, standin.url)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    services = bootstrap(settings)
    yield services
    services.engine.dispose()


@pytest.fixture
def app(services: Services):
    return create_app(services=services)


@pytest.fixture
def client(app):
    return app.test_client()


def drain(services: Services, limit: int = 1000) -> None:
    """Run the worker's steps until there is nothing left to handle or send."""
    for _ in range(limit):
        if not (worker.handle_one_event(services) | worker.send_one(services)):
            return
    raise AssertionError("the worker never ran out of work")


@dataclass
class LineUser:
    """Someone chatting with the bot: events go through the real /callback, answers
    are read from what the LINE stand-in received."""

    user_id: str
    client: Any
    services: Services
    standin: Any
    group_id: str | None = None
    seen: int = field(default=0)

    @property
    def chat_id(self) -> str:
        return self.group_id or self.user_id

    def source(self) -> dict[str, Any]:
        return le.source(self.user_id, group_id=self.group_id)

    def reply_token(self) -> str:
        response = requests.post(f"{self.standin.url}/_standin/reply-tokens", json={"to": self.chat_id}, timeout=5)
        response.raise_for_status()
        return response.json()["replyToken"]

    def send(self, *events: dict[str, Any], signature: str | None = None):
        body = le.payload(list(events))
        headers = {"X-Line-Signature": signature if signature is not None else le.sign(body, CHANNEL_SECRET)}
        return self.client.post("/callback", data=body, headers=headers)

    def follow(self):
        return self.send(le.follow(self.source(), self.reply_token()))

    def says(self, words: str):
        return self.send(le.text(self.source(), self.reply_token(), words))

    def taps(self, data: str):
        return self.send(le.postback_event(self.source(), self.reply_token(), data))

    def received(self) -> list[dict[str, Any]]:
        """Messages sent to this chat since the last look (after the worker has run)."""
        drain(self.services)
        response = requests.get(f"{self.standin.url}/_standin/sent",
                                params={"to": self.chat_id, "after": self.seen}, timeout=5)
        items = response.json()["items"]
        if items:
            self.seen = items[-1]["seq"]
        return [message for item in items for message in item["messages"]]

    def received_texts(self) -> list[str]:
        return [m.get("text") or m.get("altText", "") for m in self.received()]


@pytest.fixture
def somchai(client, services, standin) -> LineUser:
    """A household member in a 1:1 chat."""
    return LineUser("U" + "1" * 32, client, services, standin)


@pytest.fixture
def malai(client, services, standin) -> LineUser:
    """Another household member."""
    return LineUser("U" + "2" * 32, client, services, standin)


@pytest.fixture
def agency_group(client, services, standin) -> LineUser:
    """An agency officer writing in the agency's group chat with the bot."""
    return LineUser("U" + "4" * 32, client, services, standin, group_id="C" + "5" * 32)
