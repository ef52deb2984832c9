"""The monthly recognition report as a PDF an owner can print or send: no Streamlit here, so the
page and a test build the same bytes. Names come in any script, so the PDF embeds the DejaVu
fonts shipped with the modules and shapes text with HarfBuzz, as certificates do."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from metrics.coaching import recognition_report as report
from modules.certificate import FONT_DIR, FONT_FAMILY

if TYPE_CHECKING:
    from fpdf import FPDF

_INK = (40, 40, 40)
_GREY = (105, 105, 105)
_RED = (160, 40, 40)
# Agent, team, mix, rank, value, n, interval (mm, on A4 portrait's 190 mm line).
_WIDTHS = (54, 34, 20, 12, 20, 16, 34)
_HEADER = ("Agent", "Team", "Mix", "Rank", "Value", "n", "95% interval")


def _percent(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.1%}"


def _points(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value) * 100:+.1f} pts"


def method_lines(recognition: report.RecognitionReport) -> list[str]:
    """How the report ranks, in its own words (the page says the same)."""
    return [
        "Agents are compared only with agents of the same team and channel mix. An agent's "
        "channel mix is the channel that carried most of the contacts they handled in the "
        "month (a tie goes to phone, then chat, e-mail, social), so a team or an agent on a "
        "harder channel is never ranked against an easier one.",
        "Ranks use the lower end of the 95% interval of each rate, so a long record of good "
        "service ranks above a short lucky streak.",
        f"Nobody is ranked on fewer than {recognition.min_contacts} contacts (ratings, for "
        f"CSAT), the policy's minimum, or on fewer than {report.MIN_DUE_FOLLOW_UPS} complaints "
        "whose follow-up fell due.",
    ]


def recognition_pdf(recognition: report.RecognitionReport, organisation: str) -> bytes:
    """The report as A4 portrait PDF bytes; the same report gives the same bytes."""
    # Imported here: fpdf2 takes a while to import and most page runs never draw a PDF.
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=15)
    month = report.month_label(recognition.month)
    pdf.set_title(f"Recognition report, {month}")
    pdf.set_author(organisation)
    pdf.set_creator("Service Academy")
    pdf.set_lang("en")
    pdf.set_creation_date(datetime(recognition.month.year, recognition.month.month, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_text_color(*_INK)
    pdf.set_font(FONT_FAMILY, "B", 18)
    pdf.cell(0, 10, f"Recognition report, {month}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 11)
    pdf.cell(0, 7, organisation, new_x="LMARGIN", new_y="NEXT")
    if recognition.demo:
        pdf.set_text_color(*_RED)
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.multi_cell(
            0,
            6,
            "Demo data: these figures come from the generated demo organisation, "
            "not from real customers.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*_INK)
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.set_text_color(*_GREY)
    for line in method_lines(recognition):
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)
    for standard, label in report.STANDARD_LABELS.items():
        source = recognition.follow_ups if standard == report.FOLLOW_UP else recognition.top
        _section(pdf, f"Top performers: {label}", source[source["standard"] == standard])
    for standard, label in report.STANDARD_LABELS.items():
        if standard == report.FOLLOW_UP:
            continue
        improved = recognition.improved[recognition.improved["standard"] == standard]
        _section(pdf, f"Most improved: {label}", improved, improved=True)
    _goals(pdf, recognition.goals)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    # A heading is never left alone at the foot of a page, apart from its first rows.
    if pdf.will_page_break(25):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT_FAMILY, "B", 12)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")


def _section(pdf: FPDF, title: str, rows: pd.DataFrame, *, improved: bool = False) -> None:
    _heading(pdf, title)
    pdf.set_font(FONT_FAMILY, "", 8.5)
    if rows.empty:
        pdf.cell(0, 6, "Nobody with enough samples.", new_x="LMARGIN", new_y="NEXT")
        return
    header = (*_HEADER[:6], "Change (lower end)") if improved else _HEADER
    _row(pdf, header, bold=True)
    for row in rows.to_dict("records"):
        last = (
            f"{_points(row['change'])} from {_percent(row['value_before'])} (n {row['n_before']})"
            if improved
            else f"{_percent(row['low'])} – {_percent(row['high'])}"
        )
        _row(
            pdf,
            (
                str(row["name"]),
                str(row["team"]),
                str(row["channel_mix"]),
                str(row["rank"]),
                _percent(row["value"]),
                str(int(row["n"])),
                last,
            ),
        )


def _row(pdf: FPDF, cells: tuple[str, ...], *, bold: bool = False) -> None:
    pdf.set_font(FONT_FAMILY, "B" if bold else "", 8.5)
    widths = (*_WIDTHS[:-1], 190 - sum(_WIDTHS[:-1]))
    for width, text in zip(widths, cells, strict=True):
        pdf.cell(width, 5.5, str(text), border="B")
    pdf.ln()


def _goals(pdf: FPDF, goals: pd.DataFrame) -> None:
    _heading(pdf, "Coaching goals met (plans closed in the month)")
    pdf.set_font(FONT_FAMILY, "", 8.5)
    if goals.empty:
        pdf.cell(0, 6, "No coaching plan was closed in the month.", new_x="LMARGIN", new_y="NEXT")
        return
    for row in goals.itertuples():
        pdf.cell(
            0,
            5.5,
            f"{row.name} ({row.team}): {row.met} of {row.goals} goals met",
            border="B",
            new_x="LMARGIN",
            new_y="NEXT",
        )
