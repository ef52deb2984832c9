"""Signing in over HTTP (training_app/sign_in_routes.py) through Starlette's TestClient: a
request for a page without a session goes to sign in first and comes back to the very address;
the session is an HttpOnly, SameSite=Lax cookie for the organisation's session length; `next`
never leaves the server; the guessing limits, the first-owner offer and the notices of an ended
session are as they were on the Streamlit page; a form sent from another site is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from metrics import auth
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.organisation import set_setting
from metrics.people import NewStaffMember, Viewer, add_staff, add_team, list_staff
from metrics.store import Database, open_database
from training_app import sign_in_routes
from training_app.sign_in_routes import SESSION_COOKIE, SignInContext

OWNER = DEMO_ACCOUNTS["owner"]
THE_APP = "the app's page"  # what the stand-in for Streamlit answers


def app_page(request: Request) -> PlainTextResponse:
    return PlainTextResponse(THE_APP)


def server(db: Database, *, organisation: str = "Lumen", demo: bool = True) -> Starlette:
    """The sign-in routes and middleware as `training_app/server.py` mounts them, in front of a
    stand-in for Streamlit that answers every other address."""
    ctx = SignInContext(
        store=lambda: db, organisation_name=lambda: organisation, demo_in_store=lambda: demo
    )
    return Starlette(
        routes=[
            *sign_in_routes.routes(ctx),
            Route("/{rest:path}", app_page, methods=["GET", "POST"]),
        ],
        middleware=[Middleware(sign_in_routes.SignInFirst, ctx=ctx)],
    )


@pytest.fixture
def demo_db(demo_db_path: Path) -> Iterator[Database]:
    database = open_database(demo_db_path)
    yield database
    database.close()


@pytest.fixture
def client(demo_db: Database) -> TestClient:
    return TestClient(server(demo_db), follow_redirects=False)


def sign_in(client: TestClient, email: str, password: str, next_path: str = "/", **headers: str):
    return client.post(
        "/sign-in", data={"email": email, "password": password, "next": next_path}, headers=headers
    )


def set_cookie(response) -> SimpleCookie:  # type: ignore[no-untyped-def]
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookie.load(header)
    return cookie


@pytest.mark.parametrize("address", ["/", "/home", "/agent?agent=12", "/module?module=x&y=1"])
def test_a_page_asked_for_without_a_session_signs_in_first_and_keeps_the_address(
    client: TestClient, address: str
) -> None:
    asked = client.get(address)
    assert asked.status_code == 303
    assert asked.headers["location"].startswith("/sign-in")
    page = client.get(asked.headers["location"])
    assert page.status_code == 200
    assert "<h1>Service Academy</h1>" in page.text
    signed = sign_in(client, OWNER, DEMO_PASSWORD, _next_field(page.text))
    assert signed.status_code == 303
    assert signed.headers["location"] == address  # back where the link pointed, query and all
    assert client.get(address).text == THE_APP  # the cookie signs the next request in


def _next_field(html: str) -> str:
    marker = 'name="next" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)].replace("&amp;", "&")


def test_the_session_is_an_httponly_lax_cookie_for_the_organisations_session_length(
    demo_db: Database, client: TestClient
) -> None:
    set_setting(demo_db, auth.SESSION_HOURS_SETTING, "2.5")
    signed = sign_in(client, OWNER, DEMO_PASSWORD, "/agent?agent=12")
    [header] = signed.headers.get_list("set-cookie")
    cookie = set_cookie(signed)[SESSION_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "lax"
    assert cookie["path"] == "/"
    assert cookie["max-age"] == str(int(timedelta(hours=2.5).total_seconds()))
    assert not cookie["secure"]  # plain http here; see the https test below
    # The token is in the cookie only, never in an address that a history or a log keeps.
    assert cookie.value not in signed.headers["location"]
    viewer = auth.session_viewer(demo_db, cookie.value)
    assert viewer is not None and viewer.email == OWNER
    assert "Secure" not in header


def test_over_https_the_cookie_is_secure(demo_db: Database) -> None:
    client = TestClient(server(demo_db), base_url="https://academy.example", follow_redirects=False)
    signed = sign_in(client, OWNER, DEMO_PASSWORD)
    assert set_cookie(signed)[SESSION_COOKIE]["secure"] is True


@pytest.mark.parametrize(
    "next_path",
    [
        "https://elsewhere.example/x",
        "//elsewhere.example/x",
        "/\\elsewhere.example",
        "javascript:alert(1)",
        "elsewhere.example",
        "/ok\r\nSet-Cookie: x=y",
        "/sign-in",
        "/first-owner?next=/",
        "/" + "a" * sign_in_routes.MAX_NEXT_LENGTH,
    ],
)
def test_next_is_only_ever_a_path_of_this_server(client: TestClient, next_path: str) -> None:
    assert sign_in(client, OWNER, DEMO_PASSWORD, next_path).headers["location"] == "/"
    page = client.get("/sign-in", params={"next": next_path})
    assert page.status_code == 303 and page.headers["location"] == "/"  # signed in already


def test_a_wrong_password_is_refused_on_the_form_without_a_cookie(client: TestClient) -> None:
    refused = sign_in(client, OWNER, "not the password", "/agent?agent=3")
    assert refused.status_code == 200
    assert "That e-mail and password do not match an active account." in refused.text
    assert not refused.headers.get_list("set-cookie")
    # The form keeps the e-mail and where to go, so the next try needs only the password.
    assert f'value="{OWNER}"' in refused.text
    assert _next_field(refused.text) == "/agent?agent=3"


def test_thirty_quick_wrong_passwords_do_not_let_the_right_one_in(client: TestClient) -> None:
    for _ in range(30):
        sign_in(client, OWNER, "not the password")
    late = sign_in(client, OWNER, DEMO_PASSWORD)
    assert late.status_code == 200 and not late.headers.get_list("set-cookie")
    # The wait counts down from 5 s after the last wrong one; a busy machine spends some of it
    # before the right one arrives.
    told = re.search(
        r"Too many wrong passwords for this e-mail: wait (\d) seconds?, then try again\.", late.text
    )
    assert told is not None and 1 <= int(told.group(1)) <= 5


def test_a_locked_account_is_told_so_plainly(demo_db: Database, client: TestClient) -> None:
    for _ in range(auth.LOCK_AFTER_FAILURES):  # each after the wait the one before asked for
        demo_db.execute("UPDATE password_checks SET checked_at = checked_at - INTERVAL 1 HOUR")
        sign_in(client, OWNER, "not the password")
    locked = sign_in(client, OWNER, DEMO_PASSWORD)
    assert (
        "This account is locked after 10 wrong passwords in a row. An owner can unlock it on the "
        "Staff and teams page."
    ) in locked.text


@pytest.mark.parametrize(
    "origin", ["https://elsewhere.example", "http://testserver.elsewhere.example", "null"]
)
def test_a_form_sent_from_another_site_is_refused(
    demo_db: Database, client: TestClient, origin: str
) -> None:
    before = demo_db.execute("SELECT count(*) FROM sign_in_sessions").fetchone()
    refused = sign_in(client, OWNER, DEMO_PASSWORD, origin=origin)
    assert refused.status_code == 403
    assert not refused.headers.get_list("set-cookie")
    assert demo_db.execute("SELECT count(*) FROM sign_in_sessions").fetchone() == before
    marked = sign_in(client, OWNER, DEMO_PASSWORD, **{"sec-fetch-site": "cross-site"})
    assert marked.status_code == 403


def test_a_form_from_the_apps_own_page_is_accepted(client: TestClient) -> None:
    signed = sign_in(client, OWNER, DEMO_PASSWORD, origin="http://testserver")
    assert signed.status_code == 303
    same = sign_in(client, OWNER, DEMO_PASSWORD, **{"sec-fetch-site": "same-origin"})
    assert same.status_code == 303


@pytest.mark.parametrize(
    ("end", "notice"),
    [
        (lambda db, token: auth.end_session(db, token), "You are signed out."),
        (
            lambda db, token: auth.set_active(db, OWNER_OTHER, False),
            "Your account was deactivated, so you were signed out. Ask an owner if this is a "
            "mistake.",
        ),
        (
            lambda db, token: auth.set_password(db, OWNER_OTHER, "a brand new password"),
            "Your password was changed, so you were signed out. Sign in with the new password.",
        ),
        (
            lambda db, token: db.execute(
                "UPDATE sign_in_sessions SET expires_at = now() - INTERVAL 1 MINUTE"
            ),
            "Your sign-in ran out after its time limit. Sign in again to go on.",
        ),
    ],
)
def test_an_ended_session_is_told_why_and_its_cookie_removed(
    demo_db: Database, client: TestClient, end, notice: str
) -> None:
    signed = sign_in(client, OWNER_OTHER, DEMO_PASSWORD)
    token = set_cookie(signed)[SESSION_COOKIE].value
    assert client.get("/policy").text == THE_APP
    end(demo_db, token)
    asked = client.get("/policy")
    assert asked.headers["location"] == "/sign-in?next=/policy"
    page = client.get(asked.headers["location"])
    assert notice in page.text
    removed = set_cookie(page)[SESSION_COOKIE]
    assert removed.value == "" and removed["max-age"] == "0"


OWNER_OTHER = DEMO_ACCOUNTS["agent"]  # an account whose ending leaves an owner to sign in


def test_text_from_people_is_shown_as_text(demo_db: Database) -> None:
    client = TestClient(server(demo_db, organisation="<b>Lumen</b> & co"), follow_redirects=False)
    page = sign_in(client, '<img src=x onerror="alert(1)">', "wrong password")
    assert "&lt;b&gt;Lumen&lt;/b&gt; &amp; co" in page.text
    assert "<img" not in page.text and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page.text


def test_the_demo_accounts_are_offered_only_on_a_demo_store(demo_db: Database) -> None:
    demo = TestClient(server(demo_db), follow_redirects=False).get("/sign-in").text
    assert "generated demo data" in demo and DEMO_PASSWORD in demo
    real = TestClient(server(demo_db, demo=False), follow_redirects=False).get("/sign-in").text
    assert "generated demo data" not in real and DEMO_PASSWORD not in real


def test_other_addresses_pass_untouched(client: TestClient) -> None:
    # Streamlit's own files and WebSocket, and the HTTP API, answer for themselves.
    for address in ("/_stcore/health", "/static/js/index.js", "/api/v1/reports/agents"):
        assert client.get(address).text == THE_APP
    assert client.post("/policy").text == THE_APP  # only a page's GET is a page


# --- The first owner ------------------------------------------------------------------------


@pytest.fixture
def newcomer(tmp_path: Path) -> Iterator[Database]:
    """What `academy import` leaves on a new store: a team and agents nobody can sign in as."""
    database = open_database(tmp_path / "new.duckdb")
    add_team(database, "Front line")
    add_staff(database, NewStaffMember(name="Imported Agent", role="agent", team="Front line"))
    yield database
    database.close()


def create_owner(client: TestClient, name: str, email: str, password: str, again: str):
    fields = {"name": name, "email": email, "password": password, "again": again, "next": "/"}
    return client.post("/first-owner", data=fields)


def test_a_store_nobody_can_manage_offers_to_create_the_first_owner(newcomer: Database) -> None:
    client = TestClient(server(newcomer, demo=False), follow_redirects=False)
    asked = client.get("/training")
    assert asked.headers["location"] == "/first-owner?next=/training"
    page = client.get(asked.headers["location"])
    assert "<h1>Create the first owner</h1>" in page.text
    assert "generated demo data" not in page.text
    differ = create_owner(client, "Olga Owner", "olga@x.example", "long enough pw", "long enough X")
    assert "Not created: the two passwords differ." in differ.text
    bad = create_owner(client, "Olga Owner", "not an address", "short", "short")
    assert "E-mail: that is not an e-mail address" in bad.text
    assert "Password: a password needs at least 10 characters" in bad.text
    made = create_owner(client, "Olga Owner", "Olga@X.example", "long enough pw", "long enough pw")
    assert made.status_code == 303
    token = set_cookie(made)[SESSION_COOKIE].value
    viewer = auth.session_viewer(newcomer, token)
    assert viewer is not None and (viewer.name, viewer.role) == ("Olga Owner", "owner")
    # The offer went with the first owner: its address now leads to the sign-in form.
    other = TestClient(server(newcomer, demo=False), follow_redirects=False)
    assert other.get("/first-owner").headers["location"] == "/sign-in"
    assert other.get("/").headers["location"] == "/sign-in"
    assert "Create the first owner" not in other.get("/sign-in").text


def test_a_first_owner_form_sent_after_an_owner_exists_makes_nobody(newcomer: Database) -> None:
    late = TestClient(server(newcomer, demo=False), follow_redirects=False)
    late.get("/first-owner")  # opened while no owner existed
    owner = NewStaffMember(
        name="Olga", email="o@x.example", role="owner", password="long enough pw"
    )
    add_staff(newcomer, owner)
    sent = create_owner(late, "Mallory", "m@x.example", "long enough pw", "long enough pw")
    assert "Not created: an owner account exists already" in sent.text
    assert not sent.headers.get_list("set-cookie")
    owners = [m.email for m in list_staff(newcomer, Viewer.local_admin()) if m.role == "owner"]
    assert owners == ["o@x.example"]


TEMPORARY = "given by the owner"


def test_a_temporary_password_is_replaced_by_ones_own_before_anything_else(
    demo_db: Database, client: TestClient
) -> None:
    owner = next(m for m in list_staff(demo_db, Viewer.local_admin()) if m.email == OWNER)
    agent = next(m for m in list_staff(demo_db, Viewer.local_admin()) if m.email == OWNER_OTHER)
    owner_viewer = Viewer(
        staff_id=owner.id, name=owner.name, email=OWNER, role="owner", team_id=owner.team_id
    )
    auth.set_temporary_password(demo_db, owner_viewer, agent.id, TEMPORARY)

    signed = sign_in(client, OWNER_OTHER, TEMPORARY, "/agent?agent=3")
    assert signed.status_code == 303
    assert signed.headers["location"] == "/choose-password?next=/agent%3Fagent%3D3"
    # Every page waits until then, the address kept.
    assert client.get("/policy").headers["location"] == "/choose-password?next=/policy"
    form = client.get(signed.headers["location"])
    assert "Choose your password" in form.text
    assert _next_field(form.text) == "/agent?agent=3"

    def choose(password: str, again: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/choose-password",
            data={"password": password, "again": again, "next": "/agent?agent=3"},
        )

    assert "the two passwords differ" in choose("my very own words", "my very own wordz").text
    assert auth.SAME_PASSWORD in choose(TEMPORARY, TEMPORARY).text
    assert "at least 10 characters" in choose("short", "short").text
    chosen = choose("my very own words", "my very own words")
    assert chosen.status_code == 303 and chosen.headers["location"] == "/agent?agent=3"
    assert client.get("/policy").text == THE_APP  # the same session goes on
    # The form is gone, and only the new password signs in.
    assert client.get("/choose-password").headers["location"] == "/"
    other = TestClient(server(demo_db), follow_redirects=False)
    assert sign_in(other, OWNER_OTHER, TEMPORARY).status_code == 200  # refused: the form again
    assert sign_in(other, OWNER_OTHER, "my very own words").headers["location"] == "/"


def test_choosing_a_password_needs_a_session_with_a_temporary_one(client: TestClient) -> None:
    assert client.get("/choose-password").headers["location"] == "/sign-in"
    refused = client.post("/choose-password", data={"password": "x" * 12, "again": "x" * 12})
    assert refused.headers["location"] == "/sign-in"
    signed = sign_in(client, OWNER_OTHER, DEMO_PASSWORD)
    assert signed.headers["location"] == "/"
    kept = client.post("/choose-password", data={"password": "y" * 12, "again": "y" * 12})
    assert "this sign-in has no temporary password to replace" in kept.text
