"""Login, logout, the language switch and the start page of each role."""

from __future__ import annotations

from litestar import get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from vppool.errors import TooManyAttempts, Unauthenticated, ValidationFailed
from vppool.services import access
from vppool.vocab import Role
from vppool.web._common import WEB_PATH, FormData, form_text, safe_next, web_logged_in
from vppool.web._i18n import LANGUAGE_COOKIE, LANGUAGES
from vppool.web._page import PageContext, WebPages

__all__ = ["AuthPages"]


def _session_cookie(ctx: PageContext, secret: str | None) -> Cookie:
    """The API's login cookie, which the web shares (vppool.api imports this module)."""
    from vppool.api.auth import session_cookie  # noqa: PLC0415

    return session_cookie(ctx.request, ctx.settings, secret)


_HOME = {
    Role.ADMIN: "/dashboard",
    Role.PLANNER: "/dashboard",
    Role.CLIENT: "/team",
    Role.TRUST_PERSON: "/me",
}


def _setting(cookie: Cookie, path: str) -> Redirect:
    """A 303 to ``path`` inside the web application that sets (or clears) ``cookie``."""
    return Redirect(WEB_PATH + path, status_code=HTTP_303_SEE_OTHER, cookies=[cookie])


class AuthPages(WebPages):
    """Who is using the web application."""

    @get("/", sync_to_thread=False, exclude_from_auth=False)
    def home(self, ctx: NamedDependency[PageContext]) -> Redirect:
        """Each role's start page; the login page for visitors."""
        return ctx.redirect(_HOME[ctx.user.role] if ctx.user else "/login")

    @get("/login", sync_to_thread=False)
    def login_form(
        self, ctx: NamedDependency[PageContext], next_page: FromQuery[str] = "/"
    ) -> Template:
        """The login form."""
        return ctx.render("login.html", email="", error=None, next_page=safe_next(next_page))

    @post("/login", sync_to_thread=True, status_code=200)
    def login(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Check the e-mail address and password and start a session (12 hours)."""
        email = form_text(data, "email")
        next_page = safe_next(form_text(data, "next_page"))
        client = ctx.request.client
        try:
            viewer = access.authenticate_password(
                ctx.session,
                email,
                form_text(data, "password"),
                throttled=access.Throttled(
                    ctx.request.app.state.login_throttle, client.host if client else None
                ),
            )
        except (Unauthenticated, TooManyAttempts, ValidationFailed) as exc:
            error = (
                "Too many failed attempts. Wait a few minutes and try again."
                if isinstance(exc, TooManyAttempts)
                else "The e-mail address or the password is wrong."
            )
            return ctx.render(
                "login.html",
                status_code=429 if isinstance(exc, TooManyAttempts) else 401,
                email=email,
                error=error,
                next_page=next_page,
            )
        secret = access.start_session(ctx.session, viewer)
        return _setting(
            _session_cookie(ctx, secret), next_page if next_page != "/" else _HOME[viewer.role]
        )

    @post("/logout", guards=[web_logged_in], sync_to_thread=True, status_code=303)
    def logout(self, ctx: NamedDependency[PageContext]) -> Redirect:
        """End the session."""
        from vppool.api.auth import SESSION_COOKIE  # noqa: PLC0415

        token = ctx.request.cookies.get(SESSION_COOKIE)
        if token:
            access.end_session(ctx.session, token)
        return _setting(_session_cookie(ctx, None), "/login")

    @post("/language", sync_to_thread=False, status_code=303)
    def switch_language(self, ctx: NamedDependency[PageContext], data: FormData) -> Redirect:
        """Show the application in Dutch or English from now on (kept for a year)."""
        from vppool.api.auth import secure_cookies  # noqa: PLC0415

        lang = form_text(data, "lang")
        return _setting(
            Cookie(
                key=LANGUAGE_COOKIE,
                value=lang if lang in LANGUAGES else "nl",
                max_age=365 * 24 * 3600,
                samesite="lax",
                secure=secure_cookies(ctx.request, ctx.settings),
                path="/",
            ),
            safe_next(form_text(data, "next_page")),
        )
