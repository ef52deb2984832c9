"""The difference between two policy versions, on the shipped policy with hand-made changes
whose expected reading is written out here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from modules.policy import DEFAULT_POLICY_PATH, Policy
from modules.policy_diff import (
    POLICY_SECTIONS,
    ItemChange,
    StandardChange,
    ValueChange,
    Words,
    change_lines,
    changed_standards,
    policy_difference,
    short_duration,
    word_difference,
)


def shipped() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


def version(change: Callable[[dict[str, Any]], object] = lambda data: None) -> Policy:
    """The shipped policy with `change` applied to its data, as the next version."""
    data = shipped()
    data["version"] = 2
    change(data)
    return Policy.model_validate(data)


BEFORE = Policy.model_validate(shipped())


def test_the_same_policy_with_a_new_version_number_has_no_difference() -> None:
    assert policy_difference(BEFORE, version()) == []
    assert change_lines(BEFORE, version()) == []


def test_a_changed_answer_time_reads_phone_30_s_to_20_s() -> None:
    after = version(lambda d: d["standards"]["phone"].update(answer_within_s=20))

    [standards] = policy_difference(BEFORE, after)
    assert standards.key == "standards"
    assert standards.title == "Standards"
    assert standards.standards == (StandardChange("standards.phone", "phone", "30 s", "20 s"),)
    assert standards.values == standards.items == standards.texts == ()
    assert changed_standards(BEFORE, after)[0].line == "phone: 30 s → 20 s"
    assert change_lines(BEFORE, after) == ["phone: 30 s → 20 s"]


def test_every_kind_of_standard_is_said_with_its_unit() -> None:
    def change(d: dict[str, Any]) -> None:
        d["standards"]["email"]["answer_within_s"] = 7200  # 4 h -> 2 h
        d["standards"]["complaint_follow_up_days"] = 1  # 3 days -> 1 day
        d["standards"]["csat_target"] = 0.875  # 85% -> 87.5%
        d["training"]["pass_mark"] = 0.9  # 80% -> 90%
        d["compensation"]["options"][0]["limits"]["agent"] = 30  # 25 EUR -> 30 EUR

    after = version(change)
    assert [c.line for c in changed_standards(BEFORE, after)] == [
        "email: 4 h → 2 h",
        "complaint follow-up: 3 days → 1 day",
        "CSAT target: 85% → 87.5%",
        "Account credit, agent limit: 25 EUR → 30 EUR",
        "pass mark: 80% → 90%",
    ]
    # The key is where a module's placeholder starts: {standards.email.answer_within}.
    assert [c.key for c in changed_standards(BEFORE, after)] == [
        "standards.email",
        "standards.complaint_follow_up_days",
        "standards.csat_target",
        "compensation.options[0].limits.agent",
        "training.pass_mark",
    ]


def test_short_durations() -> None:
    assert [short_duration(s) for s in (20, 90, 120, 5400, 3600, 14400, 86400)] == [
        "20 s",
        "90 s",
        "2 min",
        "90 min",
        "1 h",
        "4 h",
        "24 h",
    ]


def test_a_reworded_sentence_is_shown_word_by_word() -> None:
    before_text = BEFORE.standards.phone.procedure[0]
    assert before_text == "Answer with the company name, your first name and an offer to help."
    after_text = "Answer with the company name, your full name and a warm offer to help."
    after = version(lambda d: d["standards"]["phone"]["procedure"].__setitem__(0, after_text))

    [standards] = policy_difference(BEFORE, after)
    assert standards.standards == ()  # the answer time did not change
    [text] = standards.texts
    assert text.key == "standards.phone.procedure[0]"
    assert text.label == "phone, procedure, point 1"
    assert text.words == (
        Words("kept", "Answer with the company name, your"),
        Words("removed", "first"),
        Words("inserted", "full"),
        Words("kept", "name and"),
        Words("removed", "an"),
        Words("inserted", "a warm"),
        Words("kept", "offer to help."),
    )
    assert text.before == before_text
    assert text.after == after_text
    assert text.marked == (
        "Answer with the company name, your [-first-] {+full+} name and [-an-] {+a warm+} "
        "offer to help."
    )
    assert change_lines(BEFORE, after) == ["Standards: phone, procedure, point 1 reworded"]


def test_rewrapping_a_paragraph_is_no_change() -> None:
    assert word_difference("one two\nthree", "one  two three") == (Words("kept", "one two three"),)


def test_an_added_compensation_option_is_named() -> None:
    gift_card = {
        "id": "gift_card",
        "name": "Gift card",
        "description": "A gift card for any of our shops.",
        "limits": {"agent": 10, "supervisor": 50, "owner": None},
    }
    after = version(lambda d: d["compensation"]["options"].append(gift_card))

    [compensation] = policy_difference(BEFORE, after)
    assert compensation.key == "compensation"
    assert compensation.items == (
        ItemChange("compensation.options[4]", "option", "added", "Gift card"),
    )
    # A new option's limits are part of the new option, not changed standards.
    assert compensation.standards == ()
    assert change_lines(BEFORE, after) == ["Compensation: new option Gift card"]


def test_a_removed_option_and_a_moved_one_are_told_apart() -> None:
    def change(d: dict[str, Any]) -> None:
        options = d["compensation"]["options"]
        coupon = options.pop(1)  # "Discount coupon" goes
        assert coupon["id"] == "free_coupon"
        options.insert(0, options.pop())  # the replacement option moves to the top, unchanged

    after = version(change)
    [compensation] = policy_difference(BEFORE, after)
    assert compensation.items == (
        ItemChange("compensation.options[1]", "option", "removed", "Discount coupon"),
    )
    assert compensation.lines == ["removed option Discount coupon"]


def test_sentences_added_and_removed_in_a_list_of_rules() -> None:
    def change(d: dict[str, Any]) -> None:
        rules = d["privacy"]["rules"]
        del rules[3]
        rules.insert(0, "Lock your screen when you leave your desk.")

    after = version(change)
    [privacy] = policy_difference(BEFORE, after)
    assert privacy.items == (
        ItemChange(
            "privacy.rules[0]", "rule", "added", "Lock your screen when you leave your desk."
        ),
        ItemChange("privacy.rules[3]", "rule", "removed", BEFORE.privacy.rules[3]),
    )
    assert privacy.texts == ()


def test_other_values_and_several_sections_in_the_order_of_the_policy() -> None:
    def change(d: dict[str, Any]) -> None:
        d["review"]["every_months"] = 6
        d["business_hours"]["opens"] = "08:00"
        d["business_hours"]["days"] = ["mon", "tue", "wed", "thu", "fri", "sat"]
        d["standards"]["chat"]["answer_within_s"] = 45

    after = version(change)
    sections = policy_difference(BEFORE, after)
    assert [s.key for s in sections] == ["standards", "business_hours", "review"]
    assert sections[1].values == (
        ValueChange(
            "business_hours.days", "days", "mon, tue, wed, thu, fri", "mon, tue, wed, thu, fri, sat"
        ),
        ValueChange("business_hours.opens", "opens", "07:30", "08:00"),
    )
    assert change_lines(BEFORE, after) == [
        "chat: 60 s → 45 s",
        "policy review every: 12 months → 6 months",
        "Business hours: days: mon, tue, wed, thu, fri → mon, tue, wed, thu, fri, sat",
        "Business hours: opens: 07:30 → 08:00",
    ]


def test_every_top_level_key_but_the_version_number_is_in_one_section() -> None:
    placed = [field for section in POLICY_SECTIONS for field in section.fields]
    assert sorted(placed) == sorted(set(Policy.model_fields) - {"version"})
    assert len({section.key for section in POLICY_SECTIONS}) == len(POLICY_SECTIONS)
