"""The composition root: ``create_app`` wires settings, database, auth, routes and errors."""

from __future__ import annotations

import gc
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import NamedDependency, Provide
from litestar.enums import ScopeType
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool import __version__
from vppool.api.auth import TokenAuthMiddleware, staff_only
from vppool.api.bodies import StrictJSONBodies
from vppool.api.controllers.assignments import AssignmentController
from vppool.api.controllers.audit import AuditController
from vppool.api.controllers.auth import AuthController
from vppool.api.controllers.calendar_sources import CalendarSourceController
from vppool.api.controllers.feeds import FeedController, FeedTokenController
from vppool.api.controllers.info_sessions import InfoSessionController
from vppool.api.controllers.insight import InsightController
from vppool.api.controllers.intervision import IntervisionController
from vppool.api.controllers.matching import MatchingController
from vppool.api.controllers.me import MeController
from vppool.api.controllers.needs import NeedController
from vppool.api.controllers.organisations import (
    ConflictOfInterestController,
    OrganisationController,
    PreferenceController,
)
from vppool.api.controllers.reports import ReportController
from vppool.api.controllers.shortlists import ShortlistController
from vppool.api.controllers.staffing import StaffingController
from vppool.api.controllers.trust_persons import (
    TrustPersonController,
    TrustPersonRecordsController,
)
from vppool.api.controllers.users import TokenController, UserController
from vppool.api.deps import provide_session, provide_settings, provide_viewer
from vppool.api.logs import logging_config
from vppool.api.openapi import (
    ClosedBodySchema,
    ListBodySchema,
    LocalTimeSchema,
    document_operations,
)
from vppool.api.problems import EXCEPTION_HANDLERS
from vppool.api.strict import record_documented_input, refuse_undocumented_input
from vppool.db import create_engine_for, current_revision, serialised
from vppool.services.access import LoginThrottle
from vppool.services.overview import Overview, pool_overview
from vppool.settings import Settings, get_settings
from vppool.web import WEB_PATH, create_web_app

__all__ = ["create_app"]

log = logging.getLogger("vppool.api")

#: Allocations (net) between two young collections in a web process (Python's default: 700).
YOUNG_COLLECTION_THRESHOLD = 10_000


@get("/api/v1/health", tags=["system"], sync_to_thread=False, exclude_from_auth=True)
def health(state: State) -> dict[str, str | None]:
    """Whether the service runs, which database it uses and its migration revision."""
    engine: Engine = state.engine
    return {
        "status": "ok",
        "version": __version__,
        "database": engine.dialect.name,
        "revision": current_revision(engine),
    }


@get("/api/v1/overview", tags=["system"], guards=[staff_only], sync_to_thread=True)
def overview(db_session: NamedDependency[Session]) -> Overview:
    """Counts of the pool and the plan."""
    return pool_overview(db_session)


@get("/", include_in_schema=False, sync_to_thread=False, exclude_from_auth=True)
def home() -> Redirect:
    """The web application (its login page for visitors)."""
    return Redirect(WEB_PATH + "/", status_code=HTTP_303_SEE_OTHER)


class RequestIdMiddleware:
    """Give every request an id (or keep the caller's X-Request-ID) and log its outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode(errors="ignore")
        request_id = incoming[:64] if incoming.isascii() and incoming else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = [0]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
        if status[0] >= 500 or log.isEnabledFor(logging.DEBUG):
            log.log(
                logging.ERROR if status[0] >= 500 else logging.DEBUG,
                "request_id=%s %s %s -> %s in %.1f ms",
                request_id,
                scope.get("method"),
                scope.get("path"),
                status[0],
                (time.perf_counter() - started) * 1000,
            )


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Litestar:
    """Build the application for ``settings`` (the environment's settings by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        own = engine is None
        app.state.engine = engine or create_engine_for(settings)
        app.state.write_engine = serialised(app.state.engine)
        threshold = gc.get_threshold()
        # What is loaded now lives as long as the process: keep the collector from walking
        # it again and again (its full passes showed as the slowest 1 % of feed answers).
        gc.freeze()
        # A page that reads the pool builds tens of thousands of short-lived rows; with the
        # default threshold (700) the collector ran hundreds of young passes per request.
        # Measured at L, CPU per request (median of 10, A/B in one process): quick match
        # 292 -> 238 ms, a run's review 237 -> 211 ms, dashboard 137 -> 131 ms.
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *threshold[1:])
        try:
            yield
        finally:
            # The collector is the process's: give it back as it was (a process that starts
            # one application after another, as the tests do, would otherwise freeze each
            # one's leftovers for good).
            gc.set_threshold(*threshold)
            gc.unfreeze()
            if own:
                app.state.engine.dispose()

    dependencies: dict[str, Any] = {
        "db_session": Provide(provide_session),
        "settings": Provide(provide_settings, sync_to_thread=False),
        "viewer": Provide(provide_viewer, sync_to_thread=False),
    }
    state = State({"settings": settings, "login_throttle": LoginThrottle()})
    app = Litestar(
        route_handlers=[
            home,
            create_web_app(state),
            health,
            overview,
            AuthController,
            MatchingController,
            FeedController,
            FeedTokenController,
            TrustPersonController,
            TrustPersonRecordsController,
            CalendarSourceController,
            OrganisationController,
            ConflictOfInterestController,
            PreferenceController,
            NeedController,
            AssignmentController,
            AuditController,
            MeController,
            IntervisionController,
            UserController,
            TokenController,
            ReportController,
            StaffingController,
            InfoSessionController,
            InsightController,
            ShortlistController,
        ],
        dependencies=dependencies,
        lifespan=[database],
        logging_config=logging_config(),
        middleware=[
            RequestIdMiddleware,
            DefineMiddleware(TokenAuthMiddleware, exclude=["^/schema", f"^{WEB_PATH}"]),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[StrictJSONBodies(), LocalTimeSchema(), ListBodySchema(), ClosedBodySchema()],
        before_request=refuse_undocumented_input,
        openapi_config=OpenAPIConfig(
            title="vppool",
            version=__version__,
            description=(
                "Planning of external trust persons. Authenticate with the session cookie "
                "from POST /api/v1/auth/login or with 'Authorization: Bearer <token>'."
            ),
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
            security=[{"bearer": []}],
        ),
        state=state,
    )
    document_operations(app)
    record_documented_input(app)
    return app
