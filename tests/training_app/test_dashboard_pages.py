"""The dashboard beyond the overview, under AppTest: charts, the agent page opened from a list,
recognition, coaching, the agent's own view (no one else's names or numbers), the empty store."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from metrics.people import NewStaffMember, Viewer, add_staff, list_staff
from metrics.performance.agents import agent_metrics
from metrics.performance.period import Period
from metrics.store import open_database
from modules.policy import DEFAULT_POLICY_PATH, POLICY_ENV_VAR, load_policy
from tests.training_app.apptest import app_as
from tests.training_app.stores import Contact, build_store, days
from tests.training_app.test_pages import texts
from training_app.components.agent_link import AGENT_KEY
from training_app.components.filters import FILTERS_KEY

TEAM = "app_pages/team_performance.py"
AGENT = "app_pages/agent_performance.py"
RECOGNITION = "app_pages/recognition.py"
COACHING = "app_pages/coaching.py"
MINE = "app_pages/my_performance.py"


def open_page(viewer: Viewer, page: str):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def chart_specs(at) -> str:  # type: ignore[no-untyped-def]
    """Every chart's Vega-Lite spec and data, as text."""
    # Arrow buffers hold text as UTF-8, so a name in a chart's data reads in the decoded bytes.
    return "\n".join(
        chart.proto.spec
        + "".join(d.data.data.decode("utf-8", "ignore") for d in chart.proto.datasets)
        for chart in at.get("vega_lite_chart")
    )


def period_agents(demo_db_path: Path, at, viewer: Viewer):  # type: ignore[no-untyped-def]
    db = open_database(demo_db_path)
    try:
        return agent_metrics(db, viewer, load_policy().policy, at.session_state[FILTERS_KEY])
    finally:
        db.close()


def test_team_performance_draws_trends_and_distributions(viewers) -> None:
    at = open_page(viewers["supervisor"], TEAM)
    assert [tab.label for tab in at.tabs] == [
        "Weekly trends",
        "Waits",
        "Ratings",
        "When contacts arrive",
    ]
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    # Weekly trends (3 panels), waits (a panel per channel), ratings (a panel per scale), the
    # heat map: each one view as wide as its column, so none runs off a narrow screen.
    assert [spec["title"] for spec in specs[:3]] == [
        "Service level (target 80%)",
        "Resolution (target 75%)",
        "CSAT (target 85%)",
    ]
    assert [spec.get("title") for spec in specs[3:]] == [
        "Phone",
        "Chat",
        "Email",
        "Social",
        "1–5 stars",
        "Good / bad",
        None,  # the heat map: its tab says what it is
    ]
    assert all(spec["width"] == "container" for spec in specs)
    assert not any({"hconcat", "vconcat", "facet"} & set(spec) for spec in specs)
    labels = [button.label for button in at.get("download_button")]
    assert labels == [
        "Download the agent table (CSV)",
        "Download the weekly numbers (CSV)",
        "Download the wait distribution (CSV)",
        "Download the ratings (CSV)",
        "Download contacts by hour (CSV)",
    ]


def test_a_supervisor_opens_an_agent_from_the_list(viewers, demo_db_path: Path) -> None:
    supervisor = viewers["supervisor"]
    at = open_page(supervisor, TEAM)
    agents = period_agents(demo_db_path, at, supervisor)
    chosen = agents.sort_values("handled").iloc[-1]
    picker = at.selectbox[-1]
    assert picker.label == "Open an agent's page"
    picker.set_value(int(chosen["agent_id"])).run()
    at.button(key="open-Open an agent's page").click().run()
    assert at.session_state[AGENT_KEY] == int(chosen["agent_id"])
    at.switch_page(AGENT).run()  # AppTest does not follow a script's switch_page by itself
    assert not at.exception, at.exception
    shown = texts(at)
    assert chosen["name"] in [t.value for t in at.title]
    assert "Latest customer comments" in shown and "Training" in shown
    assert f"{int(chosen['handled']):,} contacts handled in these dates" in shown
    contacts = at.dataframe[-1].value
    assert len(contacts) == chosen["handled"]  # every handled contact, row by row
    assert contacts["within_standard"].sum() == chosen["answered_within"]
    assert "policy version 1" in shown.lower()
    assert len(at.get("vega_lite_chart")) == 3  # trends against the team median, a panel each
    assert "Download these contacts (CSV)" in [b.label for b in at.get("download_button")]


def test_a_supervisor_cannot_open_another_teams_agent(viewers, demo_db_path: Path) -> None:
    db = open_database(demo_db_path)
    try:
        supervisor = viewers["supervisor"]
        outsider = next(
            member
            for member in list_staff(db, Viewer.local_admin())
            if member.role == "agent" and member.team_id not in (None, supervisor.team_id)
        )
    finally:
        db.close()
    at = app_as(supervisor)
    at.session_state[AGENT_KEY] = outsider.id
    at.run()
    at.switch_page(AGENT).run()
    assert not at.exception
    assert "This agent is not in a team you can see." in texts(at)
    assert outsider.name not in texts(at)
    assert not at.dataframe


@pytest.fixture
def lenient_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 2 of the policy with targets the small demo's agents can meet."""
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    for old, new in [
        ("version: 1", "version: 2"),
        ("service_level_target: 0.80", "service_level_target: 0.55"),
        ("resolution_target: 0.75", "resolution_target: 0.50"),
        ("csat_target: 0.85", "csat_target: 0.60"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV_VAR, str(path))


def test_recognition_ranks_only_agents_who_meet_every_standard(
    viewers, demo_db_path, lenient_policy
) -> None:
    owner = viewers["owner"]
    at = app_as(owner)
    # The second half of the small demo's four weeks, so the first half is the period before.
    at.session_state[FILTERS_KEY] = Period(start=date(2026, 11, 7), end=date(2026, 11, 20))
    at.run()
    at.switch_page(RECOGNITION).run()
    assert not at.exception, at.exception
    db = open_database(demo_db_path)
    try:
        period = at.session_state[FILTERS_KEY]
        now = agent_metrics(db, owner, load_policy().policy, period).set_index("name")
        before = agent_metrics(db, owner, load_policy().policy, period.previous())
    finally:
        db.close()
    assert not at.error, [error.value for error in at.error]
    # The period's two tables come first; the monthly recognition report's follow.
    top, improved = (frame.value for frame in list(at.dataframe)[:2])
    assert len(top) > 0 and len(improved) > 0
    for name in top["Agent"]:
        assert now.loc[name, "status"] == "meets"
        assert now.loc[name, "handled"] >= 30
    judged_before = set(before.loc[before["status"] != "insufficient", "name"])
    for row in improved.to_dict("records"):
        assert row["Agent"] in judged_before and now.loc[row["Agent"], "handled"] >= 30
        assert row["Total change"].startswith("+") and row["Total change"].endswith(" points")
    totals = [float(total.split()[0]) for total in improved["Total change"]]
    assert totals == sorted(totals, reverse=True)
    assert "Best customer comments" in texts(at)
    assert "Download top performers (CSV)" in [b.label for b in at.get("download_button")]


def test_coaching_lists_judged_agents_below_a_target(viewers, demo_db_path) -> None:
    supervisor = viewers["supervisor"]
    at = open_page(supervisor, COACHING)
    agents = period_agents(demo_db_path, at, supervisor).set_index("name")
    table = at.dataframe[0].value
    assert not table.empty
    assert table["Agent"].is_unique  # one row per agent, their other gaps beside it
    for row in table.to_dict("records"):
        assert agents.loc[row["Agent"], "status"] == "below"
        assert row["Value"] < row["Target"]
        metric = {"Service level": "service_level", "Resolution": "resolution_rate", "CSAT": "csat"}
        assert agents.loc[row["Agent"], f"status_{metric[row['Below on']]}"] == "below"
        assert row["Short by"].endswith(" points")  # percentage points, not "45%"
    assert set(table["Below beyond doubt?"]) <= {"yes, clearly", "possibly chance"}


@pytest.fixture
def policy_everyone_meets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 2 of the policy with targets of 1–3%: nobody in the small demo is below them."""
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    for old, new in [
        ("version: 1", "version: 2"),
        ("service_level_target: 0.80", "service_level_target: 0.01"),
        ("resolution_target: 0.75", "resolution_target: 0.02"),
        ("csat_target: 0.85", "csat_target: 0.03"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV_VAR, str(path))


def test_coaching_with_nobody_below_target_says_so(viewers, policy_everyone_meets) -> None:
    at = open_page(viewers["supervisor"], COACHING)
    shown = texts(at)
    assert "Every agent with enough contacts meets the policy's targets in these dates." in shown
    assert ", 0 are below a target and 0 clearly so" in shown
    assert not at.dataframe


def test_an_agent_sees_their_trends_and_comments_and_nobody_elses(viewers, demo_db_path) -> None:
    agent = viewers["agent"]
    at = open_page(agent, MINE)
    shown = texts(at)
    assert "Week by week, against the team median" in shown
    assert "What customers wrote" in shown
    db = open_database(demo_db_path)
    try:
        others = [m.name for m in list_staff(db, Viewer.local_admin()) if m.id != agent.staff_id]
    finally:
        db.close()
    charts = chart_specs(at)
    assert "Team median" in charts  # the chart data is really read here
    everything = shown + charts + "".join(str(d.value) for d in at.dataframe)
    for name in others:
        assert name not in everything
    for page in (TEAM, AGENT, RECOGNITION, COACHING):
        with pytest.raises(ValueError):  # not in an agent's navigation at all
            at.switch_page(page).run()


@pytest.fixture
def comparison_from_six(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 2 of the policy, comparing an agent with their team only from six judged agents:
    the small demo's Front line has five."""
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    for old, new in [
        ("version: 1", "version: 2"),
        ("  min_contacts: 30\n", "  min_contacts: 30\n  min_agents_for_comparison: 6\n"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(POLICY_ENV_VAR, str(path))


def test_an_agent_in_a_smaller_team_is_told_why_the_team_median_is_hidden(
    viewers, comparison_from_six
) -> None:
    at = open_page(viewers["agent"], MINE)
    shown = texts(at)
    assert shown.count("team median hidden") == 3 and "Team median hidden" in shown
    assert (
        "The team median of a number is shown only when at least 6 agents of your team were "
        "judged on it (handled 30 contacts or more), so that no colleague's numbers can be "
        "worked out from it; in these dates fewer were"
    ) in shown
    # Their supervisor, on the same agent's page, sees the team's medians.
    supervisor = app_as(viewers["supervisor"])
    supervisor.session_state[AGENT_KEY] = viewers["agent"].staff_id
    supervisor.run()
    supervisor.switch_page(AGENT).run()
    assert not supervisor.exception, supervisor.exception
    assert "team median hidden" not in texts(supervisor)
    assert "· team median " in texts(supervisor)


@pytest.mark.parametrize("page", [AGENT, RECOGNITION, COACHING])
def test_pages_on_a_store_without_contacts(tmp_path: Path, page: str) -> None:
    db = open_database(tmp_path / "academy.duckdb")
    owner_id = add_staff(db, NewStaffMember(name="Olga Owner", email="o@x.example", role="owner"))
    agent_id = add_staff(db, NewStaffMember(name="Ana Agent", email="a@x.example", role="agent"))
    db.close()
    owner = Viewer(
        staff_id=owner_id, name="Olga Owner", email="o@x.example", role="owner", team_id=None
    )
    at = app_as(owner)
    at.session_state[AGENT_KEY] = agent_id
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert "No customer contacts are stored yet." in texts(at)


def test_home_and_the_dashboard_count_the_same_default_period_named_the_same_way(
    viewers,
) -> None:
    agent = viewers["agent"]
    home = app_as(agent).run()
    assert not home.exception, home.exception
    handled = next(m for m in home.metric if "handled" in m.label)
    assert handled.label.lower().endswith("last 28 days")
    mine = open_page(agent, MINE)
    assert f"n = {int(handled.value.replace(',', '')):d} handled" in texts(mine)
    assert "Last 28 days" in next(b for b in mine.selectbox if b.label == "Quick choice").options

    supervisor = viewers["supervisor"]
    home = app_as(supervisor).run()
    contacts = next(m for m in home.metric if m.label.startswith("Contacts"))
    assert contacts.label.lower().endswith("last 28 days")
    team = open_page(supervisor, TEAM)
    assert f"{contacts.value} contacts offered" in texts(team)


def rendered(at) -> str:  # type: ignore[no-untyped-def]
    """What a person reads on the page, tables included as the browser draws them: a missing
    cell shows the table's placeholder, which is "None" when none was given."""
    parts = [texts(at)]
    parts += [m.proto.help for m in at.metric]
    for frame in at.dataframe:
        placeholder = frame.proto.placeholder if frame.proto.HasField("placeholder") else "None"
        cells = frame.value.astype(object).to_numpy().ravel()
        parts.append(" | ".join(placeholder if pd.isna(cell) else str(cell) for cell in cells))
    return "\n".join(parts)


GAPS = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")


def test_nothing_missing_reads_as_none_on_any_dashboard_page(tmp_path: Path) -> None:
    # Ana is rated, resolves and has cases; Ben handled 35 contacts, resolved none, was never
    # rated and took no training; two customers gave up. Every gap a page can meet.
    ana = [
        Contact(
            day=day,
            agent="ana@x.example",
            rating=5,
            comment="Thank you",
            case=f"C{n}",
            category="billing",
            minute=n,
        )
        for n, day in enumerate(days(date(2026, 11, 16), 14) * 3)
    ]
    ben = [
        Contact(day=day, agent="ben@x.example", resolved=False, wait_s=50, minute=100 + n)
        for n, day in enumerate(days(date(2026, 11, 16), 7) * 5)
    ]
    gone = [Contact(day=date(2026, 11, 20), agent=None, minute=300 + n) for n in range(2)]
    people = [
        ("Olga Owner", "olga@x.example", "owner"),
        ("Sam Super", "sam@x.example", "supervisor"),
        ("Ana Agent", "ana@x.example", "agent"),
        ("Ben Agent", "ben@x.example", "agent"),
    ]
    viewers = build_store(tmp_path / "academy.duckdb", people, ana + ben + gone)
    owner, ben_viewer = viewers["olga@x.example"], viewers["ben@x.example"]
    pages = {
        "home (owner)": app_as(owner).run(),
        "home (supervisor)": app_as(viewers["sam@x.example"]).run(),
        "home (agent)": app_as(ben_viewer).run(),
        "my performance": open_page(ben_viewer, MINE),
    }
    for page in (TEAM, RECOGNITION, COACHING, "app_pages/training_records.py"):
        pages[page] = open_page(owner, page)
    agent_page = app_as(owner)
    agent_page.session_state[AGENT_KEY] = ben_viewer.staff_id
    agent_page.run()
    pages["agent page"] = agent_page.switch_page(AGENT).run()
    found = {}
    for name, at in pages.items():
        assert not at.exception, (name, at.exception)
        if GAPS.search(rendered(at)):
            found[name] = sorted(set(GAPS.findall(rendered(at))))
    assert not found, found
    # The gaps read as "–" instead, and the tables say why in their help.
    assert "–" in rendered(pages["agent page"])
