"""The self-assessment's scoring on hand-made answers: each area the average of its statements,
the total their sum (7 to 35), the guidance's bands at and between their edges, the weakest
areas, and the staff's average and spread."""

from __future__ import annotations

from fractions import Fraction

import pytest

from modules.self_assessment import (
    AREAS,
    HIGHEST_TOTAL,
    LOWEST_TOTAL,
    STATEMENT_IDS,
    SelfAssessmentError,
    area_scores,
    assess,
    band,
    check_ratings,
    staff_view,
    total_score,
    weakest_areas,
)


def rated(everything: int, **areas: list[int]) -> dict[str, int]:
    """Every statement rated `everything`, except the areas given, whose statements are rated
    in turn as listed."""
    ratings = {statement: everything for statement in STATEMENT_IDS}
    for area_id, values in areas.items():
        [area] = [a for a in AREAS if a.id == area_id]
        assert len(values) == len(area.statements)
        ratings.update({s.id: v for s, v in zip(area.statements, values, strict=True)})
    return ratings


def test_the_guidance_s_seven_areas_of_three_to_five_statements() -> None:
    assert [area.title for area in AREAS] == [
        "Customer-oriented culture",
        "Products and sales materials",
        "Response to feedback",
        "Knowing the customers",
        "Ease of contact",
        "Staff qualification",
        "Continuous improvement",
    ]
    # The guidance: 4, 4, 3, 3, 3, 5 and 3 statements ("divide by 4", ... "divide by 5").
    assert [len(area.statements) for area in AREAS] == [4, 4, 3, 3, 3, 5, 3]
    assert len(STATEMENT_IDS) == len(set(STATEMENT_IDS)) == 25
    assert (LOWEST_TOTAL, HIGHEST_TOTAL) == (7, 35)


@pytest.mark.parametrize(
    ("ratings", "total", "expected"),
    [
        # Six areas at 3 (18) and Response to feedback at (2+2+2)/3 = 2: 20, the top of
        # "20 and below".
        (rated(3, feedback=[2, 2, 2]), 20, "losing"),
        # Every area at 3: 7 × 3 = 21, the bottom of "21–27".
        (rated(3), 21, "adequate"),
        # Six areas at 4 (24) and Response to feedback at 3: 27, the top of "21–27".
        (rated(4, feedback=[3, 3, 3]), 27, "adequate"),
        # Every area at 4: 28, the bottom of "28 and above".
        (rated(4), 28, "asset"),
        # The ends of the scale: 7 and 35.
        (rated(1), 7, "losing"),
        (rated(5), 35, "asset"),
    ],
)
def test_totals_at_the_band_edges(ratings: dict[str, int], total: int, expected: str) -> None:
    scores = area_scores(ratings)
    assert total_score(scores) == total
    assert band(total_score(scores)) == expected
    assert assess(ratings).band == expected


@pytest.mark.parametrize(
    ("ratings", "total", "expected"),
    [
        # Six areas at 3 (18) and Response to feedback at (2+2+3)/3 = 7/3: 20⅓, above 20.
        (rated(3, feedback=[2, 2, 3]), Fraction(61, 3), "adequate"),
        # Six areas at 3 and culture at (3+3+3+1)/4 = 2.5: 20.5.
        (rated(3, culture=[3, 3, 3, 1]), Fraction(41, 2), "adequate"),
        # Six areas at 4 (24) and culture at (4+4+4+3)/4 = 3.75: 27.75, below 28.
        (rated(4, culture=[4, 4, 4, 3]), Fraction(111, 4), "adequate"),
        # Five areas at 4 (20), feedback (4+4+3)/3 = 11/3 and customers (4+4+5)/3 = 13/3: their
        # sum is exactly 8, so 28 — in floating point 11/3 + 13/3 need not come to 8.
        (rated(4, feedback=[4, 4, 3], customers=[4, 4, 5]), 28, "asset"),
    ],
)
def test_totals_between_the_stated_edges_are_adequate(
    ratings: dict[str, int], total: Fraction, expected: str
) -> None:
    assert total_score(area_scores(ratings)) == total
    assert assess(ratings).band == expected


def test_an_area_s_score_is_the_average_of_its_statements() -> None:
    # Staff qualification has five statements: (5+4+3+2+1)/5 = 3.
    scores = area_scores(rated(2, staff=[5, 4, 3, 2, 1], culture=[1, 2, 2, 2]))
    assert scores["staff"] == 3
    assert scores["culture"] == Fraction(7, 4)
    assert scores["feedback"] == 2
    assert total_score(scores) == Fraction(7, 4) + 3 + 5 * 2


def test_the_weakest_areas_are_the_two_lowest_and_any_tied_with_the_second() -> None:
    # culture 2, contact (2+3+3)/3 = 8/3, the rest 4.
    ratings = rated(4, culture=[2, 2, 2, 2], contact=[2, 3, 3])
    assert weakest_areas(area_scores(ratings)) == ["culture", "contact"]
    # Three areas tied lowest at 3: all three, in the guidance's order.
    tied = rated(4, improvement=[3, 3, 3], products=[3, 3, 3, 3], staff=[3, 3, 3, 3, 3])
    assert weakest_areas(area_scores(tied)) == ["products", "staff", "improvement"]
    # One lowest, then two tied second: all three.
    ratings = rated(4, feedback=[1, 1, 1], customers=[3, 3, 3], contact=[3, 3, 3])
    assert weakest_areas(area_scores(ratings)) == ["feedback", "customers", "contact"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"culture-1": None}, "not yet rated: Customer-oriented culture, statement 1"),
        ({"staff-5": 6}, "Staff qualification, statement 5 (6)"),
        ({"feedback-2": 0}, "Response to feedback, statement 2 (0)"),
        ({"contact-1": 2.5}, "Ease of contact, statement 1 (2.5)"),
        ({"culture-9": 3}, "no such statement: culture-9"),
    ],
)
def test_answers_that_cannot_be_scored_name_the_statement(
    change: dict[str, object], message: str
) -> None:
    ratings: dict[str, object] = {**rated(3), **change}
    with pytest.raises(SelfAssessmentError) as refused:
        check_ratings(ratings)  # type: ignore[arg-type]
    assert message in str(refused.value)


def test_the_staff_view_is_each_area_s_average_and_lowest_and_highest() -> None:
    view = staff_view(
        [
            rated(3),  # total 21
            rated(4),  # total 28
            rated(2, culture=[5, 5, 5, 5]),  # culture 5, the rest 2: total 17
        ]
    )
    assert view.answers == 3
    # culture: 3, 4, 5 -> mean 4, lowest 3, highest 5; feedback: 3, 4, 2 -> 3, 2, 4.
    assert (view.areas["culture"].mean, view.areas["culture"].lowest) == (4, 3)
    assert view.areas["culture"].highest == 5
    assert view.areas["feedback"].model_dump() == {"mean": 3, "lowest": 2, "highest": 4}
    # Totals 21, 28, 17: mean 22, band of 22 "adequate".
    assert view.total.model_dump() == {"mean": 22, "lowest": 17, "highest": 28}
    assert view.band == "adequate"
    with pytest.raises(SelfAssessmentError):
        staff_view([])
