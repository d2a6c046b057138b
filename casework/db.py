"""Engines and sessions for SQLite (the embedded default) and PostgreSQL."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///kaejon.db"

T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Accept the URL forms hosting platforms hand out and pick the psycopg 3 driver.

    Heroku-style ``postgres://`` and plain ``postgresql://`` both become
    ``postgresql+psycopg://``; an explicit driver is left alone.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


@dataclass(frozen=True)
class Limits:
    """Time limits on the database, so that a hung server cannot hang the threads: connecting
    (seconds), one statement and one lock wait (PostgreSQL, milliseconds; 0 turns a limit off),
    and waiting for SQLite's write lock (seconds)."""

    connect_s: float = 5
    statement_ms: int = 30_000
    lock_ms: int = 10_000
    busy_s: float = 30.0


def make_engine(url: str, *, pool_size: int = 5, limits: Limits = Limits(), pgbouncer: bool = False) -> Engine:
    """An engine with ``pool_size`` connections kept (as many again in a burst).

    ``pgbouncer``: connections go through PgBouncer in transaction mode, which cannot
    pass startup options nor keep a server-side prepared statement across transactions
    (before PgBouncer 1.21): the time limits are then the database role's own settings
    (see README, "Deploying for a province") and statements are not prepared.
    """
    url = normalize_url(url)
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": limits.busy_s})
        _configure_sqlite(engine)
        return engine
    # No pre-ping: it costs a round trip on every checkout. A connection that died
    # with the server raises a disconnect error, which invalidates the whole pool;
    # callers retry once (see ``retrying_disconnects``).
    connect_args: dict[str, object] = {"connect_timeout": max(int(limits.connect_s), 1)}
    if pgbouncer:
        connect_args["prepare_threshold"] = None
    else:
        connect_args["options"] = (f"-c statement_timeout={int(limits.statement_ms)} "
                                   f"-c lock_timeout={int(limits.lock_ms)}")
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, connect_args=connect_args)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and ``BEGIN IMMEDIATE`` so writers queue instead of failing.

    pysqlite's own transaction handling starts transactions lazily and lets two
    writers deadlock on upgrade; taking the write lock at BEGIN serializes them,
    which is what lets a worker claim an inbox row on SQLite without row locks.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # An AUTOCOMMIT connection runs each statement as its own transaction.
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def walking_index_order(session: Session, *, reset: bool = True) -> Iterator[None]:
    """Plan the enclosed queue query as a walk along its index, on PostgreSQL.

    A queue table's statistics are usually taken when it is nearly empty, so in a
    burst the planner expects a handful of pending rows and sorts them all to find
    the first; that makes every claim cost as much as the backlog. Walking the
    partial index in id order stops at the first claimable row whatever the
    statistics say. Pass ``reset=False`` when the transaction ends right after.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text("SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off"))
    try:
        yield
    finally:
        if reset:
            session.execute(text("RESET enable_sort; RESET enable_bitmapscan"))


def retrying_disconnects(work: Callable[[], T]) -> T:
    """Run ``work`` (a whole transaction) again once if the database connection had died.

    After a database restart every pooled connection is dead; the first use
    fails with a disconnect, SQLAlchemy discards the pool, and the repeat gets a
    fresh connection. Only whole transactions are repeated, so nothing is half done.
    """
    try:
        return work()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return work()

