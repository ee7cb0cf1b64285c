"""The JSON API takes only the input its schema documents.

Two things the framework would let through, each a silent wrong answer:

* a query parameter the operation does not declare (a misspelt filter, ``?statuss=open``,
  would answer with the unfiltered list) or a single-valued one given twice (the framework
  takes one of them): 400 naming the parameter;
* a body field of the wrong JSON type: the services validate leniently, because the web
  forms hand them text (``"6"`` for a number), so ``{"starts_on": 0}`` became 1 January
  1970 and ``{"accredited": 0}`` false. Each field's JSON type is checked against the body
  schema the operation documents: 422 naming the field, like every other field problem.

The token-keyed feeds and the web pages are not checked: calendar apps append parameters
of their own, and forms are text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import ValidationException
from litestar.params import BodyKwarg
from litestar.routes import HTTPRoute

from vppool.errors import FieldError, ValidationFailed

__all__ = ["record_documented_input", "refuse_undocumented_input"]

#: Keys in a handler's ``opt``: its query parameters (each with whether it may repeat), and
#: the JSON schema of its body.
_QUERY = "vppool_query_parameters"
_BODY = "vppool_body_schema"
_STRICT_PREFIX = "/api/"

_JSON_TYPES: dict[str, str] = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
    "array": "an array",
    "object": "an object",
}


def record_documented_input(app: Litestar) -> None:
    """Note on each JSON API handler its declared query parameters and documented body."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(_STRICT_PREFIX):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            handler.opt[_QUERY] = {
                parameter.field_alias: parameter.is_sequence
                for parameter in kwargs_model.expected_query_params
            }
            data = handler.parsed_fn_signature.parameters.get("data")
            body = data.kwarg_definition if data is not None else None
            if isinstance(body, BodyKwarg) and body.schema_extra:
                handler.opt[_BODY] = {"type": "array" if "items" in body.schema_extra else "object"}
                handler.opt[_BODY] |= body.schema_extra


async def refuse_undocumented_input(request: Request[Any, Any, Any]) -> None:
    """Refuse undeclared or repeated query parameters, and body fields of the wrong type.

    Raises:
        ValidationException: naming each such query parameter (400).
        ValidationFailed: naming each body field of the wrong JSON type (422).
    """
    opt = request.route_handler.opt
    declared: dict[str, bool] | None = opt.get(_QUERY)
    if declared is not None and request.scope["query_string"]:
        _check_query(request, declared)
    schema: dict[str, Any] | None = opt.get(_BODY)
    if schema is not None and request.method in {"POST", "PUT", "PATCH"}:
        try:
            body = await request.json()
        except Exception:
            return
        errors = _type_errors(schema, body, "")
        if errors:
            raise ValidationFailed(errors, subject="request body")


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


def _type_errors(schema: Mapping[str, Any], value: Any, path: str) -> list[FieldError]:
    """Where ``value`` has another JSON type than ``schema`` documents.

    Formats, limits and unknown fields are left to the services, whose messages say more.
    """
    if not _has_type(schema, value):
        wanted = " or ".join(_JSON_TYPES.get(kind, kind) for kind in _types_of(schema))
        return [FieldError(path or "body", f"must be {wanted}")]
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties", {})
        return [
            error
            for name, item in value.items()
            if isinstance(name, str) and name in properties
            for error in _type_errors(properties[name], item, f"{path}.{name}" if path else name)
        ]
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [
            error
            for index, item in enumerate(value)
            for error in _type_errors(schema["items"], item, f"{path}[{index}]")
        ]
    return []


def _types_of(schema: Mapping[str, Any]) -> list[str]:
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives:
        return [kind for option in alternatives for kind in _types_of(option)]
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind]
    return [str(kind)] if kind else []


def _has_type(schema: Mapping[str, Any], value: Any) -> bool:
    kinds = _types_of(schema)
    if not kinds:  # undocumented type: anything goes
        return True
    return any(_is(kind, value) for kind in kinds)


def _is(kind: str, value: Any) -> bool:
    if kind == "integer":
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and float(value).is_integer()
    checks: dict[str, Any] = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    check = checks.get(kind)
    return True if check is None else bool(check(value))
