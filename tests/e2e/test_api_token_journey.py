"""An owner creates an API token on the Staff page in a real browser, copies it from the page,
and a script uses it on the running app's HTTP API. On an app of its own (a small demo), so that
the other journeys' Staff page shows no token."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import screenshot, serving, sign_in, wait_idle

pytestmark = pytest.mark.e2e
SMALL_DEMO = ["--agents", "6", "--days", "14"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def own_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("tokens")
    db = folder / "academy.duckdb"
    subprocess.run(
        [sys.executable, "-m", "training_app.cli", "demo", "--db", str(db), *SMALL_DEMO],
        check=True,
        capture_output=True,
    )
    with serving(db, folder / "server.log") as url:
        yield url


def api_get(url: str, token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_an_owner_creates_a_token_that_a_script_then_uses(page: Page, own_app_url: str) -> None:
    app_url = own_app_url
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Staff and teams", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="API tokens")).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 1500})  # the whole form and its menus
    main.get_by_label("Token name").fill("e2e-report")
    box = main.get_by_role("combobox", name="The token's team")
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.click()  # the first click after typing in the form's text field may only focus it
    page.get_by_role("option", name="Front line").click()
    main.get_by_role("button", name="Create token").click()
    block = main.get_by_test_id("stCode")
    expect(block).to_contain_text("sa_")
    token = block.inner_text().strip()
    wait_idle(page)
    screenshot(page, "staff-api-tokens", height=2100)
    page.set_viewport_size(PHONE)
    block.scroll_into_view_if_needed()
    screenshot(page, "staff-api-tokens-phone")

    today = date.today()
    report = f"{app_url}/api/v1/reports/agents?from={today - timedelta(days=30)}&to={today}"
    status, answer = api_get(report, token)
    # It acts as a Front line supervisor (the form's default role): that team's agents only.
    assert status == 200, answer
    teams = {agent["team"] for agent in answer["agents"]}  # type: ignore[union-attr]
    assert teams == {"Front line"}
    assert api_get(report, "sa_wrong")[0] == 401
