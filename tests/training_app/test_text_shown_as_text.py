"""Outside text is shown as typed: the escaping of `md()`, worked out by hand, and a reading of
every page and component that refuses a Markdown argument interpolating anything but `md()`,
so that the next page written is held to it too. tests/e2e/test_text_shown_as_text.py shows
the result in a real browser."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from training_app.components.text import md, md_bullets, md_code, md_table, module_markdown

TRAINING_APP = Path(__file__).resolve().parents[2] / "training_app"


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("Ana Horvat", "Ana Horvat"),  # most text needs nothing
        ("Orders & returns", "Orders & returns"),
        ("O'Brien-Šimić, Ana (lead).", "O'Brien-Šimić, Ana (lead)."),
        ("&amp; &#60;", r"\&amp; \&#60;"),  # would show as & and <
        ("*a* _b_ `c` ~d~ |e|", r"\*a\* \_b\_ \`c\` \~d\~ \|e\|"),
        ("![x](track.png)", r"!\[x\](track.png)"),  # no image, no link
        ("<img src=x> <b>", r"\<img src=x> \<b>"),  # nor a tag, nor an <autolink>
        ("$x^2$ {y}", r"\$x^2\$ \{y\}"),  # LaTeX; attributes after a directive
        # Bare URLs, e-mail addresses and www. are linked from the text Markdown leaves, so
        # the character completing one gets a span of its own (an uncoloured :color[]).
        ("http://h/p", "http:color[:]//h/p"),
        ("a@b.example", "a:color[@]b.example"),
        ("www.example.com", "www:color[.]example.com"),
        # Shortcodes, icons and colours, the same way; a colon before a space needs nothing.
        (":smile: :red[x] note: it", r":color[:]smile: :color[:]red\[x\] note: it"),
        (":material/home: :+1:", ":color[:]material/home: :color[:]+1:"),
        ("a -> b <= c", r"a -:color[\>] b \<:color[\=] c"),  # arrows and ≤ as typed
        # At the start of a line: a heading, quote, list item or underline.
        ("# h", r"\# h"),
        ("> q", r"\> q"),
        ("- item", r"\- item"),
        ("12. twelve", r"12\. twelve"),
        ("1) one", r"1\) one"),
        ("===", r"\==="),
        ("line\nbreak   and\ttab", "line break and tab"),  # one line: no structure
    ],
)
def test_md_escapes_what_markdown_and_streamlit_would_read(typed: str, escaped: str) -> None:
    assert md(typed) == escaped


def test_module_markdown_keeps_the_promised_markdown_and_nothing_else() -> None:
    body = (
        "**Live chat.** Say *why*.\n\n- one\n  12. two\n> a quote\n"
        "![x](http://h/t.png) [a](http://h) <b> `c` # no heading"
    )
    assert module_markdown(body) == (
        "**Live chat.** Say *why*.\n\n- one\n  12. two\n> a quote\n"
        r"!\[x\](http:color[:]//h/t.png) \[a\](http:color[:]//h) \<b> \`c\` # no heading"
    )
    # No heading, no rule: and -- stays two dashes, not a dash Streamlit draws instead.
    assert module_markdown("# heading\n---") == r"\# heading" + "\n" + r"\-:color[\-]:color[\-]"


def test_code_spans_hold_any_text() -> None:
    assert md_code("default.yaml") == "`default.yaml`"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"


def test_bullets_and_table_cells_escape_each_item() -> None:
    assert md_bullets(["[a](x)", "b"]) == "- \\[a\\](x)\n- b"
    table = md_table(pd.DataFrame({"Option": ["*free*"], "Limit": [50]}))
    assert table.to_dict("records") == [{"Option": r"\*free\*", "Limit": 50}]


# -- every page and component --------------------------------------------------------------

# Streamlit calls that read Markdown in their text (1.67): which positional arguments and
# keywords. `help=` is Markdown wherever it is taken. Selectbox and multiselect options,
# placeholders, `st.text`, `st.code`, dataframes and charts show text as it is.
LABEL = ((0,), ("label",))
MARKDOWN_ARGUMENTS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "markdown": ((0,), ("body",)),
    "caption": ((0,), ("body",)),
    "title": ((0,), ("body",)),
    "header": ((0,), ("body",)),
    "subheader": ((0,), ("body",)),
    "info": ((0,), ("body",)),
    "success": ((0,), ("body",)),
    "warning": ((0,), ("body",)),
    "error": ((0,), ("body",)),
    "toast": ((0,), ("body",)),
    "html": ((0,), ("body",)),  # HTML itself: only ever text of this codebase
    "dialog": ((0,), ("title",)),
    "write": ((0, 1, 2, 3), ()),
    "badge": LABEL,
    "metric": ((0, 1, 2), ("label", "value", "delta")),
    "table": ((0,), ("data",)),
    "tabs": ((0,), ("tabs",)),
    "expander": LABEL,
    "popover": LABEL,
    "status": LABEL,
    "spinner": ((0,), ("text",)),
    "progress": ((1,), ("text",)),
    "page_link": ((), ("label",)),
    "button": LABEL,
    "download_button": LABEL,
    "link_button": LABEL,
    "form_submit_button": LABEL,
    "checkbox": LABEL,
    "toggle": LABEL,
    "radio": ((0,), ("label", "captions")),
    "selectbox": LABEL,
    "multiselect": LABEL,
    "select_slider": LABEL,
    "slider": LABEL,
    "text_input": LABEL,
    "text_area": LABEL,
    "number_input": LABEL,
    "date_input": LABEL,
    "time_input": LABEL,
    "file_uploader": LABEL,
    "color_picker": LABEL,
    "camera_input": LABEL,
    "pills": LABEL,
    "segmented_control": LABEL,
}
# Functions whose result may go into Markdown: the escaping helpers, and formatters of numbers
# and times, which print digits, month names and punctuation of their own.
SAFE_CALLS = {"md", "md_code", "md_bullets", "md_table", "module_markdown", "count", "percent"}
SAFE_CALLS |= {"local_time", "local_day", "len", "int", "float", "round"}
SAFE_CALLS |= {"seconds", "points_change", "signed_points", "points_gap", "too_few", "period_dates"}
# A format spec only numbers and dates accept (`{n:,}`, `{rate:.0%}`, `{day:%d %b %Y}`):
# text given one raises, so it cannot slip through.
NUMBER_OR_DATE_SPEC = re.compile(r"([bdeEfFgGnoxX%,]|%.*)$")


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _spec(value: ast.FormattedValue) -> str:
    if value.format_spec is None:
        return ""
    assert isinstance(value.format_spec, ast.JoinedStr)
    return "".join(
        part.value for part in value.format_spec.values if isinstance(part, ast.Constant)
    )


class Reading:
    """One file: which names are only ever bound to `safe` values, and which of its functions
    only ever return one (a value built from constants and escaped parts may be passed on)."""

    def __init__(self, tree: ast.Module) -> None:
        self.bound: dict[str, list[ast.expr | None]] = {}
        self.returns: dict[str, list[ast.expr | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                self.returns[node.name] = [
                    found.value for found in ast.walk(node) if isinstance(found, ast.Return)
                ]
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
                self._bind(node.target, node.value)
            elif isinstance(node, ast.For | ast.comprehension):
                self._bind(node.target, None)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind(node.optional_vars, None)
            elif isinstance(node, ast.arguments):
                for arg in [*node.posonlyargs, *node.args, *node.kwonlyargs]:
                    self.bound.setdefault(arg.arg, []).append(None)
        self._deciding: set[str] = set()

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.bound.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):  # unpacked: not followed
            for element in target.elts:
                self._bind(element, None)

    def safe_result(self, function: str) -> bool:
        values = self.returns.get(function)
        if not values or function in self._deciding:
            return False
        self._deciding.add(function)
        try:
            return all(value is None or self.safe(value) for value in values)
        finally:
            self._deciding.discard(function)

    def safe_name(self, name: str) -> bool:
        if name in self._deciding:  # x = x + "..." refers to itself: decided by the rest
            return True
        values = self.bound.get(name)
        # A list may have anything appended later: only a name bound to values once is followed.
        mutable = (ast.List, ast.ListComp, ast.Dict, ast.DictComp, ast.Set, ast.SetComp)
        if not values or any(value is None or isinstance(value, mutable) for value in values):
            return False
        self._deciding.add(name)
        try:
            return all(self.safe(value) for value in values if value is not None)
        finally:
            self._deciding.discard(name)

    def safe(self, node: ast.expr) -> bool:
        """Whether `node` can only be text of this codebase, numbers, dates or escaped text."""
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return self.safe_name(node.id)
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(part) for part in node.values)
        if isinstance(node, ast.FormattedValue):
            if node.conversion != -1:  # !r, !s: any value's text
                return False
            return bool(NUMBER_OR_DATE_SPEC.search(_spec(node))) or self.safe(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.safe(node.left) and self.safe(node.right)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body) and self.safe(node.orelse)
        if isinstance(node, ast.List | ast.Tuple):
            return all(self.safe(element) for element in node.elts)
        if isinstance(node, ast.Call):
            if _name(node.func) in SAFE_CALLS:
                return True
            if isinstance(node.func, ast.Name) and self.safe_result(node.func.id):
                return True
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join":
                [parts] = node.args
                if isinstance(parts, ast.GeneratorExp | ast.ListComp):
                    parts = parts.elt
                return self.safe(node.func.value) and self.safe(parts)
        return False


def unescaped_arguments(source: str) -> list[tuple[int, str, str]]:
    """(line, call, argument) for every Markdown argument of a Streamlit call that is not
    `safe`; a radio's `format_func` too, whose results are its options' Markdown labels."""
    tree = ast.parse(source)
    reading = Reading(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not (node.args or node.keywords):
            continue
        name = _name(node.func)
        if isinstance(node.func, ast.IfExp):  # (st.success if passed else st.warning)(...)
            names = {_name(node.func.body), _name(node.func.orelse)}
            name = next((n for n in names if n in MARKDOWN_ARGUMENTS), None)
        positions, keywords = MARKDOWN_ARGUMENTS.get(name or "", ((), ()))
        arguments = [arg for n, arg in enumerate(node.args) if n in positions]
        for keyword in node.keywords:
            if keyword.arg in keywords or keyword.arg == "help":
                arguments.append(keyword.value)
            if name == "radio" and keyword.arg == "format_func":
                func = keyword.value
                arguments.append(func.body if isinstance(func, ast.Lambda) else func)
        found += [
            (arg.lineno, str(name), ast.unparse(arg)) for arg in arguments if not reading.safe(arg)
        ]
    return found


def streamlit_files() -> list[Path]:
    return sorted(
        file
        for file in TRAINING_APP.rglob("*.py")
        if re.search(r"^import streamlit|^from streamlit", file.read_text(), re.M)
    )


def test_the_reading_finds_outside_text_put_into_markdown() -> None:
    # Each of these once showed a name or a comment as Markdown.
    holes = """
st.markdown(f"**{viewer.name}**  \\n{viewer.role.capitalize()}")
st.title(member.name)
st.caption(" · ".join(part for part in (member.team, member.email) if part))
tile.metric(f"{label} (target {target:.0%})", percent(mine[key]), help=f"{n}.")
st.radio("Your reply", options, format_func=lambda i: node.choices[i].reply)
(st.success if passed else st.warning)(f"**{verdict}.** {result.note}")
st.error(f"No certificate has the code {code.strip()!r}.")
st.expander(f"{title} — {verdict}")
"""
    assert sorted(line for line, _, _ in unescaped_arguments(holes)) == [2, 3, 4, 5, 5, 6, 7, 8, 9]
    fixed = """
st.markdown(f"**{md(viewer.name)}**  \\n{md(viewer.role.capitalize())}")
st.caption(" · ".join(md(part) for part in (member.team, member.email) if part))
tile.metric(f"{md(label)} (target {target:.0%})", percent(mine[key]), help=f"{n:d}.")
st.radio("Your reply", options, format_func=lambda i: md(node.choices[i].reply))
st.progress(0.5, text=f"Step {position + 1:d} of {total:d}")
"""
    assert unescaped_arguments(fixed) == []


def test_no_page_or_component_puts_outside_text_into_markdown_unescaped() -> None:
    files = streamlit_files()
    assert TRAINING_APP / "app.py" in files and len(files) > 20  # the reading reads them
    problems = [
        f"{file.relative_to(TRAINING_APP.parent)}:{line}: st.{call}(... {argument} ...)"
        for file in files
        for line, call, argument in unescaped_arguments(file.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "Text from a file or a person goes into Markdown only through md() (see "
        "training_app/components/text.py):\n" + "\n".join(problems)
    )
