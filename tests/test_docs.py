"""The README is the front door: its two commands, CI's command and its page list stay true."""

from __future__ import annotations

import re
from pathlib import Path

from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_section_commands() -> list[str]:
    first_section = README.split("\n## ", 2)[1]
    [block] = re.findall(r"```(?:bash|sh)\n(.*?)```", first_section, flags=re.S)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_the_readme_starts_with_exactly_two_commands_that_exist() -> None:
    serve, test = first_section_commands()
    assert serve == "bash scripts/serve.sh"
    assert test == "bash scripts/check.sh"
    for command in (serve, test):
        assert (ROOT / command.split()[1]).is_file()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == f"exec {first_section_commands()[1]}"


def test_the_readme_gives_the_demo_sign_in_details() -> None:
    for email in DEMO_ACCOUNTS.values():
        assert email in README
    assert DEMO_PASSWORD in README


def test_the_readme_lists_every_page() -> None:
    pages = sorted(
        p.name
        for p in (ROOT / "training_app" / "app_pages").glob("*.py")
        if p.name != "__init__.py"
    )
    listed = sorted(set(re.findall(r"`app_pages/(\w+\.py)`", README)))
    assert listed == pages
