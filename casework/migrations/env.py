"""Alembic environment: one engine, batch mode on SQLite so ALTERs work there too."""
from __future__ import annotations

from alembic import context

from casework.db import Limits, make_engine
from casework.models import Base, UTCDateTime

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
connection = config.attributes.get("connection")


def render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Write our column types as plain SQLAlchemy types, so migrations never import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(connection) -> None:  # type: ignore[no-untyped-def]
    """On SQLite a batch ALTER copies the table, drops the old one and renames the copy:
    with foreign keys enforced, dropping a table other rows point at fails. So they are
    switched off around the migrations (SQLite ignores the switch inside a transaction,
    hence on the raw connection before it begins) and every reference is checked after."""
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.driver_connection if sqlite else None
    if raw is not None:
        raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(connection)
        if raw is not None:
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migrations left rows pointing at nothing: {broken[:5]}")
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = make_engine(url, limits=Limits(statement_ms=0))  # an index on a big table takes its time
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
