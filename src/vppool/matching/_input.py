"""Consistency of an instance: refused with an error that names the item and the field.

Shared by the model's context and the independent validator: this is no rule of the
matcher, only the promise that ids refer to something and numbers can be meant.
"""

from __future__ import annotations

from vppool.matching._types import LOCALITIES, WISH_KINDS, MatchingInstance

__all__ = ["MatchingInputError", "check_input"]


class MatchingInputError(ValueError):
    """The instance is inconsistent; ``item`` and ``field`` say where."""

    def __init__(self, item: str, field: str, message: str) -> None:
        super().__init__(f"{item}: {field}: {message}")
        self.item = item
        self.field = field
        self.message = message


def check_input(instance: MatchingInstance) -> None:
    """Refuse inconsistent instances with an error that names the item."""
    if instance.horizon_end <= instance.today:
        raise MatchingInputError("instance", "horizon_end", "must be after today")
    vp_ids: set[int] = set()
    for vp in instance.trust_persons:
        item = f"trust person {vp.id}"
        if vp.id in vp_ids:
            raise MatchingInputError(item, "id", "appears twice")
        vp_ids.add(vp.id)
        if vp.capacity_hours_per_month < 0:
            raise MatchingInputError(item, "capacity_hours_per_month", "must not be negative")
        if vp.capacity_standing_clients < 0:
            raise MatchingInputError(item, "capacity_standing_clients", "must not be negative")
        if vp.max_travel_km < 0:
            raise MatchingInputError(item, "max_travel_km", "must not be negative")
        for absence in vp.absences:
            if absence.ends_on is not None and absence.ends_on <= absence.starts_on:
                raise MatchingInputError(item, "absences", "an absence ends before it starts")
    need_seats: dict[int, int] = {}
    for need in instance.needs:
        item = f"need {need.id}"
        if need.id in need_seats:
            raise MatchingInputError(item, "id", "appears twice")
        need_seats[need.id] = need.seats
        if need.seats < 1:
            raise MatchingInputError(item, "seats", "must be at least 1")
        if need.hours_per_month < 0:
            raise MatchingInputError(item, "hours_per_month", "must not be negative")
        if need.period.ends_on is not None and need.period.ends_on <= need.period.starts_on:
            raise MatchingInputError(item, "period", "ends before it starts")
        wishes = need.wishes
        if wishes.locality not in (None, *LOCALITIES):
            raise MatchingInputError(item, "wishes", "locality is local, central or none")
        if wishes.local_km < 0:
            raise MatchingInputError(item, "wishes", "local_km must not be negative")
        if unknown := wishes.hard - set(WISH_KINDS):
            raise MatchingInputError(item, "wishes", f"unknown kinds {sorted(unknown)}")
    for assignment in instance.assignments:
        item = f"assignment of need {assignment.need_id} seat {assignment.seat}"
        if assignment.need_id not in need_seats:
            raise MatchingInputError(item, "need_id", f"unknown need {assignment.need_id}")
        if assignment.trust_person_id not in vp_ids:
            raise MatchingInputError(
                item, "trust_person_id", f"unknown trust person {assignment.trust_person_id}"
            )
        if not 1 <= assignment.seat <= need_seats[assignment.need_id]:
            raise MatchingInputError(item, "seat", "outside the need's seats")
    for conflict in instance.conflicts:
        if conflict.trust_person_id not in vp_ids:
            raise MatchingInputError(
                f"conflict {conflict.trust_person_id}x{conflict.organisation_id}",
                "trust_person_id",
                f"unknown trust person {conflict.trust_person_id}",
            )
    for preference in instance.preferences:
        if preference.trust_person_id not in vp_ids:
            raise MatchingInputError(
                f"preference {preference.trust_person_id}x{preference.organisation_id}",
                "trust_person_id",
                f"unknown trust person {preference.trust_person_id}",
            )
