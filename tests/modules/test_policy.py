from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from modules.content_errors import ContentError
from modules.policy import DEFAULT_POLICY_PATH, duration_text, load_policy


def write_policy(tmp_path: Path, change) -> Path:
    """The default policy with one change applied, written where the test can break it."""
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def issues_of(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(ContentError) as caught:
        load_policy(path)
    return [(issue.key_path, issue.message) for issue in caught.value.issues]


def test_the_shipped_policy_is_valid_and_says_what_the_guidance_asks() -> None:
    policy = load_policy(DEFAULT_POLICY_PATH).policy
    assert policy.standards.answer_within_s == {
        "phone": 30,
        "chat": 60,
        "email": 14400,
        "social": 7200,
    }
    assert [step.id for step in policy.complaint_handling.steps] == [
        "understand",
        "find_cause",
        "ask_solution",
        "resolve",
        "apologise",
        "compensate",
        "follow_up",
    ]
    assert policy.business_hours.opens.strftime("%H:%M") == "07:30"
    assert policy.business_hours.closes.strftime("%H:%M") == "17:00"
    assert [level.role for level in policy.escalation] == ["agent", "supervisor", "owner"]
    assert any("company policy" in phrase for phrase in policy.complaint_handling.never_say)
    assert 0 < policy.training.pass_mark <= 1


def test_a_broken_standard_is_reported_with_file_line_key_and_message(tmp_path: Path) -> None:
    path = write_policy(tmp_path, lambda d: d["standards"]["phone"].update(answer_within_s=-5))
    with pytest.raises(ContentError) as caught:
        load_policy(path)
    [issue] = caught.value.issues
    assert issue.file == str(path)
    assert issue.key_path == "standards.phone.answer_within_s"
    assert issue.message == "Input should be greater than 0"
    line = path.read_text().splitlines()[issue.line - 1]
    assert line.strip() == "answer_within_s: -5"
    assert str(issue) == (
        f"{path}:{issue.line}: standards.phone.answer_within_s: Input should be greater than 0"
    )


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    def break_three_things(d: dict) -> None:
        d["standards"]["csat_target"] = 1.5
        d["standards"]["chat"]["answer_within"] = d["standards"]["chat"].pop("answer_within_s")
        del d["vision"]

    assert sorted(issues_of(write_policy(tmp_path, break_three_things))) == [
        (
            "standards.chat.answer_within",
            "unknown key (check the spelling; extra keys are not allowed)",
        ),
        ("standards.chat.answer_within_s", "Field required"),
        ("standards.csat_target", "Input should be less than or equal to 1"),
        ("vision", "Field required"),
    ]


def test_an_unquoted_clock_time_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace('opens: "07:30"', "opens: 7:30")
    path.write_text(text, encoding="utf-8")
    assert issues_of(path) == [
        ("business_hours.opens", "write the time as 'HH:MM' in quotes, e.g. '07:30'")
    ]


def test_cross_field_rules(tmp_path: Path) -> None:
    def break_rules(d: dict) -> None:
        d["compensation"]["options"][0]["limits"] = {"agent": 50, "supervisor": 20, "owner": None}
        d["escalation"][2]["level"] = 4
        d["business_hours"]["timezone"] = "Mars/Olympus"
        d["complaint_handling"]["steps"][1]["id"] = "understand"

    assert sorted(issues_of(write_policy(tmp_path, break_rules))) == [
        (
            "business_hours.timezone",
            "unknown time zone 'Mars/Olympus' (use a name like 'Europe/Zagreb')",
        ),
        ("compensation.options[0].limits", "supervisor's limit (20) is below agent's (50)"),
        ("complaint_handling.steps", "step ids must be unique; repeated: understand"),
        ("escalation", "levels must be 1, 2, 3, ... in order; found [1, 2, 4]"),
    ]


def test_business_hours_must_open_before_they_close(tmp_path: Path) -> None:
    path = write_policy(tmp_path, lambda d: d["business_hours"].update(closes="07:00"))
    assert issues_of(path) == [("business_hours", "opens must be before closes")]


def test_yaml_that_does_not_parse_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_policy(path)
    [issue] = caught.value.issues
    assert issue.key_path == "" and issue.message.startswith("not valid YAML")
    assert issue.line == 3


def test_a_missing_policy_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    assert issues_of(tmp_path / "nowhere.yaml") == [("", "file not found")]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (30, "30 seconds"),
        (90, "90 seconds"),
        (120, "2 minutes"),
        (5400, "90 minutes"),
        (3600, "1 hour"),
        (14400, "4 hours"),
        (172800, "2 days"),
    ],
)
def test_standards_read_as_people_say_them(seconds: int, text: str) -> None:
    assert duration_text(seconds) == text


def test_the_team_comparison_threshold_is_five_judged_agents_unless_the_policy_says(
    tmp_path: Path,
) -> None:
    assert load_policy(DEFAULT_POLICY_PATH).policy.standards.min_agents_for_comparison == 5
    seven = write_policy(tmp_path, lambda d: d["standards"].update(min_agents_for_comparison=7))
    assert load_policy(seven).policy.standards.min_agents_for_comparison == 7
    # Below three, the median is one's own number or gives the other agent's exactly.
    two = write_policy(tmp_path, lambda d: d["standards"].update(min_agents_for_comparison=2))
    assert issues_of(two) == [
        ("standards.min_agents_for_comparison", "Input should be greater than or equal to 3")
    ]


# The shipped policy's text for each version: staff acknowledge a version, and every new store
# starts from this file as its version 1, so version 1 must read the same in every store.
SHIPPED_POLICY_SHA256 = {1: "37f8e48a87d21a3fb7fb3ab524c5d2cbfb1ab7f3353929976ddf7f147a1d27f6"}


def test_the_shipped_policy_text_changes_only_with_its_version() -> None:
    loaded = load_policy(DEFAULT_POLICY_PATH)
    assert SHIPPED_POLICY_SHA256.get(loaded.policy.version) == loaded.checksum, (
        "default.yaml changed without raising `version`: stores would differ on what version 1 says"
    )
