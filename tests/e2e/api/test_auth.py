"""Tokens, lockout and disabled accounts: who gets in, and who stops getting in."""

from __future__ import annotations

import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from healthid.adapters.credentials import ISSUER
from healthid.services import accounts
from healthid.services.access import operator
from tests.e2e.api.conftest import PASSWORD, Api

LOOKUP = "/api/v1/facility/patients"


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "staff",
        "kind": "user",
        "role": "staff",
        "fac": "01001",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "iss": ISSUER,
    }
    claims.update(overrides)
    return claims


def _signed(api: Api, claims: dict[str, object], key: Ed25519PrivateKey | None = None) -> str:
    version, ours = api.registry.keys.signing_key()
    return jwt.encode(claims, key or ours, algorithm="EdDSA", headers={"kid": str(version)})


def _get(api: Api, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "TREAT"}
    return api.client.get(LOOKUP, headers=headers).status_code


def test_client_credentials_give_a_short_lived_unique_bearer_token(api: Api) -> None:
    client_id, secret = api.clients["client"]
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    first = api.client.post("/oauth/token", data=form).json()
    second = api.client.post("/oauth/token", data=form).json()
    assert first["token_type"] == "Bearer"
    assert 0 < first["expires_in"] <= 300
    claims = [
        jwt.decode(t["access_token"], options={"verify_signature": False}) for t in (first, second)
    ]
    assert claims[0]["jti"] != claims[1]["jti"]
    assert claims[0]["exp"] - claims[0]["iat"] <= 300
    assert _get(api, first["access_token"]) == 200


def test_wrong_secret_and_unknown_client_are_401_problems(api: Api) -> None:
    client_id, _ = api.clients["client"]
    for form in (
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "nope"},
        {"grant_type": "client_credentials", "client_id": "hid_unknown", "client_secret": "x"},
        {"grant_type": "password", "username": "staff", "password": "wrong-Password-1"},
    ):
        response = api.client.post("/oauth/token", data=form)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    unsupported = api.client.post("/oauth/token", data={"grant_type": "implicit"})
    assert unsupported.status_code == 422


def test_anonymous_missing_and_garbage_tokens_are_401(api: Api) -> None:
    assert api.client.get(LOOKUP).status_code == 401
    assert _get(api, "not-a-jwt") == 401
    assert api.client.get(LOOKUP, headers={"Authorization": "Basic abc"}).status_code == 401


def test_tampered_expired_overlong_and_foreign_tokens_are_refused(api: Api) -> None:
    good = api.token("staff")
    head, body, signature = good.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert _get(api, f"{head}.{body}.{flipped}") == 401
    now = int(time.time())
    assert _get(api, _signed(api, _claims(iat=now - 600, exp=now - 300))) == 401
    assert _get(api, _signed(api, _claims(exp=now + 3600))) == 401
    assert _get(api, _signed(api, _claims(), key=Ed25519PrivateKey.generate())) == 401
    assert _get(api, _signed(api, _claims(iss="someone-else"))) == 401
    assert _get(api, _signed(api, _claims())) == 200  # the forging helper itself works


def test_a_revoked_token_cannot_be_replayed(api: Api) -> None:
    token = api.token("staff")
    assert _get(api, token) == 200
    assert api.client.post("/oauth/revoke", data={"token": token}).status_code == 200
    assert _get(api, token) == 401


def test_disabling_a_client_or_user_takes_effect_on_the_next_request(api: Api) -> None:
    client_token, user_token = api.token("client"), api.token("staff")
    assert _get(api, client_token) == 200
    deps = api.registry.deps
    accounts.set_client_disabled(deps=deps, caller=operator(), client_id=api.clients["client"][0])
    accounts.set_user_disabled(deps=deps, caller=operator(), username="staff")
    assert _get(api, client_token) == 401
    assert _get(api, user_token) == 401
    client_id, secret = api.clients["client"]
    again = api.client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert again.status_code == 401


def test_five_failures_in_fifteen_minutes_lock_the_account(api: Api) -> None:
    form = {"grant_type": "password", "username": "staff"}
    for _ in range(5):
        response = api.client.post("/oauth/token", data={**form, "password": "Wrong-pass-123"})
        assert response.status_code == 401
    locked = api.client.post("/oauth/token", data={**form, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["type"] == "urn:healthid-vn:problem:locked-out"
    other = api.client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": "authority",
            "password": PASSWORD,
            "totp": api.totp("authority"),
        },
    )
    assert other.status_code == 200


def test_every_login_and_token_is_audited(api: Api) -> None:
    api.client.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "staff", "password": "Wrong-pass-123"},
    )
    api.token("staff")
    api.token("client")
    events = api.client.get(
        "/api/v1/audit", params={"limit": 50}, headers=api.headers("auditor")
    ).json()
    seen = {(e["action"], e["outcome"], e["actor"]) for e in events}
    assert ("auth.login", "failed", "staff") in seen
    assert ("auth.login", "success", "staff") in seen
    assert ("auth.token", "success", api.clients["client"][0]) in seen
    assert all(e["source"] == "203.0.113.7" for e in events if e["action"].startswith("auth"))
