"""Alembic, driven from code so ``kaejon db upgrade`` works from an installed package."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from casework.db import normalize_url


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "casework:migrations")
    config.attributes["database_url"] = normalize_url(url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> None:
    command.current(alembic_config(url), verbose=False)


def is_current(engine: Engine) -> bool:
    """Whether the database is at this code's newest migration (commands check before working)."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
                .get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads
