"""What-if scenarios for planners: describe changes, see them solved beside the plan, decide.

The form's sections each describe one change (a VP away, a VP leaving, a new client, a
capacity, a rule weight); the scenario is solved in the background (its page shows the
progress, then the comparison) and adopted (its seats become a matching run's proposals,
reviewed and confirmed on that run's page) or discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydantic
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from vppool.errors import Conflict, ValidationFailed
from vppool.services import insight_runs, scenarios
from vppool.vocab import InsightRunKind
from vppool.web._common import FormData, staff_page
from vppool.web._page import PageContext, WebPages

__all__ = ["ScenarioPages"]

#: Per form section: its fields, and what to say when they do not make a change.
SECTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "absence": (
        ("trust_person_id", "first_day", "last_day"),
        "Choose a trust person and the first and last day away (the last not before the first).",
    ),
    "leaving": (("trust_person_id", "last_day"), "Choose a trust person and their last day."),
    "new_client": (
        ("name", "places", "seats", "languages"),
        "Give the client's name and its places (known Dutch places, separated by commas).",
    ),
    "capacity": (
        ("trust_person_id", "hours_per_month", "standing_clients"),
        "Choose a trust person and give the new hours per month or standing clients.",
    ),
    "weight": (("name", "value"), "Choose a rule and give its new weight (0 or more)."),
}


def _section(data: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """A section's change as the scenario format has it (``None``: the section is empty)."""
    fields = SECTIONS[kind][0]
    values = {f: str(data.get(f"{kind}_{f}", "")).strip() for f in fields}
    if not any(values.values()) or (kind == "weight" and not values["value"]):
        return None
    change: dict[str, Any] = {"type": kind, **{k: v for k, v in values.items() if v}}
    if kind == "new_client":
        places = [p.strip() for p in values["places"].split(",") if p.strip()]
        change["sites"] = [{"place": place} for place in places]
        change.pop("places", None)
        languages = [code.strip() for code in values["languages"].split(",") if code.strip()]
        change["languages"] = languages
    return change


def _spec(data: dict[str, Any]) -> tuple[scenarios.ScenarioSpec | None, dict[str, str]]:
    """The scenario the form describes, or the message per section that does not fit."""
    errors: dict[str, str] = {}
    changes = []
    for kind, (_, message) in SECTIONS.items():
        change = _section(data, kind)
        if change is None:
            continue
        try:
            scenarios.ScenarioSpec.model_validate({"name": "check", "changes": [change]})
        except pydantic.ValidationError:
            errors[kind] = message
            continue
        changes.append(change)
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = "Give the scenario a name."
    if not changes and not errors:
        errors["changes"] = "Describe at least one change."
    if errors:
        return None, errors
    return scenarios.ScenarioSpec.model_validate({"name": name, "changes": changes}), {}


class ScenarioPages(WebPages, path="/insight/scenarios", guard=staff_page):
    """Scenarios: the form with the recent ones, a scenario's comparison, the decision."""

    @get("/", sync_to_thread=True)
    def scenarios_page(self, ctx: NamedDependency[PageContext]) -> Template:
        """The form for a new scenario and the recent ones."""
        return _form(ctx, {}, {})

    @post("/", sync_to_thread=True, status_code=303)
    def start(self, ctx: NamedDependency[PageContext], data: FormData) -> Template | Redirect:
        """Solve the scenario the form describes in the background, or say what to fix."""
        spec, errors = _spec(data)
        if spec is None:
            return _form(ctx, data, errors)
        try:
            run = insight_runs.start_scenario(
                ctx.session, spec, today=ctx.today(), viewer=ctx.viewer
            )
        except ValidationFailed:
            ctx.session.rollback()
            return _form(ctx, data, {"new_client": SECTIONS["new_client"][1]})
        return ctx.redirect(f"/insight/scenarios/{run.id}")

    @get("/{run_id:int}", sync_to_thread=True)
    def scenario(self, ctx: NamedDependency[PageContext], run_id: FromPath[int]) -> Template:
        """Its progress, then the current plan and the scenario side by side."""
        return _scenario(ctx, run_id)

    @post("/{run_id:int}/adopt", sync_to_thread=True, status_code=303)
    def adopt(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template | Redirect:
        """Have it made real; its seats become a run's proposals, confirmed on the run's page."""

        def adopted() -> str:  # a worker makes it real; its page follows that
            insight_runs.adopt_scenario(ctx.session, run_id, viewer=ctx.viewer)
            return f"/insight/scenarios/{run_id}"

        return _decided(ctx, run_id, adopted)

    @post("/{run_id:int}/discard", sync_to_thread=True, status_code=303)
    def discard(
        self, ctx: NamedDependency[PageContext], run_id: FromPath[int]
    ) -> Template | Redirect:
        """Put it aside; nothing of it becomes real."""

        def discarded() -> str:
            insight_runs.discard_scenario(ctx.session, run_id, viewer=ctx.viewer)
            return "/insight/scenarios?done=discarded"

        return _decided(ctx, run_id, discarded)


def _decided(ctx: PageContext, run_id: int, decide: Callable[[], str]) -> Template | Redirect:
    """Adopt or discard, then on to where that leads; a refusal shows on the scenario's page."""
    try:
        return ctx.redirect(decide())
    except Conflict as refused:
        ctx.session.rollback()
        return _scenario(ctx, run_id, problem=ctx.words(refused))


def _form(ctx: PageContext, values: dict[str, Any], errors: dict[str, str]) -> Template:
    recent = insight_runs.recent_runs(ctx.session, InsightRunKind.SCENARIO, viewer=ctx.viewer)
    people = scenarios.trust_person_choices(ctx.session)
    page = {"values": values, "errors": errors, "people": people, "recent": recent}
    return ctx.render(
        "scenarios.html",
        weights=scenarios.WEIGHTS,
        section="insight",
        status_code=422 if errors else 200,
        **page,
    )


def _scenario(ctx: PageContext, run_id: int, *, problem: str | None = None) -> Template:
    run = insight_runs.get_scenario(ctx.session, run_id, viewer=ctx.viewer)
    running = run.status in insight_runs.ACTIVE
    status = 409 if problem else 200
    return ctx.render(
        "scenario.html",
        run=run,
        running=running,
        problem=problem,
        section="insight",
        status_code=status,
    )
