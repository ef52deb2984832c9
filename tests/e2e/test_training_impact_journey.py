"""An owner reads what Handling complaints changed on a demo of the default size, in a real
browser, on a desktop and on a phone; a supervisor reads their own team's; the policy rollout
is one choice away."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.clock import CLOCK_VARIABLE
from metrics.demo.generate import generate_demo
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.store import open_database
from modules.content import load_modules
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_accessibility import AxeFindings, axe_check

pytestmark = pytest.mark.e2e

UNTIL = date(2026, 11, 20)
NOW = "2026-11-21T09:00:00+00:00"  # the morning after the demo's last day


@pytest.fixture(scope="module")
def impact_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("training-impact")
    db_path = folder / "academy.duckdb"
    policy = load_policy().policy
    db = open_database(db_path)
    try:
        modules = [loaded.module for loaded in load_modules(policy)]
        generate_demo(db, policy, seed=42, agents=40, days=180, until=UNTIL, modules=modules)
    finally:
        db.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CLOCK_VARIABLE, NOW)  # the server's clock: the demo's next morning
        with serving(db_path, folder / "server.log") as url:
            yield url
    shutil.rmtree(folder, ignore_errors=True)


def open_impact(page: Page, url: str, role: str) -> None:
    sign_in(page, url, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.goto(f"{url}/training-impact")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Training impact")).to_be_visible()


def choose_module(page: Page, title: str) -> None:
    main = page.get_by_test_id("stMain")
    main.get_by_role("combobox", name="Module").click()
    page.get_by_role("option", name=title).click()
    wait_idle(page)


@pytest.mark.parametrize(("width", "height"), [(1400, 2600), (390, 5200)])
def test_an_owner_reads_what_handling_complaints_changed(
    browser: Browser, impact_url: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_impact(page, impact_url, "owner")
        choose_module(page, "Handling complaints")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text("Resolution rate: improved.", exact=False)).to_be_visible()
        expect(main.get_by_text("this could be chance", exact=False).first).to_be_visible()
        expect(main.get_by_text("made on purpose", exact=False)).to_be_visible()
        expect(
            main.get_by_role("heading", name="The differences and their intervals")
        ).to_be_visible()
        expect(main.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible()
        wait_idle(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"training-impact-{width}.png"), full_page=True)
        findings = AxeFindings([], [])
        axe_check(page, f"Training impact at {width} px", findings)
        assert not findings.failures, "\n".join(findings.failures)
        if width > 1000:
            main.get_by_text("A policy version's rollout").click()
            wait_idle(page)
            expect(main.get_by_role("combobox", name="Policy version")).to_be_visible()
            expect(main.get_by_text("signed this version", exact=False)).to_be_visible()
    finally:
        context.close()


def test_a_supervisor_reads_their_team_s(browser: Browser, impact_url: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 2600})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_impact(page, impact_url, "supervisor")
        choose_module(page, "Handling complaints")
        main = page.get_by_test_id("stMain")
        expect(
            main.get_by_text("trained agents (passed the module between", exact=False)
        ).to_be_visible()
        expect(main.get_by_role("combobox", name="Team")).to_have_count(0)
        wait_idle(page)
        page.screenshot(
            path=str(SCREENSHOTS / "training-impact-supervisor-1400.png"), full_page=True
        )
    finally:
        context.close()
