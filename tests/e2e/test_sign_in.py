"""Each demo role signs in through a real browser and lands on their own home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import screenshot, sign_in, wait_idle

pytestmark = pytest.mark.e2e

HOME_CAPTION = {"owner": "Owner ·", "supervisor": "Supervisor · Front line", "agent": "Agent ·"}
NAVIGATION = {
    "owner": ["Home", "Policy", "Staff and teams"],
    "supervisor": ["Home", "Policy", "My team"],
    "agent": ["Home", "Policy"],
}


def test_the_sign_in_page_offers_the_demo_accounts(page: Page, app_url: str) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Service Academy")).to_be_visible()
    expect(page.get_by_text("generated demo data")).to_be_visible()
    screenshot(page, "sign-in")


@pytest.mark.parametrize("role", ["owner", "supervisor", "agent"])
def test_each_role_signs_in_to_their_home_page(page: Page, app_url: str, role: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    expect(page.get_by_text(HOME_CAPTION[role]).first).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for label in NAVIGATION[role]:
        expect(nav.get_by_text(label, exact=True)).to_be_visible()
    wait_idle(page)
    screenshot(page, f"home-{role}")


def test_a_wrong_password_keeps_the_visitor_out(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], "wrong password")
    expect(page.get_by_text("do not match an active account")).to_be_visible()


def test_the_owner_reads_the_policy_and_the_staff_list_then_signs_out(
    page: Page, app_url: str
) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Policy", exact=True).click()
    expect(page.get_by_role("heading", name="Standards by channel")).to_be_visible()
    screenshot(page, "policy", height=3600)
    page.set_viewport_size({"width": 1366, "height": 1400})
    page.get_by_test_id("stSidebarNav").get_by_text("Staff and teams", exact=True).click()
    expect(page.get_by_role("heading", name="Staff and teams")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)
    expect(page.get_by_role("button", name="Download the staff list (CSV)")).to_be_visible()
    screenshot(page, "staff-owner")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("E-mail")).to_be_visible()
