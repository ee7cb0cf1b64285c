"""The deterministic generator of realistic datasets (S, M, L, XL).

Same size, seed and ``today`` give the same dataset byte for byte: every step draws from
its own seeded :class:`random.Random` stream, no clock is read, and creation times are
derived from ``today``. Nothing here touches a database; the result is a
:class:`~vppool.dataset.Dataset` that ``vppool import`` (or the demo) loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from vppool.dataset import Dataset, DatasetMeta
from vppool.settings import Settings
from vppool.synthetic._clients import add_needs, add_organisations
from vppool.synthetic._geo import PlaceSampler
from vppool.synthetic._intervision import add_intervision
from vppool.synthetic._people import (
    add_absences,
    add_certificates_and_education,
    add_trust_persons,
    add_weekly_hours,
)
from vppool.synthetic._places import load_places
from vppool.synthetic._plan import PlanRules, add_existing_plan, horizon_end
from vppool.synthetic._records import Tables, stream
from vppool.synthetic._relations import add_conflicts, add_preferences
from vppool.synthetic._users import add_staff_and_clients, add_trust_person_users

__all__ = ["EMPTY_TABLES", "SIZES", "Progress", "SizePreset", "generate"]

#: ``progress(step, done, total)``, called as the generator goes.
Progress = Callable[[str, int, int], None]

#: Tables the generator leaves empty on purpose: they fill up as vppool is used (or, for
#: calendar sources, point at calendars that only real VPs have; the rule weights keep the
#: matcher's defaults until a planner sets them).
EMPTY_TABLES = frozenset(
    {
        "api_token",
        "audit_entry",
        "busy_interval",
        "calendar_source",
        "employee_page",
        "feed_token",
        "info_session",
        "insight_run",
        "intervision_run",
        "matching_run",
        "notification",
        "public_profile",
        "rule_weight",
        "shortlist",
        "shortlist_candidate",
        "staffing_advice",
    }
)


@dataclass(frozen=True, slots=True)
class SizePreset:
    """How many VPs and organisations a preset holds.

    The pool is sized like a provider's: supply a little above demand, so that nearly every
    standing seat can be filled within the hard rules (a VP's travel limit, scopes,
    languages, certificate, capacity). ``stress_trust_persons`` is the pool of the stress
    variant: the same clients with far fewer VPs, demand well above supply.
    """

    trust_persons: int
    organisations: int
    stress_trust_persons: int

    def pool(self, *, stress: bool = False) -> int:
        """The number of VPs of this preset (or of its stress variant)."""
        return self.stress_trust_persons if stress else self.trust_persons


SIZES: dict[str, SizePreset] = {
    "S": SizePreset(25, 150, 15),
    "M": SizePreset(180, 1_200, 100),
    "L": SizePreset(600, 4_000, 330),
    "XL": SizePreset(2_250, 15_000, 1_250),
}


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


def generate(
    size: str,
    seed: int,
    *,
    today: date,
    settings: Settings | None = None,
    progress: Progress | None = None,
    stress: bool = False,
) -> Dataset:
    """A realistic dataset of the given size preset.

    Args:
        size: the preset name: S, M, L or XL (see :data:`SIZES`).
        seed: the random seed; the same size, seed and ``today`` give the same dataset.
        today: the reference date: certificates expire, needs start and absences fall
            relative to it.
        settings: the rule numbers (certificate validity, education minimums, headcount
            threshold for two VPs, hours sizing, intervision group sizes, matching horizon);
            defaults to ``Settings()``.
        progress: optional ``(step, done, total)`` callback.
        stress: the stress variant: the same clients and needs, far fewer VPs (demand well
            above supply), to test the matcher when many seats must stay open.

    Returns:
        The dataset; every row passes :func:`vppool.dataset.validate_dataset`.

    Raises:
        ValueError: for an unknown size.
    """
    if size not in SIZES:
        msg = f"unknown size {size!r}; use one of {', '.join(SIZES)}"
        raise ValueError(msg)
    preset = SIZES[size]
    settings = settings or Settings()
    rules = settings.rules()
    report = progress or _quiet
    tables = Tables(today)
    places = PlaceSampler(load_places())
    groups_from = date(today.year - 1, 1, 1)
    vps, orgs = preset.pool(stress=stress), preset.organisations

    report("trust persons", 0, vps)
    people = add_trust_persons(tables, stream(seed, "trust persons"), vps, places, today)
    add_certificates_and_education(
        tables, stream(seed, "certificates"), people, today, rules, groups_from=groups_from
    )
    add_weekly_hours(tables, stream(seed, "weekly hours"), people, today)
    add_absences(tables, stream(seed, "absences"), people, today)
    report("trust persons", vps, vps)

    report("organisations", 0, orgs)
    organisations = add_organisations(tables, stream(seed, "organisations"), orgs, places, rules)
    planners = add_staff_and_clients(tables, stream(seed, "users"), organisations)
    needs = add_needs(tables, stream(seed, "needs"), organisations, today, rules)
    report("organisations", orgs, orgs)

    report("existing plan", 0, len(needs))
    conflicts = add_conflicts(
        tables,
        stream(seed, "conflicts"),
        people=people,
        organisations=organisations,
        today=today,
        planner_ids=planners,
    )
    plan_rules = PlanRules(
        today=today,
        horizon_end=horizon_end(today, settings.matching_horizon_months),
        max_absence_share=settings.max_absence_share,
        min_hours=rules.hours_sizing.minimum,
    )
    add_existing_plan(
        tables,
        stream(seed, "plan"),
        people=people,
        needs=needs,
        conflicts=conflicts,
        rules=plan_rules,
    )
    add_preferences(tables, stream(seed, "preferences"), people, organisations, conflicts)
    add_trust_person_users(tables, stream(seed, "users"), people)
    report("existing plan", len(needs), len(needs))

    report("intervision", 0, 2)
    add_intervision(
        tables, stream(seed, "intervision"), people, today, rules, zone=settings.timezone
    )
    report("intervision", 2, 2)

    meta = DatasetMeta(
        source="synthetic",
        size=f"{size}-stress" if stress else size,
        seed=seed,
        reference_date=today.isoformat(),
        created_at=tables.stamp,
    )
    return Dataset(meta=meta, tables=tables.rows)
