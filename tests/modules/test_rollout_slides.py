"""The rollout session's slides, generated from hand-made versions of the shipped policy: a
phone standard cut from 30 s to 20 s and a gift card added as compensation between version 1
and version 2; and the check questions offered on each slide's topic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from modules.content import SingleChoice, load_modules
from modules.policy import CompensationLimits, CompensationOption, Policy, load_policy
from modules.rollout_slides import (
    NextStep,
    Slide,
    TrainingQuestion,
    questions_on,
    rollout_slides,
    step_quotes,
    training_questions,
)


@pytest.fixture
def first() -> Policy:
    return load_policy().policy


@pytest.fixture
def second(first: Policy) -> Policy:
    phone = first.standards.phone.model_copy(update={"answer_within_s": 20})
    gift = CompensationOption(
        id="gift_card",
        name="Gift card",
        description="A card for any of our shops.",
        limits=CompensationLimits(agent=10, supervisor=None),
    )
    return first.model_copy(
        update={
            "version": 2,
            "standards": first.standards.model_copy(update={"phone": phone}),
            "compensation": first.compensation.model_copy(
                update={"options": [*first.compensation.options, gift]}
            ),
        }
    )


def by_key(slides: list[Slide]) -> dict[str, Slide]:
    return {slide.key: slide for slide in slides}


def test_the_slides_in_order_each_with_presenter_notes(first: Policy, second: Policy) -> None:
    slides = rollout_slides(second, first, [])
    assert [slide.key for slide in slides] == [
        "vision",
        "changes",
        "standards",
        "complaints",
        "compensation",
        "next-steps",
    ]
    assert all(slide.title and slide.points and slide.notes for slide in slides)
    vision = slides[0]
    assert vision.points[0] == second.vision
    assert "version 2" in vision.notes[0]


def test_what_changed_is_the_difference_from_the_previous_version(
    first: Policy, second: Policy
) -> None:
    changes = by_key(rollout_slides(second, first, []))["changes"]
    assert changes.title == "What changed since version 1"
    assert changes.points == ("phone: 30 s → 20 s", "Compensation: new option Gift card")
    # A question quoting the phone standard is on this slide's topic.
    assert changes.topics == ("standards.phone",)


def test_the_first_version_says_so(first: Policy) -> None:
    changes = by_key(rollout_slides(first, None, []))["changes"]
    assert changes.title == "The first version of our policy"
    assert changes.points[0].startswith("Version 1 is the first version")


def test_standards_steps_limits_and_escalation_come_from_the_policy(second: Policy) -> None:
    slides = by_key(rollout_slides(second, None, []))
    assert slides["standards"].points[:4] == (
        "Phone: answered within 20 seconds",
        "Live chat: answered within 60 seconds",
        "E-mail: answered within 4 hours",
        "Social media: answered within 2 hours",
    )
    assert slides["standards"].points[4] == "Complaints followed up within 3 days"
    assert slides["standards"].points[5] == (
        "Targets: service level 80%, resolution 75%, customer satisfaction 85%"
    )
    complaints = slides["complaints"]
    assert complaints.title == "Handling a complaint: the 7 steps"
    assert complaints.points[0] == "1. Understand the problem and repeat it back"
    assert complaints.points[-1] == "7. Follow up"
    compensation = slides["compensation"].points
    assert compensation[0] == "Account credit: an agent up to 25 EUR, a supervisor up to 100 EUR"
    assert "Gift card: an agent up to 10 EUR, a supervisor without a limit" in compensation
    assert compensation[-3:] == (
        "Level 1: The agent who took the contact",
        "Level 2: Team supervisor",
        "Level 3: Head of customer service",
    )


def test_what_to_do_next_lists_the_assignments_with_their_due_dates(second: Policy) -> None:
    steps = [
        NextStep("Sign policy version 2", date(2026, 12, 15), 12),
        NextStep("Pass the module Our customer-service policy", date(2026, 12, 15), 12),
    ]
    slide = by_key(rollout_slides(second, None, steps))["next-steps"]
    assert slide.points == (
        "Sign policy version 2: due 15 December 2026",
        "Pass the module Our customer-service policy: due 15 December 2026",
    )
    assert "Sign policy version 2: 12 in this session's scope" in slide.notes
    empty = by_key(rollout_slides(second, None, []))["next-steps"]
    assert empty.points == ("Nothing is assigned for this version yet.",)


def question(step_id: str, quoted: set[str]) -> TrainingQuestion:
    return TrainingQuestion(
        module_id="m",
        module_title="M",
        question=SingleChoice.model_validate(
            {
                "kind": "single_choice",
                "id": step_id,
                "prompt": "?",
                "options": [
                    {"text": "a", "correct": True, "feedback": "."},
                    {"text": "b", "feedback": "."},
                ],
                "explanation": ".",
            }
        ),
        quoted=frozenset(quoted),
    )


def test_the_questions_offered_on_a_slide_quote_what_it_presents(
    first: Policy, second: Policy
) -> None:
    phone = question("phone", {"standards.phone.answer_within"})
    chat = question("chat", {"standards.chat.answer_within"})
    value = question("value", {"values[2]"})
    limit = question("limit", {"compensation.options[0].limits.agent"})
    nothing = question("nothing", set())
    pool = [phone, chat, value, limit, nothing]
    slides = by_key(rollout_slides(second, first, []))
    assert questions_on(slides["changes"], pool) == [phone]  # only the phone standard changed
    assert questions_on(slides["standards"], pool) == [phone, chat]
    assert questions_on(slides["vision"], pool) == [value]
    assert questions_on(slides["compensation"], pool) == [limit]
    assert questions_on(slides["next-steps"], pool) == []


def test_the_shipped_modules_offer_questions_on_every_topic_slide(first: Policy) -> None:
    questions = []
    for loaded in load_modules(first):
        quotes = step_quotes(Path(loaded.path))
        questions += training_questions(
            loaded.module.id, loaded.module.title, loaded.module.steps, quotes
        )
    # Pools included, and only single and multiple choice.
    assert {q.question.kind for q in questions} == {"single_choice", "multiple_choice"}
    ids = {q.question.id for q in questions}
    assert {"phone-answer-time", "own-credit-limit", "repeat-back", "chat-procedure"} <= ids
    slides = by_key(rollout_slides(first, None, []))
    standards = {q.question.id for q in questions_on(slides["standards"], questions)}
    assert "phone-answer-time" in standards and "own-credit-limit" not in standards
    compensation = {q.question.id for q in questions_on(slides["compensation"], questions)}
    assert {"own-credit-limit", "supervisor-coupon-limit"} <= compensation
    complaints = {q.question.id for q in questions_on(slides["complaints"], questions)}
    assert "repeat-back" in complaints
    vision = {q.question.id for q in questions_on(slides["vision"], questions)}
    assert "honest-about-limits" in vision
