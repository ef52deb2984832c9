"""A supervisor reads their team's performance in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from metrics.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import screenshot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_a_supervisor_opens_team_performance(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Team performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Team performance")).to_be_visible()
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    expect(main.get_by_text("Service level (target 80%)")).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-team", height=1200)


def test_an_agent_opens_my_performance(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("My performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="My performance")).to_be_visible()
    expect(main.get_by_text("Service level (target 80%)")).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-agent")
