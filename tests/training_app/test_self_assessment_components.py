"""The self-assessment's pure builders: every area links to pages owners can open, the results
table of a round, and the trend chart over rounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.complaints.self_assessment import RoundResult
from modules.self_assessment import AREAS, STATEMENT_IDS, assess, staff_view
from training_app.components.self_assessment import (
    AREA_OFFERS,
    LINK_LABEL_MAX,
    area_table,
    offers_for,
    score,
    trend_chart,
    trend_frame,
    weakest,
)
from training_app.navigation import EVERYONE, PAGES, PAGES_BY_PATH, PageSpec


def rated(everything: int, **areas: list[int]) -> dict[str, int]:
    ratings = {statement: everything for statement in STATEMENT_IDS}
    for area_id, values in areas.items():
        [area] = [a for a in AREAS if a.id == area_id]
        ratings.update({s.id: v for s, v in zip(area.statements, values, strict=True)})
    return ratings


def a_round(number: int, owner: dict[str, int] | None, staff: list[dict[str, int]]) -> RoundResult:
    return RoundResult(
        id=number,
        number=number,
        opened_at=datetime(2026, number, 1, 9, tzinfo=UTC),
        opened_by="Olga",
        closed_at=datetime(2026, number, 8, 9, tzinfo=UTC),
        staff_asked=bool(staff),
        owner=None if owner is None else assess(owner),
        staff_answers=len(staff),
        staff=staff_view(staff) if staff else None,
        staff_withheld=None,
    )


def test_every_area_links_to_pages_an_owner_can_open() -> None:
    assert set(AREA_OFFERS) == {area.id for area in AREAS}
    for area in AREAS:
        offers = offers_for(area.id)
        assert offers, area.id
        for offer in offers:
            assert len(offer.label) <= LINK_LABEL_MAX
            assert (PAGES / offer.page.removeprefix("app_pages/")).is_file()
    assert offers_for("staff")[0].page == "app_pages/compliance.py"
    assert [o.page for o in offers_for("contact")] == ["app_pages/team_performance.py"]


def test_response_to_feedback_links_to_the_complaint_numbers_once_the_app_has_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = [o.page for o in offers_for("feedback")]
    assert pages[-1] == "app_pages/policy.py"  # the complaint procedure, always
    numbers = PageSpec("complaint_numbers.py", "Complaint numbers", "", "Complaints", EVERYONE)
    monkeypatch.setitem(PAGES_BY_PATH, "complaint-numbers", numbers)
    assert [o.page for o in offers_for("feedback")] == [
        "app_pages/complaint_numbers.py",
        "app_pages/policy.py",
    ]
    # A page owners may not open is not linked.
    monkeypatch.setitem(
        PAGES_BY_PATH,
        "complaint-numbers",
        PageSpec("complaint_numbers.py", "Complaint numbers", "", "Complaints", ("agent",)),
    )
    assert [o.page for o in offers_for("feedback")] == ["app_pages/policy.py"]


def test_scores_read_with_two_decimals_at_most() -> None:
    assert [score(v) for v in (4.0, 2.5, 8 / 3, 26.666666, None)] == [
        "4",
        "2.5",
        "2.67",
        "26.67",
        None,
    ]


def test_the_table_sets_the_owner_beside_the_staff_average_and_spread() -> None:
    # Staff: every area 3 and every area 5 -> mean 4, 3–5; totals 21 and 35 -> 28, 21–35.
    result = a_round(1, rated(2, culture=[4, 4, 4, 1]), [rated(3), rated(5)])
    table = area_table(result)
    assert list(table.columns) == ["Area", "Owner", "Staff average", "Staff lowest–highest"]
    # Culture (4+4+4+1)/4 = 3.25; total 3.25 + 6 × 2 = 15.25.
    assert table.iloc[0].tolist() == ["Customer-oriented culture", "3.25", "4", "3–5"]
    assert table.iloc[-1].tolist() == ["Total (7–35)", "15.25", "28", "21–35"]
    # The owner's weakest areas: the six at 2, below the average area score 15.25/7 ≈ 2.18.
    assert weakest(result) == [a.id for a in AREAS if a.id != "culture"]


def test_without_the_owner_s_answers_the_weakest_are_the_staff_s() -> None:
    result = a_round(1, None, [rated(4, feedback=[1, 1, 1])] * 3)
    assert weakest(result) == ["feedback"]
    assert area_table(result)["Owner"].isna().all()


def test_the_trend_has_a_point_per_round_and_view_on_the_full_scale() -> None:
    results = [
        a_round(1, rated(3), []),  # owner 21, staff not asked
        a_round(2, rated(4), [rated(3), rated(2), rated(4)]),  # owner 28, staff 21
    ]
    frame = trend_frame(results)
    assert frame[["round", "view", "total"]].values.tolist() == [
        ["Round 1", "Owner", 21.0],
        ["Round 2", "Owner", 28.0],
        ["Round 2", "Staff average", 21.0],
    ]
    spec = trend_chart(results).to_dict()
    edges, lines = spec["layer"]
    assert lines["encoding"]["y"]["scale"] == {"domain": [7, 35], "zero": False}
    assert edges["encoding"]["y"]["scale"] == {"domain": [7, 35], "zero": False}
    assert lines["encoding"]["x"]["sort"] == ["Round 1", "Round 2"]
    assert edges["mark"]["strokeDash"] == [6, 4]
