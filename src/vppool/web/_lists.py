"""List pages: filters read from the address, one page of results, a pager and a CSV export.

A list page declares once, as a :class:`ListPage`, its heading, its filters, the words it
uses and its CSV columns; each filter hands its value to the service's list function by
name. A ``ListRoute`` (:mod:`vppool.web._form_routes`) makes the page's and the export's
handlers from it and the service::

    ORGANISATIONS = ListPage(
        path="/organisations",
        title="Organisations",
        new=("/organisations/new", "New organisation"),
        none="No organisation matches.",
        filters=(
            ListFilter("search", "Name or contact"),
            status_filter(default="yes"),
        ),
        columns=(Column("Name", lambda o: o.name), Column("Sector", lambda o: o.sector)),
        filename="organisations",
    )

    ListRoute(ORGANISATIONS, "organisations.html", organisations.list_organisations)

calls ``organisations.list_organisations(session, viewer=…, search=…, active=…, offset=…,
limit=…)``. By hand, a handler answers ``ORGANISATIONS.show(request, "organisations.html",
fetch)`` for the page and ``ORGANISATIONS.csv(request, fetch)`` for the export (``.csv``
after the page's address), ``fetch`` giving one page for the filters' values.

The template extends ``_list_page.html``, which draws ``listing`` (a :class:`Listing`): the
heading and its button, the filters (a service's refusal next to its filter), the count,
the table (the page's blocks ``columns`` and ``row``), the pager and the CSV link, both
keeping the filters. The export holds every row the filters match, not only the shown
page, with the column names in the page's language.
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

from vppool.db.schemas import Page, PageQuery
from vppool.errors import ValidationFailed
from vppool.web._common import WEB_PATH, FieldErrors, language_of, page
from vppool.web._forms import Choice, errors_by_field
from vppool.web._i18n import translator
from vppool.web._views import all_pages

__all__ = [
    "Column",
    "Fetch",
    "ListFilter",
    "ListPage",
    "Listing",
    "sort_filter",
    "status_filter",
]

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
        keyword: the service's keyword the value goes to (default: ``name``).
        read: turns a given value into the service's (default: the text); no value is
            ``None``.
    """

    name: str
    label: str
    kind: str = "search"
    choices: Callable[[], Iterable[Choice]] | None = None
    default: str = ""
    everything: str | None = "All"
    keyword: str | None = None
    read: Callable[[str], Any] | None = None

    def argument(self, value: str) -> tuple[str, Any]:
        """The service's keyword and value for the filter's ``value`` (``None`` if empty)."""
        given = (self.read(value) if self.read is not None else value) if value else None
        return self.keyword or self.name, given

    def options(self) -> tuple[Choice, ...]:
        """The select's options, the "no filter" option first when there is one."""
        given = tuple(self.choices()) if self.choices is not None else ()
        return ((Choice("", self.everything),) if self.everything is not None else ()) + given

    def text(self, raw: str | None) -> str:
        """The filter's value from the address's text: trimmed, or the default."""
        text = (raw or "").strip()[:_MAX_TEXT]
        if self.kind != "select":
            return text or self.default
        known = {choice.value for choice in self.options()}
        return text if raw is not None and text in known else self.default


def status_filter(
    inactive: str = "Inactive",
    *,
    name: str = "active",
    values: tuple[str, str] = ("yes", "no"),
    default: str = "",
) -> ListFilter:
    """The filter on the service's ``active``: the active ones, the others (``inactive``), all.

    ``name`` and ``values`` are the filter's in the address (``?active=yes``).
    """
    yes, no = values
    return ListFilter(
        name,
        "Status",
        kind="select",
        choices=lambda: (Choice(yes, "Active"), Choice(no, inactive)),
        default=default,
        keyword="active",
        read={yes: True, no: False}.get,
    )


def sort_filter(*orders: Choice) -> ListFilter:
    """The list's order (the service's ``sort``): one of ``orders``, the first by default."""
    return ListFilter(
        "sort",
        "Sort by",
        kind="select",
        choices=lambda: orders,
        default=orders[0].value,
        everything=None,
    )


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
    """A list page: its address, heading, filters, words, page size and CSV export.

    Attributes:
        path: the page's address inside the web application (``/pool``); the export is
            at the same address with ``.csv``.
        title: the page's heading (an English message id).
        filters: the filters, in the order the page shows them.
        none: what the page says when nothing matches.
        columns: the CSV export's columns.
        filename: the export's file name, without ``.csv``.
        new: the address and words of the button next to the heading, if any.
        search: the name of the filter form (for screen readers).
        count: how it counts the matches (``{count}``), if it does.
        page_size: rows per page.
    """

    path: str
    title: str
    filters: tuple[ListFilter, ...]
    none: str
    columns: tuple[Column[ItemT], ...] = ()
    filename: str = "export"
    new: tuple[str, str] | None = None
    search: str = "Search"
    count: str | None = None
    page_size: int = 50

    def arguments(self, values: Mapping[str, str]) -> dict[str, Any]:
        """The service's keywords for the filters' ``values``."""
        return dict(item.argument(values[item.name]) for item in self.filters)

    def values(self, request: Request[Any, Any, Any]) -> dict[str, str]:
        """Each filter's value from the request's address (defaults where not given)."""
        query = request.query_params
        return {item.name: item.text(query.get(item.name)) for item in self.filters}

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
        rows = all_pages(lambda page: fetch(values, page.offset, page.limit), PageQuery())
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
