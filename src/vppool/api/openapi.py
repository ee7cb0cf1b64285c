"""What the OpenAPI document says about errors and authentication, for every operation at once.

The handlers document their success answers themselves. The error answers are the same
everywhere — RFC 9457 problem details made in :mod:`vppool.api.problems` — so they are
added here from what each handler is: one that a guard protects can answer 401 and 403,
one that changes data 409, and all of them 400, 404 and 422. Handlers without a guard
(health, login, the token-keyed feeds) declare that they need no credentials, so a client
generated from the schema does not send any.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from litestar import Litestar, MediaType, Response
from litestar._openapi.schema_generation import SchemaCreator
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPluginProtocol
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.routes import HTTPRoute
from litestar.types import Scope
from litestar.typing import FieldDefinition
from pydantic import BaseModel, ConfigDict, Field, RootModel

__all__ = [
    "ClosedBodySchema",
    "FieldProblem",
    "ListBodySchema",
    "LocalTimeSchema",
    "Problem",
    "document_operations",
    "problem_responses",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"

_DESCRIPTIONS = {
    400: "Malformed request (a body that is not JSON, a parameter of the wrong type)",
    401: "Not logged in: send a session cookie or 'Authorization: Bearer <token>'",
    403: "The caller's role may not do this",
    404: "No such item, or not one the caller may see",
    409: "The current state does not allow this (already decided, capacity taken)",
    413: "The body is larger than this route accepts",
    422: "Invalid input: 'errors' names each field to fix, 'violations' each rule broken",
    429: "Too many attempts: try again after Retry-After seconds",
}
_CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class FieldProblem(BaseModel):
    """One field to fix."""

    model_config = ConfigDict(extra="allow")

    field: str
    message: str


class Problem(BaseModel):
    """An error as RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Always 'about:blank': the status says what kind")
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do about it")
    instance: str = Field(description="The path that was requested")
    request_id: str | None = Field(default=None, description="Quote it when reporting a bug")
    errors: list[FieldProblem] | None = Field(default=None, description="Fields to fix (422)")
    violations: list[dict[str, Any]] | None = Field(
        default=None, description="Hard rules a manual change breaks (422)"
    )


class LocalTimeSchema(OpenAPISchemaPluginProtocol):
    """Document a ``datetime.time`` as the wall-clock time it is (``"09:00"``, ``"17:30:00"``).

    Litestar's default calls it a ``duration`` (ISO 8601 ``PT9H``), which no value the API
    sends or accepts is; JSON Schema's ``time`` format would demand a UTC offset.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        """Whether ``value`` is the ``time`` type."""
        return value is time

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        """A string of hours, minutes and optional seconds."""
        return Schema(
            type=OpenAPIType.STRING,
            pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
            description="Local wall-clock time, HH:MM or HH:MM:SS",
            examples=["09:00", "17:30:00"],
        )


class ListBodySchema(OpenAPISchemaPluginProtocol):
    """Document a pydantic ``RootModel`` of a list as the JSON array it is.

    Litestar would describe it as an object with a ``root`` property, which no caller sends.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        """Whether ``value`` is a root model."""
        return isinstance(value, type) and issubclass(value, RootModel)

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        """The schema of the root's type (an array of its items), with the model's words."""
        model = field_definition.annotation
        root = FieldDefinition.from_annotation(model.model_fields["root"].annotation)
        schema = schema_creator.for_field_definition(root)
        if isinstance(schema, Schema):
            schema.description = (model.__doc__ or "").strip().split("\n\n")[0] or None
            return schema
        return Schema(all_of=[schema])


class ClosedBodySchema(OpenAPISchemaPluginProtocol):
    """Document a model that refuses unknown fields with ``additionalProperties: false``.

    Litestar's pydantic schemas leave it out, so a client would not learn that a misspelt
    field is refused (422) instead of ignored.
    """

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        """Whether ``value`` is a pydantic model that forbids unknown fields."""
        return (
            isinstance(value, type)
            and issubclass(value, BaseModel)
            and not issubclass(value, RootModel)
            and value.model_config.get("extra") == "forbid"
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        """Litestar's schema of the model, closed to other properties."""
        schema = PydanticSchemaPlugin.for_pydantic_model(field_definition, schema_creator)
        schema.additional_properties = False
        return schema


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI responses for ``statuses``, each a problem-details body."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_DESCRIPTIONS[status],
            generate_examples=False,
        )
        for status in statuses
    }


def _statuses(handler: HTTPRouteHandler, *, guarded: bool) -> list[int]:
    statuses = [400, 404, 422]
    if guarded:
        statuses += [401, 403]
    if _CHANGES & set(handler.http_methods):
        statuses.append(409)
    return sorted(statuses)


def document_operations(app: Litestar) -> None:
    """Add the problem answers and the authentication requirement to every operation.

    Call it once on a new app, before its schema is first rendered; a handler's own
    ``responses`` win over the defaults. Also makes each automatic OPTIONS answer list the
    methods its path really has (see :func:`_answer_options_with`).
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.handler_name == "options_handler" and handler.http_methods == {"OPTIONS"}:
                _answer_options_with(handler, route.methods)
                continue
            if handler.status_code == 204:
                # Litestar documents a ``Response[None]`` as a JSON ``null``; a 204 has no body.
                no_content = ResponseSpec(None, description="Done; no content")
                handler.responses = {204: no_content, **(handler.responses or {})}
            guarded = bool(handler.resolve_guards())
            defaults = problem_responses(*_statuses(handler, guarded=guarded))
            handler.responses = {**defaults, **(handler.responses or {})}
            if not guarded and not handler.security:
                # An empty requirement: no credentials needed (the document's default
                # asks for a bearer token).
                handler.security = [{}]


def _answer_options_with(handler: HTTPRouteHandler, methods: Iterable[str]) -> None:
    """Make Litestar's automatic OPTIONS handler answer ``Allow: <methods>``.

    Litestar builds that handler when a path gets its first method and keeps it when a
    controller adds more (``Router.register`` merges the handlers into a new route), so its
    ``Allow`` named only the first method: ``OPTIONS /api/v1/auth/tokens`` said ``OPTIONS,
    POST`` without ``GET``. The handler keeps its signature; only the answer changes.
    """
    allow = ", ".join(sorted(methods))

    def options_handler(scope: Scope) -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": allow}, media_type=MediaType.TEXT)

    # Litestar calls a sync handler's ``fn`` directly, as it called the one replaced here.
    handler._fn = options_handler  # type: ignore[assignment]
