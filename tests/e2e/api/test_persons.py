"""Facilities registering, finding and linking patients through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from healthid.domain.issuance import Verification
from healthid.services import patients
from healthid.services.access import operator
from healthid.services.health_ids import PersonInput
from tests.e2e.api.conftest import AN, Api

PROBLEM = "application/problem+json"


def test_register_returns_the_person_with_the_id_masked(api: Api) -> None:
    response = api.client.post("/api/v1/persons", json=AN, headers=api.headers("staff"))
    assert response.status_code == 201
    body = response.json()
    assert body["health_id"] == "0123456789.**********"
    assert body["created"] is True
    assert {"id", "full_name", "birth_date", "sex"} <= set(body)


def test_the_same_si_number_again_is_200_and_the_same_person(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    first = register()
    again = api.client.post(
        "/api/v1/persons", json={**AN, "full_name": "Nguyen Van An"}, headers=api.headers("client")
    )
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["created"] is False


def test_a_person_with_a_cccd_alone_is_registered_and_found(api: Api) -> None:
    body = {k: v for k, v in AN.items() if k not in {"si_number", "bhyt_card"}}
    created = api.client.post("/api/v1/persons", json=body, headers=api.headers("staff"))
    assert created.status_code == 201
    assert created.json()["health_id"] is None
    found = match(api, "staff", "cccd", AN["cccd"])
    assert found.json()["id"] == created.json()["id"]


def test_neither_si_number_nor_cccd_is_a_422_naming_the_field(api: Api) -> None:
    body = {k: v for k, v in AN.items() if k not in {"si_number", "cccd", "bhyt_card"}}
    response = api.client.post("/api/v1/persons", json=body, headers=api.headers("staff"))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["field"] == "si_number"


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"si_number": "12345"}, "si_number", "bad_format"),
        ({"birth_date": "1990-02-30"}, "birth_date", "day_out_of_range"),
        ({"sex": "female"}, "cccd", "sex_mismatch"),
        ({"bhyt_card": "DN4011111111111"}, "bhyt_card", "si_number_mismatch"),
        ({"sex": "x"}, "sex", "literal_error"),
        ({"unknown": 1}, "unknown", "extra_forbidden"),
        ({"full_name": "Nguyễn <script>"}, "full_name", "bad_character"),
    ],
)
def test_bad_input_is_problem_json_with_field_and_rule_in_vietnamese(
    api: Api, change: dict[str, object], field: str, rule: str
) -> None:
    response = api.client.post(
        "/api/v1/persons", json={**AN, **change}, headers=api.headers("staff")
    )
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == PROBLEM
    assert (problem["field"], problem["rule"]) == (field, rule)
    assert problem["type"] == "urn:healthid-vn:problem:validation"
    assert "0123456789" not in response.text
    english = api.client.post(
        "/api/v1/persons",
        json={**AN, **change},
        headers={**api.headers("staff"), "Accept-Language": "en"},
    )
    assert english.json()["detail"] != problem["detail"]


def test_malformed_json_is_4xx_not_5xx(api: Api) -> None:
    response = api.client.post(
        "/api/v1/persons",
        content=b"{not json",
        headers={**api.headers("staff"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def match(api: Api, who: str, system: str, value: str, **stated: str) -> Any:
    """POST /persons/match with what An states (or ``stated`` instead)."""
    body = {
        "identifier": {"system": system, "value": value},
        "full_name": stated.get("full_name", AN["full_name"]),
        "birth_date": stated.get("birth_date", AN["birth_date"]),
        "sex": stated.get("sex", AN["sex"]),
    }
    return api.client.post("/api/v1/persons/match", json=body, headers=api.headers(who))


def test_a_match_answers_the_minimum_and_masks_the_id(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    person = register()
    for system, value in [("si", AN["si_number"]), ("cccd", AN["cccd"]), ("bhyt", AN["bhyt_card"])]:
        response = match(api, "other_staff", system, value)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "id": person["id"],
            "health_id": "0123456789.**********",
            "health_id_status": "active",
        }
    # Written as a patient might say it: no marks, the year alone.
    loose = match(api, "other_staff", "si", AN["si_number"], full_name="NGUYEN VAN AN",
                  birth_date=AN["birth_date"][:4])  # fmt: skip
    assert loose.status_code == 200


def test_an_identifier_alone_or_with_invented_details_reveals_nothing(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    register()
    status = api.client.get(
        "/api/v1/persons/by-identifier",
        params={"system": "si", "value": AN["si_number"]},
        headers=api.headers("other_staff"),
    )
    assert status.json() == {"known": True, "health_id_status": "active"}
    unknown = match(api, "other_staff", "si", "9999999999")
    invented = match(api, "other_staff", "si", AN["si_number"], full_name="Trần Văn Bình")
    other_sex = match(api, "other_staff", "si", AN["si_number"], sex="female")
    for refused in (unknown, invented, other_sex):
        assert refused.status_code == 404
        assert refused.json() == unknown.json()  # the same answer: no oracle
        assert refused.json()["type"] == "urn:healthid-vn:problem:not-found"
    for text in (status.text, invented.text):
        assert AN["full_name"] not in text
        assert "1990" not in text


def test_verify_answers_a_status_only(api: Api, register: Callable[..., dict[str, Any]]) -> None:
    register()
    full = patients.register_person(
        deps=api.registry.deps, caller=operator(), data=PersonInput(**AN)
    ).health_id
    ok = api.client.post(
        "/api/v1/health-ids/verify", json={"health_id": str(full)}, headers=api.headers("client")
    )
    assert ok.json() == {"status": Verification.VALID}
    tampered = str(full)[:-1] + ("0" if str(full)[-1] != "0" else "1")
    bad = api.client.post(
        "/api/v1/health-ids/verify", json={"health_id": tampered}, headers=api.headers("client")
    )
    assert bad.json() == {"status": "invalid"}
    masked = api.client.post(
        "/api/v1/health-ids/verify",
        json={"health_id": "0123456789.**********"},
        headers=api.headers("client"),
    )
    assert masked.status_code == 422


def test_facility_links_and_the_facilitys_own_patient_list(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    given = ["Bình", "Cường", "Dũng", "Giang", "Hải"]
    ids = [
        register(
            si_number=f"{i + 1:010d}",
            cccd=None,
            bhyt_card=None,
            full_name=f"Trần Văn {name}",
            birth_date=str(1950 + i),
        )["id"]
        for i, name in enumerate(given)
    ]
    for n, person_id in enumerate(ids):
        linked = api.client.post(
            f"/api/v1/persons/{person_id}/facility-links",
            json={"mrn": f"BN-{n:04d}"},
            headers=api.headers("staff"),
        )
        assert linked.status_code == 201
        assert linked.json()["mrn"] == f"BN-{n:04d}"
    page = api.client.get(
        "/api/v1/facility/patients", params={"limit": 2, "offset": 2}, headers=api.headers("client")
    ).json()
    assert page["total"] == 5
    assert [p["mrn"] for p in page["items"]] == ["BN-0002", "BN-0003"]
    other = api.client.get("/api/v1/facility/patients", headers=api.headers("other_staff"))
    assert other.json()["total"] == 0
    cuong = {"full_name": "Trần Văn Cường", "birth_date": "1951", "sex": "male"}
    by_mrn = match(api, "staff", "mrn", "BN-0001", **cuong)
    assert by_mrn.json()["id"] == ids[1]
    elsewhere = match(api, "other_staff", "mrn", "BN-0001", **cuong)
    assert elsewhere.status_code == 404
    clash = api.client.post(
        f"/api/v1/persons/{ids[0]}/facility-links",
        json={"mrn": "BN-0001"},
        headers=api.headers("staff"),
    )
    assert clash.status_code == 409


def test_issuance_request_approved_by_an_authority_establishes_the_id(api: Api) -> None:
    body = {k: v for k, v in AN.items() if k not in {"bhyt_card"}}
    created = api.client.post(
        "/api/v1/issuance-requests", json={**body, "reason": "new SI"}, headers=api.headers("staff")
    )
    assert created.status_code == 201
    request_id = created.json()["id"]
    pending = api.client.get(
        "/api/v1/issuance-requests", params={"status": "pending"}, headers=api.headers("authority")
    ).json()
    assert [r["id"] for r in pending] == [request_id]
    approved = api.client.post(
        f"/api/v1/issuance-requests/{request_id}/approve", headers=api.headers("authority")
    )
    assert approved.json()["status"] == "approved"
    found = match(api, "staff", "si", AN["si_number"])
    assert found.json()["id"] == approved.json()["person_id"]
    again = api.client.post(
        f"/api/v1/issuance-requests/{request_id}/reject",
        json={"reason": "late"},
        headers=api.headers("authority"),
    )
    assert again.status_code == 409
