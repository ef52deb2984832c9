"""The self-assessment's pages on the small demo store: an owner opens a round, answers it and
reads the total, band, areas, weakest areas with their links and trend; staff are prompted on
Home and answer once, anonymously, seeing no results; agents and supervisors cannot open the
owner's page; the staff's view appears only after the close and from three answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.complaints import self_assessment as rounds
from metrics.people import Viewer, list_staff, staff_viewer
from metrics.store import open_database
from modules.self_assessment import AREAS, STATEMENT_IDS
from tests.training_app.apptest import app_as, open_address
from training_app.components.self_assessment import offers_for
from training_app.components.text import md

OWNER_PAGE = "app_pages/self_assessment.py"
STAFF_PAGE = "app_pages/self_assessment_answer.py"


def rated(everything: int, **areas: list[int]) -> dict[str, int]:
    ratings = {statement: everything for statement in STATEMENT_IDS}
    for area_id, values in areas.items():
        [area] = [a for a in AREAS if a.id == area_id]
        ratings.update({s.id: v for s, v in zip(area.statements, values, strict=True)})
    return ratings


def page(viewer: Viewer, path: str):  # type: ignore[no-untyped-def]
    at = app_as(viewer).run()
    at.switch_page(path).run()
    assert not at.exception
    return at


def fill(at, key: str, ratings: dict[str, int], submit: str):  # type: ignore[no-untyped-def]
    for statement, rating in ratings.items():
        at.radio(key=f"{key}-{statement}").set_value(rating)
    [button] = [b for b in at.button if b.label == submit]
    button.click().run()
    assert not at.exception
    return at


def captions(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [caption.value for caption in at.caption]


def in_store(path: Path, act) -> object:  # type: ignore[no-untyped-def]
    db = open_database(path)
    try:
        return act(db)
    finally:
        db.close()


def staff_of(path: Path) -> list[Viewer]:
    """The demo's supervisors and agents who may sign in, as viewers."""

    def read(db):  # type: ignore[no-untyped-def]
        members = [
            m for m in list_staff(db, Viewer.local_admin()) if m.role != "owner" and m.active
        ]
        return [staff_viewer(db, m.id) for m in members]

    return in_store(path, read)  # type: ignore[return-value]


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_agents_and_supervisors_do_not_reach_the_results(viewers, role: str) -> None:
    with pytest.raises(ValueError):
        app_as(viewers[role]).run().switch_page(OWNER_PAGE).run()
    at = open_address(app_as(viewers[role]).run(), "self-assessment").run()
    assert not at.exception
    assert at.warning[0].value == f"Service self-assessment is not open to {role}s."


def test_owners_have_no_staff_answer_page(viewers) -> None:
    with pytest.raises(ValueError):
        app_as(viewers["owner"]).run().switch_page(STAFF_PAGE).run()


def test_an_owner_opens_a_round_answers_it_and_reads_the_scores(
    viewers, demo_db_path: Path
) -> None:
    owner = viewers["owner"]
    at = page(owner, OWNER_PAGE)
    assert at.title[0].value == "Service self-assessment"
    assert at.info[0].value.startswith("No results yet")
    at.checkbox[0].uncheck()
    [open_button] = [b for b in at.button if b.label == "Open a round"]
    open_button.click().run()
    assert not at.exception
    assert at.success[0].value == "Round opened."
    assert at.subheader[0].value.startswith("Round open since ")
    assert "Staff are not asked in this round." in captions(at)

    # Six areas at 4 (24) and Response to feedback at (3+3+2)/3 = 8/3: 26.67, adequate; the
    # weakest: feedback alone, below the average area score 26.67/7 ≈ 3.81.
    fill(at, "self_assessment_owner", rated(4, feedback=[3, 3, 2]), "Save my answers")
    assert at.success[0].value == "Your answers are saved."
    assert at.metric[0].value == md("26.67")  # as Markdown that shows it so: 26\.67
    assert "Adequate, but needs general improvement: 26.67 of 35" in captions(at)
    [table] = [element.value for element in at.dataframe]
    assert list(table.columns) == ["Area", "Owner"]  # staff were not asked
    assert list(table["Owner"]) == ["4", "4", "2.67", "4", "4", "4", "4", "26.67"]
    # Its links: the complaint numbers once the app has them, and the complaint procedure.
    assert [link.proto.label for link in at.get("page_link")] == [
        offer.label for offer in offers_for("feedback")
    ]
    assert at.get("page_link")[-1].proto.label == "Policy: the complaint procedure"
    # The answers are kept and shown again, changeable while the round is open.
    at = page(owner, OWNER_PAGE)
    assert at.radio(key="self_assessment_owner-feedback-3").value == 2
    assert len(at.get("vega_lite_chart")) == 1


def test_the_weakest_areas_link_to_what_helps(viewers) -> None:
    owner = viewers["owner"]
    at = page(owner, OWNER_PAGE)
    [open_button] = [b for b in at.button if b.label == "Open a round"]
    open_button.click().run()
    # Staff qualification (5 × 2 / 5 = 2) and Ease of contact (2) the weakest, the rest 5.
    fill(at, "self_assessment_owner", rated(5, staff=[2] * 5, contact=[2] * 3), "Save my answers")
    headings = [m.value for m in at.markdown if m.value.endswith(" of 5")]
    assert headings == [
        "**Ease of contact** · owner 2 of 5",
        "**Staff qualification** · owner 2 of 5",
    ]
    labels = [link.proto.label for link in at.get("page_link")]
    assert labels == [
        "Team performance: service level",
        "Compliance: training done and due",
        "Training records and certificates",
    ]


def test_staff_are_prompted_answer_once_and_see_no_results(viewers, demo_db_path: Path) -> None:
    owner, agent = viewers["owner"], viewers["agent"]
    home = app_as(agent).run()
    assert not any("assess our service" in i.value for i in home.info)
    round_id = in_store(demo_db_path, lambda db: rounds.open_round(db, owner, ask_staff=True))
    home = app_as(agent).run()
    assert not home.exception
    assert home.info[0].value.startswith("The owner asks everyone to assess our service")
    assert home.get("page_link")[0].proto.label == "Assess our service"
    supervisor_home = app_as(viewers["supervisor"]).run()
    assert not supervisor_home.exception
    assert any(i.value.startswith("The owner asks everyone") for i in supervisor_home.info)

    at = page(agent, STAFF_PAGE)
    assert at.title[0].value == "Assess our service"
    # A staff member reads the owner's own statements about the owner.
    assert (
        at.radio(key="self_assessment_staff-staff-1").label == "The owner respects the employees."
    )
    # One statement left unrated: refused, naming it; nothing stored.
    partial = rated(3)
    del partial["improvement-3"]
    fill(at, "self_assessment_staff", partial, "Send my answers")
    assert at.error[0].value == (
        "Not saved: rate every statement; not yet rated: Continuous improvement, statement 3"
    )
    fill(at, "self_assessment_staff", rated(3), "Send my answers")
    assert [m.value for m in at.success] == [
        "Your answers are in. Thank you.",
        "You have answered this round. Thank you: the owner sees everyone's answers together, "
        "once the round is closed.",
    ]
    assert not at.metric and not at.dataframe and not at.get("vega_lite_chart")
    assert not any("assess our service" in i.value for i in app_as(agent).run().info)
    stored = in_store(
        demo_db_path,
        lambda db: db.execute(
            "SELECT count(*), count(DISTINCT response) FROM self_assessment_answers"
            " WHERE round_id = ?",
            [round_id],
        ).fetchone(),
    )
    assert stored == (25, 1)


def test_the_owner_sees_the_staff_view_after_the_close_from_three_answers(
    viewers, demo_db_path: Path
) -> None:
    owner = viewers["owner"]
    first, second, third = staff_of(demo_db_path)[:3]

    def two_answers(db):  # type: ignore[no-untyped-def]
        round_id = rounds.open_round(db, owner, ask_staff=True)
        rounds.answer_as_owner(db, owner, round_id, rated(4))  # 28
        rounds.answer_as_staff(db, first, round_id, rated(3))  # 21
        rounds.answer_as_staff(db, second, round_id, rated(2))  # 14
        return round_id

    round_id = in_store(demo_db_path, two_answers)
    at = page(owner, OWNER_PAGE)
    assert any(caption.startswith("2 of ") for caption in captions(at))
    table = at.dataframe[0].value
    assert table[["Staff average", "Staff lowest–highest"]].isna().all().all()
    in_store(demo_db_path, lambda db: rounds.answer_as_staff(db, third, round_id, rated(4)))  # 28
    at = page(owner, OWNER_PAGE)
    assert at.metric[1].value == "—"  # still open: nothing shown
    [close] = [b for b in at.button if b.label == "Close the round"]
    close.click().run()
    assert at.success[0].value == "Round closed."
    # Staff totals 21, 14, 28: average 21, lowest 14, highest 28; every area 3 (2–4).
    assert at.metric[0].value == "28" and at.metric[1].value == "21"
    assert "Service is an asset (work on the weakest areas): 28 of 35" in captions(at)
    assert "Adequate, but needs general improvement: 21 of 35" in captions(at)
    assert at.metric[1].label == "Staff average (3 answers)"
    table = at.dataframe[0].value
    assert list(table.iloc[0]) == ["Customer-oriented culture", "4", "3", "2–4"]
    assert list(table.iloc[-1]) == ["Total (7–35)", "28", "21", "14–28"]
