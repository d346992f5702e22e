"""Field encryption (AES-256-GCM bound to the row) and keyed blind indexes."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_FORMAT = 1
_HEADER = struct.Struct(">BH")  # format byte, data-key version
_NONCE_BYTES = 12
INDEX_BYTES = 16  # 128 bits: collisions are negligible at national scale


class DecryptionError(Exception):
    """A ciphertext failed authentication: wrong key, wrong row, or tampering."""


class FieldCipher:
    """Encrypts one field of one row; the associated data binds it to that place.

    A ciphertext copied to another row or column fails to decrypt, so an
    attacker with write access cannot swap two people's names unnoticed.
    """

    def __init__(self, keys: Mapping[int, bytes], current: int) -> None:
        self._aeads = {version: AESGCM(key) for version, key in keys.items()}
        self._current = current

    def encrypt(self, plaintext: str, *, aad: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        header = _HEADER.pack(_FORMAT, self._current)
        sealed = self._aeads[self._current].encrypt(
            nonce, plaintext.encode("utf-8"), header + aad.encode("utf-8")
        )
        return header + nonce + sealed

    def decrypt(self, blob: bytes, *, aad: str) -> str:
        header, nonce = blob[: _HEADER.size], blob[_HEADER.size : _HEADER.size + _NONCE_BYTES]
        fmt, version = _HEADER.unpack(header)
        aead = self._aeads.get(version)
        if fmt != _FORMAT or aead is None:
            raise DecryptionError("unknown ciphertext format or key version")
        try:
            plain = aead.decrypt(
                nonce, blob[_HEADER.size + _NONCE_BYTES :], header + aad.encode("utf-8")
            )
        except InvalidTag:
            raise DecryptionError("ciphertext failed authentication") from None
        return plain.decode("utf-8")

    @staticmethod
    def key_version(blob: bytes) -> int:
        return int(_HEADER.unpack(blob[: _HEADER.size])[1])


class BlindIndex:
    """Keyed, truncated HMAC of a value: exact lookups without storing the value."""

    def __init__(self, key: bytes) -> None:
        # Keyed once, copied per value: a sync computes millions of these, and
        # setting the key up each time costs more than hashing the value.
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, purpose: str, value: str) -> str:
        mac = self._keyed.copy()
        mac.update(f"{purpose}\x1f{value}".encode())
        return mac.digest()[:INDEX_BYTES].hex()
