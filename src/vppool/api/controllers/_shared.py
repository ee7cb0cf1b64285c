"""What the resource controllers share: ids, paging parameters, operation names.

Bodies are typed models (``data: OrganisationCreate``), validated as strict JSON before the
handler runs (see :mod:`vppool.api.bodies`), so every field problem is one 422 problem naming
each field, and the OpenAPI document shows each body's schema.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar import Controller
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from litestar.types import Guard
from pydantic import BaseModel

from vppool.db.schemas import MAX_ID
from vppool.services._common import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

__all__ = [
    "DEFAULT_LIMIT",
    "Id",
    "IdFilter",
    "Limit",
    "Offset",
    "Resource",
    "SortKey",
    "TextFilter",
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


class Resource(Controller):
    """A controller whose handlers name their OpenAPI operation and document it themselves.

    Its address, its OpenAPI tag and its guard are class keywords::

        class NeedController(Resource, path="/api/v1/needs", tag="needs", guard=client_or_staff):

    Each handler is named after its attribute (a declared route of
    :class:`~vppool.api.controllers._routes.RecordRoutes` too). Its ``operationId`` is
    that name in camelCase (``list_needs`` → ``listNeeds``, so names must be unique across
    the API), its summary the first line of its docstring and its description the rest,
    unless the decorator gives them.
    """

    def __init_subclass__(
        cls,
        *,
        path: str | None = None,
        tag: str | None = None,
        guard: Guard | None = None,
        **kwargs: Any,
    ) -> None:
        """Set the address, tag and guard; name and document every route handler."""
        super().__init_subclass__(**kwargs)
        if path is not None:
            cls.path = path
        if tag is not None:
            cls.tags = [tag]
        if guard is not None:
            cls.guards = [guard]
        for name, handler in vars(cls).items():
            if not isinstance(handler, HTTPRouteHandler):
                continue
            handler.fn.__name__ = name
            # Litestar orders a controller's handlers by their qualified name: a declared
            # route's generic function must carry its own, or the order (and the OpenAPI
            # document's) would change from one process to the next.
            handler.fn.__qualname__ = f"{cls.__qualname__}.{name}"
            first, *rest = name.split("_")
            handler.operation_id = handler.operation_id or first + "".join(
                word.title() for word in rest
            )
            summary, _, description = (handler.fn.__doc__ or "").strip().partition("\n\n")
            handler.summary = handler.summary or summary.strip() or None
            handler.description = handler.description or description.strip() or None
