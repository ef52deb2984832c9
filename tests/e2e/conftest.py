"""A real app server on a free port with its own database, and Debian's headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SERVER_START_TIMEOUT_S = 120  # the first start generates the full demo organisation
IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)
# The sign-in pages are plain HTML served beside the app (training_app/sign_in_routes.py).
FORM_PAGE = "main.form-page"


# A rerun on this 2-core machine can take a few seconds while another test's session works.
expect.set_options(timeout=30_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db: Path, log_path: Path) -> Iterator[str]:
    """`academy serve` on `db` at a free port, until the block ends; yields its address."""
    port = free_port()
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "training_app.cli",
            "serve",
            "--db",
            str(db),
            "--address",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"app server did not start; see {log.name}")
        time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`academy serve` on a brand-new database: the first start creates the demo organisation."""
    db = tmp_path_factory.mktemp("e2e") / "academy.duckdb"
    with serving(db, tmp_path_factory.getbasetemp() / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/check.sh, which installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)  # the very first render waits for the demo organisation
    yield page
    context.close()


def wait_idle(page: Page) -> None:
    """Until the app has drawn the page (or the page is one of the sign-in forms)."""
    page.wait_for_selector(f"{IDLE}, {FORM_PAGE}")


def screenshot(page: Page, name: str, height: int | None = None) -> Path:
    """Save what the person sees; `height` makes the window taller for a long page, because
    Streamlit scrolls inside its own container and a full-page capture stops at the window."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if height is not None:
        page.set_viewport_size({"width": 1366, "height": height})
    wait_idle(page)
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(url)
    expect(page.get_by_label("E-mail")).to_be_visible()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
