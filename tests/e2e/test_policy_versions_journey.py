"""Policy versions and their pilot (issue 12, items 1 and 2), in a real browser: the owner edits
the phone standard in the page, saves a draft and reads "phone: 30 s → 20 s"; puts it to pilot
with the demo agent, who reads it and comments on the Standards section; the owner then reads
the comment beside that section. On an app of its own (a small demo), as it writes versions."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_AGENT_NAME, DEMO_PASSWORD
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_training_journey import main_area

pytestmark = pytest.mark.e2e
SMALL_DEMO = ["--agents", "6", "--days", "14"]
WIDTHS = (1400, 390)
COMMENT = "20 s is hard at nine in the morning, when the queue is longest."


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("versions")
    db_path = folder / "academy.duckdb"
    subprocess.run(
        [sys.executable, "-m", "training_app.cli", "demo", "--db", str(db_path), *SMALL_DEMO],
        check=True,
        capture_output=True,
    )
    with serving(db_path, folder / "server.log") as url:
        yield url


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    page.set_default_timeout(60_000)
    return page


def open_menu(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_idle(page)


def both_widths(page: Page, name: str, height: int = 2400) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        page.wait_for_timeout(1000)  # tables draw on a canvas once laid out at the new width
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1200})


def test_an_owner_edits_a_standard_pilots_it_and_reads_the_comment_beside_it(
    browser: Browser, own_app: str
) -> None:
    owner = new_page(browser)
    sign_in(owner, own_app, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    open_menu(owner, "Policy versions")
    main = main_area(owner)
    expect(main.get_by_role("heading", name="Policy versions")).to_be_visible()

    # Edit the phone standard in the page's editor, check it, save it as a major draft.
    editor = main.get_by_label("Policy text (YAML)")
    expect(editor).to_have_value(re.compile("answer_within_s: 30"))  # drawn, and filled in
    text = editor.input_value()
    assert "    answer_within_s: 30\n" in text
    edited = text.replace("    answer_within_s: 30\n", "    answer_within_s: 20\n", 1)
    edited = edited.replace("your first name and an offer", "your name and a warm offer", 1)
    editor.fill(edited)
    main.get_by_role("radiogroup", name="Kind of change").get_by_text("major").click()
    main.get_by_role("button", name="Check").click()
    expect(main.get_by_text("No problems found.")).to_be_visible()
    expect(main.get_by_text("phone: 30 s → 20 s")).to_be_visible()
    # The reworded sentence, word by word: the removed word struck through, the new ones marked.
    expect(main.locator("del", has_text="first")).to_be_visible()
    expect(main.locator("strong", has_text="a warm")).to_be_visible()
    main.get_by_role("button", name="Save as a draft").click()
    expect(main.get_by_text("Saved as draft version 2 (major).")).to_be_visible()
    # Shown now as version 2's difference under "Read a version" (the checked preview is gone).
    expect(main.get_by_role("combobox", name="Version")).to_have_value("Version 2 · draft · major")
    expect(main.get_by_text("phone: 30 s → 20 s")).to_have_count(1)

    # Put it to pilot with the demo agent, picked by name.
    form = main.get_by_test_id("stForm").filter(has_text="Put version 2 to pilot")
    form.get_by_role("combobox", name="Pilot group: people").click()
    owner.keyboard.type("Elif")
    owner.get_by_role("option", name=f"{DEMO_AGENT_NAME} (", exact=False).click()
    owner.keyboard.press("Escape")
    form.get_by_role("button", name="Start the pilot").click()
    expect(main.get_by_text("Version 2 is in pilot with 1 people.")).to_be_visible()

    # The agent finds the pilot in their menu, reads what changed and comments on Standards.
    agent = new_page(browser)
    sign_in(agent, own_app, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    open_menu(agent, "Pilot policy")
    pilot = main_area(agent)
    expect(pilot.get_by_role("heading", name="Pilot: policy version 2")).to_be_visible()
    standards = pilot.get_by_test_id("stExpander").filter(has_text="Standards (changed)")
    expect(standards.get_by_text("phone: 30 s → 20 s")).to_be_visible()
    standards.get_by_label("Your comment on Standards").fill(COMMENT)
    standards.get_by_role("button", name="Send the comment").click()
    expect(pilot.get_by_text("Your comment on Standards was sent.")).to_be_visible()
    expect(pilot.get_by_text(COMMENT)).to_be_visible()

    # The owner reads it beside the Standards section of version 2.
    owner.reload()
    wait_idle(owner)
    main = main_area(owner)
    # The innermost block holding both the change and the comment: the section's own box.
    section = (
        main.get_by_test_id("stVerticalBlock")
        .filter(has_text="phone: 30 s → 20 s")
        .filter(has_text="Pilot comments (1)")
        .last
    )
    expect(section.get_by_text("Standards", exact=True)).to_be_visible()
    expect(section.get_by_text(COMMENT)).to_be_visible()
    main.get_by_text("Read a version").scroll_into_view_if_needed()
    both_widths(owner, "policy-versions-difference")
    pilot.get_by_role("heading", name="Pilot: policy version 2").scroll_into_view_if_needed()
    both_widths(agent, "pilot-policy", height=1800)


def test_an_uploaded_file_is_checked_and_a_broken_one_saves_nothing(
    browser: Browser, own_app: str, tmp_path: Path
) -> None:
    owner = new_page(browser)
    sign_in(owner, own_app, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    open_menu(owner, "Policy versions")
    main = main_area(owner)
    rows_before = main.get_by_test_id("stDataFrame").get_by_role("row").count()
    main.get_by_role("radiogroup", name="Start from").get_by_text("Upload a file").click()

    shipped = load_policy().text
    broken = tmp_path / "broken.yaml"
    broken.write_text(shipped.replace("currency: EUR", "currency: euro"), encoding="utf-8")
    main.locator('input[type="file"]').set_input_files(str(broken))
    main.get_by_role("button", name="Save as a draft").click()
    expect(main.get_by_text("1 problem(s) found; nothing was saved.")).to_be_visible()
    line = shipped.splitlines().index("  currency: EUR") + 1
    expect(
        main.get_by_text(f"broken.yaml:{line}: compensation.currency: String should match")
    ).to_be_visible()
    assert main.get_by_test_id("stDataFrame").get_by_role("row").count() == rows_before

    gift_card = tmp_path / "gift-card.yaml"
    gift_card.write_text(
        shipped.replace(
            "escalation:\n",
            "    - id: gift_card\n"
            "      name: Gift card\n"
            "      description: A gift card for any of our shops.\n"
            "      limits: {agent: 10, supervisor: 50, owner: null}\n\n"
            "escalation:\n",
            1,
        ),
        encoding="utf-8",
    )
    main.locator('input[type="file"]').set_input_files(str(gift_card))
    main.get_by_role("button", name="Check").click()
    expect(main.get_by_text("No problems found.")).to_be_visible()
    expect(main.get_by_text("new option Gift card")).to_be_visible()
