"""The key ring: a JSON file outside the database, readable by its owner only (0600)."""

from __future__ import annotations

import base64
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

_FORMAT = 1
# Index keys do not rotate with the others: a new one would need every blind
# index recomputed. They rotate only with a re-index (not built yet).
_ROTATING = ("issuing", "data", "signing")
_KINDS = (*_ROTATING, "index")


class KeyRingError(Exception):
    """The key ring is missing, unreadable, too widely readable, or malformed."""


def _new_secret(kind: str) -> bytes:
    if kind == "signing":
        return Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
    return os.urandom(32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class FileKeyRing:
    """Versioned issuing, data, index and signing keys kept in one 0600 file."""

    def __init__(self, path: Path, content: dict[str, Any]) -> None:
        self.path = path
        self._content = content

    @classmethod
    def create(cls, path: Path) -> FileKeyRing:
        """Write a new key ring; refuses to overwrite an existing one."""
        content: dict[str, Any] = {"format": _FORMAT}
        for kind in _KINDS:
            content[kind] = {"current": 1, "keys": {"1": _b64(_new_secret(kind))}}
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise KeyRingError(f"key ring already exists at {path}") from None
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=2)
        return cls(path, content)

    @classmethod
    def load(cls, path: Path) -> FileKeyRing:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise KeyRingError(
                f"no key ring at {path}: run `healthid init` or set HEALTHID_KEYS"
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyRingError(f"key ring {path} must be readable by its owner only (chmod 600)")
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            for kind in _KINDS:
                current = content[kind]["current"]
                if str(current) not in content[kind]["keys"]:
                    raise KeyError(kind)
        except (ValueError, KeyError, TypeError):
            raise KeyRingError(f"key ring {path} is malformed") from None
        if content.get("format") != _FORMAT:
            raise KeyRingError(f"key ring {path} has an unknown format")
        return cls(path, content)

    def _key(self, kind: str, version: int | None) -> tuple[int, bytes]:
        entry = self._content[kind]
        chosen = int(entry["current"]) if version is None else version
        try:
            return chosen, base64.b64decode(entry["keys"][str(chosen)])
        except KeyError:
            raise KeyRingError(f"{kind} key version {chosen} is not in the key ring") from None

    def issuing_key(self, version: int | None = None) -> tuple[int, bytes]:
        return self._key("issuing", version)

    def signing_key(self, version: int | None = None) -> tuple[int, Ed25519PrivateKey]:
        chosen, raw = self._key("signing", version)
        return chosen, Ed25519PrivateKey.from_private_bytes(raw)

    def index_key(self) -> bytes:
        return self._key("index", None)[1]

    def data_keys(self) -> tuple[dict[int, bytes], int]:
        """Every data key by version, and the current version."""
        entry = self._content["data"]
        keys = {int(v): base64.b64decode(k) for v, k in entry["keys"].items()}
        return keys, int(entry["current"])

    def versions(self) -> dict[str, int]:
        return {kind: int(self._content[kind]["current"]) for kind in _KINDS}

    def rotate(self) -> dict[str, int]:
        for kind in _ROTATING:
            entry = self._content[kind]
            new = max(int(v) for v in entry["keys"]) + 1
            entry["keys"][str(new)] = _b64(_new_secret(kind))
            entry["current"] = new
        self._save()
        return self.versions()

    def _save(self) -> None:
        # Write beside, then rename: a crash never leaves half a key ring.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self._content, out, indent=2)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
