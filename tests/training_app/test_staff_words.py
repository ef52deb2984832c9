"""Staff read the organisation's words, not the developers': no page a role reaches shows a file
name, a configuration key, a module's or step's id, "YAML", or an exception's name."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from metrics.people import Viewer
from modules.content import load_modules
from modules.policy import load_policy
from tests.training_app.apptest import app_as
from tests.training_app.test_pages import texts

# What developers write and staff should never need to read.
FILE_NAME = re.compile(r"\b[\w-]+\.(?:ya?ml|py|toml|duckdb|sql|json)\b", re.IGNORECASE)
YAML = re.compile(r"\bYAML\b")
EXCEPTION = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b|\bTraceback\b")
# A configuration key: snake_case (due_within_days) or a dotted path (training.pass_mark).
KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|(?<![\w@.])[a-z]+(?:_[a-z]+)*\.[a-z]+_[a-z_]+\b")

# The Import page names the columns of the generic format, Asterisk's queue_log file and the
# complaint register: the words of the files an owner exports and imports, which the page has
# to name.
IMPORT_FORMAT_WORDS = {
    "interaction_id",
    "queued_at",
    "answered_at",
    "resolved_at",
    "agent_email",
    "agent_name",
    "case_id",
    "queue_log",
    "complaint_id",
    "received_at",
    "received_by",
    "approved_by",
    "follow_up_due",
}
ALLOWED = {"import_contacts.py": IMPORT_FORMAT_WORDS}

# The pages each role reaches, as the navigation lists them (see training_app/navigation.py).
PAGES = {
    "owner": [
        "home_owner.py",
        "policy.py",
        "my_training.py",
        "take_module.py",
        "training_records.py",
        "verify_certificate.py",
        "team_performance.py",
        "import_contacts.py",
        "agent_performance.py",
        "recognition.py",
        "coaching.py",
        "staff.py",
    ],
    "supervisor": [
        "home_supervisor.py",
        "policy.py",
        "my_training.py",
        "training_records.py",
        "verify_certificate.py",
        "team_performance.py",
        "recognition.py",
        "coaching.py",
        "staff.py",
    ],
    "agent": [
        "home_agent.py",
        "policy.py",
        "my_training.py",
        "take_module.py",
        "my_performance.py",
    ],
}


def everything_shown(at: AppTest) -> str:
    """The page's text, and every label, option and column heading on it."""
    parts = [texts(at)]
    for kind in ("button", "checkbox", "radio", "selectbox", "multiselect", "text_input"):
        for widget in at.get(kind):
            parts.append(str(getattr(widget, "label", "")))
            parts += [str(option) for option in getattr(widget, "options", [])]
    parts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    for frame in at.dataframe:
        parts += [str(column) for column in frame.value.columns]
    return "\n".join(parts)


ICON = re.compile(r":material/\w+:")  # an icon's name, drawn as the icon


def developer_words(text: str) -> list[str]:
    text = ICON.sub("", text)
    ids = {loaded.module.id for loaded in load_modules(load_policy().policy)}
    ids |= {
        step_id
        for loaded in load_modules(load_policy().policy)
        for step_id in loaded.module.steps_by_id
        if "-" in step_id
    }
    found = [
        m.group(0) for pattern in (FILE_NAME, YAML, EXCEPTION, KEY) for m in pattern.finditer(text)
    ]
    found += sorted(
        found_id for found_id in ids if re.search(rf"(?<![\w-]){found_id}(?![\w-])", text)
    )
    return found


def test_the_words_that_give_a_developer_away_are_found() -> None:
    assert developer_words("version 1 · effective 05 January 2026 · from default.yaml") == [
        "default.yaml"
    ]
    assert {"YAML", "training.due_within_days"} <= set(
        developer_words("Set training.due_within_days in the YAML")
    )
    assert developer_words("KeyError: 'x'") == ["KeyError"]
    assert developer_words("Start handling-complaints") == ["handling-complaints"]
    assert developer_words("Write to owner@demo.example by 05 Jan 2026, 80% of 30 days.") == []


@pytest.mark.parametrize("role", ["owner", "supervisor", "agent"])
def test_no_page_shows_staff_a_developers_word(viewers: dict[str, Viewer], role: str) -> None:
    at = app_as(viewers[role]).run()
    shown = {}
    for page in PAGES[role]:
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, (page, at.exception)
        words = developer_words(everything_shown(at))
        shown[page] = [word for word in words if word not in ALLOWED.get(page, set())]
    assert {page: words for page, words in shown.items() if words} == {}
