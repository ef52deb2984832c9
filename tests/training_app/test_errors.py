"""What a person sees when a page fails: one short message with a reference, never the
exception or a traceback; the log keeps both, under the same reference. And the client settings
that keep Streamlit's own error details and developer menu from users, read from the project's
config file however the app is started."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.training_app.apptest import APP, app_as
from tests.training_app.test_pages import texts
from training_app import data

SECRET = "the store said: secret-table-name-7731"
MESSAGE = re.compile(
    r"^Something went wrong on this page\. Reference ([A-Z0-9]{8}); the details are in the log\.$"
)


def broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError(SECRET)


def test_a_page_that_fails_shows_a_reference_and_the_log_has_the_details(
    viewers, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(data, "store_overview", broken)  # the owner's home page reads it
    with caplog.at_level(logging.ERROR):
        at = app_as(viewers["owner"]).run()
    assert not at.exception  # nothing reached Streamlit's own error display
    [error] = [e.value for e in at.error]
    found = MESSAGE.match(error)
    assert found, error
    shown = texts(at) + "".join(str(e.value) for e in at.code)
    assert SECRET not in shown and "Traceback" not in shown and "RuntimeError" not in shown
    [record] = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert record.exc_info is not None and SECRET in str(record.exc_info[1])
    assert "Sign out" in [b.label for b in at.button]  # the rest of the app still works


def test_stop_rerun_and_switching_pages_pass_through_the_guard(viewers) -> None:
    # A page that stops early (no contacts in these dates, a role without a team) and a
    # switch to another page are Streamlit's control flow, not failures.
    at = app_as(viewers["agent"]).run()
    at.switch_page("app_pages/take_module.py").run()  # no module chosen: st.stop()
    assert not at.exception and not at.error
    assert "Choose a module to take on My training." in texts(at)


def test_the_client_settings_come_from_the_project_wherever_it_is_started(
    tmp_path: Path,
) -> None:
    # `streamlit run` and `st.App` read `.streamlit/config.toml` in the current folder and in
    # the entry script's folder; started from anywhere, the script's folder is the same.
    probe = (
        "from streamlit import config\n"
        f"config._main_script_path = {APP!r}\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(config.get_option('client.showErrorDetails'),"
        " config.get_option('client.toolbarMode'),"
        " config.get_option('client.disableDataExport'))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    # A table's own "Download as CSV" and copy would hand out cells such as =HYPERLINK(...)
    # as they are: every CSV goes through training_app/csv_writer.py instead.
    assert shown.stdout.split() == ["none", "minimal", "True"]
