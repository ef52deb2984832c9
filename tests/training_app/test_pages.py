"""Every page, started from the entry script as a real session would, for each role that may see
it, with the empty store, and with a role that must not reach it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from metrics import auth
from metrics.auth import session_viewer, set_active, set_password
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import (
    NewStaffMember,
    add_staff,
    add_team,
    set_role,
    set_team,
)
from metrics.store import Database, open_database
from tests.training_app.apptest import app_as, open_address, sent_to_sign_in, signed_in, viewer_of
from training_app.components.text import md
from training_app.session import TOKEN_KEY


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


def test_a_signed_out_visitor_is_sent_to_the_sign_in_page(demo_db_path: Path) -> None:
    # The sign-in form is the server's (training_app/sign_in_routes.py), which sets the cookie a
    # script cannot; the app only sends the browser there, from any of its addresses.
    for address in ("home", "agent", "staff", "performance"):
        at = open_address(app_as(None), address).run()
        assert not at.exception
        assert sent_to_sign_in(at), address
        assert not at.sidebar.button and not at.dataframe and not at.metric
    with pytest.raises(ValueError):
        app_as(None).run().switch_page("app_pages/staff.py").run()


def test_the_sign_in_address_says_how_to_start_the_app_when_it_reaches_the_pages(
    demo_db_path: Path,
) -> None:
    # Only when the app is served without its server (`streamlit run training_app/app.py`),
    # which answers these addresses itself: no loop back to the sign-in page.
    for address in ("sign-in", "first-owner"):
        at = open_address(app_as(None), address).run()
        assert not sent_to_sign_in(at)
        assert "Start the app with `academy serve`" in at.error[0].value


def test_owner_home_counts_the_organisation_and_says_what_next(viewers) -> None:
    at = app_as(viewers["owner"]).run()
    assert not at.exception
    page = texts(at)
    assert "What is left for you" in page
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


def test_signing_out_sends_the_browser_to_sign_in(viewers) -> None:
    at = app_as(viewers["agent"]).run()
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert TOKEN_KEY not in at.session_state
    assert sent_to_sign_in(at)


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
    db.close()
    path = tmp_path / "academy.duckdb"
    viewers = {
        role: viewer_of(path, f"{role[0]}@x.example") for role in ("owner", "supervisor", "agent")
    }

    owner = app_as(viewers["owner"]).run()
    assert not owner.exception
    assert next(m for m in owner.metric if m.label == "Customer contacts stored").value == "0"
    assert "generated demo data" not in texts(owner)
    supervisor = app_as(viewers["supervisor"]).run()
    assert not supervisor.exception
    assert "No contacts reached Front line in the last 28 days." in texts(supervisor)
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
    assert not sent_to_sign_in(at)  # no sign-in: the app does not start on a broken policy


# --- Sessions read the staff row on every run (issue 10, item 2) -------------------------------


def change(db_path: Path, act: Callable[[Database], object]) -> None:
    """What an owner does elsewhere (another browser, the command line) while a session is open."""
    db = open_database(db_path)
    try:
        act(db)
    finally:
        db.close()


def test_signing_out_ends_the_session_on_the_server(demo_db_path: Path) -> None:
    at = signed_in(DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    token = at.session_state[TOKEN_KEY]
    at.sidebar.button[0].click().run()
    db = open_database(demo_db_path)
    assert session_viewer(db, token) is None  # a copy of the token signs nobody in
    db.close()


def test_a_deactivated_person_is_sent_to_sign_in_at_their_next_click(demo_db_path: Path) -> None:
    at = signed_in(DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    assert at.title[0].value == "Welcome, Elif Yılmaz"
    change(demo_db_path, lambda db: set_active(db, DEMO_ACCOUNTS["agent"], False))
    at.run()
    assert not at.exception
    # The sign-in page says why (tests/training_app/test_sign_in_routes.py).
    assert sent_to_sign_in(at)
    assert TOKEN_KEY not in at.session_state


def test_a_new_password_ends_the_open_sessions(demo_db_path: Path) -> None:
    at = signed_in(DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    change(
        demo_db_path, lambda db: set_password(db, DEMO_ACCOUNTS["agent"], "a brand new password")
    )
    at.run()
    assert sent_to_sign_in(at)


def test_a_supervisor_moved_to_another_team_sees_that_team_at_once(demo_db_path: Path) -> None:
    at = signed_in(DEMO_ACCOUNTS["supervisor"], DEMO_PASSWORD)
    assert "Supervisor · Front line" in texts(at)
    change(demo_db_path, lambda db: set_team(db, DEMO_ACCOUNTS["supervisor"], "Billing"))
    at.run()
    # The home page's numbers are cached per viewer: the moved supervisor reads Billing's.
    assert "Supervisor · Billing" in texts(at)
    at.switch_page("app_pages/staff.py").run()
    assert at.title[0].value == "My team: Billing"
    assert set(at.dataframe[0].value["Team"]) == {"Billing"}


def test_an_agent_made_supervisor_gets_the_supervisor_pages_at_once(demo_db_path: Path) -> None:
    at = signed_in(DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    with pytest.raises(ValueError):
        at.switch_page("app_pages/staff.py").run()
    change(demo_db_path, lambda db: set_role(db, DEMO_ACCOUNTS["agent"], "supervisor"))
    at.run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    assert at.title[0].value == "My team: Front line"


# --- Guessing (issue 10, item 3) ----------------------------------------------------------------


def lock(db_path: Path, email: str) -> None:
    """Ten wrong passwords, each after the wait the one before it asked for."""
    db = open_database(db_path)
    try:
        for _ in range(auth.LOCK_AFTER_FAILURES):
            db.execute("UPDATE password_checks SET checked_at = checked_at - INTERVAL 1 HOUR")
            assert auth.sign_in(db, email, "not the password", "elsewhere").token is None
    finally:
        db.close()


def test_a_locked_account_is_told_so_plainly_and_an_owner_unlocks_it(demo_db_path: Path) -> None:
    lock(demo_db_path, DEMO_ACCOUNTS["agent"])
    db = open_database(demo_db_path)
    refused = auth.sign_in(db, DEMO_ACCOUNTS["agent"], DEMO_PASSWORD, "apptest").refusal
    db.close()
    assert refused == (
        "This account is locked after 10 wrong passwords in a row. An owner can unlock it on the "
        "Staff and teams page."
    )
    owner = signed_in(DEMO_ACCOUNTS["owner"], DEMO_PASSWORD)
    owner.switch_page("app_pages/staff.py").run()
    owner.radio(key="staff_section").set_value("Sign-in").run()
    locked = owner.dataframe[1].value
    assert list(locked["E-mail"]) == [DEMO_ACCOUNTS["agent"]]
    assert list(locked["Staff member"]) == ["Elif Yılmaz"]
    assert list(locked["Wrong passwords"]) == [10]
    owner.button(key="unlock").click().run()
    assert not owner.exception
    # Shown as text (the e-mail is as typed on the sign-in page), so Markdown is escaped.
    # The e-mail is shown as text (training_app/components/text.py): not linked.
    assert owner.success[0].value == md(
        f"{DEMO_ACCOUNTS['agent']} is unlocked and may sign in again."
    )
    assert "No account is locked." in texts(owner)
    again = signed_in(DEMO_ACCOUNTS["agent"], DEMO_PASSWORD)
    assert again.title[0].value == "Welcome, Elif Yılmaz"


def test_a_supervisor_sees_no_locked_accounts_nor_unlock(viewers, demo_db_path: Path) -> None:
    lock(demo_db_path, DEMO_ACCOUNTS["agent"])
    at = app_as(viewers["supervisor"]).run()
    at.switch_page("app_pages/staff.py").run()
    assert not at.exception
    assert "Sign-in" not in at.radio(key="staff_section").options
    assert not [b for b in at.button if b.label == "Unlock"]
    assert DEMO_ACCOUNTS["agent"] in set(at.dataframe[0].value["E-mail"])  # the list is there


# --- Addresses a role may not open (issue 11, item 1) ------------------------------------------


@pytest.mark.parametrize(
    ("role", "address", "line"),
    [
        ("agent", "performance", "Team performance is not open to agents."),
        ("agent", "staff", "Staff and teams is not open to agents."),
        ("supervisor", "my-performance", "My performance is not open to supervisors."),
    ],
)
def test_an_address_the_role_may_not_open_says_so_in_one_line_on_home(
    viewers, role: str, address: str, line: str
) -> None:
    at = open_address(app_as(viewers[role]).run(), address).run()
    assert not at.exception
    # First on Home and only once (Home may warn of other things below, such as overdue training).
    warnings = [w.value for w in at.warning]
    assert warnings[0] == line and warnings.count(line) == 1
    assert at.title[0].value.startswith("Welcome,")  # Home, not the page asked for
    open_address(at, "home").run()  # said once
    assert not at.exception and line not in [w.value for w in at.warning]


def test_an_address_the_role_may_open_opens(viewers) -> None:
    at = open_address(app_as(viewers["supervisor"]).run(), "performance").run()
    assert not at.exception and not at.warning
    assert at.title[0].value == "Team performance"
