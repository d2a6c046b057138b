"""Where each chat is in a multi-step conversation, kept in the database so any
worker can continue it and a leader can stop a questionnaire and resume later."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, UTCDateTime


class Conversation(Base):
    __tablename__ = "conversations"

    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RichMenu(Base):
    """The LINE rich menu made for a role in a language by ``kaejon richmenu sync``, under
    its key (``casework.rich_menus.key``: ``leader``, ``leader.en``)."""

    __tablename__ = "rich_menus"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    line_rich_menu_id: Mapped[str] = mapped_column(String(80))
    image_sha256: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime)
