"""A coaching plan in a real browser, as a story in order: a supervisor opens a plan from a
coaching candidate, with a goal and a refresher module; the agent sees it on Home, acknowledges
it and takes the module; after the review date the supervisor reads each goal before and since
and closes the plan.

Time is simulated with `ACADEMY_NOW` on a copy of the small demo store (contacts 24 Oct – 20 Nov
2026): the plan is opened on 9 Nov with its review on 20 Nov, then the server is started again
on the same store with its clock at 24 Nov, when two whole weeks lie on each side of the plan's
day. The agent is the supervisor's coaching candidate without an open plan (the demo closed one
of theirs already, which stays in their history). Screens are saved under
artifacts/screenshots/coaching-*.png at 1400 and 390 px."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics.auth import set_password
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.performance.agents import agent_metrics, contact_days
from metrics.performance.period import default_period
from metrics.performance.recognition import coaching_candidates
from metrics.store import open_database
from modules.content import load_modules
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle
from tests.e2e.test_complaint_journey import choose, type_date
from tests.e2e.test_training_journey import main_area, play
from tests.training_app.apptest import viewer_of

pytestmark = pytest.mark.e2e

OPENED_AT = "2026-11-09T09:00:00+00:00"
REVIEW_DAY = "2026-11-20"
REVIEWED_AT = "2026-11-24T09:00:00+00:00"
MODULE_DUE = "2026-11-16"
REFRESHER = "handling-complaints"
WIDTHS = {"desktop": 1400, "phone": 390}


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


def at_both_widths(page: Page, name: str, height: int = 1600) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)  # the layout settles after a resize
        wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    wait_idle(page)


def a_candidate(db_path: Path) -> tuple[str, str]:
    """The first coaching candidate of the demo supervisor's team with no open plan, given the
    demo password so that they can sign in: (name, e-mail)."""
    supervisor = viewer_of(db_path, DEMO_ACCOUNTS["supervisor"])
    policy = load_policy().policy
    db = open_database(db_path)
    try:
        days = contact_days(db, policy)
        assert days is not None
        frame = agent_metrics(db, supervisor, policy, default_period(days[1], days[0]))
        coached = {
            a
            for (a,) in db.execute(
                "SELECT agent_id FROM coaching_plans WHERE closed_at IS NULL"
            ).fetchall()
        }
        found = coaching_candidates(frame, policy)
        row = next(r for r in found.to_dict("records") if r["agent_id"] not in coached)
        email = db.execute("SELECT email FROM staff WHERE id = ?", [row["agent_id"]]).fetchone()
        assert email is not None
        set_password(db, email[0], DEMO_PASSWORD)
    finally:
        db.close()
    return str(row["name"]), str(email[0])


def test_a_plan_from_a_candidate_to_its_review(
    browser: Browser, small_demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "academy.duckdb"
    shutil.copyfile(small_demo_file, db_path)
    agent_name, agent_email = a_candidate(db_path)
    module = next(
        found.module for found in load_modules(load_policy().policy) if found.module.id == REFRESHER
    )

    monkeypatch.setenv("ACADEMY_NOW", OPENED_AT)
    with serving(db_path, tmp_path / "server-opened.log") as url:
        supervisor = new_page(browser)
        sign_in(supervisor, url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
        expect(supervisor.get_by_role("heading", name="Welcome,")).to_be_visible()
        supervisor.goto(f"{url}/coaching")
        main = main_area(supervisor)
        expect(main.get_by_role("heading", name="Coaching candidates")).to_be_visible()
        wait_idle(supervisor)
        choose(supervisor, "Open a coaching plan for", agent_name)
        wait_idle(supervisor)
        at_both_widths(supervisor, "coaching-candidates", height=1800)
        main.get_by_role("link", name="Open a coaching plan").click()
        expect(main.get_by_role("heading", name="Open a coaching plan")).to_be_visible()
        wait_idle(supervisor)
        expect(main.get_by_text("Read over the dates you were looking at")).to_be_visible()
        main.get_by_label("What was observed").fill(
            "Two customers asked again the next day: the fix was not confirmed with them."
        )
        choose(supervisor, "Refresher module", module.title)
        type_date(supervisor, "Review on", REVIEW_DAY)
        type_date(supervisor, "Module due", MODULE_DUE)
        supervisor.keyboard.press("Escape")  # the date's calendar would cover the form
        at_both_widths(supervisor, "coaching-plan-form", height=2000)
        main.get_by_role("button", name="Open the plan").click()
        heading = main.get_by_role("heading", name=re.compile(r"^Coaching plan \d+ · "))
        expect(heading).to_be_visible()
        expect(main.get_by_text(re.compile(r"Coaching plan \d+ is open"))).to_be_visible()
        plan_id = int(re.findall(r"\d+", heading.inner_text())[0])
        expect(main.get_by_text(f"{module.title}, due 16 Nov 2026: not passed yet")).to_be_visible()
        at_both_widths(supervisor, "coaching-plan-opened", height=2200)
        supervisor.context.close()

        agent = new_page(browser)
        sign_in(agent, url, agent_email, DEMO_PASSWORD)
        main = main_area(agent)
        expect(main.get_by_text(re.compile("You have a coaching plan from"))).to_be_visible()
        at_both_widths(agent, "coaching-home-agent", height=1800)
        main.get_by_role("link", name="Open my coaching plan").click()
        expect(main.get_by_role("heading", name=re.compile(r"^Coaching plan "))).to_be_visible()
        main.get_by_role("button", name="I have read my plan: acknowledge it").click()
        expect(main.get_by_text("You acknowledged your coaching plan.")).to_be_visible()
        main.get_by_label("Add a comment").fill("I will confirm the fix before I close a case.")
        main.get_by_role("button", name="Add the comment").click()
        expect(main.get_by_text("Your comment is on the plan.")).to_be_visible()
        at_both_widths(agent, "coaching-plan-agent", height=2200)

        # The refresher is on My training: the agent takes it and passes.
        agent.get_by_test_id("stSidebarNav").get_by_text("My training", exact=True).click()
        expect(main.get_by_role("heading", name="My training")).to_be_visible()
        wait_idle(agent)
        main.locator(f".st-key-start-{REFRESHER} button, .st-key-retake-{REFRESHER} button").click()
        expect(main.get_by_text("Step 1 of")).to_be_visible()
        play(agent, module, right=True)
        expect(main.get_by_text("Passed.", exact=False).first).to_be_visible()
        agent.goto(f"{url}/coaching-plan?plan={plan_id}")
        expect(
            main.get_by_text(f"{module.title}, due 16 Nov 2026: taken and passed")
        ).to_be_visible()
        agent.context.close()

    # After the review date: the same store, the clock a day after the review.
    monkeypatch.setenv("ACADEMY_NOW", REVIEWED_AT)
    with serving(db_path, tmp_path / "server-reviewed.log") as url:
        supervisor = new_page(browser)
        sign_in(supervisor, url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
        expect(supervisor.get_by_role("heading", name="Welcome,")).to_be_visible()
        supervisor.goto(f"{url}/coaching-plan?plan={plan_id}")
        main = main_area(supervisor)
        expect(main.get_by_role("heading", name=re.compile(r"^Coaching plan "))).to_be_visible()
        expect(
            main.get_by_text(
                "2 whole weeks each side: before 26 Oct 2026 – 08 Nov 2026, since 10 Nov 2026 – "
                "23 Nov 2026.",
                exact=False,
            )
        ).to_be_visible()
        expect(main.get_by_text("I will confirm the fix before I close a case.")).to_be_visible()
        at_both_widths(supervisor, "coaching-plan-review", height=2600)
        main.get_by_label("Closing note").fill("Reviewed together; keep confirming the fix.")
        main.get_by_role("button", name="Close the plan").click()
        expect(main.get_by_text("The plan is closed; its goals' results are kept.")).to_be_visible()
        expect(main.get_by_role("heading", name="Closing")).to_be_visible()
        at_both_widths(supervisor, "coaching-plan-closed", height=2400)
        supervisor.goto(f"{url}/coaching-plans")
        expect(main.get_by_role("heading", name="Coaching plans")).to_be_visible()
        wait_idle(supervisor)
        at_both_widths(supervisor, "coaching-plans", height=1400)
        supervisor.context.close()
