"""A supervisor reads their team's complaint numbers and top problems in a real browser, on a
desktop and on a phone; an agent opens their own numbers."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import Viewer, list_staff
from metrics.store import open_database
from modules.policy import load_policy
from tests.conftest import SMALL_DEMO
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_accessibility import AxeFindings, axe_check
from tests.metrics.complaints.test_report import add_complaint

pytestmark = pytest.mark.e2e

# A skewed register, as complaints are: a few categories carry most of them.
CATEGORY_WEIGHTS = {
    "late_delivery": 9,
    "faulty_product": 6,
    "billing": 4,
    "hard_to_reach": 3,
    "returns": 2,
    "staff_conduct": 1,
    "other": 1,
}
PREVENTION = {
    "late_delivery": "Text the customer the delivery slot the day before",
    "faulty_product": "Test the display models before they leave the warehouse",
    "billing": "Show the delivery fee before payment",
}
COMPLAINTS = 60


def add_register(path: Path) -> None:
    """COMPLAINTS complaints over the demo's last 28 days, handled by its agents."""
    policy = load_policy().policy
    db = open_database(path)
    try:
        agents = [m for m in list_staff(db, Viewer.local_admin()) if m.role == "agent"]
        rng = random.Random(13)
        last = datetime.combine(SMALL_DEMO["until"], datetime.min.time(), UTC)  # type: ignore[arg-type]
        categories, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
        for _ in range(COMPLAINTS):
            member = rng.choice(agents)
            who = Viewer(
                staff_id=member.id,
                name=member.name,
                email=member.email or "",
                role="agent",
                team_id=member.team_id,
            )
            received = last - timedelta(days=rng.randint(1, 27), hours=rng.randint(0, 9))
            category = rng.choices(categories, weights)[0]
            on_time = rng.random() < 0.75
            followed = received + timedelta(days=2 if on_time else 5)
            on_the_spot = rng.random() < 0.4
            resolved = received + timedelta(minutes=10 if on_the_spot else rng.randint(2, 120) * 60)
            promised = None if on_the_spot else (received + timedelta(days=3)).date()
            compensated = rng.random() < 0.3
            add_complaint(
                db,
                policy,
                who,
                received,
                category,
                resolved_on_the_spot=on_the_spot,
                promised_by=promised,
                resolved_at=resolved if resolved < last else None,
                followed_up_at=followed if followed < last else None,
                customer_satisfied=(rng.random() < 0.7) if followed < last else None,
                customer_email=f"customer{rng.randint(1, 40)}@example.com",
                prevention=PREVENTION.get(category) if rng.random() < 0.5 else None,
                compensation_kind=rng.choice(["account_credit", "free_coupon"])
                if compensated
                else None,
                compensation_amount=rng.choice([5, 10, 20]) if compensated else None,
                compensation_status="granted" if compensated else None,
            )
    finally:
        db.close()


@pytest.fixture(scope="module")
def complaints_url(
    small_demo_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("complaint-numbers")
    db = folder / "academy.duckdb"
    shutil.copyfile(small_demo_file, db)
    add_register(db)
    with serving(db, folder / "server.log") as url:
        yield url


def open_numbers(page: Page, url: str, role: str) -> None:
    sign_in(page, url, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    title = "My complaint numbers" if role == "agent" else "Complaint numbers"
    page.goto(f"{url}/complaint-numbers")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=title)).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1400, 2000), (390, 4200)])
def test_a_supervisor_reads_the_top_problems(
    browser: Browser, complaints_url: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_numbers(page, complaints_url, "supervisor")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Top problems")).to_be_visible()
        expect(main.get_by_text("most significant", exact=False).first).to_be_visible()
        expect(main.get_by_text("1. ", exact=False).first).to_be_visible()
        expect(main.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible()
        expect(main.get_by_test_id("stMetric").get_by_text("Follow-up compliance")).to_be_visible()
        expect(main.get_by_role("heading", name="Per agent")).to_be_visible()
        wait_idle(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"complaint-numbers-{width}.png"), full_page=True)
        # With the chart and tables drawn (the accessibility test meets the page as its store
        # has it), WCAG 2.2 AA as everywhere else.
        findings = AxeFindings([], [])
        axe_check(page, f"Complaint numbers at {width} px", findings)
        assert not findings.failures, "\n".join(findings.failures)
    finally:
        context.close()


def test_an_agent_reads_their_own_numbers(browser: Browser, complaints_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 2400})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_numbers(page, complaints_url, "agent")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Top problems")).to_be_visible()
        expect(main.get_by_role("heading", name="Per agent")).to_have_count(0)
        wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / "complaint-numbers-agent-390.png"), full_page=True)
    finally:
        context.close()
