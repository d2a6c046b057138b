"""Settings from the environment (12-factor); checked once, at start-up."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from casework.db import DEFAULT_URL, normalize_url


DEMO_SECRET_KEY = "kaejon-demo-only-key-never-use-in-production"


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line saying which."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    channel_secret: str = ""
    channel_access_token: str = ""
    line_api_endpoint: str | None = None
    secret_key: str = ""
    port: int = 5000
    demo: bool = False
    line_connect_timeout: float = 3.0
    line_read_timeout: float = 10.0
    send_threads: int = 4
    event_batch: int = 16
    poll_interval: float = 0.1
    inbox_retention_days: int = 30
    reply_token_ttl: float = 50.0
    standin_url: str | None = field(default=None)
    rules_dir: str | None = None  # welfare rules files; None: the ones shipped (casework/data/rules)

    @property
    def simulator_enabled(self) -> bool:
        return self.demo and self.standin_url is not None


REQUIRED = (
    ("LINE_CHANNEL_SECRET", "channel_secret"),
    ("LINE_CHANNEL_ACCESS_TOKEN", "channel_access_token"),
    ("KAEJON_SECRET_KEY", "secret_key"),
)


def from_env(environ: Mapping[str, str] | None = None, *, demo: bool | None = None) -> Settings:
    """Read settings; outside demo mode a missing secret raises ``ConfigError``."""
    env = os.environ if environ is None else environ
    demo = _flag(env.get("KAEJON_DEMO", "")) if demo is None else demo
    try:
        settings = Settings(
            database_url=database_url(env),
            channel_secret=env.get("LINE_CHANNEL_SECRET", ""),
            channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN", ""),
            line_api_endpoint=(env.get("LINE_API_ENDPOINT") or "").rstrip("/") or None,
            secret_key=env.get("KAEJON_SECRET_KEY", ""),
            port=int(env.get("PORT", "5000")),
            demo=demo,
            line_connect_timeout=float(env.get("LINE_CONNECT_TIMEOUT", "3")),
            line_read_timeout=float(env.get("LINE_READ_TIMEOUT", "10")),
            send_threads=int(env.get("KAEJON_SEND_THREADS", "4")),
            event_batch=int(env.get("KAEJON_EVENT_BATCH", "16")),
            inbox_retention_days=int(env.get("KAEJON_INBOX_RETENTION_DAYS", "30")),
            reply_token_ttl=float(env.get("KAEJON_REPLY_TOKEN_TTL", "50")),
            standin_url=(env.get("KAEJON_STANDIN_URL") or "").rstrip("/") or None,
            rules_dir=rules_directory(env),
        )
    except ValueError as error:
        raise ConfigError(f"a numeric setting is not a number: {error}") from None
    if demo:
        return with_demo_defaults(settings)
    for variable, attribute in REQUIRED:
        if not getattr(settings, attribute):
            raise ConfigError(f"{variable} is not set; Kaejon cannot start without it (see README).")
    return settings


def for_admin(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings for registry work from the command line (imports, invites, rights): the
    database, the sealing key and the deployment's welfare rules, no LINE channel."""
    env = os.environ if environ is None else environ
    demo = _flag(env.get("KAEJON_DEMO", ""))
    secret_key = env.get("KAEJON_SECRET_KEY", "") or (DEMO_SECRET_KEY if demo else "")
    if not secret_key:
        raise ConfigError("KAEJON_SECRET_KEY is not set; Kaejon cannot start without it (see README).")
    return Settings(database_url=database_url(env), secret_key=secret_key, demo=demo,
                    rules_dir=rules_directory(env))


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """Only the database URL: what migrations need, without any secret."""
    env = os.environ if environ is None else environ
    return normalize_url(env.get("DATABASE_URL") or DEFAULT_URL)


def rules_directory(environ: Mapping[str, str] | None = None) -> str | None:
    """``KAEJON_RULES``: a directory of welfare rules files replacing the shipped ones."""
    env = os.environ if environ is None else environ
    directory = (env.get("KAEJON_RULES") or "").strip()
    if directory and not os.path.isdir(directory):
        raise ConfigError(f"KAEJON_RULES is not a directory: {directory}")
    return directory or None


def with_demo_defaults(settings: Settings) -> Settings:
    """Demo mode runs without a LINE channel: made-up secrets, the stand-in as LINE."""
    return replace(
        settings,
        demo=True,
        channel_secret=settings.channel_secret or "demo-channel-secret",
        channel_access_token=settings.channel_access_token or "demo-access-token",
        secret_key=settings.secret_key or DEMO_SECRET_KEY,
        line_api_endpoint=settings.line_api_endpoint or settings.standin_url,
    )


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
