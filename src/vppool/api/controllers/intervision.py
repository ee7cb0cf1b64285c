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

from collections.abc import Callable
from typing import Annotated

from litestar import delete, post, put
from litestar.params import Parameter
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


def _starting(kind: IntervisionRunKind) -> Callable[..., intervision_runs.IntervisionRunPublic]:
    """The service that queues a run of ``kind`` for the year (and options) of the body.

    A worker starts it once the request's transaction commits (a refused request queues
    nothing).
    """

    def start(
        session: Session, *, data: FormGroups | ScheduleYear, viewer: Viewer
    ) -> intervision_runs.IntervisionRunPublic:
        order = intervision_runs.RunOrder(kind=kind, **data.model_dump())
        return intervision_runs.start_run(session, order, viewer=viewer)

    return start


class IntervisionController(
    Resource, path="/api/v1", tag="intervision", guard=trust_person_or_staff
):
    """Intervision groups, sessions and attendance."""

    form_intervision_groups = _RUNS.route(
        post,
        "/intervision-groups/formations",
        _starting(IntervisionRunKind.FORMATION),
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
        """,
        body=FormGroups,
        guards=[staff_only],
        status_code=202,
    )

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

    schedule_intervision_sessions = _RUNS.route(
        post,
        "/intervision-sessions/schedule",
        _starting(IntervisionRunKind.SCHEDULE),
        """Start planning the sessions of every group of a year (202 + a run to poll).

        Each window of the year gets a session when all members are free, or says why no
        common free time exists; the run's ``report`` holds the outcome per group.
        """,
        body=ScheduleYear,
        guards=[staff_only],
        status_code=202,
    )

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
