"""Accessibility in a real browser, on a demo store of its own.

- axe-core (WCAG 2.2 AA rules) on every page each role reaches: the sign-in page, every page in
  the role's navigation, an agent's page, and a training module on a screen of each question
  kind, its feedback and the result. Any critical or serious violation fails, except those
  listed in STREAMLIT_MARKUP: Streamlit's own markup, which no theme or style sheet changes,
  each with its reason. What remains is printed and written to artifacts/accessibility/.
- Keyboard focus is visible: Tab reaches a navigation link and a radio option, each drawn with
  a solid ring of at least 3:1 against the page.
- At 200% zoom (a 700 px wide window, two device pixels per CSS pixel) no metric or button
  label is cut short.

The store is this file's own, because the agent here starts a module: the demo agent of the
shared store must stay untrained for tests/e2e/test_training_journey.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from modules.content import Lesson, Reflection, RolePlay, TrainingModule, load_modules
from modules.policy import load_policy
from tests.e2e.conftest import IDLE, SCREENSHOTS, serving, sign_in
from tests.e2e.test_training_journey import answer, step_on_screen

pytestmark = pytest.mark.e2e

REPORTS = SCREENSHOTS.parent / "accessibility"
DESKTOP_WIDTH = 1400
PHONE_WIDTH = 390
# 200% zoom of a 1400 px window: the page lays out in 700 CSS pixels.
ZOOMED_WIDTH = 700
ZOOMED_HEIGHT = 1400  # tall enough to hold a page's tiles and its buttons in one capture
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = ("critical", "serious")
MODULE = "handling-complaints"  # it holds every kind of step, role-plays included
# A focus indicator and the boundary of a control: WCAG 1.4.11 and 2.4.13.
FOCUS_MIN_CONTRAST = 3.0


@dataclass(frozen=True)
class Allowed:
    """A violation that Streamlit's own markup causes: `rule` on an element matching the CSS
    `selector`, with the reason it remains."""

    rule: str
    selector: str
    reason: str


STREAMLIT_MARKUP = (
    Allowed(
        "list",
        'ul[data-testid="stSidebarNavItems"]',
        "Streamlit's sidebar navigation wraps each section (its heading and its links) in a "
        "<div> inside the <ul>, so the list holds <div>s. A screen reader still reads every "
        "link and heading; only the count of list items is lost. The markup is Streamlit's "
        "and no theme or style sheet changes it.",
    ),
    Allowed(
        "listitem",
        '[data-testid="stSidebarNavItems"] li',
        "The same sidebar sections: the links of a section are <li>s whose parent is that "
        "<div>, not the <ul>.",
    ),
)


@dataclass
class AxeFindings:
    failures: list[str]
    residue: list[str]


EVERY_KIND = {"single_choice", "multiple_choice", "true_false", "role_play"}
# Three attempts leave a kind unseen only if all three draws miss it.
ATTEMPTS_TO_SEE_EVERY_KIND = 3


def axe_check(page: Page, where: str, findings: AxeFindings) -> None:
    """Run axe on the page as it stands (settled); record what fails and what Streamlit
    leaves."""
    # axe-core as axe-playwright-python bundles it, put in once per document: Streamlit
    # changes pages without loading a new one, and reading the script again costs a second.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            line = f"{where}: {violation['id']} ({violation['impact']}) {node['html'][:160]}"
            allowed = next(
                (
                    entry
                    for entry in STREAMLIT_MARKUP
                    if entry.rule == violation["id"] and matches(page, node, entry.selector)
                ),
                None,
            )
            if allowed is None:
                summary = node.get("failureSummary", "").replace("\n", " ")
                findings.failures.append(f"{line} — {summary}")
            else:
                findings.residue.append(f"{where}: {violation['id']} on {allowed.selector}")


def matches(page: Page, node: dict, selector: str) -> bool:
    """Whether the element axe names matches `selector` (axe's own selector is generated)."""
    target = node["target"]
    if len(target) != 1 or not isinstance(target[0], str):
        return False  # inside a frame or a shadow root: Streamlit's pages have neither
    return bool(
        page.evaluate(
            "([found, wanted]) => { const e = document.querySelector(found);"
            " return e !== null && e.matches(wanted); }",
            [target[0], selector],
        )
    )


def report(role: str, findings: AxeFindings) -> None:
    """Print and keep what remains, rule by rule, with its reason."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for line in findings.residue:
        rule_and_selector = line.split(": ", 1)[1]
        counts[rule_and_selector] = counts.get(rule_and_selector, 0) + 1
    lines = [f"axe-core (WCAG 2.2 AA) as {role}: what Streamlit's own markup leaves"]
    for entry in STREAMLIT_MARKUP:
        key = f"{entry.rule} on {entry.selector}"
        lines.append(f"- {key}: {counts.get(key, 0)} elements. {entry.reason}")
    (REPORTS / f"axe-{role}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (REPORTS / f"axe-{role}.json").write_text(
        json.dumps({"failures": findings.failures, "residue": findings.residue}, indent=1),
        encoding="utf-8",
    )
    print("\n".join(lines))


# -- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`academy serve` on a new demo store of this file's own."""
    folder = tmp_path_factory.mktemp("accessibility")
    with serving(folder / "academy.duckdb", folder / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def complaints() -> TrainingModule:
    loaded = load_modules(load_policy().policy)
    return next(found.module for found in loaded if found.module.id == MODULE)


def new_page(browser: Browser, width: int = DESKTOP_WIDTH, scale: float = 1) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=scale
    )
    page = context.new_page()
    page.set_default_timeout(60_000)  # the first render waits for the demo organisation
    return page


def signed_in(page: Page, url: str, role: str) -> None:
    """Sign in with the role's demo account, to its Home page."""
    sign_in(page, url, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    expect(main(page).get_by_role("heading", name="Welcome,")).to_be_visible()


def main(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stMain")


# Served as plain HTML forms beside the app (training_app/sign_in_routes.py), not by Streamlit.
FORM_PATHS = ("/sign-in", "/first-owner", "/choose-password")


def settle(page: Page) -> None:
    """Streamlit idle, twice: a click's rerun can start just after the first look. A plain HTML
    form is settled once it has loaded."""
    if urlparse(page.url).path in FORM_PATHS:
        page.wait_for_load_state("load")
        return
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE)


def screenshots(page: Page, name: str) -> None:
    """The page at desktop width and at a phone's 390 px, then back at desktop width. The
    window is tall: Streamlit scrolls inside its own container, so a capture stops at the
    window's bottom."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height, suffix in ((DESKTOP_WIDTH, 1600, ""), (PHONE_WIDTH, 2600, "-phone")):
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
    settle(page)


def navigation_titles(page: Page) -> list[str]:
    links = page.get_by_test_id("stSidebarNavLink")
    return [links.nth(n).inner_text().split("\n")[-1].strip() for n in range(links.count())]


def open_page(page: Page, title: str) -> None:
    link = page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(title, exact=True))
    link.click()
    expect(link).to_have_attribute("aria-current", "page")
    settle(page)


def open_an_agent(page: Page) -> None:
    """From Team performance, the agent picker opens the agent it shows first."""
    expect(main(page).get_by_role("combobox", name="Open an agent's page")).to_be_visible()
    main(page).get_by_test_id("stBaseButton-secondary").filter(has_text="Open").click()
    expect(main(page).get_by_role("heading", name="Contacts")).to_be_visible()


# Pages whose look the theme changes, screenshotted at both widths on the way.
SHOWN = {
    "supervisor": {"Home", "Team performance", "Import contacts"},
    "owner": {"Home", "Staff and teams"},
}


@pytest.mark.parametrize("role", ["supervisor", "owner"])
def test_every_page_a_manager_reaches_passes_axe(browser: Browser, store_url: str, role: str):
    findings = AxeFindings([], [])
    page = new_page(browser)
    signed_in(page, store_url, role)
    titles = navigation_titles(page)
    assert "Team performance" in titles
    for title in titles:
        open_page(page, title)
        axe_check(page, title, findings)
        if title in SHOWN[role]:
            screenshots(page, f"{role}-{title.lower().replace(' ', '-')}")
        if title == "Team performance":
            open_an_agent(page)
            settle(page)
            axe_check(page, "Agent performance", findings)
    page.context.close()
    report(role, findings)
    assert not findings.failures, "\n".join(findings.failures)


def test_an_agent_signs_in_and_takes_a_module_passing_axe_on_every_screen(
    browser: Browser, store_url: str, complaints: TrainingModule
) -> None:
    findings = AxeFindings([], [])
    page = new_page(browser)
    page.goto(store_url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    settle(page)
    axe_check(page, "Sign in", findings)
    screenshots(page, "sign-in")

    signed_in(page, store_url, "agent")
    titles = navigation_titles(page)
    assert "My training" in titles
    for title in titles:
        open_page(page, title)
        axe_check(page, title, findings)
        if title == "Home":
            screenshots(page, "agent-home")

    # Each attempt draws its questions at random from the pools, so one attempt may ask no
    # question of some kind: retakes (which draw what the last attempt did not ask) follow until
    # every kind has been checked, within a bound.
    seen: set[str] = set()
    for _attempt in range(ATTEMPTS_TO_SEE_EVERY_KIND):
        take_the_module_checking_axe(page, complaints, seen, findings)
        if seen >= EVERY_KIND:
            break
    assert seen >= EVERY_KIND
    page.context.close()
    report("agent", findings)
    assert not findings.failures, "\n".join(findings.failures)


# -- keyboard focus ------------------------------------------------------------------------

# The focused element (a radio option's label, for its hidden input), its ring, and the
# background the ring is drawn on: the first one painted behind it.
FOCUS_STYLE = """() => {
    const shown = document.activeElement.closest('label') ?? document.activeElement;
    const style = getComputedStyle(shown);
    let behind = shown.parentElement;
    while (behind && getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)') {
        behind = behind.parentElement;
    }
    return {text: shown.innerText, style: style.outlineStyle, width: style.outlineWidth,
            colour: style.outlineColor, shadow: style.boxShadow,
            background: behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)'};
}"""


def colour_channels(css_colour: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css_colour)]
    red, green, blue = numbers[:3]
    return red, green, blue, numbers[3] if len(numbers) > 3 else 1.0


def relative_luminance(red: float, green: float, blue: float) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def ring_contrast(ring: str, background: str) -> float:
    """The ring's contrast with the background it is drawn on (its opacity painted in)."""
    red, green, blue, alpha = colour_channels(ring)
    back = colour_channels(background)[:3]
    painted = [alpha * c + (1 - alpha) * b for c, b in zip((red, green, blue), back, strict=True)]
    lighter, darker = sorted(
        (relative_luminance(*painted), relative_luminance(*back)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def assert_focus_ring(page: Page, what: str) -> None:
    focus = page.evaluate(FOCUS_STYLE)
    background = focus["background"]
    assert focus["style"] == "solid", f"{what}: no focus ring ({focus})"
    assert float(focus["width"].removesuffix("px")) >= 2, f"{what}: {focus}"
    ratio = ring_contrast(focus["colour"], background)
    assert ratio >= FOCUS_MIN_CONTRAST, f"{what}: ring {ratio:.2f}:1 on {background} ({focus})"


def test_keyboard_focus_is_visible_on_navigation_links_and_radio_options(
    browser: Browser, store_url: str, complaints: TrainingModule
) -> None:
    page = new_page(browser)
    signed_in(page, store_url, "owner")
    settle(page)  # a rerun still drawing the sidebar would replace the link that has focus
    # Tab from the sidebar's first link to the next one.
    page.get_by_test_id("stSidebarNavLink").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.dataset.testid")
    assert focused == "stSidebarNavLink"
    assert_focus_ring(page, "navigation link")
    page.screenshot(path=str(SCREENSHOTS / "a11y-focus-navigation-link.png"))

    open_page(page, "My training")
    # The owner's training is as the demo made it: start the module, or take it again.
    for key in ("start", "retake", "resume"):
        button = main(page).locator(f".st-key-{key}-{MODULE} button")
        if button.count():
            button.click()
            break
    progress = main(page).get_by_test_id("stProgress")
    expect(progress).to_be_visible()
    # On to the first screen with radio options, answering on the way.
    while not main(page).get_by_test_id("stRadio").count():
        number = int(re.findall(r"\d+", progress.inner_text())[0])
        step = step_on_screen(page, complaints)
        if not isinstance(step, Lesson):
            answer(page, step, right=True)
        if not isinstance(step, Reflection):
            main(page).get_by_role("button", name="Next", exact=True).click()
        expect(progress).to_contain_text(f"Step {number + 1} of")
        settle(page)
    radio = main(page).get_by_test_id("stRadio").locator("input").first
    radio.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # focus that the keyboard moved, as a person would see it
    assert page.evaluate("() => document.activeElement.type") == "radio"
    assert_focus_ring(page, "radio option")
    page.screenshot(path=str(SCREENSHOTS / "a11y-focus-radio-option.png"))
    page.context.close()


# -- 200% zoom -----------------------------------------------------------------------------

# A label is cut short when its text is wider or taller than its box ("…", or lines clamped
# away), or when a word of it is split over two lines ("Impor" / "t"): that word's boxes then
# stand at two heights. Streamlit draws each label as Markdown in a container of its own.
CUT_SHORT = """() => {
    const labels = [...document.querySelectorAll(
        '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],'
        + ' button [data-testid="stMarkdownContainer"]')]
        .filter(e => e.getBoundingClientRect().width > 0);  // not in the folded-away sidebar
    const cut = [];
    for (const label of labels) {
        const text = label.innerText;
        if (label.scrollWidth > label.clientWidth + 1) {
            cut.push(`${text} (${label.scrollWidth} px of text in ${label.clientWidth} px)`);
            continue;
        }
        if (label.scrollHeight > label.clientHeight + 1) {
            cut.push(`${text} (${label.scrollHeight} px high in ${label.clientHeight} px)`);
            continue;
        }
        const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map(box => Math.round(box.top)));
                if (lines.size > 1) {
                    cut.push(`${text} ("${word[0]}" split over two lines)`);
                }
            }
        }
    }
    return cut;
}"""


def labels_cut_short(page: Page, where: str) -> list[str]:
    settle(page)
    return [f"{where}: {label}" for label in page.evaluate(CUT_SHORT)]


def zoomed(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"a11y-zoom-200-{name}.png"), full_page=True)


# Pages with metric tiles or rows of buttons, besides Home.
ZOOMED_PAGES = {
    "agent": ["My training", "My performance"],
    "supervisor": ["Team performance", "Training records", "Coaching candidates"],
    "owner": ["Staff and teams"],
}


def test_metric_and_button_labels_show_whole_at_200_percent_zoom(
    browser: Browser, store_url: str, tmp_path: Path
) -> None:
    cut: list[str] = []
    for role in ("agent", "supervisor", "owner"):
        page = new_page(browser, ZOOMED_WIDTH, scale=2)
        page.set_viewport_size({"width": ZOOMED_WIDTH, "height": ZOOMED_HEIGHT})
        signed_in(page, store_url, role)
        cut += labels_cut_short(page, f"{role} Home")
        zoomed(page, f"{role}-home")
        for title in ZOOMED_PAGES[role]:
            page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
            open_page(page, title)
            page.set_viewport_size({"width": ZOOMED_WIDTH, "height": ZOOMED_HEIGHT})
            cut += labels_cut_short(page, title)
            zoomed(page, f"{role}-{title.lower().replace(' ', '-')}")
        if role == "supervisor":
            page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
            open_page(page, "Import contacts")
            page.set_viewport_size({"width": ZOOMED_WIDTH, "height": ZOOMED_HEIGHT})
            upload = tmp_path / "contacts.csv"
            upload.write_text(
                "interaction_id,channel,agent_name,team,queued_at,answered_at\n"
                "Z-1,phone,Zoe Zoom,Front line,2026-11-12 10:00:00,2026-11-12 10:00:20\n",
                encoding="utf-8",
            )
            main(page).locator('input[type="file"]').set_input_files(str(upload))
            check = main(page).get_by_role("button", name=re.compile("^Check the whole file"))
            expect(check).to_be_visible()
            cut += labels_cut_short(page, "Import contacts, a file chosen")
            zoomed(page, "import-file-chosen")
            check.click()
            expect(main(page).get_by_text("nothing was stored", exact=False)).to_be_visible()
            cut += labels_cut_short(page, "Import contacts, checked")
            zoomed(page, "import-checked")
        page.context.close()
    assert not cut, "\n".join(cut)


def take_the_module_checking_axe(
    page: Page, complaints: TrainingModule, seen: set[str], findings: AxeFindings
) -> None:
    """One attempt from My training to its result, axe-checked at the first screen of each kind
    of step not yet in `seen`."""
    open_page(page, "My training")
    # Start the first time, Retake after a result.
    main(page).locator(f".st-key-start-{MODULE} button, .st-key-retake-{MODULE} button").click()
    progress = main(page).get_by_test_id("stProgress")
    expect(progress).to_be_visible()
    while True:
        settle(page)
        number, total = map(int, re.findall(r"\d+", progress.inner_text())[:2])
        step = step_on_screen(page, complaints)
        first_of_its_kind = step.kind not in seen
        if first_of_its_kind:
            axe_check(page, f"module: {step.kind}", findings)
            if step.kind == "single_choice":
                screenshots(page, "module-question")
        if not isinstance(step, Lesson):
            answer(page, step, right=True)
        if not isinstance(step, Reflection):
            label = "Finish and see my result" if number == total else "Next"
            expect(main(page).get_by_role("button", name=label)).to_be_visible()
            if first_of_its_kind and not isinstance(step, Lesson):
                kind = "role-play ending" if isinstance(step, RolePlay) else "feedback"
                settle(page)
                axe_check(page, f"module: {step.kind} {kind}", findings)
            main(page).get_by_role("button", name=label, exact=True).click()
        seen.add(step.kind)
        if number == total:
            break
        expect(progress).to_contain_text(f"Step {number + 1} of {total}")
    expect(main(page).get_by_text("Result of attempt")).to_be_visible()
    settle(page)
    axe_check(page, "module: result", findings)
