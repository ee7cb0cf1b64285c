"""List pages: filters read from the address, one page of results, a pager and a CSV export.

A list page declares its filters and its CSV columns once, as a :class:`ListPage`, and hands
over a ``fetch`` that calls the service with the filters' values (text, as typed or chosen)
and one page's offset and size; a ``ListRoute`` (:mod:`vppool.web._form_routes`) makes the
page's and the export's handlers from them::

    ORGANISATIONS = ListPage(
        path="/organisations",
        filters=(
            ListFilter("search", "Name or contact"),
            ListFilter("active", "Status", kind="select", choices=statuses, default="yes"),
        ),
        columns=(Column("Name", lambda o: o.name), Column("Sector", lambda o: o.sector)),
        filename="organisations",
    )

    def fetch(at: At) -> Fetch[OrganisationPublic]:
        def one_page(values: Mapping[str, str], offset: int, limit: int) -> Page[...]:
            return organisations.list_organisations(
                at.session, search=values["search"] or None, offset=offset, limit=limit,
                viewer=at.viewer,
            )
        return one_page

    ListRoute(ORGANISATIONS, "organisations.html", fetch, section="organisations")

By hand, a handler answers ``ORGANISATIONS.show(request, "organisations.html", one_page)``
for the page and ``ORGANISATIONS.csv(request, one_page)`` for the export (``.csv`` after
the page's address).

The template gets ``listing`` (a :class:`Listing`) and draws it with the macros of
``_list.html``: ``lists.filters(listing)`` (the filter form, with a service's refusal next to
its filter), ``listing.result.items`` (the page's rows), ``lists.footer(listing)`` (the pager
and the CSV link, both keeping the filters). The export holds every row the filters match,
not only the shown page, with the column names in the page's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.response import Template

from vppool.db.schemas import Page
from vppool.errors import ValidationFailed
from vppool.web._common import WEB_PATH, FieldErrors, language_of, page
from vppool.web._forms import Choice, errors_by_field
from vppool.web._i18n import translator
from vppool.web._views import all_pages

__all__ = ["Column", "Fetch", "ListFilter", "ListPage", "Listing"]

ItemT = TypeVar("ItemT")

#: ``fetch(values, offset, limit)``: one page of the list for the filters' values.
Fetch = Callable[[Mapping[str, str], int, int], Page[ItemT]]

#: Filter text longer than this is cut (nobody types a 200-character name).
_MAX_TEXT = 200
#: What starts a formula in a spreadsheet; such a cell is written as text.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ListFilter:
    """One filter of a list, read from the address (``?name=value``).

    Attributes:
        name: the query parameter (and the service's field name its errors use).
        label: the filter's label (an English message id).
        kind: ``search`` or ``text`` (typed), or ``select`` (chosen from ``choices``).
        choices: the options of a select (labels are English message ids).
        default: the value when the address gives none (or an unknown option).
        everything: a select's option for "no filter" (value ``""``); ``None`` for none.
    """

    name: str
    label: str
    kind: str = "search"
    choices: Callable[[], Iterable[Choice]] | None = None
    default: str = ""
    everything: str | None = "All"

    def options(self) -> tuple[Choice, ...]:
        """The select's options, the "no filter" option first when there is one."""
        given = tuple(self.choices()) if self.choices is not None else ()
        return ((Choice("", self.everything),) if self.everything is not None else ()) + given

    def read(self, raw: str | None) -> str:
        """The filter's value from the address's text: trimmed, or the default."""
        text = (raw or "").strip()[:_MAX_TEXT]
        if self.kind != "select":
            return text or self.default
        known = {choice.value for choice in self.options()}
        return text if raw is not None and text in known else self.default


@dataclass(frozen=True, slots=True)
class Column(Generic[ItemT]):
    """One column of the CSV export: its heading (an English message id) and its value."""

    label: str
    value: Callable[[ItemT], object]


@dataclass(frozen=True, slots=True)
class Listing(Generic[ItemT]):
    """What a list template draws: the filters as given, their errors, one page of rows."""

    spec: ListPage[ItemT]
    values: Mapping[str, str]
    errors: FieldErrors
    result: Page[ItemT]

    @property
    def base(self) -> str:
        """The list's address with its filters, ready for ``offset=`` (the pager's base)."""
        query = self.query()
        return f"{WEB_PATH}{self.spec.path}?{query}{'&' if query else ''}"

    @property
    def csv_url(self) -> str:
        """The CSV export of every row the filters match."""
        query = self.query()
        return f"{WEB_PATH}{self.spec.path}.csv{'?' if query else ''}{query}"

    def query(self) -> str:
        """The filters that differ from their defaults, as a query string."""
        given = {
            item.name: self.values[item.name]
            for item in self.spec.filters
            if self.values[item.name] != item.default
        }
        return urlencode(given)


@dataclass(frozen=True)
class ListPage(Generic[ItemT]):
    """A list page: its address, filters, page size and CSV export.

    Attributes:
        path: the page's address inside the web application (``/pool``); the export is
            at the same address with ``.csv``.
        filters: the filters, in the order the page shows them.
        columns: the CSV export's columns.
        filename: the export's file name, without ``.csv``.
        page_size: rows per page.
    """

    path: str
    filters: tuple[ListFilter, ...]
    columns: tuple[Column[ItemT], ...] = ()
    filename: str = "export"
    page_size: int = 50

    def values(self, request: Request[Any, Any, Any]) -> dict[str, str]:
        """Each filter's value from the request's address (defaults where not given)."""
        query = request.query_params
        return {item.name: item.read(query.get(item.name)) for item in self.filters}

    def show(
        self,
        request: Request[Any, Any, Any],
        template: str,
        fetch: Fetch[ItemT],
        *,
        section: str = "",
        **context: Any,
    ) -> Template:
        """The list page: one page of rows for the filters, or the filters' errors (422).

        A filter the service refuses (``ValidationFailed`` naming it) shows its message
        next to the filter, with no rows.
        """
        values = self.values(request)
        offset = _offset(request.query_params.get("offset"))
        try:
            result = fetch(values, offset, self.page_size)
            errors: FieldErrors = {}
        except ValidationFailed as refusal:
            known = {item.name for item in self.filters}
            errors = errors_by_field(refusal, language_of(request), known)
            result = Page[Any](items=[], total=0, offset=0, limit=self.page_size)
        return page(
            request,
            template,
            section=section,
            status_code=422 if errors else 200,
            listing=Listing(self, values, errors, result),
            **context,
        )

    def csv(self, request: Request[Any, Any, Any], fetch: Fetch[ItemT]) -> Response[bytes]:
        """Every row the filters match as a CSV file (``;``-separated in Dutch, for Excel).

        Raises:
            ValidationFailed: the service refuses a filter (the error page says which).
        """
        values = self.values(request)
        rows = all_pages(lambda offset, limit: fetch(values, offset, limit))
        lang = language_of(request)
        t = translator(lang)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if lang == "nl" else ",", lineterminator="\r\n")
        writer.writerow([t(column.label) for column in self.columns])
        for row in rows:
            writer.writerow([_cell(column.value(row), lang) for column in self.columns])
        return Response(
            ("\ufeff" + buffer.getvalue()).encode("utf-8"),  # the mark tells Excel it is UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{self.filename}.csv"'},
        )


def _offset(raw: str | None) -> int:
    """The first row's offset from the address: a whole number from 0, else 0."""
    try:
        return max(int(raw or 0), 0)
    except ValueError:
        return 0


def _cell(value: object, lang: str) -> str:
    """A value as CSV text: lists joined, dates ISO, a decimal comma in Dutch.

    Text that a spreadsheet would run as a formula is written with a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_cell(item, lang) for item in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        text = str(int(value)) if float(value).is_integer() else str(value)
        return text.replace(".", ",") if lang == "nl" else text
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text
