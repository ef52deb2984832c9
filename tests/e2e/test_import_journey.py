"""A supervisor imports a file with some bad rows in a real browser, reads the counts and
downloads the rejected rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics.demo.generate import default_until
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, screenshot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def contacts_file(folder: Path) -> Path:
    """Five contacts on the demo's last day for the supervisor's team, two of them bad, all
    answered by the demo agent of that team, named by e-mail (a supervisor's import gives
    contacts to their own team's staff only: a name their team lacks is refused)."""
    day = default_until(load_policy().policy)
    agent = DEMO_ACCOUNTS["agent"]
    path = folder / "front-line-calls.csv"
    lines = [
        "interaction_id,channel,agent_email,team,queued_at,answered_at,resolved_at,csat,comment",
        f"E2E-1,phone,{agent},Front line,{day} 10:00:00,{day} 10:00:20,{day} 10:06:00,5,"
        "Hvala na strpljenju!",
        f"E2E-2,chat,{agent},Front line,{day} 10:10:00,{day} 10:11:00,,,",
        f"E2E-3,Email,{agent},,{day} 10:20:00,{day} 11:20:00,{day} 11:40:00,4,Teşekkürler",
        f"E2E-4,fax,{agent},Front line,{day} 10:30:00,{day} 10:31:00,,,",
        f"E2E-5,phone,{agent},Front line,{day} 10:40:00,{day} 10:39:00,,,",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_supervisor_imports_a_file_and_downloads_the_rejected_rows(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Import contacts", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Import contacts")).to_be_visible()
    wait_idle(page)
    screenshot(page, "import-start")

    main.locator('input[type="file"]').set_input_files(str(contacts_file(tmp_path)))
    expect(main.get_by_role("combobox", name="Format")).to_have_value(
        "generic contacts file (CSV or Parquet) (detected)"
    )
    expect(
        main.get_by_role("heading", name="The first rows, as they will be stored")
    ).to_be_visible()
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    wait_idle(page)
    screenshot(page, "import-preview", height=1300)

    main.get_by_role("button", name="Import", exact=True).click()
    expect(main.get_by_text("Imported 3 contacts from front-line-calls.csv")).to_be_visible()
    tiles = main.get_by_test_id("stMetric")
    expect(tiles.filter(has_text="Rows read")).to_contain_text("5")
    expect(tiles.filter(has_text="Loaded")).to_contain_text("3")
    expect(tiles.filter(has_text="Rejected")).to_contain_text("2")
    expect(tiles.filter(has_text="Duplicates skipped")).to_contain_text("0")
    expect(main.get_by_text("New agents created")).to_have_count(0)
    wait_idle(page)
    screenshot(page, "import-result", height=2200)

    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download the rejected rows (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "rejected-front-line-calls.csv"
    saved = tmp_path / "rejected.csv"
    download.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))
    assert [(r["row"], r["id"], r["field"], r["value"]) for r in rows] == [
        ("5", "E2E-4", "channel", "fax"),
        ("6", "E2E-5", "answered_at", f"{default_until(load_policy().policy)} 10:39:00"),
    ]
    assert rows[0]["reason"] == "unknown channel: expected phone, chat, email or social"
    assert rows[1]["reason"].startswith("answered_at is before queued_at")

    # The same file again: nothing new, every good row a duplicate.
    main.get_by_role("button", name="Import", exact=True).click()
    expect(main.get_by_text("Nothing new was loaded from front-line-calls.csv")).to_be_visible()
    expect(tiles.filter(has_text="Duplicates skipped")).to_contain_text("3")
    wait_idle(page)
    screenshot(page, "import-again", height=2200)


FRESHDESK_HEADER = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,"
    "Resolved time,Closed time,Last updated time,Initial response time,Time tracked,"
    "First response time (in hrs),Resolution time (in hrs),Agent interactions,"
    "Customer interactions,Resolution status,First response status,Tags,Survey results,Product"
)


def freshdesk_file(folder: Path, prefix: str = "E2E-F") -> Path:
    """A Freshdesk export of the demo's last day: a ticket rated with the newer survey's words,
    one with an answer no survey has, and an e-mail nobody has answered yet, ten minutes old at
    the export (waiting, not abandoned)."""
    day = default_until(load_policy().policy)
    rows = [
        f"{prefix}1,Kettle,Resolved,Low,Email,Question,Zora Zvonar,Front line,{day} 09:00:00,,"
        f"{day} 11:00:00,,{day} 11:00:00,{day} 09:20:00,,,,1,1,,,,Extremely satisfied,",
        f"{prefix}2,Toaster,Resolved,Low,Email,Question,Zora Zvonar,Front line,{day} 09:30:00,,"
        f"{day} 11:30:00,,{day} 11:30:00,{day} 09:40:00,,,,1,1,,,,Sort of fine,",
        f"{prefix}3,Anyone there?,Open,Medium,Email,Question,,Front line,{day} 11:50:00,,,,"
        f"{day} 12:00:00,,,,,0,1,,,,,",
    ]
    path = folder / f"freshdesk-export-{prefix.lower()}.csv"
    path.write_text("\n".join([FRESHDESK_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def phone_screenshot(page: Page, name: str, height: int) -> None:
    """What a person sees on a 390-pixel-wide phone, scrolled through: the window is made as
    tall as the page, as Streamlit scrolls inside its own container."""
    page.set_viewport_size({"width": 390, "height": height})
    wait_idle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)


def open_page(page: Page, title: str) -> None:
    """Open a page from the sidebar, opening the sidebar first where it is closed (a phone)."""
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if page.viewport_size and page.viewport_size["width"] < 640 and collapse.is_visible():
        collapse.click()  # on a phone the sidebar covers the page


def import_freshdesk_export(page: Page, app_url: str, path: Path) -> Locator:
    """Sign in as the owner, import the file on the Import page; the page's main part."""
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    open_page(page, "Import contacts")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Import contacts")).to_be_visible()
    main.locator('input[type="file"]').set_input_files(str(path))
    expect(main.get_by_role("combobox", name="Format")).to_have_value(
        "Freshdesk ticket export (detected)"
    )
    expect(main.get_by_role("combobox", name="Times without an offset are in")).to_have_value(
        "Europe/Zagreb"
    )
    main.get_by_role("button", name="Import", exact=True).click()
    expect(main.get_by_text(f"Imported 3 contacts from {path.name}")).to_be_visible()
    return main


def test_an_owner_imports_a_freshdesk_export_with_a_waiting_ticket_and_a_rating_warning(
    page: Page, app_url: str, tmp_path: Path, browser: Browser
) -> None:
    main = import_freshdesk_export(page, app_url, freshdesk_file(tmp_path))
    tiles = main.get_by_test_id("stMetric")
    expect(tiles.filter(has_text="Loaded")).to_contain_text("3")
    expect(tiles.filter(has_text="Rejected")).to_contain_text("0")
    expect(tiles.filter(has_text="Warnings")).to_contain_text("1")
    expect(main.get_by_role("heading", name="Warnings")).to_be_visible()
    wait_idle(page)
    screenshot(page, "import-warnings", height=2200)

    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download the warnings (CSV)").click()
    saved = tmp_path / "warnings.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))
    assert [(r["row"], r["id"], r["field"], r["value"]) for r in rows] == [
        ("3", "E2E-F2", "Survey results", "Sort of fine")
    ]
    assert rows[0]["reason"].endswith("the ticket is loaded without its rating")

    # The open ticket is waiting on Team performance, not abandoned and not missed.
    open_page(page, "Team performance")
    expect(main.get_by_role("heading", name="Team performance")).to_be_visible()
    expect(main.get_by_text("1 waiting for a first reply within their standard")).to_be_visible()
    wait_idle(page)
    screenshot(page, "performance-team-waiting", height=1200)

    # The same on a phone, with the export a day later (other tickets, the same story).
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    small = phone.new_page()
    small.set_default_timeout(60_000)
    try:
        later = freshdesk_file(tmp_path, prefix="E2E-P")
        main = import_freshdesk_export(small, app_url, later)
        expect(main.get_by_test_id("stMetric").filter(has_text="Warnings")).to_contain_text("1")
        phone_screenshot(small, "import-warnings", height=4200)
        open_page(small, "Team performance")
        expect(
            small.get_by_text("2 waiting for a first reply within their standard")
        ).to_be_visible()
        phone_screenshot(small, "performance-team-waiting", height=2400)
    finally:
        phone.close()
