"""The training pages under AppTest: My training, the module player from first step to results,
retakes, the certificate, signing the policy, Training records and Verify a certificate."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from metrics.people import NewStaffMember, Viewer, add_staff
from metrics.store import open_database
from metrics.training import records
from modules.content import (
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
    load_modules,
)
from modules.engine import step_title
from modules.policy import load_policy
from tests.conftest import SMALL_DEMO
from tests.metrics.training.test_to_do import pass_module
from tests.training_app.apptest import app_as, viewer_of
from tests.training_app.player import (
    answer_step,
    best_reply,
    button,
    play_to_the_end,
    step_on_screen,
    worst_reply,
)
from tests.training_app.test_pages import texts
from training_app.components.text import md

POLICY_MODULE = "customer-service-policy"
COMPLAINTS_MODULE = "handling-complaints"


def shipped_module(module_id: str) -> TrainingModule:
    modules = load_modules(load_policy().policy)
    return next(loaded.module for loaded in modules if loaded.module.id == module_id)


@pytest.fixture(scope="module")
def policy_module() -> TrainingModule:
    return shipped_module(POLICY_MODULE)


@pytest.fixture(scope="module")
def complaints() -> TrainingModule:
    return shipped_module(COMPLAINTS_MODULE)


def open_from_my_training(at: AppTest, button_key: str) -> AppTest:
    """Click Start/Resume/Retake on My training. The page switches to the player; AppTest keeps
    its own idea of the current page across reruns, so follow the switch explicitly."""
    at.button(key=button_key).click().run()
    assert not at.exception, at.exception
    return at.switch_page("app_pages/take_module.py").run()


def my_training(viewer: Viewer) -> AppTest:
    at = app_as(viewer).run()
    at.switch_page("app_pages/my_training.py").run()
    assert not at.exception, at.exception
    return at


def test_my_training_lists_the_assigned_modules_with_status_and_due_date(viewers) -> None:
    at = my_training(viewers["agent"])
    shown = texts(at)
    assert "Assigned to you" in shown
    assert "#### Our customer-service policy" in shown
    assert "#### Handling complaints" in shown
    assert shown.count("due ") >= 2
    assert "Pass mark 80% · your best attempt counts" in shown
    assert [b.label for b in at.button if b.label == "Start"] == ["Start", "Start"]


def test_an_agent_takes_the_policy_module_fails_retakes_passes_and_signs(
    viewers, demo_db_path: Path, policy_module: TrainingModule
) -> None:
    agent = viewers["agent"]
    at = my_training(agent)
    open_from_my_training(at, f"start-{POLICY_MODULE}")
    total = int(at.get("progress")[0].proto.text.split(" of ")[1])
    assert at.get("progress")[0].proto.text == f"Step 1 of {total}"

    # Five steps in, the browser closes: a new session resumes on step 6 with nothing lost.
    play_to_the_end(at, policy_module, right=False, stop_after=5)
    at = my_training(agent)
    resume = at.button(key=f"resume-{POLICY_MODULE}")
    assert resume.label == f"Resume at step 6 of {total}"
    open_from_my_training(at, f"resume-{POLICY_MODULE}")
    assert at.get("progress")[0].proto.text == f"Step 6 of {total}"

    play_to_the_end(at, policy_module, right=False)
    shown = texts(at)
    assert "Result of attempt 1" in shown
    assert (
        "**Not passed yet.** Your score is below the pass mark of 80%. Your best attempt counts"
        in shown
    )
    assert "What you missed" in shown
    assert not [b for b in at.get("download_button")]

    button(at, "Retake the module").click().run()
    assert "Attempt 2" in texts(at)
    play_to_the_end(at, policy_module, right=True)
    shown = texts(at)
    assert "**Passed.** Your best attempt counts: you have passed this module." in shown
    assert "Your score: 100%" in shown
    assert "Every answer was right." in shown
    [download] = at.get("download_button")
    assert download.proto.label == "Download certificate (PDF)"

    # Signing needs the full name as on the staff list, typed on any keyboard.
    at.text_input[0].input("Elif")
    at.checkbox[0].check()
    button(at, "Sign the policy").click().run()
    assert at.error[0].value.startswith("Type your full name as it is on the staff list")
    at.text_input[0].input("elif yilmaz")
    button(at, "Sign the policy").click().run()
    assert "You signed policy version 1 on" in texts(at)
    assert "as “elif yilmaz”" in texts(at)  # kept as typed

    db = open_database(demo_db_path)
    try:
        attempts = records.attempts_of(db, agent, agent.staff_id)
        assert [(a.attempt_number, a.passed) for a in attempts] == [(2, True), (1, False)]
        assert attempts[1].score is not None and attempts[1].score < 0.8
        assert records.acknowledgement(db, agent, agent.staff_id, 1) is not None
        [certificate] = records.certificates_of(db, agent, agent.staff_id)
    finally:
        db.close()

    supervisor = app_as(viewers["supervisor"]).run()
    supervisor.switch_page("app_pages/verify_certificate.py").run()
    supervisor.text_input[0].input(certificate.code.lower())
    button(supervisor, "Verify").click().run()
    shown = texts(supervisor)
    assert f"Genuine: {certificate.code}" in shown
    assert f"**{agent.name}** passed **Our customer-service policy**" in shown


def test_a_second_tab_is_told_its_attempt_was_finished_in_the_first(
    viewers, demo_db_path: Path, policy_module: TrainingModule
) -> None:
    agent = viewers["agent"]
    first = my_training(agent)
    open_from_my_training(first, f"start-{POLICY_MODULE}")
    second = my_training(agent)  # another tab of the same person
    open_from_my_training(second, f"resume-{POLICY_MODULE}")
    play_to_the_end(first, policy_module, right=False)
    assert "Result of attempt 1" in texts(first)
    db = open_database(demo_db_path)
    try:
        [finished] = records.attempts_of(db, agent, agent.staff_id)
        answered = records.answers_of(db, agent, finished.id)
    finally:
        db.close()

    # The second tab still shows the first step; going on there tells what happened.
    button(second, "Next").click().run()
    assert not second.exception, second.exception
    shown = texts(second)
    assert "This attempt was finished in another tab or window: your result is below." in shown
    assert "Result of attempt 1" in shown
    db = open_database(demo_db_path)
    try:
        assert records.attempts_of(db, agent, agent.staff_id) == [finished]
        assert records.answers_of(db, agent, finished.id) == answered
    finally:
        db.close()


def test_starting_in_a_second_tab_continues_the_attempt_started_in_the_first(
    viewers, demo_db_path: Path
) -> None:
    agent = viewers["agent"]
    first, second = my_training(agent), my_training(agent)  # both offer Start
    open_from_my_training(first, f"start-{POLICY_MODULE}")
    second.button(key=f"start-{POLICY_MODULE}").click().run()  # on to the player, in one run
    assert not second.exception, second.exception
    assert "An attempt was already started in another tab: continuing it." in texts(second)
    assert second.get("progress")[0].proto.text.startswith("Step 1 of")
    db = open_database(demo_db_path)
    try:
        assert [a.attempt_number for a in records.attempts_of(db, agent, agent.staff_id)] == [1]
    finally:
        db.close()


def test_the_player_without_a_chosen_module_points_back_to_my_training(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    at.switch_page("app_pages/take_module.py").run()
    assert not at.exception
    assert "Choose a module to take on My training." in texts(at)


def test_the_player_shows_one_step_and_immediate_feedback(
    viewers, policy_module: TrainingModule
) -> None:
    at = my_training(viewers["agent"])
    open_from_my_training(at, f"start-{POLICY_MODULE}")
    step = step_on_screen(at, policy_module)
    while step.kind in ("lesson",):
        button(at, "Next").click().run()
        step = step_on_screen(at, policy_module)
    answer_step(at, step, right=True)
    [verdict] = at.success
    assert verdict.value.startswith("**Correct**")
    assert step.explanation in verdict.value  # type: ignore[union-attr]
    assert [b.label for b in at.button if b.label == "Next"] == ["Next"]


def test_supervisors_see_attempts_role_play_paths_and_reflections(
    viewers, demo_db_path: Path
) -> None:
    complaints = next(
        loaded.module
        for loaded in load_modules(load_policy().policy)
        if loaded.module.id == "handling-complaints"
    )
    at = my_training(viewers["agent"])
    open_from_my_training(at, "start-handling-complaints")
    play_to_the_end(at, complaints, right=False)
    assert "Result of attempt 1" in texts(at)

    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/training_records.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Training records" in shown
    table = at.dataframe[0].value
    assert "Elif Yılmaz" in table["Agent"].tolist()
    row = table.set_index("Agent").loc["Elif Yılmaz"]
    # Every answer wrong; a new starter, she is overdue only once her due date has passed.
    policy = load_policy().policy
    today = datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    late = today > SMALL_DEMO["until"] + timedelta(days=policy.training.due_within_days)
    assert row["Handling complaints"] == ("OVERDUE · " if late else "") + "not passed · best 0%"
    at.selectbox[0].set_value(viewers["agent"].staff_id).run()
    history = at.dataframe[1].value
    assert history["Module"].tolist() == ["Handling complaints"]
    assert history["Result"].tolist() == ["not passed"]
    expanders = [e.label for e in at.expander]
    assert sum("Role-play" not in label for label in expanders) > 0
    answers = "\n".join(t.value for t in at.text)
    assert "Outcome: customer lost" in answers  # the path taken is shown
    assert "I will repeat the problem back" in answers  # the reflection


def test_agents_cannot_reach_supervisor_training_pages(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    for page in ("app_pages/training_records.py", "app_pages/verify_certificate.py"):
        with pytest.raises(ValueError):
            at.switch_page(page).run()


def test_training_pages_on_an_organisation_without_agents(tmp_path: Path) -> None:
    # Staff exist, so no demo is created: an owner alone, nobody to train yet.
    db = open_database(tmp_path / "academy.duckdb")
    owner_id = add_staff(db, NewStaffMember(name="Olga Owner", email="o@x.example", role="owner"))
    db.close()
    owner = Viewer(
        staff_id=owner_id, name="Olga Owner", email="o@x.example", role="owner", team_id=None
    )
    at = app_as(owner).run()
    at.switch_page("app_pages/training_records.py").run()
    assert not at.exception, at.exception
    assert "No agents here yet." in texts(at)
    at.switch_page("app_pages/my_training.py").run()
    assert not at.exception, at.exception
    assert "#### Our customer-service policy" in texts(at)


def test_a_certificate_code_is_verified(viewers, demo_db_path: Path) -> None:
    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/verify_certificate.py").run()
    at.text_input[0].input("SA-AAAA-AAAA")
    button(at, "Verify").click().run()
    assert "No certificate has the code 'SA-AAAA-AAAA'" in texts(at)


def key_of(step: PlayableStep) -> str:
    """The right answer, worked out from the module's key as a person would write it down."""
    if isinstance(step, SingleChoice | MultipleChoice):
        return "; ".join(option.text for option in step.options if option.correct)
    if isinstance(step, TrueFalse):
        return str(step.answer)
    if isinstance(step, Ordering):
        return " → ".join(step.items)
    if isinstance(step, Matching):
        return "; ".join(f"{pair.item} → {pair.answer}" for pair in step.pairs)
    assert isinstance(step, RolePlay)
    lines, node = [], step.start
    while not step.nodes[node].is_ending:
        reply = step.nodes[node].choices[best_reply(step, node)]
        lines += [f"Customer: {step.nodes[node].customer}", f"Agent: {reply.reply}"]
        node = reply.next
    ending = step.nodes[node]
    return "\n".join(
        [*lines, f"Customer: {ending.customer}", f"Outcome: customer {ending.outcome}"]
    )


def test_every_missed_item_states_the_right_answer_and_why(
    viewers, complaints: TrainingModule
) -> None:
    at = my_training(viewers["agent"])
    open_from_my_training(at, f"start-{COMPLAINTS_MODULE}")
    play_to_the_end(at, complaints, right=False)
    assert "Result of attempt 1" in texts(at)
    missed = [e for e in at.expander if "%" in e.label]
    kinds = set()
    assert missed
    for expander in missed:
        [step] = [
            step
            for step in complaints.steps_by_id.values()
            if expander.label.startswith(md(step_title(complaints, step.id)))
        ]
        kinds.add(step.kind)
        shown = [t.value for t in expander.text]
        markdown = [m.value for m in expander.markdown]
        assert "**The right answer**" in markdown, step.id
        assert key_of(step) in shown, step.id
        assert f"**Why** — {md(step.explanation)}" in markdown, step.id  # type: ignore[union-attr]
    # Every kind of graded step this module asks was missed and answered.
    assert {"single_choice", "true_false", "role_play"} <= kinds


def test_handling_complaints_is_not_passed_when_two_of_three_customers_walk_out(
    viewers, complaints: TrainingModule
) -> None:
    at = my_training(viewers["agent"])
    open_from_my_training(at, f"start-{COMPLAINTS_MODULE}")
    # Every question right, and the most a conversation can earn before the customer leaves.
    lost = {"late-fridge-delivery": "lost", "double-charge": "lost"}
    play_to_the_end(at, complaints, right=True, outcomes=lost)
    shown = texts(at)
    score = next(m.value for m in at.metric if m.label == "Your score")
    assert int(score.rstrip("%")) >= 80  # above the pass mark, as in the report
    assert "Customers kept: 1 of 3" in shown
    assert (
        "**To pass:** a score of 80% or more, and at least 2 of the 3 role-play customers "
        "kept." in shown
    )
    assert (
        "**Not passed yet.** You kept 1 of the 3 role-play customers; at least 2 must stay "
        "with us." in shown
    )
    assert not at.get("download_button")  # no certificate


def test_a_role_play_reply_gets_its_verdict_once_and_the_customer_a_name_of_their_own(
    viewers, complaints: TrainingModule
) -> None:
    agent = viewers["agent"]
    at = my_training(agent)
    open_from_my_training(at, f"start-{COMPLAINTS_MODULE}")
    while not isinstance(step_on_screen(at, complaints), RolePlay):
        step = step_on_screen(at, complaints)
        if step.kind != "lesson":
            answer_step(at, step, right=True)
        button(at, "Next").click().run()
    play = step_on_screen(at, complaints)
    assert isinstance(play, RolePlay)
    [scenario] = [i.value for i in at.info]
    assert agent.name not in scenario and agent.name.split()[0] not in scenario
    reply = worst_reply(play, play.start)
    at.radio[0].set_value(reply)
    button(at, "Reply").click().run()
    chosen = play.nodes[play.start].choices[reply]
    verdicts = [c.value for c in at.caption if c.value.startswith("Harmful (0 of 2)")]
    assert verdicts == [f"Harmful (0 of 2) · {md(chosen.feedback)}"]
    assert "Harmful" not in verdicts[0].removeprefix("Harmful (0 of 2)")


# -- Home says what is left -------------------------------------------------------------------


def home(viewer: Viewer) -> AppTest:
    at = app_as(viewer).run()
    assert not at.exception, at.exception
    return at


def alerts(at: AppTest) -> str:
    return "\n".join(a.value for a in [*at.success, *at.info, *at.warning, *at.error])


def test_an_agents_home_follows_their_training_until_nothing_is_left(
    viewers, demo_db_path: Path, policy_module: TrainingModule, complaints: TrainingModule
) -> None:
    agent = viewers["agent"]
    policy = load_policy().policy
    due = SMALL_DEMO["until"] + timedelta(days=policy.training.due_within_days)
    shown = alerts(home(agent))
    assert "Take your training" not in texts(home(agent))
    assert f"**Our customer-service policy**: due {due:%d %b %Y}; start it on My training." in shown
    assert f"**Handling complaints**: due {due:%d %b %Y}; start it on My training." in shown
    # The signature is due with the modules, and says so.
    assert (
        f"Then sign policy version 1 by {due:%d %b %Y}, once you have passed "
        "*Our customer-service policy*." in shown
    )

    db = open_database(demo_db_path)
    try:
        pass_module(db, agent, policy_module, policy)
        shown = alerts(home(agent))
        assert "Our customer-service policy**" not in shown
        assert "**Handling complaints**" in shown
        assert f"**Sign policy version 1** by {due:%d %b %Y} on My training" in shown
        pass_module(db, agent, complaints, policy)
        records.acknowledge_policy(db, agent, 1, "Elif Yilmaz", POLICY_MODULE)
    finally:
        db.close()
    # Home also says what of the complaint register is the agent's today, in an alert of its own.
    assert (
        "Nothing left to do in your training: you have passed every assigned module and signed "
        "policy version 1."
    ) in alerts(home(agent)).splitlines()


def test_a_supervisors_home_names_the_agents_to_chase_until_they_are_done(
    viewers, demo_db_path: Path, policy_module: TrainingModule, complaints: TrainingModule
) -> None:
    supervisor = viewers["supervisor"]
    policy = load_policy().policy
    at = home(supervisor)
    # The demo supervisor took the training first.
    assert "Nothing left to do in your training" in alerts(at)
    db = open_database(demo_db_path)
    try:
        standing = records.training_standing(db, supervisor, [policy_module, complaints], policy)
        late = standing[standing["overdue"]]
        assert not late.empty, "the demo has agents to chase"
        name = late["name"].iloc[0]
        [warning] = [w.value for w in at.warning if "overdue with their training" in w.value]
        assert warning.startswith(f"{late['staff_id'].nunique():d} ")
        assert f"**{md(name)}**" in warning
        someone = viewer_of(demo_db_path, late["email"].iloc[0])
        for module in (policy_module, complaints):
            if module.id in set(late[late["name"] == name]["module_id"]):
                pass_module(db, someone, module, policy)
    finally:
        db.close()
    assert f"**{md(name)}**" not in alerts(home(supervisor))


def test_an_owners_home_counts_the_organisations_overdue_as_training_records_does(
    viewers,
) -> None:
    owner = viewers["owner"]
    assert "Nothing left to do in your training" in alerts(home(owner))
    records_page = app_as(owner).run()
    records_page.switch_page("app_pages/training_records.py").run()
    overdue = next(m.value for m in records_page.metric if m.label == "Overdue")
    [warning] = [w.value for w in home(owner).warning if "overdue with their training" in w.value]
    assert warning.startswith(f"{overdue} people are overdue with their training in ")
    assert "default.yaml" not in texts(home(owner)) and "academy users" not in texts(home(owner))


def _nothing_left_without_a_policy_to_sign() -> None:
    from metrics.training.to_do import TrainingLeft
    from training_app.components.training import what_is_left

    what_is_left(
        TrainingLeft(
            modules=[],
            signing_module_id=None,
            signing_module_title=None,
            policy_version=1,
            signed=False,
        )
    )


def test_nothing_left_names_a_signature_only_where_a_module_asks_for_one() -> None:
    at = AppTest.from_function(_nothing_left_without_a_policy_to_sign, default_timeout=30).run()
    assert [s.value for s in at.success] == [
        "Nothing left to do in your training: you have passed every assigned module."
    ]
