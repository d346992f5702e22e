"""The portal on a seeded registry (the API tests' accounts), one browser per user."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from httpx2 import Response

from healthid import bootstrap
from healthid.adapters.credentials import Argon2Hasher
from healthid.entrypoints.api.app import create_app
from tests.e2e.api.conftest import PASSWORD, seed

SECOND_FACTOR_USERS = {"admin", "authority", "auditor"}


class SteppingClock:
    """Real time by default; a test can move it forward to reach expiries."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Portal:
    registry: bootstrap.Registry
    clock: SteppingClock
    app: object
    secrets: dict[str, str] = field(default_factory=dict)  # TOTP secrets by user
    used_steps: dict[str, int] = field(default_factory=dict)

    def browser(self, base_url: str = "http://testserver") -> TestClient:
        return TestClient(self.app, base_url=base_url, client=("203.0.113.9", 40000))  # type: ignore[arg-type]

    def code(self, who: str) -> str:
        """A TOTP code for ``who`` at the portal's time, never the same step twice."""
        totp = pyotp.TOTP(self.secrets[who])
        at = self.clock.now()
        step = int(at.timestamp()) // 30
        if self.used_steps.get(who) == step:
            self.clock.advance(seconds=30)
            at, step = self.clock.now(), step + 1
        self.used_steps[who] = step
        return totp.at(at)

    def sign_in(self, who: str, browser: TestClient | None = None) -> TestClient:
        """A browser signed in as ``who``, through the second factor where the role needs it."""
        browser = browser or self.browser()
        page = browser.get("/login")
        response = browser.post(
            "/login",
            data={"csrf": csrf_of(page.text), "username": who, "password": PASSWORD, "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        if who in SECOND_FACTOR_USERS:
            page = browser.get("/second-factor")
            enrolment = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
            if enrolment:
                self.secrets[who] = enrolment.group(1)
            done = browser.post(
                "/second-factor",
                data={"csrf": csrf_of(page.text), "code": self.code(who), "next": "/"},
                follow_redirects=False,
            )
            assert done.status_code == 303, done.text
        return browser

    def post_form(self, browser: TestClient, page_url: str, url: str, **data: str) -> Response:
        """Open ``page_url`` for its CSRF token, then submit ``data`` to ``url``."""
        page = browser.get(page_url)
        return browser.post(url, data={"csrf": csrf_of(page.text), **data})


@pytest.fixture
def portal(registry: bootstrap.Registry) -> Portal:
    registry.hasher = Argon2Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    clock = SteppingClock()
    registry.clock = clock
    seed(registry)
    return Portal(registry, clock, create_app(registry))
