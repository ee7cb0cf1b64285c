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
    """The pool's use over the year, standing seats by province, education."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext]) -> Template:
        """The three charts with their tables."""
        found = insight.insight(ctx.session, ctx.settings, ctx.today())
        return ctx.render("insight.html", section="insight", found=found)
