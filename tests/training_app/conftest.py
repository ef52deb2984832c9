from __future__ import annotations

from pathlib import Path

import pytest

from metrics.demo.people import DEMO_ACCOUNTS
from metrics.people import Viewer
from tests.training_app.apptest import demo_viewer


@pytest.fixture
def viewers(demo_db_path: Path) -> dict[str, Viewer]:
    return {role: demo_viewer(demo_db_path, role) for role in DEMO_ACCOUNTS}
