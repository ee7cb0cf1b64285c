"""Stability: how much a re-solve changed compared with the previous plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vppool.matching._types import Plan, SeatRef

__all__ = ["PlanChange", "compare_plans"]


@dataclass(frozen=True, slots=True)
class PlanChange:
    """Seats of the previous plan that changed, and how many of those changes were forced."""

    changed: tuple[SeatRef, ...]
    forced: tuple[SeatRef, ...]

    @property
    def beyond_forced(self) -> int:
        """Changes no event made necessary."""
        return len(set(self.changed) - set(self.forced))


def compare_plans(before: Plan, after: Plan, *, unavailable: Iterable[int] = ()) -> PlanChange:
    """Compare two plans; seats held by an ``unavailable`` VP before had to change."""
    gone = set(unavailable)
    changed = tuple(
        seat
        for seat, vp_id in sorted(before.assignments.items())
        if after.assignments.get(seat) != vp_id
    )
    forced = tuple(seat for seat, vp_id in sorted(before.assignments.items()) if vp_id in gone)
    return PlanChange(changed=changed, forced=forced)
