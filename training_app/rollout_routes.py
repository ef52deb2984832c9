"""The participants' side of a rollout session: small pages and JSON served by the app's own
server (`st.App` routes, `training_app/server.py`), not Streamlit pages.

A room of a hundred phones polling every second must cost the server little: a Streamlit rerun
costs 50-90 ms of processor time, while each request here is two or three small reads (the
session cookie's viewer, then `metrics.training.rollout.participant_state`).

- `GET /rollout/join[?code=CODE]`: the form to enter the code (prefilled from the QR code's
  link). Signed out, the browser goes to the sign-in page first and comes back here, code and
  all (`next`).
- `POST /rollout/join`: joins (attendance recorded now) and answers `303` to the room; a wrong,
  ended or expired code is said in one line on the form. Refused from another site.
- `GET /rollout/CODE`: the room: the current slide's title, the open question with its options
  and one's own answer, after the reveal the right answer and why. Its script polls the state.
- `GET /rollout/CODE/state[?after=N]`: that state as JSON (`ParticipantState`). With `after`,
  the `changes` number of the state the device shows, the answer waits until the presenter
  changes something (a slide, a question opened or revealed, the end) or `LONG_POLL_S` pass:
  a waiting device costs the server nothing but a look at a number in memory every
  `WAIT_STEP_S`, so a room of a hundred waiting on a slide is no load at all.
- `POST /rollout/CODE/answer` with JSON `{"question_id": N, "choices": [i, ...]}`: stores the
  answer (a second one replaces the first until the reveal) and answers the state; `409` once
  answers are closed. Only JSON from this server's own pages: a form another site posts is no
  JSON, and a script of another site is refused by the Origin check.

Errors are `{"error": "one line"}`: 401 signed out, 403 not in the session's scope, 404 a wrong
code, 410 an ended or expired one, 400 a bad answer, 409 answers closed, 500 with a reference.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from metrics import auth
from metrics.people import AccessDenied, Viewer
from metrics.training import rollout
from training_app.components.errors import new_reference
from training_app.sign_in_routes import (
    CROSS_SITE,
    SESSION_COOKIE,
    SIGN_IN_PATH,
    SignInContext,
    cross_site,
    failed_page,
    html_page,
    with_next,
)

log = logging.getLogger("training_app.rollout")

JOIN_PATH = "/rollout/join"
MAX_CODE_LENGTH = 20  # a six-letter code with spaces or dashes typed between
MAX_ANSWER_BYTES = 4096  # a question id and at most MAX_OPTIONS choices
# A waiting device is answered at the latest after this long, with the state as it is: a
# session that expired meanwhile, or a proxy that drops quiet connections, is noticed then.
LONG_POLL_S = 20.0
WAIT_STEP_S = 0.1  # how often a waiting request looks at the room's number of changes


def room_path(code: str) -> str:
    return f"/rollout/{quote(rollout.normalised_code(code))}"


def join_link(code: str) -> str:
    """The path the QR code on the presenter's screen links to, the code filled in."""
    return f"{JOIN_PATH}?code={quote(code)}"


def _viewer(ctx: SignInContext, request: Request) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    viewer = auth.session_viewer(ctx.store(), token)
    return None if viewer is None or viewer.must_choose_password else viewer


def _to_sign_in(request: Request) -> RedirectResponse:
    query = request.url.query
    here = request.url.path + (f"?{query}" if query else "")
    return RedirectResponse(with_next(SIGN_IN_PATH, here), status_code=303)


def _join_form(
    ctx: SignInContext, viewer: Viewer, code: str, refusal: str | None = None, status: int = 200
) -> Response:
    return html_page(
        "rollout_join.html",
        status,
        title="Join the rollout session",
        organisation=ctx.organisation_name(),
        name=viewer.name,
        code=code[:MAX_CODE_LENGTH],
        refusal=refusal,
        join_path=JOIN_PATH,
        max_code=MAX_CODE_LENGTH,
    )


def _join_page(ctx: SignInContext, request: Request) -> Response:
    viewer = _viewer(ctx, request)
    if viewer is None:
        return _to_sign_in(request)
    return _join_form(ctx, viewer, request.query_params.get("code", ""))


def _joining(ctx: SignInContext, request: Request, form: dict[str, str]) -> Response:
    viewer = _viewer(ctx, request)
    code = form.get("code", "")[:MAX_CODE_LENGTH]
    if viewer is None:
        return RedirectResponse(with_next(SIGN_IN_PATH, join_link(code)), status_code=303)
    try:
        session = rollout.join(ctx.store(), viewer, code)
    except (rollout.RolloutError, AccessDenied) as exc:
        return _join_form(ctx, viewer, code, refusal=str(exc), status=400)
    return RedirectResponse(room_path(session.join_code), status_code=303)


def _room_page(ctx: SignInContext, request: Request, code: str) -> Response:
    viewer = _viewer(ctx, request)
    if viewer is None:
        return _to_sign_in(request)
    try:
        state = rollout.participant_state(ctx.store(), viewer, code)
    except (rollout.RolloutError, AccessDenied):
        # Not joined yet (a link shared in the room), or a code that is wrong: the join form
        # says which, and records the attendance when they press Join.
        return RedirectResponse(join_link(code), status_code=303)
    base = room_path(state.join_code)
    return html_page(
        "rollout_room.html",
        title=state.slide_title,
        organisation=ctx.organisation_name(),
        name=viewer.name,
        join_code=state.join_code,
        policy_version=state.policy_version,
        slide_title=state.slide_title,
        state_path=f"{base}/state",
        answer_path=f"{base}/answer",
        sign_in_path=with_next(SIGN_IN_PATH, base),
    )


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": message}, status_code=status, headers={"Cache-Control": "no-store"}
    )


def _refused(exc: Exception) -> JSONResponse:
    if isinstance(exc, AccessDenied):
        return _error(403, str(exc))
    if isinstance(exc, rollout.AnswersClosed):
        return _error(409, str(exc))
    if isinstance(exc, rollout.JoinCodeRefused):
        return _error(404 if str(exc).startswith("No rollout session") else 410, str(exc))
    return _error(400, str(exc))


def _state(ctx: SignInContext, viewer: Viewer, code: str) -> JSONResponse:
    state = rollout.participant_state(ctx.store(), viewer, code)
    return JSONResponse(state.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


def _state_json(ctx: SignInContext, request: Request, code: str) -> Response:
    viewer = _viewer(ctx, request)
    if viewer is None:
        return _error(401, "You are signed out: sign in again to go on.")
    try:
        return _state(ctx, viewer, code)
    except (rollout.RolloutError, AccessDenied) as exc:
        return _refused(exc)


def _answer_json(ctx: SignInContext, request: Request, code: str, body: bytes) -> Response:
    viewer = _viewer(ctx, request)
    if viewer is None:
        return _error(401, "You are signed out: sign in again to go on.")
    try:
        sent = json.loads(body)
        question_id = sent["question_id"]
        choices = sent["choices"]
        if not isinstance(question_id, int) or not (
            isinstance(choices, list) and all(isinstance(c, int) for c in choices)
        ):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _error(400, 'Send JSON: {"question_id": N, "choices": [i, ...]}.')
    try:
        rollout.answer(ctx.store(), viewer, code, question_id, choices)
        return _state(ctx, viewer, code)
    except (rollout.RolloutError, AccessDenied) as exc:
        return _refused(exc)


async def _changed_since(request: Request, code: str, seen: int) -> None:
    """Until the presenter changes the room after `seen`, `LONG_POLL_S` pass, or the device goes
    away; on the event loop, holding no thread."""
    deadline = time.monotonic() + LONG_POLL_S
    while rollout.room_changes(code) == seen and time.monotonic() < deadline:
        if await request.is_disconnected():
            return
        await asyncio.sleep(WAIT_STEP_S)


def _failed_json(where: str) -> JSONResponse:
    reference = new_reference()
    log.exception("The rollout %s failed; reference %s", where, reference)
    return _error(500, f"Something went wrong. Reference {reference}; the details are in the log.")


def routes(ctx: SignInContext) -> list[BaseRoute]:
    """The participants' routes, each run off the event loop, a failure shown as a reference."""

    async def join_page(request: Request) -> Response:
        try:
            return await run_in_threadpool(_join_page, ctx, request)
        except Exception:
            return failed_page("rollout join")

    async def join(request: Request) -> Response:
        if cross_site(request):
            return html_page("failed.html", 403, title="Refused", message=CROSS_SITE)
        async with request.form() as sent:
            form = {key: value for key, value in sent.items() if isinstance(value, str)}
        try:
            return await run_in_threadpool(_joining, ctx, request, form)
        except Exception:
            return failed_page("rollout join")

    def with_code(
        handler: Callable[..., Response], what: str, failed: Callable[[str], Response]
    ) -> Callable[[Request], Any]:
        async def route(request: Request) -> Response:
            code = str(request.path_params["code"])[:MAX_CODE_LENGTH]
            extra: tuple[bytes, ...] = ()
            if request.method == "POST":
                if cross_site(request) or request.headers.get("origin") is None:
                    return _error(403, CROSS_SITE)
                if request.headers.get("content-type", "").split(";")[0] != "application/json":
                    return _error(415, "Send the answer as application/json.")
                body = await request.body()
                if len(body) > MAX_ANSWER_BYTES:
                    return _error(413, "That answer is too large.")
                extra = (body,)
            try:
                return await run_in_threadpool(handler, ctx, request, code, *extra)
            except Exception:
                return failed(what)

        return route

    async def state(request: Request) -> Response:
        code = str(request.path_params["code"])[:MAX_CODE_LENGTH]
        try:
            viewer = await run_in_threadpool(_viewer, ctx, request)
            after = request.query_params.get("after", "")
            if viewer is not None and after.isdigit():
                await _changed_since(request, code, int(after))
            return await run_in_threadpool(_state_json, ctx, request, code)
        except Exception:
            return _failed_json("state")

    return [
        Route(JOIN_PATH, join_page, methods=["GET"]),
        Route(JOIN_PATH, join, methods=["POST"]),
        Route("/rollout/{code}/state", state, methods=["GET"]),
        Route(
            "/rollout/{code}/answer",
            with_code(_answer_json, "answer", _failed_json),
            methods=["POST"],
        ),
        Route("/rollout/{code}", with_code(_room_page, "room", failed_page), methods=["GET"]),
    ]
