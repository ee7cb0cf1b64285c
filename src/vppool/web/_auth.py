"""Login, logout, the language switch and the start page of each role."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from sqlmodel import Session

from vppool.errors import TooManyAttempts, Unauthenticated, ValidationFailed
from vppool.services import access
from vppool.vocab import Role
from vppool.web._common import (
    WEB_PATH,
    FormData,
    form_text,
    page,
    redirect,
    safe_next,
    viewer_of,
    web_logged_in,
)
from vppool.web._i18n import LANGUAGE_COOKIE, LANGUAGES

__all__ = ["AuthPages"]


def _session_cookie() -> str:
    """The API's session cookie, which the web shares (vppool.api imports this module)."""
    from vppool.api.auth import SESSION_COOKIE  # noqa: PLC0415

    return SESSION_COOKIE


_HOME = {
    Role.ADMIN: "/dashboard",
    Role.PLANNER: "/dashboard",
    Role.CLIENT: "/team",
    Role.TRUST_PERSON: "/me",
}


class AuthPages(Controller):
    """Who is using the web application."""

    path = "/"
    include_in_schema = False

    @get("/", sync_to_thread=False, exclude_from_auth=False)
    def home(self, request: Request[Any, Any, Any]) -> Redirect:
        """Each role's start page; the login page for visitors."""
        viewer = viewer_of(request)
        return redirect(_HOME[viewer.role] if viewer else "/login")

    @get("/login", sync_to_thread=False)
    def login_form(
        self, request: Request[Any, Any, Any], next_page: FromQuery[str] = "/"
    ) -> Template:
        """The login form."""
        return page(request, "login.html", email="", error=None, next_page=safe_next(next_page))

    @post("/login", sync_to_thread=True, status_code=200)
    def login(
        self,
        *,
        request: Request[Any, Any, Any],
        data: FormData,
        state: State,
        db_session: NamedDependency[Session],
    ) -> Template | Redirect:
        """Check the e-mail address and password and start a session (12 hours)."""
        email = form_text(data, "email")
        next_page = safe_next(form_text(data, "next_page"))
        try:
            viewer = access.authenticate_password(
                db_session,
                email,
                form_text(data, "password"),
                throttle=state.login_throttle,
                address=request.client.host if request.client else None,
            )
        except (Unauthenticated, TooManyAttempts, ValidationFailed) as exc:
            error = (
                "Too many failed attempts. Wait a few minutes and try again."
                if isinstance(exc, TooManyAttempts)
                else "The e-mail address or the password is wrong."
            )
            return page(
                request,
                "login.html",
                status_code=429 if isinstance(exc, TooManyAttempts) else 401,
                email=email,
                error=error,
                next_page=next_page,
            )
        secret = access.start_session(db_session, viewer)
        target = next_page if next_page != "/" else _HOME[viewer.role]
        return Redirect(
            WEB_PATH + target,
            status_code=HTTP_303_SEE_OTHER,
            cookies=[
                Cookie(
                    key=_session_cookie(),
                    value=secret,
                    httponly=True,
                    samesite="lax",
                    secure=state.settings.https_only_cookies,
                    max_age=access.SESSION_HOURS * 3600,
                    path="/",
                )
            ],
        )

    @post("/logout", guards=[web_logged_in], sync_to_thread=True, status_code=303)
    def logout(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[Session]
    ) -> Redirect:
        """End the session."""
        token = request.cookies.get(_session_cookie())
        if token:
            access.end_session(db_session, token)
        return Redirect(
            WEB_PATH + "/login",
            status_code=HTTP_303_SEE_OTHER,
            cookies=[Cookie(key=_session_cookie(), value="", max_age=0, path="/")],
        )

    @post("/language", sync_to_thread=False, status_code=303)
    def switch_language(self, data: FormData) -> Redirect:
        """Show the application in Dutch or English from now on (kept for a year)."""
        lang = form_text(data, "lang")
        back = safe_next(form_text(data, "next_page"))
        return Redirect(
            WEB_PATH + back,
            status_code=HTTP_303_SEE_OTHER,
            cookies=[
                Cookie(
                    key=LANGUAGE_COOKIE,
                    value=lang if lang in LANGUAGES else "nl",
                    max_age=365 * 24 * 3600,
                    samesite="lax",
                    path="/",
                )
            ],
        )
