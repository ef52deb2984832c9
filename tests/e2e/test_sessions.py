"""A sign-in that lasts (issue 11, item 1), in a real browser: reload mid-module and continue;
open a bookmarked agent page in a new context after signing in; a new tab is signed in too; an
address the role may not open says so on Home; signing out ends the session in every tab. On
an app of its own (a small demo), so that the other journeys' agent has no attempt started."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.store import open_database
from modules.content import TrainingModule, load_modules
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_training_journey import main_area, open_my_training, play, step_on_screen

pytestmark = pytest.mark.e2e
SMALL_DEMO = ["--agents", "6", "--days", "14"]
WIDTHS = (1400, 390)


@dataclass(frozen=True)
class OwnApp:
    url: str
    agent_id: int  # an agent of the demo supervisor's team
    agent_name: str


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnApp]:
    folder = tmp_path_factory.mktemp("sessions")
    db_path = folder / "academy.duckdb"
    subprocess.run(
        [sys.executable, "-m", "training_app.cli", "demo", "--db", str(db_path), *SMALL_DEMO],
        check=True,
        capture_output=True,
    )
    db = open_database(db_path)
    agent_id, name = db.execute(
        "SELECT s.id, s.name FROM staff s JOIN teams t ON t.id = s.team_id"
        " WHERE t.name = 'Front line' AND s.role = 'agent' AND s.email <> ?"
        " ORDER BY s.id LIMIT 1",
        [DEMO_ACCOUNTS["agent"]],
    ).fetchone()  # type: ignore[misc]
    db.close()
    with serving(db_path, folder / "server.log") as url:
        yield OwnApp(url=url, agent_id=int(agent_id), agent_name=str(name))


@pytest.fixture(scope="module")
def policy_module() -> TrainingModule:
    loaded = load_modules(load_policy().policy)
    return next(found.module for found in loaded if found.module.id == "customer-service-policy")


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    return page


def both_widths(page: Page, name: str, height: int = 900) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        page.wait_for_timeout(1000)  # tables and charts redraw at the new width
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


def progress(page: Page) -> str:
    return main_area(page).get_by_test_id("stProgress").inner_text()


def test_reload_mid_module_and_continue(
    browser: Browser, own_app: OwnApp, policy_module: TrainingModule
) -> None:
    page = new_page(browser)
    sign_in(page, own_app.url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    open_my_training(page)
    main_area(page).get_by_role("button", name="Start").first.click()
    expect(main_area(page).get_by_text("Step 1 of")).to_be_visible()
    play(page, policy_module, right=True, steps=3)
    expect(main_area(page).get_by_text("Step 4 of")).to_be_visible()
    wait_idle(page)
    page.wait_for_timeout(500)  # the previous step's elements leave a moment after the rerun
    before = (progress(page), step_on_screen(page, policy_module).id, page.url)

    page.reload()  # F5: a new browser session of the app, with the cookie
    expect(main_area(page).get_by_text("Step 4 of")).to_be_visible()
    wait_idle(page)
    assert (progress(page), step_on_screen(page, policy_module).id, page.url) == before
    assert "/module?module=customer-service-policy" in page.url
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    both_widths(page, "session-module-after-reload", height=1100)

    play(page, policy_module, right=True, steps=1)  # and carry on from there
    expect(main_area(page).get_by_text("Step 5 of")).to_be_visible()

    # A typed address works as well as a reload: the same attempt, where it was left.
    page.goto(page.url)
    expect(main_area(page).get_by_text("Step 5 of")).to_be_visible()
    page.context.close()


def test_open_a_bookmarked_agent_page_in_a_new_context_after_signing_in(
    browser: Browser, own_app: OwnApp
) -> None:
    bookmark = f"{own_app.url}/agent?agent={own_app.agent_id}"
    page = new_page(browser)  # a new context: no cookie, as on another day or machine
    page.goto(bookmark)
    # Signed out: the sign-in page, holding on to the address it was asked for.
    expect(page.get_by_role("heading", name="Service Academy")).to_be_visible()
    assert unquote(page.url).endswith(f"/sign-in?next=/agent?agent={own_app.agent_id}")
    both_widths(page, "session-sign-in-deep-link")
    page.get_by_label("E-mail").fill(DEMO_ACCOUNTS["supervisor"])
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(main_area(page).get_by_role("heading", name=own_app.agent_name)).to_be_visible()
    assert page.url == bookmark  # where the link pointed, query and all
    both_widths(page, "session-bookmarked-agent", height=1400)

    # A new tab of the same browser is signed in too.
    tab = page.context.new_page()
    tab.goto(bookmark)
    expect(main_area(tab).get_by_role("heading", name=own_app.agent_name)).to_be_visible()
    # The cookie holds the session's token only, and no script can read it.
    [cookie] = [c for c in page.context.cookies() if c["name"] == "academy_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("academy_session") == -1
    assert cookie["value"] not in page.url
    page.context.close()


def test_an_address_the_role_may_not_open_says_so_on_home(
    browser: Browser, own_app: OwnApp
) -> None:
    page = new_page(browser)
    page.goto(f"{own_app.url}/performance")
    page.get_by_label("E-mail").fill(DEMO_ACCOUNTS["agent"])
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(main_area(page).get_by_text("Team performance is not open to agents.")).to_be_visible()
    expect(main_area(page).get_by_role("heading", name="Welcome,")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    both_widths(page, "session-refused-address")
    page.context.close()


def test_signing_out_ends_the_session_in_every_tab(browser: Browser, own_app: OwnApp) -> None:
    page = new_page(browser)
    sign_in(page, own_app.url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    other = page.context.new_page()
    other.goto(f"{own_app.url}/policy")
    expect(
        main_area(other).get_by_role("heading", name=re.compile("policy", re.I)).first
    ).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    both_widths(page, "session-signed-out")
    # The other tab's next click finds the session ended on the server.
    other.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).click()
    expect(other.get_by_label("E-mail")).to_be_visible()
    other.goto(f"{own_app.url}/policy")
    expect(other.get_by_label("E-mail")).to_be_visible()
    page.context.close()
