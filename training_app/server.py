"""The app server: the Streamlit pages (`app.py`), the sign-in pages that set the session
cookie (`sign_in_routes.py`), the rollout session's participant pages (`rollout_routes.py`) and
the HTTP API (`api.py`) in one process, which alone holds the
store. `academy serve` runs this file (`streamlit run` finds the `st.App` below), as do
`streamlit run training_app/server.py` and `uvicorn training_app.server:app`.
`streamlit run training_app/app.py` would serve the pages without the sign-in pages, so nobody
could sign in: its pages say to start the app with `academy serve` instead.

The API's log (one line per request, with the token's name) goes to this process's standard
error, next to Streamlit's own: the terminal that runs `academy serve`, or its service's journal.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from starlette.middleware import Middleware
from streamlit import config
from streamlit.starlette import App

from metrics.store import Database, database_path
from training_app import api, rollout_routes, sign_in_routes

WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")  # listening everywhere: reach it on this machine


def base_url() -> str:
    """Where this server listens, as a command on this machine reaches it."""
    address = str(config.get_option("server.address") or "")
    host = "127.0.0.1" if address in WILDCARD_ADDRESSES else address
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address in a URL
    port = int(config.get_option("server.port"))
    path = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{port}" + (f"/{path}" if path else "")


class _ApiThreadsNeedNoScript(logging.Filter):
    """The API's worker threads read Streamlit's cached connection outside any page's script
    run, which Streamlit warns about on every read: true, and expected, for those threads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.getMessage().startswith("Thread 'AnyIO worker thread': missing ScriptRunContext")
        )


def _log_requests() -> None:
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        _ApiThreadsNeedNoScript()
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    api.log.addHandler(handler)
    api.log.setLevel(logging.INFO)
    api.log.propagate = False


# `training_app.data` is imported on first use, once Streamlit's runtime exists (its caches are
# made for the runtime); the pages import the same module, so the API and the pages share one
# connection and one set of caches.


def _store() -> Database:
    from training_app import data

    return data.db()


def _policy_file() -> Path:
    from training_app import data

    return data.policy_file().path


def _after_write() -> None:
    from training_app import data

    data.clear_performance()


def _organisation_name() -> str:
    from training_app import data

    return data.organisation_name()


def _demo_in_store() -> bool:
    from training_app import data

    return data.demo_in_store()


_log_requests()
context = api.ApiContext(
    store_path=database_path().resolve(),
    store=_store,
    policy_file=_policy_file,
    base_url=base_url,
    after_write=_after_write,
)
sign_in = sign_in_routes.SignInContext(
    store=_store, organisation_name=_organisation_name, demo_in_store=_demo_in_store
)
# The entry script by its full path: uvicorn resolves a relative one against its own folder.
app = App(
    Path(__file__).with_name("app.py"),
    routes=[*sign_in_routes.routes(sign_in), *rollout_routes.routes(sign_in), *api.routes(context)],
    middleware=[Middleware(sign_in_routes.SignInFirst, ctx=sign_in)],
    lifespan=lambda _app: api.lifespan(context)(_app),
)
