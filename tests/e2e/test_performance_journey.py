"""A supervisor reads their team's performance in a real browser."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import screenshot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def test_a_supervisor_opens_team_performance(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Team performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Team performance")).to_be_visible()
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    expect(
        main.get_by_test_id("stMetric").get_by_text("Service level (target 80%)")
    ).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-team", height=1200)

    page.get_by_test_id("stSidebarNav").get_by_text("Recognition", exact=True).click()
    expect(main.get_by_role("heading", name="Top performers")).to_be_visible()
    expect(main.get_by_role("heading", name="Best customer comments")).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-recognition", height=1600)

    page.get_by_test_id("stSidebarNav").get_by_text("Coaching candidates", exact=True).click()
    expect(main.get_by_role("heading", name="Coaching candidates")).to_be_visible()
    expect(main.get_by_test_id("stDataFrame")).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-coaching", height=1000)


def test_an_agent_opens_my_performance(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("My performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="My performance")).to_be_visible()
    expect(main.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible()
    expect(
        main.get_by_test_id("stMetric").get_by_text("Service level (target 80%)")
    ).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-agent")


def test_a_supervisor_drills_down_from_a_month_to_one_agents_contacts(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Team performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Team performance")).to_be_visible()
    expect(main.get_by_text("Front line")).to_be_visible()  # the supervisor's one team

    main.get_by_test_id("stSelectbox").filter(has_text="Quick choice").click()
    page.get_by_role("option", name="October 2026").click()
    expect(main.get_by_text("01 Oct 2026 – 31 Oct 2026", exact=False)).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-team-month", height=1500)

    # Tick the first agent's row in the table (the grid is a canvas: click its row marker).
    table = main.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)
    expect(main.get_by_role("heading", name="Contacts")).to_be_visible()
    assert "/agent?agent=" in page.url
    agent_name = main.get_by_role("heading", level=1).inner_text()
    assert agent_name not in ("Agent performance", "Team performance")
    expect(main.get_by_text("contacts handled in these dates")).to_be_visible()
    expect(main.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-agent-page", height=2600)

    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download these contacts (CSV)").click()
    contacts = tmp_path / "contacts.csv"
    download_info.value.save_as(contacts)
    rows = list(csv.DictReader(contacts.open(encoding="utf-8")))
    assert rows, "the download holds the agent's contacts"
    assert {"contact_id", "channel", "queued_at", "wait_s", "rating", "comment"} <= set(rows[0])
    assert all(row["queued_at"].startswith("2026-10-") for row in rows)  # October, local time
    shown = main.get_by_text("contacts handled in these dates").inner_text()
    assert shown.startswith(f"{len(rows):,} contacts handled")
