"""The service self-assessment (issue 13, item 9) in a real browser. A small demo store holds two
closed rounds and an open one that asks staff, two of whom have answered (written before the app
starts, as it holds the store once serving). The demo agent finds the prompt on Home on a
phone and answers the 25 statements anonymously; the owner answers, closes the round and reads
the total and band, the owner's view beside the staff's average and spread, the weakest areas
with their links, and the trend over the three rounds."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.complaints import self_assessment as rounds
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import Viewer, list_staff, staff_viewer
from metrics.store import open_database
from modules.self_assessment import AREAS, STATEMENT_IDS
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_accessibility import AxeFindings, axe_check
from tests.e2e.test_training_journey import main_area

pytestmark = pytest.mark.e2e
SMALL_DEMO = ["--agents", "6", "--days", "14"]
WIDTHS = (1400, 390)


def rated(everything: int, **areas: list[int]) -> dict[str, int]:
    ratings = {statement: everything for statement in STATEMENT_IDS}
    for area_id, values in areas.items():
        [area] = [a for a in AREAS if a.id == area_id]
        ratings.update({s.id: v for s, v in zip(area.statements, values, strict=True)})
    return ratings


def seed_rounds(db_path) -> None:  # type: ignore[no-untyped-def]
    """Two closed rounds (June and September) and an open one (November) with two staff
    answers, none of them by the demo agent."""
    db = open_database(db_path)
    try:
        members = list_staff(db, Viewer.local_admin())
        by_email = {m.email: m for m in members}
        owner = staff_viewer(db, by_email[DEMO_ACCOUNTS["owner"]].id)
        assert owner is not None
        others = [
            staff_viewer(db, m.id)
            for m in members
            if m.role != "owner" and m.email != DEMO_ACCOUNTS["agent"]
        ][:4]
        june = rounds.open_round(db, owner, ask_staff=True, now=datetime(2026, 6, 1, 8, tzinfo=UTC))
        rounds.answer_as_owner(db, owner, june, rated(4, feedback=[2, 2, 3], staff=[3] * 5))
        for n, person in enumerate(others):
            rounds.answer_as_staff(db, person, june, rated(3, culture=[2 + n % 2] * 4))  # type: ignore[arg-type]
        rounds.close_round(db, owner, june, now=datetime(2026, 6, 8, 8, tzinfo=UTC))
        september = rounds.open_round(
            db, owner, ask_staff=True, now=datetime(2026, 9, 1, 8, tzinfo=UTC)
        )
        rounds.answer_as_owner(db, owner, september, rated(4, feedback=[3, 3, 3]))
        for n, person in enumerate(others[:3]):
            rounds.answer_as_staff(db, person, september, rated(3 + n % 2, contact=[2, 3, 3]))  # type: ignore[arg-type]
        rounds.close_round(db, owner, september, now=datetime(2026, 9, 8, 8, tzinfo=UTC))
        november = rounds.open_round(
            db, owner, ask_staff=True, now=datetime(2026, 11, 25, 8, tzinfo=UTC)
        )
        for person in others[:2]:
            rounds.answer_as_staff(db, person, november, rated(4, staff=[3, 4, 3, 2, 4]))  # type: ignore[arg-type]
    finally:
        db.close()


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("self-assessment")
    db_path = folder / "academy.duckdb"
    subprocess.run(
        [sys.executable, "-m", "training_app.cli", "demo", "--db", str(db_path), *SMALL_DEMO],
        check=True,
        capture_output=True,
    )
    seed_rounds(db_path)
    with serving(db_path, folder / "server.log") as url:
        yield url


def new_page(browser: Browser, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 1200}).new_page()
    page.set_default_timeout(60_000)
    return page


def both_widths(page: Page, name: str, height: int = 2600) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        page.wait_for_timeout(1000)  # tables and charts lay out again at the new width
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1200})


def answer_every_statement(page: Page, ratings: dict[str, int]) -> None:
    """Click each statement's rating in the form, in the order the form lists them."""
    radios = main_area(page).get_by_test_id("stForm").get_by_test_id("stRadio")
    expect(radios).to_have_count(len(STATEMENT_IDS))
    for n, statement in enumerate(STATEMENT_IDS):
        radios.nth(n).get_by_text(str(ratings[statement]), exact=True).click()


def test_staff_answer_on_a_phone_and_the_owner_reads_the_round_beside_them(
    browser: Browser, own_app: str
) -> None:
    agent = new_page(browser, 390)
    sign_in(agent, own_app, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    wait_idle(agent)
    home = main_area(agent)
    expect(home.get_by_text("The owner asks everyone to assess our service")).to_be_visible()
    both_widths(agent, "self-assessment-home-prompt", height=1400)
    agent.set_viewport_size({"width": 390, "height": 1200})
    # Back at a phone's width the page lays out again (the sidebar folds away); a click while it
    # moves can land on nothing, as a person's would, so wait until it is still.
    wait_idle(agent)
    agent.wait_for_timeout(1000)
    home.get_by_role("link", name="Assess our service").click()
    expect(agent).to_have_url(re.compile(r"/assess-our-service$"))
    wait_idle(agent)
    main = main_area(agent)
    expect(main.get_by_role("heading", name="Assess our service")).to_be_visible()
    expect(main.get_by_text("Your answers are anonymous")).to_be_visible()
    expect(main.get_by_text("The owner respects the employees.")).to_be_visible()
    # Every area at 4 except Ease of contact at (2+2+3)/3 = 7/3: total 6 × 4 + 7/3 = 26.33.
    answer_every_statement(agent, rated(4, contact=[2, 2, 3]))
    findings = AxeFindings([], [])
    axe_check(agent, "Assess our service, filled in, 390 px", findings)
    agent.set_viewport_size({"width": 390, "height": 5200})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "self-assessment-answer-390.png"), full_page=True)
    agent.set_viewport_size({"width": 1400, "height": 5200})
    agent.wait_for_timeout(500)
    agent.screenshot(path=str(SCREENSHOTS / "self-assessment-answer-1400.png"), full_page=True)
    agent.set_viewport_size({"width": 390, "height": 1200})
    main.get_by_role("button", name="Send my answers").click()
    expect(main.get_by_text("Your answers are in. Thank you.")).to_be_visible()
    expect(main.get_by_text("You have answered this round.")).to_be_visible()
    expect(main.get_by_test_id("stMetric")).to_have_count(0)  # no results for staff

    owner = new_page(browser, 1400)
    sign_in(owner, own_app, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    wait_idle(owner)
    owner.get_by_test_id("stSidebarNav").get_by_text("Service self-assessment", exact=True).click()
    wait_idle(owner)
    main = main_area(owner)
    expect(main.get_by_role("heading", name="Service self-assessment")).to_be_visible()
    expect(main.get_by_text("3 of 9 supervisors and agents have answered")).to_be_visible()
    # The owner: every area 4, Staff qualification (3+3+3+3+3)/5 = 3 and Response to feedback
    # (2+3+3)/3 = 8/3: 5 × 4 + 3 + 8/3 = 25.67.
    answer_every_statement(owner, rated(4, staff=[3] * 5, feedback=[2, 3, 3]))
    main.get_by_role("button", name="Save my answers").click()
    expect(main.get_by_text("Your answers are saved.")).to_be_visible()
    main.get_by_role("button", name="Close the round").click()
    expect(main.get_by_text("Round closed.")).to_be_visible()
    # Staff: two at every area 4 except staff (3+4+3+2+4)/5 = 3.2 -> 27.2, the agent 26.33:
    # average (27.2 + 27.2 + 26.33) / 3 = 26.91.
    expect(main.get_by_text("Adequate, but needs general improvement: 25.67 of 35")).to_be_visible()
    expect(main.get_by_text("Adequate, but needs general improvement: 26.91 of 35")).to_be_visible()
    expect(main.get_by_text("Staff average (3 answers)")).to_be_visible()
    # The weakest for the owner: feedback 2.67, then staff qualification 3.
    expect(main.get_by_role("link", name="Compliance: training done and due")).to_be_visible()
    expect(main.get_by_role("link", name="Policy: the complaint procedure")).to_be_visible()
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    both_widths(owner, "self-assessment-owner", height=2400)
    axe_check(owner, "Service self-assessment, a closed round", findings)
    assert not findings.failures, "\n".join(findings.failures)
