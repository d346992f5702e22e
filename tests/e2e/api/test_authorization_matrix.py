"""Every route in the OpenAPI spec, called as every kind of caller, answers as the policy says.

A route added without an entry here fails ``test_every_route_has_an_entry``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from healthid.services import accounts
from healthid.services.access import operator
from healthid.services.sync import run as sync
from tests.e2e.api.conftest import AN, FACILITY, PASSWORD, Api

CALLERS = [
    "anonymous",
    "admin",
    "authority",
    "auditor",
    "facility_admin",
    "staff",
    "other_staff",
    "other_facility_admin",
    "client",
]
FACILITY_SIDE = {"facility_admin", "staff", "other_staff", "other_facility_admin", "client"}
OWN_FACILITY_ADMINS = {"admin", "facility_admin"}
ANY_FACILITY_ADMINS = {"admin", "facility_admin", "other_facility_admin"}
_serial = itertools.count(100)
# A person's record is not found by a facility without a care relationship with them.
OTHER_FACILITY_NOT_FOUND = {"other_staff": 404, "other_facility_admin": 404}

Request = tuple[str, dict[str, Any]]
Builder = Callable[[Api], Request]


def _person(api: Api) -> str:
    response = api.client.post("/api/v1/persons", json=AN, headers=api.headers("staff"))
    return str(response.json()["id"])


GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hải",
    "Khoa",
    "Lâm",
    "Minh",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tùng",
    "Việt",
]


def _fresh_person_body() -> dict[str, Any]:
    """Someone new each time: the registry links a second record of the same person."""
    n = next(_serial)
    name = f"Trần {GIVEN[n % len(GIVEN)]} {GIVEN[n // len(GIVEN) % len(GIVEN)]}"
    return {
        **AN,
        "si_number": f"{n:010d}",
        "cccd": None,
        "bhyt_card": None,
        "full_name": name,
        "birth_date": str(1930 + n % 90),
    }


def _request_id(api: Api) -> str:
    body = {k: v for k, v in _fresh_person_body().items() if k not in {"bhyt_card", "address"}}
    created = api.client.post("/api/v1/issuance-requests", json=body, headers=api.headers("staff"))
    return str(created.json()["id"])


def _throwaway_user(api: Api) -> str:
    name = f"temp{next(_serial)}"
    accounts.add_user(
        deps=api.registry.deps,
        caller=operator(),
        hasher=api.registry.hasher,
        username=name,
        role="staff",
        facility_code=FACILITY,
        password=PASSWORD,
    )
    return name


def _throwaway_client(api: Api) -> str:
    # One per caller, and only admins disable theirs: more than the default cap of five.
    accounts.set_facility_limits(
        deps=api.registry.deps, caller=operator(), code=FACILITY, max_clients=100
    )
    return accounts.add_client(
        deps=api.registry.deps,
        caller=operator(),
        hasher=api.registry.hasher,
        facility_code=FACILITY,
    ).client_id


def _review_id(api: Api) -> str:
    """A fresh pending pair: the same name and date, born in two provinces."""
    n = next(_serial)
    body = {
        **_fresh_person_body(),
        "full_name": f"Đỗ Thị Khuê {GIVEN[n % len(GIVEN)]}",
        "birth_date": "1980-04-25",
        "birthplace": "Hà Nội",
    }
    for si, place in ((f"{n:010d}", "Hà Nội"), (f"{n + 500_000:010d}", "Cà Mau")):
        api.client.post(
            "/api/v1/persons",
            json={**body, "si_number": si, "birthplace": place},
            headers=api.headers("staff"),
        )
    pending = api.client.get("/api/v1/reviews", headers=api.headers("authority")).json()
    return str(pending[0]["id"])


def _merge_id(api: Api) -> str:
    merged = api.client.post(
        f"/api/v1/reviews/{_review_id(api)}/merge", json={}, headers=api.headers("authority")
    )
    return str(merged.json()["id"])


def _sync_run_id(api: Api) -> str:
    """A finished sync run with one reject (an unreadable line)."""
    result = sync.sync_rows(
        deps=api.registry.deps,
        caller=operator(),
        file_name="bhxh.csv",
        checksum="0" * 64,
        rows=[(2, "broken quoting")],
    )
    return result.run.id


def allowed(ok: int, who: set[str]) -> dict[str, int]:
    """``ok`` for the callers in ``who``, 401 for anonymous, 403 for everyone else."""
    return {c: ok if c in who else (401 if c == "anonymous" else 403) for c in CALLERS}


def public(ok: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, ok)


ROUTES: dict[tuple[str, str], tuple[Builder, dict[str, int]]] = {
    ("GET", "/healthz"): (lambda api: ("/healthz", {}), public(200)),
    ("GET", "/readyz"): (lambda api: ("/readyz", {}), public(200)),
    ("POST", "/oauth/token"): (
        lambda api: (
            "/oauth/token",
            {
                "data": {
                    "grant_type": "client_credentials",
                    "client_id": api.clients["client"][0],
                    "client_secret": api.clients["client"][1],
                }
            },
        ),
        public(200),
    ),
    ("POST", "/oauth/revoke"): (
        lambda api: ("/oauth/revoke", {"data": {"token": "x"}}),
        public(200),
    ),
    ("POST", "/api/v1/persons"): (
        lambda api: ("/api/v1/persons", {"json": _fresh_person_body()}),
        allowed(201, FACILITY_SIDE),
    ),
    ("GET", "/api/v1/persons/by-identifier"): (
        lambda api: (
            _person(api) and "/api/v1/persons/by-identifier",
            {"params": {"system": "si", "value": AN["si_number"]}},
        ),
        allowed(200, FACILITY_SIDE),
    ),
    ("POST", "/api/v1/persons/{person_id}/facility-links"): (
        lambda api: (
            f"/api/v1/persons/{_person(api)}/facility-links",
            {"json": {"mrn": f"BN{next(_serial)}"}},
        ),
        # Staff registered the person: another facility has no care relationship.
        {**allowed(201, FACILITY_SIDE), **OTHER_FACILITY_NOT_FOUND},
    ),
    ("POST", "/api/v1/persons/match"): (
        lambda api: (
            _person(api) and "/api/v1/persons/match",
            {
                "json": {
                    "identifier": {"system": "si", "value": AN["si_number"]},
                    "full_name": AN["full_name"],
                    "birth_date": AN["birth_date"],
                    "sex": AN["sex"],
                }
            },
        ),
        allowed(200, FACILITY_SIDE),
    ),
    ("POST", "/api/v1/persons/break-glass-search"): (
        lambda api: (
            _person(api) and "/api/v1/persons/break-glass-search",
            {
                "json": {
                    "reason": "ETREAT",
                    "justification": "bất tỉnh, không giấy tờ",
                    "full_name": AN["full_name"],
                    "birth_year": "1990",
                }
            },
        ),
        allowed(200, FACILITY_SIDE),
    ),
    ("GET", "/api/v1/persons/{person_id}"): (
        lambda api: (f"/api/v1/persons/{_person(api)}", {}),
        {**allowed(200, FACILITY_SIDE), **OTHER_FACILITY_NOT_FOUND},
    ),
    ("POST", "/api/v1/persons/{person_id}/break-glass"): (
        lambda api: (
            f"/api/v1/persons/{_person(api)}/break-glass",
            {"json": {"reason": "ETREAT", "justification": "bất tỉnh, không giấy tờ, cần tiền sử"}},
        ),
        allowed(201, FACILITY_SIDE),
    ),
    ("GET", "/api/v1/facility/patients"): (
        lambda api: ("/api/v1/facility/patients", {}),
        allowed(200, FACILITY_SIDE),
    ),
    ("POST", "/api/v1/health-ids/verify"): (
        lambda api: ("/api/v1/health-ids/verify", {"json": {"health_id": "0123456789.ABCDEFGHJK"}}),
        allowed(200, FACILITY_SIDE | {"authority"}),
    ),
    ("POST", "/api/v1/issuance-requests"): (
        lambda api: (
            "/api/v1/issuance-requests",
            {
                "json": {
                    k: v
                    for k, v in _fresh_person_body().items()
                    if k not in {"bhyt_card", "address"}
                }
            },
        ),
        allowed(201, FACILITY_SIDE),
    ),
    ("GET", "/api/v1/issuance-requests"): (
        lambda api: ("/api/v1/issuance-requests", {}),
        allowed(200, {"authority", "admin"}),
    ),
    ("POST", "/api/v1/issuance-requests/{request_id}/approve"): (
        lambda api: (f"/api/v1/issuance-requests/{_request_id(api)}/approve", {}),
        allowed(200, {"authority"}),
    ),
    ("POST", "/api/v1/issuance-requests/{request_id}/reject"): (
        lambda api: (
            f"/api/v1/issuance-requests/{_request_id(api)}/reject",
            {"json": {"reason": "không đủ hồ sơ"}},
        ),
        allowed(200, {"authority"}),
    ),
    ("GET", "/api/v1/reviews"): (lambda api: ("/api/v1/reviews", {}), allowed(200, {"authority"})),
    ("GET", "/api/v1/reviews/{review_id}"): (
        lambda api: (f"/api/v1/reviews/{_review_id(api)}", {}),
        allowed(200, {"authority"}),
    ),
    ("POST", "/api/v1/reviews/{review_id}/merge"): (
        lambda api: (f"/api/v1/reviews/{_review_id(api)}/merge", {"json": {}}),
        allowed(200, {"authority"}),
    ),
    ("POST", "/api/v1/reviews/{review_id}/reject"): (
        lambda api: (f"/api/v1/reviews/{_review_id(api)}/reject", {}),
        allowed(204, {"authority"}),
    ),
    ("POST", "/api/v1/merges/{merge_id}/unmerge"): (
        lambda api: (f"/api/v1/merges/{_merge_id(api)}/unmerge", {}),
        allowed(200, {"authority"}),
    ),
    ("POST", "/api/v1/admin/facilities"): (
        lambda api: (
            "/api/v1/admin/facilities",
            {"json": {"code": f"{next(_serial):05d}", "name": "Trạm y tế", "province": "01"}},
        ),
        allowed(201, {"admin"}),
    ),
    ("PUT", "/api/v1/admin/facilities/{code}/limits"): (
        lambda api: (
            f"/api/v1/admin/facilities/{FACILITY}/limits",
            {"json": {"max_users": 60 + next(_serial) % 10, "max_clients": 6}},
        ),
        allowed(200, {"admin"}),
    ),
    ("GET", "/api/v1/admin/facilities"): (
        lambda api: ("/api/v1/admin/facilities", {}),
        allowed(200, {"admin"}),
    ),
    ("POST", "/api/v1/admin/users"): (
        lambda api: (
            "/api/v1/admin/users",
            {
                "json": {
                    "username": f"new{next(_serial)}",
                    "role": "staff",
                    "facility_code": FACILITY,
                    "password": PASSWORD,
                }
            },
        ),
        allowed(201, OWN_FACILITY_ADMINS),
    ),
    ("GET", "/api/v1/admin/users"): (
        lambda api: ("/api/v1/admin/users", {}),
        allowed(200, ANY_FACILITY_ADMINS),
    ),
    ("POST", "/api/v1/admin/users/{username}/disable"): (
        lambda api: (f"/api/v1/admin/users/{_throwaway_user(api)}/disable", {}),
        allowed(204, OWN_FACILITY_ADMINS),
    ),
    ("POST", "/api/v1/admin/clients"): (
        lambda api: ("/api/v1/admin/clients", {"json": {"facility_code": FACILITY}}),
        allowed(201, OWN_FACILITY_ADMINS),
    ),
    ("GET", "/api/v1/admin/clients"): (
        lambda api: ("/api/v1/admin/clients", {}),
        allowed(200, ANY_FACILITY_ADMINS),
    ),
    ("POST", "/api/v1/admin/clients/{client_id}/disable"): (
        lambda api: (f"/api/v1/admin/clients/{_throwaway_client(api)}/disable", {}),
        allowed(204, OWN_FACILITY_ADMINS),
    ),
    ("GET", "/api/v1/audit"): (
        lambda api: ("/api/v1/audit", {}),
        allowed(200, {"admin", "auditor"}),
    ),
    ("GET", "/api/v1/sync/runs"): (
        lambda api: ("/api/v1/sync/runs", {}),
        allowed(200, {"admin", "auditor"}),
    ),
    ("GET", "/api/v1/sync/runs/{run_id}"): (
        lambda api: (f"/api/v1/sync/runs/{_sync_run_id(api)}", {}),
        allowed(200, {"admin", "auditor"}),
    ),
    ("GET", "/api/v1/sync/runs/{run_id}/rejects"): (
        lambda api: (f"/api/v1/sync/runs/{_sync_run_id(api)}/rejects", {}),
        allowed(200, {"admin", "auditor"}),
    ),
}


def test_every_route_has_an_entry(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    routes = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert routes == set(ROUTES)


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_caller_gets_the_status_the_policy_gives(api: Api, route: tuple[str, str]) -> None:
    build, expected = ROUTES[route]
    answers = {}
    for caller in CALLERS:
        url, kwargs = build(api)
        who = None if caller == "anonymous" else caller
        answers[caller] = api.call(route[0], url, who, **kwargs).status_code  # type: ignore[attr-defined]
    assert answers == expected
