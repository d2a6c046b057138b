"""The simulator's tests run a demo app (SQLite, demo mode) against a real LINE stand-in."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import create_app
from bot.bootstrap import Services, bootstrap
from bot.config import from_env
from casework import migrate


@pytest.fixture(scope="module")
def standin_server():
    from bot.dev.standin.server import serve

    server = serve("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("simulator") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def services(tmp_path: Path, migrated_db: Path, standin_server) -> Iterator[Services]:
    standin_server.state.reset()
    path = tmp_path / "kaejon.db"
    shutil.copy(migrated_db, path)
    settings = from_env({"DATABASE_URL": f"sqlite:///{path}", "KAEJON_STANDIN_URL": standin_server.url}, demo=True)
    services = bootstrap(settings)
    yield services
    services.engine.dispose()


@pytest.fixture
def client(services: Services):
    return create_app(services=services).test_client()
