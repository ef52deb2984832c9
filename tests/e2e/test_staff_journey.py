"""Staff managed in the app (issue 11, item 2), in a real browser: an owner adds a person who
then signs in and sets their password; a supervisor adds an agent to their own team and cannot
add one to another team (the form offers only theirs, and a staff list naming another team is
rejected row by row). On an app of its own (a small demo)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_training_journey import main_area

pytestmark = pytest.mark.e2e
SMALL_DEMO = ["--agents", "6", "--days", "14"]
WIDTHS = (1400, 390)
NEW_PERSON, NEW_EMAIL = "Rosa Nueva", "rosa.nueva@example.com"
TEMPORARY, OWN = "given by the owner", "rosa's own words"


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("staff")
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


def both_widths(page: Page, name: str, height: int = 1200) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        page.wait_for_timeout(1000)  # tables draw on a canvas once laid out at the new width
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": height})


def open_staff(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    expect(main_area(page).get_by_role("radio", name="Add a person")).to_be_checked()


def tab(page: Page):  # type: ignore[no-untyped-def]
    """The form of the section shown (the API tokens' form comes after it)."""
    return main_area(page).get_by_test_id("stForm").first


def open_section(page: Page, name: str) -> None:
    main_area(page).get_by_test_id("stRadio").get_by_text(name, exact=True).click()


def choose(page: Page, box: str, option: str) -> None:
    tab(page).get_by_role("combobox", name=box).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_an_owner_adds_a_person_who_then_signs_in_and_sets_their_password(
    browser: Browser, own_app: str
) -> None:
    owner = new_page(browser)
    sign_in(owner, own_app, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    open_staff(owner, "Staff and teams")
    main, form = main_area(owner), tab(owner)
    form.get_by_label("Full name").fill(NEW_PERSON)
    form.get_by_label("E-mail").fill(NEW_EMAIL)
    choose(owner, "Role", "supervisor")
    choose(owner, "Team", "Billing")
    form.get_by_role("textbox", name="Temporary password (optional)").fill(TEMPORARY)
    form.get_by_role("button", name="Add this person").click()
    expect(main.get_by_text(f"{NEW_PERSON} is added as supervisor")).to_be_visible()
    both_widths(owner, "staff-owner-added", height=1600)

    # Rosa signs in on her own machine with the temporary password...
    rosa = new_page(browser)
    sign_in(rosa, own_app, NEW_EMAIL, TEMPORARY)
    expect(rosa.get_by_role("heading", name="Choose your password")).to_be_visible()
    both_widths(rosa, "choose-password", height=900)
    # ...and nothing else opens until she has chosen her own.
    rosa.goto(f"{own_app}/policy")
    expect(rosa.get_by_role("heading", name="Choose your password")).to_be_visible()
    rosa.get_by_label("New password", exact=True).fill(TEMPORARY)
    rosa.get_by_label("New password again").fill(TEMPORARY)
    rosa.get_by_role("button", name="Save my password and go on").click()
    expect(rosa.get_by_text("choose a password other than the temporary one")).to_be_visible()
    rosa.get_by_label("New password", exact=True).fill(OWN)
    rosa.get_by_label("New password again").fill(OWN)
    rosa.get_by_role("button", name="Save my password and go on").click()
    # Where she was going: the policy, signed in as a Billing supervisor.
    expect(main_area(rosa).get_by_text("Supervisor · Lumen", exact=False)).to_have_count(0)
    expect(rosa.get_by_text(NEW_PERSON, exact=True)).to_be_visible()
    assert rosa.url.endswith("/policy")
    rosa.get_by_role("button", name="Sign out").click()
    expect(rosa.get_by_text("You are signed out.")).to_be_visible()

    # Her own password signs her in now, the temporary one no longer.
    sign_in(rosa, own_app, NEW_EMAIL, TEMPORARY)
    expect(rosa.get_by_text("That e-mail and password do not match")).to_be_visible()
    rosa.get_by_label("Password", exact=True).fill(OWN)
    rosa.get_by_role("button", name="Sign in").click()
    expect(rosa.get_by_role("heading", name=f"Welcome, {NEW_PERSON}")).to_be_visible()
    rosa.context.close()
    owner.context.close()


def staff_list(tmp_path: Path) -> Path:
    path = tmp_path / "new-agents.csv"
    path.write_text(
        "name;email;team;role\n"
        "Tom Nowy;tom.nowy@example.com;Front line;agent\n"
        "Una Other;una.other@example.com;Billing;agent\n",
        encoding="utf-8",
    )
    return path


def test_a_supervisor_adds_an_agent_to_their_own_team_and_cannot_add_one_to_another(
    browser: Browser, own_app: str, tmp_path: Path
) -> None:
    sup = new_page(browser)
    sign_in(sup, own_app, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    open_staff(sup, "My team")
    main, form = main_area(sup), tab(sup)
    # The form offers the role agent and their own team only.
    form.get_by_role("combobox", name="Team").click()
    expect(sup.get_by_role("option")).to_have_text(["Front line"])
    sup.keyboard.press("Escape")
    form.get_by_role("combobox", name="Role").click()
    expect(sup.get_by_role("option")).to_have_text(["agent"])
    sup.keyboard.press("Escape")
    form.get_by_label("Full name").fill("Sam Nowak")
    form.get_by_label("E-mail").fill("sam.nowak@example.com")
    form.get_by_role("textbox", name="Temporary password (optional)").fill("a temporary one")
    form.get_by_role("button", name="Add this person").click()
    expect(main.get_by_text("Sam Nowak is added as agent")).to_be_visible()
    expect(tab(sup).get_by_label("Full name")).to_have_value("")  # ready for the next person
    expect(main.get_by_test_id("stDataFrame").first).to_contain_text("Sam Nowak")
    both_widths(sup, "staff-supervisor-added", height=1500)

    # A staff list naming another team: that row is rejected, saying why; theirs is added.
    open_section(sup, "Import a staff list")
    expect(main.get_by_text("Staff list (CSV)")).to_be_visible()  # drawn by the rerun
    wait_idle(sup)
    main.locator('input[type="file"]').set_input_files(str(staff_list(tmp_path)))
    main.get_by_role("button", name="Check the file (nothing is stored)").click()
    expect(main.get_by_text("Checked new-agents.csv: nothing was stored.")).to_be_visible()
    main.get_by_role("button", name="Import", exact=True).click()
    expect(main.get_by_text("Imported new-agents.csv: 1 person added.")).to_be_visible()
    rejects = main.get_by_test_id("stDataFrame").filter(has_text="Reason")
    expect(rejects).to_contain_text("a supervisor imports into their own team (Front line) only")
    expect(main.get_by_role("button", name="Download the rejected rows (CSV)")).to_be_visible()
    expect(main.get_by_test_id("stDataFrame").first).to_contain_text("Tom Nowy")
    both_widths(sup, "staff-supervisor-import", height=1800)
    sup.context.close()
