"""`academy policy publish` and `academy report compliance`: the exact JSON shapes of issue 12,
item 7, all or nothing, one-line errors. A hand-made store: Ana (passed both modules on
3 November and signed version 1), Ben (nothing yet) in team A, the owner Olga; version 1 (the
shipped file) in force."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from metrics.organisation import ensure_policy_in_force, list_policy_versions
from metrics.people import NewStaffMember, add_staff, add_team
from metrics.store import open_database
from modules.defaults import MODULES_ENV_VAR
from modules.policy import load_policy
from training_app.cli import main

DONE = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "org.duckdb"
    db = open_database(path)
    try:
        ensure_policy_in_force(db, load_policy())
        add_team(db, "A")
        ids = {
            email: add_staff(db, NewStaffMember(name=name, email=email, role=role, team=team))
            for name, email, role, team in [
                ("Ana Agent", "ana@x.example", "agent", "A"),
                ("Ben Agent", "ben@x.example", "agent", "A"),
                ("Olga Owner", "olga@x.example", "owner", None),
            ]
        }
        for module_id in ("customer-service-policy", "handling-complaints"):
            db.execute(
                "INSERT INTO training_attempts (staff_id, module_id, module_version,"
                " module_title, policy_version, attempt_number, plan, started_at, last_active_at,"
                " completed_at, score, pass_mark, passed)"
                " VALUES (?, ?, 1, ?, 1, 1, '{}', ?, ?, ?, 0.9, 0.8, true)",
                [ids["ana@x.example"], module_id, module_id, DONE, DONE, DONE],
            )
        db.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at) VALUES (?, 1, 'Ana Agent', ?)",
            [ids["ana@x.example"], DONE],
        )
    finally:
        db.close()
    return path


def policy_file(tmp_path: Path, old: str, new: str) -> Path:
    text = load_policy().text
    assert old in text
    path = tmp_path / "policy-next.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def versions(store: Path) -> list[tuple[int, str]]:
    db = open_database(store)
    try:
        return [(v.version, v.status) for v in list_policy_versions(db)]
    finally:
        db.close()


def test_publishing_a_major_version_prints_exactly_the_issues_shape(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    file = policy_file(tmp_path, "answer_within_s: 30", "answer_within_s: 20")  # the phone's
    status, out, err = run(
        capsys, "policy", "publish", str(file), "--kind", "major", "--db", str(store)
    )
    assert (status, err) == (0, "")
    # Three active people × (the signature + the policy module, which quotes the phone's time).
    assert out == (
        '{"version": 2, "kind": "major", "assigned": 6, "acknowledgements_kept": 0,'
        ' "modules_due_again": ["customer-service-policy"]}\n'
    )
    assert versions(store) == [(1, "retired"), (2, "published")]


def test_publishing_a_minor_version_keeps_the_acknowledgement(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    file = policy_file(tmp_path, "would choose us again", "would happily choose us again")
    status, out, err = run(
        capsys, "policy", "publish", str(file), "--kind", "minor", "--db", str(store)
    )
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "version": 2,
        "kind": "minor",
        "assigned": 0,
        "acknowledgements_kept": 1,
        "modules_due_again": [],
    }


def test_a_file_that_does_not_validate_is_refused_and_nothing_is_saved(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path
) -> None:
    file = policy_file(tmp_path, "answer_within_s: 30", "answer_within_s: -5")
    status, out, err = run(
        capsys, "policy", "publish", str(file), "--kind", "major", "--db", str(store)
    )
    assert (status, out) == (1, "")
    [line] = err.splitlines()
    assert "standards.phone.answer_within_s" in line and "greater than 0" in line
    assert versions(store) == [(1, "published")]
    status, _, err = run(
        capsys,
        "policy",
        "publish",
        str(tmp_path / "nowhere.yaml"),
        "--kind",
        "major",
        "--db",
        str(store),
    )
    assert (status, err) == (
        1,
        f"academy: policy publish: {tmp_path / 'nowhere.yaml'}: no such file\n",
    )


def test_a_module_the_new_version_breaks_refuses_the_publish_and_keeps_no_draft(
    capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module quoting a value the policy leaves empty cannot be filled in from it: the draft
    # saved in the same transaction goes too.
    folder = tmp_path / "modules" / "refresher"
    folder.mkdir(parents=True)
    (folder / "module.yaml").write_text(
        "id: refresher\nversion: 1\ntitle: Refresher\nsummary: Again.\nestimated_minutes: 5\n"
        "mandatory: true\nsteps:\n  - kind: lesson\n    id: again\n    title: Again\n"
        "    body: Every {training.recertify_after_months} months.\n",
        encoding="utf-8",
    )
    file = policy_file(tmp_path, "answer_within_s: 30", "answer_within_s: 20")
    monkeypatch.setenv(MODULES_ENV_VAR, str(tmp_path / "modules"))
    status, out, err = run(
        capsys, "policy", "publish", str(file), "--kind", "major", "--db", str(store)
    )
    assert (status, out) == (1, "")
    assert "training.recertify_after_months" in err
    assert versions(store) == [(1, "published")]


def test_the_compliance_report_prints_the_issues_shape_as_json_and_csv(
    capsys: pytest.CaptureFixture[str], store: Path
) -> None:
    status, out, err = run(capsys, "report", "compliance", "--db", str(store))
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert list(report) == ["policy_version", "staff", "teams"]
    assert report["policy_version"] == 1
    ana, ben, olga = report["staff"]
    assert list(ana) == [
        "email", "name", "team", "role", "acknowledged_version", "acknowledged_at", "attended",
        "modules",
    ]  # fmt: skip
    assert (ana["acknowledged_version"], ana["acknowledged_at"], ana["attended"]) == (
        1,
        "2026-11-03T09:00:00+00:00",
        False,
    )
    assert [list(m) for m in ana["modules"]] == [
        ["module", "state", "due", "overdue_days", "best_score"]
    ] * 2
    assert [m["state"] for m in ana["modules"]] == ["passed", "passed"]
    assert (ben["acknowledged_version"], olga["team"]) == (None, None)
    assert report["teams"] == [
        {
            "team": "A",
            "staff": 2,
            "completed_rate": 0.5,
            "acknowledged_rate": 0.5,
            "attended_rate": 0.0,
        },
        {
            "team": None,
            "staff": 1,
            "completed_rate": 0.0,
            "acknowledged_rate": 0.0,
            "attended_rate": 0.0,
        },
    ]
    status, out, _ = run(
        capsys, "report", "compliance", "--team", "A", "--format", "csv", "--db", str(store)
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0 and len(rows) == 4  # Ana and Ben, two modules each
    assert list(rows[0]) == [
        "email", "name", "team", "role", "acknowledged_version", "acknowledged_at", "attended",
        "module", "state", "due", "overdue_days", "best_score",
    ]  # fmt: skip
    status, out, err = run(capsys, "report", "compliance", "--team", "Z", "--db", str(store))
    assert (status, out, err) == (1, "", "academy: --team: no team named 'Z' (teams: A)\n")
