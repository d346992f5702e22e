"""Single use and caps hold under concurrent requests, on SQLite and PostgreSQL alike:
a TOTP code gives one token, a client assertion one token, a facility its cap of clients."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from threading import Barrier

import jwt
import pyotp
import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from healthid import bootstrap
from healthid.adapters.credentials import Argon2Hasher
from healthid.config import Settings
from healthid.domain.accounts import AccountLimitError
from healthid.services import accounts, auth, client_assertions
from healthid.services.access import AuthenticationError, RequestContext, operator
from healthid.services.ports import SecondFactor

PASSWORD = "Mật-khẩu-2026!"
TOKEN_URL = "https://registry.example/oauth/token"
RACERS = 4


def _race(work: Callable[[], object]) -> list[str]:
    """Run ``work`` in RACERS threads released together; what each ended with."""
    barrier = Barrier(RACERS)

    def one() -> str:
        barrier.wait()
        try:
            work()
        except (AuthenticationError, AccountLimitError) as refused:
            return type(refused).__name__
        return "ok"

    with ThreadPoolExecutor(RACERS) as pool:
        return sorted(pool.map(lambda _: one(), range(RACERS)))


def _facility(registry: bootstrap.Registry) -> None:
    registry.hasher = Argon2Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.add_facility(
        deps=registry.deps, caller=operator(), code="01001", name="Bệnh viện", province="01"
    )


def test_one_totp_code_gives_one_token_however_many_present_it_at_once(
    registry: bootstrap.Registry,
) -> None:
    _facility(registry)
    accounts.add_user(
        deps=registry.deps,
        caller=operator(),
        hasher=registry.hasher,
        username="thanh.tra",
        role="auditor",
        facility_code=None,
        password=PASSWORD,
    )
    secret = pyotp.random_base32()
    with registry.uow() as uow:
        uow.web_sessions.set_second_factor("thanh.tra", SecondFactor(secret, confirmed=True))
        uow.commit()
    code = pyotp.TOTP(secret).now()
    outcomes = _race(
        lambda: auth.token_for_user(
            deps=registry.deps,
            hasher=registry.hasher,
            signer=registry.signer,
            codes=registry.codes,
            ctx=RequestContext(source="test"),
            username="thanh.tra",
            password=PASSWORD,
            totp=code,
        )
    )
    assert outcomes == ["AuthenticationError"] * (RACERS - 1) + ["ok"]


def test_one_client_assertion_gives_one_token_however_many_present_it_at_once(
    registry: bootstrap.Registry,
) -> None:
    _facility(registry)
    key = Ed25519PrivateKey.generate()
    jwks = {"keys": [{**OKPAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1"}]}
    client_id = accounts.add_keyed_client(
        deps=registry.deps,
        caller=operator(),
        client_keys=registry.client_keys,
        facility_code="01001",
        jwks=json.dumps(jwks),
    ).client_id
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
    }
    assertion = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "k1"})
    outcomes = _race(
        lambda: client_assertions.token_for_client_assertion(
            deps=registry.deps,
            keys=registry.client_keys,
            signer=registry.signer,
            ctx=RequestContext(source="test"),
            assertion=assertion,
            audiences=[TOKEN_URL],
        )
    )
    assert outcomes == ["AuthenticationError"] * (RACERS - 1) + ["ok"]


def test_concurrent_additions_stop_exactly_at_the_facility_cap(
    registry: bootstrap.Registry,
) -> None:
    _facility(registry)
    accounts.set_facility_limits(deps=registry.deps, caller=operator(), code="01001", max_clients=2)
    outcomes = _race(
        lambda: accounts.add_client(
            deps=registry.deps, caller=operator(), hasher=registry.hasher, facility_code="01001"
        )
    )
    assert outcomes == ["AccountLimitError"] * (RACERS - 2) + ["ok", "ok"]
    assert len(accounts.list_clients(deps=registry.deps, caller=operator())) == 2


@pytest.fixture
def postgres_registry(postgres_url: str, tmp_path: Path) -> Iterator[bootstrap.Registry]:
    """PostgreSQL alone: two transactions can interleave there (SQLite's BEGIN IMMEDIATE
    makes the second wait for the first, so no interleaving can be staged on it)."""
    settings = Settings(database_url=postgres_url, keys=tmp_path / "keys.json")
    registry, _ = bootstrap.init_registry(settings)
    try:
        yield registry
    finally:
        registry.close()


@pytest.mark.postgres
def test_a_totp_step_is_used_once_when_two_requests_both_read_it_unused(
    postgres_registry: bootstrap.Registry,
) -> None:
    registry = postgres_registry
    with registry.uow() as uow:
        uow.web_sessions.set_second_factor("thanh.tra", SecondFactor("A" * 32, confirmed=True))
        uow.commit()
    with registry.uow() as first, registry.uow() as second:
        for uow in (first, second):
            factor = uow.web_sessions.second_factor("thanh.tra")
            assert factor is not None
            assert factor.last_step is None  # both would accept the code on what they read
        assert first.web_sessions.use_step("thanh.tra", 100)
        first.commit()
        assert not second.web_sessions.use_step("thanh.tra", 100)
        assert second.web_sessions.use_step("thanh.tra", 101)  # a later code still works


@pytest.mark.postgres
def test_an_assertion_id_is_used_once_when_two_requests_race(
    postgres_registry: bootstrap.Registry,
) -> None:
    now = datetime.now(UTC)
    later = now + timedelta(minutes=1)
    with postgres_registry.uow() as first, postgres_registry.uow() as second:
        assert first.accounts.use_client_assertion("k" * 64, later, now)
        first.commit()
        assert not second.accounts.use_client_assertion("k" * 64, later, now)
    with postgres_registry.uow() as third:  # expired ids are purged, then usable again
        assert third.accounts.use_client_assertion("k" * 64, later, later + timedelta(seconds=1))
