"""Connected systems' public keys (JWKS) and the client assertions they sign (RFC 7523).

PyJWS checks the signature only; the claims' rules are the domain's
(``domain/client_assertion.py``). Keys come from the client's registered JWKS
alone: a key named in the assertion's own header (``jwk``, ``jku``, ``x5u``) is
never used, or anyone could sign with a key of their choosing.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.api_jws import PyJWS

from healthid.domain.client_assertion import ALGORITHMS, AssertionRefusedError
from healthid.domain.errors import ValidationError

MAX_JWKS_CHARS = 64 * 1024
MAX_KEYS = 10
MIN_RSA_BITS = 2048
MAX_ASSERTION_CHARS = 8192
# What a key needs to verify; anything else (x5c chains, private members) is dropped
# or refused, so the database holds nothing but the public keys.
_PUBLIC_MEMBERS = ("kty", "kid", "use", "alg", "n", "e", "crv", "x", "y")
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_CURVES = {"EC": {"P-256": "ES256", "P-384": "ES384"}, "OKP": {"Ed25519": "EdDSA"}}


def _fits(key: dict[str, Any], alg: str) -> bool:
    """Whether ``key`` is of the type ``alg`` signs with, and does not say otherwise."""
    kty, crv = key.get("kty"), key.get("crv")
    if key.get("alg") not in (None, alg):
        return False
    if alg in ("RS256", "RS384"):
        return kty == "RSA"
    return _CURVES.get(str(kty), {}).get(str(crv)) == alg


def _refuse_key(index: int, rule: str, en: str, vi: str) -> ValidationError:
    return ValidationError(f"jwks.keys[{index}]", rule, en, vi)


def _public_key(index: int, key: object, seen_kids: set[str]) -> dict[str, Any]:
    if not isinstance(key, dict):
        raise _refuse_key(
            index, "bad_format", "must be a JSON object", "phải là một đối tượng JSON"
        )
    kty = key.get("kty")
    if kty == "oct" or _PRIVATE_MEMBERS & key.keys():
        # Never stored: a private or shared key in the registry's database is a leak.
        raise _refuse_key(
            index,
            "private_key",
            "must be a public key: remove the private members (d, p, q, …) or the shared secret",
            "phải là khoá công khai: bỏ các thành phần bí mật (d, p, q, …) hoặc khoá đối xứng",
        )
    if kty == "RSA":
        algorithms = {"RS256", "RS384"}
    elif kty in _CURVES:
        alg = _CURVES[str(kty)].get(str(key.get("crv")))
        if alg is None:
            raise _refuse_key(
                index,
                "unsupported_curve",
                "curve must be P-256 or P-384 (EC) or Ed25519 (OKP)",
                "đường cong phải là P-256 hoặc P-384 (EC) hoặc Ed25519 (OKP)",
            )
        algorithms = {alg}
    else:
        raise _refuse_key(
            index,
            "unsupported_key",
            "kty must be RSA, EC or OKP",
            "kty phải là RSA, EC hoặc OKP",
        )
    if key.get("alg") is not None and key.get("alg") not in algorithms & ALGORITHMS:
        raise _refuse_key(
            index,
            "unsupported_algorithm",
            "alg must be one of RS256, RS384, ES256, ES384, EdDSA and fit the key",
            "alg phải là RS256, RS384, ES256, ES384 hoặc EdDSA và khớp với khoá",
        )
    if key.get("use") not in (None, "sig"):
        raise _refuse_key(
            index, "not_for_signing", "use must be sig", "use phải là sig (dùng để ký)"
        )
    kid = key.get("kid")
    if kid is not None:
        if not isinstance(kid, str) or not 0 < len(kid) <= 200 or kid in seen_kids:
            raise _refuse_key(
                index,
                "bad_kid",
                "kid must be a unique string of 1 to 200 characters",
                "kid phải là chuỗi 1 đến 200 ký tự, không trùng nhau",
            )
        seen_kids.add(kid)
    kept = {m: key[m] for m in _PUBLIC_MEMBERS if m in key}
    try:
        loaded = jwt.PyJWK(kept, algorithm=min(algorithms)).key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, binascii.Error):
        raise _refuse_key(
            index, "bad_key", "is not a valid public key", "không phải khoá công khai hợp lệ"
        ) from None
    if isinstance(loaded, RSAPublicKey) and loaded.key_size < MIN_RSA_BITS:
        raise _refuse_key(
            index,
            "weak_key",
            f"RSA keys must have at least {MIN_RSA_BITS} bits",
            f"khoá RSA phải dài ít nhất {MIN_RSA_BITS} bit",
        )
    return kept


class JwksClientKeys:
    def public_jwks(self, raw: str) -> str:
        if len(raw) > MAX_JWKS_CHARS:
            raise ValidationError(
                "jwks",
                "too_large",
                f"must be at most {MAX_JWKS_CHARS} characters",
                f"không được dài quá {MAX_JWKS_CHARS} ký tự",
            )
        try:
            document = json.loads(raw)
        except ValueError:
            document = None
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise ValidationError(
                "jwks",
                "bad_format",
                'must be a JSON Web Key Set: {"keys": [...]}',
                'phải là một JSON Web Key Set: {"keys": [...]}',
            )
        if not 0 < len(keys) <= MAX_KEYS:
            raise ValidationError(
                "jwks",
                "key_count",
                f"must hold 1 to {MAX_KEYS} keys",
                f"phải có từ 1 đến {MAX_KEYS} khoá",
            )
        kids: set[str] = set()
        public = [_public_key(i, key, kids) for i, key in enumerate(keys)]
        return json.dumps({"keys": public}, sort_keys=True, separators=(",", ":"))

    def unverified_claims(self, assertion: str) -> dict[str, object]:
        if len(assertion) > MAX_ASSERTION_CHARS:
            raise AssertionRefusedError("malformed")
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AssertionRefusedError("malformed") from None
        if not isinstance(claims, dict):
            raise AssertionRefusedError("malformed")
        return claims

    def verify(self, assertion: str, jwks: str) -> dict[str, object]:
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise AssertionRefusedError("malformed") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in ALGORITHMS:
            raise AssertionRefusedError("algorithm")
        if "crit" in header:  # extensions this registry does not understand
            raise AssertionRefusedError("critical_header")
        kid = header.get("kid")
        keys = [k for k in json.loads(jwks)["keys"] if _fits(k, alg)]
        if kid is not None:
            keys = [k for k in keys if k.get("kid") == kid]
        if not keys:
            raise AssertionRefusedError("unknown_key")
        for key in keys:
            try:
                payload = PyJWS().decode(
                    assertion, jwt.PyJWK(key, algorithm=alg).key, algorithms=[alg]
                )
            except (jwt.PyJWTError, ValueError, TypeError):
                continue
            try:
                claims = json.loads(payload)
            except ValueError:
                raise AssertionRefusedError("malformed") from None
            if not isinstance(claims, dict):
                raise AssertionRefusedError("malformed")
            return claims
        raise AssertionRefusedError("signature")
