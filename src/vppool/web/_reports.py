"""Downloads of the annual reports: a client's year (its contact or a planner), the provider's.

``?year=2026&format=pdf`` (or ``csv``); the words follow the page's language. A wrong year
is answered with the error page saying which years there are (422).
"""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response

from vppool.errors import ValidationFailed
from vppool.services import annual_report
from vppool.web import documents
from vppool.web._common import client_only, staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["OrganisationReport", "ProviderReport", "TeamReport", "download"]

_TYPES = {"pdf": "application/pdf", "csv": "text/csv"}


def _year(ctx: PageContext, raw: str | None) -> int:
    """The asked year (this year when none is given)."""
    if not raw:
        return ctx.today().year
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed.single(
            "year", "Enter a year such as {year}.", subject="annual report", year=ctx.today().year
        ) from None


def _format(raw: str) -> str:
    if raw not in _TYPES:
        raise ValidationFailed.single(
            "format", "Choose one of: {choices}.", subject="annual report", choices="pdf, csv"
        )
    return raw


def download(body: bytes, kind: str, filename: str) -> Response[bytes]:
    """A file to save, not a page to show."""
    return Response(
        body,
        media_type=_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{kind}"',
            "Cache-Control": "no-store",
        },
    )


def _document(ctx: PageContext, kind: str, make: Any, renderers: Any, name: str) -> Response[bytes]:
    """``make()``'s report as the chosen file (``renderers``: the PDF's and the CSV's)."""
    kind = _format(kind)
    render = renderers[0] if kind == "pdf" else renderers[1]
    return download(render(make(), ctx.lang), kind, name)


def _organisation_year(
    ctx: PageContext, organisation_id: int, year: str | None, kind: str
) -> Response[bytes]:
    asked = _year(ctx, year)
    return _document(
        ctx,
        kind,
        lambda: annual_report.annual_report(
            ctx.session,
            ctx.settings,
            organisation_id=organisation_id,
            year=asked,
            viewer=ctx.viewer,
        ),
        (documents.annual_report_pdf, documents.annual_report_csv),
        f"jaarverslag-{asked}-{organisation_id}",
    )


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
        asked = _year(ctx, year)
        return _document(
            ctx,
            format,
            lambda: annual_report.provider_report(
                ctx.session, ctx.settings, year=asked, viewer=ctx.viewer
            ),
            (documents.provider_report_pdf, documents.provider_report_csv),
            f"jaarverslag-{asked}-alle-klanten",
        )
