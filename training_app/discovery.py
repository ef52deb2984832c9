"""How a command finds the app that holds its store: a small file beside the store.

While the app serves, DuckDB lets no other process open the store. So the app (its `st.App`
lifespan, `training_app/server.py`) writes `<store>.app.json` on start and removes it on stop: the
address it listens on, its process id and a random secret. The file is created with mode 0600,
so only the user the app runs as (and root) can read the secret; with it, a command
authenticates to the app as the local administrator, exactly as it would be when it opened the
file itself. A command trusts the file only if its process is alive and the app answers; a file
left by an app that was killed is ignored, and replaced when the app starts again.

Standard library only: the command line reads this before it loads anything heavy.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from metrics.store_path import beside_store

DISCOVERY_SUFFIX = ".app.json"
SECRET_BYTES = 32  # 256 random bits: the local administrator's key while the app runs
LOCAL_RUN_ROUTE = "/api/v1/local/run"  # runs a command line in the app (local secret only)
# An import of millions of rows runs for minutes inside the app; the command waits for it, as it
# would for its own import. Only a connection that cannot be made at all falls back.
RUN_TIMEOUT_S = 3600.0


class AppUnreachable(ConnectionError):
    """The app named in the discovery file does not answer: nothing was sent."""


@dataclass(frozen=True)
class RunningApp:
    url: str  # base URL the app listens on, e.g. http://127.0.0.1:8501
    pid: int
    secret: str
    store: str  # the store's resolved path, as the app opened it


def discovery_file(store: Path) -> Path:
    return beside_store(store.resolve(), DISCOVERY_SUFFIX)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user
    return True


def write_discovery(store: Path, url: str) -> RunningApp:
    """Write this process's discovery file for `store` (replacing a stale one), mode 0600."""
    app = RunningApp(
        url=url,
        pid=os.getpid(),
        secret=secrets.token_urlsafe(SECRET_BYTES),
        store=str(store.resolve()),
    )
    file = discovery_file(store)
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(f"{file.name}.{app.pid}.partial")
    partial.unlink(missing_ok=True)
    # Created 0600 from the start (not chmod-ed after), so the secret is never readable by others.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(asdict(app), out)
    os.replace(partial, file)
    return app


def remove_discovery(app: RunningApp) -> None:
    """Remove the discovery file if it is still this app's (another app may have replaced it)."""
    file = discovery_file(Path(app.store))
    if read_discovery_file(file) == app:
        file.unlink(missing_ok=True)


def read_discovery_file(file: Path) -> RunningApp | None:
    try:
        fields = json.loads(file.read_text(encoding="utf-8"))
        return RunningApp(
            url=str(fields["url"]),
            pid=int(fields["pid"]),
            secret=str(fields["secret"]),
            store=str(fields["store"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none, unreadable (another user's app) or half-written: no app to use


def running_app(store: Path) -> RunningApp | None:
    """The app serving `store`, if its discovery file is there and its process is alive."""
    app = read_discovery_file(discovery_file(store))
    if app is None or not process_alive(app.pid):
        return None
    return app


def post_json(
    app: RunningApp, route: str, payload: dict[str, object], timeout: float = RUN_TIMEOUT_S
) -> tuple[int, dict[str, object]]:
    """POST `payload` to the app with the local secret; its status and JSON answer. Raises
    AppUnreachable when no connection could be made (so nothing ran)."""
    import urllib.error  # here: ~20 ms (ssl) that only a command sent to the app needs
    import urllib.request

    request = urllib.request.Request(
        app.url.rstrip("/") + route,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {app.secret}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as answer:
        with answer:
            body = answer.read()
        try:
            return answer.code, json.loads(body)
        except ValueError:
            return answer.code, {"error": body.decode("utf-8", "replace").strip()[:200]}
    except urllib.error.URLError as exc:
        # The request could not be sent at all (refused, unreachable): nothing ran.
        raise AppUnreachable(str(exc.reason)) from None
