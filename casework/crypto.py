"""Sealing personal data at rest with a ring of keys (``KAEJON_SECRET_KEYS``) and finding it
again by keyed lookup hashes (``KAEJON_LOOKUP_KEYS``); see docs/keys.md.

Sealed format (version 2): ``0x02 | len(key id) | key id | 12-byte nonce | AES-GCM ciphertext``.
The header and the place the value belongs to (table, column, row id) are the associated data:
a value copied to another row, column or table does not open.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x02"
_NONCE_BYTES = 12
KEY_BYTES = 32


class Unreadable(ValueError):
    """A sealed value that no key in the ring opens for this place (wrong key, moved, damaged)."""


@dataclass(frozen=True)
class Place:
    """Where a sealed value lives; bound into the ciphertext as associated data.
    ``row`` is the row's key as listed in ``casework.rotation.SEALED_COLUMNS`` (its id, or a
    natural unique key such as a chat id or a LINE webhook event id)."""

    table: str
    column: str
    row: int | str

    def encode(self) -> bytes:
        return f"{self.table}\x1f{self.column}\x1f{self.row}".encode()


def derive_key(secret: bytes | str, purpose: bytes) -> bytes:
    """A 256-bit key for one purpose, so one secret never serves two uses directly."""
    material = secret.encode("utf-8") if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"kaejon", info=purpose).derive(material)


KeyRing = Sequence[tuple[str, bytes]]
"""(key id, key bytes) pairs; the first is the current key, the others are still accepted."""


def _ring(keys: KeyRing | str, purpose: str) -> list[tuple[str, bytes]]:
    if isinstance(keys, str):  # a single secret (tests, tools): one key with id "0"
        return [("0", derive_key(keys, purpose.encode()))]
    ring = [(key_id, bytes(key)) for key_id, key in keys]
    if not ring:
        raise ValueError("a key ring needs at least one key")
    for key_id, key in ring:
        if not key_id or len(key_id.encode()) > 32 or len(key) < KEY_BYTES:
            raise ValueError("key ids are 1-32 characters and keys at least 32 bytes")
    return ring


def _ad(place: Place) -> bytes:
    return b"\x00" + place.encode()


class Sealer:
    """AES-GCM authenticated encryption of small records (events, messages, IDs)."""

    def __init__(self, keys: KeyRing | str, lookup_keys: KeyRing | str | None = None) -> None:
        sealing = _ring(keys, "personal-data-v2")
        lookup = _ring(keys if lookup_keys is None and isinstance(keys, str) else lookup_keys or [],
                       "lookup-v2")
        self.current_key_id = sealing[0][0]
        self.current_lookup_id = lookup[0][0]
        self._aeads = {key_id: AESGCM(derive_key(key, b"personal-data-v2")) for key_id, key in sealing}
        self._lookups = [(key_id, derive_key(key, b"lookup-v2")) for key_id, key in lookup]

    def seal(self, plaintext: bytes, place: Place) -> bytes:
        key_id = self.current_key_id.encode()
        header = _VERSION + bytes([len(key_id)]) + key_id
        nonce = os.urandom(_NONCE_BYTES)
        return header + nonce + self._aeads[self.current_key_id].encrypt(nonce, plaintext, header + _ad(place))

    def open(self, sealed: bytes, place: Place) -> bytes:
        key_id, header = self.key_id_of(sealed)
        aead = self._aeads.get(key_id)
        if aead is None:
            raise Unreadable(f"sealed with key {key_id!r}, which is not in KAEJON_SECRET_KEYS")
        body = sealed[len(header):]
        try:
            return aead.decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], header + _ad(place))
        except InvalidTag:
            raise Unreadable(f"a sealed value does not open as {place.table}.{place.column}") from None

    @staticmethod
    def key_id_of(sealed: bytes) -> tuple[str, bytes]:
        """The key id a value was sealed with, and its header."""
        if sealed[:1] != _VERSION or len(sealed) < 2:
            raise Unreadable("unknown sealed-data version (see docs/keys.md: version 1)")
        end = 2 + sealed[1]
        return sealed[2:end].decode("ascii", "replace"), sealed[:end]

    def fingerprint(self, value: str) -> str:
        """A keyed hash for finding and de-duplicating a sealed value (e.g. a citizen ID)
        without storing it in the clear; without the key it cannot be reversed by
        trying all 13-digit numbers. Always with the current lookup key (what is stored)."""
        return self.fingerprints(value)[0]

    def fingerprints(self, value: str) -> list[str]:
        """The value's hash under every lookup key in the ring, current first: what a lookup
        must search while ``kaejon keys rotate`` has not yet re-hashed every row."""
        data = value.encode("utf-8")
        return [hmac.new(key, data, hashlib.sha256).hexdigest() for _, key in self._lookups]

    def seal_json(self, value: Any, place: Place) -> bytes:
        return self.seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), place)

    def open_json(self, sealed: bytes, place: Place) -> Any:
        return json.loads(self.open(sealed, place))
