"""Printable certificates of completion, and the codes that let a supervisor verify them.

A certificate leaves the application (printed, e-mailed, pinned on a wall), so it must stand on
its own: who completed which module, under which module and policy versions, with what score,
when, and a code that a supervisor can look up to tell a real certificate from an edited one.

Staff names come in any script the team writes in (Croatian, Latvian, Turkish, Hebrew), so the
PDF embeds the DejaVu Sans fonts shipped in `modules/fonts/` rather than relying on whatever a
machine has installed, and shapes text with HarfBuzz so right-to-left names read correctly.
The same details always give the same bytes, so a stored certificate can be re-rendered and
compared, and tests can pin the output.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from modules.defaults import MONTH_NAMES

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVuSans"

# No 0/O, 1/I/L: codes are read aloud and typed from paper, where those are confused.
VERIFICATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
VERIFICATION_PREFIX = "SA"
_GROUPS = 2
_GROUP_LENGTH = 4


_NAVY = (31, 58, 95)
_GOLD = (176, 141, 87)
_INK = (40, 40, 40)
_GREY = (105, 105, 105)

_Text = Annotated[str, Field(min_length=1)]
_Fraction = Annotated[float, Field(ge=0, le=1)]
_Version = Annotated[int, Field(ge=1)]


class CertificateDetails(BaseModel):
    """Everything printed on one certificate; the renderer adds nothing that is not here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: _Text
    staff_name: _Text
    module_title: _Text
    module_version: _Version
    policy_version: _Version
    score: _Fraction
    pass_mark: _Fraction
    issued_on: date
    organisation: _Text

    @model_validator(mode="after")
    def _score_reaches_pass_mark(self) -> CertificateDetails:
        # A certificate is evidence of a pass; one printed for a fail would be a false record.
        if self.score < self.pass_mark:
            raise ValueError(
                f"score {self.score} is below the pass mark {self.pass_mark}: "
                "no certificate for a failed attempt"
            )
        return self


def new_verification_code(rng: random.Random | None = None) -> str:
    """A fresh code such as "SA-7K3Q-9XPM"; pass `rng` only for reproducible tests.

    Without `rng` the characters come from `secrets`, because a guessable code would let anyone
    forge a certificate that a supervisor's check then confirms.
    """
    choose = rng.choice if rng is not None else secrets.choice
    groups = (
        "".join(choose(VERIFICATION_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
    )
    return "-".join((VERIFICATION_PREFIX, *groups))


def date_text(day: date) -> str:
    """A date as people write it on a certificate: "23 November 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def percent_text(fraction: float) -> str:
    """A fraction as a whole percentage, halves rounded up: 0.925 is "93%", never "92%"."""
    # Decimal(str(...)) avoids binary float artefacts such as 0.29 * 100 = 28.999...
    whole = (Decimal(str(fraction)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole}%"


def certificate_pdf(details: CertificateDetails) -> bytes:
    """One A4 landscape page certifying `details`, as PDF bytes; same details, same bytes."""
    # Imported here: fpdf2 takes ~0.4 s to import, and most users of this module (the demo,
    # issuing a code) never draw a PDF.
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.add_font(FONT_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    # Shaping applies the Unicode bidi rules and HarfBuzz, so Hebrew names read right to left.
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)

    pdf.set_title(f"Certificate of completion: {details.staff_name}, {details.module_title}")
    pdf.set_author(details.organisation)
    pdf.set_subject(f"Verification code {details.code}")
    pdf.set_creator("Service Academy")
    pdf.set_lang("en")
    # fpdf2 stamps the current time by default, which would make every render differ.
    issued = datetime(
        details.issued_on.year, details.issued_on.month, details.issued_on.day, tzinfo=UTC
    )
    pdf.set_creation_date(issued)

    pdf.add_page()
    _draw_frame(pdf)
    _draw_body(pdf, details)
    return bytes(pdf.output())


def _draw_frame(pdf: FPDF) -> None:
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(*_NAVY)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(14, 14, width - 28, height - 28)
    # Small corner squares make the frame read as a certificate rather than a boxed report.
    pdf.set_fill_color(*_GOLD)
    for x, y in ((14, 14), (width - 14, 14), (14, height - 14), (width - 14, height - 14)):
        pdf.rect(x - 2, y - 2, 4, 4, style="F")


def _draw_body(pdf: FPDF, details: CertificateDetails) -> None:
    # Not upper-cased: str.upper() is wrong for Turkish dotted i and would restyle brand names.
    _block(pdf, 28, details.organisation, size=14, bold=True, colour=_GOLD, spacing=0.6)
    _block(pdf, 42, "Certificate of completion", size=34, bold=True, colour=_NAVY)
    _rule(pdf, 63, 60)

    # The middle flows: a long name or title takes more lines and pushes the lines below it.
    y = _block(pdf, 76, "This certifies that", size=13, colour=_GREY)
    y = _block(pdf, y + 4, details.staff_name, size=30, min_size=18, bold=True, colour=_INK)
    y = _block(pdf, y + 4, "has completed the training module", size=13, colour=_GREY)
    y = _block(pdf, y + 3, details.module_title, size=20, min_size=16, bold=True, colour=_NAVY)
    versions = f"Module version {details.module_version} · Policy version {details.policy_version}"
    y = _block(pdf, max(y + 7, 136), versions, size=11, colour=_GREY)
    score = f"Score {percent_text(details.score)} (pass mark {percent_text(details.pass_mark)})"
    y = _block(pdf, y + 3, score, size=13, bold=True, colour=_NAVY)
    y = _block(pdf, y + 3, f"Issued on {date_text(details.issued_on)}", size=13, colour=_INK)

    bottom = max(y + 8, 172)
    _rule(pdf, bottom, 120)
    _block(pdf, bottom + 3, f"Verification code: {details.code}", size=12, bold=True, colour=_NAVY)
    _block(
        pdf,
        bottom + 10,
        "A supervisor can check this code in Service Academy under “Verify a certificate”.",
        size=9,
        colour=_GREY,
    )


def _block(
    pdf: FPDF,
    y: float,
    text: str,
    *,
    size: float,
    colour: tuple[int, int, int],
    bold: bool = False,
    min_size: float | None = None,
    spacing: float = 0,
) -> float:
    """Draw `text` centred from `y` and return the y where it ends.

    With `min_size`, text too wide for one line first shrinks towards it and only then wraps,
    because a name or title split over lines reads worse than a slightly smaller one.
    """
    width = pdf.w - 70
    pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
    while min_size is not None and size > min_size and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font_size(size)
    pdf.set_text_color(*colour)
    pdf.set_char_spacing(spacing)
    pdf.set_xy((pdf.w - width) / 2, y)
    pdf.multi_cell(width, size * 0.5, text, align="C")
    pdf.set_char_spacing(0)
    return pdf.get_y()


def _rule(pdf: FPDF, y: float, length: float) -> None:
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.4)
    pdf.line((pdf.w - length) / 2, y, (pdf.w + length) / 2, y)
