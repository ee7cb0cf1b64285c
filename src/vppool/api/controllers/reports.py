"""The annual reports: a client's year (its contact and planners) and the provider's (staff).

As JSON, and as the same documents the web application offers (``.pdf`` and ``.csv``, in
Dutch unless ``lang=en``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from inspect import Parameter as Argument
from typing import Annotated, Literal

from litestar import get
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from litestar.response import Response
from sqlmodel import Session

from vppool.api.auth import logged_in
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import Resource
from vppool.services import annual_report
from vppool.services.access import Viewer
from vppool.services.annual_report import AnnualReport
from vppool.settings import Settings
from vppool.web import documents

__all__ = ["ReportController"]

Year = Annotated[int, Parameter(ge=2000, le=9999, description="The calendar year.")]
Lang = Annotated[
    Literal["nl", "en"], Parameter(description="The document's language (Dutch by default).")
]
ORG = "/organisations/{organisation_id:int}/annual-report"
_YEAR = {"year": (Year, Argument.empty)}
#: A document's query: the year and the language.
_FILE = _YEAR | {"lang": (Lang, "nl")}
_REPORTS = RecordRoutes("/", AnnualReport)


def _client_file(
    db_session: Session,
    *,
    settings: Settings,
    viewer: Viewer,
    organisation_id: int,
    year: int,
    lang: str,
    kind: str,
) -> Response[bytes]:
    report = annual_report.annual_report(
        db_session, settings, organisation_id=organisation_id, year=year, viewer=viewer
    )
    body = documents.render(report, kind, lang)
    return documents.download(body, kind, f"annual-report-{year}-{organisation_id}")


def _provider_file(
    db_session: Session, *, settings: Settings, viewer: Viewer, year: int, lang: str, kind: str
) -> Response[bytes]:
    report = annual_report.provider_report(db_session, settings, year=year, viewer=viewer)
    return documents.download(documents.render(report, kind, lang), kind, f"annual-report-{year}")


def _download(
    path: str, make: Callable[..., Response[bytes]], kind: str, doc: str
) -> HTTPRouteHandler:
    """``GET path``: the report ``make`` gives as a ``kind`` file (``year``, ``lang``)."""
    return _REPORTS.route(
        get,
        path,
        partial(make, kind=kind),
        doc,
        returns=Response[bytes],
        query=_FILE,
        with_settings=True,
        media_type=documents.MEDIA_TYPES[kind],
    )


class ReportController(Resource, path="/api/v1", tag="reports", guard=logged_in):
    """Annual reports; never anything about reports or cases (vppool stores none)."""

    get_annual_report = _REPORTS.route(
        get,
        ORG,
        annual_report.annual_report,
        """Read a client's year: trust persons and periods, planned hours, changes, standing.

        Periods are clipped to the year (and to today in the running year); ``last_day`` is
        the last day served. Needs appear by their kind only.
        """,
        query=_YEAR,
        with_settings=True,
    )
    get_annual_report_pdf = _download(
        ORG + ".pdf", _client_file, "pdf", "Download a client's year as PDF."
    )
    get_annual_report_csv = _download(
        ORG + ".csv",
        _client_file,
        "csv",
        "Download a client's served periods as CSV (one row each).",
    )
    get_provider_report_pdf = _download(
        "/reports/annual.pdf",
        _provider_file,
        "pdf",
        "Download the provider's year as PDF (per sector; the CSV has each client).",
    )
    get_provider_report_csv = _download(
        "/reports/annual.csv",
        _provider_file,
        "csv",
        "Download the provider's year as CSV (one line per client served).",
    )
