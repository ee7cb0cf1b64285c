"""Assignments: read them (scoped to the caller), pin, record consent, end (planners).

Planners see every assignment, proposals included. A client contact sees the confirmed and
ended assignments of their own organisation, a trust person their own; anything else answers
404. Placing a trust person by hand goes through ``POST /api/v1/assignments/override``, which
checks the hard rules; ``POST /api/v1/assignments`` records a placement agreed outside
vppool (its period given). Either asks the VP first while ``VPPOOL_VP_CONSENT`` is on.
"""

from __future__ import annotations

from functools import partial

from litestar import delete, post, put

from vppool.api.auth import logged_in
from vppool.api.controllers._routes import RecordRoutes
from vppool.api.controllers._shared import (
    IdFilter,
    Resource,
)
from vppool.db.schemas import (
    AssignmentCreate,
    AssignmentEnd,
    AssignmentPublic,
    ConsentAnswer,
    WorksCouncilConsent,
)
from vppool.services import assignments, consent
from vppool.vocab import AssignmentStatus

__all__ = ["AssignmentController"]

_ASSIGNMENTS = RecordRoutes("/", AssignmentPublic, key="assignment_id", create=AssignmentCreate)
_ASSIGNMENT = _ASSIGNMENTS.item


class AssignmentController(
    Resource, path="/api/v1/assignments", tag="assignments", guard=logged_in
):
    """Trust persons on seats of needs."""

    list_assignments = _ASSIGNMENTS.paging(
        assignments.list_assignments,
        """List assignments.

        Filters: need_id, trust_person_id, organisation_id, status. Sort by starts_on or
        created_at ('-' reverses). Client contacts and trust persons see the confirmed and
        ended assignments in their scope only.
        """,
        filters={
            "need_id": IdFilter,
            "trust_person_id": IdFilter,
            "organisation_id": IdFilter,
            "status": AssignmentStatus | None,
        },
        sort="starts_on",
    )

    create_assignment = _ASSIGNMENTS.staff.creating(
        assignments.create_assignment,
        """Record a placement by hand (a trust person on a seat, its period given).

        While the VP's consent is on (VPPOOL_VP_CONSENT) it is asked of the VP first
        (status asked; the VP gets the answer link), else confirmed at once. A seat or
        trust person already held answers 409; a closed need, an inactive VP, a seat beyond
        the need's or a period outside it 422.
        """,
        with_settings=True,
        status_code=201,
    )

    get_assignment = _ASSIGNMENTS.reading(assignments.get_assignment, "Get an assignment.")
    pin_assignment = _ASSIGNMENTS.staff.acting(
        put,
        "/pin",
        partial(assignments.set_pinned, pinned=True),
        "Pin an assignment: the matcher keeps it.",
    )
    unpin_assignment = _ASSIGNMENTS.staff.acting(
        delete,
        "/pin",
        partial(assignments.set_pinned, pinned=False),
        "Release a pinned assignment: the matcher may change it again.",
        status_code=200,
    )

    record_works_council_consent = _ASSIGNMENTS.staff.acting(
        post,
        "/works-council-consent",
        assignments.record_works_council_consent,
        "Record the works council's consent to a confirmed standing assignment.",
        body=WorksCouncilConsent,
        spread=True,
        status_code=200,
    )

    end_assignment = _ASSIGNMENTS.staff.acting(
        post,
        "/end",
        assignments.end_assignment,
        "End a confirmed assignment on a date (exclusive: the day before is its last).",
        body=AssignmentEnd,
        spread=True,
        status_code=200,
    )

    answer_assignment = _ASSIGNMENTS.acting(
        post,
        "/answer",
        consent.answer,
        "The trust person accepts (confirmed) or declines, with a reason, the placement they "
        "were asked for (status asked); a decline opens the seat again.",
        body=ConsentAnswer,
        status_code=200,
    )
