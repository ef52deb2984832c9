"""Every table on a page, drawn one way (`show_table`): as tall as its rows, up to a height
that keeps what follows within reach; each column wide enough for its whole heading and, up to
a limit, its longest value; the column naming the row pinned at the left, so it stays in view
when the table scrolls sideways; long text wrapped where a page asks; and a missing value shown
as "–" (the column's help says why), never "None".

Streamlit's own sizing shows ten rows and sizes columns to their cells, so a heading wider than
its numbers ends in "…", and the columns past the table's width are cut off at its edge.
The sizes are worked out here without Streamlit (`table_layout`), so they are tested on their
own; tests/e2e checks them against the fonts of a real browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from pydantic import BaseModel

from training_app.components.formatting import MISSING

# Streamlit draws a line of text in a row 35 px tall, the heading row too.
ROW_HEIGHT_PX = 35
# A wrapped row holds three lines (Streamlit wraps cell text only in rows over 64 px).
WRAPPED_ROW_HEIGHT_PX = 72
# A table shows up to 25 rows before it scrolls inside itself: a supervisor's whole team (a
# span of control is rarely over 20 agents) shows at once, and a longer list (an owner's 40
# agents, a file's rejected rows) stops short of a laptop screen, so the page around it can
# still be scrolled past it.
TABLE_MAX_ROWS = 25
TABLE_MAX_HEIGHT_PX = (TABLE_MAX_ROWS + 1) * ROW_HEIGHT_PX + 2  # and its 1 px border
# Text widths at the grid's 14 px Source Sans, rounded up from what Chromium measures per
# character: narrow letters and punctuation, the widest letters and signs, capitals, the rest.
NARROW_CHARACTERS = frozenset("fijlrtIı .,:;'|!()[]-/")
WIDE_CHARACTERS = frozenset("mwMW%…æ")
NARROW_PX, WIDE_PX, CAPITAL_PX, OTHER_PX = 5, 12, 9, 8
CELL_PADDING_PX = 16  # 8 px either side of a cell's text
HEADER_MENU_PX = 20  # a heading also holds its sort arrow or menu when pointed at
# A column grows with its longest value up to this width; longer text is cut with "…" (the
# whole of it shows when the cell is opened) or, in a column the page names, wrapped.
LONG_TEXT_MAX_PX = 360
WRAPPED_COLUMN_PX = 400
# Numbers and dates show formatted, not as Python writes them: about this many characters.
NUMBER_CHARACTERS = 8  # "1,234.5", "77.07%"
DATETIME_CHARACTERS = 16  # "20.11.2026 09:15"
CHECKBOX_PX = 60


def text_px(text: str) -> int:
    """How wide `text` is drawn in a table, in pixels (an estimate never under Chromium's)."""
    width = 0
    for character in text:
        if character in NARROW_CHARACTERS:
            width += NARROW_PX
        elif character in WIDE_CHARACTERS:
            width += WIDE_PX
        elif character.isupper():
            width += CAPITAL_PX
        else:
            width += OTHER_PX
    return width


def header_px(label: str) -> int:
    """The width a column needs to show its whole heading."""
    return text_px(label) + CELL_PADDING_PX + HEADER_MENU_PX


def _content_px(values: pd.Series) -> int:
    if pd.api.types.is_bool_dtype(values):
        return CHECKBOX_PX
    if pd.api.types.is_numeric_dtype(values):
        return NUMBER_CHARACTERS * OTHER_PX + CELL_PADDING_PX
    if pd.api.types.is_datetime64_any_dtype(values):
        return DATETIME_CHARACTERS * OTHER_PX + CELL_PADDING_PX
    longest = max((text_px(str(value)) for value in values.dropna()), default=0)
    return min(longest + CELL_PADDING_PX, LONG_TEXT_MAX_PX)


class TableLayout(BaseModel):
    """How a table is drawn: its height and row height in pixels, and each column's
    configuration for `st.dataframe` (width, pinning, help, its type's format)."""

    height: int
    row_height: int
    column_config: dict[str, Any]


def table_layout(
    frame: pd.DataFrame,
    column_config: Mapping[str, Any] | None = None,
    *,
    pinned: str | None = None,
    wrap: Sequence[str] = (),
) -> TableLayout:
    """The layout of `frame` (see the module docstring): `column_config` as for
    `st.dataframe` (a label, a column type, or None to hide), each column given its width;
    `pinned` (the first column unless given; "" for none) stays at the left; text in the `wrap`
    columns wraps onto up to three lines."""
    given = dict(column_config or {})
    pin = frame.columns[0] if pinned is None and len(frame.columns) else pinned
    config: dict[str, Any] = {}
    wrapped = False
    for column in frame.columns:
        name = str(column)
        setting = given.get(name, st.column_config.Column())
        if setting is None:  # hidden
            config[name] = None
            continue
        if isinstance(setting, str):
            setting = st.column_config.Column(setting)
        setting = dict(setting)
        label = setting.get("label") or name
        values = frame[column]
        if name in wrap:
            width = WRAPPED_COLUMN_PX
            wrapped |= any(
                text_px(str(value)) + CELL_PADDING_PX > width for value in values.dropna()
            )
        else:
            width = max(header_px(label), _content_px(values))
        setting["width"] = setting.get("width") or width
        if name == pin:
            setting["pinned"] = True
        if values.isna().any() and not setting.get("help"):
            setting["help"] = f"{MISSING} where nothing is recorded for the row."
        config[name] = setting
    row_height = WRAPPED_ROW_HEIGHT_PX if wrapped else ROW_HEIGHT_PX
    height = min(ROW_HEIGHT_PX + len(frame) * row_height + 2, TABLE_MAX_HEIGHT_PX)
    return TableLayout(height=height, row_height=row_height, column_config=config)


def show_table(
    data: pd.DataFrame | Styler,
    column_config: Mapping[str, Any] | None = None,
    *,
    pinned: str | None = None,
    wrap: Sequence[str] = (),
    key: str | None = None,
    on_select: Any = "ignore",
    selection_mode: Any = "multi-row",
) -> Any:
    """`st.dataframe` of `data` (a frame, or a Styler of one) laid out by `table_layout`,
    without its index; with `on_select`, its selection state, as `st.dataframe` returns it."""
    frame = data.data if isinstance(data, Styler) else data  # type: ignore[attr-defined]
    layout = table_layout(frame, column_config, pinned=pinned, wrap=wrap)
    return st.dataframe(
        data,
        hide_index=True,
        width="stretch",
        height=layout.height,
        row_height=layout.row_height,
        column_config=layout.column_config,
        placeholder=MISSING,
        key=key,
        on_select=on_select,
        selection_mode=selection_mode,
    )
