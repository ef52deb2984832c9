"""Every page, started from the entry script as a real session would, for each role that may see
it, with the empty store, and with a role that must not reach it."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import NewStaffMember, add_staff, add_team, authenticate
from metrics.store import open_database
from tests.training_app.apptest import app_as


def texts(at) -> str:
    """Everything a person reads on the page, as one string."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.title] + [e.value for e in at.subheader]
    parts += (
        [e.value for e in at.info] + [e.value for e in at.warning] + [e.value for e in at.error]
    )
    parts += [e.value for e in at.success]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_signed_out_visitors_see_only_the_sign_in_form(demo_db_path: Path) -> None:
    at = app_as(None).run()
    assert not at.exception
    assert at.title[0].value == "Service Academy"
    assert [t.label for t in at.text_input] == ["E-mail", "Password"]
    assert "generated demo data" in texts(at)
    with pytest.raises(ValueError):
        at.switch_page("app_pages/staff.py").run()


def test_signing_in_shows_the_owners_home(demo_db_path: Path) -> None:
    at = app_as(None).run()
    at.text_input[0].input(DEMO_ACCOUNTS["owner"])
    at.text_input[1].input(DEMO_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Welcome, Maja Kovač"
    assert at.session_state["viewer"].role == "owner"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    demo_db_path: Path,
) -> None:
    at = app_as(None).run()
    at.text_input[0].input(DEMO_ACCOUNTS["owner"])
    at.text_input[1].input("not the password")
    at.button[0].click().run()
    assert at.error[0].value == "That e-mail and password do not match an active account."
    assert "viewer" not in at.session_state


def test_owner_home_counts_the_organisation_and_says_what_next(viewers) -> None:
    at = app_as(viewers["owner"]).run()
    assert not at.exception
    page = texts(at)
    assert "What to do next" in page
    assert "version 1" in page
    assert "Customer contacts stored" in page and "generated demo data" in page
    staff = next(m for m in at.metric if m.label == "Staff")
    assert staff.value == "13"  # 9 agents + 3 supervisors + 1 owner in the small demo


def test_supervisor_home_is_about_their_own_team(viewers) -> None:
    at = app_as(viewers["supervisor"]).run()
    assert not at.exception
    page = texts(at)
    assert "Supervisor · Front line" in page
    assert "phone within 30 seconds" in page


def test_agent_home_quotes_the_policy_standards(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    assert not at.exception
    page = texts(at)
    assert "answer the phone within 30 seconds" in page
    assert "reply to e-mail within 4 hours" in page
    assert "Agent · Front line" in page


@pytest.mark.parametrize("role", ["owner", "supervisor", "agent"])
def test_every_role_reads_the_policy(viewers, role: str) -> None:
    at = app_as(viewers[role]).run()
    at.switch_page("app_pages/policy.py").run()
    assert not at.exception
    page = texts(at)
    assert at.title[0].value == "Customer-service policy"
    assert "1. Understand the problem and repeat it back" in [e.label for e in at.expander]
    assert "I'm sorry I can't do more, but that's company policy." in page
    for channel, within in [
        ("Phone", "30 seconds"),
        ("Live chat", "60 seconds"),
        ("E-mail", "4 hours"),
        ("Social media", "2 hours"),
    ]:
        assert f"**{channel}**  \nanswer within **{within}**" in page
    targets = at.table[0].value
    assert targets.loc["Service level", "Value"] == "80%"


def test_owner_sees_all_staff_and_can_filter_by_team(viewers) -> None:
    at = app_as(viewers["owner"]).run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    assert at.title[0].value == "Staff and teams"
    assert len(at.dataframe[0].value) == 13
    at.selectbox[0].select_index(1).run()  # the first team, alphabetically: Billing
    shown = at.dataframe[0].value
    assert set(shown["Team"]) == {"Billing"}


def test_supervisor_sees_only_their_team(viewers) -> None:
    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    assert at.title[0].value == "My team: Front line"
    assert set(at.dataframe[0].value["Team"]) == {"Front line"}


def test_an_agent_cannot_reach_the_staff_list(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/staff.py").run()


def test_signing_out_returns_to_the_sign_in_form(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert "viewer" not in at.session_state
    assert [t.label for t in at.text_input] == ["E-mail", "Password"]


def test_an_empty_organisation_shows_zeros_not_errors(tmp_path: Path) -> None:
    # Staff exist, so the app does not create demo data; nothing else is stored.
    db = open_database(tmp_path / "academy.duckdb")
    add_team(db, "Front line")
    for name, email, role in [
        ("Olga Owner", "o@x.example", "owner"),
        ("Sam Sup", "s@x.example", "supervisor"),
        ("Ada Agent", "a@x.example", "agent"),
    ]:
        team = None if role == "owner" else "Front line"
        add_staff(
            db,
            NewStaffMember(name=name, email=email, role=role, team=team, password="long enough pw"),
        )
    viewers = {
        role: authenticate(db, f"{role[0]}@x.example", "long enough pw")
        for role in ("owner", "supervisor", "agent")
    }
    db.close()

    owner = app_as(viewers["owner"]).run()
    assert not owner.exception
    assert next(m for m in owner.metric if m.label == "Customer contacts stored").value == "0"
    assert "generated demo data" not in texts(owner)
    supervisor = app_as(viewers["supervisor"]).run()
    assert not supervisor.exception
    assert "No contacts reached Front line in the last 30 days." in texts(supervisor)
    agent = app_as(viewers["agent"]).run()
    assert not agent.exception
    assert next(m for m in agent.metric if "handled" in m.label).value == "0"


def test_a_broken_policy_stops_the_app_with_the_errors_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "policy.yaml"
    broken.write_text("version: 0\n", encoding="utf-8")
    monkeypatch.setenv("ACADEMY_POLICY", str(broken))
    at = app_as(None).run()
    assert not at.exception
    assert at.error[0].value.startswith("The policy or training content has problems")
    assert f"{broken}:1: version: Input should be greater than or equal to 1" in at.code[0].value
    assert not at.text_input  # no sign-in form: the app does not start on a broken policy
