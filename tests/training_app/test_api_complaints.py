"""`GET /api/v1/reports/complaints`: the JSON and CSV of `academy report complaints`, within the
token's scope (an owner's everyone, a supervisor's team, an agent's nothing)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from metrics.organisation import ensure_policy_in_force
from metrics.people import Viewer, list_staff
from metrics.store import Database
from modules.policy import load_policy
from tests.metrics.complaints.test_report import add_complaint
from tests.training_app.test_api import (  # noqa: F401 (fixtures)
    bearer,
    cli_json,
    client,
    ctx,
    db,
    store_path,
    tokens,
)

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def test_the_complaints_report_is_the_command_lines_within_the_tokens_scope(
    client: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    store_path: Path,  # noqa: F811
    db: Database,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    loaded = load_policy()
    ensure_policy_in_force(db, loaded)
    for member in list_staff(db, Viewer.local_admin()):  # Ana in Front line, Ben in Back office
        who = Viewer(
            staff_id=member.id,
            name=member.name,
            email=member.email or "",
            role="agent",
            team_id=member.team_id,
        )
        add_complaint(db, loaded.policy, who, datetime(2026, 3, 2, 9, tzinfo=UTC), "billing")
    owner = client.get("/api/v1/reports/complaints", params=PERIOD, headers=bearer(tokens["owner"]))
    assert owner.status_code == 200
    argv = ["report", "complaints", "--from", "2026-03-01", "--to", "2026-03-31"]
    assert owner.json() == cli_json(capsys, *argv, "--db", str(store_path))
    assert owner.json()["complaints"] == 2
    mine = client.get(
        "/api/v1/reports/complaints", params=PERIOD, headers=bearer(tokens["supervisor"])
    ).json()
    assert (mine["complaints"], [a["name"] for a in mine["agents"]]) == (1, ["Ana"])
    beyond = client.get(
        "/api/v1/reports/complaints",
        params={**PERIOD, "team": "Back office"},
        headers=bearer(tokens["supervisor"]),
    )
    assert beyond.status_code == 403
    agent = client.get("/api/v1/reports/complaints", params=PERIOD, headers=bearer(tokens["agent"]))
    assert agent.status_code == 403
    csv_answer = client.get(
        "/api/v1/reports/complaints",
        params={**PERIOD, "format": "csv"},
        headers=bearer(tokens["owner"]),
    )
    assert csv_answer.text.splitlines() == [
        "agent,name,complaints,follow_up_compliance,satisfied_rate",
        "ana@x.example,Ana,1,0.0,",  # due 5 March, never followed up; nobody asked
        "ben@x.example,Ben,1,0.0,",
    ]
    missing = client.get(
        "/api/v1/reports/complaints", params={"from": "2026-03-01"}, headers=bearer(tokens["owner"])
    )
    assert (missing.status_code, missing.json()) == (400, {"error": "to: required, as YYYY-MM-DD"})
