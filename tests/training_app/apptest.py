"""Start the app under AppTest as a browser session would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from metrics import auth
from metrics.auth import start_session
from metrics.demo.people import DEMO_ACCOUNTS
from metrics.people import Viewer, list_staff, staff_viewer
from metrics.store import database_path, open_database
from training_app.session import TOKEN_KEY

APP = str(Path(__file__).resolve().parents[2] / "training_app" / "app.py")


def app_as(viewer: Viewer | None) -> AppTest:
    """The app as it starts for a browser session, signed in as `viewer` (or signed out): a
    session is opened in the test's store ($ACADEMY_DB) as the sign-in page would open it."""
    at = AppTest.from_file(APP, default_timeout=30)
    if viewer is not None:
        db = open_database(database_path())
        try:
            at.session_state[TOKEN_KEY] = start_session(db, viewer.staff_id, "apptest")
        finally:
            db.close()
    return at


def viewer_of(db_path: Path, email: str) -> Viewer:
    """The viewer a staff member is now, found by e-mail."""
    db = open_database(db_path)
    try:
        [member] = [m for m in list_staff(db, Viewer.local_admin()) if m.email == email]
        viewer = staff_viewer(db, member.id)
    finally:
        db.close()
    assert viewer is not None
    return viewer


def demo_viewer(db_path: Path, role: str) -> Viewer:
    return viewer_of(db_path, DEMO_ACCOUNTS[role])


def signed_in(email: str, password: str) -> AppTest:
    """The app as it opens after `POST /sign-in` with this e-mail and password: the same check
    (`metrics.auth.sign_in`), its session handed to AppTest, which cannot send the cookie."""
    db = open_database(database_path())
    try:
        result = auth.sign_in(db, email, password, "apptest")
    finally:
        db.close()
    assert result.token is not None, result.refusal
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[TOKEN_KEY] = result.token
    return at.run()


def open_address(at: AppTest, url_path: str) -> AppTest:
    """As a browser opening /url_path: the page st.navigation registered at that address,
    whatever it runs (AppTest's own switch_page finds only file pages). Streamlit names a page
    by the hash of its address."""
    at._page_hash = calc_hash(url_path)
    return at


def sent_to_sign_in(at: AppTest) -> bool:
    """Whether the page sends the browser to the sign-in page, keeping its address."""
    return any("/sign-in?next=" in str(element.proto.body) for element in at.get("html"))
