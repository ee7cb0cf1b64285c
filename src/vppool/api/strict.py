"""The JSON API takes only the query parameters its schema documents.

A query parameter the operation does not declare (a misspelt filter, ``?statuss=open``,
would answer with the unfiltered list) or a single-valued one given twice (the framework
takes one of them) is a silent wrong answer: 400 naming the parameter. Bodies are typed
models validated as strict JSON (:mod:`vppool.api.bodies`).

The token-keyed feeds and the web pages are not checked: calendar apps append parameters
of their own.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import ValidationException
from litestar.routes import HTTPRoute

__all__ = ["record_documented_input", "refuse_undocumented_input"]

#: The key in a handler's ``opt`` of its query parameters (each with whether it may repeat).
_QUERY = "vppool_query_parameters"
_STRICT_PREFIX = "/api/"


def record_documented_input(app: Litestar) -> None:
    """Note on each JSON API handler its declared query parameters."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(_STRICT_PREFIX):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            handler.opt[_QUERY] = {
                parameter.field_alias: parameter.is_sequence
                for parameter in kwargs_model.expected_query_params
            }


async def refuse_undocumented_input(request: Request[Any, Any, Any]) -> None:
    """Refuse undeclared or repeated query parameters.

    Raises:
        ValidationException: naming each such query parameter (400).
    """
    declared: dict[str, bool] | None = request.route_handler.opt.get(_QUERY)
    if declared is not None and request.scope["query_string"]:
        _check_query(request, declared)


def _check_query(request: Request[Any, Any, Any], declared: dict[str, bool]) -> None:
    problems = [
        {"key": name or "(no name)", "message": "unknown query parameter"}
        for name in sorted(set(request.query_params) - set(declared))
    ] + [
        {"key": name, "message": "given more than once; it takes one value"}
        for name, repeats in sorted(declared.items())
        if not repeats and len(request.query_params.getall(name, [])) > 1
    ]
    if problems:
        known = ", ".join(sorted(declared)) or "none"
        raise ValidationException(
            detail=f"Invalid query string (this operation's parameters: {known})",
            extra=problems,
        )
