"""The policy's figures (`modules/policy_figures.py`) say exactly what the policy model says: for
the shipped policy and for one whose every figure was changed, each field of the figures equals
the model's attribute of the same name, and the JSON the store keeps reads back the same."""

from __future__ import annotations

import dataclasses

import pytest

from modules.defaults import CHANNELS, DEFAULT_POLICY_PATH
from modules.policy import Policy, load_policy, parse_policy
from modules.policy_figures import PolicyFigures

SHIPPED = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def changed_text() -> str:
    """The shipped policy with every figure the figures hold set to another value."""
    text = SHIPPED
    for old, new in [
        ("version: 1", "version: 7"),
        ("answer_within_s: 30", "answer_within_s: 25"),
        ("answer_within_s: 60", "answer_within_s: 90"),
        ("answer_within_s: 14400", "answer_within_s: 3600"),
        ("answer_within_s: 7200", "answer_within_s: 1800"),
        ("service_level_target: 0.80", "service_level_target: 0.9"),
        ("resolution_target: 0.75", "resolution_target: 0.7"),
        ("csat_target: 0.85", "csat_target: 0.8"),
        ("min_contacts: 30", "min_contacts: 12\n  min_agents_for_comparison: 4"),
        ("timezone: Europe/Zagreb", "timezone: America/New_York"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def assert_same_as_model(figures: object, model: object, where: str) -> int:
    """Every field of `figures` (recursively) equals `model`'s attribute of that name; returns
    how many values were compared."""
    compared = 0
    for field in dataclasses.fields(figures):  # type: ignore[arg-type]
        ours, theirs = getattr(figures, field.name), getattr(model, field.name)
        if dataclasses.is_dataclass(ours):
            compared += assert_same_as_model(ours, theirs, f"{where}.{field.name}")
        else:
            assert ours == theirs, f"{where}.{field.name}: {ours!r} != {theirs!r}"
            compared += 1
    return compared


@pytest.fixture(params=["shipped", "changed"])
def policy(request: pytest.FixtureRequest) -> Policy:
    if request.param == "shipped":
        return load_policy().policy
    return parse_policy(changed_text(), "changed.yaml").policy


def test_the_figures_are_the_models_own(policy: Policy) -> None:
    figures = PolicyFigures.of(policy)
    # version, 4 channels, 3 targets, 2 minimums, the time zone
    assert assert_same_as_model(figures, policy, "policy") == 11
    assert figures.standards.answer_within_s == policy.standards.answer_within_s
    for channel in CHANNELS:
        assert (
            figures.standards.channel(channel).answer_within_s
            == policy.standards.channel(channel).answer_within_s
        )


def test_the_kept_json_reads_back_the_same(policy: Policy) -> None:
    figures = PolicyFigures.of(policy)
    assert PolicyFigures.from_json(figures.to_json()) == figures


def test_the_changed_policy_changes_every_figure() -> None:
    """The second case is not the first in disguise."""
    shipped = PolicyFigures.of(load_policy().policy)
    changed = PolicyFigures.of(parse_policy(changed_text(), "changed.yaml").policy)
    assert changed.version != shipped.version
    assert changed.business_hours != shipped.business_hours
    for field in dataclasses.fields(shipped.standards):
        name = field.name
        assert getattr(changed.standards, name) != getattr(shipped.standards, name), name
