"""Signing in over plain HTTP, so that a sign-in lasts across reloads, new tabs and bookmarks.

A Streamlit script cannot set a cookie (it reads `st.context.cookies`, as sent when the browser
connected), so the sign-in pages are small HTML forms answered by the app's server itself
(`st.App` routes, `training_app/server.py`):

- `GET /sign-in?next=PATH` shows the form; `POST /sign-in` checks the password with the limits
  on guessing (`metrics.auth.sign_in`: the same waits, lock, messages and equal timing as ever),
  opens a session on the server and answers `303 See Other` to `next` with the session token in
  the cookie `academy_session` (HttpOnly: no script reads it; SameSite=Lax; Secure when the
  request came over https; for the organisation's `session_hours`). The token is in no URL,
  so never in a history, a bookmark or a log.
- `GET /first-owner`, `POST /first-owner`: creating the first owner, only while nobody can sign
  in as an owner (decided in the write's transaction, `metrics.people.add_first_owner`).
- `GET /choose-password`, `POST /choose-password`: someone whose password was set or reset by
  an owner or supervisor (a temporary one, `staff.must_choose_password`) chooses their own,
  before anything else: the middleware and the app's script send every page there until then.
- The middleware `SignInFirst` sends a request for any page of the app (`navigation.PAGE_PATHS`)
  without a live session to the sign-in page, with the address asked for as `next`; after
  signing in the browser lands on it, query included (`/agent?agent=12`).

`next` is only ever a path on this server (`local_path`): anything else, such as
`//elsewhere.example` or `https://...`, becomes `/`, so the form is no open redirect.

Cross-site requests: the cookie is SameSite=Lax, so a browser sends it on no request another site
starts, except a top-level GET navigation: no other site can use someone's session for a POST,
nor open the app's WebSocket (through which every change in the app is made) with it. The two
POST routes here set a session, which another site could abuse to sign someone in to an account
of its own choosing (login CSRF): they refuse any request whose `Origin` is not this server, or
that the browser marks `Sec-Fetch-Site: cross-site`. Signing out, deactivation and a new password
end sessions on the server (`metrics.auth`); the page then finds the cookie's session ended,
says why, and removes the cookie.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from metrics import auth
from metrics.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD
from metrics.people import (
    MIN_PASSWORD_LENGTH,
    FirstOwnerExists,
    NewStaffMember,
    PeopleError,
    add_first_owner,
    owner_can_sign_in,
)
from metrics.store import Database
from training_app.components.errors import new_reference
from training_app.navigation import PAGE_PATHS

log = logging.getLogger("training_app.sign_in")

SESSION_COOKIE = "academy_session"
SIGN_IN_PATH = "/sign-in"
FIRST_OWNER_PATH = "/first-owner"
CHOOSE_PASSWORD_PATH = "/choose-password"
MAX_NEXT_LENGTH = 2000  # a deep link with its query; anything longer is no address of this app
MAX_NAME_LENGTH = 200  # as NewStaffMember allows
UNKNOWN_CLIENT = "unknown"

# What a person whose session ended reads on the sign-in page.
ENDED_NOTICES = {
    auth.SIGNED_OUT: "You are signed out.",
    auth.DEACTIVATED: "Your account was deactivated, so you were signed out. Ask an owner if "
    "this is a mistake.",
    auth.PASSWORD_CHANGED: "Your password was changed, so you were signed out. Sign in with the "
    "new password.",
    auth.EXPIRED: "Your sign-in ran out after its time limit. Sign in again to go on.",
}
CROSS_SITE = "This form was sent from another site, so it was refused. Open the app's own page."
FAILED = "Something went wrong on this page. Reference {reference}; the details are in the log."
FIELDS = {"name": "Full name", "email": "E-mail", "password": "Password"}

# Every value put into a page is escaped as HTML: names, e-mails and notices are shown as typed.
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(default=True),
)


@dataclass
class SignInContext:
    """What the sign-in pages need from the process serving them (the app's cached store)."""

    store: Callable[[], Database]
    organisation_name: Callable[[], str]
    demo_in_store: Callable[[], bool]


FORM_PATHS = (SIGN_IN_PATH, FIRST_OWNER_PATH, CHOOSE_PASSWORD_PATH)


def local_path(raw: str | None) -> str:
    """`next` as a path on this server, or `/`: never another site, nor the sign-in pages."""
    if not raw or len(raw) > MAX_NEXT_LENGTH:
        return "/"
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"  # //host and /\host are other sites to a browser
    if any(ord(character) < 32 or ord(character) == 127 for character in raw):
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.path in FORM_PATHS:
        return "/"
    return raw


def with_next(path: str, next_path: str) -> str:
    return path if next_path == "/" else f"{path}?next={quote(next_path, safe='/')}"


def _client(request: Request) -> str:
    """The network address the guessing limits count per client."""
    return request.client.host if request.client else UNKNOWN_CLIENT


def cross_site(request: Request) -> bool:
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    # Browsers send Origin with every form POST; a client that sends none is no browser, and
    # only a browser can be made to send someone's form.
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host", "")


def html_page(template: str, status: int = 200, **values: Any) -> HTMLResponse:
    values.setdefault("sign_in_path", SIGN_IN_PATH)
    values.setdefault("first_owner_path", FIRST_OWNER_PATH)
    body = _templates.get_template(template).render(**values)
    response = HTMLResponse(body, status_code=status)
    # Never kept by a shared cache; never shown inside another site's frame.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def failed_page(where: str) -> HTMLResponse:
    reference = new_reference()
    log.exception("The %s page failed; reference %s", where, reference)
    return html_page(
        "failed.html", 500, title="Something went wrong", message=FAILED.format(reference=reference)
    )


def set_session_cookie(response: Response, request: Request, token: str, db: Database) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(auth.session_lifetime(db).total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _forget_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _signed_in_page(ctx: SignInContext, request: Request, next_path: str) -> Response:
    """The sign-in page as someone arriving reads it: straight on where they were going if their
    cookie's session is live, else the form, saying why a session they had ended."""
    db = ctx.store()
    token = request.cookies.get(SESSION_COOKIE)
    notice = None
    if token:
        if auth.session_viewer(db, token) is not None:
            return RedirectResponse(next_path, status_code=303)
        notice = ENDED_NOTICES.get(auth.session_end(db, token) or "")
    response = _sign_in_form(ctx, db, next_path, notice=notice)
    if token:
        _forget_cookie(response, request)
    return response


def _sign_in_form(
    ctx: SignInContext,
    db: Database,
    next_path: str,
    *,
    notice: str | None = None,
    refusal: str | None = None,
    email: str = "",
    status: int = 200,
) -> HTMLResponse:
    return html_page(
        "sign_in.html",
        status,
        title="Sign in",
        organisation=ctx.organisation_name(),
        notice=notice,
        refusal=refusal,
        email=email,
        next=next_path,
        max_email=auth.MAX_EMAIL_LENGTH,
        offer_first_owner=not owner_can_sign_in(db),
        first_owner_path=with_next(FIRST_OWNER_PATH, next_path),
        demo_accounts=list(DEMO_ACCOUNTS.items()) if ctx.demo_in_store() else [],
        demo_password=DEMO_PASSWORD,
    )


def _signing_in(ctx: SignInContext, request: Request, form: dict[str, str]) -> Response:
    db = ctx.store()
    next_path = local_path(form.get("next"))
    email = form.get("email", "")[: auth.MAX_EMAIL_LENGTH]
    result = auth.sign_in(db, email, form.get("password", ""), _client(request))
    if result.token is None:
        refusal = result.refusal or auth.WRONG_PASSWORD
        return _sign_in_form(ctx, db, next_path, refusal=refusal, email=email)
    viewer = auth.session_viewer(db, result.token)
    first = next_path
    if viewer is not None and viewer.must_choose_password:
        first = with_next(CHOOSE_PASSWORD_PATH, next_path)
    response = RedirectResponse(first, status_code=303)
    set_session_cookie(response, request, result.token, db)
    return response


def problem(error: dict[str, Any]) -> str:
    """One pydantic error as the person reads it, naming the field as the form labels it."""
    field = FIELDS.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "Form"
    if error["type"] == "string_pattern_mismatch":
        return f"{field}: that is not an e-mail address"
    if error["type"] == "string_too_short":
        return f"{field}: required"
    return f"{field}: {error['msg'].removeprefix('Value error, ')}"


def _first_owner_form(
    ctx: SignInContext,
    next_path: str,
    *,
    problems: list[str] | None = None,
    exists: str | None = None,
    name: str = "",
    email: str = "",
) -> HTMLResponse:
    return html_page(
        "first_owner.html",
        title="Create the first owner",
        organisation=ctx.organisation_name(),
        problems=problems or [],
        exists=exists,
        name=name,
        email=email,
        next=next_path,
        max_name=MAX_NAME_LENGTH,
        max_email=auth.MAX_EMAIL_LENGTH,
        sign_in_path=with_next(SIGN_IN_PATH, next_path),
    )


def _first_owner_page(ctx: SignInContext, request: Request, next_path: str) -> Response:
    if owner_can_sign_in(ctx.store()):
        return RedirectResponse(with_next(SIGN_IN_PATH, next_path), status_code=303)
    return _first_owner_form(ctx, next_path)


def _creating_first_owner(ctx: SignInContext, request: Request, form: dict[str, str]) -> Response:
    db = ctx.store()
    next_path = local_path(form.get("next"))
    name, email = form.get("name", "")[:MAX_NAME_LENGTH], form.get("email", "")
    email = email[: auth.MAX_EMAIL_LENGTH]
    password = form.get("password", "")

    def again(problems: list[str] | None = None, exists: str | None = None) -> HTMLResponse:
        return _first_owner_form(
            ctx, next_path, problems=problems, exists=exists, name=name, email=email
        )

    if password != form.get("again", ""):
        return again(["Not created: the two passwords differ."])
    try:
        new = NewStaffMember(name=name, email=email, role="owner", password=password)
        staff_id = add_first_owner(db, new)
    except ValidationError as exc:
        return again([problem(dict(error)) for error in exc.errors()])
    except FirstOwnerExists as exc:
        return again(exists=str(exc))
    except PeopleError as exc:
        return again([f"Not created: {exc}."])
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, request, auth.start_session(db, staff_id, _client(request)), db)
    return response


def _choose_password_form(
    ctx: SignInContext, viewer_name: str, next_path: str, problem: str | None = None
) -> HTMLResponse:
    return html_page(
        "choose_password.html",
        title="Choose your password",
        organisation=ctx.organisation_name(),
        name=viewer_name,
        problem=problem,
        next=next_path,
        min_length=MIN_PASSWORD_LENGTH,
        choose_password_path=CHOOSE_PASSWORD_PATH,
    )


def _choose_password_page(ctx: SignInContext, request: Request, next_path: str) -> Response:
    """The form for someone signed in with a temporary password; anyone else goes on."""
    token = request.cookies.get(SESSION_COOKIE)
    viewer = auth.session_viewer(ctx.store(), token) if token else None
    if viewer is None:
        return RedirectResponse(with_next(SIGN_IN_PATH, next_path), status_code=303)
    if not viewer.must_choose_password:
        return RedirectResponse(next_path, status_code=303)
    return _choose_password_form(ctx, viewer.name, next_path)


def _choosing_password(ctx: SignInContext, request: Request, form: dict[str, str]) -> Response:
    db = ctx.store()
    next_path = local_path(form.get("next"))
    token = request.cookies.get(SESSION_COOKIE)
    viewer = auth.session_viewer(db, token) if token else None
    if token is None or viewer is None:
        return RedirectResponse(with_next(SIGN_IN_PATH, next_path), status_code=303)
    password = form.get("password", "")
    if password != form.get("again", ""):
        return _choose_password_form(
            ctx, viewer.name, next_path, "Not changed: the two passwords differ."
        )
    try:
        auth.choose_own_password(db, token, password)
    except PeopleError as exc:
        return _choose_password_form(ctx, viewer.name, next_path, f"Not changed: {exc}.")
    return RedirectResponse(next_path, status_code=303)


async def _form(request: Request) -> dict[str, str]:
    async with request.form() as form:
        return {key: value for key, value in form.items() if isinstance(value, str)}


PageHandler = Callable[[SignInContext, Request, str], Response]
FormHandler = Callable[[SignInContext, Request, dict[str, str]], Response]


def routes(ctx: SignInContext) -> list[BaseRoute]:
    """Each form's page (GET, with its `next`) and its submission (POST, refused from another
    site), run off the event loop, a failure shown as a reference."""

    def form_routes(path: str, what: str, page: PageHandler, submit: FormHandler) -> list[Route]:
        async def show(request: Request) -> Response:
            next_path = local_path(request.query_params.get("next"))
            try:
                return await run_in_threadpool(page, ctx, request, next_path)
            except Exception:
                return failed_page(what)

        async def send(request: Request) -> Response:
            if cross_site(request):
                return html_page("failed.html", 403, title="Refused", message=CROSS_SITE)
            form = await _form(request)
            try:
                return await run_in_threadpool(submit, ctx, request, form)
            except Exception:
                return failed_page(what)

        return [Route(path, show, methods=["GET"]), Route(path, send, methods=["POST"])]

    return [
        *form_routes(
            CHOOSE_PASSWORD_PATH, "choose password", _choose_password_page, _choosing_password
        ),
        *form_routes(SIGN_IN_PATH, "sign-in", _signed_in_page, _signing_in),
        *form_routes(FIRST_OWNER_PATH, "first owner", _first_owner_page, _creating_first_owner),
    ]


class SignInFirst:
    """ASGI middleware: a request for one of the app's pages without a live session is sent to
    sign in first (or, while nobody can sign in as an owner, to create the first owner), with
    the address asked for kept as `next`. Everything else (Streamlit's own files, its WebSocket,
    the HTTP API, the sign-in pages) passes untouched."""

    def __init__(self, app: ASGIApp, ctx: SignInContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].strip("/") not in PAGE_PATHS
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            destination = await run_in_threadpool(self._sign_in_first, request)
        except Exception:
            # The store cannot be opened (a broken policy, a store held elsewhere): the app's
            # page says what is wrong, as it does for everyone.
            log.exception("Could not check the session of a request for %s", scope["path"])
            destination = None
        if destination is None:
            await self.app(scope, receive, send)
            return
        await RedirectResponse(destination, status_code=303)(scope, receive, send)

    def _sign_in_first(self, request: Request) -> str | None:
        """Where to send this request first, or None when its session is live (and its
        password the person's own)."""
        db = self.ctx.store()
        token = request.cookies.get(SESSION_COOKIE)
        viewer = auth.session_viewer(db, token) if token else None
        query = request.url.query
        asked = local_path(request.url.path + (f"?{query}" if query else ""))
        if viewer is not None:
            return with_next(CHOOSE_PASSWORD_PATH, asked) if viewer.must_choose_password else None
        first = SIGN_IN_PATH if owner_can_sign_in(db) else FIRST_OWNER_PATH
        return with_next(first, asked)
