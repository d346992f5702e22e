"""The authority, admin and auditor pages: reviews, issuance, accounts, keys, sync, audit."""

from __future__ import annotations

import csv
import io
import re

from healthid.domain.accounts import Role
from healthid.domain.audit import Action, AuditFilter
from healthid.services import issuance, patients
from healthid.services.access import Caller, Principal, RequestContext, operator
from healthid.services.health_ids import PersonInput
from healthid.services.sync import run as sync
from tests.e2e.api.conftest import AN
from tests.e2e.web.conftest import Portal, csrf_of

THUY = {"birth_date": "1990-03-12", "sex": "female"}


def uncertain_pair(portal: Portal) -> None:
    """Two records the matcher cannot decide alone (the CLI review tests' pair): one name,
    date and birthplace, the second written without marks and no identifier agreeing."""
    for si, name in (("0123456789", "Nguyễn Thị Thuỷ"), ("0123456780", "NGUYEN THI THUY")):
        patients.register_person(
            deps=portal.registry.deps,
            caller=operator(),
            data=PersonInput(si_number=si, full_name=name, birthplace="Hà Nội", **THUY),
        )


def test_review_side_by_side_then_merge_and_unmerge(portal: Portal) -> None:
    uncertain_pair(portal)
    browser = portal.sign_in("authority")
    queue = browser.get("/reviews")
    review_id = re.search(r'href="/reviews/([0-9a-f]{32})"', queue.text)
    assert review_id is not None
    page = browser.get(f"/reviews/{review_id.group(1)}")
    assert "Nguyễn Thị Thuỷ" in page.text
    assert "NGUYEN THI THUY" in page.text
    assert re.search(r'<tr class="differs"><th scope="row">Họ và tên', page.text)
    assert not re.search(r'<tr class="differs"><th scope="row">Nơi sinh', page.text)
    assert '<svg class="wbar"' in page.text  # the weights drawn as bars
    merged = browser.post(f"/reviews/{review_id.group(1)}/merge", data={"csrf": csrf_of(page.text)})
    assert "Đã gộp" in merged.text
    with portal.registry.uow() as uow:
        assert len(list(uow.persons.iter_all())) == 1
    unmerge = re.search(r'action="(/merges/[0-9a-f]{32}/unmerge)"', merged.text)
    assert unmerge is not None
    browser.post(
        unmerge.group(1), data={"csrf": csrf_of(merged.text), "review": review_id.group(1)}
    )
    with portal.registry.uow() as uow:
        assert len(list(uow.persons.iter_all())) == 2


def test_not_a_duplicate_leaves_the_queue(portal: Portal) -> None:
    uncertain_pair(portal)
    browser = portal.sign_in("authority")
    review_id = re.search(r'href="/reviews/([0-9a-f]{32})"', browser.get("/reviews").text)
    assert review_id is not None
    page = browser.get(f"/reviews/{review_id.group(1)}")
    browser.post(f"/reviews/{review_id.group(1)}/reject", data={"csrf": csrf_of(page.text)})
    assert "Không có cặp nào." in browser.get("/reviews").text
    assert review_id.group(1) in browser.get("/reviews?status=not_duplicate").text


def test_the_authority_approves_an_issuance_request(portal: Portal) -> None:
    # A facility's request, as the API files it.
    issuance.request_issuance(
        deps=portal.registry.deps,
        caller=Caller(Principal("user", "staff", Role.STAFF, "01001"), RequestContext()),
        si_number=str(AN["si_number"]),
        full_name=str(AN["full_name"]),
        birth_date=str(AN["birth_date"]),
        sex=str(AN["sex"]),
    )
    browser = portal.sign_in("authority")
    page = browser.get("/issuance")
    request_id = re.search(r'action="/issuance/([0-9a-f]{32})/approve"', page.text)
    assert request_id is not None
    browser.post(f"/issuance/{request_id.group(1)}/approve", data={"csrf": csrf_of(page.text)})
    assert "Nguyễn Văn An" in browser.get("/issuance?status=approved").text
    with portal.registry.uow() as uow:
        assert len(list(uow.persons.iter_all())) == 1


def test_admin_adds_a_facility_a_user_shown_their_password_once_and_a_client(
    portal: Portal,
) -> None:
    browser = portal.sign_in("admin")
    page = browser.get("/admin")
    added = browser.post(
        "/admin/facilities",
        data={
            "csrf": csrf_of(page.text),
            "facility_code": "48001",
            "facility_name": "Bệnh viện Đà Nẵng",
            "facility_province": "48",
        },
    )
    assert "Bệnh viện Đà Nẵng" in added.text
    bad = browser.post(
        "/admin/facilities",
        data={
            "csrf": csrf_of(page.text),
            "facility_code": "48002",
            "facility_name": "X",
            "facility_province": "4",
        },
    )
    assert bad.status_code == 422
    assert 'id="e-facility_province"' in bad.text
    user = browser.post(
        "/admin/users",
        data={
            "csrf": csrf_of(page.text),
            "user_username": "le.thi.b",
            "user_role": "staff",
            "user_facility": "48001",
        },
    )
    password = re.search(r'id="new-password">([^<]+)<', user.text)
    assert password is not None
    assert password.group(1) not in browser.get("/admin").text  # shown once
    client = browser.post(
        "/admin/clients", data={"csrf": csrf_of(page.text), "client_facility": "48001"}
    )
    assert re.search(r'id="new-client-secret">[^<]{20,}<', client.text)
    keys = browser.get("/admin/keys")
    assert "Khoá cấp mã" in keys.text
    # The new user signs in with the password they were handed.
    newcomer = portal.browser()
    login = newcomer.get("/login")
    response = newcomer.post(
        "/login",
        data={"csrf": csrf_of(login.text), "username": "le.thi.b", "password": password.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_admin_sees_sync_runs_with_their_counts(portal: Portal) -> None:
    run = sync.sync_rows(
        deps=portal.registry.deps,
        caller=operator(),
        file_name="bhxh-2026-11.csv",
        checksum="0" * 64,
        rows=[(2, "broken quoting")],  # what read_extract says of such a line
    )
    assert run.run.counts["rejected"] == 1
    browser = portal.sign_in("admin")
    page = browser.get("/admin/sync")
    assert "bhxh-2026-11.csv" in page.text
    download = re.search(r'href="(/admin/sync/[0-9a-f]{32}/rejects.csv)"', page.text)
    assert download is not None
    rejects = browser.get(download.group(1))
    assert rejects.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(rejects.text)))
    assert [(r["LINE"], r["RULE"]) for r in rows] == [("2", "unreadable_line")]
    assert browser.get("/admin/sync/" + "f" * 32 + "/rejects.csv").status_code == 404
    # The auditor may read the runs too; facility staff may not.
    assert portal.sign_in("auditor").get("/admin/sync").status_code == 200
    assert portal.sign_in("staff").get(download.group(1)).status_code == 403


def test_auditor_filters_the_log_exports_csv_and_sees_lookups_per_facility(
    portal: Portal,
) -> None:
    staff = portal.sign_in("staff")
    portal.post_form(staff, "/patients/new", "/patients/new", **{k: str(v) for k, v in AN.items()})
    states = {"full_name": AN["full_name"], "birth_date": AN["birth_date"], "sex": AN["sex"]}
    for purpose in ("TREAT", "PATRQT"):
        portal.post_form(
            staff, "/lookup", "/lookup", system="si", value="0123456789", purpose=purpose, **states
        )
    browser = portal.sign_in("auditor")
    log = browser.get("/audit?action=person.match&facility=01001")
    assert log.text.count("Tìm người bệnh theo thông tin") >= 2
    assert "Đăng ký người bệnh</td>" not in log.text
    bad = browser.get("/audit?since=25-11-2026")
    assert bad.status_code == 422
    assert 'id="e-since"' in bad.text
    exported = browser.get("/audit.csv?action=person.match")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert {r["purpose"] for r in rows} == {"TREAT", "PATRQT"}  # codes: never free text
    chart = browser.get("/audit/lookups")
    assert "01001" in chart.text
    assert re.search(r"<rect [^>]*><title>01001 · [0-9-]+: 2</title>", chart.text)
    with portal.registry.uow() as uow:
        reads = uow.audit.query(AuditFilter(action=str(Action.AUDIT_READ), actor="auditor"))
    assert len(reads) >= 3  # the log, the export and the chart were each recorded
