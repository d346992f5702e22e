"""The portal in a real browser, against a real server: what a newcomer does, in Vietnamese."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import Server, screenshot, sign_in, start_server

AN = {
    "Mã số BHXH": "0123456799",
    "Số CCCD": "001090012345",
    "Họ và tên": "Nguyễn Văn An",
    "Ngày sinh": "01/05/1990",
    "Nơi sinh (tỉnh/thành)": "Hà Nội",
}


def register(page: Page, url: str, fields: dict[str, str]) -> None:
    page.goto(f"{url}/patients/new")
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_role("button", name="Đăng ký", exact=True).click()


def test_staff_look_up_verify_and_register_a_duplicate_that_is_linked(
    page: Page, server: Server
) -> None:
    page.goto(f"{server.url}/login")
    screenshot(page, "dang-nhap")
    sign_in(page, server.url, "staff")
    expect(page.get_by_role("heading", name="Xin chào, staff")).to_be_visible()
    screenshot(page, "trang-chinh-nhan-vien")

    register(page, server.url, AN)
    expect(page.get_by_role("heading", name="Đã đăng ký người mới")).to_be_visible()
    page.get_by_label("Mã bệnh nhân của cơ sở").fill("BN-7")
    page.get_by_role("button", name="Ghi mã bệnh nhân").click()
    expect(page.get_by_text("Đã ghi mã bệnh nhân.")).to_be_visible()

    # The same man again under another SI number, typed without diacritics: linked.
    register(page, server.url, {**AN, "Mã số BHXH": "0123456798", "Họ và tên": "Nguyen Van An"})
    expect(page.get_by_role("heading", name="Đã có trong hệ thống")).to_be_visible()
    screenshot(page, "dang-ky-da-co-trong-he-thong")

    page.goto(f"{server.url}/lookup")
    page.get_by_label("Loại mã").select_option("mrn")
    page.get_by_label("Mã cần tra cứu").fill("BN-7")
    # What the patient states: the record is shown only when it agrees.
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh").fill("1990")
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_label("Mục đích").select_option("TREAT")
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(page.locator(".card")).to_contain_text("Nguyễn Văn An")
    screenshot(page, "tra-cuu")

    page.goto(f"{server.url}/patients")
    expect(page.locator("table")).to_contain_text("BN-7")
    screenshot(page, "benh-nhan-cua-co-so")

    page.goto(f"{server.url}/verify")
    page.get_by_label("Mã định danh y tế").fill("0123456799.ABCDEFGHJK")
    page.get_by_role("button", name="Xác thực", exact=True).click()
    expect(page.get_by_role("heading", name="Mã không hợp lệ")).to_be_visible()
    screenshot(page, "xac-thuc")


def test_an_error_is_shown_next_to_its_field(page: Page, server: Server) -> None:
    sign_in(page, server.url, "staff")
    register(page, server.url, {**AN, "Mã số BHXH": "0123456797", "Ngày sinh": "31/02/1990"})
    error = page.locator("#e-birth_date")
    expect(error).to_be_visible()
    expect(page.get_by_label("Ngày sinh")).to_have_attribute("aria-invalid", "true")


def test_authority_enrols_a_second_factor_then_merges_and_unmerges(
    page: Page, server: Server
) -> None:
    sign_in(page, server.url, "authority")
    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    screenshot(page, "xac-thuc-hai-lop")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Mã xác thực").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Xác nhận").click()

    page.goto(f"{server.url}/reviews")
    screenshot(page, "hang-doi-nghi-trung")
    page.get_by_role("link", name="So sánh").first.click()
    expect(page.locator("tr.differs", has_text="Họ và tên")).to_be_visible()
    screenshot(page, "so-sanh-ho-so")
    page.get_by_role("button", name="Gộp hai hồ sơ").click()
    expect(page.get_by_role("button", name="Tách hồ sơ")).to_be_visible()
    page.get_by_role("button", name="Tách hồ sơ").click()
    expect(page.get_by_text("Không trùng").first).to_be_visible()


def test_admin_and_auditor_pages(page: Page, server: Server, browser_second: Page) -> None:
    sign_in(page, server.url, "admin")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Mã xác thực").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Xác nhận").click()
    page.goto(f"{server.url}/admin")
    page.get_by_label("Mã cơ sở", exact=True).fill("01001")
    page.get_by_role("button", name="Tạo ứng dụng kết nối").click()
    expect(page.locator("#new-client-secret")).to_be_visible()
    screenshot(page, "quan-tri")
    page.goto(f"{server.url}/admin/sync")
    screenshot(page, "dong-bo-bhxh")

    auditor = browser_second
    sign_in(auditor, server.url, "auditor")
    secret = auditor.locator("#totp-secret").inner_text()
    auditor.get_by_label("Mã xác thực").fill(pyotp.TOTP(secret).now())
    auditor.get_by_role("button", name="Xác nhận").click()
    auditor.goto(f"{server.url}/audit")
    auditor.get_by_label("Thao tác").select_option("person.match")
    auditor.get_by_role("button", name="Lọc").click()
    expect(auditor.locator("table.audit")).to_contain_text("Tìm người bệnh theo thông tin")
    screenshot(auditor, "nhat-ky-truy-cap")
    auditor.goto(f"{server.url}/audit/lookups")
    expect(auditor.get_by_role("img", name="Lượt tra cứu theo cơ sở, theo ngày")).to_be_visible()
    expect(auditor.locator("figure.chart rect")).not_to_have_count(0)
    screenshot(auditor, "bieu-do-tra-cuu")


def test_staff_are_denied_the_admin_pages(page: Page, server: Server) -> None:
    sign_in(page, server.url, "other_staff")
    response = page.goto(f"{server.url}/admin")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền truy cập")).to_be_visible()


def test_a_forged_form_is_refused(page: Page, server: Server) -> None:
    sign_in(page, server.url, "staff")
    page.goto(f"{server.url}/lookup")
    page.locator("form[action='/lookup'] input[name=csrf]").evaluate("e => e.value = 'forged'")
    page.get_by_label("Mã cần tra cứu").fill("0123456789")
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(page.get_by_role("heading", name="Biểu mẫu không hợp lệ")).to_be_visible()


def test_five_wrong_passwords_lock_the_account(page: Page, server: Server) -> None:
    for _ in range(5):
        sign_in(page, server.url, "other_facility_admin", "không-đúng")
        expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    sign_in(page, server.url, "other_facility_admin")
    expect(page.get_by_text(re.compile("Tài khoản tạm khoá"))).to_be_visible()


def test_an_idle_session_expires(page: Page, tmp_path: Path) -> None:
    short = start_server(tmp_path, HEALTHID_WEB_IDLE_TIMEOUT_SECONDS="5")
    try:
        sign_in(page, short.url, "staff")
        expect(page.get_by_role("heading", name="Xin chào, staff")).to_be_visible()
        page.wait_for_timeout(6500)
        page.goto(f"{short.url}/lookup")
        expect(page).to_have_url(re.compile(r"/login\?next=/lookup$"))
    finally:
        short.process.terminate()
        short.process.wait(timeout=10)


def test_the_pages_fit_a_phone(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server.url, "staff")
    page.goto(f"{server.url}/patients/new")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "dien-thoai-dang-ky")
