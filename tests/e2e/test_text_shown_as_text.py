"""Text from files and people is shown as text in a real browser, on every page of every role.

The store is an organisation whose staff, team, categories, customer comments, uploaded file and
training module text are Markdown and HTML that would make a browser fetch a URL or show a link:
an image, a link named "phish", an `<img>` tag, bare URLs, Streamlit's icons, colours, emoji and
LaTeX. A listener on 127.0.0.1 stands behind every URL in them. Each role visits each of its
pages; the listener must receive nothing, no link or image may point at it, and the text must
read as it was typed, without stray backslashes. Downloaded CSVs put a quote before a formula.
"""

from __future__ import annotations

import csv
import http.server
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from metrics.contacts.imports import import_file
from metrics.people import NewStaffMember, Viewer, add_staff, add_team, list_staff, staff_viewer
from metrics.store import Database, open_database
from metrics.training import records
from modules.content import DEFAULT_MODULES_DIR, load_modules
from modules.grading import ChoiceAnswer, ReflectionAnswer
from modules.policy import load_policy
from tests.e2e.conftest import IDLE, SCREENSHOTS, SERVER_START_TIMEOUT_S, free_port, sign_in
from tests.modules.test_content import VALID_MODULE

pytestmark = pytest.mark.e2e

PASSWORD = "hostile-text-1"
PHONE_WIDTH = 390
FIRST_DAY = date(2026, 11, 2)  # a Monday; two weeks of contacts follow
POLICY_TITLE = load_policy().policy.title
CONTACTS_PER_AGENT = 36  # above the policy's minimum of 30, so every agent is judged


class Listener:
    """An HTTP server on 127.0.0.1 that records every request made to it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Recorder(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.requests.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Hostile:
    """The texts, each aimed at the listener."""

    def __init__(self, port: int) -> None:
        base = f"http://127.0.0.1:{port}"
        self.base = f"127.0.0.1:{port}"
        self.image = f"![x]({base}/track.png)"
        self.link = f"[phish]({base}/phish)"
        self.tag = f"<img src={base}/i>"
        self.url = f"see {base}/plain or www.example.com, mail a@b.example"
        self.markup = ":red[red] $x^2$ :smile: :material/home: :streamlit: -> **bold** _it_"
        self.formula = f'=HYPERLINK("{base}/csv","open")'
        self.comment = f"Great {self.url} {self.image} {self.link} {self.tag} {self.markup}"
        self.team = f"Team {self.image}"
        self.owner = f"Owner {self.link}"
        self.supervisor = f"Sup {self.tag}"
        self.agents = {  # e-mail: name; the first signs in
            "agent@h.example": self.image,
            "phish@h.example": self.link,
            "tag@h.example": self.tag,
            "markup@h.example": self.markup,
            "formula@h.example": self.formula,
            "ana@h.example": "Ana Plain",
        }


def hostile_module(text: Hostile) -> dict:
    module = yaml.safe_load(VALID_MODULE)
    module.update(title=f"Module {text.link}", summary=f"Summary {text.url} {text.markup}")
    steps = {step["id"]: step for step in module["steps"]}
    steps["phone"].update(
        title=f"Lesson {text.image}",
        body=f"**Bold is kept.**\n\n- {text.image}\n- {text.link}\n- {text.tag}\n\n{text.url}",
    )
    choice = steps["phone-time"]
    choice["prompt"] = f"Prompt {text.image}?"
    choice["options"][0].update(text=f"Right {text.link}", feedback=f"Yes {text.tag}")
    choice["options"][1].update(text=f"Wrong {text.markup}")
    choice["explanation"] = f"Because {text.url}"
    steps["reflect"]["prompt"] = f"Reflect on {text.tag}"
    play = steps["broken-kettle"]
    play.update(title=f"Role {text.link}", scenario=f"Scenario {text.image}")
    play["nodes"]["opening"]["customer"] = f"Customer {text.tag}"
    return module


def contacts_csv(folder: Path, text: Hostile) -> Path:
    """Two weeks of phone contacts per agent: the first three agents fast and well rated (top
    performers), the others slow (coaching candidates); hostile categories and comments."""
    path = folder / "contacts.csv"
    header = [
        "interaction_id",
        "channel",
        "agent_email",
        "agent_name",
        "team",
        "queued_at",
        "answered_at",
        "resolved_at",
        "category",
        "csat",
        "comment",
    ]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        number = 0
        for rank, (email, name) in enumerate(text.agents.items()):
            for k in range(CONTACTS_PER_AGENT):
                number += 1
                day = FIRST_DAY + timedelta(days=k % 12)
                queued = datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=k)
                wait = 10 if rank < 3 else 90
                answered = queued + timedelta(seconds=wait)
                good = rank < 3 or k % 3 == 0
                comment = text.formula if k == 1 else text.comment if k % 4 == 0 else ""
                writer.writerow(
                    [
                        f"H-{number}",
                        "phone",
                        email,
                        name,
                        text.team,
                        f"{queued:%Y-%m-%d %H:%M:%S}",
                        f"{answered:%Y-%m-%d %H:%M:%S}",
                        f"{answered + timedelta(minutes=4):%Y-%m-%d %H:%M:%S}" if good else "",
                        [text.link, text.formula, text.markup][k % 3],
                        5 if good else 1,
                        comment,
                    ]
                )
    return path


def viewer_of(db: Database, email: str) -> Viewer:
    [member] = [m for m in list_staff(db, Viewer.local_admin()) if m.email == email]
    found = staff_viewer(db, member.id)
    assert found is not None
    return found


def build_store(folder: Path, text: Hostile) -> tuple[Path, Path]:
    """The store and the modules folder of the hostile organisation."""
    modules = folder / "modules"
    shutil.copytree(DEFAULT_MODULES_DIR, modules)
    (modules / "tiny").mkdir()
    (modules / "tiny" / "module.yaml").write_text(
        yaml.safe_dump(hostile_module(text), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    path = folder / "academy.duckdb"
    db = open_database(path)
    try:
        add_team(db, text.team)
        for name, email, role in [
            (text.owner, "owner@h.example", "owner"),
            (text.supervisor, "sup@h.example", "supervisor"),
        ]:
            team = text.team if role == "supervisor" else None
            member = NewStaffMember(name=name, email=email, role=role, team=team, password=PASSWORD)
            add_staff(db, member)
        for email, name in text.agents.items():
            add_staff(
                db,
                NewStaffMember(
                    name=name, email=email, role="agent", team=text.team, password=PASSWORD
                ),
            )
        owner = viewer_of(db, "owner@h.example")
        policy = load_policy().policy
        file = contacts_csv(folder, text)
        result = import_file(db, file, owner, policy.business_hours.timezone, format="generic")
        assert result.rejected == 0 and result.loaded == CONTACTS_PER_AGENT * len(text.agents)

        # The signing-in agent is part-way through the hostile module.
        agent = viewer_of(db, "agent@h.example")
        tiny = next(m.module for m in load_modules(policy, modules) if m.module.id == "tiny")
        attempt = records.start_attempt(db, agent, tiny, policy.version, random.Random(1))
        records.save_answer(db, agent, attempt, tiny, "phone-time", ChoiceAnswer(selected=[1]), 9)
        reflection = ReflectionAnswer(text=f"I will read {text.comment}")
        records.save_answer(db, agent, attempt, tiny, "reflect", reflection, 9)
    finally:
        db.close()
    return path, modules


@pytest.fixture(scope="module")
def listener() -> Listener:
    return Listener()


@pytest.fixture(scope="module")
def text(listener: Listener) -> Hostile:
    return Hostile(listener.port)


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory, text: Hostile) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    db, modules = build_store(folder, text)
    port = free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "training_app.cli",
            "serve",
            "--db",
            str(db),
            "--modules",
            str(modules),
            "--address",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"app server did not start; see {log.name}")
        time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def main(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stMain")


def settle(page: Page) -> None:
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(400)  # images and fonts of the render load now, if at all


def check_shown_as_text(page: Page, text: Hostile, listener: Listener, where: str) -> None:
    """Nothing fetched, nothing linked or pointed at the listener, nothing read as markup."""
    settle(page)
    problems = []
    links = page.eval_on_selector_all("a[href]", "found => found.map(a => a.href)")
    outside = [href for href in links if text.base in href or "example.com" in href]
    if outside:
        problems.append(f"links to {outside}")
    images = page.eval_on_selector_all("img[src]", "found => found.map(i => i.src)")
    pointed = [src for src in images if text.base in src or src.endswith(".png")]
    if pointed:
        problems.append(f"images of {pointed}")
    if page.locator(".katex").count():
        problems.append("LaTeX")
    # The app colours its own icons (a right answer's tick); `:red[red]` must stay text.
    if "red" in page.locator(".stMarkdownColoredText").all_inner_texts():
        problems.append("coloured text")
    shown = page.inner_text("body")
    if "\\" in shown:
        at = shown.index("\\")
        problems.append(f"a stray backslash in {shown[max(at - 60, 0) : at + 60]!r}")
    if "😄" in shown:
        problems.append("a shortcode became an emoji")
    if listener.requests:
        problems.append(f"the listener was asked for {listener.requests}")
    assert not problems, f"{where}: " + "; ".join(problems)


def shows(page: Page, typed: str) -> None:
    """`typed` is on the page, character for character."""
    expect(page.get_by_text(typed, exact=False).first).to_be_visible()


def screenshots(page: Page, name: str) -> None:
    """The page at desktop width and at a phone's 390 px."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, suffix in ((1366, ""), (PHONE_WIDTH, "-phone")):
        page.set_viewport_size({"width": width, "height": 1000 if width > 1000 else 844})
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / f"text-{name}{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 1000})
    settle(page)


def open_page(page: Page, title: str, heading: str | None = None) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    expect(main(page).get_by_role("heading", name=heading or title).first).to_be_visible()


def open_agent(page: Page, name: str) -> None:
    """From a list page: the agent picker opens one agent's page."""
    main(page).get_by_role("combobox", name="Open an agent's page").click()
    page.get_by_role("option", name=name, exact=True).click()
    main(page).get_by_test_id("stBaseButton-secondary").filter(has_text="Open").click()
    expect(main(page).get_by_role("heading", name="Contacts")).to_be_visible()


def test_an_owner_sees_every_page_with_outside_text_as_typed(
    page: Page, hostile_url: str, text: Hostile, listener: Listener, tmp_path: Path
) -> None:
    sign_in(page, hostile_url, "owner@h.example", PASSWORD)
    expect(main(page).get_by_role("heading", name="Welcome,")).to_be_visible()
    check_shown_as_text(page, text, listener, "owner home")
    shows(page, f"Welcome, {text.owner}")
    screenshots(page, "owner-home")

    open_page(page, "Policy", POLICY_TITLE)
    check_shown_as_text(page, text, listener, "policy")
    screenshots(page, "policy")

    open_page(page, "My training")
    shows(page, f"Module {text.link}")
    shows(page, f"Summary {text.url} {text.markup}")
    check_shown_as_text(page, text, listener, "owner my training")
    screenshots(page, "my-training")

    open_page(page, "Training records")
    main(page).get_by_role("combobox", name="Agent").click()
    page.get_by_role("option", name=text.image, exact=True).click()
    expect(main(page).get_by_text(f"Prompt {text.image}?", exact=False).first).to_be_visible()
    shows(page, f"I will read {text.comment}")
    check_shown_as_text(page, text, listener, "training records")
    screenshots(page, "training-records")

    open_page(page, "Verify a certificate")
    main(page).get_by_label("Verification code").fill(text.image)
    main(page).get_by_role("button", name="Verify").click()
    shows(page, f"No certificate has the code '{text.image}'")
    check_shown_as_text(page, text, listener, "verify")
    screenshots(page, "verify")

    open_page(page, "Team performance")
    check_shown_as_text(page, text, listener, "team performance")
    screenshots(page, "team-performance")

    open_agent(page, text.image)
    expect(main(page).get_by_role("heading", name=text.image, exact=True)).to_be_visible()
    shows(page, f"{text.team} · agent@h.example")
    shows(page, text.comment)
    check_shown_as_text(page, text, listener, "agent page")
    screenshots(page, "agent-page")

    open_page(page, "Recognition")
    shows(page, text.comment)
    check_shown_as_text(page, text, listener, "recognition")
    screenshots(page, "recognition")

    open_page(page, "Coaching candidates")
    check_shown_as_text(page, text, listener, "coaching")

    open_page(page, "Import contacts")
    upload = tmp_path / "![f](track.png).csv"
    upload.write_text(
        "interaction_id,channel,agent_name,team,queued_at,answered_at\n"
        f'N-1,phone,"New {text.link}","New team {text.tag}",2026-11-12 10:00:00,'
        "2026-11-12 10:00:20\n",
        encoding="utf-8",
    )
    main(page).locator('input[type="file"]').set_input_files(str(upload))
    expect(
        main(page).get_by_role("heading", name="The first rows, as they will be stored")
    ).to_be_visible()
    main(page).get_by_role("button", name="Check the whole file (nothing is stored)").click()
    shows(page, f"Checked {upload.name}: nothing was stored.")
    for created in (f"New {text.link}", f"New team {text.tag}"):
        expect(main(page).get_by_role("listitem").filter(has_text=created)).to_be_visible()
    check_shown_as_text(page, text, listener, "import")
    screenshots(page, "import")

    open_page(page, "Staff and teams")
    check_shown_as_text(page, text, listener, "staff")
    screenshots(page, "staff")


def test_a_supervisor_sees_every_page_with_outside_text_as_typed(
    page: Page, hostile_url: str, text: Hostile, listener: Listener, tmp_path: Path
) -> None:
    sign_in(page, hostile_url, "sup@h.example", PASSWORD)
    expect(main(page).get_by_role("heading", name="Welcome,")).to_be_visible()
    shows(page, f"Welcome, {text.supervisor}")
    shows(page, f"Supervisor · {text.team}")
    check_shown_as_text(page, text, listener, "supervisor home")
    screenshots(page, "supervisor-home")

    for title, heading in [
        ("Policy", POLICY_TITLE),
        ("My training", None),
        ("Training records", None),
        ("Verify a certificate", None),
        ("Team performance", None),
        ("Import contacts", None),
        ("Recognition", None),
        ("Coaching candidates", None),
    ]:
        open_page(page, title, heading)
        check_shown_as_text(page, text, listener, f"supervisor {title}")
    screenshots(page, "coaching")

    open_agent(page, text.formula)
    check_shown_as_text(page, text, listener, "supervisor agent page")

    open_page(page, "My team", f"My team: {text.team}")
    check_shown_as_text(page, text, listener, "my team")
    screenshots(page, "my-team")


def test_an_agent_sees_every_page_with_outside_text_as_typed(
    page: Page, hostile_url: str, text: Hostile, listener: Listener
) -> None:
    sign_in(page, hostile_url, "agent@h.example", PASSWORD)
    expect(main(page).get_by_role("heading", name="Welcome,")).to_be_visible()
    check_shown_as_text(page, text, listener, "agent home")
    shows(page, f"Welcome, {text.image}")
    shows(page, f"Agent · {text.team} · supervisor {text.supervisor}")
    screenshots(page, "agent-home")

    open_page(page, "Policy", POLICY_TITLE)
    check_shown_as_text(page, text, listener, "agent policy")

    open_page(page, "My performance")
    shows(page, text.comment)
    check_shown_as_text(page, text, listener, "my performance")
    screenshots(page, "my-performance")

    open_page(page, "My training")
    main(page).get_by_role("button", name="Resume at step 1 of", exact=False).click()
    # The lesson keeps its bold and its list; the list's links and images are text.
    expect(main(page).get_by_role("heading", name=f"Lesson {text.image}")).to_be_visible()
    expect(main(page).locator("strong", has_text="Bold is kept.")).to_be_visible()
    for item in (text.image, text.link, text.tag):
        expect(main(page).get_by_role("listitem").filter(has_text=item)).to_be_visible()
    check_shown_as_text(page, text, listener, "lesson")
    screenshots(page, "lesson")
    main(page).get_by_role("button", name="Next").click()
    expect(main(page).get_by_role("heading", name=f"Prompt {text.image}?")).to_be_visible()
    shows(page, f"Right {text.link}")
    shows(page, f"Wrong {text.markup}")
    check_shown_as_text(page, text, listener, "question answered in another session")
    screenshots(page, "question")
    assert listener.requests == []


def test_downloaded_csvs_quote_imported_formulas(
    page: Page, hostile_url: str, text: Hostile, tmp_path: Path
) -> None:
    """The staff list and an agent's contacts, downloaded in the browser and opened: a cell
    an imported file began with `=` starts with `'=`, so a spreadsheet shows it as text."""
    sign_in(page, hostile_url, "owner@h.example", PASSWORD)
    expect(main(page).get_by_role("heading", name="Welcome,")).to_be_visible()
    open_page(page, "Staff and teams")
    with page.expect_download() as download:
        main(page).get_by_role("button", name="Download the staff list (CSV)").click()
    staff_csv = tmp_path / "staff.csv"
    download.value.save_as(staff_csv)
    names = [row["Name"] for row in csv.DictReader(staff_csv.open(encoding="utf-8"))]
    assert "'" + text.formula in names
    assert text.image in names  # other text as typed
    # A table offers no CSV of its own, which would hand out =HYPERLINK(...) as it is.
    main(page).get_by_test_id("stDataFrame").first.hover()
    expect(main(page).get_by_test_id("stElementToolbar").first).to_be_attached()
    expect(main(page).get_by_role("button", name="Download as CSV")).to_have_count(0)

    open_page(page, "Team performance")
    open_agent(page, text.formula)
    with page.expect_download() as download:
        main(page).get_by_role("button", name="Download these contacts (CSV)").click()
    contacts = tmp_path / "contacts.csv"
    download.value.save_as(contacts)
    rows = list(csv.DictReader(contacts.open(encoding="utf-8")))
    assert rows and {row["category"] for row in rows} == {
        text.link,
        "'" + text.formula,
        text.markup,
    }
    assert "'" + text.formula in {row["comment"] for row in rows}
