"""Downloads of the annual reports: a client's year (its contact or a planner), the provider's.

``?year=2026&format=pdf`` (or ``csv``); the words follow the page's language. A wrong year
is answered with the error page saying which years there are (422).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Response

from vppool.errors import ValidationFailed
from vppool.services import annual_report
from vppool.web import documents
from vppool.web._common import client_only, staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["ReportPages"]

Report = annual_report.AnnualReport | annual_report.ProviderReport


@dataclass(frozen=True, slots=True)
class Asked:
    """The year and the kind of file a download asks for, checked."""

    year: int
    kind: str


def provide_asked(
    ctx: NamedDependency[PageContext],
    year: FromQuery[str | None] = None,
    format: FromQuery[str] = "pdf",
) -> Asked:
    """``?year=`` (this year when none is given) and ``?format=``, checked in that order."""
    try:
        asked = int(year) if year else ctx.today().year
    except ValueError:
        raise ValidationFailed.single(
            "year", "Enter a year such as {year}.", subject="annual report", year=ctx.today().year
        ) from None
    if format not in documents.MEDIA_TYPES:
        raise ValidationFailed.single(
            "format", "Choose one of: {choices}.", subject="annual report", choices="pdf, csv"
        )
    return Asked(asked, format)


def _document(ctx: PageContext, asked: Asked, report: Report, name: str) -> Response[bytes]:
    """The report as the asked file in the page's language."""
    body = documents.render(report, asked.kind, ctx.lang)
    return documents.download(body, asked.kind, name)


def _organisation_year(
    ctx: PageContext, organisation_id: int, asked: NamedDependency[Asked]
) -> Response[bytes]:
    report = annual_report.annual_report(
        ctx.session,
        ctx.settings,
        organisation_id=organisation_id,
        year=asked.year,
        viewer=ctx.viewer,
    )
    return _document(ctx, asked, report, f"jaarverslag-{asked.year}-{organisation_id}")


class ReportPages(WebPages):
    """The annual reports as PDF or CSV: a client's year and the provider's (for its board)."""

    dependencies = {"asked": Provide(provide_asked, sync_to_thread=False)}  # noqa: RUF012

    @get(
        "/organisations/{organisation_id:int}/annual-report",
        guards=[staff_page],
        sync_to_thread=True,
    )
    def organisation(
        self,
        ctx: NamedDependency[PageContext],
        organisation_id: FromPath[int],
        asked: NamedDependency[Asked],
    ) -> Response[bytes]:
        """A planner downloads a client's year."""
        return _organisation_year(ctx, organisation_id, asked)

    @get("/team/annual-report", guards=[client_only], sync_to_thread=True)
    def team(
        self, ctx: NamedDependency[PageContext], asked: NamedDependency[Asked]
    ) -> Response[bytes]:
        """The client contact downloads their own organisation's year."""
        assert ctx.viewer.organisation_id is not None  # noqa: S101  (client users are bound)
        return _organisation_year(ctx, ctx.viewer.organisation_id, asked)

    @get("/reports/annual", guards=[staff_page], sync_to_thread=True)
    def provider(
        self, ctx: NamedDependency[PageContext], asked: NamedDependency[Asked]
    ) -> Response[bytes]:
        """A planner downloads the provider's year: a summary per sector (PDF) or every client."""
        report = annual_report.provider_report(
            ctx.session, ctx.settings, year=asked.year, viewer=ctx.viewer
        )
        return _document(ctx, asked, report, f"jaarverslag-{asked.year}-alle-klanten")
