"""The composition root: ``create_app`` wires settings, database, routes and error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from litestar import Litestar, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool import __version__
from vppool.db import create_engine_for, current_revision
from vppool.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, VppoolError
from vppool.services.overview import Overview, pool_overview
from vppool.settings import Settings, get_settings

__all__ = ["create_app"]


def _provide_session(state: State) -> Iterator[Session]:
    """One session per request: committed when the handler succeeds, rolled back otherwise."""
    with Session(state.engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@get("/api/v1/health", tags=["system"], sync_to_thread=False)
def health(state: State) -> dict[str, str | None]:
    """Whether the service runs, which database it uses and its migration revision."""
    engine: Engine = state.engine
    return {
        "status": "ok",
        "version": __version__,
        "database": engine.dialect.name,
        "revision": current_revision(engine),
    }


@get("/api/v1/overview", tags=["system"], sync_to_thread=True)
def overview(db_session: NamedDependency[Session]) -> Overview:
    """Counts of the pool and the plan."""
    return pool_overview(db_session)


@get("/", media_type=MediaType.HTML, include_in_schema=False, sync_to_thread=True)
def home(db_session: NamedDependency[Session]) -> str:
    """A plain start page until the web application lands."""
    numbers = pool_overview(db_session)
    rows = "".join(
        f"<tr><th scope='row'>{name.replace('_', ' ')}</th><td>{value}</td></tr>"
        for name, value in numbers.model_dump().items()
    )
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>vppool</title></head><body style='font-family:system-ui;max-width:40rem;"
        "margin:2rem auto;line-height:1.5'><h1>vppool</h1>"
        "<p>Planning van externe vertrouwenspersonen.</p>"
        f"<table>{rows}</table>"
        "<p><a href='/schema'>API documentation</a> · "
        "<a href='/api/v1/health'>health</a></p></body></html>"
    )


_STATUS = {
    ValidationFailed: 422,
    NotFound: 404,
    Conflict: 409,
    PermissionDenied: 403,
}


def _problem(request: Request[object, object, State], exc: VppoolError) -> Response[object]:
    """Map a domain error to an RFC 9457 problem-details response."""
    status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
    body: dict[str, object] = {
        "type": "about:blank",
        "title": type(exc).__name__,
        "status": status,
        "detail": exc.message,
        "instance": request.url.path,
    }
    if isinstance(exc, ValidationFailed):
        body["errors"] = exc.as_dicts()
    return Response(body, status_code=status, media_type="application/problem+json")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Litestar:
    """Build the application for ``settings`` (the environment's settings by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        own = engine is None
        app.state.engine = engine or create_engine_for(settings)
        try:
            yield
        finally:
            if own:
                app.state.engine.dispose()

    return Litestar(
        route_handlers=[home, health, overview],
        dependencies={"db_session": Provide(_provide_session)},
        lifespan=[database],
        exception_handlers={VppoolError: _problem},
        openapi_config=OpenAPIConfig(
            title="vppool",
            version=__version__,
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        state=State({"settings": settings}),
    )
