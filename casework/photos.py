"""Photos sent during checks and with requests for help: recorded when they arrive, fetched
from LINE afterwards.

The fetch is a small queue on the attachments table: claim one pending row,
count the attempt before the network call (so a photo that crashes the fetch
cannot loop forever), store it sealed, or give up after ``MAX_ATTEMPTS``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.models import Attachment

MAX_ATTEMPTS = 5
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class PendingPhoto:
    id: int
    line_message_id: str


def claim(session: Session) -> PendingPhoto | None:
    row = session.scalars(
        select(Attachment).where(Attachment.status == "pending").order_by(Attachment.id).limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        return None
    row.attempts += 1
    if row.attempts > MAX_ATTEMPTS:
        row.status = "failed"
        return None
    return PendingPhoto(id=row.id, line_message_id=row.line_message_id)


def store(session: Session, sealer: Sealer, photo: PendingPhoto, content: bytes, content_type: str) -> bool:
    if len(content) > MAX_BYTES:
        return mark_failed(session, photo)
    result = session.execute(update(Attachment).where(Attachment.id == photo.id, Attachment.status == "pending")
                             .values(status="stored", content=sealer.seal(content), size=len(content),
                                     content_type=content_type[:40]))
    return result.rowcount == 1


def mark_failed(session: Session, photo: PendingPhoto) -> bool:
    session.execute(update(Attachment).where(Attachment.id == photo.id, Attachment.status == "pending")
                    .values(status="failed"))
    return False

