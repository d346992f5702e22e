"""Password hashing (argon2id) and signed access tokens (JWT, EdDSA)."""

from __future__ import annotations

from collections.abc import Callable

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from healthid.adapters.keyring_file import KeyRingError
from healthid.services.ports import InvalidTokenError

ISSUER = "healthid-vn"
MAX_LIFETIME_SECONDS = 300
_REQUIRED = ["exp", "iat", "jti", "sub", "iss"]


class Argon2Hasher:
    """argon2id with the library's recommended parameters (RFC 9106 low-memory profile)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def verify(self, hashed: str, secret: str) -> bool:
        try:
            return self._hasher.verify(hashed, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class JwtSigner:
    """Signs with the key ring's current Ed25519 key; verifies with any version (``kid``)."""

    def __init__(
        self,
        signing_key: Callable[[int | None], tuple[int, Ed25519PrivateKey]],
    ) -> None:
        self._signing_key = signing_key
        # A version's key never changes (rotation adds one): each is loaded once.
        self._public: dict[int, Ed25519PublicKey] = {}

    def _public_key(self, version: int) -> Ed25519PublicKey:
        if version not in self._public:
            self._public[version] = self._signing_key(version)[1].public_key()
        return self._public[version]

    def sign(self, claims: dict[str, object]) -> str:
        version, key = self._signing_key(None)
        return jwt.encode(
            {**claims, "iss": ISSUER}, key, algorithm="EdDSA", headers={"kid": str(version)}
        )

    def read(self, token: str) -> dict[str, object]:
        try:
            header = jwt.get_unverified_header(token)
            version = int(header["kid"])
            if header.get("alg") != "EdDSA":
                raise InvalidTokenError("unexpected algorithm")
            claims: dict[str, object] = jwt.decode(
                token,
                self._public_key(version),
                algorithms=["EdDSA"],
                issuer=ISSUER,
                options={"require": _REQUIRED},
            )
        except (jwt.PyJWTError, KeyRingError, KeyError, ValueError, TypeError) as exc:
            raise InvalidTokenError(type(exc).__name__) from None
        lifetime = int(str(claims["exp"])) - int(str(claims["iat"]))
        if lifetime > MAX_LIFETIME_SECONDS:
            raise InvalidTokenError("lifetime over five minutes")
        return claims
