"""Facility staff in the portal: look up, verify, register (and see duplicates linked), list."""

from __future__ import annotations

import re

import pytest

from healthid.domain.audit import AuditFilter
from healthid.services import patients
from healthid.services.access import operator
from healthid.services.health_ids import PersonInput
from tests.e2e.api.conftest import AN
from tests.e2e.web.conftest import Portal, csrf_of

FORM = {k: str(v) for k, v in AN.items()} | {"birth_date": "01/05/1990"}


def register(portal: Portal, browser: object, **overrides: str) -> str:
    response = portal.post_form(browser, "/patients/new", "/patients/new", **(FORM | overrides))  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.text


def test_register_then_a_second_record_of_the_same_person_is_linked(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    first = register(portal, browser)
    assert "Đã đăng ký người mới" in first
    # Another SI number, the same CCCD and the same person: linked, no second person.
    second = register(
        portal, browser, si_number="0123456780", full_name="NGUYEN VAN AN", bhyt_card=""
    )
    assert "Đã có trong hệ thống" in second
    masked = re.findall(r'class="hid">([^<]+)<', first)[0].strip()
    assert masked in second  # the same (masked) Health ID
    with portal.registry.uow() as uow:
        assert len(list(uow.persons.iter_all())) == 1


def test_a_bad_field_is_reported_next_to_it_in_the_users_language(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    response = portal.post_form(
        browser, "/patients/new", "/patients/new", **(FORM | {"birth_date": "31/02/1990"})
    )
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="e-birth_date"[^>]*>([^<]+)<', response.text)
    assert error is not None
    assert 'aria-invalid="true"' in response.text
    assert 'value="Nguyễn Văn An"' in response.text  # what was typed is kept
    browser.get("/language/en")
    english = portal.post_form(
        browser, "/patients/new", "/patients/new", **(FORM | {"birth_date": "31/02/1990"})
    )
    error_en = re.search(r'<p class="error" id="e-birth_date"[^>]*>([^<]+)<', english.text)
    assert error_en is not None
    assert error_en.group(1) != error.group(1)
    assert "Register a patient" in english.text
    with portal.registry.uow() as uow:
        assert list(uow.persons.iter_all()) == []


# What An tells the receptionist: the lookup answers only when it agrees with the record.
AN_STATES = {"full_name": "Nguyen Van An", "birth_date": "1990", "sex": "male", "purpose": "TREAT"}


def test_a_number_with_someone_elses_details_finds_no_one(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    register(portal, browser)
    invented = portal.post_form(
        browser, "/lookup", "/lookup", system="si", value="0123456789",
        **{**AN_STATES, "full_name": "Trần Văn Bình"},
    )  # fmt: skip
    assert invented.status_code == 422
    assert "Nguyễn Văn An" not in invented.text
    assert "Không có người nào khớp với mã và thông tin đã nhập" in invented.text


@pytest.mark.parametrize(
    ("system", "value"),
    [("si", "0123456789"), ("cccd", "001090012345"), ("bhyt", "DN4010123456789")],
)
def test_look_up_by_each_identifier_shows_the_minimum(
    portal: Portal, system: str, value: str
) -> None:
    browser = portal.sign_in("staff")
    register(portal, browser)
    response = portal.post_form(
        browser, "/lookup", "/lookup", system=system, value=value, **AN_STATES
    )
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.text
    assert "12 Phố Huế" not in response.text  # the address is not part of a lookup
    assert "0123456789.**********" in response.text  # the check characters stay masked


def test_look_up_of_an_unknown_number_and_a_malformed_one(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    missing = portal.post_form(
        browser, "/lookup", "/lookup", system="si", value="0999999999", **AN_STATES
    )
    assert missing.status_code == 422
    assert "Không có người nào khớp với mã và thông tin đã nhập" in missing.text
    bad = portal.post_form(browser, "/lookup", "/lookup", system="cccd", value="12ab", **AN_STATES)
    assert bad.status_code == 422
    assert 'id="e-value"' in bad.text


def test_record_an_mrn_then_find_the_patient_by_it_and_in_the_list(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    page = register(portal, browser)
    person_id = re.search(r'action="/patients/([0-9a-f]{32})/mrn"', page)
    assert person_id is not None
    recorded = browser.post(
        f"/patients/{person_id.group(1)}/mrn", data={"csrf": csrf_of(page), "mrn": "BN-0042"}
    )
    assert "Đã ghi mã bệnh nhân." in recorded.text
    found = portal.post_form(
        browser, "/lookup", "/lookup", system="mrn", value="BN-0042", **AN_STATES
    )
    assert "Nguyễn Văn An" in found.text
    listed = browser.get("/patients")
    assert "BN-0042" in listed.text
    assert "(1)" in listed.text
    assert "BN-0042" in browser.get("/patients?q=nguyen van").text
    assert "BN-0042" not in browser.get("/patients?q=Trần").text
    other = portal.sign_in("other_staff")
    assert "BN-0042" not in other.get("/patients").text  # another facility's list


def test_verify_a_typed_health_id(portal: Portal) -> None:
    established = patients.register_person(
        deps=portal.registry.deps,
        caller=operator(),
        data=PersonInput(
            si_number="0123456789", full_name="Nguyễn Văn An", birth_date="1990-05-01", sex="male"
        ),
    )
    full = str(established.health_id)
    browser = portal.sign_in("staff")
    valid = portal.post_form(browser, "/verify", "/verify", health_id=full)
    assert "Mã hợp lệ" in valid.text
    tampered = full[:-1] + ("A" if full[-1] != "A" else "B")
    invalid = portal.post_form(browser, "/verify", "/verify", health_id=tampered)
    assert "Mã không hợp lệ" in invalid.text
    empty = portal.post_form(browser, "/verify", "/verify", health_id="")
    assert empty.status_code == 422
    assert 'id="e-health_id"' in empty.text


@pytest.mark.parametrize(
    "page", ["/admin", "/admin/keys", "/admin/sync", "/audit", "/audit/lookups", "/reviews"]
)
def test_staff_are_refused_the_other_roles_pages(portal: Portal, page: str) -> None:
    browser = portal.sign_in("staff")
    response = browser.get(page)
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.text


def test_pages_carry_protective_headers(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    response = browser.get("/lookup")
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "<script>" not in response.text
    assert "style=" not in response.text


def test_emergency_access_finds_the_patient_under_a_banner_and_is_logged(portal: Portal) -> None:
    staff = portal.sign_in("staff")
    register(portal, staff)
    browser = portal.sign_in("other_staff")  # another hospital: no relationship with An
    page = browser.get("/emergency")
    assert page.status_code == 200
    vague = portal.post_form(browser, "/emergency", "/emergency", justification="cần",
                             full_name="Nguyễn Văn An", birth_year="1990", province="")  # fmt: skip
    assert vague.status_code == 422
    assert 'id="e-justification"' in vague.text
    found = portal.post_form(
        browser, "/emergency", "/emergency",
        justification="bất tỉnh sau tai nạn giao thông, không giấy tờ",
        full_name="Nguyễn Văn An", birth_year="1990", province="Hà Nội",
    )  # fmt: skip
    assert found.status_code == 200
    assert 'class="break-glass"' in found.text  # the banner while it lasts
    assert "Nguyễn Văn An" in found.text
    assert "12 Phố Huế" not in found.text
    with portal.registry.uow() as uow:
        grants = uow.audit.query(AuditFilter(action="person.break_glass"))
    assert [g.actor for g in grants] == ["other_staff"]
