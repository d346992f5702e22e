"""private_key_jwt (RFC 7523): a facility system signs an assertion with its own key.

The registry holds only the public keys; every refusal is a 401 that says no more, and
an audit event that names the reason but nothing the assertion said.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from healthid.domain.client_assertion import ASSERTION_TYPE
from healthid.services import accounts
from healthid.services.access import operator
from tests.e2e.api.conftest import FACILITY, Api

TOKEN_URL = "http://testserver/oauth/token"  # where the test client's requests arrive
CONFIGURED_URL = "http://127.0.0.1:8000/oauth/token"  # a HEALTHID_PUBLIC_URL, when set
LOOKUP = "/api/v1/facility/patients"

PrivateKey = Ed25519PrivateKey | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _jwk(key: PrivateKey, kid: str | None) -> dict[str, Any]:
    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        made = RSAAlgorithm.to_jwk(public, as_dict=True)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        made = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        made = OKPAlgorithm.to_jwk(public, as_dict=True)
    return {**made, **({"kid": kid} if kid else {})}


class System:
    """A facility system: its keys, its client id, and assertions it signs."""

    def __init__(self, api: Api, keys: dict[str, PrivateKey], client_id: str | None = None) -> None:
        """Registered with its public keys, unless ``client_id`` names a client already."""
        jwks = {"keys": [_jwk(key, kid) for kid, key in keys.items()]}
        self.api, self.keys = api, keys
        self.client_id = (
            client_id
            or accounts.add_keyed_client(
                deps=api.registry.deps,
                caller=operator(),
                client_keys=api.registry.client_keys,
                facility_code=FACILITY,
                jwks=json.dumps(jwks),
            ).client_id
        )

    def claims(self, **overrides: object) -> dict[str, object]:
        now = int(time.time())
        claims: dict[str, object] = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": TOKEN_URL,
            "iat": now,
            "exp": now + 120,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self,
        claims: dict[str, object] | None = None,
        *,
        kid: str | None = "k1",
        key: PrivateKey | None = None,
        alg: str | None = None,
    ) -> str:
        signing_key = key or self.keys[kid or "k1"]
        if alg is None:
            alg = (
                "RS256"
                if isinstance(signing_key, rsa.RSAPrivateKey)
                else "ES256"
                if isinstance(signing_key, ec.EllipticCurvePrivateKey)
                else "EdDSA"
            )
        headers = {"kid": kid} if kid else {}
        return jwt.encode(claims or self.claims(), signing_key, algorithm=alg, headers=headers)

    def token(self, assertion: str, **form: str) -> Any:
        data = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            **form,
        }
        return self.api.client.post("/oauth/token", data=data)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, object], claims: dict[str, object], secret: bytes | None) -> str:
    """A JWT built by hand: PyJWT itself refuses to make the forgeries tested here."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return signing_input + "."
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


@pytest.fixture
def system(api: Api) -> System:
    return System(api, {"k1": Ed25519PrivateKey.generate()})


def _refusals(api: Api) -> list[dict[str, Any]]:
    events = api.client.get(
        "/api/v1/audit", params={"action": "auth.token", "limit": 200}, headers=api.headers("admin")
    ).json()
    return [e for e in events if e["outcome"] == "failed"]


def test_a_valid_assertion_gets_a_token_that_works(api: Api, system: System) -> None:
    response = system.token(system.sign())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 300
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["kind"], claims["fac"]) == (system.client_id, "client", FACILITY)
    bearer = {"Authorization": f"Bearer {body['access_token']}", "X-Purpose": "TREAT"}
    lookup = api.client.get(LOOKUP, headers=bearer)
    assert lookup.status_code == 200
    assert system.token(system.sign(system.claims(aud=TOKEN_URL + "/"))).status_code == 200


def test_with_a_public_url_set_only_its_token_url_is_an_audience(api: Api, system: System) -> None:
    """The URL a request came to follows the caller's Host header: in production
    (HEALTHID_PUBLIC_URL set) an assertion made for another server never passes."""
    api.registry.settings.public_url = CONFIGURED_URL.removesuffix("/oauth/token")
    configured = system.sign(system.claims(aud=[CONFIGURED_URL, "https://elsewhere"]))
    assert system.token(configured, client_id=system.client_id).status_code == 200
    assert system.token(system.sign(system.claims(aud=TOKEN_URL))).status_code == 401


@pytest.mark.parametrize(
    "algorithm",
    ["RS256", "RS384", "ES256", "ES384", "EdDSA"],
)
def test_every_allowed_algorithm_works_with_its_kind_of_key(api: Api, algorithm: str) -> None:
    key: PrivateKey
    if algorithm.startswith("RS"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif algorithm == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "ES384":
        key = ec.generate_private_key(ec.SECP384R1())
    else:
        key = Ed25519PrivateKey.generate()
    system = System(api, {"k1": key})
    assert system.token(system.sign(alg=algorithm)).status_code == 200
    # Without a kid, each registered key is tried.
    assert system.token(system.sign(kid=None, key=key, alg=algorithm)).status_code == 200


def _forgeries(system: System) -> dict[str, Callable[[], str]]:
    now = int(time.time())
    stranger = Ed25519PrivateKey.generate()
    public_pem = (
        system.keys["k1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return {
        "signature": lambda: system.sign(key=stranger),  # the right kid, another key
        "audience": lambda: system.sign(system.claims(aud="https://other-registry/oauth/token")),
        "no audience": lambda: system.sign(system.claims(aud=None)),
        "expired": lambda: system.sign(system.claims(iat=now - 400, exp=now - 100)),
        "no exp": lambda: system.sign(system.claims(exp=None)),
        "exp too far": lambda: system.sign(system.claims(exp=now + 3600)),
        "exp too far after iat": lambda: system.sign(system.claims(iat=now - 200, exp=now + 200)),
        "unknown kid": lambda: system.sign(kid="k9", key=system.keys["k1"]),
        "unregistered key": lambda: system.sign(kid=None, key=stranger),
        "alg none": lambda: _unsigned({"alg": "none", "kid": "k1"}, system.claims(), None),
        "HS256 with the public key": lambda: _unsigned(
            {"alg": "HS256", "kid": "k1", "typ": "JWT"}, system.claims(), public_pem
        ),
        "iss not the client": lambda: system.sign(system.claims(iss="hid_someone_else")),
        "no jti": lambda: system.sign(system.claims(jti=None)),
        "garbage": lambda: "not.a.jwt",
    }


def test_each_forgery_is_refused_and_audited_without_its_contents(api: Api, system: System) -> None:
    forgeries = _forgeries(system)
    answers = {}
    sent = []
    for name, forge in forgeries.items():
        assertion = forge()
        sent.append(assertion)
        response = system.token(assertion)
        answers[name] = (response.status_code, response.json()["type"])
    unauthenticated = (401, "urn:healthid-vn:problem:unauthenticated")
    assert answers == dict.fromkeys(forgeries, unauthenticated)
    refusals = _refusals(api)
    assert len(refusals) == len(forgeries)
    details = {e["detail"] for e in refusals}
    assert {
        "client assertion: signature",
        "client assertion: audience",
        "client assertion: expired",
        "client assertion: exp_missing",
        "client assertion: lifetime",
        "client assertion: unknown_key",
        "client assertion: algorithm",
        "client assertion: issuer",
        "client assertion: jti",
        "client assertion: malformed",
    } <= details
    logged = json.dumps(refusals)
    for assertion in sent:
        for part in assertion.split("."):
            assert len(part) < 8 or part not in logged


def test_a_replayed_assertion_is_refused(api: Api, system: System) -> None:
    assertion = system.sign()
    assert system.token(assertion).status_code == 200
    assert system.token(assertion).status_code == 401
    # The same jti in a freshly signed assertion is a replay too.
    jti = jwt.decode(assertion, options={"verify_signature": False})["jti"]
    assert system.token(system.sign(system.claims(jti=jti))).status_code == 401
    assert "client assertion: replayed" in {e["detail"] for e in _refusals(api)}


def test_a_disabled_client_and_a_mismatched_client_id_are_refused(api: Api, system: System) -> None:
    other = System(api, {"k1": Ed25519PrivateKey.generate()})
    assert system.token(system.sign(), client_id=other.client_id).status_code == 401
    accounts.set_client_disabled(
        deps=api.registry.deps, caller=operator(), client_id=system.client_id
    )
    assert system.token(system.sign()).status_code == 401
    details = {e["detail"] for e in _refusals(api)}
    assert {"client assertion: client_id", "client assertion: disabled"} <= details


def test_a_keyed_client_has_no_secret_and_a_secret_client_no_keys(api: Api, system: System) -> None:
    no_secret = {"grant_type": "client_credentials", "client_id": system.client_id}
    assert api.client.post(
        "/oauth/token", data={**no_secret, "client_secret": "x"}
    ).status_code == (401)
    secret_client, _secret = api.clients["client"]
    impostor = System(api, system.keys, client_id=secret_client)
    assert impostor.token(impostor.sign()).status_code == 401
    assert "client assertion: no_keys" in {e["detail"] for e in _refusals(api)}


def test_malformed_requests_are_422_naming_the_field(api: Api, system: System) -> None:
    both = system.token(system.sign(), client_id=system.client_id, client_secret="also")
    assert both.status_code == 422
    assert both.json()["field"] == "client_secret"
    wrong_type = system.token(system.sign(), client_assertion_type="urn:example:saml")
    assert wrong_type.status_code == 422
    assert (wrong_type.json()["field"], wrong_type.json()["rule"]) == (
        "client_assertion_type",
        "unsupported",
    )


def test_the_admin_api_registers_a_keyed_client_and_refuses_private_keys(api: Api) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwks = {"keys": [_jwk(key, "fac-2026")]}
    created = api.client.post(
        "/api/v1/admin/clients",
        json={"facility_code": FACILITY, "jwks": jwks},
        headers=api.headers("facility_admin"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["client_secret"] is None
    system = System(api, {"fac-2026": key}, client_id=created.json()["client_id"])
    assert system.token(system.sign(kid="fac-2026")).status_code == 200

    private = ECAlgorithm.to_jwk(key, as_dict=True)  # holds "d"
    refused = api.client.post(
        "/api/v1/admin/clients",
        json={"facility_code": FACILITY, "jwks": {"keys": [private]}},
        headers=api.headers("admin"),
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["field"], problem["rule"]) == ("jwks.keys[0]", "private_key")
    assert private["d"] not in refused.text
    with api.registry.engine.connect() as connection:
        stored = [row[0] for row in connection.exec_driver_sql("SELECT jwks FROM api_clients")]
    assert all('"d"' not in (jwks or "") for jwks in stored)
