"""The participants' side of a rollout session over HTTP (training_app/rollout_routes.py),
through Starlette's TestClient on a hand-made store: signed out goes to sign in and comes back
to the join link; a wrong or ended code is one line; joining records attendance; the state and
the answers are JSON, a second answer replaces the first until the reveal and none is taken
after it; text from people or the policy is escaped; another site's posts are refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from metrics import auth
from metrics.people import NewStaffMember, Viewer, add_staff, add_team, staff_viewer
from metrics.store import Database, open_database
from metrics.training import rollout
from training_app import rollout_routes
from training_app.sign_in_routes import SESSION_COOKIE, SignInContext

QUESTION = rollout.NewCheckQuestion(
    kind="single_choice",
    prompt="How fast do we answer <b>the phone</b>?",
    options=["30 seconds", "60 seconds"],
    correct=[0],
    explanation="The phone standard.",
)
SAME_SITE = {"origin": "http://testserver"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "rollout.duckdb")
    yield database
    database.close()


@pytest.fixture
def people(db: Database) -> dict[str, Viewer]:
    add_team(db, "A")
    add_team(db, "B")
    found = {}
    for key, name, role, team in [
        ("owner", "Olga Owner", "owner", None),
        ("ana", "Ana <i>Anić</i>", "agent", "A"),
        ("cem", "Cem", "agent", "B"),
        ("sup_a", "Sup A", "supervisor", "A"),
    ]:
        staff_id = add_staff(
            db,
            NewStaffMember(name=name, email=f"{key}@x.example", role=role, team=team),
        )
        viewer = staff_viewer(db, staff_id)
        assert viewer is not None
        found[key] = viewer
    return found


def client_of(db: Database, viewer: Viewer | None) -> TestClient:
    ctx = SignInContext(
        store=lambda: db, organisation_name=lambda: "Lumen", demo_in_store=lambda: False
    )
    client = TestClient(Starlette(routes=rollout_routes.routes(ctx)), follow_redirects=False)
    if viewer is not None:
        client.cookies.set(SESSION_COOKIE, auth.start_session(db, viewer.staff_id, "testclient"))
    return client


def test_signed_out_the_join_link_signs_in_first_and_comes_back_with_the_code(
    db: Database, people: dict[str, Viewer]
) -> None:
    asked = client_of(db, None).get("/rollout/join?code=ABC123")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/sign-in?next=/rollout/join%3Fcode%3DABC123"
    assert client_of(db, None).get("/rollout/ABC123/state").status_code == 401


def test_joining_by_code_records_attendance_and_opens_the_room(
    db: Database, people: dict[str, Viewer]
) -> None:
    session = rollout.start_session(db, people["sup_a"], 1, "Vision <and> purpose")
    client = client_of(db, people["ana"])
    form = client.get(f"/rollout/join?code={session.join_code}")
    assert form.status_code == 200
    assert f'value="{session.join_code}"' in form.text  # prefilled from the QR code's link
    assert "Ana &lt;i&gt;Anić&lt;/i&gt;" in form.text  # a name is text, never HTML
    # Not joined yet: the room's address leads to the form, and records nothing.
    assert (
        client.get(f"/rollout/{session.join_code}")
        .headers["location"]
        .startswith("/rollout/join?code=")
    )
    assert db.execute("SELECT count(*) FROM rollout_attendance").fetchone() == (0,)

    joined = client.post(
        "/rollout/join", data={"code": session.join_code.lower()}, headers=SAME_SITE
    )
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/rollout/{session.join_code}"
    stored = db.execute("SELECT staff_id, marked_by FROM rollout_attendance").fetchall()
    assert stored == [(people["ana"].staff_id, None)]
    room = client.get(joined.headers["location"])
    assert room.status_code == 200
    assert "Vision &lt;and&gt; purpose" in room.text and "<and>" not in room.text


def test_a_wrong_or_ended_code_is_said_in_one_line_on_the_form(
    db: Database, people: dict[str, Viewer]
) -> None:
    client = client_of(db, people["ana"])
    wrong = client.post("/rollout/join", data={"code": "QQQ-QQQ"}, headers=SAME_SITE)
    assert wrong.status_code == 400
    assert "No rollout session has the code QQQQQQ: check the code on the screen." in wrong.text
    ended = rollout.start_session(db, people["owner"], 1, "Vision")
    rollout.end_session(db, people["owner"], ended.id)
    refused = client.post("/rollout/join", data={"code": ended.join_code}, headers=SAME_SITE)
    assert f"The rollout session with the code {ended.join_code} has ended." in refused.text
    other_team = rollout.start_session(db, people["sup_a"], 1, "Vision")
    cem = client_of(db, people["cem"])
    outside = cem.post("/rollout/join", data={"code": other_team.join_code}, headers=SAME_SITE)
    assert "This session is for the team A." in outside.text
    assert cem.get(f"/rollout/{ended.join_code}/state").status_code == 400  # never joined
    assert db.execute("SELECT count(*) FROM rollout_attendance").fetchone() == (0,)


def test_answers_replace_each_other_until_the_reveal_then_are_closed(
    db: Database, people: dict[str, Viewer]
) -> None:
    owner = people["owner"]
    session = rollout.start_session(db, owner, 1, "Vision")
    code = session.join_code
    client = client_of(db, people["ana"])
    client.post("/rollout/join", data={"code": code}, headers=SAME_SITE)
    assert client.get(f"/rollout/{code}/state").json()["question"] is None
    rollout.show_slide(db, owner, session.id, 2, "Standards per channel")
    question = rollout.open_question(db, owner, session.id, QUESTION)

    state = client.get(f"/rollout/{code}/state").json()
    assert state["slide"] == 2 and state["slide_title"] == "Standards per channel"
    assert state["question"] == {
        "id": question.id,
        "kind": "single_choice",
        "prompt": QUESTION.prompt,
        "options": ["30 seconds", "60 seconds"],
        "answer": None,
        "revealed": False,
        "correct": None,  # the right answer is not sent before the reveal
        "explanation": None,
    }
    url = f"/rollout/{code}/answer"
    first = client.post(url, json={"question_id": question.id, "choices": [1]}, headers=SAME_SITE)
    assert first.status_code == 200 and first.json()["question"]["answer"] == [1]
    again = client.post(url, json={"question_id": question.id, "choices": [0]}, headers=SAME_SITE)
    assert again.json()["question"]["answer"] == [0]
    assert rollout.answer_counts(db, owner, session.id, question.id).counts == [1, 0]

    rollout.reveal(db, owner, session.id, question.id)
    late = client.post(url, json={"question_id": question.id, "choices": [1]}, headers=SAME_SITE)
    assert late.status_code == 409
    assert late.json() == {"error": "The answer was revealed: answers to this question are closed."}
    after = client.get(f"/rollout/{code}/state").json()["question"]
    assert (after["answer"], after["correct"], after["explanation"]) == (
        [0],
        [0],
        "The phone standard.",
    )


def test_answers_from_another_site_or_not_as_json_are_refused(
    db: Database, people: dict[str, Viewer]
) -> None:
    owner = people["owner"]
    session = rollout.start_session(db, owner, 1, "Vision")
    client = client_of(db, people["ana"])
    client.post("/rollout/join", data={"code": session.join_code}, headers=SAME_SITE)
    question = rollout.open_question(db, owner, session.id, QUESTION)
    url = f"/rollout/{session.join_code}/answer"
    body = {"question_id": question.id, "choices": [0]}
    elsewhere = {"origin": "https://elsewhere.example"}
    assert client.post(url, json=body, headers=elsewhere).status_code == 403
    assert client.post(url, json=body).status_code == 403  # no Origin: no browser's page
    as_form = client.post(url, data={"question_id": "1"}, headers=SAME_SITE)
    assert as_form.status_code == 415
    bad = client.post(url, json={"question_id": "x"}, headers=SAME_SITE)
    assert bad.status_code == 400
    cross_join = client.post(
        "/rollout/join", data={"code": session.join_code}, headers={"sec-fetch-site": "cross-site"}
    )
    assert cross_join.status_code == 403
    assert rollout.answer_counts(db, owner, session.id, question.id).answered == 0


def test_a_device_waiting_for_a_change_is_answered_when_the_presenter_makes_one(
    db: Database, people: dict[str, Viewer], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = people["owner"]
    session = rollout.start_session(db, owner, 1, "Vision")
    client = client_of(db, people["ana"])
    client.post("/rollout/join", data={"code": session.join_code}, headers=SAME_SITE)
    state_url = f"/rollout/{session.join_code}/state"
    seen = client.get(state_url).json()["changes"]

    # Nothing changes: the answer comes when the wait is over, with the same state.
    monkeypatch.setattr(rollout_routes, "LONG_POLL_S", 0.4)
    began = time.monotonic()
    quiet = client.get(f"{state_url}?after={seen}").json()
    assert time.monotonic() - began >= 0.4
    assert (quiet["changes"], quiet["slide"]) == (seen, 0)

    # The presenter moves on while the device waits: it is answered then, with the new slide.
    monkeypatch.setattr(rollout_routes, "LONG_POLL_S", 30.0)
    mover = threading.Timer(
        0.3, rollout.show_slide, args=(db, owner, session.id, 2, "Standards per channel")
    )
    began = time.monotonic()
    mover.start()
    moved = client.get(f"{state_url}?after={seen}").json()
    waited = time.monotonic() - began
    mover.join()
    assert 0.25 <= waited < 5
    assert (moved["changes"], moved["slide_title"]) == (seen + 1, "Standards per channel")
    # A device whose number is out of date (the server restarted, say) is answered at once.
    began = time.monotonic()
    client.get(f"{state_url}?after={seen + 99}")
    assert time.monotonic() - began < 1
