"""LINE's ``unsend``: the user took a message back, so Kaejon forgets what it kept of it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from casework import audit, inbox, photos
from casework.crypto import Sealer


def forget(session: Session, sealer: Sealer, chat_key: str, message_id: str, now: datetime) -> int:
    """Erase the stored event and any photo of message ``message_id``; audited without content."""
    erased = inbox.erase_message(session, sealer, chat_key, message_id[:32])
    erased += photos.erase_message(session, message_id[:32])
    audit.record(session, sealer, actor="line:unsend", action="message.unsent", entity="line_message",
                 entity_id=message_id[:32], area_code=None, now=now, changes=None)
    return erased
