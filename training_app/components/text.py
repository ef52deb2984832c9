"""Text that came from a file or a person (names, teams, categories, comments, file names,
module and policy text) shown as text: never read as Markdown, HTML, an icon, a colour, LaTeX
or a link, and never fetching anything.

Streamlit reads Markdown in nearly every string it is given: `st.markdown`, captions, titles,
alerts, widget and metric labels and values, tab and expander labels, radio options, table
cells and help tooltips. Besides GitHub-flavoured Markdown (links, images, autolinks, tables,
strikethrough) it reads `:material/icon:` icons, `:red[...]` colours, `:smile:` and
`:streamlit:` shortcodes, `$...$` LaTeX, and typographic replacements such as `->` for an
arrow. It shows HTML tags as typed, but `<http://…>` is a link. So outside text goes into such
a string only through `md()` (or `md_code()`, `md_bullets()`, `md_table()`, and
`module_markdown()` for the Markdown module authors may write), and a block of it, such as a
customer's comment, is shown with `text_block()`. A test reads every page and component and
refuses a Markdown argument that interpolates anything else
(tests/training_app/test_text_shown_as_text.py), so a new page is held to it too.

Streamlit rewrites text twice, so `md()` does two things:
1. Markdown syntax: each character that can start a construct gets a backslash, which Markdown
   shows as the character itself.
2. After parsing, Streamlit and its Markdown plugins rewrite the remaining *text*, where the
   backslashes are gone: bare URLs, `www.` and e-mail addresses become links, shortcodes become
   emoji and icons, `->` becomes an arrow. Each needs its characters in one piece of text, so
   the character completing one (the `:` of `http://` or of a shortcode, the `@` of an
   address, the `.` after `www`, the second character of `->`) is put in a span of its own:
   `:color[…]` without a colour, which Streamlit documents and draws as a plain `<span>`. The
   page shows, and copies, exactly the characters typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import streamlit as st

# Characters that open Markdown or Streamlit syntax wherever they stand in a line.
_ANYWHERE = frozenset("\\`*_[]<~$|{}")
# ... and those that do at the start of a line (a heading, quote, list item or underline): the
# text around an outside value may put it there.
_LINE_START = frozenset("#>-+=")
# Pairs Streamlit replaces with a symbol (`->` an arrow, `<=` a ≤): their second character.
_TYPOGRAPHY = frozenset({"<-", "->", "--", ">=", "<=", "~="})
_ENTITY = re.compile(r"&(?=#?\w+;)")  # `&amp;` would show as `&`
_WWW = re.compile(r"(?i)(?<![\w.])www(?=\.)")
_ORDERED_LIST = re.compile(r"^(\d+)([.)])")
# A lesson line's own structure, kept: indentation, quote marks, a list marker.
_LESSON_LINE = re.compile(r"^(\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?)(.*)$")


def _escaped_line(text: str, keep: frozenset[str] = frozenset()) -> str:
    """One line of outside text as Markdown that shows it as typed (see the module docstring);
    characters in `keep` are left to Markdown."""
    www_dots = {found.end() for found in _WWW.finditer(text)}
    out: list[str] = []
    for i, character in enumerate(text):
        following = text[i + 1 : i + 2]
        if character in keep:
            out.append(character)
        elif (
            (character == ":" and (following.isalnum() or following in ("_", "/", "+", "-")))
            or character == "@"
            or i in www_dots
            or (i > 0 and text[i - 1 : i + 1] in _TYPOGRAPHY)
        ):
            inside = "\\" + character if character in _ANYWHERE | _LINE_START else character
            out.append(f":color[{inside}]")
        elif character in _ANYWHERE or (i == 0 and character in _LINE_START):
            out.append("\\" + character)
        elif character == "&" and _ENTITY.match(text, i):
            out.append("\\&")
        else:
            out.append(character)
    return _ORDERED_LIST.sub(r"\1\\\2", "".join(out))  # "1. " would start a numbered list


def md(value: object) -> str:
    """`value` as text inside a Markdown string, shown exactly as typed, on one line: a line
    break in a name or a label would be read as Markdown structure, and HTML shows a run of
    white space as one space anyway."""
    return _escaped_line(" ".join(str(value).split()))


def md_code(value: object) -> str:
    """`value` as inline code (a file name, an e-mail to type): a code span shows its content as
    it is, and Streamlit rewrites no text inside it. The fence is one backtick longer than any
    run of backticks in the value."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def md_bullets(items: Iterable[object]) -> str:
    """A Markdown bullet list of outside text, one `md()` item per line."""
    return "\n".join(f"- {md(item)}" for item in items)


def md_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for `st.table`, whose cells and row labels are Markdown: every text cell and
    label through `md()`."""
    escaped = frame.map(lambda cell: md(cell) if isinstance(cell, str) else cell)
    return escaped.rename(index=lambda label: md(label) if isinstance(label, str) else label)


def module_markdown(body: str) -> str:
    """A lesson's body or a role-play's scenario with exactly the Markdown
    docs/authoring-modules.md promises authors: paragraphs, `**bold**` and `*italics*`, bullet
    and numbered lists, `> quotes`. Everything else (links, images, HTML, code, icons, colours,
    LaTeX, bare URLs) shows as typed, so a module file can make no reader's browser fetch
    anything."""
    lines = []
    for line in body.split("\n"):
        found = _LESSON_LINE.match(line)
        assert found is not None  # the pattern matches any line
        structure, text = found.groups()
        lines.append(structure + _escaped_line(text, keep=frozenset("*")))
    return "\n".join(lines)


def text_block(text: object) -> None:
    """A block of outside text (a customer's comment, a reflection) as typed, its line breaks
    kept: `st.text` reads no Markdown and no HTML."""
    st.text(str(text))
