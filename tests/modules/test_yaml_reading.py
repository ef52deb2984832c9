"""Policy and module files are read by libyaml when they cannot nest deeper than it handles
safely, by the Python parser otherwise; both give the same data and the same lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from modules import content_errors
from modules.content_errors import C_PARSER_MAX_BOUND, read_yaml
from modules.defaults import DEFAULT_POLICY_PATH

SHIPPED = [DEFAULT_POLICY_PATH, *sorted(Path("modules/content").glob("*/module.yaml"))]


def lines(node: yaml.Node | None) -> list[tuple[str, int]]:
    """Every scalar of the tree with its line, in document order."""
    found: list[tuple[str, int]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            found.append((current.value, current.start_mark.line))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in reversed(current.value) for part in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p))
def test_shipped_files_are_read_by_libyaml_with_the_python_parsers_answer(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert content_errors._nesting_bound(path.read_text(encoding="utf-8")) <= C_PARSER_MAX_BOUND
    quick_data, quick_tree = read_yaml(path)
    monkeypatch.setattr(content_errors, "C_PARSER_MAX_BOUND", -1)  # the Python parser
    data, tree = read_yaml(path)
    assert quick_data == data
    assert lines(quick_tree) == lines(tree)


def test_the_bound_is_never_below_the_real_depth() -> None:
    # "- - a: [{b: x}]": two sequences, a mapping, a sequence, a mapping and the scalar x = 6
    # levels (as `_depth` counts them) on one line.
    text = "- - a: [{b: x}]\n"
    tree = yaml.compose(text, Loader=yaml.SafeLoader)
    assert content_errors._depth(tree) == 6
    assert content_errors._nesting_bound(text) >= 6


def test_a_file_nested_deeper_than_libyaml_survives_is_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    """50,000 levels crash libyaml's parser (a segmentation fault, measured); read in a process of
    its own, so that a crash fails this test instead of ending the run."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("vision: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from modules.content_errors import ContentError, read_yaml\n"
        "try:\n"
        "    read_yaml(Path(sys.argv[1]))\n"
        "except ContentError as exc:\n"
        "    print(exc.issues[0].message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(deep)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.startswith("nested too deeply")
