"""The module content model and loader, and `academy check-content` on broken modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.content import fill_placeholders, load_modules
from modules.content_errors import ContentError
from modules.policy import load_policy
from training_app.cli import main

# A small module using every step kind; each test breaks one thing in a copy of it.
VALID_MODULE = """\
id: tiny
version: 1
title: Tiny module
summary: Every kind of step, once.
estimated_minutes: 5
mandatory: true
# Every kind once, and a pool too small to renew half of a retake: this fixture may repeat.
retake_new_share: 0
steps:
  - kind: lesson
    id: phone
    title: The phone
    body: Answer within {standards.phone.answer_within}, {{not a placeholder}}.
  - kind: single_choice
    id: phone-time
    prompt: How fast do we answer the phone?
    options:
      - text: Within {standards.phone.answer_within}
        correct: true
        feedback: Yes.
      - text: Within a day
        feedback: Far too slow.
    explanation: The policy sets {standards.phone.answer_within_s} seconds.
  - kind: multiple_choice
    id: record
    prompt: What goes in a complaint record?
    options:
      - {text: The customer's name, correct: true, feedback: Yes.}
      - {text: The date and time, correct: true, feedback: Yes.}
      - {text: The agent's star sign, feedback: No.}
    explanation: The record lets anyone follow up.
  - kind: true_false
    id: policy-excuse
    statement: "'That's company policy' is a good answer to a complaint."
    answer: false
    feedback_true: It shuts the customer out.
    feedback_false: Right, explain what you can do instead.
    explanation: Never hide behind policy.
  - kind: ordering
    id: steps
    prompt: Put the steps in order.
    items: [Listen, Find the cause, Resolve]
    explanation: Understand before you fix.
  - kind: matching
    id: compensation
    prompt: Who may grant it?
    choices: [Agent, Supervisor]
    pairs:
      - {item: A small credit, answer: Agent}
      - {item: A full refund, answer: Supervisor}
    explanation: Limits grow with the role.
  - kind: role_play
    id: broken-kettle
    title: A broken kettle
    customer_name: Vesna Kralj
    scenario: Vesna Kralj calls about a kettle that stopped working.
    start: opening
    explanation: Listen first.
    nodes:
      opening:
        customer: My kettle broke after a week!
        choices:
          - reply: "I'm sorry, tell me what happened."
            feedback: You listened.
            points: 2
            next: offer
          - {reply: "Did you descale it?", feedback: Sounds like blame., points: 0, next: lost}
      offer:
        customer: It just stopped.
        choices:
          - {reply: I'll send a new one today., feedback: Resolved., points: 2, next: kept}
          - {reply: Send it back and we'll see., feedback: Slow., points: 1, next: kept}
      kept: {customer: Thank you!, outcome: kept}
      lost: {customer: I'm never buying here again., outcome: lost}
  - kind: reflection
    id: reflect
    prompt: What will you do differently?
  - kind: pool
    id: extra
    draw: 1
    questions:
      - kind: true_false
        id: pool-a
        statement: E-mails are answered within {standards.email.answer_within}.
        answer: true
        feedback_true: Yes.
        feedback_false: It is the standard.
        explanation: See the policy.
      - kind: true_false
        id: pool-b
        statement: Chats may wait a day.
        answer: false
        feedback_true: No.
        feedback_false: Right.
        explanation: See the policy.
"""


def write_module(root: Path, text: str) -> Path:
    folder = root / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "module.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def line_containing(file: Path, fragment: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


def check_content(capsys: pytest.CaptureFixture[str], modules: Path) -> tuple[int, str, str]:
    status = main(["check-content", "--modules", str(modules)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_valid_module_loads_with_the_policy_filled_in(tmp_path: Path) -> None:
    write_module(tmp_path, VALID_MODULE)
    [loaded] = load_modules(load_policy().policy, tmp_path)
    module = loaded.module
    assert module.step("phone").body == "Answer within 30 seconds, {not a placeholder}."  # type: ignore[union-attr]
    assert module.step("phone-time").options[0].text == "Within 30 seconds"  # type: ignore[union-attr]
    assert module.step("pool-a").statement == "E-mails are answered within 4 hours."  # type: ignore[union-attr]
    # lesson, reflection and the pool's undrawn question ask nothing: 6 steps + 1 drawn.
    assert module.graded_per_attempt == 7


def test_check_content_passes_on_the_shipped_modules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check_content(capsys, Path("modules/content").resolve())
    assert status == 0, err
    assert "module customer-service-policy version" in out
    assert "module handling-complaints version" in out


def test_a_wrong_answer_key_is_named_with_file_line_and_key_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = VALID_MODULE.replace(
        "      - text: Within a day\n", "      - text: Within a day\n        correct: true\n"
    )
    file = write_module(tmp_path, broken)
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    line = line_containing(file, "- text: Within {standards.phone")  # where the list starts
    assert (
        f"{file}:{line}: steps[1].options: answer key: a single-choice question needs exactly "
        "one option with `correct: true`; this one has 2"
    ) in err.splitlines()


def test_a_matching_answer_that_is_not_a_choice_is_a_wrong_answer_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write_module(tmp_path, VALID_MODULE.replace("answer: Supervisor}", "answer: Owner}"))
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert f"{file}:{line_containing(file, 'kind: matching')}: steps[5]: answer key:" in err
    assert "'Owner' for 'A full refund' is not one of `choices`" in err


def test_an_unknown_placeholder_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write_module(
        tmp_path, VALID_MODULE.replace("{standards.phone.answer_within},", "{standards.fax},")
    )
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert (
        f"{file}:{line_containing(file, 'standards.fax')}: steps[0].body: unknown placeholder "
        "{standards.fax}: the policy has no such value"
    ) in err.splitlines()


def test_a_role_play_reply_that_leads_nowhere_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write_module(
        tmp_path, VALID_MODULE.replace("points: 1, next: kept", "points: 1, next: refund")
    )
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert (
        f"{file}:{line_containing(file, 'next: refund')}: steps[6].nodes.offer.choices[1].next: "
        "this reply leads nowhere: there is no node 'refund'"
    ) in err.splitlines()


def test_a_duplicate_step_id_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = write_module(tmp_path, VALID_MODULE.replace("id: pool-b", "id: record"))
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    lines = file.read_text(encoding="utf-8").splitlines()
    second_use = [n for n, line in enumerate(lines, start=1) if "id: record" in line][-1]
    assert (
        f"{file}:{second_use}: steps[8].questions[1].id: the step id 'record' is already used "
        "at steps[2]; every step needs its own id (answers are stored by it)"
    ) in err


def test_a_role_play_that_loops_or_strands_a_node_is_refused(tmp_path: Path) -> None:
    looping = VALID_MODULE.replace("points: 1, next: kept", "points: 1, next: opening")
    write_module(tmp_path, looping)
    with pytest.raises(ContentError, match="loops back on itself"):
        load_modules(load_policy().policy, tmp_path)
    stranded = VALID_MODULE.replace("next: lost}", "next: kept}")
    write_module(tmp_path, stranded)
    with pytest.raises(ContentError, match=r"steps\[6\]\.nodes\.lost: no path from `start`"):
        load_modules(load_policy().policy, tmp_path)


def test_the_folder_name_is_the_module_id(tmp_path: Path) -> None:
    write_module(tmp_path, VALID_MODULE.replace("id: tiny", "id: small"))
    with pytest.raises(ContentError, match="must be the folder's name 'tiny'"):
        load_modules(load_policy().policy, tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{standards.csat_target:.0%}", "85%"),
        ("{escalation[0].level}", "1"),
        ("{standards.complaint_follow_up_days} days", "3 days"),
        ("{{literal}}", "{literal}"),
        ("{business_hours.opens}–{business_hours.closes}", "07:30–17:00"),
        ("{business_hours.days}", "mon, tue, wed, thu, fri"),
    ],
)
def test_placeholders_follow_paths_and_format_specs(text: str, expected: str) -> None:
    assert fill_placeholders(text, load_policy().policy) == (expected, [])


def test_options_that_read_the_same_once_filled_in_are_refused(tmp_path: Path) -> None:
    # The e-mail standard is 4 hours; an option spelling it out twice asks nothing.
    write_module(
        tmp_path,
        VALID_MODULE.replace(
            "      - text: Within a day\n", "      - text: Within {standards.phone.answer_within}\n"
        ),
    )
    with pytest.raises(ContentError, match=r"steps\[1\]\.options: two options read the same"):
        load_modules(load_policy().policy, tmp_path)


def test_a_placeholder_naming_a_whole_section_is_a_problem() -> None:
    _, problems = fill_placeholders("{standards}", load_policy().policy)
    assert problems == [
        "placeholder {standards} names a whole section of the policy, not one value"
    ]


def test_a_role_play_customer_has_a_name_of_their_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write_module(tmp_path, VALID_MODULE.replace("    customer_name: Vesna Kralj\n", ""))
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert f"{file}:{line_containing(file, 'kind: role_play')}: steps[6].customer_name: " in err


def test_a_reply_whose_feedback_repeats_the_verdict_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The app writes "Harmful (0 of 2)" from the points itself: the feedback says why.
    file = write_module(
        tmp_path, VALID_MODULE.replace("feedback: Sounds like blame.", "feedback: Harmful. Blame.")
    )
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert (
        f"{file}:{line_containing(file, 'Harmful. Blame.')}: "
        "steps[6].nodes.opening.choices[1].feedback: start with the reason, not the verdict: the "
        "app already writes 'Harmful (0 of 2)' from the reply's points"
    ) in err.splitlines()


def test_a_module_may_require_customers_kept_but_not_more_than_it_can_keep(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_module(
        tmp_path,
        VALID_MODULE.replace("mandatory: true\n", "mandatory: true\ncustomers_kept_to_pass: 1\n"),
    )
    [loaded] = load_modules(load_policy().policy, tmp_path)
    assert loaded.module.customers_kept_to_pass == 1
    file = write_module(
        tmp_path,
        VALID_MODULE.replace("mandatory: true\n", "mandatory: true\ncustomers_kept_to_pass: 2\n"),
    )
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert (
        f"{file}:{line_containing(file, 'customers_kept_to_pass')}: customers_kept_to_pass: 2 "
        "role-play customers must be kept to pass, but only 1 role-play can end with the "
        "customer kept"
    ) in err.splitlines()


def test_pools_too_small_to_renew_half_of_a_retake_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Without the fixture's exemption, the default rule: half of a retake is new.
    file = write_module(tmp_path, VALID_MODULE.replace("retake_new_share: 0\n", ""))
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    assert (
        f"{file}:{line_containing(file, 'kind: lesson')}: steps: a retake must ask at least 4 of "
        "its 7 graded items new (retake_new_share 50%), but its pools can renew only 1: add "
        "questions to a pool, which renews min(draw, questions - draw)"
    ) in err.splitlines()


def test_a_loaded_module_knows_the_policy_paths_it_quotes(tmp_path: Path) -> None:
    # VALID_MODULE fills {standards.phone.answer_within} (lesson and option),
    # {standards.phone.answer_within_s} (explanation) and {standards.email.answer_within} (in
    # the pool); `{{not a placeholder}}` quotes nothing.
    write_module(tmp_path, VALID_MODULE)
    [loaded] = load_modules(load_policy().policy, tmp_path)
    assert loaded.quoted == {
        "standards.phone.answer_within",
        "standards.phone.answer_within_s",
        "standards.email.answer_within",
    }
    assert loaded.quotes("standards.phone")
    assert loaded.quotes("standards.email.answer_within")
    assert not loaded.quotes("standards.chat")
    assert not loaded.quotes("standards.csat_target")
    assert not loaded.quotes("standards.phone.label")


def test_the_shipped_modules_quote_the_standards_their_text_names() -> None:
    by_id = {loaded.module.id: loaded for loaded in load_modules(load_policy().policy)}
    policy_module, complaints = by_id["customer-service-policy"], by_id["handling-complaints"]
    assert policy_module.quotes("standards.phone") and policy_module.quotes("training.pass_mark")
    assert complaints.quotes("standards.complaint_follow_up_days")
    assert not complaints.quotes("standards.csat_target")


def test_a_module_declares_the_standards_it_teaches(tmp_path: Path) -> None:
    write_module(
        tmp_path,
        VALID_MODULE.replace(
            "mandatory: true\n", "mandatory: true\nteaches: [csat, service_level]\n"
        ),
    )
    [loaded] = load_modules(load_policy().policy, tmp_path)
    assert loaded.module.teaches == ["csat", "service_level"]


def test_a_module_that_declares_nothing_teaches_no_standard(tmp_path: Path) -> None:
    write_module(tmp_path, VALID_MODULE)
    [loaded] = load_modules(load_policy().policy, tmp_path)
    assert loaded.module.teaches == []


def test_an_unknown_standard_in_teaches_is_one_line_naming_file_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write_module(
        tmp_path,
        VALID_MODULE.replace("mandatory: true\n", "mandatory: true\nteaches: [csat, politeness]\n"),
    )
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    line = line_containing(file, "teaches:")
    [problem] = [found for found in err.splitlines() if "teaches" in found]
    assert problem.startswith(f"{file}:{line}: teaches[1]: ")
    assert "'service_level', 'resolution_rate', 'csat' or 'follow_up_compliance'" in problem


def test_a_standard_named_twice_in_teaches_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = write_module(
        tmp_path,
        VALID_MODULE.replace("mandatory: true\n", "mandatory: true\nteaches: [csat, csat]\n"),
    )
    status, _, err = check_content(capsys, tmp_path)
    assert status == 1
    line = line_containing(file, "teaches:")
    expected = f"{file}:{line}: teaches: a standard is named more than once: ['csat']"
    assert expected in err.splitlines()


def test_the_shipped_modules_declare_the_standards_they_teach() -> None:
    # The policy module's lessons teach the answer times, resolution and CSAT; the complaints
    # module the follow-up standard: each standard has exactly one module that teaches it.
    by_id = {loaded.module.id: loaded.module for loaded in load_modules(load_policy().policy)}
    assert by_id["customer-service-policy"].teaches == ["service_level", "resolution_rate", "csat"]
    assert by_id["handling-complaints"].teaches == ["follow_up_compliance"]
