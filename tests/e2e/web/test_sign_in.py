"""Signing in to the portal: sessions, lockout, CSRF, the second factor, expiry."""

from __future__ import annotations

import re

import pytest

from healthid.domain.audit import Action, AuditFilter
from tests.e2e.api.conftest import PASSWORD
from tests.e2e.web.conftest import Portal, csrf_of


def test_a_page_sends_a_stranger_to_sign_in_and_back(portal: Portal) -> None:
    browser = portal.browser()
    response = browser.get("/patients?page=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/patients%3Fpage%3D1"
    login = browser.get(response.headers["location"])
    assert 'name="next" value="/patients?page=1"' in login.text
    signed = browser.post(
        "/login",
        data={
            "csrf": csrf_of(login.text),
            "username": "staff",
            "password": PASSWORD,
            "next": "/patients?page=1",
        },
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/patients?page=1"
    assert browser.get("/patients").status_code == 200


def test_the_session_cookie_is_httponly_strict_and_secure_over_tls(portal: Portal) -> None:
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        browser = portal.browser(base)
        page = browser.get("/login")
        response = browser.post(
            "/login",
            data={"csrf": csrf_of(page.text), "username": "staff", "password": PASSWORD},
            follow_redirects=False,
        )
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith("hid_session=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert ("Secure" in cookie) is secure


def test_no_open_redirect_after_sign_in(portal: Portal) -> None:
    browser = portal.browser()
    page = browser.get("/login?next=//evil.example/")
    assert 'value="/"' in page.text
    response = browser.post(
        "/login",
        data={
            "csrf": csrf_of(page.text),
            "username": "staff",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_wrong_password_says_so_in_vietnamese_and_five_lock_the_account(portal: Portal) -> None:
    browser = portal.browser()
    for _ in range(5):
        page = browser.get("/login")
        response = browser.post(
            "/login",
            data={"csrf": csrf_of(page.text), "username": "staff", "password": "sai-mật-khẩu"},
        )
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    page = browser.get("/login")
    response = browser.post(
        "/login", data={"csrf": csrf_of(page.text), "username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Tài khoản tạm khoá" in response.text
    assert "hid_session" not in browser.cookies


def test_empty_fields_are_named_next_to_the_input(portal: Portal) -> None:
    browser = portal.browser()
    page = browser.get("/login")
    response = browser.post("/login", data={"csrf": csrf_of(page.text), "username": ""})
    assert response.status_code == 422
    assert re.search(r'id="e-username"[^>]*>Hãy nhập tên đăng nhập<', response.text)
    assert re.search(r'id="e-password"[^>]*>Hãy nhập mật khẩu<', response.text)


def test_the_sign_in_form_needs_its_csrf_cookie(portal: Portal) -> None:
    browser = portal.browser()
    browser.get("/login")
    response = browser.post(
        "/login", data={"csrf": "forged", "username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "hid_session" not in browser.cookies


@pytest.mark.parametrize(
    ("page", "action", "data"),
    [
        ("/lookup", "/lookup", {"system": "si", "value": "0123456789"}),
        ("/patients/new", "/patients/new", {"si_number": "0123456789", "full_name": "Lê Văn B"}),
        ("/", "/logout", {}),
    ],
)
def test_a_form_without_the_session_csrf_token_is_refused(
    portal: Portal, page: str, action: str, data: dict[str, str]
) -> None:
    browser = portal.sign_in("staff")
    assert browser.get(page).status_code == 200
    for token in ({}, {"csrf": "0" * 64}):
        response = browser.post(action, data={**data, **token})
        assert response.status_code == 403
        assert "Biểu mẫu không hợp lệ" in response.text
    assert browser.get("/").status_code == 200  # still signed in: the forged logout did nothing
    with portal.registry.uow() as uow:
        assert uow.audit.query(AuditFilter(action=str(Action.PERSON_LOOKUP))) == []
        assert list(uow.persons.iter_all()) == []


def test_privileged_roles_enrol_a_second_factor_then_must_give_a_code(portal: Portal) -> None:
    browser = portal.browser()
    page = browser.get("/login")
    browser.post(
        "/login",
        data={"csrf": csrf_of(page.text), "username": "auditor", "password": PASSWORD},
        follow_redirects=False,
    )
    # Password alone opens nothing.
    response = browser.get("/audit", follow_redirects=False)
    assert response.headers["location"].startswith("/second-factor")
    enrol = browser.get("/second-factor")
    assert 'src="data:image/svg+xml' in enrol.text  # the QR code
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol.text)
    assert secret is not None
    portal.secrets["auditor"] = secret.group(1)
    wrong = browser.post("/second-factor", data={"csrf": csrf_of(enrol.text), "code": "000000"})
    assert wrong.status_code == 401
    assert "Mã không đúng" in wrong.text
    code = portal.code("auditor")
    ok = browser.post(
        "/second-factor",
        data={"csrf": csrf_of(enrol.text), "code": code, "next": "/audit"},
        follow_redirects=False,
    )
    assert ok.headers["location"] == "/audit"
    assert browser.get("/audit").status_code == 200

    # Next time: the code is asked for, the QR code is not shown again, and a used code fails.
    again = portal.browser()
    page = again.get("/login")
    again.post(
        "/login",
        data={"csrf": csrf_of(page.text), "username": "auditor", "password": PASSWORD},
    )
    ask = again.get("/second-factor")
    assert "totp-secret" not in ask.text
    replay = again.post("/second-factor", data={"csrf": csrf_of(ask.text), "code": code})
    assert replay.status_code == 401


def test_wrong_codes_count_towards_the_lockout(portal: Portal) -> None:
    portal.sign_in("admin")  # enrolled
    browser = portal.browser()
    page = browser.get("/login")
    browser.post(
        "/login", data={"csrf": csrf_of(page.text), "username": "admin", "password": PASSWORD}
    )
    ask = browser.get("/second-factor")
    for _ in range(5):
        wrong = browser.post("/second-factor", data={"csrf": csrf_of(ask.text), "code": "123456"})
        assert wrong.status_code == 401
    # Further guesses behind the known password are stopped, and the half-open session ends.
    stopped = browser.post(
        "/second-factor", data={"csrf": csrf_of(ask.text), "code": portal.code("admin")}
    )
    assert stopped.status_code == 429
    assert browser.get("/", follow_redirects=False).status_code == 303
    page = browser.get("/login")
    locked = browser.post(
        "/login", data={"csrf": csrf_of(page.text), "username": "admin", "password": PASSWORD}
    )
    assert locked.status_code == 429


def test_a_session_ends_after_15_idle_minutes_but_not_while_in_use(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    for _ in range(3):
        portal.clock.advance(minutes=14)
        assert browser.get("/lookup", follow_redirects=False).status_code == 200
    portal.clock.advance(minutes=16)
    response = browser.get("/lookup", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_signing_out_ends_the_session_on_the_server(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    cookie = browser.cookies["hid_session"]
    home = browser.get("/")
    browser.post("/logout", data={"csrf": csrf_of(home.text)})
    replayed = portal.browser()
    replayed.cookies.set("hid_session", cookie)
    assert replayed.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_user_is_signed_out_on_the_next_page(portal: Portal) -> None:
    browser = portal.sign_in("staff")
    admin = portal.sign_in("admin")
    page = admin.get("/admin")
    admin.post("/admin/users/staff/disable", data={"csrf": csrf_of(page.text)})
    assert browser.get("/", follow_redirects=False).status_code == 303
