"""Settings from the environment (12-factor); checked once, at start-up."""
from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from casework.crypto import KEY_BYTES
from casework.db import DEFAULT_URL, Limits, normalize_url
from casework.digests.reminders import Thresholds
from casework.digests.schedule import Pacing
from casework.retention import Periods

KeyRing = tuple[tuple[str, bytes], ...]

# Public, in the source: only ``kaejon demo`` (and tests that ask for demo=True) may use them.
DEMO_SECRET_KEYS = "demo:ZGVtby1vbmx5LXNlYWxpbmcta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24h"
DEMO_LOOKUP_KEYS = "demo:ZGVtby1vbmx5LWxvb2t1cC1rZXktLW5ldmVyLWluLXByb2R1Y3Rpb24hIQ=="
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_MIN_DISTINCT_BYTES = 16  # 32 random bytes have ~30 distinct values; "aaaa..." or a pattern has few


@dataclass(frozen=True)
class Smtp:
    """The mail server for staff who take their digest by email (KAEJON_SMTP_*); no host: no email."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = "kaejon@localhost"
    starttls: bool = False
    timeout: float = 10.0


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line saying which."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    replica_url: str | None = None  # DATABASE_REPLICA_URL: a read-only copy for reports
    pgbouncer: bool = False  # KAEJON_DB_PGBOUNCER=1: connections go through PgBouncer in transaction mode
    channel_secret: str = ""
    channel_access_token: str = ""
    line_api_endpoint: str | None = None
    secret_keys: KeyRing = ()   # KAEJON_SECRET_KEYS: sealing keys, the first seals
    lookup_keys: KeyRing = ()   # KAEJON_LOOKUP_KEYS: lookup-hash keys, the first hashes
    port: int = 5000
    demo: bool = False
    line_connect_timeout: float = 3.0
    line_read_timeout: float = 10.0
    send_threads: int = 2
    send_batch: int = 64  # outbox rows claimed at once by a sending thread
    send_concurrency: int = 16  # LINE calls in flight at once per worker process
    line_per_second: float = 1500.0  # each of reply and push, shared by every process (LINE's limit: 2,000)
    event_batch: int = 48
    batch_linger: float = 0.02  # seconds a worker waits after a batch that was not full
    worker_nice: int = 10  # how much lower the worker's CPU priority is than the web's (0: the same)
    poll_interval: float = 0.1
    inbox_retention_days: int = 30
    reply_token_ttl: float = 50.0
    standin_url: str | None = field(default=None)
    rules_dir: str | None = None  # welfare rules files; None: the ones shipped (casework/data/rules)
    db_limits: Limits = Limits()  # KAEJON_DB_*: connect, statement, lock and SQLite busy timeouts
    keep: Periods = Periods()  # KAEJON_INBOX_KEEP_DAYS, KAEJON_OUTBOX_KEEP_DAYS
    public_url: str | None = None  # KAEJON_PUBLIC_URL: where LINE reaches this service (https), for photo links
    pacing: Pacing = Pacing()  # KAEJON_DIGEST_GRACE_HOURS, KAEJON_BULK_PER_SECOND, KAEJON_DIGEST_EVERY_DAY
    reminders: Thresholds = Thresholds()  # KAEJON_REMIND_REQUEST_DAYS, _CHECK_DAYS, _REASSESS_DAYS
    smtp: Smtp = Smtp()  # KAEJON_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS

    @property
    def simulator_enabled(self) -> bool:
        return self.demo and self.standin_url is not None


REQUIRED = (
    ("LINE_CHANNEL_SECRET", "channel_secret"),
    ("LINE_CHANNEL_ACCESS_TOKEN", "channel_access_token"),
    ("KAEJON_SECRET_KEYS", "secret_keys"),
    ("KAEJON_LOOKUP_KEYS", "lookup_keys"),
)


def from_env(environ: Mapping[str, str] | None = None, *, demo: bool = False) -> Settings:
    """Read settings; outside demo mode a missing or weak secret raises ``ConfigError``.
    Demo mode is only what the caller says (``kaejon demo``), never an environment variable."""
    env = os.environ if environ is None else environ
    try:
        settings = Settings(
            database_url=database_url(env),
            replica_url=replica_url(env),
            pgbouncer=_flag(env.get("KAEJON_DB_PGBOUNCER", "")),
            channel_secret=env.get("LINE_CHANNEL_SECRET", ""),
            channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN", ""),
            line_api_endpoint=(env.get("LINE_API_ENDPOINT") or "").rstrip("/") or None,
            secret_keys=key_ring(env, "KAEJON_SECRET_KEYS", demo=demo),
            lookup_keys=key_ring(env, "KAEJON_LOOKUP_KEYS", demo=demo),
            port=int(env.get("PORT", "5000")),
            demo=demo,
            line_connect_timeout=float(env.get("LINE_CONNECT_TIMEOUT", "3")),
            line_read_timeout=float(env.get("LINE_READ_TIMEOUT", "10")),
            send_threads=int(env.get("KAEJON_SEND_THREADS", "2")),
            send_batch=int(env.get("KAEJON_SEND_BATCH", "64")),
            send_concurrency=int(env.get("KAEJON_SEND_CONCURRENCY", "16")),
            line_per_second=float(env.get("KAEJON_LINE_PER_SECOND", "1500")),
            event_batch=int(env.get("KAEJON_EVENT_BATCH", "48")),
            worker_nice=int(env.get("KAEJON_WORKER_NICE", "10")),
            batch_linger=float(env.get("KAEJON_BATCH_LINGER_MS", "20")) / 1000,
            inbox_retention_days=int(env.get("KAEJON_INBOX_RETENTION_DAYS", "30")),
            reply_token_ttl=float(env.get("KAEJON_REPLY_TOKEN_TTL", "50")),
            standin_url=(env.get("KAEJON_STANDIN_URL") or "").rstrip("/") or None,
            rules_dir=rules_directory(env),
            public_url=(env.get("KAEJON_PUBLIC_URL") or "").rstrip("/") or None,
            smtp=smtp(env),
            **housekeeping(env),
        )
    except ValueError as error:
        raise ConfigError(f"a numeric setting is not a number: {error}") from None
    if not 0 <= settings.worker_nice <= 19:
        raise ConfigError("KAEJON_WORKER_NICE must be 0 to 19: how much lower the workers' CPU priority is "
                          "than the web's")
    if demo:
        return with_demo_defaults(settings)
    if settings.public_url is not None and not settings.public_url.startswith("https://"):
        raise ConfigError("KAEJON_PUBLIC_URL must start with https:// (LINE fetches images only over https)")
    for variable, attribute in REQUIRED:
        if not getattr(settings, attribute):
            raise ConfigError(f"{variable} is not set; Kaejon cannot start without it (see README).")
    return settings


def for_admin(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings for registry work from the command line (imports, invites, rights): the
    database, the sealing key and the deployment's welfare rules, no LINE channel."""
    env = os.environ if environ is None else environ
    url = database_url(env)
    # KAEJON_DEMO=1 lets admin commands use the demo keys on the demo's SQLite file only:
    # a production (PostgreSQL) database never opens with keys that are in the source.
    demo = _flag(env.get("KAEJON_DEMO", "")) and url.startswith("sqlite")
    secret_keys = key_ring(env, "KAEJON_SECRET_KEYS", demo=demo)
    lookup_keys = key_ring(env, "KAEJON_LOOKUP_KEYS", demo=demo)
    if demo:
        secret_keys = secret_keys or parse_keys(DEMO_SECRET_KEYS, "demo", demo=True)
        lookup_keys = lookup_keys or parse_keys(DEMO_LOOKUP_KEYS, "demo", demo=True)
    for variable, ring in (("KAEJON_SECRET_KEYS", secret_keys), ("KAEJON_LOOKUP_KEYS", lookup_keys)):
        if not ring:
            raise ConfigError(f"{variable} is not set; Kaejon cannot start without it (see README).")
    try:
        kept = housekeeping(env)
    except ValueError as error:
        raise ConfigError(f"a numeric setting is not a number: {error}") from None
    return Settings(database_url=url, replica_url=replica_url(env), pgbouncer=_flag(env.get("KAEJON_DB_PGBOUNCER", "")),
                    secret_keys=secret_keys,
                    lookup_keys=lookup_keys, demo=demo, rules_dir=rules_directory(env), **kept)


def housekeeping(env: Mapping[str, str]) -> dict[str, Limits | Periods | Pacing | Thresholds]:
    """The database's time limits, how long the inbox and outbox keep rows, how digests are paced."""
    return {
        "db_limits": Limits(connect_s=float(env.get("KAEJON_DB_CONNECT_TIMEOUT", Limits.connect_s)),
                            statement_ms=int(env.get("KAEJON_DB_STATEMENT_TIMEOUT_MS", Limits.statement_ms)),
                            lock_ms=int(env.get("KAEJON_DB_LOCK_TIMEOUT_MS", Limits.lock_ms)),
                            busy_s=float(env.get("KAEJON_DB_BUSY_TIMEOUT", Limits.busy_s))),
        "keep": Periods(inbox=timedelta(days=int(env.get("KAEJON_INBOX_KEEP_DAYS", "90"))),
                        outbox=timedelta(days=int(env.get("KAEJON_OUTBOX_KEEP_DAYS", "90")))),
        "pacing": Pacing(grace=timedelta(hours=float(env.get("KAEJON_DIGEST_GRACE_HOURS", "4"))),
                         per_second=max(0.1, float(env.get("KAEJON_BULK_PER_SECOND", "50"))),
                         every_day=_flag(env.get("KAEJON_DIGEST_EVERY_DAY", ""))),
        "reminders": Thresholds(request_days=int(env.get("KAEJON_REMIND_REQUEST_DAYS", "3")),
                                check_days=int(env.get("KAEJON_REMIND_CHECK_DAYS", "7")),
                                reassess_days=int(env.get("KAEJON_REMIND_REASSESS_DAYS", "182"))),
    }


def smtp(env: Mapping[str, str]) -> Smtp:
    return Smtp(host=env.get("KAEJON_SMTP_HOST", ""), port=int(env.get("KAEJON_SMTP_PORT", "25")),
                user=env.get("KAEJON_SMTP_USER", ""), password=env.get("KAEJON_SMTP_PASSWORD", ""),
                sender=env.get("KAEJON_SMTP_FROM", "kaejon@localhost"),
                starttls=_flag(env.get("KAEJON_SMTP_STARTTLS", "")),
                timeout=float(env.get("KAEJON_SMTP_TIMEOUT", "10")))


def key_ring(env: Mapping[str, str], variable: str, *, demo: bool) -> KeyRing:
    """The ring in ``variable`` (empty if unset); a malformed or weak key is a ``ConfigError``."""
    return parse_keys(env.get(variable, ""), variable, demo=demo)


def parse_keys(text: str, variable: str, *, demo: bool = False) -> KeyRing:
    """``id:key,id:key``: the first key is current, the rest are older keys still accepted.
    Keys are base64 or hex of at least 32 random bytes; outside demo the demo keys are refused."""
    ring: list[tuple[str, bytes]] = []
    demo_keys = {key for text in (DEMO_SECRET_KEYS, DEMO_LOOKUP_KEYS) for _, key in _split(text)}
    for key_id, encoded in _split(text):
        if not _KEY_ID.match(key_id):
            raise ConfigError(f"{variable}: a key needs an id (letters, digits, . _ -), as id:key")
        if key_id in {existing for existing, _ in ring}:
            raise ConfigError(f"{variable}: key id {key_id} appears twice")
        key = _decode_key(encoded)
        if key is None or len(key) < KEY_BYTES:
            raise ConfigError(f"{variable}: key {key_id} is not base64 or hex of at least {KEY_BYTES} bytes "
                              "(make one with `kaejon keys new`)")
        if not demo and encoded in demo_keys:
            raise ConfigError(f"{variable}: key {key_id} is the public demo key; make one with `kaejon keys new`")
        if len(set(key)) < _MIN_DISTINCT_BYTES:
            raise ConfigError(f"{variable}: key {key_id} is not random (make one with `kaejon keys new`)")
        ring.append((key_id, key))
    return tuple(ring)


def _split(text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.replace("\n", ",").split(","):
        if item.strip():
            key_id, _, encoded = item.strip().partition(":")
            pairs.append((key_id.strip(), encoded.strip()))
    return pairs


def _decode_key(encoded: str) -> bytes | None:
    if re.fullmatch(r"(?:[0-9a-fA-F]{2}){32,}", encoded):
        return bytes.fromhex(encoded)
    try:
        padded = encoded + "=" * (-len(encoded) % 4)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """Only the database URL: what migrations need, without any secret."""
    env = os.environ if environ is None else environ
    return normalize_url(env.get("DATABASE_URL") or DEFAULT_URL)


def replica_url(env: Mapping[str, str]) -> str | None:
    """``DATABASE_REPLICA_URL``: a streaming replica that reports may read from, so a long
    report never competes with the chat for the primary; unset, they read the primary."""
    url = (env.get("DATABASE_REPLICA_URL") or "").strip()
    return normalize_url(url) if url else None


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
        secret_keys=settings.secret_keys or parse_keys(DEMO_SECRET_KEYS, "demo", demo=True),
        lookup_keys=settings.lookup_keys or parse_keys(DEMO_LOOKUP_KEYS, "demo", demo=True),
        line_api_endpoint=settings.line_api_endpoint or settings.standin_url,
        public_url=settings.public_url or f"http://127.0.0.1:{settings.port}",  # the demo's own address
    )


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
