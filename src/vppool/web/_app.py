"""The web application: server-rendered pages on the same services as the API.

It is its own small Litestar application, mounted under :data:`WEB_PATH` by the composition
root and sharing its state (engine, settings, login throttle, matching runs). Only the web
application checks CSRF tokens, so the JSON API with bearer tokens is unaffected; a token is
bound to the login session it was made for (:class:`SessionBoundCSRF`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from litestar import Litestar, asgi
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.handlers import ASGIRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_hash
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from vppool.web._admin import admin_pages
from vppool.web._answer_link import ANSWER_PATH, AnswerPages
from vppool.web._assignments import assignment_pages
from vppool.web._auth import AuthPages
from vppool.web._client import ClientPages
from vppool.web._common import WEB_PATH, IdempotencyKeys, ids_in_range, web_exception_handlers
from vppool.web._employee_pages import (
    EMPLOYEE_PAGE_PATH,
    EmployeePageLinks,
    EmployeePages,
    OrganisationEmployeePage,
    ProfilePages,
)
from vppool.web._feeds import FeedPages
from vppool.web._filters import register_filters
from vppool.web._inbox import InboxPages
from vppool.web._info_sessions import InfoSessionPages
from vppool.web._insight import InsightPages, RuleWeightPages
from vppool.web._intervision import IntervisionFormingPages, IntervisionPages
from vppool.web._messages import localise_stored
from vppool.web._needs import need_pages
from vppool.web._organisations import organisation_pages
from vppool.web._page import CONTEXT, provide_context
from vppool.web._pickers import PickerSearches
from vppool.web._planner import PlannerPages
from vppool.web._pool import pool_pages
from vppool.web._reports import ReportPages
from vppool.web._scenarios import ScenarioPages
from vppool.web._shortlists import ClientShortlistPages, PlannerShortlistPages
from vppool.web._staffing import StaffingPages, TeamAdvice
from vppool.web._trust_person import TrustPersonPages
from vppool.web._wishes import register_wish_filters

__all__ = ["create_web_app"]

_HERE = Path(__file__).parent


_CSRF_COOKIE = "vppool_csrf"


class SessionBoundCSRF:
    """Litestar's double-submit CSRF check, with a signing key per login session.

    The key is the configured secret plus a hash of the session cookie, so a CSRF token
    (and the CSRF cookie) made for one session, or before logging in, is refused under any
    other session: a token planted by someone who can set cookies for the site, or kept
    from before a login, does not pass. A page served with a token of another session gets
    a fresh one (and cookie) at once.
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig, session_cookie: str) -> None:
        self.app = app
        self.config = config
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check (or issue) the token with this session's key."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        session = cookies.get(self.session_cookie, "")
        digest = hashlib.sha256(session.encode()).hexdigest()
        config = replace(
            self.config,
            secret=f"{self.config.secret}:{digest}",
            # Secure under an https public address, and for a request that came over https
            # (behind a trusted proxy: its X-Forwarded-Proto), as the login cookie.
            cookie_secure=self.config.cookie_secure or scope.get("scheme") == "https",
        )
        token = cookies.get(config.cookie_name)
        safe = scope.get("method") in config.safe_methods
        if token is not None and safe and not _signed_with(token, config.secret):
            _drop_cookie(scope, config.cookie_name)
        await CSRFMiddleware(self.app, config)(scope, receive, send)


def _cookies(scope: Scope) -> dict[str, str]:
    header = b"; ".join(value for name, value in scope["headers"] if name == b"cookie")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header.decode("latin-1"))
    except Exception:  # a malformed cookie header counts as no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _signed_with(token: str, secret: str) -> bool:
    """Whether ``token`` (random hex plus its HMAC) was signed with ``secret``."""
    length = 64
    expected = generate_csrf_hash(token=token[:length], secret=secret)
    return len(token) > length and secrets.compare_digest(token[length:], expected)


def _drop_cookie(scope: Scope, name: str) -> None:
    """Remove one cookie from the request, so a fresh one is issued."""
    headers = []
    for key, value in scope["headers"]:
        kept = value
        if key == b"cookie":
            parts = [p for p in value.split(b";") if p.strip().split(b"=", 1)[0] != name.encode()]
            kept = b";".join(parts)
        headers.append((key, kept))
    scope["headers"] = headers


def create_web_app(state: State) -> ASGIRouteHandler:
    """The web application as a route handler to mount, sharing the API's ``state``."""
    # The composition root in vppool.api imports this module: its parts come in here.
    from vppool.api.auth import SESSION_COOKIE, TokenAuthMiddleware  # noqa: PLC0415
    from vppool.api.deps import (  # noqa: PLC0415
        provide_session,
        provide_settings,
        provide_viewer,
    )
    from vppool.api.logs import logging_config  # noqa: PLC0415

    state.web_submissions = IdempotencyKeys()
    dependencies: dict[str, Any] = {
        "db_session": Provide(provide_session),
        "settings": Provide(provide_settings, sync_to_thread=False),
        "viewer": Provide(provide_viewer, sync_to_thread=False),
        CONTEXT: Provide(provide_context, sync_to_thread=False),
    }
    settings = state.settings
    web = Litestar(
        route_handlers=[
            AuthPages,
            PlannerPages,
            pool_pages,
            organisation_pages,
            need_pages,
            assignment_pages,
            PickerSearches,
            ClientPages,
            ClientShortlistPages,
            PlannerShortlistPages,
            TrustPersonPages,
            FeedPages,
            InboxPages,
            InfoSessionPages,
            InsightPages,
            RuleWeightPages,
            ScenarioPages,
            IntervisionPages,
            IntervisionFormingPages,
            admin_pages(),
            EmployeePages,
            AnswerPages,
            EmployeePageLinks,
            OrganisationEmployeePage,
            ProfilePages,
            ReportPages,
            StaffingPages,
            TeamAdvice,
            create_static_files_router(
                path="/static",
                directories=[_HERE / "static"],
                include_in_schema=False,
                opt={"exclude_from_auth": True},
            ),
        ],
        dependencies=dependencies,
        middleware=[
            DefineMiddleware(
                SessionBoundCSRF,
                config=CSRFConfig(
                    secret=settings.signing_key(),
                    cookie_name=_CSRF_COOKIE,
                    cookie_secure=settings.https_only_cookies,
                    cookie_samesite="lax",
                    # The employees' page sets no cookie (it has no form to protect); the answer
                    # link's secret in its address protects its form instead.
                    exclude=["^/static", f"^{EMPLOYEE_PAGE_PATH}/", f"^{ANSWER_PATH}/"],
                ),
                session_cookie=SESSION_COOKIE,
            ),
            DefineMiddleware(TokenAuthMiddleware, exclude=["^/static"]),
        ],
        exception_handlers=web_exception_handlers(),
        before_request=ids_in_range,
        template_config=TemplateConfig(
            directory=_HERE / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_register_filters,
        ),
        openapi_config=None,
        logging_config=logging_config(),
        state=state,
    )

    @asgi(WEB_PATH, is_mount=True, copy_scope=True, include_in_schema=False)
    async def web_application(scope: Scope, receive: Receive, send: Send) -> None:
        """The pages, under ``WEB_PATH``."""
        await web(scope, receive, send)

    return web_application


def _register_filters(engine: JinjaTemplateEngine) -> None:
    """The pages' filters, ``words`` (a stored message in the page's language), the wishes."""
    register_filters(engine)
    register_wish_filters(engine)
    engine.engine.filters["words"] = localise_stored
