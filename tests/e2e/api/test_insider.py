"""The insider of Công văn 6827: a member of staff at another facility, holding only a
patient's number, tries every route to learn their name, birth date and sex."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.api.conftest import AN, Api

SECRETS = (AN["full_name"], "Nguyen Van An", AN["birth_date"], "1990")
INSIDER = "other_staff"


def _reveals(text: str) -> bool:
    return any(secret in text for secret in SECRETS)


def test_an_identifier_alone_opens_no_route_to_the_patient(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    person = register()  # An, registered by the facility that treats him
    insider = api.headers(INSIDER)
    answers = [
        api.client.get(
            "/api/v1/persons/by-identifier",
            params={"system": system, "value": value},
            headers=insider,
        )
        for system, value in (("si", AN["si_number"]), ("cccd", AN["cccd"]))
    ]
    invented = {"full_name": "Trần Văn Bình", "birth_date": "1985-01-01", "sex": "male"}
    answers.append(
        api.client.post(
            "/api/v1/persons/match",
            json={"identifier": {"system": "si", "value": AN["si_number"]}, **invented},
            headers=insider,
        )
    )
    # Registration as a lookup: his SI number, or his CCCD alone, with invented details.
    by_si = {**AN, **invented, "cccd": None, "bhyt_card": None}
    answers.append(api.client.post("/api/v1/persons", json=by_si, headers=insider))
    # A CCCD's digits give sex and birth year: the insider states those right.
    cccd_only = {"full_name": "Trần Văn Bình", "birth_date": "1990", "sex": "male",
                 "cccd": AN["cccd"]}  # fmt: skip
    answers.append(api.client.post("/api/v1/persons", json=cccd_only, headers=insider))
    # His id, if it leaked: the record, a link, the facility's list.
    answers.append(api.client.get(f"/api/v1/persons/{person['id']}", headers=insider))
    answers.append(
        api.client.post(
            f"/api/v1/persons/{person['id']}/facility-links",
            json={"mrn": "BN-9999"},
            headers=insider,
        )
    )
    answers.append(api.client.get("/api/v1/facility/patients", headers=insider))
    statuses = [a.status_code for a in answers]
    assert statuses == [200, 200, 404, 409, 409, 404, 404, 200], [a.text for a in answers]
    assert not any(_reveals(a.text) for a in answers)
    assert answers[-1].json()["total"] == 0
    # Nothing he tried changed An's record or gave the insider's facility sight of him.
    mine = api.client.get(f"/api/v1/persons/{person['id']}", headers=api.headers("staff"))
    assert mine.json()["full_name"] == AN["full_name"]


def test_probing_is_recorded_and_counted_like_reads(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    register()
    invented = {"full_name": "Trần Văn Bình", "birth_date": "1985-01-01", "sex": "male"}
    by_si = {**AN, **invented, "cccd": None, "bhyt_card": None}
    api.client.post("/api/v1/persons", json=by_si, headers=api.headers(INSIDER))
    for value in ("0123456789", "0123456788"):
        api.client.post(
            "/api/v1/persons/match",
            json={"identifier": {"system": "si", "value": value}, **invented},
            headers=api.headers(INSIDER),
        )
    events = api.client.get(
        "/api/v1/audit", params={"actor": "other_staff"}, headers=api.headers("auditor")
    ).json()
    seen = sorted(
        (e["action"], e["outcome"], e["detail"]) for e in events if e["action"].startswith("person")
    )
    assert seen == [
        ("person.match", "not_found", "no_match"),
        ("person.match", "not_found", "unknown"),
        ("person.register", "denied", "other_details"),
    ]


def test_break_glass_gives_one_member_of_staff_hours_not_forever(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    person = register()
    url = f"/api/v1/persons/{person['id']}"
    assert api.client.get(url, headers=api.headers(INSIDER)).status_code == 404
    too_vague = api.client.post(
        f"{url}/break-glass",
        json={"reason": "ETREAT", "justification": "cần"},
        headers=api.headers(INSIDER),
    )
    assert too_vague.status_code == 422
    granted = api.client.post(
        f"{url}/break-glass",
        json={"reason": "ETREAT", "justification": "bất tỉnh, không giấy tờ, cần tiền sử dị ứng"},
        headers=api.headers(INSIDER, purpose="ETREAT"),
    )
    assert granted.status_code == 201, granted.text
    until = datetime.fromisoformat(granted.json()["expires_at"])
    assert timedelta(hours=3, minutes=59) < until - datetime.now(UTC) <= timedelta(hours=4)
    seen = api.client.get(url, headers=api.headers(INSIDER, purpose="ETREAT"))
    assert seen.json()["full_name"] == AN["full_name"]
    # The grant is the person's, not the facility's: a colleague still sees nothing.
    assert api.client.get(url, headers=api.headers("other_facility_admin")).status_code == 404
    flagged = api.client.get(
        "/api/v1/audit", params={"action": "person.break_glass"}, headers=api.headers("auditor")
    ).json()
    assert [(e["actor"], e["person_id"]) for e in flagged] == [("other_staff", person["id"])]
    assert "tiền sử" not in str(flagged)  # the justification is sealed, not logged


def test_ids_of_persons_cannot_be_walked(api: Api, register: Callable[..., dict[str, Any]]) -> None:
    person = register()
    pid = str(person["id"])
    for neighbour in (f"{int(pid, 16) + 1:032x}", f"{int(pid, 16) - 1:032x}"):
        answer = api.client.get(f"/api/v1/persons/{neighbour}", headers=api.headers("staff"))
        assert answer.status_code == 404


def test_an_unconscious_patient_is_found_only_by_breaking_the_glass(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    person = register()
    register(**{**AN, "si_number": "0123400001", "cccd": None, "bhyt_card": None,
                "full_name": "Lê Thị Hoa", "sex": "female"})  # fmt: skip
    search = {
        "reason": "ETREAT",
        "justification": "bất tỉnh sau tai nạn, không giấy tờ",
        "full_name": "Nguyễn Văn An",
        "birth_year": "1990",
        "province": "Hà Nội",
    }
    found = api.client.post(
        "/api/v1/persons/break-glass-search", json=search, headers=api.headers(INSIDER)
    )
    assert found.status_code == 200, found.text
    assert [c["id"] for c in found.json()] == [person["id"]]  # not Hoa
    # Each candidate shown is a grant: the record opens, for this member of staff.
    record = api.client.get(f"/api/v1/persons/{person['id']}", headers=api.headers(INSIDER))
    assert record.json()["full_name"] == AN["full_name"]
    events = api.client.get(
        "/api/v1/audit", params={"action": "person.break_glass"}, headers=api.headers("auditor")
    ).json()
    assert [e["person_id"] for e in events] == [person["id"]]
    routine = {**search, "reason": "TREAT"}
    refused = api.client.post(
        "/api/v1/persons/break-glass-search", json=routine, headers=api.headers(INSIDER)
    )
    assert refused.status_code == 422


def test_a_known_cccd_under_a_new_si_number_is_a_recorded_attempt_too(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    """The other 409 of registration (an identifier held by another person) is probing too:
    recorded and counted like a read, and it says nothing of the holder."""
    register()
    attempt = {"si_number": "0123400077", "cccd": AN["cccd"], "full_name": "Trần Văn Bình",
               "birth_date": "1990", "sex": "male"}  # fmt: skip
    refused = api.client.post("/api/v1/persons", json=attempt, headers=api.headers(INSIDER))
    assert refused.status_code == 409
    assert not _reveals(refused.text)
    events = api.client.get(
        "/api/v1/audit", params={"actor": INSIDER}, headers=api.headers("auditor")
    ).json()
    denied = [(e["action"], e["outcome"]) for e in events if e["action"].startswith("person")]
    assert denied == [("person.register", "denied")]
