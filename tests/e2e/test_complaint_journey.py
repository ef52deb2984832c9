"""The complaint register in a real browser (issue 13, items 1-3): an agent records a complaint on
a phone-sized screen, with compensation above their limit and the team's supervisor named to
approve it, and the follow-up brought forward to today; the supervisor approves it from the
queue; the follow-up is due and the agent records it. Screenshots at 1400 and 390 px wide. On
an app of its own (a small demo)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, SUPERVISOR_NAME
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_training_journey import main_area

pytestmark = pytest.mark.e2e
SMALL_DEMO = ["--agents", "6", "--days", "14"]
DESKTOP, PHONE = 1400, 390
CUSTOMER = "Marta Horvat"


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("complaints")
    db_path = folder / "academy.duckdb"
    subprocess.run(
        [sys.executable, "-m", "training_app.cli", "demo", "--db", str(db_path), *SMALL_DEMO],
        check=True,
        capture_output=True,
    )
    with serving(db_path, folder / "server.log") as url:
        yield url


def new_page(browser: Browser, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    return page


def shot(page: Page, name: str, height: int = 1800) -> Path:
    """The page at both widths, made tall enough to hold it (Streamlit scrolls inside itself)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else DESKTOP
    path = SCREENSHOTS / f"{name}-{width}.png"
    for each in (DESKTOP, PHONE):
        page.set_viewport_size({"width": each, "height": height})
        wait_idle(page)
        page.wait_for_timeout(800)  # tables draw on a canvas once laid out at the new width
        page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{each}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})
    return path


def choose(page: Page, box: str, option: str) -> None:
    """Pick an option of a select box by typing it: Streamlit's select box lists its options
    once something is typed (a click on a phone-sized window alone did not open it)."""
    field = main_area(page).get_by_role("combobox", name=box)
    field.click()
    field.press("Control+a")
    field.press_sequentially(option, delay=20)
    page.get_by_role("option", name=option, exact=True).click()
    expect(field).to_have_value(option)


def type_date(page: Page, label: str, day: str) -> None:
    """Type a YYYY-MM-DD date into a date field, segment by segment as a person would."""
    main_area(page).get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(day.replace("-", ""), delay=40)


def today_in_zagreb() -> str:
    return datetime.now(ZoneInfo("Europe/Zagreb")).strftime("%Y-%m-%d")


def test_an_agent_records_a_complaint_on_a_phone_the_supervisor_approves_and_the_follow_up_is_kept(
    browser: Browser, own_app: str
) -> None:
    # The agent, on a phone.
    agent = new_page(browser, PHONE)
    sign_in(agent, own_app, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    wait_idle(agent)
    agent.goto(f"{own_app}/record-complaint")
    main = main_area(agent)
    expect(main.get_by_role("heading", name="Record a complaint")).to_be_visible()
    # On a phone the policy's steps come first, above the form.
    first_step = main.get_by_text("1. Understand the problem and repeat it back")
    name_box = main.get_by_label("Customer's name")
    assert first_step.bounding_box()["y"] < name_box.bounding_box()["y"]  # type: ignore[index]
    first_step.click()
    main.get_by_text("5. Apologise").click()
    name_box.fill(CUSTOMER)
    main.get_by_label("Phone").fill("+385 91 222 3333")
    choose(agent, "Category", "Late or missed delivery")
    main.get_by_label("What the customer said").fill("The fridge was promised for Monday.")
    main.get_by_label("The agreed resolution").fill("Delivered tomorrow at 8:00, credit added")
    main.get_by_text("Resolved on the spot").click()
    type_date(agent, "Follow-up by (empty: 3 days after receipt; only earlier)", today_in_zagreb())
    choose(agent, "Option", "Account credit")
    main.get_by_label("Amount (EUR)").fill("40")
    choose(agent, "Approver, if above your limit", f"{SUPERVISOR_NAME} (supervisor)")
    shot(agent, "complaint-record-filled", height=3600)
    main.get_by_role("button", name="Record the complaint").click()
    recorded = main.get_by_text(f"waits for {SUPERVISOR_NAME}'s approval")
    expect(recorded).to_be_visible()
    # The demo keeps a complaint register of its own: this complaint's number is the notice's.
    found = re.search(r"Complaint No\. (\d+) recorded", recorded.inner_text())
    assert found is not None
    number = int(found.group(1))
    shot(agent, "complaint-recorded", height=3600)

    # The supervisor, at a desk.
    supervisor = new_page(browser, DESKTOP)
    sign_in(supervisor, own_app, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    wait_idle(supervisor)
    supervisor.goto(f"{own_app}/approvals")
    queue = main_area(supervisor)
    expect(
        queue.get_by_text(f"No. {number} · Account credit, 40.00 EUR (waiting for approval)")
    ).to_be_visible()
    shot(supervisor, "complaint-approvals", height=1000)
    reason = supervisor.locator(f".st-key-reason-{number}")  # Streamlit marks a keyed widget
    decision = queue.get_by_test_id("stForm").filter(has=reason)
    decision.get_by_label("Reason").fill("Our courier missed the slot")
    decision.get_by_role("button", name="Approve").click()
    expect(queue.get_by_text(f"Compensation of No. {number} approved.")).to_be_visible()
    expect(queue.get_by_text(f"No. {number} · Account credit")).to_have_count(0)

    # The agent again: the follow-up is due today; they record it.
    agent.goto(f"{own_app}/complaints")
    work = main_area(agent)
    work.get_by_text("Follow-ups due today (1)").click()
    expect(work.get_by_text(CUSTOMER)).to_be_visible()
    expect(work.get_by_text("Account credit, 40.00 EUR (approved)")).to_be_visible()
    work.get_by_text("Followed up now").click()
    work.get_by_text("Yes", exact=True).click()
    shot(agent, "complaint-follow-up", height=3000)
    work.get_by_role("button", name="Save").click()
    expect(work.get_by_text("saved.")).to_be_visible()
    expect(work.get_by_text("Follow-ups due today (0)")).to_be_visible()
    agent.goto(own_app)
    expect(main_area(agent).get_by_text("Nothing due today in your complaints")).to_be_visible()
    shot(agent, "complaint-home", height=1600)
