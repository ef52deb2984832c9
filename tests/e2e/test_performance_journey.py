"""A supervisor reads their team's performance in a real browser."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.performance.period import DEFAULT_PERIOD_NAME
from metrics.performance.trends import WEEKDAYS
from tests.e2e.conftest import SCREENSHOTS, screenshot, sign_in, wait_idle
from training_app.components.charts import PARTIAL_OPACITY
from training_app.components.filters import parse_typed_date
from training_app.components.tables import text_px

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


# --- Issue 11: tables whole, partial weeks marked, typed dates applied (1400 px and 390 px) ---

WIDTHS_PX = (1400, 390)  # a laptop, and a phone held upright
PHONE_HEIGHT_FACTOR = 3  # a phone stacks the columns: the same page runs about three times longer
GRID_FONT = '400 14px "Source Sans", sans-serif'  # the table's cells and headings (Streamlit's)
PERIOD_NAME = re.compile(re.escape(DEFAULT_PERIOD_NAME), re.IGNORECASE)  # in a sentence too
SCROLL_SETTLE_MS = 400  # the grid draws the columns scrolled into view on its next frames


def screenshots_at_both_widths(page: Page, name: str, height: int) -> None:
    """`name`-1400.png and `name`-390.png: the page as a laptop and a phone show it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS_PX:
        tall = height if width > 1000 else height * PHONE_HEIGHT_FACTOR
        page.set_viewport_size({"width": width, "height": tall})
        page.wait_for_timeout(SCROLL_SETTLE_MS)  # charts and tables follow the new width
        wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS_PX[0], "height": height})


def grid_texts(page: Page, table: Locator) -> tuple[dict[int, str], list[str]]:
    """Every heading of a table (by column) and the text of every cell drawn, read from the
    grid's accessible copy while scrolling it sideways: it holds only the columns in view."""
    scroller = table.locator(".dvn-scroller")
    scroll_width, client_width = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
    headings: dict[int, str] = {}
    cells: list[str] = []
    for left in [*range(0, scroll_width, max(1, client_width // 2)), scroll_width]:
        scroller.evaluate("(s, left) => { s.scrollLeft = left; }", left)
        page.wait_for_timeout(SCROLL_SETTLE_MS)
        for index, text in table.evaluate(
            "t => [...t.querySelectorAll('th[role=columnheader]')]"
            ".map(th => [Number(th.getAttribute('aria-colindex')), th.textContent])"
        ):
            headings[index] = text
        cells += table.evaluate("t => [...t.querySelectorAll('td')].map(td => td.textContent)")
    scroller.evaluate("s => { s.scrollLeft = 0; }")
    return headings, cells


def drawn_px(page: Page, texts: list[str]) -> dict[str, float]:
    """How wide Chromium draws each text in the table's font."""
    widths: dict[str, float] = page.evaluate(
        """([font, texts]) => {
            const context = document.createElement('canvas').getContext('2d');
            context.font = font;
            return Object.fromEntries(texts.map(t => [t, context.measureText(t).width]));
        }""",
        [GRID_FONT, texts],
    )
    return widths


def assert_whole_table(page: Page, table: Locator, rows: int | None = None) -> dict[int, str]:
    """The table shows all its rows (`rows` if given) without scrolling up or down, and the
    sizes worked out for its headings and cells are never narrower than Chromium draws them;
    its headings."""
    if rows is not None:
        assert table.locator("table").get_attribute("aria-rowcount") == str(rows + 1)
    scroll_height, client_height = table.locator(".dvn-scroller").evaluate(
        "s => [s.scrollHeight, s.clientHeight]"
    )
    assert scroll_height <= client_height, "the table scrolls inside itself: rows are hidden"
    headings, cells = grid_texts(page, table)
    shown = sorted({*headings.values(), *cells} - {""})
    for text, width in drawn_px(page, shown).items():
        assert text_px(text) >= width, f"“{text}” is drawn {width:.0f} px wide"
    return headings


def test_the_team_table_shows_every_agent_and_whole_headings_and_partial_weeks_are_marked(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": WIDTHS_PX[0], "height": 1200})
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Team performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Team performance")).to_be_visible()
    table = main.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    wait_idle(page)

    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download the agent table (CSV)").click()
    saved = tmp_path / "agents.csv"
    download_info.value.save_as(saved)
    agents = list(csv.DictReader(saved.open(encoding="utf-8")))
    assert len(agents) > 10  # Streamlit's own sizing showed ten
    headings = assert_whole_table(page, table, len(agents))
    assert "First-contact resolution" in headings.values()  # was "First-contact reso…"

    # The default dates (the 28 days to the last stored day) cut the first and last weeks.
    trends = main.locator(".vega-embed svg").first
    expect(trends.locator("text", has_text="of 7 days").first).to_be_visible()
    lighter = trends.locator(f'path[opacity="{PARTIAL_OPACITY}"]')
    assert lighter.count() >= 1, "a partial week is drawn as a lighter point"
    description = trends.evaluate("svg => svg.closest('[aria-label]').getAttribute('aria-label')")
    assert "of its 7 days" in description  # what a screen reader says of the chart
    expect(main.get_by_text("A partial week is a lighter point outside the line")).to_be_visible()
    screenshots_at_both_widths(page, "issue11-team-performance", height=2400)

    main.get_by_role("tab", name="When contacts arrive").click()
    heat_map = main.locator(".vega-embed svg").filter(has_text="Hour of the day (local)")
    for day in WEEKDAYS:  # once Tue, Thu and Sat were dropped for want of room
        expect(heat_map.locator("text").filter(has_text=re.compile(f"^{day}$"))).to_be_visible()
    screenshots_at_both_widths(page, "issue11-team-performance-by-hour", height=2400)

    main.get_by_test_id("stButton").filter(has_text="Open").click()  # the first agent listed
    expect(main.get_by_role("heading", name="Contacts")).to_be_visible()
    agent_trends = main.locator(".vega-embed svg").first
    expect(agent_trends.locator("text", has_text="of 7 days").first).to_be_visible()
    screenshots_at_both_widths(page, "issue11-agent-page", height=2800)


def test_a_typed_date_applies_as_soon_as_it_is_whole(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": WIDTHS_PX[0], "height": 1200})
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("My performance", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="My performance")).to_be_visible()
    wait_idle(page)
    typed = main.get_by_role("textbox", name="From (queued, local time)")
    to_box = main.get_by_role("textbox", name="To")
    # The fields are filled by the page's first run; a busy machine can still be drawing them.
    expect(to_box).not_to_have_value("")
    last = parse_typed_date(to_box.input_value())
    start = last - timedelta(days=13)
    typed.click()
    typed.press("Control+a")
    typed.press_sequentially(f"{start:%d.%m.%Y}", delay=50)  # no Enter, nothing closed
    expect(main.get_by_text(f"{start:%d %b %Y} – {last:%d %b %Y}")).to_be_visible()
    assert page.evaluate(
        "document.activeElement.getAttribute('aria-label')"
    ) == typed.get_attribute("aria-label"), (
        "the date applied while the field was still being typed in"
    )
    trends = main.locator(".vega-embed svg").first
    expect(trends.locator("text", has_text="of 7 days").first).to_be_visible()
    screenshots_at_both_widths(page, "issue11-my-performance", height=2000)


def rejected_rows_file(folder: Path) -> Path:
    """Two rows the import refuses, one with a long reason; checked only, never stored."""
    path = folder / "checked-only.csv"
    path.write_text(
        "interaction_id,channel,agent_name,team,queued_at,answered_at,resolved_at,csat,comment\n"
        "CHK-1,fax,Ben Walker,Front line,2026-11-20 10:00:00,2026-11-20 10:01:00,,,\n"
        "CHK-2,phone,Ben Walker,Front line,2026-11-20 10:40:00,2026-11-20 10:39:00,,,\n",
        encoding="utf-8",
    )
    return path


def test_the_other_pages_read_whole_at_a_laptop_and_a_phone_width(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": WIDTHS_PX[0], "height": 1200})
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(PERIOD_NAME).first).to_be_visible()  # the period's one name
    screenshots_at_both_widths(page, "issue11-home-supervisor", height=1600)
    nav = page.get_by_test_id("stSidebarNav")

    nav.get_by_text("Recognition", exact=True).click()
    expect(main.get_by_role("heading", name="Top performers")).to_be_visible()
    screenshots_at_both_widths(page, "issue11-recognition", height=1800)

    nav.get_by_text("Coaching candidates", exact=True).click()
    expect(main.get_by_role("heading", name="Coaching candidates")).to_be_visible()
    from_field = main.get_by_role("textbox", name="From (queued, local time)")
    expect(from_field).not_to_have_value("")  # the dates came along from Recognition
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)
    candidates = main.get_by_test_id("stDataFrame").first
    expect(candidates).to_be_visible()
    wait_idle(page)
    assert_whole_table(page, candidates)
    screenshots_at_both_widths(page, "issue11-coaching", height=1200)

    nav.get_by_text("Training records", exact=True).click()
    expect(main.get_by_role("heading", name="Training records")).to_be_visible()
    records = main.get_by_test_id("stDataFrame").first
    expect(records).to_be_visible()
    wait_idle(page)
    headings = assert_whole_table(page, records)
    assert "Agent" in headings.values()
    screenshots_at_both_widths(page, "issue11-training-records", height=2000)

    nav.get_by_text("Import contacts", exact=True).click()
    expect(main.get_by_role("heading", name="Import contacts")).to_be_visible()
    main.locator('input[type="file"]').set_input_files(str(rejected_rows_file(tmp_path)))
    main.get_by_role("button", name="Check the whole file (nothing is stored)").click()
    expect(main.get_by_role("button", name="Download the rejected rows (CSV)")).to_be_visible()
    rejected = main.get_by_test_id("stDataFrame").nth(1)  # after the preview
    wait_idle(page)
    headings = assert_whole_table(page, rejected, rows=2)
    assert "Reason" in headings.values()
    screenshots_at_both_widths(page, "issue11-import-check", height=2400)


def test_an_agents_home_names_the_period_as_the_dashboard_does(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": WIDTHS_PX[0], "height": 1200})
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Welcome,")).to_be_visible()
    expect(main.get_by_text(PERIOD_NAME).first).to_be_visible()
    screenshots_at_both_widths(page, "issue11-home-agent", height=1400)
