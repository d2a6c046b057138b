"""The one place that wires settings to the database, the clock, the rules, the flows
and the channels. Everything a process needs is built here, once, at start; nothing
reads the environment after this."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.line import api as line_api
from bot.config import ConfigError, Settings
from bot.flows import DuplicateName, Flows, registry
from bot.line.content import ContentSource, LineContent
from bot.line.quota import LineQuota
from bot.line.loading import LoadingAnimation
from bot.line.transports import LineRichMenuTransport, LineTransport, Transport
from bot.mail.transport import SmtpTransport
from bot.photo_links import PhotoLinks
from casework.crypto import Sealer
from casework.db import make_engine, make_session_factory
from casework.entitlements import rules
from casework.entitlements.rules import Rules
from casework.rate import Buckets, line_limits
from casework.unit_of_work import UnitOfWork
from casework.usecases.base import Env

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    sealer: Sealer
    clock: Clock
    rules: Rules
    flows: Flows
    transports: dict[str, Transport] = field(default_factory=dict)
    content: ContentSource | None = None
    quota: LineQuota | None = None  # None where no LINE channel is configured (the command line)
    loading: LoadingAnimation | None = None  # LINE's dots while a slow answer is being made
    rate: Buckets | None = None  # LINE's rate limits, shared by every process; None without a LINE channel

    replica: sessionmaker[Session] | None = None  # DATABASE_REPLICA_URL's sessions, when set

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.sealer)

    @cached_property
    def photo_links(self) -> PhotoLinks:
        """Signs and checks photo addresses; its keys are derived once per process, not per event."""
        return PhotoLinks(self.settings, self.clock)

    def read_uow(self) -> UnitOfWork:
        """A unit of work for a report that only reads: on the replica when there is one.
        A replica may lag the primary by a moment; nothing read here is written back."""
        return UnitOfWork(self.replica or self.session_factory, self.sealer)

    def dispose(self) -> None:
        """Let go of every database connection (a command's end, a worker's stop)."""
        self.engine.dispose()
        if self.replica is not None:
            self.replica.kw["bind"].dispose()

    def env(self, uow: UnitOfWork) -> Env:
        """What a use case needs, for work outside a chat (the command line, the clock)."""
        return Env(session=uow.session, sealer=uow.sealer, now=self.clock(), rules=self.rules)

    @property
    def send_lease(self) -> timedelta:
        """How long a claimed outbox row is ours: longer than any call can take."""
        return timedelta(
            seconds=self.settings.line_connect_timeout + self.settings.line_read_timeout + 5
        )


def bootstrap(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    transports: dict[str, Transport] | None = None,
    content: ContentSource | None = None,
    pool_size: int = 5,
    loading: LoadingAnimation | None = None,
) -> Services:
    try:
        loaded = rules.default(settings.rules_dir)
    except rules.RulesError as error:  # a wrong rules file stops start-up, naming file and line
        raise ConfigError(f"welfare rules: {error}") from None
    try:
        flows = registry()
    except DuplicateName as error:
        raise ConfigError(f"chat flows: {error}") from None
    engine = make_engine(settings.database_url, pool_size=pool_size, limits=settings.db_limits,
                         pgbouncer=settings.pgbouncer)
    quota = None
    rate = None
    if transports is None:
        rate = Buckets(line_limits(settings.line_per_second))
        quota = LineQuota(line_api.messaging_api(settings), line_api.timeout(settings))
        content = content or LineContent(line_api.messaging_blob_api(settings), line_api.timeout(settings))
        transports = {
            "line": LineTransport(line_api.messaging_api(settings), line_api.timeout(settings)),
            "line-richmenu": LineRichMenuTransport(line_api.messaging_api(settings), line_api.timeout(settings)),
        }
        if settings.smtp.host:
            transports["email"] = SmtpTransport(settings.smtp)
        loading = loading or LoadingAnimation(line_api.messaging_api(settings), line_api.timeout(settings))
    return Services(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        sealer=Sealer(settings.secret_keys, settings.lookup_keys),
        clock=clock,
        rules=loaded,
        flows=flows,
        transports=transports,
        content=content,
        quota=quota,
        loading=loading,
        rate=rate,
        replica=make_session_factory(make_engine(settings.replica_url, pool_size=2, limits=settings.db_limits,
                                                 pgbouncer=settings.pgbouncer)) if settings.replica_url else None,
    )
