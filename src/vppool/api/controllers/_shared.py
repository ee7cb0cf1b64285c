"""What the resource controllers share: ids, paging parameters, documented bodies, names.

Bodies of creates and updates are taken as JSON objects and validated by the service, so
every field problem (a missing date, an unknown language, a period that ends before it
starts, a duplicate e-mail address) is one 422 problem naming each field; a body that is not
a JSON object is a 400. :func:`body_of` documents the shape the service expects in OpenAPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from litestar import Controller
from litestar.handlers import HTTPRouteHandler
from litestar.params import Body, Parameter
from pydantic import BaseModel, ValidationError

from vppool.dataset import field_errors_from
from vppool.db.schemas import MAX_ID
from vppool.errors import ValidationFailed
from vppool.services._common import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

__all__ = [
    "DEFAULT_LIMIT",
    "Id",
    "IdFilter",
    "JSONObject",
    "Limit",
    "Offset",
    "Resource",
    "SortKey",
    "TextFilter",
    "body_of",
    "parsed",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

#: An id in a path: 1 up to the largest id a table can hold.
Id = Annotated[int, Parameter(ge=1, le=MAX_ID)]
#: An optional id to filter a list by.
IdFilter = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
#: How many items of a list to skip.
Offset = Annotated[int, Parameter(ge=0, le=MAX_OFFSET, description="How many items to skip")]
#: Page size.
Limit = Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description=f"Page size (1 to {MAX_LIMIT})")]
#: A sort key of a list; a leading ``-`` reverses it (the service lists the keys).
SortKey = Annotated[
    str, Parameter(min_length=1, max_length=40, description="Sort key; prefix '-' to reverse")
]
#: Optional free text to filter a list by.
TextFilter = Annotated[str | None, Parameter(min_length=1, max_length=200)]
#: A JSON object body, validated by the service.
JSONObject = dict[str, Any]


class Resource(Controller):
    """A controller whose handlers name their OpenAPI operation and document it themselves.

    Each handler's ``operationId`` is its function name in camelCase (``list_needs`` →
    ``listNeeds``, so names must be unique across the API), its summary the first line of
    its docstring and its description the rest, unless the decorator gives them.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Name and document every route handler the subclass declares."""
        super().__init_subclass__(**kwargs)
        for handler in vars(cls).values():
            if not isinstance(handler, HTTPRouteHandler):
                continue
            first, *rest = handler.handler_name.split("_")
            handler.operation_id = handler.operation_id or first + "".join(
                word.title() for word in rest
            )
            summary, _, description = (handler.fn.__doc__ or "").strip().partition("\n\n")
            handler.summary = handler.summary or summary.strip() or None
            handler.description = handler.description or description.strip() or None


def body_of(model: type[BaseModel], *, description: str | None = None, many: bool = False) -> Any:
    """Document a JSON-object body (or, with ``many``, an array of them) as ``model``.

    The handler receives the JSON as it came; the service validates it with ``model``.
    """
    schema = _inline(model.model_json_schema())
    shape: dict[str, Any] = {"type": "object", "properties": schema.get("properties", {})}
    if schema.get("required"):
        shape["required"] = schema["required"]
    if model.model_config.get("extra") == "forbid":
        shape["additionalProperties"] = False
    doc = (model.__doc__ or "").strip().split("\n\n")[0]
    extra = {"items": shape} if many else {key: shape[key] for key in shape if key != "type"}
    return Body(title=model.__name__, description=description or doc, schema_extra=extra)


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` references replaced by the definitions themselves."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                return resolve(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def parsed(model: type[ModelT], data: Mapping[str, Any], *, subject: str) -> ModelT:
    """A small action body (a date, a reason) validated as ``model``.

    Raises:
        ValidationFailed: naming each wrong field (422, like the bodies services validate).
    """
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise ValidationFailed(field_errors_from(exc), subject=subject) from exc
