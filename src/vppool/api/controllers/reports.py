"""The annual reports: a client's year (its contact and planners) and the provider's (staff).

As JSON, and as the same documents the web application offers (``.pdf`` and ``.csv``, in
Dutch unless ``lang=en``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Response
from sqlmodel import Session

from vppool.api.auth import logged_in
from vppool.api.controllers._shared import Id, Resource
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


Kind = Literal["pdf", "csv"]


class ReportController(Resource, path="/api/v1", tag="reports", guard=logged_in):
    """Annual reports; never anything about reports or cases (vppool stores none)."""

    @staticmethod
    def _organisation_year(
        db_session: Session,
        settings: Settings,
        viewer: Viewer,
        organisation_id: int,
        year: int,
    ) -> AnnualReport:
        return annual_report.annual_report(
            db_session, settings, organisation_id=organisation_id, year=year, viewer=viewer
        )

    @get(ORG, sync_to_thread=True)
    def get_annual_report(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: Id,
        year: Year,
    ) -> AnnualReport:
        """Read a client's year: trust persons and periods, planned hours, changes, standing.

        Periods are clipped to the year (and to today in the running year); ``last_day`` is
        the last day served. Needs appear by their kind only.
        """
        return self._organisation_year(db_session, settings, viewer, organisation_id, year)

    def _client_file(
        self,
        db_session: Session,
        settings: Settings,
        viewer: Viewer,
        organisation_id: int,
        *,
        year: int,
        kind: Kind,
        lang: str,
    ) -> Response[bytes]:
        report = self._organisation_year(db_session, settings, viewer, organisation_id, year)
        body = documents.render(report, kind, lang)
        return documents.download(body, kind, f"annual-report-{year}-{organisation_id}")

    @get(ORG + ".pdf", sync_to_thread=True, media_type="application/pdf")
    def get_annual_report_pdf(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: Id,
        *,
        year: Year,
        lang: Lang = "nl",
    ) -> Response[bytes]:
        """Download a client's year as PDF."""
        return self._client_file(
            db_session, settings, viewer, organisation_id, year=year, kind="pdf", lang=lang
        )

    @get(ORG + ".csv", sync_to_thread=True, media_type="text/csv")
    def get_annual_report_csv(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        organisation_id: Id,
        *,
        year: Year,
        lang: Lang = "nl",
    ) -> Response[bytes]:
        """Download a client's served periods as CSV (one row each)."""
        return self._client_file(
            db_session, settings, viewer, organisation_id, year=year, kind="csv", lang=lang
        )

    @staticmethod
    def _provider_file(
        db_session: Session, settings: Settings, viewer: Viewer, *, year: int, kind: Kind, lang: str
    ) -> Response[bytes]:
        report = annual_report.provider_report(db_session, settings, year=year, viewer=viewer)
        return documents.download(
            documents.render(report, kind, lang), kind, f"annual-report-{year}"
        )

    @get("/reports/annual.pdf", sync_to_thread=True, media_type="application/pdf")
    def get_provider_report_pdf(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        *,
        year: Year,
        lang: Lang = "nl",
    ) -> Response[bytes]:
        """Download the provider's year as PDF (per sector; the CSV has each client)."""
        return self._provider_file(db_session, settings, viewer, year=year, kind="pdf", lang=lang)

    @get("/reports/annual.csv", sync_to_thread=True, media_type="text/csv")
    def get_provider_report_csv(
        self,
        viewer: NamedDependency[Viewer],
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        *,
        year: Year,
        lang: Lang = "nl",
    ) -> Response[bytes]:
        """Download the provider's year as CSV (one line per client served)."""
        return self._provider_file(db_session, settings, viewer, year=year, kind="csv", lang=lang)
