"""The Training impact page on the small demo store: what it shows is what
metrics/coaching/impact.py answers for the viewer's agents (an owner's everyone, a supervisor's
team), each conclusion in words, the demo's effect named as made; agents never reach it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.clock import CLOCK_VARIABLE
from metrics.coaching.impact import TrainingImpact, training_impact
from metrics.people import Viewer
from metrics.store import open_database
from modules.policy import load_policy
from tests.training_app.apptest import app_as, open_address

PAGE = "app_pages/training_impact.py"
NOW = "2026-12-04T12:00:00+00:00"  # two weeks after the small demo's last day


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLOCK_VARIABLE, NOW)


def impact_page(viewer: Viewer, weeks: int = 1) -> AppTest:
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    at.number_input(key="impact_weeks").set_value(weeks).run()
    assert not at.exception
    return at


def expected(path: Path, viewer: Viewer, weeks: int = 1, **step: object) -> TrainingImpact:
    db = open_database(path)
    try:
        return training_impact(
            db,
            viewer,
            load_policy().policy,
            weeks=weeks,
            as_of=datetime.fromisoformat(NOW),
            **(step or {"module": "customer-service-policy"}),  # type: ignore[arg-type]
        )
    finally:
        db.close()


def test_an_owner_sees_the_four_metrics_as_the_metrics_answer_them(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    at = impact_page(viewers["owner"])
    module = at.selectbox(key="impact_module").value
    found = expected(demo_db_path, viewers["owner"], module=module)
    assert found.trained_agents > 0
    [table] = at.dataframe
    rows = table.value
    assert list(rows["Metric"]) == [m.label for m in found.metrics]
    assert list(rows["Conclusion"]) == [m.conclusion for m in found.metrics]
    assert list(rows["Trained agents (n)"]) == [m.trained_agents for m in found.metrics]
    assert list(rows["Difference (points)"]) == [
        "—" if m.difference is None else f"{m.difference * 100:+.1f}" for m in found.metrics
    ]
    said = [str(el.value) for el in [*at.success, *at.warning, *at.info]]
    for metric in found.metrics:
        assert any(line.startswith(f"{metric.label}: {metric.conclusion}") for line in said)
    noise = [m for m in found.metrics if m.conclusion == "within the noise"]
    if noise:
        assert any(
            "the interval includes zero" in line and "this could be chance" in line for line in said
        )
    assert any("made on purpose" in line and "not evidence" in line for line in said)
    assert any("bootstrap over agents" in str(el.value) for el in at.markdown)
    assert at.selectbox(key="impact_team").value is None  # all teams


def test_a_supervisor_sees_their_team_only(viewers: dict[str, Viewer], demo_db_path: Path) -> None:
    supervisor = viewers["supervisor"]
    at = impact_page(supervisor)
    module = at.selectbox(key="impact_module").value
    mine = expected(demo_db_path, supervisor, module=module)
    everyone = expected(demo_db_path, viewers["owner"], module=module)
    assert mine.trained_agents < everyone.trained_agents
    [table] = at.dataframe
    assert list(table.value["Trained agents (n)"]) == [m.trained_agents for m in mine.metrics]
    with pytest.raises(KeyError):
        at.selectbox(key="impact_team")


def test_a_policy_version_s_rollout_is_measured_by_its_signatures(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    at = impact_page(viewers["owner"])
    at.radio(key="impact_kind").set_value("A policy version's rollout").run()
    assert not at.exception
    found = expected(demo_db_path, viewers["owner"], policy_version=1)
    [table] = at.dataframe
    assert list(table.value["Conclusion"]) == [m.conclusion for m in found.metrics]


def test_without_anyone_trained_long_enough_the_page_says_so(
    viewers: dict[str, Viewer],
) -> None:
    at = impact_page(viewers["owner"], weeks=26)
    assert not at.dataframe
    assert any("with 26 weeks after it yet" in str(el.value) for el in at.info)


def test_an_agent_does_not_reach_the_training_impact_page(viewers: dict[str, Viewer]) -> None:
    with pytest.raises(ValueError):
        app_as(viewers["agent"]).run().switch_page(PAGE).run()
    at = open_address(app_as(viewers["agent"]).run(), "training-impact").run()
    assert not at.exception
    assert at.warning[0].value == "Training impact is not open to agents."
