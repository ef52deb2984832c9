"""The two modules Service Academy ships: they load against the default policy, ask enough
graded questions, hold together as a browser test needs them to, and quote the policy rather
than repeat it, so a changed standard changes the training with it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from metrics.demo.people import DEMO_AGENT_NAME, NAME_POOLS, OWNER_NAME, SUPERVISOR_NAME
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
from modules.engine import AttemptPlan, build_plan, is_graded
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
    kinds = {step.kind for step in module.steps} | {step.kind for step in questions(module)}
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


RETAKES = 100  # simulated retakes, each after the one before, as a person retakes a module


def graded_ids(module: TrainingModule, plan: AttemptPlan) -> list[str]:
    return [step_id for step_id in plan.step_ids if is_graded(module, step_id)]


@pytest.mark.parametrize("module_id", [POLICY_MODULE, COMPLAINTS_MODULE])
def test_a_retake_asks_at_least_half_its_questions_new_and_the_rest_in_a_new_order(
    modules: dict[str, TrainingModule], module_id: str
) -> None:
    module = modules[module_id]
    rng = random.Random(11)
    plan = build_plan(module, rng)
    overlaps = []
    for _ in range(RETAKES):
        retake = build_plan(module, rng, previous=plan)
        asked_before = set(graded_ids(module, plan))
        asked = graded_ids(module, retake)
        again = [step_id for step_id in asked if step_id in asked_before]
        overlaps.append(len(again) / len(asked))
        before = {planned.step_id: planned for planned in plan.steps}
        for planned in retake.steps:
            if planned.step_id in again:
                old = before[planned.step_id]
                assert planned.shuffle is None or planned.shuffle != old.shuffle
                for node, order in (planned.reply_orders or {}).items():
                    assert order != (old.reply_orders or {})[node], (planned.step_id, node)
        plan = retake
    # Only the role-plays come back (each a conversation to practise again, its replies
    # reordered); every question is new. bench/retake_overlap.py prints these figures.
    repeated = len(module.role_plays) / module.graded_per_attempt
    assert max(overlaps) == min(overlaps) == pytest.approx(repeated)
    assert max(overlaps) <= 1 - module.retake_new_share
    assert module.retake_new_share >= 0.5


def test_every_question_sits_in_a_pool_large_enough_to_renew_its_draw(
    modules: dict[str, TrainingModule],
) -> None:
    for module in modules.values():
        for step in module.steps:
            assert not isinstance(step, SingleChoice | MultipleChoice | TrueFalse), step.id
            assert not isinstance(step, Ordering | Matching), step.id
            if isinstance(step, QuestionPool):
                assert len(step.questions) >= 2 * step.draw, step.id


def test_the_complaint_steps_are_ordered_exactly_as_the_policy_lists_them(
    modules: dict[str, TrainingModule],
) -> None:
    policy = load_policy(DEFAULT_POLICY_PATH).policy
    orderings = [
        step for step in questions(modules[COMPLAINTS_MODULE]) if isinstance(step, Ordering)
    ]
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


def test_handling_complaints_is_passed_only_by_keeping_most_of_its_customers(
    modules: dict[str, TrainingModule],
) -> None:
    module = modules[COMPLAINTS_MODULE]
    assert len(module.role_plays) == 3
    assert module.customers_kept_to_pass == 2
    assert modules[POLICY_MODULE].customers_kept_to_pass == 0  # it has no role-plays


def name_parts(name: str) -> set[str]:
    return {part.casefold() for part in name.split()}


def test_role_play_customers_have_names_no_member_of_staff_has(
    modules: dict[str, TrainingModule],
) -> None:
    """The demo draws its staff from these pools, and its sign-in accounts have fixed names: no
    customer may share a first name or a surname with any of them, so nobody plays a customer
    who has their own name."""
    staff_parts = name_parts(" ".join((OWNER_NAME, SUPERVISOR_NAME, DEMO_AGENT_NAME)))
    for pool in NAME_POOLS.values():
        for names in (pool.women, pool.men, pool.women_surnames, pool.men_surnames):
            staff_parts |= name_parts(" ".join(names))
    customers = [play.customer_name for m in modules.values() for play in m.role_plays]
    assert len(set(customers)) == len(customers) == 3
    for module in modules.values():
        text = all_text(module)
        assert DEMO_AGENT_NAME not in text and SUPERVISOR_NAME not in text, module.id
        for play in module.role_plays:
            assert not name_parts(play.customer_name) & staff_parts, play.customer_name
            assert play.customer_name in play.scenario, play.id


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
