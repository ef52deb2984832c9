"""The one writer of every CSV the product hands out: page downloads, rejected rows, reports.

Cells that came from imported files or people can hold text a spreadsheet would run as a
formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`). As OWASP advises for CSV injection, a
text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single
quote, so spreadsheets show it as text; the csv module quotes cells that need it. Numbers are
written as numbers: a negative number is not a formula.

Imports nothing heavy, so the command line can use it without loading pandas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell as it may be written: text a spreadsheet would take for a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(
    stream: IO[str], fieldnames: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    """Write a header and the rows (dicts by field name) to a text stream."""
    writer = csv.DictWriter(stream, fieldnames=list(fieldnames), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralise(value) for key, value in row.items()})


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes, column names as shown, for a download button."""
    stream = io.StringIO()
    columns = [str(column) for column in frame.columns]
    records = (
        dict(zip(columns, (_cell(value) for value in values), strict=True))
        for values in frame.itertuples(index=False, name=None)
    )
    write_csv(stream, columns, records)
    return stream.getvalue().encode("utf-8")


def _cell(value: object) -> object:
    # Missing values (None, NaN, NaT, pd.NA) are empty cells, as pandas' own to_csv writes them.
    if value is None:
        return ""
    try:
        if value != value:  # NaN and NaT are the only values unequal to themselves
            return ""
    except TypeError:  # pd.NA refuses to be compared
        return ""
    return value
