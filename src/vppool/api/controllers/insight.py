"""Planning insight (planners and admins): coverage gaps, whom to recruit, what-if scenarios.

``GET /api/v1/insight/gaps`` answers at once with demand against supply by province,
language, scope, sector and gender over the coming months, and the newest recruitment
analysis. That analysis re-solves the plan, so it runs in the background:
``POST /api/v1/insight/recruitment`` answers 202 with a run to poll at
``/api/v1/insight-runs/{id}``. A scenario (``POST /api/v1/scenarios``, the format of
``docs/insight.md``) is solved in the background too; once solved it is adopted or
discarded.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from vppool.api.auth import staff_only
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import Resource
from vppool.db.schemas import MAX_ID, RuleWeightsInput
from vppool.services import coverage, insight_runs, rule_weights, scenarios
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import InsightRunKind

__all__ = ["InsightController"]

RunId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="Insight run id")]
Months = Annotated[
    int, Parameter(ge=1, le=insight_runs.MAX_MONTHS, description="Months to look ahead")
]


#: The caller, the settings and the request's session, as the handlers take them.
Caller = NamedDependency[Viewer]
Config = NamedDependency[Settings]
Db = NamedDependency[Session]
#: A scenario in the format of docs/insight.md.
Scenario = JSONBody[scenarios.ScenarioSpec]
Public = insight_runs.InsightRunPublic


class Gaps(BaseModel):
    """Demand against supply, and the newest recruitment analysis (if any)."""

    coverage: dict[str, Any]
    recruitment: insight_runs.InsightRunPublic | None


class RecruitmentInput(BaseModel):
    """How many months ahead the analysis looks."""

    model_config = ConfigDict(extra="forbid")

    months: int = Field(default=12, ge=1, le=insight_runs.MAX_MONTHS)


_ADOPT = """Have a solved scenario made real, in the background (202; ``decision``: adopting).

A worker stores the absences, capacities, new client and the needs it added as a planner
would, checks the seats with the independent validator and stores them as the proposals
of the run named in ``matching_run_id``, confirmed from there; ``decision`` is then
``adopted``. Should the plan have changed so that its seats would break hard rules,
nothing changes: ``decision`` is empty again and ``error`` says why. 409 when it is not
solved or was decided already.
"""
_DISCARD = "Put a solved scenario aside; nothing of it becomes real (409 once decided)."
_RUNS = RecordRoutes("/insight-runs", insight_runs.InsightRunPublic, key="run_id")
_SCENARIOS = RecordRoutes("/scenarios", insight_runs.InsightRunPublic, key="run_id")
_WEIGHTS = RecordRoutes("/rule-weights", rule_weights.RuleWeightsView)
_SAVE_WEIGHTS = """Set the soft rules' weights (each 0 to 1000; audited).

The next matching run, quick match and scenario solve with them. A scenario that changed a
weight sets it too when it is adopted.
"""


class InsightController(Resource, path="/api/v1", tag="insight", guard=staff_only):
    """Coverage gaps, recruitment analyses and their runs."""

    @get("/insight/gaps", sync_to_thread=True)
    def insight_gaps(
        self, months: Months = 12, *, viewer: Caller, settings: Config, db_session: Db
    ) -> Gaps:
        """Demand against supply over ``months`` months, and the newest recruitment analysis.

        ``coverage.gaps`` has a list per dimension (``province``, ``language``, ``scope``,
        ``sector``, ``gender``): the seats of the open needs in the window, how many a
        confirmed VP holds, the certified VPs who offer it and their spare hours per month
        (a province: the VPs living there, and ``reaching``: those whose travel limit reaches
        one of its sites). The gender rows count the seats each gender's VPs hold, and
        ``mix`` the seats of needs asking for two genders (filled: they have them).
        """
        found = coverage.coverage(db_session, settings.today(), months=months)
        latest = insight_runs.latest_run(db_session, InsightRunKind.RECRUITMENT, viewer=viewer)
        return Gaps(coverage=found.as_dict(), recruitment=latest)

    @post("/insight/recruitment", status_code=202, sync_to_thread=True)
    def start_recruitment(
        self, data: JSONBody[RecruitmentInput], viewer: Caller, settings: Config, db_session: Db
    ) -> Public:
        """Start the recruitment analysis (202 + a run to poll).

        When it succeeded, ``result`` holds the plan it solved (``plan``), the open seats per
        need with the matcher's reasons (``unfilled``), those reasons summed (``causes``:
        per rule, the seats it kept open most and the seats it played a part in), the
        filled seats no other VP could take (``barely_filled``) and the VPs to recruit,
        ranked (``suggestions``: where they live, languages, scopes, and the ``seats`` a
        re-solve with them added fills, with the organisations).
        """
        return insight_runs.start_recruitment(
            db_session, months=data.months, today=settings.today(), viewer=viewer
        )

    get_insight_run = _RUNS.reading(
        insight_runs.get_run,
        "A recruitment analysis or a scenario: status, progress, then result or error.",
    )
    cancel_insight_run = _RUNS.route(
        delete,
        _RUNS.item,
        insight_runs.cancel_run,
        "Stop a queued or running analysis or scenario (409 when it has ended).",
        status_code=200,
    )

    @post("/scenarios", status_code=202, sync_to_thread=True)
    def start_scenario(
        self, data: Scenario, viewer: Caller, settings: Config, db_session: Db
    ) -> Public:
        """Solve a what-if scenario on a copy of the plan (202 + a run to poll).

        When solved, ``result`` holds the plan as it stands (``current``) and the scenario
        (``scenario``) side by side — seats, filled, unfilled, travel in km, utilisation,
        the solver's status and gap — the seats that changed (``changes``), every
        organisation they or the added needs belong to (``organisations``) and the needs
        the changes added (``added_needs``: cover, successors, the new client's). 422 when a
        change names an unknown VP or place.
        """
        return insight_runs.start_scenario(db_session, data, today=settings.today(), viewer=viewer)

    get_scenario = _SCENARIOS.reading(
        insight_runs.get_scenario, "A scenario: status, progress, then the comparison or the error."
    )
    adopt_scenario = _SCENARIOS.acting(
        post, "/adopt", insight_runs.adopt_scenario, _ADOPT, status_code=202
    )
    discard_scenario = _SCENARIOS.acting(
        post, "/discard", insight_runs.discard_scenario, _DISCARD, status_code=200
    )
    get_rule_weights = _WEIGHTS.route(
        get,
        "/rule-weights",
        rule_weights.rule_weights,
        "The soft rules' weights the matcher uses (``values``) and its defaults (``defaults``).",
    )
    put_rule_weights = _WEIGHTS.route(
        put, "/rule-weights", rule_weights.save_weights, _SAVE_WEIGHTS, body=RuleWeightsInput
    )
