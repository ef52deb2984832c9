"""Recognition in a real browser: a supervisor passes a customer's praise on as kudos with one
click on the agent's page and the agent reads it on Home; an owner downloads the monthly
recognition report as PDF, whose first page is rendered to a PNG (pypdfium2) to be looked at.
Screenshots at 1400 and 390 px wide of the pages changed."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_AGENT_NAME, DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS, sign_in, wait_idle

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1400, "height": 1600}
PHONE = {"width": 390, "height": 1600}
# A rendering scale at which the PDF's 8.5 pt table text is easy to read on screen.
PDF_SCALE = 1.6


def shots(page: Page, name: str, at: Locator | None = None) -> None:
    """The page at 1400 px, then at a phone's 390 px, then back; scrolled to `at` (Streamlit
    scrolls inside its own container, so a capture shows the window's part of the page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(400)  # Streamlit lays the columns out again at the new width
        wait_idle(page)
        if at is not None:
            at.scroll_into_view_if_needed()
            page.wait_for_timeout(200)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_supervisor_passes_praise_on_and_the_agent_sees_it(
    browser: Browser, app_url: str
) -> None:
    supervisor = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(supervisor, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(supervisor.get_by_role("heading", name="Welcome,")).to_be_visible()
    supervisor.get_by_test_id("stSidebarNav").get_by_text("Team performance", exact=True).click()
    main = supervisor.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Team performance")).to_be_visible()
    main.get_by_test_id("stSelectbox").filter(has_text="Open an agent's page").click()
    supervisor.get_by_role("option", name=DEMO_AGENT_NAME).click()
    main.get_by_test_id("stBaseButton-secondary").filter(has_text="Open").click()
    expect(main.get_by_role("heading", name=DEMO_AGENT_NAME)).to_be_visible()
    expect(main.get_by_role("heading", name="Kudos")).to_be_visible()
    wait_idle(supervisor)

    # The demo passes some comments on already: the first one not passed on gets the kudos.
    buttons = main.get_by_role("button", name="Pass on as kudos")
    expect(buttons.first).to_be_visible()
    given = main.get_by_text("Kudos given. The agent sees it on their Home.")
    reason = None
    for number in range(buttons.count()):
        # The comment's card: the nearest block around the button that holds its text.
        card = buttons.nth(number).locator("xpath=ancestor::*[.//*[@data-testid='stText']][1]")
        comment = card.get_by_test_id("stText").first.inner_text()
        buttons.nth(number).click()
        expect(given.or_(main.get_by_text("Already passed on")).first).to_be_visible()
        supervisor.wait_for_timeout(300)  # the rerun's message, not the one before it
        wait_idle(supervisor)
        if given.is_visible():
            reason = f"A customer wrote: “{comment.strip()}”"
            break
    assert reason is not None, "every comment on the page was passed on already"
    shots(supervisor, "recognition-agent-page-kudos", main.get_by_role("heading", name="Kudos"))
    supervisor.context.close()

    agent = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(agent, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    home = agent.get_by_test_id("stMain")
    expect(home.get_by_role("heading", name="Kudos")).to_be_visible()
    expect(home.get_by_text(reason, exact=True).first).to_be_visible()
    shots(agent, "recognition-home-kudos")
    agent.context.close()


def test_an_owner_downloads_the_monthly_recognition_pdf(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    page = browser.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Recognition", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Monthly recognition report")).to_be_visible()
    expect(
        main.get_by_text("Demo data: these figures come from the generated demo")
    ).to_be_visible()
    wait_idle(page)
    shots(
        page,
        "recognition-monthly-report",
        main.get_by_role("heading", name="Monthly recognition report"),
    )
    with page.expect_download() as download_info:
        main.get_by_role("button", name="Download the report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("recognition-")
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf_path)
    try:
        first = document[0]
        text = first.get_textpage().get_text_range()
        assert "Recognition report" in text and "Demo data" in text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        first.render(scale=PDF_SCALE).to_pil().save(SCREENSHOTS / "recognition-report-pdf.png")
    finally:
        document.close()
    page.context.close()
