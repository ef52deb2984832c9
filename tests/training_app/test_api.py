"""The HTTP API through Starlette's TestClient: tokens and their scope, the same answers as the
command line, one-line JSON errors with their status, every request logged with its token."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from metrics import auth
from metrics.people import NewStaffMember, Viewer, add_staff, add_team
from metrics.store import Database, open_database
from modules.policy import DEFAULT_POLICY_PATH
from training_app import api
from training_app.cli import main

ADMIN = Viewer.local_admin()
HEADER = "interaction_id,channel,agent_email,agent_name,team,queued_at,answered_at,resolved_at,csat"
ROWS = [
    "F1,phone,ana@x.example,Ana,Front line,2026-03-02 09:00,2026-03-02 09:00:20,2026-03-02 09:05,5",
    "F2,chat,ana@x.example,Ana,Front line,2026-03-02 09:10,2026-03-02 09:11:30,,2",
    "F3,phone,,,Front line,2026-03-02 09:20,,,",
    "B1,email,ben@x.example,Ben,Back office,2026-03-03 10:00,2026-03-03 11:00,2026-03-03 12:00,4",
]
REPORT = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "org.duckdb"


@pytest.fixture
def db(store_path: Path) -> Iterator[Database]:
    database = open_database(store_path)
    teams = {name: add_team(database, name) for name in ("Front line", "Back office")}
    for name, email, team in (
        ("Ana", "ana@x.example", "Front line"),
        ("Ben", "ben@x.example", "Back office"),
    ):
        add_staff(database, NewStaffMember(name=name, email=email, role="agent", team=team))
    assert teams
    yield database
    database.close()


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def token(db: Database, name: str, role: str, team: str | None = None) -> str:
    return auth.create_api_token(
        db,
        ADMIN,
        auth.ApiTokenRequest(name=name, role=role, team=team),  # type: ignore[arg-type]
    ).token


@pytest.fixture
def tokens(db: Database) -> dict[str, str]:
    found = {
        "owner": token(db, "etl", "owner"),
        "supervisor": token(db, "nightly", "supervisor", "Front line"),
        "agent": token(db, "agent-bot", "agent", "Front line"),
        "revoked": token(db, "old", "owner"),
    }
    auth.revoke_api_token(db, ADMIN, "old")
    return found


@pytest.fixture
def ctx(db: Database, store_path: Path) -> api.ApiContext:
    written: list[str] = []
    return api.ApiContext(
        store_path=store_path.resolve(),
        store=lambda: db,
        policy_file=lambda: DEFAULT_POLICY_PATH,
        base_url=lambda: "http://testserver",
        after_write=lambda: written.append("cleared"),
    )


@pytest.fixture
def client(ctx: api.ApiContext) -> Iterator[TestClient]:
    with TestClient(api.standalone_app(ctx)) as started:
        yield started


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def upload(client: TestClient, key: str, file: Path, **fields: str):  # type: ignore[no-untyped-def]
    with file.open("rb") as body:
        return client.post(
            "/api/v1/imports",
            headers=bearer(key),
            files={"file": (file.name, body, "text/csv")},
            data=fields,
        )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing Authorization: Bearer TOKEN (an owner creates tokens)"),
        (
            {"Authorization": "Basic abc"},
            "missing Authorization: Bearer TOKEN (an owner creates tokens)",
        ),
        (bearer("sa_not-a-real-token"), "unknown or revoked API token"),
    ],
)
def test_no_token_or_an_unknown_one_is_401(
    client: TestClient, tokens: dict[str, str], headers: dict[str, str], message: str
) -> None:
    answer = client.get("/api/v1/reports/agents", params=REPORT, headers=headers)
    assert (answer.status_code, answer.json()) == (401, {"error": message})
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_revoked_token_is_401(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.get("/api/v1/reports/agents", params=REPORT, headers=bearer(tokens["revoked"]))
    assert (answer.status_code, answer.json()) == (401, {"error": "unknown or revoked API token"})


def test_the_report_is_the_command_lines_report(
    capsys: pytest.CaptureFixture[str],
    client: TestClient,
    tokens: dict[str, str],
    contacts: Path,
    store_path: Path,
) -> None:
    cli_json(capsys, "import", str(contacts), "--db", str(store_path))
    period = ["--from", REPORT["from"], "--to", REPORT["to"], "--db", str(store_path)]
    for params, args in (
        (REPORT, []),
        (
            {**REPORT, "team": "Front line", "channel": "phone"},
            ["--team", "Front line", "--channel", "phone"],
        ),
    ):
        answer = client.get(
            "/api/v1/reports/agents", params=params, headers=bearer(tokens["owner"])
        )
        assert answer.status_code == 200
        assert answer.json() == cli_json(capsys, "report", "agents", *period, *args)
    csv = client.get(
        "/api/v1/reports/agents",
        params={**REPORT, "format": "csv"},
        headers=bearer(tokens["owner"]),
    )
    capsys.readouterr()
    assert main(["report", "agents", *period, "--format", "csv"]) == 0
    assert csv.text == capsys.readouterr().out


def test_a_supervisors_token_has_exactly_a_supervisors_scope(
    capsys: pytest.CaptureFixture[str],
    client: TestClient,
    tokens: dict[str, str],
    contacts: Path,
    store_path: Path,
) -> None:
    cli_json(capsys, "import", str(contacts), "--db", str(store_path))
    key = bearer(tokens["supervisor"])
    own = client.get("/api/v1/reports/agents", params=REPORT, headers=key).json()
    assert [agent["name"] for agent in own["agents"]] == ["Ana"]
    assert own["team"]["offered"] == 3  # the Front line's queue only
    other = client.get(
        "/api/v1/reports/agents", params={**REPORT, "team": "Back office"}, headers=key
    )
    assert other.status_code == 403 and "error" in other.json()
    unknown = client.get(
        "/api/v1/reports/agents", params={**REPORT, "team": "Nowhere"}, headers=key
    )
    # Only the teams this token may see are named.
    assert unknown.json() == {"error": "team: no team named 'Nowhere' (teams: Front line)"}
    agent = client.get("/api/v1/reports/agents", params=REPORT, headers=bearer(tokens["agent"]))
    assert agent.status_code == 403


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"to": "2026-03-31"}, "from: required, as YYYY-MM-DD"),
        ({"from": "2026-3-1", "to": "2026-03-31"}, "from: '2026-3-1' is not a date (YYYY-MM-DD)"),
        ({**REPORT, "channel": "fax"}, "channel: must be one of phone, chat, email, social"),
        (
            {**REPORT, "form": "x"},
            "unknown parameter 'form' (known: from, to, team, channel, format)",
        ),
        (
            {"from": "2026-03-31", "to": "2026-03-01"},
            "the period starts (2026-03-31) after it ends (2026-03-01)",
        ),
        ({**REPORT, "format": "xml"}, "format: must be json or csv"),
    ],
)
def test_bad_report_parameters_are_400(
    client: TestClient, tokens: dict[str, str], params: dict[str, str], message: str
) -> None:
    answer = client.get("/api/v1/reports/agents", params=params, headers=bearer(tokens["owner"]))
    assert (answer.status_code, answer.json()) == (400, {"error": message})


def test_an_import_gives_the_command_lines_answer_and_records_the_token(
    capsys: pytest.CaptureFixture[str],
    client: TestClient,
    tokens: dict[str, str],
    contacts: Path,
    store_path: Path,
    tmp_path: Path,
    db: Database,
) -> None:
    # The same file on a copy of the store, through the command line.
    copy = tmp_path / "copy.duckdb"
    db.execute("CHECKPOINT")
    copy.write_bytes(store_path.read_bytes())
    expected = cli_json(capsys, "import", str(contacts), "--db", str(copy))
    assert isinstance(expected, dict)

    dry = upload(client, tokens["owner"], contacts, dry_run="true")
    assert dry.status_code == 200 and dry.json()["batch_id"] is None
    assert db.execute("SELECT count(*) FROM interactions").fetchone() == (0,)

    answer = upload(client, tokens["owner"], contacts, format="generic")
    assert answer.status_code == 200
    assert answer.json() == {**expected, "file": "contacts.csv"}
    assert db.execute("SELECT imported_by, imported_by_id FROM import_batches").fetchall() == [
        ("API token etl", -1)
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"format": "excel"},
            "format: must be one of generic, zendesk, freshdesk, asterisk, complaints",
        ),
        ({"dry_run": "maybe"}, "dry_run: must be true or false"),
        ({"dryrun": "true"}, "unknown parameter 'dryrun' (known: file, format, dry_run, timezone)"),
    ],
)
def test_bad_import_fields_are_400(
    client: TestClient, tokens: dict[str, str], contacts: Path, fields: dict[str, str], message: str
) -> None:
    answer = upload(client, tokens["owner"], contacts, **fields)
    assert (answer.status_code, answer.json()) == (400, {"error": message})


def test_an_import_without_a_file_or_of_an_unreadable_one_is_400(
    client: TestClient, tokens: dict[str, str], tmp_path: Path
) -> None:
    missing = client.post(
        "/api/v1/imports", headers=bearer(tokens["owner"]), data={"format": "generic"}
    )
    assert missing.status_code == 400
    assert missing.json() == {
        "error": "file: required: send the file as the multipart field 'file'"
    }
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    answer = upload(client, tokens["owner"], empty)
    assert (answer.status_code, answer.json()) == (
        400,
        {"error": "import: empty.csv: the file is empty"},
    )


def test_an_agents_token_may_not_import(
    client: TestClient, tokens: dict[str, str], contacts: Path, db: Database
) -> None:
    answer = upload(client, tokens["agent"], contacts)
    assert answer.status_code == 403 and set(answer.json()) == {"error"}
    assert db.execute("SELECT count(*) FROM import_batches").fetchone() == (0,)


def test_an_upload_over_the_limit_is_413(
    client: TestClient, tokens: dict[str, str], contacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "MAX_UPLOAD_BYTES", 100)
    answer = upload(client, tokens["owner"], contacts)
    assert answer.status_code == 413 and answer.json()["error"].startswith("the upload is larger")


def test_unknown_routes_and_methods_are_json_too(
    client: TestClient, tokens: dict[str, str]
) -> None:
    key = bearer(tokens["owner"])
    unknown = client.get("/api/v1/reports/coaching", headers=key)
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error": "no such route: /api/v1/reports/coaching (see the README's HTTP API section)"
    }
    wrong = client.get("/api/v1/imports", headers=key)
    assert (wrong.status_code, wrong.json()) == (
        405,
        {"error": "GET is not allowed here: use POST"},
    )


def test_only_the_local_secret_runs_command_lines(
    client: TestClient, ctx: api.ApiContext, tokens: dict[str, str], store_path: Path
) -> None:
    sent = {
        "argv": ["users", "list", "--format", "json"],
        "cwd": str(store_path.parent),
        "store": str(store_path),
        "policy": str(DEFAULT_POLICY_PATH),
        "modules": str(store_path.parent),
        "password": None,
    }
    refused = client.post("/api/v1/local/run", json=sent, headers=bearer(tokens["owner"]))
    assert refused.status_code == 403
    assert ctx.running is not None
    ran = client.post("/api/v1/local/run", json=sent, headers=bearer(ctx.running.secret))
    assert ran.status_code == 200
    answer = ran.json()
    assert (answer["status"], answer["stderr"]) == (0, "")
    assert sorted(member["name"] for member in json.loads(answer["stdout"])) == ["Ana", "Ben"]
    elsewhere = client.post(
        "/api/v1/local/run",
        json={**sent, "store": str(store_path.parent / "other.duckdb")},
        headers=bearer(ctx.running.secret),
    )
    assert elsewhere.status_code == 400


def test_a_command_run_in_the_app_records_the_command_lines_user(
    client: TestClient, ctx: api.ApiContext, db: Database, store_path: Path
) -> None:
    """`academy policy acknowledge` beside the app: the operating-system user who typed it is
    sent with the command, and recorded as who recorded the acknowledgement (issue 12)."""
    from metrics.organisation import ensure_policy_in_force
    from modules.policy import load_policy

    ensure_policy_in_force(db, load_policy())
    sent = {
        "argv": ["policy", "acknowledge", "--email", "ana@x.example", "--note", "paper"],
        "cwd": str(store_path.parent),
        "store": str(store_path),
        "policy": str(DEFAULT_POLICY_PATH),
        "modules": str(store_path.parent),
        "password": None,
        "user": "alice",
    }
    assert ctx.running is not None
    ran = client.post("/api/v1/local/run", json=sent, headers=bearer(ctx.running.secret))
    answer = ran.json()
    assert (ran.status_code, answer["status"], answer["stderr"]) == (200, 0, "")
    assert json.loads(answer["stdout"])["recorded_by"] == "command line (user alice)"


def test_every_request_is_logged_with_its_tokens_name(
    client: TestClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="academy.api"):
        client.get("/api/v1/reports/agents", params=REPORT, headers=bearer(tokens["supervisor"]))
        client.get("/api/v1/reports/agents", params=REPORT)
    lines = [record.getMessage() for record in caplog.records if record.name == "academy.api"]
    assert lines[0].startswith("GET /api/v1/reports/agents 200 token=API token nightly ")
    assert lines[1].startswith("GET /api/v1/reports/agents 401 token=- ")


def test_the_discovery_file_lives_while_the_api_serves(
    ctx: api.ApiContext, store_path: Path
) -> None:
    file = store_path.with_name(store_path.name + ".app.json")
    with TestClient(api.standalone_app(ctx)):
        assert file.stat().st_mode & 0o777 == 0o600
        fields = json.loads(file.read_text())
        assert fields["url"] == "http://testserver" and fields["store"] == str(store_path.resolve())
    assert not file.exists()


def test_an_import_reads_times_without_an_offset_in_the_zone_it_names(
    client: TestClient, tokens: dict[str, str], contacts: Path, db: Database
) -> None:
    # 09:00 in the policy's zone (Europe/Zagreb, UTC+1 in March) is 08:00 UTC; named as UTC it
    # stays 09:00.
    answer = upload(client, tokens["owner"], contacts, timezone="UTC")
    assert answer.status_code == 200, answer.json()
    stored = db.execute(
        "SELECT strftime(queued_at AT TIME ZONE 'UTC', '%H:%M') FROM interactions"
        " WHERE external_id = 'F1'"
    ).fetchone()
    assert stored == ("09:00",)
    assert db.execute("SELECT timezone FROM import_batches").fetchone() == ("UTC",)


def test_an_unknown_time_zone_is_400_naming_the_field(
    client: TestClient, tokens: dict[str, str], contacts: Path, db: Database
) -> None:
    answer = upload(client, tokens["owner"], contacts, timezone="Europe/Zagrebb")
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("import: timezone: unknown time zone 'Europe/Zagrebb'")
    assert db.execute("SELECT count(*) FROM import_batches").fetchone() == (0,)


def test_the_compliance_report_is_the_command_lines_within_the_tokens_scope(
    client: TestClient,
    tokens: dict[str, str],
    store_path: Path,
    db: Database,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from metrics.organisation import ensure_policy_in_force
    from modules.policy import load_policy

    ensure_policy_in_force(db, load_policy())
    answer = client.get("/api/v1/reports/compliance", headers=bearer(tokens["owner"]))
    assert answer.status_code == 200
    assert answer.json() == cli_json(capsys, "report", "compliance", "--db", str(store_path))
    mine = client.get("/api/v1/reports/compliance", headers=bearer(tokens["supervisor"])).json()
    assert [person["name"] for person in mine["staff"]] == ["Ana"]  # Front line only
    beyond = client.get(
        "/api/v1/reports/compliance",
        params={"team": "Back office"},
        headers=bearer(tokens["supervisor"]),
    )
    assert beyond.status_code == 403
    assert (
        client.get("/api/v1/reports/compliance", headers=bearer(tokens["agent"])).status_code == 403
    )
    csv_answer = client.get(
        "/api/v1/reports/compliance", params={"format": "csv"}, headers=bearer(tokens["owner"])
    )
    assert csv_answer.text.splitlines()[0].startswith("email,name,team,role,acknowledged_version")
    bad = client.get(
        "/api/v1/reports/compliance", params={"when": "now"}, headers=bearer(tokens["owner"])
    )
    assert (bad.status_code, bad.json()) == (
        400,
        {"error": "unknown parameter 'when' (known: team, format)"},
    )
