"""An owner imports a call log that names phones, not people, in a real browser: the calls load
as names to link, the owner links one to an agent, and Team performance counts those calls as
that agent's. Screenshots of the Import page at 1400 and 390 px wide."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics.demo.generate import default_until
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, sign_in, wait_idle

pytestmark = pytest.mark.e2e

DESKTOP = 1400
PHONE = 390


def queue_log(folder: Path, prefix: str) -> Path:
    """Three Front-line calls on the demo's last day, 14:00 local: two answered at PJSIP/201
    (once written as its channel, with a per-call counter), one at SIP/301."""
    policy = load_policy().policy
    zone = ZoneInfo(policy.business_hours.timezone)
    start = int(datetime.combine(default_until(policy), time(14), zone).timestamp())
    lines = []
    for n, interface in enumerate(["PJSIP/201", "PJSIP/201-0000002a", "SIP/301"]):
        t, callid = start + 600 * n, f"{prefix}-{n + 1}"
        lines += [
            f"{t}|{callid}|Front line|NONE|ENTERQUEUE||385|1",
            f"{t + 20}|{callid}|Front line|{interface}|CONNECT|20|x|2",
            f"{t + 200}|{callid}|Front line|{interface}|COMPLETEAGENT|20|180|1",
        ]
    path = folder / "queue_log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def open_page(page: Page, title: str) -> Locator:
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if page.viewport_size and page.viewport_size["width"] < 640 and collapse.is_visible():
        collapse.click()  # on a phone the sidebar covers the page
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=title)).to_be_visible()
    return main


def handled(main: Locator) -> int:
    """Team performance's count of contacts handled (answered) in its dates: the queue's own
    figure, which counts a call answered at a phone nobody is linked to yet."""
    caption = main.get_by_text(re.compile(r"contacts offered, [\d,]+ handled"))
    expect(caption).to_be_visible()
    found = re.search(r"([\d,]+) handled", caption.inner_text())
    assert found
    return int(found.group(1).replace(",", ""))


def agent_handled(page: Page, main: Locator, name: str) -> int:
    """From Team performance, the agent's own page: how many contacts they handled."""
    main.get_by_role("combobox", name="Open an agent's page").click()
    page.get_by_role("option", name=name, exact=True).click()
    main.get_by_test_id("stBaseButton-secondary").filter(has_text="Open").click()
    caption = main.get_by_text(re.compile(r"[\d,]+ contacts handled in these dates"))
    expect(caption).to_be_visible()
    found = re.match(r"([\d,]+) contacts handled", caption.inner_text())
    assert found
    return int(found.group(1).replace(",", ""))


def save(page: Page, name: str, width: int, height: int) -> None:
    """The whole page as seen at `width`: the window as tall as the page, as Streamlit scrolls
    inside its own container."""
    page.set_viewport_size({"width": width, "height": height})
    wait_idle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in_as_owner(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()


def import_log(page: Page, path: Path) -> Locator:
    """The owner imports the log on the Import page (its preview marks the names "(to link)":
    the AppTest reads it; here the table is a canvas)."""
    main = open_page(page, "Import contacts")
    main.locator('input[type="file"]').set_input_files(str(path))
    expect(main.get_by_role("combobox", name="Format")).to_have_value(
        "Asterisk queue_log (detected)"
    )
    main.get_by_role("button", name="Import", exact=True).click()
    expect(main.get_by_text(f"Imported 3 contacts from {path.name}")).to_be_visible()
    expect(main.get_by_text("Phone interfaces, not people")).to_be_visible()
    expect(main.get_by_role("heading", name="Names to link")).to_be_visible()
    return main


def test_an_owner_links_a_phone_interface_and_team_performance_counts_its_calls(
    page: Page, app_url: str, tmp_path: Path, browser: Browser
) -> None:
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    sign_in_as_owner(page, app_url)
    main = open_page(page, "Team performance")
    handled_before = handled(main)

    main = import_log(page, queue_log(tmp_path, "E2E-Q"))
    save(page, "import-names-to-link", DESKTOP, 2600)

    # Who PJSIP/201 is: the demo's Front-line agent, found by their e-mail in the list.
    person = main.get_by_role("combobox", name="Is")
    person.click()
    person.fill(DEMO_ACCOUNTS["agent"])
    option = page.get_by_role("option").filter(has_text=DEMO_ACCOUNTS["agent"])
    agent = option.inner_text().split(" · ")[0]
    option.click()
    expect(main.get_by_role("combobox", name="Name")).to_have_value("PJSIP/201")
    open_page(page, "Team performance")
    agent_before = agent_handled(page, page.get_by_test_id("stMain"), agent)
    main = open_page(page, "Import contacts")
    person = main.get_by_role("combobox", name="Is")
    person.click()
    person.fill(DEMO_ACCOUNTS["agent"])
    page.get_by_role("option").filter(has_text=DEMO_ACCOUNTS["agent"]).click()
    main.get_by_role("button", name="Link").click()
    expect(
        main.get_by_text(f"PJSIP/201 is linked to {agent}: 2 contacts given to them.")
    ).to_be_visible()
    expect(main.get_by_role("combobox", name="Name")).to_have_value("SIP/301")
    save(page, "import-linked", DESKTOP, 2600)

    # Team performance: the queue counted the three calls from the import on; two of them are
    # the agent's now.
    main = open_page(page, "Team performance")
    assert handled(main) == handled_before + 3
    assert agent_handled(page, main, agent) == agent_before + 2

    # The Import page on a phone, another day's log: its names wait to be linked.
    phone = browser.new_context(viewport={"width": PHONE, "height": 844})
    small = phone.new_page()
    small.set_default_timeout(60_000)
    try:
        later = tmp_path / "later"
        later.mkdir()
        sign_in_as_owner(small, app_url)
        import_log(small, queue_log(later, "E2E-R"))
        expect(small.get_by_role("combobox", name="Name")).to_have_value("SIP/301")
        save(small, "import-names-to-link-phone", PHONE, 5200)
    finally:
        phone.close()
