"""However the app is started, staff get the same client: no developer menu (Deploy, Rerun,
Clear cache), no Record screen, no usage statistics, no error details. Each way of starting is
run for real and looked at in Chromium: the menu as drawn, and the settings the server sent the
browser in its first message (`NewSession.config`), which come from the same
`training_app/.streamlit/config.toml` as `client.showErrorDetails`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NewSession_pb2 import Config

from metrics.organisation import NO_DEMO_SETTING, set_setting
from metrics.people import NewStaffMember, add_staff
from metrics.store import DB_ENV_VAR, PROJECT_ROOT, open_database
from tests.e2e.conftest import IDLE, SCREENSHOTS, free_port, sign_in

pytestmark = pytest.mark.e2e

START_TIMEOUT_S = 60
APP = PROJECT_ROOT / "training_app" / "app.py"
SERVER = PROJECT_ROOT / "training_app" / "server.py"
# Menu entries for developers, or that record the screen: none of them is for staff.
NOT_FOR_STAFF = ("Deploy", "Rerun", "Clear cache", "Record screen", "Developer options")


def ways(port: int, db: Path) -> dict[str, list[str]]:
    """Each way someone might start the app, as typed (the folder is the project's unless the
    name says otherwise)."""
    here = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    streamlit = [sys.executable, "-m", "streamlit", "run"]
    return {
        "academy serve": [
            *(sys.executable, "-m", "training_app.cli", "serve", "--db", str(db)),
            *("--address", "127.0.0.1", "--port", str(port)),
        ],
        "streamlit run training_app/server.py": [*streamlit, "training_app/server.py", *here],
        "streamlit run training_app/app.py": [*streamlit, "training_app/app.py", *here],
        "streamlit run .../app.py from another folder": [*streamlit, str(APP), *here],
        "uvicorn training_app.server:app": [
            *(sys.executable, "-m", "uvicorn", "training_app.server:app"),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
    }


WAYS = list(ways(0, Path()).keys())
# `streamlit run training_app/app.py` serves the pages without the server's sign-in pages.
WITHOUT_SIGN_IN_PAGES = [way for way in WAYS if "app.py" in way]
OWNER, PASSWORD = "owner@x.example", "long enough pw"


def wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the app did not start; its output:\n{log.read_text()}")
        time.sleep(0.3)


@pytest.mark.parametrize("way", WAYS)
def test_every_way_of_starting_gives_staff_the_same_plain_client(
    browser: Browser, tmp_path: Path, way: str
) -> None:
    db = tmp_path / "academy.duckdb"
    store = open_database(db)
    set_setting(store, NO_DEMO_SETTING, "true")  # the page itself does not matter here
    add_staff(store, NewStaffMember(name="O", email=OWNER, role="owner", password=PASSWORD))
    store.close()
    port = free_port()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ways(port, db)[way],
            cwd=elsewhere if "another folder" in way else PROJECT_ROOT,
            env={**os.environ, DB_ENV_VAR: str(db), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, process, log)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        frames: list[bytes] = []
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived",
                lambda payload: frames.append(payload) if isinstance(payload, bytes) else None,
            ),
        )
        if way in WITHOUT_SIGN_IN_PAGES:
            page.goto(url)  # the pages only, which say how to start the app to sign in
        else:
            sign_in(page, url, OWNER, PASSWORD)  # the server's own form, then the app
        page.wait_for_selector(IDLE, timeout=START_TIMEOUT_S * 1000)
        sessions = [ForwardMsg.FromString(frame) for frame in frames]
        # One page, or two where a signed-out page sends the browser on to /sign-in.
        configs = [m.new_session.config for m in sessions if m.HasField("new_session")]
        assert configs, way
        for config in configs:
            assert config.toolbar_mode == Config.ToolbarMode.MINIMAL, way
            assert not config.gather_usage_stats, way
            assert config.disable_data_export, way
        # No menu at all: "minimal" shows only what the app adds, and it adds nothing.
        expect(page.get_by_test_id("stMainMenu")).to_have_count(0)
        toolbar = page.get_by_test_id("stToolbar")
        for entry in NOT_FOR_STAFF:
            expect(toolbar.get_by_text(entry)).to_have_count(0)
        if way == WAYS[0]:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "toolbar-1400.png"))
            page.set_viewport_size({"width": 390, "height": 900})
            page.wait_for_timeout(1000)
            page.screenshot(path=str(SCREENSHOTS / "toolbar-390.png"))
        context.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Collecting usage statistics" not in log.read_text(), way
