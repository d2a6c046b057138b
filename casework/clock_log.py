"""The clock's run log: each run of a scheduled job, when it started and ended and what it did."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from casework.models import ClockRun


def started(session: Session, job: str, now: datetime) -> int:
    run = ClockRun(job=job, started_at=now, sent=0, failed=0, late=0)
    session.add(run)
    session.flush()
    return run.id


def ended(session: Session, run_id: int, now: datetime, *, sent: int = 0, failed: int = 0, late: int = 0,
          note: str | None = None) -> None:
    session.execute(update(ClockRun).where(ClockRun.id == run_id).values(
        ended_at=now, sent=sent, failed=failed, late=late, note=(note or None) and note[:200]))


def recent(session: Session, job: str | None = None, limit: int = 20) -> list[ClockRun]:
    query = select(ClockRun).order_by(ClockRun.id.desc()).limit(limit)
    return list(session.scalars(query.where(ClockRun.job == job) if job else query))


def purge(session: Session, before: datetime, batch: int = 1000) -> int:
    ids = list(session.scalars(select(ClockRun.id).where(ClockRun.started_at < before).order_by(ClockRun.id)
                               .limit(batch)))
    if ids:
        session.execute(delete(ClockRun).where(ClockRun.id.in_(ids)))
    return len(ids)
