"""Tiny, readable matching instances for the rule tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from vppool.matching import (
    Location,
    MatchingConfig,
    MatchingInstance,
    NeedInput,
    Period,
    TrustPersonInput,
)

TODAY = date(2026, 11, 23)
HORIZON = date(2027, 5, 1)
UTRECHT = Location(52.0907, 5.1214)
AMERSFOORT = Location(52.1561, 5.3878)  # about 20 km from Utrecht
GRONINGEN = Location(53.2194, 6.5665)  # about 160 km from Utrecht

BOTH = frozenset({"unwanted_behaviour", "integrity"})


def vp(vp_id: int, **overrides: Any) -> TrustPersonInput:
    values: dict[str, Any] = {
        "id": vp_id,
        "name": f"VP {vp_id}",
        "scopes": BOTH,
        "languages": frozenset({"nl"}),
        "home": UTRECHT,
        "max_travel_km": 60.0,
        "capacity_hours_per_month": 20.0,
        "capacity_standing_clients": 5,
        "certification_expires_on": date(2029, 1, 1),
        "sectors": frozenset({"zorg"}),
        "gender": "female",
    }
    values.update(overrides)
    return TrustPersonInput(**values)


def need(need_id: int, **overrides: Any) -> NeedInput:
    values: dict[str, Any] = {
        "id": need_id,
        "organisation_id": 100 + need_id,
        "organisation_name": f"Org {need_id}",
        "kind": "standing",
        "scopes": frozenset({"unwanted_behaviour"}),
        "languages": frozenset({"nl"}),
        "period": Period(date(2026, 12, 1), None),
        "hours_per_month": 4.0,
        "seats": 1,
        "sites": (UTRECHT,),
        "sector": "zorg",
    }
    values.update(overrides)
    return NeedInput(**values)


def instance(
    vps: list[TrustPersonInput], needs: list[NeedInput], **overrides: Any
) -> MatchingInstance:
    values: dict[str, Any] = {
        "today": TODAY,
        "horizon_end": HORIZON,
        "trust_persons": tuple(vps),
        "needs": tuple(needs),
    }
    for key in ("assignments", "conflicts", "preferences"):
        if key in overrides:
            overrides[key] = tuple(overrides[key])
    values.update(overrides)
    return MatchingInstance(**values)


FAST = MatchingConfig(time_limit_s=10, workers=1, seed=1)
