"""Pre-solve diagnostics: cheap supply-versus-demand counts that point at shortages early.

For every scope, every required language and every province, compare the open seats (and
their hours per month) that need it with the VPs who could supply it: active, certified
today, with spare standing-client slots and hours after their kept assignments. A VP counts
for a region when the region's centre lies within their travel limit. These are necessary
conditions only: passing them does not promise every seat can be filled, failing them
proves some cannot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vppool.matching._context import Context
from vppool.matching._geo import PROVINCES, haversine_km, nearest_province
from vppool.matching._types import Shortage, TrustPersonInput

__all__ = ["diagnose"]


@dataclass
class _Tally:
    seats: int = 0
    hours: float = 0.0


def _spare(ctx: Context, vp: TrustPersonInput) -> tuple[int, float]:
    """Spare standing-client slots (at least 1 for short-term work) and hours per month."""
    used_hours = max(ctx.fixed_hours[vp.id], default=0) / 60
    used_clients = max(ctx.fixed_clients[vp.id], default=0)
    hours = max(0.0, vp.capacity_hours_per_month - used_hours)
    slots = max(0, vp.capacity_standing_clients - used_clients)
    return max(slots, 1 if hours > 0 else 0), hours


def _supplies(ctx: Context, vp: TrustPersonInput) -> bool:
    expires = vp.certification_expires_on
    return (
        vp.active
        and vp.excluded_reason is None
        and expires is not None
        and (expires > ctx.instance.today)
    )


def diagnose(ctx: Context) -> list[Shortage]:
    """Shortages per scope, language and region, most severe first."""
    demand: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    supply: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for need in ctx.instance.needs:
        seats = len(ctx.open_seats(need))
        if not seats:
            continue
        keys = [("scope", scope) for scope in need.scopes]
        keys += [("language", language) for language in need.languages]
        if need.sites:
            keys.append(("region", nearest_province(need.sites[0])))
        for key in keys:
            demand[key].seats += seats
            demand[key].hours += seats * need.hours_per_month
    for vp in ctx.instance.trust_persons:
        if not _supplies(ctx, vp):
            continue
        slots, hours = _spare(ctx, vp)
        if not slots:
            continue
        keys = [("scope", scope) for scope in vp.scopes]
        keys += [("language", language) for language in vp.languages]
        keys += [
            ("region", name)
            for name, centre in PROVINCES.items()
            if haversine_km(vp.home, centre) <= vp.max_travel_km
        ]
        for key in keys:
            if key in demand:
                supply[key].seats += slots
                supply[key].hours += hours
    shortages = []
    for key, wanted in demand.items():
        offered = supply.get(key, _Tally())
        if offered.seats >= wanted.seats and offered.hours >= wanted.hours:
            continue
        dimension, name = key
        shortages.append(
            Shortage(
                dimension=dimension,
                key=name,
                demand_seats=wanted.seats,
                supply_seats=offered.seats,
                demand_hours=round(wanted.hours, 1),
                supply_hours=round(offered.hours, 1),
                message=(
                    f"{dimension} {name}: {wanted.seats} open seat(s) needing "
                    f"{wanted.hours:.0f} h/month, but the available VPs offer "
                    f"{offered.seats} slot(s) and {offered.hours:.0f} h/month"
                ),
            )
        )
    shortages.sort(key=lambda s: (s.supply_seats - s.demand_seats, s.dimension, s.key))
    return shortages
