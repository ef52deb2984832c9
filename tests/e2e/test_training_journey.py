"""A new agent's training in a real browser, as a story in order (the tests share one server):
Home lists both modules due; start the policy module, close the browser half-way, resume, fail,
retake, pass, download the certificate, sign the policy with the name typed on a keyboard
without "ı"; the supervisor sees the attempt history. Then the complaints module is not passed
while losing two of its three customers, is passed on a retake, and Home says nothing is left.
Each screen is saved under artifacts/screenshots/training-*.png, the pages this work changed at
1400 px and 390 px (home-*, policy-*)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from modules.content import (
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    Reflection,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
    load_modules,
)
from modules.policy import load_policy
from tests.e2e.conftest import SCREENSHOTS, screenshot, sign_in, wait_idle
from tests.training_app.player import best_reply, path_to, worst_reply

pytestmark = pytest.mark.e2e

POLICY_MODULE = "customer-service-policy"
AGENT_NAME = "Elif Yılmaz"  # the demo agent
AGENT_NAME_TYPED = "elif yilmaz"  # as typed on a keyboard without "ı", and without capitals
WIDTHS = {"desktop": 1400, "phone": 390}


@pytest.fixture(scope="module")
def module() -> TrainingModule:
    loaded = load_modules(load_policy().policy)
    return next(found.module for found in loaded if found.module.id == POLICY_MODULE)


def heading(step: PlayableStep) -> str:
    if isinstance(step, Lesson):
        return step.title
    if isinstance(step, RolePlay):
        return f"Role-play: {step.title}"
    if isinstance(step, TrueFalse):
        return step.statement
    return step.prompt


def main_area(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def at_both_widths(page: Page, name: str, height: int = 1400) -> None:
    """Save the screen at desktop and phone width (`<name>-desktop.png`, `<name>-phone.png`),
    then go back to the journey's window."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)  # the layout settles after a resize
        wait_idle(page)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def open_page(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).click()
    expect(main_area(page).get_by_role("heading", name=name).first).to_be_visible()
    wait_idle(page)


def items_left(page: Page) -> list[str]:
    """The lines of "What is left for you" on an agent's Home (its only alert with a list)."""
    expect(main_area(page).get_by_role("heading", name="What is left for you")).to_be_visible()
    items = main_area(page).get_by_test_id("stAlertContainer").get_by_role("listitem")
    expect(items.first).to_be_visible()
    return [text.strip() for text in items.all_inner_texts()]


def nothing_left(page: Page) -> Locator:
    return main_area(page).get_by_text(
        "Nothing left to do in your training: you have passed every assigned module and "
        "signed policy version 1."
    )


def step_on_screen(page: Page, module: TrainingModule) -> PlayableStep:
    """The step whose heading (or true/false statement) the person sees."""
    shown = {
        text.strip() for text in main_area(page).locator("h2, h3, blockquote").all_inner_texts()
    }
    found = [step for step in module.steps_by_id.values() if heading(step) in shown]
    assert len(found) == 1, f"cannot tell the step on screen from {shown}"
    return found[0]


def pick_radio(page: Page, text: str) -> None:
    main_area(page).get_by_test_id("stRadio").get_by_text(text, exact=True).click()


def pick_option(page: Page, text: str) -> None:
    page.get_by_role("option", name=text, exact=True).click()


def click(page: Page, label: str) -> None:
    button = main_area(page).get_by_role("button", name=label, exact=True)
    try:
        button.click(timeout=20_000)
    except Exception:
        screenshot(page, "training-failed-click", height=1400)
        raise


def answer(page: Page, step: PlayableStep, right: bool, outcome: str | None = None) -> None:
    """Answer right or wrong; a role-play with an `outcome` goes along the best path to it."""
    if isinstance(step, SingleChoice):
        pick_radio(page, next(o.text for o in step.options if o.correct == right))
    elif isinstance(step, MultipleChoice):
        for option in step.options:
            if option.correct == right:
                main_area(page).get_by_test_id("stCheckbox").get_by_text(
                    option.text, exact=True
                ).click()
    elif isinstance(step, TrueFalse):
        pick_radio(page, "True" if step.answer == right else "False")
    elif isinstance(step, Ordering):
        order = step.items if right else step.items[::-1]
        field = main_area(page).get_by_test_id("stMultiSelect").locator("input")
        for item in order:
            field.fill(item)  # typing filters the list; then pick the item itself
            pick_option(page, item)
        page.keyboard.press("Escape")
    elif isinstance(step, Matching):
        # The pairs come in the attempt's order: find each box by its item.
        for pair in step.pairs:
            wrong = next(c for c in step.choices if c != pair.answer)
            main_area(page).get_by_test_id("stSelectbox").filter(has_text=pair.item).click()
            pick_option(page, pair.answer if right else wrong)
    elif isinstance(step, Reflection):
        main_area(page).get_by_label("Your answer").fill(
            "Answering e-mail within the standard on a busy Monday; a shared inbox rota helps."
        )
        click(page, "Save and continue")
        return
    elif isinstance(step, RolePlay):
        node = step.start
        planned = path_to(step, outcome) if outcome else None
        while not step.nodes[node].is_ending:
            choices = step.nodes[node].choices
            if planned is not None:
                choice = planned.pop(0)
            else:
                choice = best_reply(step, node) if right else worst_reply(step, node)
            pick_radio(page, choices[choice].reply)
            click(page, "Reply")
            node = choices[choice].next
            # Each reply shows its feedback before the customer answers, who has a name of
            # their own, not the agent's.
            expect(main_area(page).get_by_text(choices[choice].feedback).first).to_be_visible()
            expect(main_area(page).get_by_text(step.customer_name).first).to_be_visible()
            expect(main_area(page).get_by_text(AGENT_NAME)).to_have_count(0)
        ending = re.compile(r"^The customer (stays with us|is lost)\.$")
        expect(main_area(page).get_by_text(ending)).to_be_visible()
        return
    click(page, "Check answer")


def play(
    page: Page,
    module: TrainingModule,
    right: bool,
    steps: int | None = None,
    shots: str = "",
    outcomes: dict[str, str] | None = None,
) -> None:
    """Play on from the step on screen, answering right or wrong (role-plays named in
    `outcomes` along the best path to that outcome), for `steps` steps or to the results
    screen; screenshot the first screen of each kind when `shots` names the run."""
    progress = main_area(page).get_by_test_id("stProgress")
    seen_kinds: set[str] = set()
    played = 0
    while steps is None or played < steps:
        expect(progress).to_be_visible()
        wait_idle(page)
        number, total = map(int, re.findall(r"\d+", progress.inner_text())[:2])
        step = step_on_screen(page, module)
        if shots and step.kind not in seen_kinds:
            screenshot(page, f"training-{shots}-{step.kind}", height=1100)
        if not isinstance(step, Lesson):
            answer(page, step, right, (outcomes or {}).get(step.id))
        if not isinstance(step, Reflection):
            label = "Finish and see my result" if number == total else "Next"
            expect(main_area(page).get_by_role("button", name=label)).to_be_visible()
            if shots and step.kind not in seen_kinds and step.kind != "lesson":
                at_both_widths(page, f"training-{shots}-{step.kind}-feedback", height=1100)
            click(page, label)
        seen_kinds.add(step.kind)
        played += 1
        if number == total:
            expect(main_area(page).get_by_text("Result of attempt")).to_be_visible()
            return
        expect(progress).to_contain_text(f"Step {number + 1} of {total}")


def open_my_training(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text("My training", exact=True).click()
    expect(main_area(page).get_by_role("heading", name="My training")).to_be_visible()
    wait_idle(page)


def test_a_new_agent_trains_signs_the_policy_and_the_supervisor_sees_it(
    browser: Browser, app_url: str, module: TrainingModule, tmp_path
) -> None:
    def new_page() -> Page:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    page = new_page()
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    # A new starter's Home lists what is left, due from the day they joined: nothing overdue.
    left = items_left(page)
    assert [line.split(":")[0] for line in left[:2]] == [
        "Our customer-service policy",
        "Handling complaints",
    ], left
    assert left[2].startswith("Then sign policy version 1 by "), left
    assert left[2].endswith(", once you have passed Our customer-service policy."), left
    assert all("overdue" not in line for line in left), left
    assert all("; start it on My training." in line for line in left[:2]), left
    at_both_widths(page, "home-agent-to-do")
    open_my_training(page)
    at_both_widths(page, "my-training", height=1100)
    main_area(page).locator(f".st-key-start-{POLICY_MODULE} button").click()
    expect(main_area(page).get_by_text("Step 1 of")).to_be_visible()
    total = int(
        re.findall(r"of (\d+)", main_area(page).get_by_test_id("stProgress").inner_text())[0]
    )

    # Part-way through the first attempt the browser closes: nothing in memory survives.
    play(page, module, right=False, steps=6, shots="first")
    page.context.close()

    page = new_page()
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    open_my_training(page)
    resume = main_area(page).get_by_role("button", name=f"Resume at step 7 of {total}")
    expect(resume).to_be_visible()
    screenshot(page, "training-resume", height=1100)
    resume.click()
    expect(main_area(page).get_by_text(f"Step 7 of {total}")).to_be_visible()

    play(page, module, right=False)
    expect(main_area(page).get_by_text("Not passed yet.")).to_be_visible()
    expect(main_area(page).get_by_text("Your best attempt counts")).to_be_visible()
    expect(main_area(page).get_by_text("What you missed")).to_be_visible()
    screenshot(page, "training-results-failed", height=1400)

    click(page, "Retake the module")
    expect(main_area(page).get_by_text("Attempt 2")).to_be_visible()
    play(page, module, right=True, shots="retake")
    expect(main_area(page).get_by_text("Passed.", exact=False).first).to_be_visible()
    expect(main_area(page).get_by_text("Every answer was right.")).to_be_visible()
    screenshot(page, "training-results-passed", height=1400)

    with page.expect_download() as download_info:
        click(page, "Download certificate (PDF)")
    certificate = tmp_path / "certificate.pdf"
    download_info.value.save_as(certificate)
    assert certificate.read_bytes().startswith(b"%PDF")
    code = re.findall(r"SA-[A-Z0-9]{4}-[A-Z0-9]{4}", main_area(page).inner_text())[0]

    # Another name is refused with a sentence that starts with a capital and says what to type.
    main_area(page).get_by_label("Type your full name").fill("Elif")
    main_area(page).get_by_text("I have read policy version 1").click()
    click(page, "Sign the policy")
    expect(
        main_area(page).get_by_text(
            f"Type your full name as it is on the staff list ({AGENT_NAME}) to sign; capitals "
            "and accents do not matter."
        )
    ).to_be_visible()
    at_both_widths(page, "training-sign-refused")
    # The name typed without the dotless ı and without capitals signs, and is kept as typed.
    expect(main_area(page).get_by_role("checkbox", name="I have read policy")).to_be_checked()
    main_area(page).get_by_label("Type your full name").fill(AGENT_NAME_TYPED)
    click(page, "Sign the policy")
    expect(
        main_area(page).get_by_text(
            re.compile(rf"^You signed policy version 1 on .* as “{AGENT_NAME_TYPED}”\.$")
        )
    ).to_be_visible()
    at_both_widths(page, "training-signed")

    # The Policy page speaks the organisation's words, not the developers'.
    open_page(page, "Policy")
    expect(main_area(page)).not_to_contain_text(re.compile(r"yaml|default\.|\.py\b", re.I))
    at_both_widths(page, "policy", height=2400)
    page.context.close()

    page = new_page()
    sign_in(page, app_url, DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    # A supervisor's Home: their own training (the demo supervisor's is done), then the team's.
    expect(nothing_left(page)).to_be_visible()
    expect(main_area(page).get_by_role("heading", name="Your team's training")).to_be_visible()
    at_both_widths(page, "home-supervisor", height=1600)
    page.get_by_test_id("stSidebarNav").get_by_text("Training records", exact=True).click()
    expect(main_area(page).get_by_role("heading", name="Training records")).to_be_visible()
    wait_idle(page)
    agent_box = main_area(page).get_by_role("combobox", name="Agent")
    agent_box.click()
    # The list is long; typing narrows it. Filled, not typed key by key: keys typed before
    # the list opens were lost on a busy machine.
    agent_box.fill(AGENT_NAME)
    pick_option(page, AGENT_NAME)
    wait_idle(page)
    history = main_area(page).get_by_test_id("stDataFrame").nth(1)
    expect(history).to_be_visible()
    expect(main_area(page).get_by_text("Signed policy version 1 on")).to_be_visible()
    screenshot(page, "training-supervisor-records", height=1800)

    page.get_by_test_id("stSidebarNav").get_by_text("Verify a certificate", exact=True).click()
    main_area(page).get_by_label("Verification code").fill(code.lower())
    click(page, "Verify")
    expect(main_area(page).get_by_text(f"Genuine: {code}")).to_be_visible()
    expect(main_area(page).get_by_text(AGENT_NAME).first).to_be_visible()
    screenshot(page, "training-verify-certificate")
    page.context.close()


def test_complaints_are_not_passed_losing_the_customers_and_then_home_has_nothing_left(
    page: Page, app_url: str
) -> None:
    """After the test above: the policy module is passed and the policy signed."""
    complaints = next(
        found.module
        for found in load_modules(load_policy().policy)
        if found.module.id == "handling-complaints"
    )
    sign_in(page, app_url, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    [left] = items_left(page)
    assert left.startswith("Handling complaints: due "), left
    open_my_training(page)
    # Streamlit marks each keyed widget with the class st-key-<key>.
    main_area(page).locator(".st-key-start-handling-complaints button").click()
    expect(main_area(page).get_by_test_id("stProgress")).to_be_visible()

    # Every question right, but two of the three customers lost along their best such path.
    lost = {"late-fridge-delivery": "lost", "double-charge": "lost"}
    play(page, complaints, right=True, shots="complaints", outcomes=lost)
    score = main_area(page).get_by_test_id("stMetric").filter(has_text="Your score")
    assert int(re.findall(r"(\d+)%", score.inner_text())[0]) >= 80
    expect(
        main_area(page).get_by_text(
            "a score of 80% or more, and at least 2 of the 3 role-play customers kept."
        )
    ).to_be_visible()
    expect(
        main_area(page).get_by_text(
            "You kept 1 of the 3 role-play customers; at least 2 must stay with us."
        )
    ).to_be_visible()
    expect(main_area(page).get_by_text("Download certificate (PDF)")).to_have_count(0)
    # A missed role-play states the right answer: its best conversation, and why.
    fridge = complaints.steps_by_id["late-fridge-delivery"]
    assert isinstance(fridge, RolePlay)
    missed = main_area(page).get_by_test_id("stExpander").filter(has_text=fridge.title)
    missed.get_by_text(fridge.title).click()
    expect(missed.get_by_text("The right answer")).to_be_visible()
    expect(missed.get_by_text("Outcome: customer kept").first).to_be_visible()
    expect(missed.get_by_text(fridge.explanation)).to_be_visible()
    at_both_widths(page, "training-complaints-not-passed", height=2000)

    click(page, "Retake the module")
    expect(main_area(page).get_by_text("Attempt 2")).to_be_visible()
    play(page, complaints, right=True)
    expect(main_area(page).get_by_text("Every answer was right.")).to_be_visible()
    at_both_widths(page, "training-complaints-passed", height=1600)

    # Both modules passed and the policy signed: Home says nothing is left.
    page.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).click()
    expect(nothing_left(page)).to_be_visible()
    expect(main_area(page).get_by_text("Take your training")).to_have_count(0)
    at_both_widths(page, "home-agent-nothing-left")


def test_an_owners_home_says_their_own_training_and_the_organisations(
    page: Page, app_url: str
) -> None:
    sign_in(page, app_url, DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome,")).to_be_visible()
    expect(nothing_left(page)).to_be_visible()  # the demo owner has passed their own
    expect(
        main_area(page).get_by_role("heading", name="The organisation's training")
    ).to_be_visible()
    expect(
        main_area(page).get_by_text(
            re.compile(r"overdue with their training in|Nobody in .* is overdue")
        )
    ).to_be_visible()
    at_both_widths(page, "home-owner", height=1800)
