"""Planning insight for planners: charts drawn on the server (SVG), each with its table."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from vppool.services import insight
from vppool.web._common import staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["InsightPages"]


class InsightPages(WebPages, path="/insight", guard=staff_page):
    """The pool's use over the year, standing seats by province, and its education."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext]) -> Template:
        """Use and provinces; the education chart loads right after (htmx), like the dashboard."""
        found = insight.insight(ctx.session, ctx.today())
        return ctx.render("insight.html", section="insight", found=found)

    @get("/education", sync_to_thread=True)
    def education(self, ctx: NamedDependency[PageContext]) -> Template:
        """The education chart: into the insight page (htmx), or on its own page."""
        counts = insight.education_counts(ctx.session, ctx.settings, ctx.today())
        template = "_insight_education.html" if ctx.htmx else "insight_education.html"
        return ctx.render(template, section="insight", education=counts)
