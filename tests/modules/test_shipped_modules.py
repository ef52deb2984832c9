"""The two modules Service Academy ships: they load against the default policy, ask enough
graded questions, hold together as a browser test needs them to, and quote the policy rather
than repeat it, so a changed standard changes the training with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from modules.content import (
    DEFAULT_MODULES_DIR,
    Matching,
    MultipleChoice,
    Ordering,
    QuestionPool,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
    load_modules,
)
from modules.policy import DEFAULT_POLICY_PATH, Policy, load_policy

POLICY_MODULE = "customer-service-policy"
COMPLAINTS_MODULE = "handling-complaints"
# The end-to-end test plays a module through a browser; one attempt stays within this many screens.
MAX_SCREENS = 28


def shipped(policy: Policy | None = None) -> dict[str, TrainingModule]:
    policy = policy or load_policy(DEFAULT_POLICY_PATH).policy
    return {loaded.module.id: loaded.module for loaded in load_modules(policy, DEFAULT_MODULES_DIR)}


@pytest.fixture(scope="module")
def modules() -> dict[str, TrainingModule]:
    return shipped()


def questions(
    module: TrainingModule,
) -> list[SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching]:
    found = []
    for step in module.steps:
        if isinstance(step, QuestionPool):
            found.extend(step.questions)
        elif isinstance(step, SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching):
            found.append(step)
    return found


def question_text(step: object) -> str:
    """What the browser test finds a question by on screen."""
    if isinstance(step, TrueFalse):
        return step.statement
    if isinstance(step, RolePlay):
        return step.title
    return step.prompt  # type: ignore[attr-defined]


def screens_per_attempt(module: TrainingModule) -> int:
    return sum(step.draw if isinstance(step, QuestionPool) else 1 for step in module.steps)


def best_path(play: RolePlay) -> list[str]:
    """The decision nodes passed on the path that earns the most points."""
    path = []
    node = play.start
    while not play.nodes[node].is_ending:
        path.append(node)
        best = max(
            play.nodes[node].choices,
            key=lambda choice: choice.points + play.best_points(choice.next),
        )
        node = best.next
    return path


def reachable(play: RolePlay) -> set[str]:
    seen: set[str] = set()
    todo = [play.start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(choice.next for choice in play.nodes[name].choices)
    return seen


def all_text(module: TrainingModule) -> str:
    """Every string of the module as rendered for staff, in one piece."""
    return yaml.safe_dump(module.model_dump(mode="json"), allow_unicode=True, width=10_000)


def test_both_shipped_modules_load_against_the_default_policy(
    modules: dict[str, TrainingModule],
) -> None:
    assert set(modules) == {POLICY_MODULE, COMPLAINTS_MODULE}
    assert modules[POLICY_MODULE].title == "Our customer-service policy"
    assert modules[COMPLAINTS_MODULE].title == "Handling complaints"
    for module in modules.values():
        assert module.version >= 1
        assert module.mandatory


def test_only_the_policy_module_asks_staff_to_sign_the_policy(
    modules: dict[str, TrainingModule],
) -> None:
    assert modules[POLICY_MODULE].acknowledges_policy
    assert not modules[COMPLAINTS_MODULE].acknowledges_policy


@pytest.mark.parametrize("module_id", [POLICY_MODULE, COMPLAINTS_MODULE])
def test_each_attempt_asks_enough_and_fits_a_browser_run(
    modules: dict[str, TrainingModule], module_id: str
) -> None:
    module = modules[module_id]
    assert module.graded_per_attempt >= 15
    assert screens_per_attempt(module) <= MAX_SCREENS
    kinds = {step.kind for step in module.steps}
    assert {"lesson", "reflection", "single_choice", "multiple_choice", "true_false"} <= kinds
    assert {"ordering", "matching"} <= kinds


@pytest.mark.parametrize("module_id", [POLICY_MODULE, COMPLAINTS_MODULE])
def test_questions_can_be_told_apart_on_screen(
    modules: dict[str, TrainingModule], module_id: str
) -> None:
    module = modules[module_id]
    texts = [question_text(step) for step in [*questions(module), *module.role_plays]]
    assert len(texts) == len(set(texts)), "every prompt, statement and role-play title is unique"
    for text in texts:
        assert "\n" not in text.strip() and len(text) < 160, text
    for step in questions(module):
        if isinstance(step, SingleChoice | MultipleChoice):
            options = [option.text for option in step.options]
            assert len(options) == len(set(options)), step.id
        if isinstance(step, Matching):
            assert 3 <= len(step.pairs) <= 5, step.id
        if isinstance(step, Ordering):
            assert 3 <= len(step.items) <= 7, step.id


def test_the_policy_module_draws_a_different_standards_check_each_time(
    modules: dict[str, TrainingModule],
) -> None:
    [pool] = [step for step in modules[POLICY_MODULE].steps if isinstance(step, QuestionPool)]
    assert len(pool.questions) > pool.draw


def test_the_complaint_steps_are_ordered_exactly_as_the_policy_lists_them(
    modules: dict[str, TrainingModule],
) -> None:
    policy = load_policy(DEFAULT_POLICY_PATH).policy
    orderings = [step for step in modules[COMPLAINTS_MODULE].steps if isinstance(step, Ordering)]
    titles = [step.title for step in policy.complaint_handling.steps]
    assert any(step.items == titles for step in orderings)


def test_the_complaints_module_has_three_role_plays_worth_playing(
    modules: dict[str, TrainingModule],
) -> None:
    plays = modules[COMPLAINTS_MODULE].role_plays
    assert len(plays) >= 3
    for play in plays:
        path = best_path(play)
        assert len(path) >= 3, f"{play.id}: {path}"
        assert play.best_points() == 2 * len(path), (
            f"{play.id}: the best path is all 2-point replies"
        )
        endings = {name for name, node in play.nodes.items() if node.is_ending}
        assert len(endings) >= 3, play.id
        lost = {name for name in endings if play.nodes[name].outcome == "lost"}
        assert lost & reachable(play), f"{play.id}: no reachable ending loses the customer"
        points = {choice.points for node in play.nodes.values() for choice in node.choices}
        assert points == {0, 1, 2}, play.id


def write_policy(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_changed_phone_standard_changes_the_lessons_and_questions(tmp_path: Path) -> None:
    path = write_policy(tmp_path, lambda d: d["standards"]["phone"].update(answer_within_s=20))
    policy = load_policy(path).policy
    assert policy.standards.phone.answer_within == "20 seconds"
    module = shipped(policy)[POLICY_MODULE]

    lesson = module.step("answer-standards")
    assert "20 seconds" in lesson.body  # type: ignore[union-attr]
    assert "30 seconds" not in lesson.body  # type: ignore[union-attr]
    phone_question = module.step("phone-answer-time")
    assert isinstance(phone_question, SingleChoice)
    [right] = [option.text for option in phone_question.options if option.correct]
    assert right == "20 seconds"
    assert "30 seconds" not in all_text(module)
    assert "30 seconds" in all_text(shipped()[POLICY_MODULE])


def test_no_module_file_repeats_a_number_the_policy_owns() -> None:
    policy = load_policy(DEFAULT_POLICY_PATH).policy
    standards = policy.standards
    owned = [
        standards.channel(channel).answer_within for channel in ("phone", "chat", "email", "social")
    ]
    owned += [f"{standards.complaint_follow_up_days} days", f"{policy.returns.window_days} days"]
    owned += [f"{standards.service_level_target:.0%}", f"{policy.training.pass_mark:.0%}"]
    currency = policy.compensation.currency
    owned += [f"{option.limits.agent:g} {currency}" for option in policy.compensation.options]
    for file in sorted(DEFAULT_MODULES_DIR.glob("*/module.yaml")):
        text = file.read_text(encoding="utf-8")
        for value in owned:
            assert value not in text, f"{file}: write {value!r} as a placeholder"
