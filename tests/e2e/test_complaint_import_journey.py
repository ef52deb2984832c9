"""An owner imports a complaint register kept elsewhere on the Import page, in a real browser, at
desktop and at phone width: the format told from the header, the counts, the refused row with
its reason, and the same file again skipped as duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.complaints.imports import COLUMNS
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import screenshot, sign_in, wait_idle
from tests.e2e.test_import_journey import open_page, phone_screenshot

pytestmark = pytest.mark.e2e


def register_file(folder: Path, prefix: str) -> Path:
    """Three complaints of a year before the demo, each resolved on the spot and followed up, so
    that nothing of them joins anyone's lists or the demo's periods, which other journeys read;
    and a fourth whose 30 EUR of account credit is above the agent's 25 with no approver."""
    agent = DEMO_ACCOUNTS["agent"]
    cells = {
        "received_by": agent,
        "channel": "phone",
        "category": "billing",
        "resolved_on_the_spot": "yes",
        "customer_satisfied": "yes",
    }
    rows = [
        {**cells, "received_at": "2025-03-03 09:30", "followed_up_at": "2025-03-05 10:00"},
        {
            **cells,
            "received_at": "2025-03-04 11:00",
            "followed_up_at": "2025-03-06 09:00",
            "category": "Late or missed delivery",
            "compensation_kind": "delivery_refund",
            "compensation_amount": "15",
        },
        {**cells, "received_at": "2025-03-05 15:45", "followed_up_at": "2025-03-07 12:00"},
        {
            **cells,
            "received_at": "2025-03-06 10:15",
            "followed_up_at": "2025-03-08 12:00",
            "compensation_kind": "account_credit",
            "compensation_amount": "30",
        },
    ]
    lines = [",".join(COLUMNS)]
    for number, row in enumerate(rows, start=1):
        values = {"complaint_id": f"{prefix}-{number}", **row}
        lines.append(",".join(values.get(column, "") for column in COLUMNS))
    path = folder / f"register-{prefix.lower()}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_register(page: Page, path: Path) -> None:
    main = page.get_by_test_id("stMain")
    main.locator('input[type="file"]').set_input_files(str(path))
    expect(main.get_by_role("combobox", name="Format")).to_have_value(
        "complaint register (CSV or Parquet) (detected)"
    )
    main.get_by_role("button", name="Import", exact=True).click()


def test_an_owner_imports_a_complaint_register_at_desktop_and_phone_width(
    page: Page, app_url: str, tmp_path: Path, browser: Browser
) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    open_page(page, "Import contacts")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Import contacts")).to_be_visible()
    path = register_file(tmp_path, "E2E-CR")
    import_register(page, path)
    expect(main.get_by_text(f"Imported 3 complaints from {path.name}")).to_be_visible()
    tiles = main.get_by_test_id("stMetric")
    expect(tiles.filter(has_text="Rows read")).to_contain_text("4")
    expect(tiles.filter(has_text="Loaded")).to_contain_text("3")
    expect(tiles.filter(has_text="Rejected")).to_contain_text("1")
    # The grid draws on a canvas; its cells are there for assistive technology.
    expect(main.get_by_text("30.00 EUR of account credit is above the limit of")).to_be_attached()
    expect(main.get_by_role("heading", name="Complaint register imports")).to_be_visible()
    wait_idle(page)
    screenshot(page, "import-complaints-result", height=2000)

    # The same file again: the three are duplicates, the fourth is refused again.
    import_register(page, path)
    expect(main.get_by_text(f"Nothing new was loaded from {path.name}")).to_be_visible()
    expect(tiles.filter(has_text="Duplicates skipped")).to_contain_text("3")
    expect(tiles.filter(has_text="Rejected")).to_contain_text("1")

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    small = phone.new_page()
    small.set_default_timeout(60_000)
    try:
        sign_in(small, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
        expect(small.get_by_role("heading", name="Welcome,")).to_be_visible()
        open_page(small, "Import contacts")
        later = register_file(tmp_path, "E2E-CP")
        import_register(small, later)
        expect(
            small.get_by_test_id("stMain").get_by_text(f"Imported 3 complaints from {later.name}")
        ).to_be_visible()
        phone_screenshot(small, "import-complaints-result", height=3600)
    finally:
        phone.close()
