"""The Import page's complaint register format under AppTest, on the small demo: the shipped
sample detected and imported, a bad row refused with its reason, the import again skipped as
duplicates, a supervisor's import held to their team, and an agent kept out."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from metrics.people import Viewer
from metrics.store import open_database
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts

PAGE = "app_pages/import_contacts.py"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "complaints.csv"
# The sample's six complaints, by complaint_id (data/samples/complaints.csv).
SAMPLE_IDS = [f"CR-{n}" for n in range(1041, 1047)]


@pytest.fixture(autouse=True)
def uploads_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def open_page(viewer: Viewer):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def upload(at, content: bytes, name: str):  # type: ignore[no-untyped-def]
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def imported(db_path: Path) -> list[tuple[str, str | None]]:
    db = open_database(db_path)
    try:
        return db.execute(
            "SELECT external_id, compensation_status FROM complaints WHERE source = 'import'"
            " ORDER BY external_id"
        ).fetchall()
    finally:
        db.close()


def test_an_owner_imports_the_sample_register_then_again_as_duplicates(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    sample = SAMPLE.read_bytes()
    at = upload(open_page(viewers["owner"]), sample, "complaints.csv")
    assert at.selectbox[0].label == "Format" and at.selectbox[0].value == "complaints"
    assert "complaint register (CSV or Parquet) (detected)" in at.selectbox[0].options

    at.button(key="complaints_import_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at) == {
        "Rows read": "6",
        "Loaded": "6",
        "Rejected": "0",
        "Duplicates skipped": "0",
    }
    assert "Imported 6 complaints from complaints.csv (import #1) into the complaint register." in (
        texts(at)
    )
    # Within the receiver's limit: granted; above it, with an approver who may: approved.
    assert imported(demo_db_path) == [
        ("CR-1041", "granted"),
        ("CR-1042", "granted"),
        ("CR-1043", "granted"),  # 120 of a replacement by a supervisor: within their 300
        ("CR-1044", "approved"),  # 60 of account credit: the agent's limit is 25
        ("CR-1045", None),
        ("CR-1046", "approved"),  # 350 of a replacement: above the supervisor's, the owner's
    ]
    history = at.dataframe[0].value
    assert list(history["Import"]) == ["#1"] and list(history["Loaded"]) == [6]

    # The same file again, with a bad row: the six are duplicates, the new row is refused.
    bad = b"CR-1047,2026-11-19 10:00,agent@demo.example,fax,,,,,billing" + b"," * 13 + b"\n"
    at = upload(at, sample + bad, "complaints-again.csv")
    at.button(key="complaints_import_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at) == {
        "Rows read": "7",
        "Loaded": "0",
        "Rejected": "1",
        "Duplicates skipped": "6",
    }
    rejects = at.dataframe[0].value
    assert list(rejects.columns) == ["Row", "Id", "Column", "Value", "Reason"]
    assert rejects.iloc[0].to_dict() == {
        "Row": 8,
        "Id": "CR-1047",
        "Column": "channel",
        "Value": "fax",
        "Reason": "unknown channel: expected phone, chat, email, social",
    }
    assert len(imported(demo_db_path)) == 6
    history = at.dataframe[1].value
    assert list(history["Import"]) == ["#2", "#1"]
    assert list(history["Duplicates"]) == [6, 0]
    assert any(
        b.proto.label == "Download the rejected rows of import #2 (CSV)"
        for b in at.get("download_button")
    )


def test_a_check_stores_nothing(viewers: dict[str, Viewer], demo_db_path: Path) -> None:
    at = upload(open_page(viewers["owner"]), SAMPLE.read_bytes(), "complaints.csv")
    at.button(key="complaints_check_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at)["Would load"] == "6"
    assert "Checked complaints.csv: nothing was stored." in texts(at)
    assert imported(demo_db_path) == []


def test_a_supervisors_import_is_held_to_their_team(
    viewers: dict[str, Viewer], demo_db_path: Path
) -> None:
    at = upload(open_page(viewers["supervisor"]), SAMPLE.read_bytes(), "complaints.csv")
    at.button(key="complaints_import_button").click().run()
    assert not at.exception, at.exception
    assert metrics(at)["Loaded"] == "5" and metrics(at)["Rejected"] == "1"
    # The owner who approved CR-1046 is outside the supervisor's team: named in no way.
    rejects = at.dataframe[0].value
    assert rejects.iloc[0].to_dict() == {
        "Row": 7,
        "Id": "CR-1046",
        "Column": "approved_by",
        "Value": "owner@demo.example",
        "Reason": "nobody in your team (Front line) has this e-mail: a supervisor's import holds"
        " their own team's complaints only; ask an owner to import the row",
    }
    assert [complaint for complaint, _ in imported(demo_db_path)] == SAMPLE_IDS[:5]


def test_an_agent_cannot_reach_the_import_page(viewers: dict[str, Viewer]) -> None:
    at = app_as(viewers["agent"]).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
