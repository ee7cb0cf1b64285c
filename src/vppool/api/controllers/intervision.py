"""Intervision groups, their sessions and attendance.

Planners and admins form a year's groups, plan the sessions and see everything; a trust
person sees the groups they belong to and those groups' sessions, and records their own
attendance (another group's id answers 404). Client contacts have no access. The rules
(who is eligible, who is kept apart, when everyone is free, what attendance gives) are the
service's (:mod:`vppool.services.intervision`).

Forming a year's groups (a MIP per region with HiGHS, bounded by
``VPPOOL_INTERVISION_TIME_LIMIT_S``) and planning all of a year's sessions run in the
background: the POST answers 202 with a run to poll at ``/api/v1/intervision-runs/{id}``.
Planning one group's sessions is quick and answers directly.
"""

from __future__ import annotations

from typing import Annotated

from litestar import delete, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from vppool.api.auth import staff_only, trust_person_or_staff
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import (
    IdFilter,
    Resource,
)
from vppool.services import intervision, intervision_runs
from vppool.services.access import Viewer
from vppool.settings import Settings
from vppool.vocab import IntervisionRunKind

__all__ = ["IntervisionController"]

#: A year to filter by.
YearFilter = Annotated[int | None, Parameter(ge=2000, le=2200, description="Only this year")]

_RUNS = RecordRoutes("/intervision-runs", intervision_runs.IntervisionRunPublic, key="run_id")
_GROUPS = RecordRoutes("/intervision-groups", intervision.IntervisionGroupPublic, key="group_id")
_SESSIONS = RecordRoutes("/intervision-sessions", intervision.IntervisionSessionPublic)
_ATTENDANCE = RecordRoutes(
    "/intervision-sessions/{session_id:int}/attendance",
    intervision.AttendancePublic,
    key="trust_person_id",
)


class FormGroups(intervision_runs.FormingOptions):
    """A year's intervision groups to form: the year, a shorter solver limit, only propose."""

    propose: bool = Field(
        default=False,
        description="Store nothing: the run's report holds the proposed groups until "
        "POST /api/v1/intervision-runs/{id}/store stores them",
    )


class ScheduleYear(BaseModel):
    """The year whose groups get their sessions planned."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2200)


class Attendance(BaseModel):
    """Whether the member attended the session."""

    model_config = ConfigDict(extra="forbid")

    attended: bool = True


class IntervisionController(
    Resource, path="/api/v1", tag="intervision", guard=trust_person_or_staff
):
    """Intervision groups, sessions and attendance."""

    @post(
        "/intervision-groups/formations",
        guards=[staff_only],
        status_code=202,
        sync_to_thread=True,
    )
    def form_intervision_groups(
        self,
        data: JSONBody[FormGroups],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> intervision_runs.IntervisionRunPublic:
        """Start forming the intervision groups of a year (202 + a run to poll).

        The solve runs in the background with the configured time limit; poll
        ``GET /api/v1/intervision-runs/{id}``. When it succeeded, ``report`` holds the groups
        with their explanation (travel, experience and gender mix, repeated pairs), the
        solver's status, objective, proven bound and gap, and the VPs left out with the
        reason; groups that have not met yet are replaced. Groups that met are kept (only
        members who left the pool leave; a group too small is topped up or dissolved), with
        ``kept_groups``, ``dissolved_group_ids`` and each change in ``changes`` (words,
        message id and values). When it failed, ``error`` and ``error_status`` say why (409:
        a group met while forming; 422: the pool cannot be grouped within the size and
        separation rules).
        """
        order = intervision_runs.RunOrder(kind=IntervisionRunKind.FORMATION, **data.model_dump())
        return intervision_runs.start_run(db_session, order, viewer=viewer)

    store_intervision_proposal = _RUNS.acting(
        post,
        "/store",
        intervision_runs.store_proposal,
        """Store the groups a proposal run (``propose: true``) formed, as proposed.

        409 when the run is no finished proposal, is stored already, a newer formation of
        the year exists, a group met since it was proposed, or the pool changed so that the
        proposal no longer fits (form the groups again).
        """,
        with_settings=True,
        guards=[staff_only],
    )

    get_intervision_run = _RUNS.reading(
        intervision_runs.get_run,
        "Show a background intervision run: status, then its report or its error.",
        guards=[staff_only],
    )

    cancel_intervision_run = _RUNS.route(
        delete,
        _RUNS.item,
        intervision_runs.cancel_run,
        """Stop a queued or running intervision run; what it formed or planned is not stored.

        409 when the run has ended already.
        """,
        status_code=200,
        guards=[staff_only],
    )

    list_intervision_groups = _GROUPS.paging(
        intervision.list_groups,
        "List intervision groups with their members, the latest year first.",
        filters={"year": YearFilter},
    )

    get_intervision_group = _GROUPS.reading(
        intervision.get_group, "Get an intervision group with its members."
    )

    schedule_intervision_group = _GROUPS.acting(
        post,
        "/schedule",
        intervision.schedule_sessions,
        """Plan one group's sessions of its year when every member is free.

        Sessions that took place are kept; the others are planned anew. Each window of the
        year either gets a session or says why no common free time exists in it.
        """,
        returns=intervision.ScheduleReport,
        with_settings=True,
        guards=[staff_only],
        status_code=200,
    )

    @post(
        "/intervision-sessions/schedule",
        guards=[staff_only],
        status_code=202,
        sync_to_thread=True,
    )
    def schedule_intervision_sessions(
        self,
        data: JSONBody[ScheduleYear],
        viewer: NamedDependency[Viewer],
        settings: NamedDependency[Settings],
        db_session: NamedDependency[Session],
    ) -> intervision_runs.IntervisionRunPublic:
        """Start planning the sessions of every group of a year (202 + a run to poll).

        Each window of the year gets a session when all members are free, or says why no
        common free time exists; the run's ``report`` holds the outcome per group.
        """
        order = intervision_runs.RunOrder(kind=IntervisionRunKind.SCHEDULE, year=data.year)
        return intervision_runs.start_run(db_session, order, viewer=viewer)

    list_intervision_sessions = _SESSIONS.paging(
        intervision.list_sessions,
        "List intervision sessions in time order (filters: year, group_id).",
        filters={"year": YearFilter, "group_id": IdFilter},
    )

    list_intervision_attendance = _ATTENDANCE.listing(
        intervision.list_attendance, "List the attendance recorded for a session."
    )

    record_intervision_attendance = _ATTENDANCE.route(
        put,
        _ATTENDANCE.item,
        intervision.record_attendance,
        """Record whether a member attended; attending gives intervision hours.

        A trust person records their own attendance only. A VP outside the session's group,
        a cancelled session or one that has not begun answers 422 and nothing is stored.
        """,
        body=Attendance,
        spread=True,
    )
