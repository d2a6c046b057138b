"""The one shape of a refusal the domain gives the chat: a stable reason code, not prose."""
from __future__ import annotations

from datetime import datetime


class Refused(ValueError):
    """``reason``: a stable code that ``messages/`` turns into words in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AlreadyDone(Refused):
    """A repeated tap of something already done (``already_submitted``, ``already_confirmed``,
    ``already_returned``): what was done, by whom (the name the reader may see, "" if unknown;
    ``mine`` when it was the reader) and when, so the chat can say so instead of "not allowed"."""

    def __init__(self, reason: str, *, by: str = "", at: datetime | None = None, mine: bool = False) -> None:
        super().__init__(reason)
        self.by, self.at, self.mine = by, at, mine
