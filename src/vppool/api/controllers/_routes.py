"""The plain routes of a kind of record, declared once instead of written out per record.

Most routes of the resources do one thing: take the ids in their path (and a typed body),
hand them by name to one service function with the caller and the session, and answer what
it returns. :class:`RecordRoutes` declares such routes from the record's path, the name of
its id and its public shape; the service function keeps every rule (who may, what must hold)::

    _SITES = RecordRoutes(
        "/{organisation_id:int}/sites", SitePublic, key="site_id", create=SiteCreate
    )

    class OrganisationController(Resource, path="/api/v1/organisations"):
        list_sites = _SITES.listing(organisations.list_sites, "List an organisation's sites.")
        add_site = _SITES.creating(organisations.add_site, "Add a site.")

calls ``organisations.add_site(db_session, organisation_id=…, data=…, viewer=…)``. A
:class:`~vppool.api.controllers._shared.Resource` names each handler after its attribute
(the operation id ``addSite``) and documents it with the given text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from inspect import Parameter, Signature
from typing import Annotated, Any, get_origin

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery, JSONBody
from pydantic import BaseModel
from sqlmodel import Session

from vppool.api.auth import staff_only
from vppool.api.controllers._shared import DEFAULT_LIMIT, Id, Limit, Offset, SortKey
from vppool.db.schemas import Page
from vppool.services._common import query_model
from vppool.services.access import Viewer
from vppool.settings import Settings

__all__ = ["RecordRoutes"]

#: A service function: ``service(db_session, <path ids>=…, [data=…,] viewer=…)``.
Service = Callable[..., Any]
#: What a route declaration takes besides its path (guards, status_code, responses, …).
Options = Any

_PATH_ID = re.compile(r"\{(\w+):int\}")
#: ``returns`` not given: the route answers with the record's public shape.
_PUBLIC: Any = object()
#: The parameters every route ends with: the caller and the request's session.
_CALLER = {"viewer": NamedDependency[Viewer], "db_session": NamedDependency[Session]}
#: Names Litestar keeps for itself: a filter of that name is declared as ``<name>_`` (its
#: annotation names the query parameter) and handed to the service by its own name.
_RESERVED = frozenset({"scope", "request", "state", "socket", "headers", "cookies", "query"})


@dataclass(frozen=True)
class RecordRoutes:
    """The list, add, read, change and delete routes of one kind of record.

    Attributes:
        path: the records' path below the controller's (``/{organisation_id:int}/sites``,
            or ``/`` for the controller's own records).
        public: the shape the service answers with.
        key: the name of a record's id in the path of one record (``site_id``).
        owner: the id in the controller's own path that every route passes on too
            (``trust_person_id``), if any.
        create: the body of a new record.
        update: the body of a change (the fields to change).
        guards: who may use every route (besides the controller's guard); :attr:`staff`
            gives the routes planners and admins alone may use.
    """

    path: str
    public: type[Any]
    key: str | None = None
    owner: str | None = None
    create: type[BaseModel] | None = None
    update: type[BaseModel] | None = None
    guards: tuple[Any, ...] = ()

    @property
    def staff(self) -> RecordRoutes:
        """The same records' routes for planners and admins only."""
        return replace(self, guards=(*self.guards, staff_only))

    @property
    def item(self) -> str:
        """The path of one record."""
        assert self.key is not None, f"the records at {self.path} have no path of their own"  # noqa: S101
        return f"{self.path.rstrip('/')}/{{{self.key}:int}}"

    def listing(
        self,
        service: Service,
        doc: str,
        *,
        filters: Mapping[str, Any] | None = None,
        **options: Options,
    ) -> HTTPRouteHandler:
        """``GET path``: all the records (of the owner), optionally filtered.

        ``filters`` are the optional query parameters (name -> type, or a type annotated
        with its limits), each ``None`` unless given.
        """
        query = _optional(filters or {})
        returns = list[self.public]  # type: ignore[name-defined]
        return self.route(get, self.path, service, doc, returns=returns, query=query, **options)

    def paging(
        self,
        service: Service,
        doc: str,
        *,
        filters: Mapping[str, Any],
        sort: str | None = None,
        **options: Options,
    ) -> HTTPRouteHandler:
        """``GET path``: a page of the records, optionally filtered and sorted.

        The service takes the filters given, ``sort`` unless ``sort`` (the default key) is
        ``None``, ``offset`` and ``limit`` as one model, its ``query`` (see
        :func:`~vppool.services._common.query_model`).
        """
        query = _optional(filters)
        if sort is not None:
            query["sort"] = (SortKey, sort)
        query |= {"offset": (Offset, 0), "limit": (Limit, DEFAULT_LIMIT)}
        returns = Page[self.public]  # type: ignore[name-defined]
        return self.route(
            get, self.path, service, doc, returns=returns, query=query, gather=True, **options
        )

    def creating(self, service: Service, doc: str, **options: Options) -> HTTPRouteHandler:
        """``POST path``: a new record from the ``create`` body (201)."""
        return self.route(post, self.path, service, doc, body=self.create, **options)

    def reading(self, service: Service, doc: str, **options: Options) -> HTTPRouteHandler:
        """``GET item``: one record."""
        return self.route(get, self.item, service, doc, **options)

    def changing(self, service: Service, doc: str, **options: Options) -> HTTPRouteHandler:
        """``PATCH item``: change the fields the ``update`` body gives."""
        return self.route(patch, self.item, service, doc, body=self.update, **options)

    def deleting(self, service: Service, doc: str, **options: Options) -> HTTPRouteHandler:
        """``DELETE item``: delete one record (204)."""
        return self.route(delete, self.item, service, doc, returns=None, **options)

    def acting(
        self,
        method: type[HTTPRouteHandler],
        action: str,
        service: Service,
        doc: str,
        **options: Options,
    ) -> HTTPRouteHandler:
        """``method item/action`` (``POST /{need_id:int}/accept``): an action on one record.

        It takes what :meth:`route` takes.
        """
        return self.route(method, self.item + action, service, doc, **options)

    def route(
        self,
        method: type[HTTPRouteHandler],
        path: str,
        service: Service,
        doc: str,
        *,
        body: type[BaseModel] | None = None,
        returns: Any = _PUBLIC,
        query: Mapping[str, tuple[Any, Any]] | None = None,
        with_settings: bool = False,
        spread: bool = False,
        gather: bool = False,
        **options: Options,
    ) -> HTTPRouteHandler:
        """``method path`` handled by a function that hands its input by name to ``service``.

        The function's signature (what Litestar validates and documents) holds an
        :data:`Id` parameter per path id (the owner's first), then ``data`` (the ``body``,
        if any), the ``query`` parameters (name -> annotated type and default), the
        application's ``settings`` if asked for, the caller and the session. It runs in a
        worker thread and answers with what the service returns, documented as ``returns``
        (by default the public shape).

        Args:
            method: the route decorator (``get``, ``post``, …).
            path: the route's path below the controller's.
            service: the service function.
            doc: the route's summary and description.
            body: the request body's model, if any.
            returns: the answer's type.
            query: the query parameters.
            with_settings: the service takes the application's settings too.
            spread: the service takes the body's fields as keywords, not ``data``.
            gather: the service takes the query parameters given as one model, ``query``.
            options: what the route declaration takes besides its path (``guards``,
                ``status_code``, …).
        """
        ids = ([self.owner] if self.owner else []) + _PATH_ID.findall(path)
        parameters = [Parameter(name, Parameter.KEYWORD_ONLY, annotation=Id) for name in ids]
        if body is not None:
            data = JSONBody[body]  # type: ignore[valid-type]
            parameters.append(Parameter("data", Parameter.KEYWORD_ONLY, annotation=data))
        parameters += [
            Parameter(
                _declared(name), Parameter.KEYWORD_ONLY, annotation=annotation, default=default
            )
            for name, (annotation, default) in (query or {}).items()
        ]
        if with_settings:
            annotation = NamedDependency[Settings]
            parameters.append(Parameter("settings", Parameter.KEYWORD_ONLY, annotation=annotation))
        parameters += [
            Parameter(name, Parameter.KEYWORD_ONLY, annotation=annotation)
            for name, annotation in _CALLER.items()
        ]
        returns = self.public if returns is _PUBLIC else returns
        if self.guards:
            options["guards"] = [*self.guards, *options.get("guards", ())]
        model = query_model(service) if gather else None

        def handler(self: Any, *, db_session: Session, viewer: Viewer, **given: Any) -> Any:
            if spread:
                data = given.pop("data")
                given |= {name: getattr(data, name) for name in type(data).model_fields}
            given |= {name: given.pop(_declared(name)) for name in _RESERVED & set(query or {})}
            if model is not None:
                asked = {name: given.pop(name) for name in query or {}}
                given["query"] = model(**asked)
            return service(db_session, viewer=viewer, **given)

        handler.__doc__ = doc
        handler.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": returns}
        handler.__signature__ = Signature(  # type: ignore[attr-defined]
            [Parameter("self", Parameter.POSITIONAL_OR_KEYWORD), *parameters],
            return_annotation=returns,
        )
        return method(path, sync_to_thread=True, **options)(handler)


def _declared(name: str) -> str:
    """The handler's name of the query parameter ``name`` (see :data:`_RESERVED`)."""
    return f"{name}_" if name in _RESERVED else name


def _optional(filters: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Query parameters (annotated type, default ``None``) of ``filters``."""
    return {
        name: (t if get_origin(t) is Annotated else FromQuery[t], None)  # type: ignore[misc,valid-type]
        for name, t in filters.items()
    }
