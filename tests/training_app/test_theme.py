"""The theme in training_app/.streamlit/config.toml reads at WCAG 2.2 AA: every text colour
Streamlit derives from it reaches 4.5:1 on every background it stands on, and the keyboard
focus ring 3:1 against what is beside it. The ratios are worked out here from the colours in
the file, with WCAG's formula; tests/e2e/test_accessibility.py checks the rendered pages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from training_app.components.theme import FOCUS_RING_WIDTH_PX, accessibility_css

CONFIG = Path(__file__).resolve().parents[2] / "training_app" / ".streamlit" / "config.toml"

# Streamlit 1.67's light theme, for what the file leaves unset (`streamlit config show`).
STREAMLIT_LIGHT = {
    "primaryColor": "#c53948",
    "backgroundColor": "#ffffff",
    "secondaryBackgroundColor": "#f8f8f7",
    "textColor": "#2f2d2b",
    "linkColor": "#244fb4",  # its blueTextColor
    "codeBackgroundColor": "#fafafa",  # as axe measured it under the default theme
}
STREAMLIT_LIGHT_SIDEBAR = "#f8f8f7"
# Captions, blockquotes, help text and the sidebar's small print: Streamlit's `fadedText60`,
# the text colour with its opacity lowered by 0.4 (frontend theme utilities).
FADED_TEXT_OPACITY = 0.6
TEXT_MIN = 4.5  # WCAG 1.4.3, text under 18 pt
NON_TEXT_MIN = 3.0  # WCAG 1.4.11 and 2.4.13's contrast for a focus indicator


def rgb(hex_colour: str) -> tuple[float, float, float]:
    digits = hex_colour.removeprefix("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", digits), f"not a #rrggbb colour: {hex_colour}"
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return (red, green, blue)


def luminance(colour: tuple[float, float, float]) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(
    colour: tuple[float, float, float], opacity: float, background: tuple[float, float, float]
) -> tuple[float, float, float]:
    """`colour` at `opacity` as the browser paints it on `background`."""
    red, green, blue = (
        opacity * c + (1 - opacity) * b for c, b in zip(colour, background, strict=True)
    )
    return (red, green, blue)


def test_the_arithmetic_gives_the_ratios_axe_measured_under_streamlits_theme() -> None:
    assert contrast(rgb("#000000"), rgb("#ffffff")) == pytest.approx(21.0)
    assert contrast(rgb("#828180"), rgb("#ffffff")) == pytest.approx(3.88, abs=0.01)
    text = rgb(STREAMLIT_LIGHT["textColor"])
    white = rgb("#ffffff")
    assert contrast(over(text, FADED_TEXT_OPACITY, white), white) == pytest.approx(3.88, abs=0.01)


def theme() -> tuple[dict[str, str], str]:
    """The colours in force and the sidebar's background, the file over Streamlit's defaults."""
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    section = config.get("theme", {})
    assert section.get("base", "light") == "light", "these defaults are the light theme's"
    colours = {**STREAMLIT_LIGHT, **{k: v for k, v in section.items() if k in STREAMLIT_LIGHT}}
    sidebar = section.get("sidebar", {}).get("backgroundColor")
    if sidebar is None:
        sidebar = (
            STREAMLIT_LIGHT_SIDEBAR
            if colours["backgroundColor"] == STREAMLIT_LIGHT["backgroundColor"]
            and colours["secondaryBackgroundColor"] == STREAMLIT_LIGHT["secondaryBackgroundColor"]
            else colours["secondaryBackgroundColor"]
        )
    return colours, sidebar


def backgrounds() -> dict[str, str]:
    colours, sidebar = theme()
    return {
        "the page": colours["backgroundColor"],
        "the sidebar": sidebar,
        "a widget": colours["secondaryBackgroundColor"],
        "inline code": colours["codeBackgroundColor"],
    }


def test_body_text_and_captions_reach_4_5_to_1_on_every_background() -> None:
    colours, _ = theme()
    text = rgb(colours["textColor"])
    short = []
    for where, background in backgrounds().items():
        paper = rgb(background)
        for what, ink in (("text", text), ("caption", over(text, FADED_TEXT_OPACITY, paper))):
            ratio = contrast(ink, paper)
            if ratio < TEXT_MIN:
                short.append(f"{what} on {where} ({background}): {ratio:.2f}:1")
    assert not short, "; ".join(short)


def test_links_reach_4_5_to_1() -> None:
    colours, sidebar = theme()
    link = rgb(colours["linkColor"])
    for background in (colours["backgroundColor"], sidebar):
        assert contrast(link, rgb(background)) >= TEXT_MIN, background


def test_the_focus_ring_reaches_3_to_1_against_what_is_beside_it() -> None:
    """The ring is drawn in the primary colour, outside the element with a gap of page, so what
    is beside it is the page or the sidebar; a primary button's own text is white on it."""
    colours, sidebar = theme()
    primary = colours["primaryColor"]
    assert "primaryColor" in tomllib.loads(CONFIG.read_text(encoding="utf-8"))["theme"]
    css = accessibility_css(primary)
    red, green, blue = (round(channel) for channel in rgb(primary))
    assert f"outline: {FOCUS_RING_WIDTH_PX}px solid rgb({red}, {green}, {blue}) !important" in css
    assert FOCUS_RING_WIDTH_PX >= 2
    for background in (colours["backgroundColor"], sidebar):
        assert contrast(rgb(primary), rgb(background)) >= NON_TEXT_MIN, background
    assert contrast(rgb("#ffffff"), rgb(primary)) >= TEXT_MIN
