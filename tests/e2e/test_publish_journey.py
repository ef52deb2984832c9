"""A major version published by `academy policy publish` while the app serves the store (the
command runs inside the app), in real headless Chromium: the agent sees the policy module due
again on My training with the reason, the owner's Compliance page has nobody overdue until the
due date has passed, then lists the agent with their e-mail address to copy.

The store is made here: the owner Olga and the agent Ana (team Front line), who passed both
modules on 3 November and signed version 1, the shipped policy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics.organisation import ensure_policy_in_force
from metrics.people import NewStaffMember, add_staff, add_team
from metrics.store import open_database
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, serving, sign_in, wait_idle

pytestmark = pytest.mark.e2e

PASSWORD = "a long password"
OWNER, AGENT = "olga@lumen.example", "ana@lumen.example"
DONE = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
WIDTHS = {"desktop": 1400, "phone": 390}
REASON = "due again: quotes the phone standard, 30 s → 20 s"


def make_store(path: Path) -> None:
    db = open_database(path)
    try:
        ensure_policy_in_force(db, load_policy())
        add_team(db, "Front line")
        ana = add_staff(
            db,
            NewStaffMember(
                name="Ana Kovač", email=AGENT, role="agent", team="Front line", password=PASSWORD
            ),
        )
        add_staff(
            db, NewStaffMember(name="Olga Owner", email=OWNER, role="owner", password=PASSWORD)
        )
        for module_id in ("customer-service-policy", "handling-complaints"):
            db.execute(
                "INSERT INTO training_attempts (staff_id, module_id, module_version,"
                " module_title, policy_version, attempt_number, plan, started_at,"
                " last_active_at, completed_at, score, pass_mark, passed)"
                " VALUES (?, ?, 1, ?, 1, 1, '{}', ?, ?, ?, 0.9, 0.8, true)",
                [ana, module_id, module_id, DONE, DONE, DONE],
            )
        db.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at) VALUES (?, 1, 'Ana Kovač', ?)",
            [ana, DONE],
        )
    finally:
        db.close()


def academy(*args: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "training_app.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def main_area(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def open_page(page: Page, name: str) -> Locator:
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).click()
    expect(main_area(page).get_by_role("heading", name=name).first).to_be_visible()
    wait_idle(page)
    return main_area(page)


def at_both_widths(page: Page, name: str, height: int = 1600) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height if label == "desktop" else 2600})
        page.wait_for_timeout(500)  # the layout settles after a resize
        wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def signed_in(browser: Browser, url: str, email: str) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    sign_in(page, url, email, PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    return page


def test_a_major_version_published_beside_the_app_is_due_again_then_overdue(
    browser: Browser, tmp_path: Path
) -> None:
    store = tmp_path / "lumen.duckdb"
    make_store(store)
    changed = tmp_path / "policy-v2.yaml"
    changed.write_text(
        load_policy().text.replace("answer_within_s: 30", "answer_within_s: 20", 1),
        encoding="utf-8",
    )
    with serving(store, tmp_path / "server.log") as url:
        status, out, err = academy(
            "policy", "publish", str(changed), "--kind", "major", "--db", str(store)
        )
        assert (status, err) == (0, ""), err
        # Ana and Olga × the signature and the policy module, which quotes the phone's time.
        assert json.loads(out) == {
            "version": 2,
            "kind": "major",
            "assigned": 4,
            "acknowledgements_kept": 0,
            "modules_due_again": ["customer-service-policy"],
        }

        agent = signed_in(browser, url, AGENT)
        main = open_page(agent, "My training")
        # The policy module is due again, saying why; Handling complaints quotes nothing that
        # changed and stays passed (the badges of the two modules, in the page's order).
        expect(main.get_by_text(f"A new policy version: {REASON}")).to_be_visible()
        badges = main.get_by_text(re.compile(r"(Due again|Passed)$"))
        expect(badges).to_have_text([re.compile("Due again$"), re.compile("Passed$")])
        expect(main.get_by_role("button", name="Retake")).to_have_count(2)
        at_both_widths(agent, "my-training-due-again")

        owner = signed_in(browser, url, OWNER)
        report = open_page(owner, "Compliance")
        expect(report.get_by_text("Nobody is overdue.")).to_be_visible()

    # The due date passes: the publish's assignments were due yesterday (the store is written
    # while no app holds it, as the days passing would leave it).
    yesterday = datetime.now(ZoneInfo("Europe/Zagreb")).date() - timedelta(days=1)
    db = open_database(store)
    try:
        db.execute("UPDATE training_assignments SET due = ?", [yesterday])
    finally:
        db.close()

    with serving(store, tmp_path / "server-again.log") as url:
        owner = signed_in(browser, url, OWNER)
        report = open_page(owner, "Compliance")
        expect(report.get_by_role("heading", name="Who is overdue")).to_be_visible()
        addresses = report.get_by_test_id("stCode")
        expect(addresses).to_contain_text(AGENT)
        expect(report.get_by_text("Nobody is overdue.")).to_have_count(0)
        at_both_widths(owner, "compliance-report")
