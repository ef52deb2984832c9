"""`GET /api/v1/reports/training-impact`: the JSON of `academy report training-impact --format
json`, within the token's scope (an owner's everyone, a supervisor's team, an agent's nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from metrics.organisation import ensure_policy_in_force
from metrics.store import Database
from modules.policy import load_policy
from tests.training_app.test_api import (  # noqa: F401 (fixtures)
    bearer,
    cli_json,
    client,
    ctx,
    db,
    store_path,
    tokens,
)

ROUTE = "/api/v1/reports/training-impact"


def test_the_training_impact_is_the_command_lines_within_the_tokens_scope(
    client: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    store_path: Path,  # noqa: F811
    db: Database,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    ensure_policy_in_force(db, load_policy())
    asked = {"module": "handling-complaints", "weeks": "2"}
    owner = client.get(ROUTE, params=asked, headers=bearer(tokens["owner"]))
    assert owner.status_code == 200
    argv = ["report", "training-impact", "--module", "handling-complaints", "--weeks", "2"]
    assert owner.json() == cli_json(capsys, *argv, "--format", "json", "--db", str(store_path))
    assert (owner.json()["module"], owner.json()["weeks"]) == ("handling-complaints", 2)
    supervisor = client.get(ROUTE, params=asked, headers=bearer(tokens["supervisor"]))
    assert supervisor.status_code == 200
    agent = client.get(ROUTE, params=asked, headers=bearer(tokens["agent"]))
    assert agent.status_code == 403
    unknown = client.get(ROUTE, params={"module": "nope"}, headers=bearer(tokens["owner"]))
    assert unknown.status_code == 400 and "'nope'" in unknown.json()["error"]
    missing = client.get(ROUTE, headers=bearer(tokens["owner"]))
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "module: required, a module's id"},
    )
    bad = client.get(ROUTE, params={**asked, "weeks": "x"}, headers=bearer(tokens["owner"]))
    assert bad.status_code == 400
