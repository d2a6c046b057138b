"""The audit log: every change to personal data, who made it, old → new.

Values are sealed (they are personal data themselves); the plain columns say who,
what kind of change, to which record and in which area, so coordinators can list
their area's changes and open them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.models import AuditEntry
from casework.sealing import open_from, seal_into

Changes = dict[str, list[Any]]


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    area_code: str | None
    changes: Changes


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


def record(
    session: Session,
    sealer: Sealer,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | str,
    area_code: str | None,
    now: datetime,
    changes: Changes | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=now, actor=actor[:64], action=action[:40], entity=entity[:24], entity_id=str(entity_id)[:32],
        area_code=area_code,
    )
    seal_into(sealer, entry, "changes", changes or None)
    session.add(entry)
    return entry


def count_since(session: Session, action: str, since: datetime, *, actor: str | None = None) -> int:
    """How many times ``action`` was recorded since ``since`` (by ``actor``, or by anyone):
    counted in the database, so a cap on failures holds across every process."""
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action, AuditEntry.at > since)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    return session.scalar(query) or 0


def history(
    session: Session, sealer: Sealer, *, entity: str | None = None, entity_id: int | str | None = None,
    area_prefix: str | None = None, limit: int = 50,
) -> list[Change]:
    """Newest first; ``area_prefix`` limits to an area and everything below it."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if area_prefix is not None:
        query = query.where(AuditEntry.area_code.startswith(area_prefix, autoescape=True))
    return [
        Change(at=e.at, actor=e.actor, action=e.action, entity=e.entity, entity_id=e.entity_id,
               area_code=e.area_code, changes=open_from(sealer, e, "changes") or {})
        for e in session.scalars(query)
    ]
