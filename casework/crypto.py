"""Sealing personal data at rest with a key derived from ``KAEJON_SECRET_KEY``."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"
_NONCE_BYTES = 12


def derive_key(secret: str, purpose: bytes) -> bytes:
    """A 256-bit key for one purpose, so one secret never serves two uses directly."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"kaejon", info=purpose
    ).derive(secret.encode("utf-8"))


class Sealer:
    """AES-GCM authenticated encryption of small records (events, messages, IDs)."""

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(derive_key(secret, b"personal-data-v1"))
        self._lookup_key = derive_key(secret, b"lookup-v1")

    def seal(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, _VERSION)

    def open(self, sealed: bytes) -> bytes:
        if sealed[:1] != _VERSION:
            raise ValueError("unknown sealed-data version")
        nonce = sealed[1 : 1 + _NONCE_BYTES]
        return self._aead.decrypt(nonce, sealed[1 + _NONCE_BYTES :], _VERSION)

    def fingerprint(self, value: str) -> str:
        """A keyed hash for finding and de-duplicating a sealed value (e.g. a citizen ID)
        without storing it in the clear; without the key it cannot be reversed by
        trying all 13-digit numbers."""
        return hmac.new(self._lookup_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def seal_json(self, value: Any) -> bytes:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def open_json(self, sealed: bytes) -> Any:
        return json.loads(self.open(sealed))
