"""In a real browser: the demo supervisor reads the plans their team's rule proposes on the
Coaching candidates page (desktop and phone), finds Confirm pointing at the prefilled plan form
and sets one proposal aside; on a hand-made store, a supervisor meets "acknowledged but not
applied" on the Compliance page and on the flagged agent's page.

The clock of both apps is the small demo's last day (ACADEMY_NOW), so the rule's window ends
where the generated contacts do."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics import auth
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.store import open_database
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.metrics.coaching.test_not_applied import (
    FEWER_CONTACTS,
    NOV,
    RAISED_TARGET,
    Org,
    publish,
)

pytestmark = pytest.mark.e2e

NOW = "2026-11-20T12:00:00+00:00"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def demo_url(small_demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("coaching-proposals")
    db = folder / "academy.duckdb"
    shutil.copyfile(small_demo_file, db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACADEMY_NOW", NOW)
        with serving(db, folder / "server.log") as url:
            yield url


@pytest.fixture(scope="module")
def not_applied_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """tests/metrics/coaching/test_not_applied.py's organisation: Ana is flagged."""
    folder = tmp_path_factory.mktemp("not-applied")
    path = folder / "academy.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACADEMY_NOW", NOW)
        db = open_database(path)
        try:
            org = Org(db)
            for name in ("Ana", "Ben"):
                org.passed(name, "customer-service-policy", NOV[2])
                org.passed(name, "handling-complaints", NOV[2])
                org.signed(name, 2, NOV[3])
            org.calls("Ana", NOV[4], 5, 5)
            org.calls("Ben", NOV[10], 10, 0)
            publish(db, *RAISED_TARGET, *FEWER_CONTACTS)
            for email in ("olga@x.example", "sue@x.example"):  # an owner can sign in
                auth.set_password(db, email, PASSWORD)
            ana = org.ids["Ana"]
        finally:
            db.close()
        with serving(path, folder / "server.log") as url:
            yield url, ana


def new_page(browser: Browser, width: int, height: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(60_000)
    return page


def shot(page: Page, name: str) -> None:
    wait_idle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "height"), [(1366, 2600), (390, 5200)])
def test_a_supervisor_reads_the_proposed_plans(
    browser: Browser, demo_url: str, width: int, height: int
) -> None:
    page = new_page(browser, width, height)
    try:
        sign_in(page, demo_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
        expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
        page.goto(f"{demo_url}/coaching")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Proposed plans")).to_be_visible()
        confirm = main.get_by_role("link", name="Confirm: open the plan")
        expect(confirm.first).to_be_visible()
        href = confirm.first.get_attribute("href") or ""
        assert "coaching-plan?agent=" in href and "&from=proposal&metric=" in href
        expect(main.get_by_text("Refresher: Our customer-service policy").first).to_be_visible()
        expect(main.get_by_role("heading", name="Coaching candidates")).to_be_visible()
        shot(page, f"coaching-proposals-{width}")
    finally:
        page.context.close()


def test_a_supervisor_sets_a_proposal_aside(browser: Browser, demo_url: str) -> None:
    page = new_page(browser, 1366, 2600)
    try:
        sign_in(page, demo_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
        expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
        page.goto(f"{demo_url}/coaching")
        main = page.get_by_test_id("stMain")
        confirm = main.get_by_role("link", name="Confirm: open the plan")
        expect(confirm.first).to_be_visible()
        before = confirm.count()
        main.get_by_role("button", name="Set aside").first.click()
        popover = page.get_by_test_id("stPopoverBody")
        popover.get_by_label("Why (optional)").fill("Back from leave on Monday")
        popover.get_by_role("button", name="Set this proposal aside").click()
        expect(main.get_by_text("is set aside.", exact=False)).to_be_visible()
        expect(confirm).to_have_count(before - 1)
        shot(page, "coaching-proposal-set-aside-1366")
    finally:
        page.context.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 2400), (390, 5200)])
def test_acknowledged_but_not_applied_on_compliance_and_the_agent_page(
    browser: Browser, not_applied_store: tuple[str, int], width: int, height: int
) -> None:
    url, ana = not_applied_store
    page = new_page(browser, width, height)
    try:
        sign_in(page, url, "sue@x.example", PASSWORD)
        expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
        page.goto(f"{url}/compliance")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Acknowledged but not applied")).to_be_visible()
        expect(main.get_by_text("resolution target: 75% → 78%")).to_be_visible()
        expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
        page.wait_for_timeout(1500)  # tables draw on a canvas once laid out
        shot(page, f"compliance-not-applied-{width}")
        page.goto(f"{url}/agent?agent={ana}")
        expect(main.get_by_role("heading", name="Ana")).to_be_visible()
        expect(
            main.get_by_text("but clearly below its changed Resolution standard")
        ).to_be_visible()
        shot(page, f"agent-not-applied-{width}")
    finally:
        page.context.close()
