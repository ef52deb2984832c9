"""The HTTP API, served by the app itself (`st.App` routes, `training_app/server.py`), so that
automation keeps working while the app holds the store.

Routes (every one under `/api/v1` needs `Authorization: Bearer TOKEN`):

- `POST /api/v1/imports`: a file as the multipart field `file`, optional form fields `format`
  (generic, zendesk, freshdesk, asterisk), `dry_run` (true/false) and `timezone` (the zone of
  times without an offset, as `academy import --timezone`); answers the JSON of `academy import`.
- `GET /api/v1/reports/agents?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=NAME][&channel=...]
  [&format=json|csv]`: the JSON (or CSV) of `academy report agents`.
- `GET /api/v1/reports/compliance[?team=NAME][&format=json|csv]`: the JSON (or CSV) of
  `academy report compliance`, for the token's scope (a supervisor's team; an agent's: none).
- `GET /api/v1/reports/complaints?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=NAME][&format=json|csv]`:
  the JSON (or CSV) of `academy report complaints`, for the token's scope (a supervisor's team;
  an agent's: none).
- `GET /api/v1/reports/training-impact?module=ID[&weeks=N]`: the JSON of `academy report
  training-impact --format json`, over the token's scope (a supervisor's team; an agent's: none).
- `POST /api/v1/local/run`: runs a command line sent by `academy` on this machine (see
  `training_app/cli.py`); only with the local secret of the discovery file, never a token.

A token acts exactly as its role and team (`metrics.auth`); the local secret acts as the local
administrator, like the command line on its own. Errors are `{"error": "one line"}`: 400 bad
input, 401 no token or an unknown or revoked one, 403 beyond the token's scope, 404 an unknown
route, 405 a known route with another method, 413 an upload above `MAX_UPLOAD_BYTES`, 500 with a
reference when something unexpected broke (its traceback is in the log). Every request is logged
(logger `academy.api`: method, path, status, the token's name, time taken).

The routes call the same functions as the command line (`training_app/commands.py`), on the app's
one DuckDB connection, each request in a worker thread with its own cursor so that the pages keep
answering while an import runs.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from metrics import auth
from metrics.complaints.import_format import COMPLAINTS_FORMAT
from metrics.contacts.formats import FORMATS
from metrics.people import AccessDenied, PeopleError, Viewer
from metrics.store import Database, failure_kind
from metrics.training.compliance import CSV_FIELDS as COMPLIANCE_CSV_FIELDS
from metrics.training.compliance import ComplianceReport
from modules.defaults import DEFAULT_IMPACT_WEEKS, modules_dir
from modules.policy import CHANNELS
from training_app import cli, commands, discovery
from training_app.csv_writer import write_csv
from training_app.invocation import CommandError, Invocation

log = logging.getLogger("academy.api")

# A year of a large contact centre's contacts in one generic CSV (10M rows are about 1.45 GB)
# fits; a bigger file is refused before it is read: split it (by month, say).
MAX_UPLOAD_BYTES = 2 * 1024**3
UPLOAD_CHUNK_BYTES = 1024 * 1024
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
REPORT_PARAMETERS = ("from", "to", "team", "channel", "format")
COMPLIANCE_PARAMETERS = ("team", "format")
COMPLAINTS_PARAMETERS = ("from", "to", "team", "format")
TRAINING_IMPACT_PARAMETERS = ("module", "weeks")
IMPORT_FIELDS = ("file", "format", "dry_run", "timezone")
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes"), ("false", "0", "no", "")


class ApiError(Exception):
    """A request refused with a status and one line for `{"error": ...}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ApiContext:
    """What the routes need from the process serving them: in the app, its cached connection,
    its policy and its pages' caches (`training_app/server.py`); in tests, plain values."""

    store_path: Path  # the store this app serves, resolved
    store: Callable[[], Database]  # the process's root connection
    policy_file: Callable[[], Path]  # the policy file: how a store without a version starts
    base_url: Callable[[], str]  # where this server listens, for the discovery file
    after_write: Callable[[], None] = lambda: None  # the pages must read the store afresh
    running: discovery.RunningApp | None = field(default=None, init=False)


@dataclass(frozen=True)
class Caller:
    viewer: Viewer
    local: bool  # the command line on this machine, with the discovery file's secret

    @property
    def name(self) -> str:
        return self.viewer.name


def error(status: int, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def authenticate(ctx: ApiContext, request: Request) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "missing Authorization: Bearer TOKEN (an owner creates tokens)")
    token = token.strip()
    running = ctx.running
    if running is not None and secrets.compare_digest(token, running.secret):
        return Caller(Viewer.local_admin(), local=True)
    with ctx.store().cursor() as cur:
        viewer = auth.api_token_viewer(cur, token)
    if viewer is None:
        raise ApiError(401, "unknown or revoked API token")
    return Caller(viewer, local=False)


Handler = Callable[[ApiContext, Request, Caller], Awaitable[Response]]


def endpoint(ctx: ApiContext, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The handler behind authentication, one-line errors and the request log."""

    async def serve(request: Request) -> Response:
        started = time.perf_counter()
        who = "-"
        try:
            caller = await run_in_threadpool(authenticate, ctx, request)
            who = caller.name
            response = await handler(ctx, request, caller)
        except ApiError as exc:
            response = error(exc.status, str(exc))
        except HTTPException as exc:
            response = error(exc.status_code, str(exc.detail))
        except AccessDenied as exc:
            response = error(403, str(exc))
        except (CommandError, PeopleError, auth.TokenError) as exc:
            response = error(400, str(exc))
        except Exception as exc:
            response = error(500, unexpected(exc))
        log.info(
            "%s %s %d token=%s %.3fs",
            request.method,
            request.url.path,
            response.status_code,
            who,
            time.perf_counter() - started,
        )
        return response

    return serve


def unexpected(exc: Exception) -> str:
    kind = failure_kind(exc)
    if kind == "disk_full":
        return "the disk of the app's store is full; nothing was stored: free some space"
    if kind == "out_of_memory":
        return "the app ran out of memory; nothing was stored: split the file and send each part"
    reference = secrets.token_hex(4)
    log.error("reference %s", reference, exc_info=exc)
    return f"unexpected error (reference {reference}); the details are in the app's log"


# --- The routes --------------------------------------------------------------------------------


def _parameters(found: Any, known: tuple[str, ...]) -> None:
    unknown = sorted(set(found) - set(known))
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r} (known: {', '.join(known)})")


def _date(request: Request, name: str) -> date:
    value = request.query_params.get(name)
    if not value:
        raise ApiError(400, f"{name}: required, as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


async def agent_report(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    query = request.query_params
    _parameters(query, REPORT_PARAMETERS)
    start, end = _date(request, "from"), _date(request, "to")
    channel = query.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise ApiError(400, f"channel: must be one of {', '.join(CHANNELS)}")
    answer_format = query.get("format", "json")
    if answer_format not in ("json", "csv"):
        raise ApiError(400, "format: must be json or csv")

    def report() -> dict[str, object]:
        with ctx.store().cursor() as cur:
            return commands.agent_report_answer(
                cur,
                caller.viewer,
                ctx.policy_file(),
                start,
                end,
                query.get("team") or None,
                channel,
            )

    answer = await run_in_threadpool(report)
    if answer_format == "json":
        return JSONResponse(answer)
    from metrics.performance.agents import REPORT_AGENT_FIELDS

    text = io.StringIO()
    write_csv(text, REPORT_AGENT_FIELDS, answer["agents"])  # type: ignore[arg-type]
    return Response(text.getvalue(), media_type="text/csv; charset=utf-8")


async def compliance_report(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    query = request.query_params
    _parameters(query, COMPLIANCE_PARAMETERS)
    answer_format = query.get("format", "json")
    if answer_format not in ("json", "csv"):
        raise ApiError(400, "format: must be json or csv")

    def report() -> ComplianceReport:
        with ctx.store().cursor() as cur:
            return commands.compliance_answer(
                cur, caller.viewer, ctx.policy_file(), modules_dir(), query.get("team") or None
            )

    found = await run_in_threadpool(report)
    if answer_format == "json":
        return JSONResponse(found.answer())
    text = io.StringIO()
    write_csv(text, COMPLIANCE_CSV_FIELDS, found.csv_rows())
    return Response(text.getvalue(), media_type="text/csv; charset=utf-8")


async def complaints_report(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    query = request.query_params
    _parameters(query, COMPLAINTS_PARAMETERS)
    start, end = _date(request, "from"), _date(request, "to")
    answer_format = query.get("format", "json")
    if answer_format not in ("json", "csv"):
        raise ApiError(400, "format: must be json or csv")

    def report() -> dict[str, object]:
        with ctx.store().cursor() as cur:
            return commands.complaints_report_answer(
                cur, caller.viewer, ctx.policy_file(), start, end, query.get("team") or None
            )

    answer = await run_in_threadpool(report)
    if answer_format == "json":
        return JSONResponse(answer)
    from metrics.complaints.report import CSV_FIELDS, csv_rows

    text = io.StringIO()
    write_csv(text, CSV_FIELDS, csv_rows(answer))
    return Response(text.getvalue(), media_type="text/csv; charset=utf-8")


async def training_impact_report(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    query = request.query_params
    _parameters(query, TRAINING_IMPACT_PARAMETERS)
    module = query.get("module")
    if not module:
        raise ApiError(400, "module: required, a module's id")
    weeks_text = query.get("weeks", str(DEFAULT_IMPACT_WEEKS))
    if not weeks_text.isdigit():
        raise ApiError(400, f"weeks: {weeks_text!r} is not a whole number of weeks")

    def report() -> dict[str, object]:
        with ctx.store().cursor() as cur:
            return commands.training_impact_answer(
                cur,
                caller.viewer,
                ctx.policy_file(),
                modules_dir(),
                module,
                int(weeks_text),
                module_option="module",
                weeks_option="weeks",
            ).answer()

    return JSONResponse(await run_in_threadpool(report))


def _flag(value: object, name: str) -> bool:
    word = str(value).strip().lower() if value is not None else ""
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ApiError(400, f"{name}: must be true or false")


async def post_import(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
        raise ApiError(413, f"the upload is larger than {MAX_UPLOAD_BYTES // 2**20} MB: split it")
    async with request.form(max_files=1, max_fields=len(IMPORT_FIELDS)) as form:
        _parameters(form, IMPORT_FIELDS)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "file: required: send the file as the multipart field 'file'")
        chosen = form.get("format") or None
        if chosen is not None and chosen not in (*FORMATS, COMPLAINTS_FORMAT):
            raise ApiError(
                400, f"format: must be one of {', '.join((*FORMATS, COMPLAINTS_FORMAT))}"
            )
        dry_run = _flag(form.get("dry_run"), "dry_run")
        timezone = form.get("timezone") or None
        if timezone is not None and not isinstance(timezone, str):
            raise ApiError(400, "timezone: must be a time zone name, e.g. Europe/Zagreb or UTC")
        name = Path(upload.filename or "upload").name or "upload"

        def store_it() -> dict[str, object]:
            with tempfile.TemporaryDirectory(prefix="academy-api-import-") as folder:
                path = Path(folder) / name  # the name keeps its extension (.parquet)
                _save(upload, path)
                with ctx.store().cursor() as cur:
                    answer = commands.import_answer(
                        cur,
                        caller.viewer,
                        path,
                        ctx.policy_file(),
                        format=chosen,
                        dry_run=dry_run,
                        shown_as=name,
                        file_name=name,
                        timezone=timezone,
                        timezone_field="timezone",
                    )
            if not dry_run:
                ctx.after_write()
            return answer

        answer = await run_in_threadpool(store_it)
    return JSONResponse(answer)


def _save(upload: UploadFile, path: Path) -> None:
    """Copy the upload to `path`, refusing it past MAX_UPLOAD_BYTES (a body without a length)."""
    written = 0
    upload.file.seek(0)
    with path.open("wb") as out:
        while chunk := upload.file.read(UPLOAD_CHUNK_BYTES):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                raise ApiError(413, f"the upload is larger than {MAX_UPLOAD_BYTES // 2**20} MB")
            out.write(chunk)


async def local_run(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    """Run a command line from `academy` on this machine, exactly as it would run on its own:
    its output, error lines and exit status come back as JSON."""
    if not caller.local:
        raise ApiError(403, "only the command line on the app's machine may run commands")
    try:
        sent = json.loads(await request.body())
        argv = [str(part) for part in sent["argv"]]
        store = Path(sent["store"])
        places = {key: Path(sent[key]) for key in ("cwd", "policy", "modules")}
        password = sent.get("password")
        user = sent.get("user")
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "expected JSON {argv, cwd, store, policy, modules, password}") from None
    if store.resolve() != ctx.store_path:
        raise ApiError(400, f"this app serves {ctx.store_path}, not {store}")
    try:
        args = cli.build_parser().parse_args(argv)
    except SystemExit:
        raise ApiError(400, f"the app cannot read the command {' '.join(argv)!r}") from None
    spec: cli.Command = args.spec
    if not spec.in_app:
        raise ApiError(400, f"`academy {args.command}` cannot run inside the app")

    def run() -> dict[str, object]:
        out, err = io.StringIO(), io.StringIO()
        inv = Invocation(
            cwd=places["cwd"],
            store=store,
            policy=places["policy"],
            modules=places["modules"],
            out=out,
            err=err,
            password=password if isinstance(password, str) else None,
            user=user if isinstance(user, str) and user else "unknown",
            app_store=ctx.store(),
        )
        status = commands.run(args, inv)
        if spec.writes and status == 0:
            ctx.after_write()
        return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}

    return JSONResponse(await run_in_threadpool(run))


async def not_found(ctx: ApiContext, request: Request, caller: Caller) -> Response:
    path = request.url.path
    if path in KNOWN_ROUTES:
        return error(405, f"{request.method} is not allowed here: use {KNOWN_ROUTES[path]}")
    return error(404, f"no such route: {path} (see the README's HTTP API section)")


KNOWN_ROUTES = {
    "/api/v1/imports": "POST",
    "/api/v1/reports/agents": "GET",
    "/api/v1/reports/compliance": "GET",
    "/api/v1/reports/complaints": "GET",
    "/api/v1/reports/training-impact": "GET",
    discovery.LOCAL_RUN_ROUTE: "POST",
}


def routes(ctx: ApiContext) -> list[BaseRoute]:
    handlers: dict[str, Handler] = {
        "/api/v1/imports": post_import,
        "/api/v1/reports/agents": agent_report,
        "/api/v1/reports/compliance": compliance_report,
        "/api/v1/reports/complaints": complaints_report,
        "/api/v1/reports/training-impact": training_impact_report,
        discovery.LOCAL_RUN_ROUTE: local_run,
    }
    found: list[BaseRoute] = [
        Route(path, endpoint(ctx, handlers[path]), methods=[method])
        for path, method in KNOWN_ROUTES.items()
    ]
    # Anything else under /api/v1 is a JSON 404 (or 405), not the app's page.
    found.append(Route("/api/v1/{rest:path}", endpoint(ctx, not_found), methods=ALL_METHODS))
    return found


def lifespan(ctx: ApiContext) -> Callable[[Any], Any]:
    """Write the discovery file when the server starts and remove it when it stops, so that
    `academy` commands find this app (see `training_app/discovery.py`)."""

    @asynccontextmanager
    async def serving(app: Any) -> Any:
        ctx.running = discovery.write_discovery(ctx.store_path, ctx.base_url())
        log.info("API on %s for %s", ctx.running.url, ctx.store_path)
        try:
            yield None
        finally:
            discovery.remove_discovery(ctx.running)
            ctx.running = None

    return serving


def standalone_app(ctx: ApiContext) -> Starlette:
    """The routes on their own, for tests (the app serves them through `st.App`)."""
    return Starlette(routes=routes(ctx), lifespan=lifespan(ctx))
