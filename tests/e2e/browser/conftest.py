"""A real ``healthid serve`` on loopback with a seeded registry, and Debian's Chromium.

The browser is never downloaded: Playwright drives /usr/bin/chromium. Where it is
missing the tests skip on a developer's machine and fail in CI (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from healthid import bootstrap
from healthid.config import Settings
from healthid.services import patients
from healthid.services.access import operator
from healthid.services.health_ids import PersonInput
from healthid.services.sync import run as sync
from healthid.synth.bhxh import write
from tests.e2e.api.conftest import PASSWORD, seed

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    settings: Settings
    process: subprocess.Popen[bytes]


def start_server(tmp: Path, **env: str) -> Server:
    settings = Settings(database_url=f"sqlite:///{tmp / 'registry.db'}", keys=tmp / "keys.json")
    registry, _ = bootstrap.init_registry(settings)
    with registry:
        seed(registry)
        # Two records the matcher cannot decide alone at national scale (the second typed
        # without marks, no CCCD): a pair waiting in the review queue.
        for si, name in (("0123456789", "Nguyễn Thị Thuỷ"), ("0123456780", "NGUYEN THI THUY")):
            patients.register_person(
                deps=registry.deps,
                caller=operator(),
                data=PersonInput(
                    si_number=si,
                    full_name=name,
                    birth_date="1990-03-12",
                    sex="female",
                    birthplace="Hà Nội",
                ),
            )
        # A synthetic BHXH extract through the sync, so the admin sees a run with its counts.
        write(tmp / "bhxh", persons=60, dup_rate=0.1, seed=5)
        extract = tmp / "bhxh" / "bhxh.csv"
        sync.sync_rows(
            deps=registry.deps,
            caller=operator(),
            file_name=extract.name,
            checksum=bootstrap.file_checksum(extract),
            rows=list(bootstrap.read_extract(extract)),
        )
    port = _free_port()
    environment = {
        **os.environ,
        "HEALTHID_DATABASE_URL": settings.database_url,
        "HEALTHID_KEYS": str(settings.keys),
        **env,
    }
    process = subprocess.Popen(  # noqa: S603 - the project's own CLI, fixed argv
        [sys.executable, "-m", "healthid.entrypoints.cli.app", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310 - loopback
                return Server(url, settings, process)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    pytest.fail("healthid serve did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("portal"))
    yield running
    running.process.terminate()
    running.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def browser_second(browser: Browser) -> Iterator[Page]:
    """A second person at another desk: their own cookies."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
