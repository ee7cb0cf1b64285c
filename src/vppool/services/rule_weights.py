"""The provider's weights of the matcher's soft rules, stored over the matcher's defaults.

A rule whose weight was never set keeps the matcher's default (``matching.Weights``).
Planners and admins read and change them on the rule weights page or with the API; adopting
a what-if scenario that changed a weight changes it too. Every change is audited, and every
matching run (and scenario) built after it solves with the stored weights.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from vppool import matching as m
from vppool.db.models import RuleWeight, RuleWeightsBase
from vppool.db.types import utc_now
from vppool.services import audit
from vppool.services._common import acting, flush, require_staff
from vppool.services.access import Viewer

__all__ = ["NAMES", "RuleWeightsView", "rule_weights", "save_weights", "set_weight", "weights_of"]

#: The soft rules whose weight the provider sets (fields of ``matching.Weights``).
NAMES = tuple(RuleWeightsBase.model_fields)


class RuleWeightsView(BaseModel):
    """The weights the matcher uses now, and the matcher's defaults beside them."""

    values: RuleWeightsBase
    defaults: RuleWeightsBase


def _defaults() -> dict[str, float | int]:
    weights = m.Weights()
    return {name: getattr(weights, name) for name in NAMES}


def _stored(session: Session) -> dict[str, RuleWeight]:
    rows = session.exec(select(RuleWeight)).all()
    return {row.name: row for row in rows if row.name in NAMES}


def weights_of(session: Session) -> m.Weights:
    """The matcher's weights: its defaults, with those the provider set over them."""
    values: dict[str, Any] = {}
    for name, row in _stored(session).items():
        default = getattr(m.Weights(), name)
        values[name] = round(row.value) if isinstance(default, int) else row.value
    return dataclasses.replace(m.Weights(), **values)


def _view(session: Session) -> RuleWeightsView:
    used = weights_of(session)
    return RuleWeightsView(
        values=RuleWeightsBase.model_validate({n: getattr(used, n) for n in NAMES}),
        defaults=RuleWeightsBase.model_validate(_defaults()),
    )


def rule_weights(session: Session, *, viewer: Viewer | None = None) -> RuleWeightsView:
    """The weights in use and the defaults (planners and admins).

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
    """
    require_staff(viewer, "see the rule weights")
    return _view(session)


def set_weight(session: Session, name: str, value: float, *, viewer: Viewer | None) -> None:
    """Store one weight, audited with the value before and after (unchanged: nothing)."""
    before = float(getattr(weights_of(session), name))
    row = session.get(RuleWeight, name)
    if (row.value if row is not None else before) == value:
        return
    row = row or RuleWeight(name=name, value=value)
    row.value = value
    row.updated_at = utc_now()
    row.updated_by_user_id = viewer.user_id if viewer else None
    session.add(row)
    flush(session, race="Someone changed the rule weights at the same moment; reload the page.")
    after = float(getattr(weights_of(session), name))
    audit.record_event(
        session, acting(viewer), ("rule_weight", None), "changed", {name: [before, after]}
    )


def save_weights(
    session: Session, *, data: RuleWeightsBase, viewer: Viewer | None = None
) -> RuleWeightsView:
    """Store the weights a planner set; the next matching run solves with them.

    Raises:
        PermissionDenied: the viewer is not a planner or admin.
    """
    require_staff(viewer, "change the rule weights")
    for name in NAMES:
        set_weight(session, name, float(getattr(data, name)), viewer=viewer)
    return _view(session)
