"""A supervisor imports a file with some bad rows in a real browser, reads the counts and
downloads the rejected rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from metrics.demo.generate import default_until
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from modules.policy import load_policy
from tests.e2e.conftest import screenshot, sign_in, wait_idle

pytestmark = pytest.mark.e2e


def contacts_file(folder: Path) -> Path:
    """Five contacts on the demo's last day for the supervisor's team, two of them bad. The new
    agents' names sort last, so the other journeys' "first agent in the table" stays theirs."""
    day = default_until(load_policy().policy)
    path = folder / "front-line-calls.csv"
    lines = [
        "interaction_id,channel,agent_name,team,queued_at,answered_at,resolved_at,csat,comment",
        f"E2E-1,phone,Živa Zorman,Front line,{day} 10:00:00,{day} 10:00:20,{day} 10:06:00,5,"
        "Hvala na strpljenju!",
        f"E2E-2,chat,Živa Zorman,Front line,{day} 10:10:00,{day} 10:11:00,,,",
        f"E2E-3,Email,Zeynep Yurt,,{day} 10:20:00,{day} 11:20:00,{day} 11:40:00,4,Teşekkürler",
        f"E2E-4,fax,Zeynep Yurt,Front line,{day} 10:30:00,{day} 10:31:00,,,",
        f"E2E-5,phone,Zeynep Yurt,Front line,{day} 10:40:00,{day} 10:39:00,,,",
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
    expect(main.get_by_role("listitem").filter(has_text="Zeynep Yurt")).to_be_visible()  # new
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
