"""Keeping recurrence expansion bounded before it starts.

dateutil (under recurring-ical-events) walks a rule from its DTSTART and collects every
instance up to the end of the query into a list; it cannot be interrupted. A rule such as
``FREQ=MINUTELY`` that started years ago, or one that multiplies instances with BY-lists,
would run for minutes and fill memory. So each rule's work is estimated first (periods
walked times the instances one period can produce), and a rule that is too expensive is:

* moved forward: its DTSTART (and DTEND) advanced by whole periods to just before the
  window, for rules of weekly or finer frequency without COUNT, which keeps every instance
  in the window (the grid and the parts taken from DTSTART stay the same);
* then, if the window itself holds too many, cut: only the first part of the window is
  expanded (the import is marked capped);
* or, when neither helps (COUNT, or monthly/yearly rules with huge BY-lists), left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Event

__all__ = ["RulePlan", "plan_rules"]

_ORDER = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_PERIOD = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
    # Shortest month and year: an upper bound of the number of periods.
    "MONTHLY": timedelta(days=28),
    "YEARLY": timedelta(days=365),
}
_DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")


@dataclass(frozen=True, slots=True)
class RulePlan:
    """What to do with a recurring event before expanding it.

    Attributes:
        expand_until: Expand up to here (the window's end, or earlier when cut).
        skip: Do not expand at all.
        note: Why the rule was moved, cut or skipped (``None`` if it was not).
    """

    expand_until: datetime
    skip: bool = False
    note: str | None = None


def _as_instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), tzinfo=zone)


def _first(rule: Any, key: str) -> Any:
    values = rule.get(key)
    return values[0] if values else None


def _expansion(rule: Any, freq: str) -> int:
    """The most instances one period of the rule can produce."""
    level = _ORDER.index(freq)
    factor = 1
    for part, finer_than in (("BYSECOND", 0), ("BYMINUTE", 1), ("BYHOUR", 2)):
        if level > finer_than and rule.get(part):
            factor *= len(rule[part])
    has_days = any(rule.get(part) for part in _DAY_PARTS)
    if freq == "WEEKLY" and has_days:
        factor *= 7
    elif freq == "MONTHLY" and has_days:
        factor *= 31
    elif freq == "YEARLY":
        factor *= 366 if has_days else max(1, len(rule.get("BYMONTH") or [1]))
    return factor


def _steps(rule: Any, start: datetime, stop: datetime, zone: ZoneInfo) -> float:
    """How many candidate instances dateutil walks from ``start`` to ``stop``."""
    freq = str(_first(rule, "FREQ") or "").upper()
    if freq not in _PERIOD:
        return 0.0  # not a rule dateutil accepts; building the series will report it
    interval = max(1, int(_first(rule, "INTERVAL") or 1))
    until = _first(rule, "UNTIL")
    if isinstance(until, date):
        stop = min(stop, _as_instant(until, zone))
    span = max((stop - start).total_seconds(), 0.0)
    periods = span / (_PERIOD[freq] * interval).total_seconds() + 1
    steps = periods * _expansion(rule, freq)
    count = _first(rule, "COUNT")
    plain = not any(key.startswith("BY") for key in rule)
    if count is not None and plain:
        steps = min(steps, float(count))
    return steps


def _rebase(event: Event, rule: Any, before: datetime, zone: ZoneInfo) -> datetime | None:
    """Advance DTSTART/DTEND by whole periods to just before ``before``; the new start."""
    freq = str(_first(rule, "FREQ") or "").upper()
    if freq not in _ORDER[:5] or _first(rule, "COUNT") is not None:
        return None
    start = event.DTSTART
    period = _PERIOD[freq] * max(1, int(_first(rule, "INTERVAL") or 1))
    if isinstance(start, datetime):
        wall = start.replace(tzinfo=None)
        target = before.astimezone(start.tzinfo or zone).replace(tzinfo=None)
    else:
        wall = datetime.combine(start, time(0))
        target = before.astimezone(zone).replace(tzinfo=None)
    periods = (target - wall) // period
    if periods <= 0:
        return None
    shift = period * periods
    old_end = event.get("DTEND")
    if isinstance(start, datetime):
        event.DTSTART = start + shift
    else:
        event.DTSTART = start + timedelta(days=shift.days)
    if old_end is not None:
        end = old_end.dt
        event.DTEND = end + shift if isinstance(end, datetime) else end + timedelta(shift.days)
    return _as_instant(event.DTSTART, zone)


def plan_rules(
    master: Event, *, window_start: datetime, window_end: datetime, budget: int, zone: ZoneInfo
) -> RulePlan:
    """Decide how far a recurring event may be expanded within the work budget.

    May move the master's DTSTART/DTEND forward (see the module's description).

    Args:
        master: The event with the RRULE (not a moved instance).
        window_start: The start of the (widened) expansion window.
        window_end: The end of the (widened) expansion window.
        budget: The most candidate instances one series may cost.
        zone: The VP's zone, for floating and all-day values.

    Returns:
        The plan.
    """
    rules = master.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules]
    start = _as_instant(master.DTSTART, zone)
    cost = sum(_steps(rule, start, window_end, zone) for rule in rules)
    if cost <= budget:
        return RulePlan(window_end)
    freq = str(_first(rules[0], "FREQ") or "").upper()
    if len(rules) == 1:
        duration = master.duration
        moved = _rebase(master, rules[0], window_start - max(duration, timedelta(0)), zone)
        if moved is not None:
            cost = _steps(rules[0], moved, window_end, zone)
            if cost <= budget:
                return RulePlan(window_end)
            share = budget / _expansion(rules[0], freq)  # periods we can afford
            period = _PERIOD[freq] * max(1, int(_first(rules[0], "INTERVAL") or 1))
            until = moved + period * math.floor(share)
            if until > window_start:
                note = (
                    f"the event repeats too often (FREQ={freq}); only its occurrences "
                    f"up to {until.isoformat()} are used"
                )
                return RulePlan(until, note=note)
    note = f"the event repeats too often to expand (FREQ={freq}); it was left out"
    return RulePlan(window_end, skip=True, note=note)
