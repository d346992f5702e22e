"""A facility holds at most so many enabled users and API clients; only an admin raises it."""

from __future__ import annotations

from typing import Any

import pytest

from healthid.domain.accounts import AccountLimitError
from healthid.services import accounts
from healthid.services.access import operator
from tests.e2e.api.conftest import FACILITY, PASSWORD, Api

CLIENTS = "/api/v1/admin/clients"
USERS = "/api/v1/admin/users"
LIMITS = f"/api/v1/admin/facilities/{FACILITY}/limits"


def _add_client(api: Api, who: str = "facility_admin", **headers: str) -> Any:
    return api.client.post(
        CLIENTS, json={"facility_code": FACILITY}, headers={**api.headers(who), **headers}
    )


def _add_user(api: Api, name: str, who: str = "facility_admin") -> Any:
    body = {"username": name, "role": "staff", "facility_code": FACILITY, "password": PASSWORD}
    return api.client.post(USERS, json=body, headers=api.headers(who))


def _denials(api: Api) -> list[str]:
    events = api.client.get(
        "/api/v1/audit", params={"action": "admin", "limit": 200}, headers=api.headers("admin")
    ).json()
    return [e["detail"] for e in events if e["outcome"] == "denied"]


def test_a_facility_holds_five_clients_by_default_and_the_sixth_is_a_409_naming_it(
    api: Api,
) -> None:
    facilities = api.client.get("/api/v1/admin/facilities", headers=api.headers("admin")).json()
    ours = next(f for f in facilities if f["code"] == FACILITY)
    assert (ours["max_users"], ours["max_clients"]) == (50, 5)
    for _ in range(4):  # the seed made one already
        assert _add_client(api).status_code == 201
    refused = _add_client(api)
    assert refused.status_code == 409
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert (problem["field"], problem["rule"]) == ("facility", "client_limit")
    assert "giới hạn 5" in problem["detail"]
    assert "admin" in problem["detail"]
    english = _add_client(api, **{"Accept-Language": "en"}).json()
    assert "limit of 5 enabled API clients" in english["detail"]
    # The admin is held to the cap too: raising it is the way past it.
    assert _add_client(api, "admin").status_code == 409
    denied = _denials(api)
    assert len(denied) == 3
    assert all(d.startswith("client.add hid_") and d.endswith("client_limit 5") for d in denied)
    assert len(accounts.list_clients(deps=api.registry.deps, caller=operator())) == 6  # 5 + other


def test_a_facility_admin_cannot_raise_the_cap_and_an_admin_can(api: Api) -> None:
    for who in ("facility_admin", "other_facility_admin", "staff", "authority", "auditor"):
        response = api.client.put(LIMITS, json={"max_users": 500}, headers=api.headers(who))
        assert response.status_code == 403, who
    assert api.client.put(LIMITS, json={"max_users": 500}).status_code == 401
    assert (
        api.client.put(LIMITS, json={"max_clients": 1}, headers=api.headers("admin")).json()[
            "max_clients"
        ]
        == 1
    )
    assert _add_client(api).status_code == 409  # the seed's client fills it
    raised = api.client.put(
        LIMITS, json={"max_users": 80, "max_clients": 8}, headers=api.headers("admin")
    )
    assert raised.status_code == 200
    assert (raised.json()["max_users"], raised.json()["max_clients"]) == (80, 8)
    assert _add_client(api).status_code == 201
    events = api.client.get(
        "/api/v1/audit", params={"action": "admin", "actor": "admin"}, headers=api.headers("admin")
    ).json()
    assert f"facility.limits {FACILITY} users 50->80 clients 1->8" in {e["detail"] for e in events}


def test_the_user_cap_counts_enabled_users_and_re_enabling_is_held_to_it(api: Api) -> None:
    admin = api.headers("admin")
    # The seed gave the facility a facility_admin and a staff member: room for one more.
    assert api.client.put(LIMITS, json={"max_users": 3}, headers=admin).status_code == 200
    assert _add_user(api, "lan.nguyen").status_code == 201
    refused = _add_user(api, "hoa.tran")
    assert (refused.status_code, refused.json()["rule"]) == (409, "user_limit")
    assert "giới hạn 3" in refused.json()["detail"]
    disabled = api.client.post(f"{USERS}/lan.nguyen/disable", headers=api.headers("facility_admin"))
    assert disabled.status_code == 204
    assert _add_user(api, "hoa.tran").status_code == 201  # a disabled account frees its place
    with pytest.raises(AccountLimitError) as full:
        accounts.set_user_disabled(
            deps=api.registry.deps, caller=operator(), username="lan.nguyen", disabled=False
        )
    assert (full.value.kind, full.value.limit) == ("users", 3)
    assert "user.enable lan.nguyen: user_limit 3" in _denials(api)


def test_bad_limits_are_422_naming_the_field_and_unknown_facilities_404(api: Api) -> None:
    admin = api.headers("admin")
    cases = [
        ({"max_users": 0}, "max_users", "out_of_range"),
        ({"max_clients": 10_001}, "max_clients", "out_of_range"),
        ({}, "limits", "required"),
    ]
    for body, field, rule in cases:
        response = api.client.put(LIMITS, json=body, headers=admin)
        assert response.status_code == 422, body
        assert (response.json()["field"], response.json()["rule"]) == (field, rule)
    unknown = api.client.put(
        "/api/v1/admin/facilities/99999/limits", json={"max_users": 9}, headers=admin
    )
    assert unknown.status_code == 404
