"""Why a seat of a run stays open: every VP by name, with the rule and the number.

A run stores, per open seat, how many VPs each rule kept off it (its explanation). The list
by name is made when a planner asks for it, for one need at a time: it would be thousands
of lines per open seat at L. It is read against the data as it is now, with the run's plan:
the kept (confirmed, pinned) assignments and the run's proposals still waiting.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from vppool import matching as m
from vppool.db.models import Assignment, MatchingRun, Need
from vppool.errors import Conflict, NotFound
from vppool.services.matching import build_instance
from vppool.settings import Settings
from vppool.vocab import AssignmentStatus, MatchingRunStatus

__all__ = ["ExcludedLine", "NeedExclusions", "excluded_for_need"]


class ExcludedLine(BaseModel):
    """One VP and why they are not on the need's open seats."""

    trust_person_id: int
    name: str
    rule: str
    #: The rule's numbers for this VP, in English ("62 km away (limit 40 km)").
    detail: str
    #: ``detail``'s message id and values, to say it in another language.
    message_id: str
    params: dict[str, Any]


class NeedExclusions(BaseModel):
    """Every VP once, by name, with the rule that keeps them off the need (``unused``: free)."""

    run_id: int
    need_id: int
    total: int
    counts: dict[str, int]
    trust_persons: list[ExcludedLine]


def excluded_for_need(
    session: Session,
    settings: Settings,
    run_id: int,
    need_id: int,
    *,
    today: date | None = None,
) -> NeedExclusions:
    """Each VP, by name, with the rule and the number that keeps them off ``need_id``.

    Raises:
        NotFound: no such run or need.
        Conflict: the run did not finish, or the need is no longer open in the horizon.
    """
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound("matching run", run_id)
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("need", need_id)
    if run.status is not MatchingRunStatus.SUCCEEDED:
        raise Conflict(
            "Matching run {run} is {status}; only a finished run explains its seats.",
            run=run_id,
            status=run.status,
        )
    proposals = session.exec(
        select(Assignment.need_id, Assignment.seat, Assignment.trust_person_id)
        .where(
            Assignment.matching_run_id == run_id,
            Assignment.status == AssignmentStatus.PROPOSED,
        )
        .order_by(col(Assignment.need_id), col(Assignment.seat))
    ).all()
    # Only this need is read in full; the others only for the load they (and the run's
    # proposals on them) put on the VPs.
    bundle = build_instance(
        session,
        settings,
        today=today,
        with_previous_plan=False,
        only_need=need_id,
        load_needs={proposal_need for proposal_need, _seat, _vp in proposals},
    )
    if need_id not in bundle.need_periods:
        raise Conflict(
            "Need {need} is {status} or outside the planning horizon.",
            need=need_id,
            status=need.status,
        )
    instance: m.MatchingInstance = bundle.instance
    plan = {m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in instance.assignments}
    taken = {(seat.need_id, vp_id) for seat, vp_id in plan.items()}
    for proposal_need, seat, vp_id in proposals:
        ref = m.SeatRef(proposal_need, seat)
        open_seat = proposal_need in bundle.need_periods and ref not in plan
        if open_seat and (proposal_need, vp_id) not in taken:
            plan[ref] = vp_id
            taken.add((proposal_need, vp_id))
    listed = m.excluded_from(instance, m.Plan(plan), need_id)
    return NeedExclusions(
        run_id=run_id,
        need_id=need_id,
        total=len(listed),
        counts=dict(Counter(e.rule for e in listed).most_common()),
        trust_persons=[
            ExcludedLine(
                trust_person_id=e.trust_person_id,
                name=e.name,
                rule=e.rule,
                detail=e.detail,
                **e.words.as_dict(),
            )
            for e in listed
        ],
    )
