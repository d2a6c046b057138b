"""Expiring signed addresses for the photos Kaejon keeps, so LINE can show them as image
messages to the leader or staff who asked to see them.

An address is ``<public URL>/photos/<attachment id>.<time>.<signature>``: HMAC-signed
(itsdangerous' ``TimestampSigner``) with a key derived from the sealing keys, valid for
``TTL`` (an hour). Anyone holding a live address can fetch that one photo, which is
what LINE's servers need; a wrong signature is a 404, an old one a 410. Keys come from
the whole sealing ring, so addresses signed before a rotation stay valid for their hour.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from bot.config import Settings
from casework.crypto import derive_key

TTL = timedelta(hours=1)
PURPOSE = b"photo-links"
SALT = "kaejon.photo"


class Expired(Exception):
    """The address was signed by us but is older than ``TTL``."""


class Invalid(Exception):
    """The address was not signed by us (or not for a photo)."""


class _ClockedSigner(TimestampSigner):
    def __init__(self, *args, clock: Callable[[], datetime] | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock().timestamp()) if self._clock is not None else int(time.time())


class PhotoLinks:
    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        keys = [derive_key(secret, PURPOSE) for _id, secret in reversed(settings.secret_keys)]  # newest last
        self.base = settings.public_url
        self._signer = _ClockedSigner(keys, salt=SALT, clock=clock) if keys else None

    @property
    def available(self) -> bool:
        return bool(self.base) and self._signer is not None

    def token(self, attachment_id: int) -> str:
        assert self._signer is not None
        return self._signer.sign(str(attachment_id)).decode("ascii")

    def url(self, attachment_id: int) -> str | None:
        """The photo's address for the next hour; None where no public URL is configured."""
        if not self.available:
            return None
        return f"{self.base}/photos/{self.token(attachment_id)}"

    def attachment_id(self, token: str) -> int:
        """The photo a token names; ``Expired`` or ``Invalid`` otherwise."""
        if self._signer is None:
            raise Invalid()
        try:
            value = self._signer.unsign(token, max_age=int(TTL.total_seconds()))
        except SignatureExpired:
            raise Expired() from None
        except BadSignature:
            raise Invalid() from None
        if not value.isdigit():
            raise Invalid()
        return int(value)
