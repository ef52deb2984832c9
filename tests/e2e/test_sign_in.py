"""Each demo role signs in through a real browser and lands on their own home page; the first
owner of a store nobody can manage, a session ended from another browser, a locked account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics import auth
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import NewStaffMember, add_staff, add_team
from metrics.store import open_database
from tests.e2e.conftest import SCREENSHOTS, screenshot, serving, sign_in, wait_idle

pytestmark = pytest.mark.e2e

HOME_CAPTION = {"owner": "Owner ·", "supervisor": "Supervisor · Front line", "agent": "Agent ·"}
NAVIGATION = {
    "owner": ["Home", "Policy", "Staff and teams"],
    "supervisor": ["Home", "Policy", "My team"],
    "agent": ["Home", "Policy"],
}


def test_the_sign_in_page_offers_the_demo_accounts(page: Page, app_url: str) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Service Academy")).to_be_visible()
    expect(page.get_by_text("generated demo data")).to_be_visible()
    screenshot(page, "sign-in")


@pytest.mark.parametrize("role", ["owner", "supervisor", "agent"])
def test_each_role_signs_in_to_their_home_page(page: Page, app_url: str, role: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    expect(page.get_by_text(HOME_CAPTION[role]).first).to_be_visible()
    expect(page.get_by_role("heading", name="What is left for you")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for label in NAVIGATION[role]:
        expect(nav.get_by_text(label, exact=True)).to_be_visible()
    wait_idle(page)
    screenshot(page, f"home-{role}")


def test_a_wrong_password_keeps_the_visitor_out(page: Page, app_url: str) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], "wrong password")
    expect(page.get_by_text("do not match an active account")).to_be_visible()


def test_the_owner_reads_the_policy_and_the_staff_list_then_signs_out(
    page: Page, app_url: str
) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_text("Policy", exact=True).click()
    expect(page.get_by_role("heading", name="Standards by channel")).to_be_visible()
    screenshot(page, "policy", height=3600)
    page.set_viewport_size({"width": 1366, "height": 1400})
    page.get_by_test_id("stSidebarNav").get_by_text("Staff and teams", exact=True).click()
    expect(page.get_by_role("heading", name="Staff and teams")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)  # teams: a section of its own
    expect(page.get_by_role("button", name="Download the staff list (CSV)")).to_be_visible()
    screenshot(page, "staff-owner")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_be_visible()


# --- Issue 10: the first owner, sessions ended elsewhere, locked accounts ----------------------

OWNER, ADA, BO = "olga@x.example", "ada@x.example", "bo@x.example"
PASSWORD = "long enough pw"
WIDTHS = (1400, 390)  # a desktop window and a phone


def both_widths(page: Page, name: str, height: int = 900) -> None:
    """Screenshots at desktop and phone width, for looking at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        # Tables draw on a canvas once laid out at the new width, a moment after a resize.
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture(scope="module")
def newcomer_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """What `academy import` leaves on a new store: a team and agents nobody can sign in as."""
    path = tmp_path_factory.mktemp("newcomer") / "academy.duckdb"
    db = open_database(path)
    add_team(db, "Front line")
    add_staff(db, NewStaffMember(name="Imported Agent", role="agent", team="Front line"))
    db.close()
    with serving(path, path.parent / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def organisation_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An owner and two agents who sign in; Bo's account is locked by ten wrong passwords."""
    path = tmp_path_factory.mktemp("organisation") / "academy.duckdb"
    db = open_database(path)
    add_team(db, "Front line")
    for name, email, role, team in [
        ("Olga Owner", OWNER, "owner", None),
        ("Ada Agent", ADA, "agent", "Front line"),
        ("Bo Agent", BO, "agent", "Front line"),
    ]:
        member = NewStaffMember(name=name, email=email, role=role, team=team, password=PASSWORD)
        add_staff(db, member)
    for _ in range(auth.LOCK_AFTER_FAILURES):  # each after the wait the one before asked for
        db.execute("UPDATE password_checks SET checked_at = checked_at - INTERVAL 1 HOUR")
        auth.sign_in(db, BO, "a wrong password", "elsewhere")
    db.close()
    with serving(path, path.parent / "server.log") as url:
        yield url


def test_a_newcomer_creates_the_first_owner(browser: Browser, newcomer_url: str) -> None:
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(newcomer_url)
    expect(page.get_by_role("heading", name="Create the first owner")).to_be_visible()
    expect(page.get_by_text("generated demo data")).to_have_count(0)
    both_widths(page, "first-owner")
    page.get_by_label("Full name").fill("Olga Owner")
    page.get_by_label("E-mail").fill(OWNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill("another password")
    page.get_by_role("button", name="Create the owner and sign in").click()
    expect(page.get_by_text("Not created: the two passwords differ.")).to_be_visible()
    # The name and e-mail are kept; passwords are never sent back to the browser.
    expect(page.get_by_label("E-mail")).to_have_value(OWNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the owner and sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Olga Owner")).to_be_visible()
    # The offer is gone for everyone now: a new visitor gets the sign-in form only.
    other = browser.new_context().new_page()
    other.goto(newcomer_url)
    expect(other.get_by_label("E-mail")).to_be_visible()
    expect(other.get_by_role("heading", name="Service Academy")).to_be_visible()
    expect(other.get_by_text("Create the first owner")).to_have_count(0)
    page.context.close()
    other.context.close()


def test_a_person_deactivated_elsewhere_is_signed_out_at_their_next_click(
    browser: Browser, organisation_url: str
) -> None:
    agent = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(agent, organisation_url, ADA, PASSWORD)
    expect(agent.get_by_role("heading", name="Welcome, Ada Agent")).to_be_visible()

    owner = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(owner, organisation_url, OWNER, PASSWORD)
    owner.get_by_test_id("stSidebarNav").get_by_text("Staff and teams", exact=True).click()
    owner.get_by_test_id("stRadio").get_by_text("Change a person", exact=True).click()
    # Ada is the first one offered (the owner does not change themselves here).
    expect(owner.get_by_role("combobox", name="Person")).to_have_value(
        "Ada Agent <ada@x.example> · agent"
    )
    owner.get_by_role("button", name="Deactivate").click()
    expect(owner.get_by_text("Ada Agent is deactivated")).to_be_visible()

    agent.get_by_test_id("stSidebarNav").get_by_text("Policy", exact=True).click()
    expect(
        agent.get_by_text("Your account was deactivated, so you were signed out.")
    ).to_be_visible()
    expect(agent.get_by_label("E-mail")).to_be_visible()
    both_widths(agent, "signed-out-deactivated")

    owner.get_by_role("button", name="Reactivate").click()  # Ada may sign in again
    expect(owner.get_by_text("Ada Agent may sign in again.")).to_be_visible()
    sign_in(agent, organisation_url, ADA, PASSWORD)
    expect(agent.get_by_role("heading", name="Welcome, Ada Agent")).to_be_visible()
    agent.context.close()
    owner.context.close()


def test_a_locked_account_is_told_plainly_and_the_owner_unlocks_it(
    browser: Browser, organisation_url: str
) -> None:
    locked = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(locked, organisation_url, BO, PASSWORD)
    expect(
        locked.get_by_text(
            "This account is locked after 10 wrong passwords in a row. An owner can unlock it on "
            "the Staff and teams page."
        )
    ).to_be_visible()
    both_widths(locked, "sign-in-locked")

    owner = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(owner, organisation_url, OWNER, PASSWORD)
    owner.get_by_test_id("stSidebarNav").get_by_text("Staff and teams", exact=True).click()
    owner.get_by_test_id("stRadio").get_by_text("Sign-in", exact=True).click()
    expect(owner.get_by_text("Locked after 10 wrong passwords in a row.")).to_be_visible()
    both_widths(owner, "staff-owner-locked", height=1500)
    owner.get_by_role("button", name="Unlock").click()
    expect(owner.get_by_text("bo@x.example is unlocked and may sign in again.")).to_be_visible()
    expect(owner.get_by_text("No account is locked.")).to_be_visible()

    # The same form, its e-mail kept: only the password is typed again.
    expect(locked.get_by_label("E-mail")).to_have_value(BO)
    locked.get_by_label("Password", exact=True).fill(PASSWORD)
    locked.get_by_role("button", name="Sign in").click()
    expect(locked.get_by_role("heading", name="Welcome, Bo Agent")).to_be_visible()
    locked.context.close()
    owner.context.close()
