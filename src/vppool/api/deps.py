"""Dependency providers shared by every controller (the one place that opens sessions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from sqlmodel import Session

from vppool.services.access import Viewer
from vppool.settings import Settings

__all__ = ["DEPENDENCIES", "provide_session", "provide_settings", "provide_viewer"]


def provide_session(state: State) -> Iterator[Session]:
    """One session per request: committed when the handler succeeds, rolled back otherwise."""
    with Session(state.engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def provide_settings(state: State) -> Settings:
    """The application's settings."""
    settings: Settings = state.settings
    return settings


def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The authenticated caller (guards have already refused anonymous callers)."""
    viewer = request.scope.get("user")
    if not isinstance(viewer, Viewer):
        raise NotAuthorizedException(detail="log in first")
    return viewer


DEPENDENCIES: dict[str, Any] = {}
