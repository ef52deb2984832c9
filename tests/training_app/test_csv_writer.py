"""Every CSV the product writes goes through one writer, which keeps imported text from running
as a spreadsheet formula (OWASP's CSV injection advice)."""

from __future__ import annotations

import io

import pandas as pd

from training_app.csv_writer import frame_csv, neutralise, write_csv


def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote() -> None:
    for formula in ('=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(formula) == "'" + formula
    for harmless in ("Ana Horvat", "2026-03-02", "a=b", "", " =1"):
        assert neutralise(harmless) == harmless
    # Numbers are numbers: a negative one is not a formula.
    assert neutralise(-5) == -5
    assert neutralise(-0.5) == -0.5


def test_a_table_downloads_with_its_formulas_neutralised_and_gaps_empty() -> None:
    frame = pd.DataFrame(
        {
            "Agent": ['=HYPERLINK("http://evil.example","click")', 'Ana, "the" lead'],
            "Change": [-0.05, None],
            "Note": ["@admin", pd.NA],
        }
    )
    assert frame_csv(frame).decode("utf-8") == (
        "Agent,Change,Note\n"
        '"\'=HYPERLINK(""http://evil.example"",""click"")",-0.05,\'@admin\n'
        '"Ana, ""the"" lead",,\n'
    )


def test_rows_write_to_a_stream_the_same_way() -> None:
    stream = io.StringIO()
    write_csv(stream, ["agent", "csat"], [{"agent": "+cmd|' /C calc'!A0", "csat": 0.8}])
    assert stream.getvalue() == "agent,csat\n'+cmd|' /C calc'!A0,0.8\n"
