"""Errors found in content files (the policy, later the training modules).

Owners write these files by hand, so every problem is reported as file, line, key path and a
message a person understands, never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


@dataclass(frozen=True)
class ContentIssue:
    file: str
    key_path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = self.key_path or "(whole file)"
        return f"{where}: {key}: {self.message}"


class ContentError(Exception):
    """Raised when a content file cannot be used; carries every issue found, not just the first."""

    def __init__(self, issues: list[ContentIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def key_path(loc: tuple[int | str, ...]) -> str:
    """('steps', 2, 'title') -> 'steps[2].title', the way an owner reads a YAML file."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


# Policies and modules nest a few levels (steps, options, feedback); far more is a broken or
# hostile file, and Python's recursion (in the YAML reader and the checks) must never see it.
MAX_NESTING = 40

# libyaml's parser (CSafeLoader) reads a policy about three times quicker than the Python one,
# which every `academy` command pays for, but it recurses in C with no guard: a file nested
# 50,000 levels deep crashed the process (20,000 did not, on an 8 MB stack). No file can nest
# deeper than `_nesting_bound` of its text, so a file whose bound stays under this is read by
# libyaml; any other by the Python parser, whose recursion Python guards (RecursionError).
C_PARSER_MAX_BOUND = 10_000


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file; return the data and the node tree that knows each key's line.

    Every way the file can fail to be read is one ContentIssue: missing, a folder, unreadable,
    not UTF-8, not YAML, or nested too deeply."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ContentError([ContentIssue(str(path), "", "file not found")]) from exc
    except IsADirectoryError as exc:
        message = f"is a folder, not a file: name the {_kind(path)}'s YAML file"
        raise ContentError([ContentIssue(str(path), "", message)]) from exc
    except UnicodeDecodeError as exc:
        raise ContentError([ContentIssue(str(path), "", "file is not UTF-8 text")]) from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = f"cannot be read ({reason.lower()}): check the file and its permissions"
        raise ContentError([ContentIssue(str(path), "", message)]) from exc
    return parse_yaml(text, str(path))


def parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text read from `source` (a file, or a version kept in the store); every problem
    is one ContentIssue naming `source`."""
    too_deep = ContentIssue(
        source,
        "",
        f"nested too deeply (more than {MAX_NESTING} levels of lists or keys); a policy or "
        f"module needs only a few: check the brackets and indentation",
    )
    quick = yaml.__with_libyaml__ and _nesting_bound(text) <= C_PARSER_MAX_BOUND
    loader = yaml.CSafeLoader(text) if quick else yaml.SafeLoader(text)
    try:
        # One parse: the node tree (for lines), then the data built from it.
        tree = loader.get_single_node()
        if tree is not None and _depth(tree) > MAX_NESTING:
            raise ContentError([too_deep])
        data = loader.construct_document(tree) if tree is not None else None
    except RecursionError:
        raise ContentError([too_deep]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError([ContentIssue(source, "", f"not valid YAML: {problem}", line)]) from exc
    finally:
        loader.dispose()
    return data, tree


def _nesting_bound(text: str) -> int:
    """An upper bound of how deeply YAML `text` can nest: a level opens only with a flow bracket,
    a sequence's dash, an explicit key's question mark or a key's colon (each of these at most
    two levels: "- a: ..." opens a sequence and a mapping), or on a new line."""
    opening = sum(text.count(mark) for mark in "[{-?:")
    return 2 * opening + text.count("\n") + 1


def _kind(path: Path) -> str:
    return "module" if path.name == "module.yaml" else "policy"


def _depth(tree: yaml.Node) -> int:
    """How deeply the node tree nests, walked without recursion (aliases are not followed)."""
    deepest = 0
    stack: list[tuple[yaml.Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        if isinstance(node, yaml.MappingNode):
            stack.extend((value, depth + 1) for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return deepest


def line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest part of `loc` that exists in the file (1-based)."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                key = next((k for k, _ in node.value if k.value == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def without_union_tags(loc: tuple[int | str, ...], data: Any) -> tuple[int | str, ...]:
    """Drop the step kind Pydantic inserts into the location of an error inside a tagged union
    ('steps', 2, 'single_choice', 'options') so the path is one the author can find in the file."""
    kept: list[int | str] = []
    node = data
    for part in loc:
        is_tag = isinstance(node, dict) and part not in node and node.get("kind") == part
        if is_tag:
            continue
        kept.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(kept)


def issues_from_validation(
    error: ValidationError, file: Path, tree: yaml.Node | None, data: Any = None
) -> list[ContentIssue]:
    issues = []
    for detail in error.errors():
        loc = without_union_tags(tuple(detail["loc"]), data)
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; extra keys are not allowed)"
        issues.append(ContentIssue(str(file), key_path(loc), message, line_of(tree, loc)))
    return issues
