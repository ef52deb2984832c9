"""The monthly recognition report's PDF, built without Streamlit from a hand-made report: it
says the minimum, puts n and the interval beside every figure, says "demo data" when the figures
are generated, and keeps names in any script."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from pypdf import PdfReader

from metrics.coaching import recognition_report as report
from training_app.recognition_pdf import recognition_pdf


def hand_made(*, demo: bool) -> report.RecognitionReport:
    top = pd.DataFrame(
        {
            "agent_id": [1, 2],
            "name": ["Jānis Krūmiņš", "Şule Yılmaz"],
            "team": ["Front line", "Front line"],
            "channel_mix": ["phone", "phone"],
            "standard": ["service_level", "service_level"],
            "value": [0.9, 0.85],
            "n": [120, 80],
            "low": [0.834, 0.757],
            "high": [0.942, 0.911],
            "rank": [1, 2],
        }
    )
    empty = top.iloc[0:0]
    goals = pd.DataFrame(
        {
            "agent_id": [1],
            "name": ["Jānis Krūmiņš"],
            "team": ["Front line"],
            "goals": [2],
            "met": [1],
        }
    )
    return report.RecognitionReport(
        month=date(2026, 11, 1),
        top=top,
        improved=empty.assign(
            value_before=[], n_before=[], low_before=[], high_before=[], change=[]
        ),
        goals=goals,
        follow_ups=empty,
        min_contacts=30,
        demo=demo,
    )


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_states_figures_with_n_and_interval_and_the_minimum() -> None:
    pdf = recognition_pdf(hand_made(demo=True), "Example Care")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Recognition report, November 2026" in text
    assert "Demo data" in text
    assert "Nobody is ranked on fewer than 30 contacts" in text
    assert "Jānis Krūmiņš" in text and "Şule Yılmaz" in text
    assert "90.0%" in text and "120" in text and "83.4% – 94.2%" in text
    assert "1 of 2 goals met" in text
    # The same report gives the same bytes.
    assert recognition_pdf(hand_made(demo=True), "Example Care") == pdf


def test_real_figures_are_not_called_demo_data() -> None:
    assert "Demo data" not in pdf_text(recognition_pdf(hand_made(demo=False), "Example Care"))
