"""Re-forming a year's intervision groups after some have met: who stays, who moves, and why.

A group that has held a session keeps its members: only a member who left the pool
(inactive, or no valid certificate any more) leaves it. A kept group that falls below the
smallest size is topped up with VPs who have no kept group (new in the pool, or from a
group that had not met), nearest its meeting place first and only within the rules (no
shared client, enough common weekly time); if that cannot bring it to the smallest size,
it is dissolved and its members are placed again. Everyone without a kept group is then
grouped by the solver; whoever it cannot place joins the nearest kept group with room
that keeps the rules. Every change is a note in words (a message id with values).

Pure functions over the solver's inputs; :mod:`vppool.services.intervision` reads the
groups and stores the outcome.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vppool import matching as m

__all__ = ["KeptGroup", "Reform", "keep_met_groups", "place_leftovers"]

#: Why a VP has no kept group: in no group of the year yet, in a group that had not met,
#: or in a group that was dissolved.
NEW, NOT_MET, DISSOLVED = "new", "not_met", "dissolved"

_JOINS = {
    NEW: "{name} joins {group}: new in the pool",
    NOT_MET: "{name} joins {group}: their group had not met yet and was formed again",
    DISSOLVED: "{name} joins {group}: their group {old} was dissolved",
}

#: ``said(message, **values)``: a note as its English words, message id and values.
Said = Callable[..., dict[str, Any]]


@dataclass(slots=True)
class KeptGroup:
    """A group that met: its members now and its meeting place."""

    group_id: int
    name: str
    place: m.Location
    members: list[int]


@dataclass(slots=True)
class Reform:
    """The groups that stay, those dissolved, the VPs to group again and the notes."""

    kept: dict[int, KeptGroup]
    dissolved: list[int]
    movable: list[int]
    #: Per movable VP, why they move (:data:`NEW`, :data:`NOT_MET`, :data:`DISSOLVED`)
    #: and the name of the group they came from.
    origin: dict[int, tuple[str, str]]
    notes: list[dict[str, Any]] = field(default_factory=list)


def _fits(
    ids: Sequence[int], pool: dict[int, m.IntervisionMemberInput], config: m.IntervisionConfig
) -> bool:
    """Whether ``ids`` may meet as one group (apart from the smallest size)."""
    relaxed = dataclasses.replace(config, min_size=1)
    return not m.validate_groups([pool[v] for v in ids], [list(ids)], relaxed)


def _nearest(
    candidates: Sequence[int], place: m.Location, pool: dict[int, m.IntervisionMemberInput]
) -> list[int]:
    return sorted(candidates, key=lambda v: (m.haversine_km(pool[v].home, place), v))


def keep_met_groups(
    met: Sequence[KeptGroup],
    others: dict[int, str],
    pool: dict[int, m.IntervisionMemberInput],
    *,
    names: dict[int, str],
    config: m.IntervisionConfig,
    said: Said,
) -> Reform:
    """Keep the groups that met (``met``: their members as stored), topped up or dissolved.

    Args:
        met: the groups that held a session, with their stored members.
        others: per VP in a group of the year that had not met, that group's name.
        pool: the VPs who may be in a group now (by id).
        names: every VP's name (those who left the pool too).
        config: sizes and the common-time rule.
        said: makes a note (see :func:`vppool.services.intervision._said`).
    """
    in_met = {v for group in met for v in group.members}
    origin = {
        v: ((NOT_MET, others[v]) if v in others else (NEW, "")) for v in pool if v not in in_met
    }
    movable = [v for v in pool if v not in in_met]
    reform = Reform({}, [], movable, origin)
    for group in met:
        stay = [v for v in group.members if v in pool]
        for v in group.members:
            if v not in pool:
                reform.notes.append(
                    said(
                        "{name} leaves {group}: no longer in the pool "
                        "(inactive, or no valid certificate)",
                        name=names.get(v, str(v)),
                        group=group.name,
                    )
                )
        joined: list[int] = []
        if len(stay) < config.min_size:
            for v in _nearest(reform.movable, group.place, pool):
                if len(stay) + len(joined) >= config.min_size:
                    break
                if _fits([*stay, *joined, v], pool, config):
                    joined.append(v)
        if len(stay) + len(joined) < config.min_size:
            reform.dissolved.append(group.group_id)
            reform.notes.append(
                said(
                    "{group} dissolved: {left} of {size} members left",
                    group=group.name,
                    left=len(group.members) - len(stay),
                    size=len(group.members),
                )
            )
            for v in stay:
                reform.movable.append(v)
                reform.origin[v] = (DISSOLVED, group.name)
            continue
        for v in joined:
            reform.movable.remove(v)
            reform.notes.append(_joins(v, group.name, reform, names, said))
        reform.kept[group.group_id] = dataclasses.replace(group, members=stay + joined)
    return reform


def _joins(v: int, group: str, reform: Reform, names: dict[int, str], said: Said) -> dict[str, Any]:
    why, old = reform.origin[v]
    values = {"name": names.get(v, str(v)), "group": group}
    if why == DISSOLVED:
        values["old"] = old
    return said(_JOINS[why], **values)


def place_leftovers(
    leftovers: Sequence[int],
    reform: Reform,
    pool: dict[int, m.IntervisionMemberInput],
    *,
    names: dict[int, str],
    config: m.IntervisionConfig,
    said: Said,
) -> list[int]:
    """Put VPs the solver could not place in the nearest kept group with room and the rules.

    Returns those who fit in none.
    """
    still = []
    for v in leftovers:
        home = pool[v].home
        for group in sorted(
            reform.kept.values(), key=lambda g: (m.haversine_km(home, g.place), g.group_id)
        ):
            if len(group.members) < config.max_size and _fits([*group.members, v], pool, config):
                group.members.append(v)
                reform.notes.append(_joins(v, group.name, reform, names, said))
                break
        else:
            still.append(v)
    return still
