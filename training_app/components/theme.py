"""What the theme in `.streamlit/config.toml` cannot say, in one place: a keyboard focus ring
that can be seen, date-field parts large enough to press, and labels that wrap instead of
ending in "…". The colours stay in config.toml; this reads the primary colour from there.

Streamlit marks keyboard focus with a faint background (radio options, navigation links:
about 1.1:1 against the page) or a half-transparent ring (2.6:1 with our primary colour), and
draws some elements with `outline: none`; WCAG 2.2 AA asks for a visible focus indicator
(2.4.7), and 3:1 against what is beside it for the component (1.4.11).
"""

from __future__ import annotations

import re

import streamlit as st

# A solid ring outside the element: 2 px is the thickness WCAG 2.4.13 takes as its example of
# an indicator that is easy to see; the offset keeps it off the element's own border.
FOCUS_RING_WIDTH_PX = 2
FOCUS_RING_OFFSET_PX = 2
# WCAG 2.5.8 (target size, minimum): 24 by 24 CSS pixels.
MIN_TARGET_PX = 24
# Where no theme was loaded (AppTest runs without config.toml) Streamlit draws in its own
# primary colour, and so does the ring.
STREAMLIT_PRIMARY = "#c53948"


def accessibility_css(primary_colour: str) -> str:
    """The style sheet, with the focus ring drawn in `primary_colour` (#rrggbb, as
    config.toml gives it). Only numbers go into it: the colour is read as its three channels."""
    found = re.fullmatch(r"#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})", primary_colour)
    if found is None:
        raise ValueError(f"theme.primaryColor must be #rrggbb, not {primary_colour!r}")
    red, green, blue = (int(channel, 16) for channel in found.groups())
    return f"""<style>
/* Keyboard focus: every element Streamlit marks as focused from the keyboard. React Aria (radio
   options, date parts, tabs) sets data-focus-visible on the element; the browser matches
   :focus-visible on the rest (links, buttons, inputs, the table). */
:focus-visible,
[data-focus-visible] {{
    outline: {FOCUS_RING_WIDTH_PX:d}px solid rgb({red:d}, {green:d}, {blue:d}) !important;
    outline-offset: {FOCUS_RING_OFFSET_PX:d}px !important;
}}
/* A radio option's input is hidden: its label, which React Aria marks, carries the ring. */
[data-testid="stRadio"] input:focus-visible {{
    outline: none !important;
}}
/* A text field's own input sits inside a box with a border: the ring goes around the box. */
[data-baseweb="input"]:focus-within,
[data-baseweb="textarea"]:focus-within,
[data-baseweb="select"] > div:focus-within,
[data-testid="stDateInputField"]:focus-within {{
    outline: {FOCUS_RING_WIDTH_PX:d}px solid rgb({red:d}, {green:d}, {blue:d}) !important;
    outline-offset: {FOCUS_RING_OFFSET_PX:d}px;
}}
[data-baseweb="input"] input:focus-visible,
[data-baseweb="textarea"] textarea:focus-visible,
[data-baseweb="select"] input:focus-visible,
[data-testid="stDateInputField"] [role="spinbutton"]:focus-visible {{
    outline: none !important;
}}
/* The day and month of a date field, the hour and minute of a time field, are each a target
   of their own. */
[data-testid="stDateInputField"] [role="spinbutton"],
[data-testid="stTimeInput"] [role="spinbutton"] {{
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: {MIN_TARGET_PX:d}px;
    min-height: {MIN_TARGET_PX:d}px;
}}
/* Metric and button labels wrap onto a second line rather than being cut to "…" in a narrow
   column (a phone, or 200% zoom). */
[data-testid="stMetricLabel"] *,
[data-testid^="stBaseButton"] * {{
    white-space: normal !important;
    overflow: visible !important;
    text-overflow: clip !important;
}}
</style>"""


def apply_accessibility_styles() -> None:
    """Add the style sheet to the page (once per run: Streamlit keeps one copy)."""
    primary = st.get_option("theme.primaryColor") or STREAMLIT_PRIMARY
    st.html(accessibility_css(str(primary)))
