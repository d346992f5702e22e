"""The password grant asks admin, authority and auditor for their TOTP code as well."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from healthid.services.ports import SecondFactor
from tests.e2e.api.conftest import PASSWORD, SECOND_FACTOR_USERS, Api

PREFIX = "urn:healthid-vn:problem:"


def _token(api: Api, who: str, **form: str) -> Any:
    data = {"grant_type": "password", "username": who, "password": PASSWORD, **form}
    return api.client.post("/oauth/token", data=data)


def _logins(api: Api, who: str) -> list[tuple[str, str | None]]:
    with api.registry.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT outcome, detail FROM audit_events WHERE action = 'auth.login' AND actor = ?"
            if api.registry.engine.dialect.name == "sqlite"
            else "SELECT outcome, detail FROM audit_events WHERE action = 'auth.login' "
            "AND actor = %s",
            (who,),
        )
        return [(r[0], r[1]) for r in rows]


@pytest.mark.parametrize("who", SECOND_FACTOR_USERS)
def test_a_privileged_role_needs_its_code_and_gets_a_token_with_it(api: Api, who: str) -> None:
    missing = _token(api, who)
    assert missing.status_code == 401
    assert missing.json()["type"] == PREFIX + "second-factor-required"
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    ok = _token(api, who, totp=api.totp(who))
    assert ok.status_code == 200, ok.text
    assert ("denied", "second factor required") in _logins(api, who)
    assert ("success", "second factor") in _logins(api, who)


def test_a_wrong_or_replayed_code_is_the_generic_refusal_and_counts_towards_lockout(
    api: Api,
) -> None:
    code = api.totp("admin")
    assert _token(api, "admin", totp=code).status_code == 200
    replayed = _token(api, "admin", totp=code)
    assert (replayed.status_code, replayed.json()["type"]) == (401, PREFIX + "unauthenticated")
    wrong = "000000" if code != "000000" else "111111"
    for attempt in (wrong, "12345", "abcdef", wrong):
        response = _token(api, "admin", totp=attempt)
        assert (response.status_code, response.json()["type"]) == (401, PREFIX + "unauthenticated")
    assert _logins(api, "admin").count(("failed", "totp")) == 5
    # Five failures in fifteen minutes: even the right password and a fresh code wait now.
    locked = _token(api, "admin", totp=api.totp("admin"))
    assert (locked.status_code, locked.json()["type"]) == (429, PREFIX + "locked-out")


def test_a_missing_code_does_not_count_towards_lockout(api: Api) -> None:
    for _ in range(6):
        assert _token(api, "auditor").status_code == 401
    assert _token(api, "auditor", totp=api.totp("auditor")).status_code == 200


def test_without_an_enrolled_factor_the_answer_is_to_enrol_on_the_portal(api: Api) -> None:
    with api.registry.uow() as uow:  # enrolment started on the portal, never confirmed
        uow.web_sessions.set_second_factor(
            "authority", SecondFactor(pyotp.random_base32(), confirmed=False)
        )
        uow.commit()
    response = _token(api, "authority", totp="123456")
    assert response.status_code == 401
    problem = response.json()
    assert problem["type"] == PREFIX + "second-factor-not-enrolled"
    assert "cổng thông tin" in problem["detail"]
    english = api.client.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "authority", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    ).json()
    assert "portal" in english["detail"]
    assert ("denied", "second factor not enrolled") in _logins(api, "authority")


def test_a_wrong_password_says_nothing_about_the_second_factor(api: Api) -> None:
    response = _token(api, "admin", password="Wrong-pass-123", totp=api.totp("admin"))
    assert (response.status_code, response.json()["type"]) == (401, PREFIX + "unauthenticated")
    missing = _token(api, "admin", password="Wrong-pass-123")
    assert missing.json()["type"] == PREFIX + "unauthenticated"


@pytest.mark.parametrize("who", ["staff", "facility_admin"])
def test_facility_roles_keep_password_only_tokens(api: Api, who: str) -> None:
    assert _token(api, who).status_code == 200
