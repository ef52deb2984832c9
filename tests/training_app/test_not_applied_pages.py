"""Acknowledged but not applied on the Compliance page and the agent page, under AppTest, on the
hand-made organisation of tests/metrics/coaching/test_not_applied.py (its docstring works out
who is flagged: Ana of North and Zed of South, resolution 5 of 10 and 0 of 10 since 4 Nov against
version 2's raised target of 78%); the table's cells from the same numbers, without Streamlit."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from metrics.coaching.not_applied import not_applied
from metrics.store import database_path, open_database
from tests.metrics.coaching.test_not_applied import (
    FEWER_CONTACTS,
    NOV,
    RAISED_TARGET,
    Org,
    modules_of,
    publish,
)
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts
from training_app.components.agent_link import AGENT_KEY
from training_app.components.not_applied import not_applied_table

COMPLIANCE = "app_pages/compliance.py"
AGENT = "app_pages/agent_performance.py"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_NOW", "2026-11-20T12:00:00+00:00")


def build(*changes: tuple[str, str]) -> Org:
    db = open_database(database_path())
    org = Org(db)
    for name in ("Ana", "Zed", "Ben"):
        org.passed(name, "customer-service-policy", NOV[2])
        org.passed(name, "handling-complaints", NOV[2])
        org.signed(name, 2, NOV[3])
    org.calls("Ana", NOV[4], 5, 5)
    org.calls("Zed", NOV[10], 0, 10)
    org.calls("Ben", NOV[10], 10, 0)
    if changes:
        publish(db, *changes)
    return org


def opened(org: Org, who: str, page: str, agent: str | None = None) -> AppTest:
    viewer = org.viewer(who)
    org.db.close()
    at = app_as(viewer)
    if agent is not None:
        at.session_state[AGENT_KEY] = org.ids[agent]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_the_table_says_each_flag_with_its_numbers() -> None:
    org = build(*RAISED_TARGET, *FEWER_CONTACTS)
    try:
        from metrics import organisation

        policy = organisation.policy_in_force(org.db).policy
        found = not_applied(org.db, org.viewer("Olga"), modules_of(policy), policy)
    finally:
        org.db.close()
    assert not_applied_table(found).to_dict("records") == [
        {
            "Name": "Ana",
            "Team": "North",
            "Standard": "Resolution",
            "Since": "04 Nov 2026",
            "Weeks": 2,
            "Value": "50%",
            "Target": "78%",
            "n": 10,
            "95% interval": "24% – 76%",
        },
        {
            "Name": "Zed",
            "Team": "South",
            "Standard": "Resolution",
            "Since": "04 Nov 2026",
            "Weeks": 2,
            "Value": "0%",
            "Target": "78%",
            "n": 10,
            "95% interval": "0% – 28%",
        },
    ]


def test_the_compliance_page_flags_the_supervisors_agents_only() -> None:
    at = opened(build(*RAISED_TARGET, *FEWER_CONTACTS), "Sue", COMPLIANCE)
    shown = texts(at)
    assert "Acknowledged but not applied" in shown
    assert "resolution target: 75% → 78%" in shown
    [table] = [frame.value for frame in at.dataframe if "Standard" in frame.value.columns]
    assert table["Name"].tolist() == ["Ana"]


def test_the_compliance_page_says_when_nothing_can_be_flagged() -> None:
    at = opened(build(("version: 1", "version: 2"), *FEWER_CONTACTS), "Olga", COMPLIANCE)
    shown = texts(at)
    assert "Version 2 changed no standard agents are judged on" in shown
    assert not [frame for frame in at.dataframe if "Standard" in frame.value.columns]


def test_the_agent_page_shows_a_notice_for_a_flagged_agent_and_none_for_another() -> None:
    org = build(*RAISED_TARGET, *FEWER_CONTACTS)
    ben, sue = org.ids["Ben"], org.viewer("Sue")
    at = opened(org, "Sue", AGENT, agent="Ana")
    [notice] = [w.value for w in at.warning]
    assert notice.startswith("Signed version 2 and passed its modules, but clearly below")
    assert "Resolution standard since 04 Nov 2026: 50% against 78% (n = 10" in notice
    # Ben signed and passed too, and resolved all 10: nothing to say.
    at = app_as(sue)
    at.session_state[AGENT_KEY] = ben
    at.run()
    at.switch_page(AGENT).run()
    assert not at.exception and "Ben" in [t.value for t in at.title]
    assert not at.warning


def test_an_agent_cannot_reach_the_compliance_page() -> None:
    org = build(*RAISED_TARGET)
    viewer = org.viewer("Ana")
    org.db.close()
    at = app_as(viewer).run()
    with pytest.raises(ValueError):
        at.switch_page(COMPLIANCE)
