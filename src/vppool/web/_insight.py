"""Planning insight for planners: charts drawn on the server (SVG), each with its table.

The insight page shows the pool's use, standing seats by province and education; the gaps
page shows demand against supply over the coming months (a map of the VPs' homes and travel
circles against the clients' sites, and a table per dimension) with the newest recruitment
analysis, which a planner starts here and which runs in the background. The rule weights
page shows the soft rules' weights the matcher uses, beside its defaults, to change.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from vppool.db.schemas import RuleWeightsInput
from vppool.services import coverage, insight, insight_runs, rule_weights
from vppool.vocab import InsightRunKind
from vppool.web._common import FormData, staff_page
from vppool.web._forms import Form, fields_of, form_field
from vppool.web._page import FormView, PageContext, WebPages

__all__ = ["InsightPages", "RuleWeightPages"]


class RuleWeightsForm(Form):
    """The soft rules' weights as a planner sets them."""

    travel_per_km: float = form_field("Travel, per km", ge=0, le=1000)
    continuity: int = form_field("Continuity: the same trust person again", ge=0, le=1000)
    sector_mismatch: int = form_field("No experience in the client's sector", ge=0, le=1000)
    preference_per_step: int = form_field("Preference, per step", ge=0, le=1000)

    def to_input(self) -> RuleWeightsInput:
        """The weights as the service stores them."""
        return self.build(
            RuleWeightsInput, **{name: getattr(self, name) for name in rule_weights.NAMES}
        )


def _weights_facts(ctx: PageContext) -> dict[str, Any]:
    view = rule_weights.rule_weights(ctx.session, viewer=ctx.viewer)
    return {"view": view, "fields": fields_of(RuleWeightsForm)}


WEIGHTS = FormView("rule_weights.html", "insight", _weights_facts)


class RuleWeightPages(WebPages, path="/insight/weights", guard=staff_page):
    """The matcher's soft-rule weights: read beside the defaults, and changed (audited)."""

    @get("/", sync_to_thread=True)
    def show(self, ctx: NamedDependency[PageContext]) -> Template:
        """The weights in use, the defaults, and the form."""
        view = rule_weights.rule_weights(ctx.session, viewer=ctx.viewer)
        return WEIGHTS.draw(ctx, values=view.values.model_dump())

    @post("/", sync_to_thread=True, status_code=303)
    def save(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Store the weights; the next matching run solves with them."""

        def act(form: RuleWeightsForm) -> str:
            rule_weights.save_weights(ctx.session, data=form.to_input(), viewer=ctx.viewer)
            return "/insight/weights?done=saved"

        return ctx.handle(RuleWeightsForm, data, act=act, again=WEIGHTS.again(ctx))


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
