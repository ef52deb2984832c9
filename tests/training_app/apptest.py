"""Start the app under AppTest as a browser session would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import Viewer, authenticate
from metrics.store import open_database

APP = str(Path(__file__).resolve().parents[2] / "training_app" / "app.py")


def app_as(viewer: Viewer | None) -> AppTest:
    """The app as it starts for a browser session, signed in as `viewer` (or signed out)."""
    at = AppTest.from_file(APP, default_timeout=30)
    if viewer is not None:
        at.session_state["viewer"] = viewer
    return at


def demo_viewer(db_path: Path, role: str) -> Viewer:
    db = open_database(db_path)
    try:
        viewer = authenticate(db, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    finally:
        db.close()
    assert viewer is not None
    return viewer
