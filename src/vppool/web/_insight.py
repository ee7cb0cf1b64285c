"""Planning insight for planners: charts drawn on the server (SVG), each with its table.

The insight page shows the pool's use, standing seats by province and education; the gaps
page shows demand against supply over the coming months (a map of the VPs' homes and travel
circles against the clients' sites, and a table per dimension) with the newest recruitment
analysis, which a planner starts here and which runs in the background.
"""

from __future__ import annotations

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from vppool.services import coverage, insight, insight_runs
from vppool.vocab import InsightRunKind
from vppool.web._common import FormData, staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["InsightPages"]


def _months(value: object, default: int = 12) -> int:
    """The months to look ahead from a query or form value (the default when not a number)."""
    try:
        months = int(str(value))
    except ValueError:
        return default
    return min(max(months, 1), insight_runs.MAX_MONTHS)


class InsightPages(WebPages, path="/insight", guard=staff_page):
    """The pool's use over the year, standing seats by province, its education; the gaps."""

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

    @get("/gaps", sync_to_thread=True)
    def gaps(self, ctx: NamedDependency[PageContext], months: FromQuery[str] = "12") -> Template:
        """Demand against supply on a map and in tables; the newest recruitment analysis."""
        window = _months(months)
        found = coverage.coverage(ctx.session, ctx.today(), months=window)
        run = insight_runs.latest_run(ctx.session, InsightRunKind.RECRUITMENT, viewer=ctx.viewer)
        return ctx.render(
            "insight_gaps.html",
            section="insight",
            found=found,
            run=run,
            running=run is not None and run.status in insight_runs.ACTIVE,
        )

    @post("/recruitment", sync_to_thread=True, status_code=303)
    def start_recruitment(self, ctx: NamedDependency[PageContext], data: FormData) -> Redirect:
        """Start the recruitment analysis in the background; the gaps page shows it."""
        months = _months(data.get("months"))
        insight_runs.start_recruitment(
            ctx.session, months=months, today=ctx.today(), viewer=ctx.viewer
        )
        return ctx.redirect(f"/insight/gaps?months={months}")

    @get("/runs/{run_id:int}/progress", sync_to_thread=True)
    def progress(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template | Response[str]:
        """The progress panel, polled while a run goes; a finished run reloads the page."""
        run = insight_runs.get_run(ctx.session, run_id, viewer=ctx.viewer)
        if run.status not in insight_runs.ACTIVE:
            return Response("", headers={"HX-Refresh": "true"}, media_type="text/html")
        return ctx.render("_insight_progress.html", run=run)

    @post("/runs/{run_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, ctx: NamedDependency[PageContext], run_id: FromPath[int]) -> Redirect:
        """Stop a queued or running analysis; nothing of it is kept."""
        run = insight_runs.cancel_run(ctx.session, run_id, viewer=ctx.viewer)
        return ctx.redirect(f"/insight/gaps?months={run.spec.get('months', 12)}")
