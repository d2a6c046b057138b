"""Photos sent during checks and with requests for help: recorded when they arrive, fetched
from LINE afterwards.

The fetch is a small queue on the attachments table: claim one pending row,
count the attempt before the network call (so a photo that crashes the fetch
cannot loop forever), store it sealed, or give up after ``MAX_ATTEMPTS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from casework.backoff import retry_delay
from casework.crypto import Place, Sealer
from casework.models import Attachment

MAX_ATTEMPTS = 5
MAX_BYTES = 10 * 1024 * 1024
RETRY_BASE_SECONDS = 10.0


@dataclass(frozen=True)
class PendingPhoto:
    id: int
    line_message_id: str
    created_by: int | None = None


def claim(session: Session, now: datetime) -> PendingPhoto | None:
    row = session.scalars(
        select(Attachment).where(Attachment.status == "pending",
                                 or_(Attachment.next_attempt_at.is_(None), Attachment.next_attempt_at <= now))
        .order_by(Attachment.id).limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        return None
    row.attempts += 1
    if row.attempts > MAX_ATTEMPTS:
        row.status = "failed"
        return None
    return PendingPhoto(id=row.id, line_message_id=row.line_message_id, created_by=row.created_by)


def defer(session: Session, photo: PendingPhoto, now: datetime) -> bool:
    """Wait before the next download (backing off); returns False once the photo is given up."""
    attempts = session.scalar(select(Attachment.attempts).where(Attachment.id == photo.id)) or 0
    if attempts >= MAX_ATTEMPTS:
        mark_failed(session, photo)
        return False
    session.execute(update(Attachment).where(Attachment.id == photo.id, Attachment.status == "pending")
                    .values(next_attempt_at=now + retry_delay(attempts, base=RETRY_BASE_SECONDS)))
    return True


def erase_message(session: Session, message_id: str) -> int:
    """Drop a photo whose LINE message was unsent: the content goes, the row stays as a count."""
    result = session.execute(update(Attachment).where(Attachment.line_message_id == message_id)
                             .values(status="erased", content=None, size=None))
    return result.rowcount or 0


def store(session: Session, sealer: Sealer, photo: PendingPhoto, content: bytes, content_type: str) -> bool:
    if len(content) > MAX_BYTES:
        return mark_failed(session, photo)
    result = session.execute(update(Attachment).where(Attachment.id == photo.id, Attachment.status == "pending")
                             .values(status="stored", content=sealer.seal(content, Place("attachments", "content", photo.id)), size=len(content),
                                     content_type=content_type[:40]))
    return result.rowcount == 1


def mark_failed(session: Session, photo: PendingPhoto) -> bool:
    session.execute(update(Attachment).where(Attachment.id == photo.id, Attachment.status == "pending")
                    .values(status="failed"))
    return False



def content_of(session: Session, sealer: Sealer, attachment_id: int) -> tuple[bytes, str] | None:
    """A stored photo's bytes (opened) and type; None if there is none (pending, failed, erased)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.status != "stored" or row.content is None:
        return None
    return sealer.open(row.content, Place("attachments", "content", row.id)), row.content_type or "image/jpeg"


def of_case(session: Session, case_id: int) -> list[int]:
    """The stored photos sent with a request, oldest first."""
    return list(session.scalars(select(Attachment.id).where(Attachment.case_id == case_id,
                                                            Attachment.status == "stored").order_by(Attachment.id)))
