"""The service self-assessment for owners, from the guidance's part 3 ("assessing your current
service"; adapted there from The Forum Corporation's self-test for a customer-driven company):
seven areas, each a few statements rated from 1 (never) to 5 (always). An area's score is the
average of its statements, so each area weighs the same whatever its number of statements; the
total is the sum of the seven area scores and runs from 7 to 35.

Scores are kept as exact fractions: an area of three statements averages to thirds, and a total
of 27.999… read from floating point would fall in the wrong band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict

LOWEST_RATING = 1  # never
HIGHEST_RATING = 5  # always
RATING_WORDS = {1: "never", 2: "rarely", 3: "sometimes", 4: "often", 5: "always"}

# The guidance's bands: "28 and above", "21–27", "20 and below". Area scores are averages, so a
# total can fall between 20 and 21 or between 27 and 28; the two stated edges are kept as they
# are written (a total of exactly 28 is an asset, exactly 20 is losing customers) and everything
# strictly between them is "adequate": 20.5 and 27.75 are adequate.
ASSET_FROM = 28  # a total at or above this: service is an asset
LOSING_UP_TO = 20  # a total at or below this: customers are probably being lost

# The lowest-scoring areas named as the ones to work on (all areas tied at the cut are named).
WEAKEST_SHOWN = 2

Band = Literal["asset", "adequate", "losing"]
BAND_WORDS: dict[Band, str] = {
    "asset": "Service is an asset: work on the weakest areas",
    "adequate": "Adequate, but needs general improvement",
    "losing": "Customers are probably being lost",
}


class Statement(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    text: str  # as the owner reads it
    # As staff read it, where the guidance speaks as the owner ("I", "my employees").
    staff_text: str | None = None

    def for_staff(self) -> str:
        return self.staff_text or self.text


class Area(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    question: str  # the guidance's question that opens the area
    statements: tuple[Statement, ...]


def _area(area_id: str, title: str, question: str, *statements: str | tuple[str, str]) -> Area:
    return Area(
        id=area_id,
        title=title,
        question=question,
        statements=tuple(
            Statement(id=f"{area_id}-{n}", text=s)
            if isinstance(s, str)
            else Statement(id=f"{area_id}-{n}", text=s[0], staff_text=s[1])
            for n, s in enumerate(statements, start=1)
        ),
    )


AREAS: tuple[Area, ...] = (
    _area(
        "culture",
        "Customer-oriented culture",
        "Do we put the customer first, or are we more concerned with our internal affairs?",
        "We are committed to doing whatever it takes to create satisfied customers.",
        "We try to do things right the first time.",
        (
            "As the owner, I set an example that customer service is important.",
            "The owner sets an example that customer service is important.",
        ),
        "Serving our customers' needs takes priority over our internal needs.",
    ),
    _area(
        "products",
        "Products and sales materials",
        "How far are our products and sales materials aimed at our customers?",
        "When we sell, we aim for a partnership approach.",
        "In our advertising materials we do not promise what we cannot deliver.",
        "We know the features and benefits that matter most to our customers.",
        "We design new products and services on the basis of information from our customers.",
    ),
    _area(
        "feedback",
        "Response to feedback",
        "How do we respond to our customers' feedback?",
        "We look into customer complaints.",
        "We constantly ask our customers for feedback.",
        "We regularly look for ways to eliminate errors on the basis of customer input.",
    ),
    _area(
        "customers",
        "Knowing the customers",
        "How well do the business and its staff know our customers?",
        "We have established what our customers expect from us.",
        "We are often in touch with our customers.",
        "All employees know what is important to our customers.",
    ),
    _area(
        "contact",
        "Ease of contact",
        "How easy is it for customers to contact us?",
        "We make it easy for our customers to deal with us.",
        "We strive to resolve every customer complaint.",
        'We encourage "delighting the customer".',
    ),
    _area(
        "staff",
        "Staff qualification",
        "How qualified are our staff, the interface between us and our customers?",
        ("I respect my employees.", "The owner respects the employees."),
        "All employees understand our product or service well.",
        "All employees have the right tools and skills to do their job well.",
        "All employees are invited to solve customers' problems.",
        "All employees feel that customer satisfaction is part of their job.",
    ),
    _area(
        "improvement",
        "Continuous improvement",
        "How actively do we seek to improve our products?",
        "We work all the time to improve our processes and products.",
        "We talk with other groups to learn from their strengths and weaknesses.",
        "When we uncover problems, we try to solve them quickly.",
    ),
)
AREAS_BY_ID = {area.id: area for area in AREAS}
STATEMENT_IDS = tuple(s.id for area in AREAS for s in area.statements)
LOWEST_TOTAL = LOWEST_RATING * len(AREAS)  # 7
HIGHEST_TOTAL = HIGHEST_RATING * len(AREAS)  # 35

Ratings = Mapping[str, int]  # statement id -> rating


class SelfAssessmentError(ValueError):
    """Answers that cannot be scored; the message names the statements at fault."""


def check_ratings(ratings: Ratings) -> dict[str, int]:
    """Every statement rated, each from 1 to 5, nothing else: the answers as stored."""
    unknown = sorted(set(ratings) - set(STATEMENT_IDS))
    if unknown:
        raise SelfAssessmentError(f"no such statement: {', '.join(unknown)}")
    missing = [_numbered(s) for s in STATEMENT_IDS if ratings.get(s) is None]
    if missing:
        raise SelfAssessmentError(f"rate every statement; not yet rated: {', '.join(missing)}")
    out_of_scale = [
        f"{_numbered(s)} ({ratings[s]!r})"
        for s in STATEMENT_IDS
        if isinstance(ratings[s], bool)
        or not isinstance(ratings[s], int)
        or not LOWEST_RATING <= ratings[s] <= HIGHEST_RATING
    ]
    if out_of_scale:
        raise SelfAssessmentError(
            f"a rating runs from {LOWEST_RATING} ({RATING_WORDS[LOWEST_RATING]}) to "
            f"{HIGHEST_RATING} ({RATING_WORDS[HIGHEST_RATING]}): {', '.join(out_of_scale)}"
        )
    return {s: int(ratings[s]) for s in STATEMENT_IDS}


def _numbered(statement_id: str) -> str:
    """'staff-4' as a person reads it: 'Staff qualification, statement 4'."""
    area_id, _, n = statement_id.rpartition("-")
    return f"{AREAS_BY_ID[area_id].title}, statement {n}"


def area_scores(ratings: Ratings) -> dict[str, Fraction]:
    """Each area's score: the average of its statements' ratings, exactly."""
    checked = check_ratings(ratings)
    return {
        area.id: Fraction(sum(checked[s.id] for s in area.statements), len(area.statements))
        for area in AREAS
    }


def total_score(scores: Mapping[str, Fraction]) -> Fraction:
    """The sum of the seven area scores: 7 to 35."""
    return sum((scores[area.id] for area in AREAS), Fraction(0))


def band(total: Fraction | int) -> Band:
    """The guidance's band of a total (edges as in `ASSET_FROM`, `LOSING_UP_TO`)."""
    if total >= ASSET_FROM:
        return "asset"
    if total <= LOSING_UP_TO:
        return "losing"
    return "adequate"


def weakest_areas(scores: Mapping[str, Fraction | float]) -> list[str]:
    """The `WEAKEST_SHOWN` lowest-scoring areas, lowest first, in the guidance's order among
    equals; an area tied with the last of them is named too, so none is left out by order."""
    ranked = sorted(AREAS, key=lambda area: scores[area.id])  # stable: the guidance's order
    if not ranked:
        return []
    cut = scores[ranked[min(WEAKEST_SHOWN, len(ranked)) - 1].id]
    return [area.id for area in ranked if scores[area.id] <= cut]


class Assessment(BaseModel):
    """One set of answers scored."""

    scores: dict[str, float]  # area id -> score
    total: float
    band: Band
    weakest: list[str]


def assess(ratings: Ratings) -> Assessment:
    scores = area_scores(ratings)
    total = total_score(scores)
    return Assessment(
        scores={area_id: float(score) for area_id, score in scores.items()},
        total=float(total),
        band=band(total),
        weakest=weakest_areas(scores),
    )


class Spread(BaseModel):
    """Several people's scores of one area, or of the total."""

    mean: float
    lowest: float
    highest: float


class StaffView(BaseModel):
    """Staff's answers of a round, summed up: their number, each area's average and spread
    (lowest and highest score given), the total's, and the band of the average total."""

    answers: int
    areas: dict[str, Spread]
    total: Spread
    band: Band


def staff_view(answer_sets: Iterable[Ratings]) -> StaffView:
    """The staff's view from their answer sets (at least one)."""
    scored = [area_scores(ratings) for ratings in answer_sets]
    if not scored:
        raise SelfAssessmentError("no answers to sum up")
    totals = [total_score(scores) for scores in scored]
    mean_total = sum(totals, Fraction(0)) / len(totals)
    return StaffView(
        answers=len(scored),
        areas={area.id: _spread([scores[area.id] for scores in scored]) for area in AREAS},
        total=_spread(totals),
        band=band(mean_total),
    )


def _spread(values: list[Fraction]) -> Spread:
    return Spread(
        mean=float(sum(values, Fraction(0)) / len(values)),
        lowest=float(min(values)),
        highest=float(max(values)),
    )
