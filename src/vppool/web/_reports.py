"""Downloads of the annual reports: a client's year (its contact or a planner), the provider's.

``?year=2026&format=pdf`` (or ``csv``); the words follow the page's language. A wrong year
is answered with the error page saying which years there are (422).
"""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response

from vppool.errors import ValidationFailed
from vppool.services import annual_report
from vppool.web import documents
from vppool.web._common import client_only, staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["OrganisationReport", "ProviderReport", "TeamReport"]

Report = annual_report.AnnualReport | annual_report.ProviderReport


def _asked(ctx: PageContext, year: str | None, kind: str) -> tuple[int, str]:
    """The asked year (this year when none is given) and kind of file, checked in that order."""
    try:
        asked = int(year) if year else ctx.today().year
    except ValueError:
        raise ValidationFailed.single(
            "year", "Enter a year such as {year}.", subject="annual report", year=ctx.today().year
        ) from None
    if kind not in documents.MEDIA_TYPES:
        raise ValidationFailed.single(
            "format", "Choose one of: {choices}.", subject="annual report", choices="pdf, csv"
        )
    return asked, kind


def _document(ctx: PageContext, kind: str, report: Report, name: str) -> Response[bytes]:
    """The report as the chosen file in the page's language."""
    return documents.download(documents.render(report, kind, ctx.lang), kind, name)


def _organisation_year(
    ctx: PageContext, organisation_id: int, year: str | None, kind: str
) -> Response[bytes]:
    asked, kind = _asked(ctx, year, kind)
    report = annual_report.annual_report(
        ctx.session, ctx.settings, organisation_id=organisation_id, year=asked, viewer=ctx.viewer
    )
    return _document(ctx, kind, report, f"jaarverslag-{asked}-{organisation_id}")


class OrganisationReport(
    WebPages, path="/organisations/{organisation_id:int}/annual-report", guard=staff_page
):
    """A planner downloads a client's year."""

    @get("/", sync_to_thread=True)
    def organisation(
        self,
        ctx: NamedDependency[PageContext],
        organisation_id: FromPath[int],
        year: FromQuery[str | None] = None,
        format: FromQuery[str] = "pdf",
    ) -> Response[bytes]:
        """The report as PDF or CSV."""
        return _organisation_year(ctx, organisation_id, year, format)


class TeamReport(WebPages, path="/team/annual-report", guard=client_only):
    """The client contact downloads their own organisation's year."""

    @get("/", sync_to_thread=True)
    def team(
        self,
        ctx: NamedDependency[PageContext],
        year: FromQuery[str | None] = None,
        format: FromQuery[str] = "pdf",
    ) -> Response[bytes]:
        """The report as PDF or CSV."""
        assert ctx.viewer.organisation_id is not None  # noqa: S101  (client users are bound)
        return _organisation_year(ctx, ctx.viewer.organisation_id, year, format)


class ProviderReport(WebPages, path="/reports/annual", guard=staff_page):
    """The provider's year over all clients (for its board)."""

    @get("/", sync_to_thread=True)
    def provider(
        self,
        ctx: NamedDependency[PageContext],
        year: FromQuery[str | None] = None,
        format: FromQuery[str] = "pdf",
    ) -> Response[bytes]:
        """The report as PDF (summary per sector) or CSV (one line per client)."""
        asked, kind = _asked(ctx, year, format)
        report = annual_report.provider_report(
            ctx.session, ctx.settings, year=asked, viewer=ctx.viewer
        )
        return _document(ctx, kind, report, f"jaarverslag-{asked}-alle-klanten")
