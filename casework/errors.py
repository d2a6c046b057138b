"""The one shape of a refusal the domain gives the chat: a stable reason code, not prose."""
from __future__ import annotations


class Refused(ValueError):
    """``reason``: a stable code that ``messages/`` turns into words in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
