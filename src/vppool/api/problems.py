"""Every error as RFC 9457 problem details, mapped in one place.

Domain errors (``vppool.errors``) carry no HTTP; this module gives them their status codes.
Litestar's own errors (bad JSON, a missing field, an unknown route) get the same shape, and
anything unexpected becomes a 500 problem without a traceback (logged with its request id).
Bad input never reaches that last resort: JSON nested too deeply to decode answers 400, a
value the database refuses as data (a NUL character in text on PostgreSQL, a number out of
its column's range) 422, and a database that is briefly unreachable (a restart, a dropped
connection) 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError

from vppool.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
    VppoolError,
)

__all__ = ["EXCEPTION_HANDLERS", "problem"]

log = logging.getLogger("vppool.api")

MEDIA_TYPE = "application/problem+json"

_STATUS: tuple[tuple[type[VppoolError], int, str], ...] = (
    (ValidationFailed, 422, "Invalid input"),
    (RuleViolation, 422, "Hard rules broken"),
    (NotFound, 404, "Not found"),
    (Conflict, 409, "Conflict"),
    (Unauthenticated, 401, "Not logged in"),
    (PermissionDenied, 403, "Not allowed"),
    (TooManyAttempts, 429, "Too many attempts"),
)


def problem(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    detail: str,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    """A problem-details response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    body.update(extra or {})
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _domain(request: Request[Any, Any, Any], exc: VppoolError) -> Response[dict[str, Any]]:
    status, title = next(
        ((code, text) for cls, code, text in _STATUS if isinstance(exc, cls)), (400, "Bad request")
    )
    extra: dict[str, Any] = {}
    headers = None
    if isinstance(exc, ValidationFailed):
        extra["errors"] = exc.as_dicts()
    if isinstance(exc, RuleViolation):
        extra["violations"] = exc.violations
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after_s)}
    if isinstance(exc, Unauthenticated):
        headers = {"WWW-Authenticate": 'Bearer realm="vppool"'}
    return problem(request, status, title, exc.message, extra=extra, headers=headers)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    extra: dict[str, Any] = {}
    detail = exc.detail
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        extra["errors"] = [
            {
                "field": str(item.get("key") or item.get("source") or "body"),
                "message": str(item.get("message")),
            }
            for item in exc.extra
            if isinstance(item, dict)
        ]
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in extra["errors"])
        detail = f"{exc.detail}: {fields}" if fields else exc.detail
    title = {401: "Not logged in", 403: "Not allowed", 404: "Not found"}.get(
        exc.status_code, "Bad request" if exc.status_code < 500 else "Server error"
    )
    return problem(request, exc.status_code, title, detail, extra=extra, headers=exc.headers)


def _not_utf8(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[dict[str, Any]]:
    # Litestar decodes form fields and JSON as UTF-8 before a handler runs; a client that
    # sends another encoding gets told so instead of a 500.
    detail = f"the request holds text that is not UTF-8 (byte {exc.start}); send UTF-8"
    return problem(request, 400, "Bad request", detail)


def _too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[dict[str, Any]]:
    # The JSON decoder gives up on very deep nesting ([[[[...]]]] a thousand levels down)
    # with a RecursionError; that is the client's input, not our failure.
    if "deserializ" in str(exc):
        detail = "the JSON body is nested too deeply; send at most a few levels of objects"
        return problem(request, 400, "Bad request", detail)
    return _unexpected(request, exc)


#: SQLSTATE classes and codes of a database that cannot be reached for a moment: connection
#: exceptions (08), and the server shutting down or starting (57P01-57P03).
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")


def _unreachable(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if state is None:  # psycopg raises "connection refused" and the like without a state
        return type(exc.orig).__module__.startswith("psycopg")
    return str(state).startswith(_UNREACHABLE_STATES)


def _database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[dict[str, Any]]:
    # SQLite allows one writer; a request that waited longer than the busy timeout (a long
    # background job writing) is told to try again instead of getting a bare 500. So is a
    # request that met PostgreSQL restarting: the pool replaces the dead connections.
    if "database is locked" in str(exc.orig):
        detail = "the database is busy with another change; try again in a moment"
        return problem(request, 503, "Busy", detail, headers={"Retry-After": "2"})
    if _unreachable(exc):
        log.warning("database unreachable on %s %s: %s", request.method, request.url.path, exc)
        detail = "the database cannot be reached for a moment; try again shortly"
        return problem(request, 503, "Unavailable", detail, headers={"Retry-After": "2"})
    return _unexpected(request, exc)


def _refused_data(request: Request[Any, Any, Any], exc: DataError) -> Response[dict[str, Any]]:
    # PostgreSQL refuses some values as data (class 22): text with a NUL character, a number
    # beyond its column. Input validation should have caught it; either way it is the
    # client's value, so 422 rather than 500.
    log.info("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
    detail = "a value in the request cannot be stored"
    if "0x00" in str(exc.orig) or "NUL" in str(exc.orig):
        detail = "the request holds a NUL character (\\u0000); remove it"
    return problem(request, 422, "Invalid input", detail)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Server error",
        "something went wrong on our side; the error was logged with this request's id",
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    VppoolError: _domain,
    HTTPException: _http,
    UnicodeDecodeError: _not_utf8,
    RecursionError: _too_deep,
    OperationalError: _database_error,
    InterfaceError: _database_error,
    DataError: _refused_data,
    Exception: _unexpected,
}
