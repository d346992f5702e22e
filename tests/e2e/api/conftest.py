"""An API on a seeded registry: two facilities, a user per role, a client per facility."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from healthid import bootstrap
from healthid.adapters.credentials import Argon2Hasher
from healthid.entrypoints.api.app import create_app
from healthid.services import accounts
from healthid.services.access import operator
from healthid.services.ports import SecondFactor

PASSWORD = "Mật-khẩu-2026!"
FACILITY, OTHER_FACILITY = "01001", "79001"
USERS = {
    "admin": ("admin", None),
    "authority": ("authority", None),
    "auditor": ("auditor", None),
    "facility_admin": ("facility_admin", FACILITY),
    "staff": ("staff", FACILITY),
    "other_staff": ("staff", OTHER_FACILITY),
    "other_facility_admin": ("facility_admin", OTHER_FACILITY),
}
# admin, authority and auditor need a TOTP code for an API token: enrolled here as if
# on the portal, each with its own secret.
SECOND_FACTOR_USERS = ("admin", "authority", "auditor")
AN = {
    "si_number": "0123456789",
    "cccd": "001090012345",
    "bhyt_card": "DN4010123456789",
    "full_name": "Nguyễn Văn An",
    "birth_date": "1990-05-01",
    "sex": "male",
    "birthplace": "Hà Nội",
    "address": "12 Phố Huế, Hà Nội",
}


@dataclass
class Api:
    """A test client plus the seeded accounts, with a cache of their tokens."""

    client: TestClient
    registry: bootstrap.Registry
    clients: dict[str, tuple[str, str]]
    tokens: dict[str, str] = field(default_factory=dict)
    totp_secrets: dict[str, str] = field(default_factory=dict)

    def totp(self, who: str) -> str:
        """A code for ``who`` the registry has not seen used yet (one step of drift each
        way is accepted, so three fresh codes per 30 seconds)."""
        with self.registry.uow() as uow:
            factor = uow.web_sessions.second_factor(who)
        assert factor is not None
        last = -1 if factor.last_step is None else factor.last_step
        # The server accepts one step either side of its own; a code for the step before
        # ours would be refused if the server's clock crossed a step boundary after we
        # read ours, so only this step or the next is used (waiting when both are spent).
        while True:
            now = int(datetime.now(UTC).timestamp()) // 30
            step = next((s for s in (now, now + 1) if s > last), None)
            if step is not None:
                return pyotp.TOTP(self.totp_secrets[who]).at(step * 30)
            time.sleep(1)

    def token(self, who: str) -> str:
        if who not in self.tokens:
            if who in self.clients:
                client_id, secret = self.clients[who]
                form = {
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": secret,
                }
            else:
                form = {"grant_type": "password", "username": who, "password": PASSWORD}
                if who in self.totp_secrets:
                    form["totp"] = self.totp(who)
            response = self.client.post("/oauth/token", data=form)
            assert response.status_code == 200, response.text
            self.tokens[who] = response.json()["access_token"]
        return self.tokens[who]

    def headers(self, who: str | None, purpose: str = "TREAT") -> dict[str, str]:
        """A caller's headers as a facility system sends them: the token, and why it reads
        (every identifiable read states a coded purpose)."""
        if who is None:
            return {}
        return {"Authorization": f"Bearer {self.token(who)}", "X-Purpose": purpose}

    def call(self, method: str, url: str, who: str | None, **kwargs: object) -> object:
        headers = {**self.headers(who), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]


def seed(registry: bootstrap.Registry) -> dict[str, tuple[str, str]]:
    deps, caller = registry.deps, operator()
    for code, province in ((FACILITY, "01"), (OTHER_FACILITY, "79")):
        accounts.add_facility(
            deps=deps,
            caller=caller,
            code=code,
            name=f"Bệnh viện {code}",
            province=province,
        )
    for username, (role, facility) in USERS.items():
        accounts.add_user(
            deps=deps,
            caller=caller,
            hasher=registry.hasher,
            username=username,
            role=role,
            facility_code=facility,
            password=PASSWORD,
        )
    clients = {}
    for name, code in (("client", FACILITY), ("other_client", OTHER_FACILITY)):
        new = accounts.add_client(
            deps=deps, caller=caller, hasher=registry.hasher, facility_code=code
        )
        clients[name] = (new.client_id, new.client_secret)
    return clients


@pytest.fixture
def api(registry: bootstrap.Registry) -> Iterator[Api]:
    # Cheap hashing keeps the suite fast; production uses the library's defaults.
    registry.hasher = Argon2Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    clients = seed(registry)
    totp_secrets = enrol_second_factors(registry)
    with TestClient(create_app(registry), client=("203.0.113.7", 50000)) as client:
        yield Api(client, registry, clients, totp_secrets=totp_secrets)


def enrol_second_factors(registry: bootstrap.Registry) -> dict[str, str]:
    """What enrolment on the portal leaves behind: a confirmed TOTP secret per user."""
    made = {who: pyotp.random_base32() for who in SECOND_FACTOR_USERS}
    with registry.uow() as uow:
        for who, secret in made.items():
            uow.web_sessions.set_second_factor(who, SecondFactor(secret, confirmed=True))
        uow.commit()
    return made


@pytest.fixture
def register(api: Api) -> Callable[..., dict[str, object]]:
    def _register(who: str = "staff", **overrides: object) -> dict[str, object]:
        response = api.client.post(
            "/api/v1/persons", json={**AN, **overrides}, headers=api.headers(who)
        )
        assert response.status_code in (200, 201), response.text
        body: dict[str, object] = response.json()
        return body

    return _register
