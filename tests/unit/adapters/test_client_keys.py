"""A client's JWKS: public signing keys only, each refusal naming the key and the rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from healthid.adapters.client_keys import JwksClientKeys
from healthid.domain.errors import ValidationError

KEYS = JwksClientKeys()
ED = OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate().public_key(), as_dict=True)


def _refusal(jwks: object) -> tuple[str, str]:
    raw = jwks if isinstance(jwks, str) else json.dumps(jwks)
    with pytest.raises(ValidationError) as refused:
        KEYS.public_jwks(raw)
    assert refused.value.message_vi
    assert refused.value.message_en
    return refused.value.field, refused.value.rule


def test_public_keys_are_kept_in_canonical_form_without_extra_members() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    given: list[dict[str, Any]] = [
        {**ED, "kid": "a", "x5c": ["MIIB..."], "note": "ignored"},
        {**RSAAlgorithm.to_jwk(rsa_key, as_dict=True), "kid": "b", "alg": "RS384", "use": "sig"},
        {**ECAlgorithm.to_jwk(p384, as_dict=True), "kid": "c"},
    ]
    stored = json.loads(KEYS.public_jwks(json.dumps({"keys": given})))
    assert [k["kid"] for k in stored["keys"]] == ["a", "b", "c"]
    assert "x5c" not in stored["keys"][0]
    assert "note" not in stored["keys"][0]
    assert stored["keys"][1]["alg"] == "RS384"


@pytest.mark.parametrize(
    ("jwks", "field", "rule"),
    [
        ("not json", "jwks", "bad_format"),
        ({"kty": "OKP"}, "jwks", "bad_format"),
        ({"keys": []}, "jwks", "key_count"),
        ({"keys": [ED] * 11}, "jwks", "key_count"),
        ({"keys": ["a string"]}, "jwks.keys[0]", "bad_format"),
        ({"keys": [ED, {"kty": "oct", "k": "c2VjcmV0"}]}, "jwks.keys[1]", "private_key"),
        (
            {"keys": [OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate(), as_dict=True)]},
            "jwks.keys[0]",
            "private_key",
        ),
        (
            {"keys": [{"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}]},
            "jwks.keys[0]",
            "unsupported_curve",
        ),
        (
            {"keys": [{"kty": "OKP", "crv": "X25519", "x": "AA"}]},
            "jwks.keys[0]",
            "unsupported_curve",
        ),
        ({"keys": [{"kty": "DSA"}]}, "jwks.keys[0]", "unsupported_key"),
        ({"keys": [{**ED, "alg": "HS256"}]}, "jwks.keys[0]", "unsupported_algorithm"),
        ({"keys": [{**ED, "alg": "RS256"}]}, "jwks.keys[0]", "unsupported_algorithm"),
        ({"keys": [{**ED, "use": "enc"}]}, "jwks.keys[0]", "not_for_signing"),
        ({"keys": [{**ED, "kid": "k"}, {**ED, "kid": "k"}]}, "jwks.keys[1]", "bad_kid"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "!!"}]}, "jwks.keys[0]", "bad_key"),
        ("x" * 70_000, "jwks", "too_large"),
    ],
)
def test_what_is_not_a_usable_public_signing_key_is_refused(
    jwks: object, field: str, rule: str
) -> None:
    assert _refusal(jwks) == (field, rule)


def test_a_short_rsa_key_is_refused() -> None:
    # The point of the test: a key too short to register.
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505
    assert _refusal({"keys": [RSAAlgorithm.to_jwk(weak, as_dict=True)]}) == (
        "jwks.keys[0]",
        "weak_key",
    )
