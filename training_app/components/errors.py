"""When a page fails: the person reads one short message with a reference to quote, never the
exception or a traceback (which can hold stored data, SQL or file paths); the log keeps the
traceback under the same reference, for whoever runs the app."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from training_app.components.text import md

# Long enough to find one failure among a year's in a log, short enough to read out on the
# phone; no 0/O or 1/I, which are misheard and mistyped.
REFERENCE_LENGTH = 8
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

log = logging.getLogger("training_app.errors")
if not log.handlers:
    # The app's own log goes where Streamlit's goes: the standard error of `academy serve`.
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


@contextmanager
def failures_reported() -> Iterator[None]:
    """Run a page: any exception is logged with its traceback and a new reference, and the
    page says only that something went wrong, with that reference.

    `st.stop()`, `st.rerun()` and `st.switch_page()` raise Streamlit's ScriptControlException,
    a BaseException and not an Exception, so they pass through untouched, as does a
    KeyboardInterrupt."""
    try:
        yield
    except Exception:
        reference = new_reference()
        log.exception("A page failed; reference %s", reference)
        st.error(
            f"Something went wrong on this page. Reference {md(reference)}; the details are in "
            "the log.",
            icon=":material/error:",
        )
