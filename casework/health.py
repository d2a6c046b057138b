"""What an on-call operator needs to know at a glance: failures, backlogs, and whether
the background processes are alive. Counts and ages only; no personal data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.models import Heartbeat, InboxEvent, OutboxMessage

WINDOW = timedelta(hours=24)
MAX_BACKLOG_AGE = timedelta(minutes=5)
MAX_SILENCE = {"worker": timedelta(minutes=2), "clock": timedelta(hours=2)}


@dataclass(frozen=True)
class Report:
    checks: dict[str, Any]
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def beat(session: Session, name: str, now: datetime) -> None:
    """Record that process ``name`` is alive. Several workers beat under one name: the first
    beat of two at once inserts, the other finds the row and updates it."""
    seen = update(Heartbeat).where(Heartbeat.name == name).values(seen_at=now)
    if session.execute(seen.execution_options(synchronize_session=False)).rowcount:
        return
    try:
        with session.begin_nested():
            session.execute(insert(Heartbeat).values(name=name, seen_at=now))
    except IntegrityError:
        session.execute(seen.execution_options(synchronize_session=False))


def _age(now: datetime, since: datetime | None) -> float | None:
    return None if since is None else round((now - since).total_seconds(), 1)


def report(session: Session, now: datetime) -> Report:
    """Each check's figure, and the names of the checks that call for an operator."""
    since = now - WINDOW
    given_up = session.scalar(select(func.count()).select_from(InboxEvent).where(
        InboxEvent.status == "failed", InboxEvent.handled_at >= since)) or 0
    dead = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "dead", OutboxMessage.created_at >= since)) or 0
    oldest_event = session.scalar(select(func.min(InboxEvent.received_at)).where(InboxEvent.status == "pending"))
    oldest_send = session.scalar(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status.in_(("pending", "sending"))))
    beats = {row.name: row.seen_at for row in session.scalars(select(Heartbeat))}
    checks: dict[str, Any] = {
        "given_up_events_24h": given_up,
        "dead_messages_24h": dead,
        "inbox_backlog_age_s": _age(now, oldest_event),
        "outbox_backlog_age_s": _age(now, oldest_send),
        **{f"{name}_last_seen_s": _age(now, beats.get(name)) for name in MAX_SILENCE},
    }
    failed = [name for name, bad in (
        ("given_up_events_24h", given_up > 0),
        ("dead_messages_24h", dead > 0),
        ("inbox_backlog_age_s", oldest_event is not None and now - oldest_event > MAX_BACKLOG_AGE),
        ("outbox_backlog_age_s", oldest_send is not None and now - oldest_send > MAX_BACKLOG_AGE),
    ) if bad]
    failed += [f"{name}_last_seen_s" for name, limit in MAX_SILENCE.items()
               if beats.get(name) is None or now - beats[name] > limit]
    return Report(checks=checks, failed=failed)
