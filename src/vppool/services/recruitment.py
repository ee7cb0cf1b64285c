"""Where to recruit: the unfilled seats, their causes, and VPs who would fill them (re-solves).

The analysis solves the plan as it stands (confirmed seats kept, the open seats of the
months ahead filled as well as the matcher can), aggregates the matcher's explanation of
every seat it left open (which rule kept how many VPs out) and lists the seats that are
filled but have no other VP who could take them. Then it describes VPs to recruit, one per
group of open seats that ask alike (a province, the languages): a VP living at the largest
place near those sites, speaking the languages, qualified for the scopes, with the pool's
usual capacity and travel limit, certified. Each is added to a copy of the instance and
solved again with the first plan's seats kept: the seats the newcomer fills are what
recruiting them promises, a lower bound (a full re-solve may move others and fill more).
The list is ranked by those seats.

This is slow work: :mod:`vppool.services.insight_runs` runs it on the job queue.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool import matching as m
from vppool.services.insight import province_of
from vppool.services.matching import build_instance
from vppool.settings import Settings
from vppool.synthetic import Place, load_places
from vppool.vocab import LANGUAGES_EN

__all__ = [
    "Progress",
    "analyse",
    "config_for",
    "horizon_settings",
    "kept",
    "recruit_message",
    "recruit_words",
]

#: ``progress(phase, done, total)``: what the analysis is doing.
Progress = Callable[[str, int, int], None]
#: At most this many recruits are tried (the largest groups of open seats first).
MAX_RECRUITS = 12
#: Places this large or larger name where a recruit lives ("near Rotterdam").
_TOWN = 40_000
#: A re-solve with a recruit added decides only the open seats: it needs little time.
_RECRUIT_LIMIT_S = 10.0


#: The words of a recruit, by whether they speak languages besides Dutch and have a gender
#: (message ids; the web application and the API's readers say them in their language).
RECRUIT_TEMPLATES = {
    (False, False): "a trust person near {place}",
    (True, False): "a trust person who speaks {languages}, near {place}",
    (False, True): "a trust person ({gender}) near {place}",
    (True, True): "a trust person ({gender}) who speaks {languages}, near {place}",
}


def recruit_message(vp: m.TrustPersonInput, place: str) -> m.Words:
    """A recruit as words to translate: "a trust person who speaks {languages}, near {place}"."""
    spoken = sorted(code for code in vp.languages if code != "nl")
    template = RECRUIT_TEMPLATES[(bool(spoken), vp.gender is not None)]
    params: dict[str, Any] = {"place": place}
    if spoken:
        params["languages"] = spoken
    if vp.gender is not None:
        params["gender"] = vp.gender
    return m.Words(template, params)


def recruit_words(vp: m.TrustPersonInput, place: str) -> str:
    """A recruit in English: "a Turkish-speaking VP near Rotterdam"."""
    spoken = [LANGUAGES_EN.get(code, code) for code in sorted(vp.languages) if code != "nl"]
    who = f"a {'/'.join(spoken)}-speaking VP" if spoken else "a VP"
    if vp.gender:
        who = f"{who} ({vp.gender.replace('_', '-')})"
    return f"{who} near {place}"


def horizon_settings(settings: Settings, months: int) -> Settings:
    """The settings with the matcher looking ``months`` months ahead."""
    return settings.model_copy(update={"matching_horizon_months": months})


def config_for(
    settings: Settings,
    *,
    time_limit_s: float | None = None,
    progress: Callable[[m.ProgressEvent], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> m.MatchingConfig:
    """The matcher's configuration from the settings (time limit, workers, seed)."""
    return m.MatchingConfig(
        time_limit_s=time_limit_s or settings.matching_time_limit_s,
        workers=settings.matching_workers,
        seed=settings.matching_seed,
        max_candidates_per_need=settings.matching_max_candidates,
        progress=progress,
        should_stop=should_stop,
    )


def kept(plan: m.Plan) -> tuple[m.ExistingAssignment, ...]:
    """A plan's seats as pinned assignments: a re-solve decides only the other seats."""
    return tuple(
        m.ExistingAssignment(seat.need_id, seat.seat, vp_id, "confirmed", pinned=True)
        for seat, vp_id in sorted(plan.assignments.items())
    )


def _town_near(latitude: float, longitude: float) -> Place:
    scale = (1 - (latitude / 90) ** 2) ** 0.5
    return min(
        (p for p in load_places() if p.population >= _TOWN),
        key=lambda p: (p.latitude - latitude) ** 2 + ((p.longitude - longitude) * scale) ** 2,
    )


def _recruits(
    instance: m.MatchingInstance, result: m.MatchingResult, new_id: int
) -> list[tuple[m.TrustPersonInput, Place, str, int]]:
    """One recruit (id ``new_id``) per group of open seats asking alike.

    Each comes with their town, the group's province and its open seats; each is certified
    for four years, with the pool's median capacity and travel limit.
    """
    needs = {need.id: need for need in instance.needs}
    vps = {vp.id: vp for vp in instance.trust_persons}
    active = [vp for vp in instance.trust_persons if vp.active]
    hours = statistics.median([vp.capacity_hours_per_month for vp in active] or [8.0])
    clients = round(statistics.median([vp.capacity_standing_clients for vp in active] or [2]))
    travel = statistics.median([vp.max_travel_km for vp in active] or [50.0])
    groups: dict[tuple[str, tuple[str, ...]], list[m.NeedInput]] = defaultdict(list)
    for gap in result.unfilled:
        need = needs[gap.seat.need_id]
        if need.sites:
            province = province_of(need.sites[0].latitude, need.sites[0].longitude)
            groups[(province, tuple(sorted(need.languages)))].append(need)
    on_need: dict[int, set[str]] = defaultdict(set)
    for seat, vp_id in result.plan.assignments.items():
        gender = vps[vp_id].gender
        if gender:
            on_need[seat.need_id].add(gender)
    recruits = []
    for (province, languages), members in sorted(
        groups.items(), key=lambda item: (-len(item[1]), item[0])
    )[:MAX_RECRUITS]:
        sites = [need.sites[0] for need in members]
        latitude = sum(s.latitude for s in sites) / len(sites)
        longitude = sum(s.longitude for s in sites) / len(sites)
        town = _town_near(latitude, longitude)
        # A need asking for a mix whose VPs are all of one gender wants the other one.
        lacking = Counter(
            "male" if on_need[need.id] == {"female"} else "female"
            for need in members
            if need.requires_gender_mix and len(on_need[need.id]) == 1
        )
        sectors = Counter(need.sector for need in members if need.sector)
        # Positional: the matcher's own order of a VP's fields (id, name, scopes, languages,
        # home, travel, hours, standing clients, certificate, sectors, gender).
        recruit = m.TrustPersonInput(
            new_id,
            "",
            frozenset(scope for need in members for scope in need.scopes),
            frozenset({"nl", *languages}),
            m.Location(town.latitude, town.longitude),
            float(travel),
            float(hours),
            max(1, clients),
            instance.today + timedelta(days=4 * 365),
            frozenset(sector for sector, _ in sectors.most_common(2)),
            lacking.most_common(1)[0][0] if lacking else None,
        )
        recruits.append((recruit, town, province, len(members)))
    return recruits


def _unfilled(instance: m.MatchingInstance, result: m.MatchingResult) -> dict[str, Any]:
    """The open seats per need with their causes, the causes summed, the barely filled."""
    needs = {need.id: need for need in instance.needs}
    main: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    per_need: dict[int, dict[str, Any]] = {}
    for gap in result.unfilled:
        need = needs[gap.seat.need_id]
        if gap.reasons:
            main[max(gap.reasons.items(), key=lambda item: (item[1], item[0]))[0]] += 1
        anywhere.update(gap.reasons.keys())
        entry = per_need.setdefault(
            need.id,
            {
                "need_id": need.id,
                "organisation_id": need.organisation_id,
                "organisation": need.organisation_name,
                "kind": need.kind,
                "seats": need.seats,
                "open": 0,
                "reasons": dict(gap.reasons),
                "message": gap.message,
            },
        )
        entry["open"] += 1
    barely: dict[int, dict[str, Any]] = {}
    for seat in result.seats:
        if seat.fixed or seat.alternatives:
            continue
        need = needs[seat.seat.need_id]
        entry = barely.setdefault(
            need.id,
            {
                "need_id": need.id,
                "organisation_id": need.organisation_id,
                "organisation": need.organisation_name,
                "kind": need.kind,
                "seats": 0,
            },
        )
        entry["seats"] += 1
    return {
        "causes": [
            {"rule": rule, "seats": main[rule], "seats_any": anywhere[rule]}
            for rule in sorted(anywhere, key=lambda r: (-main[r], -anywhere[r], r))
        ],
        "unfilled": sorted(per_need.values(), key=lambda e: (-e["open"], e["organisation"])),
        "barely_filled": sorted(barely.values(), key=lambda e: (-e["seats"], e["organisation"])),
    }


def analyse(
    engine: Engine,
    settings: Settings,
    *,
    today: date,
    months: int,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """The gaps of the coming ``months`` months, their causes, and whom to recruit (JSON)."""
    report = progress or (lambda _phase, _done, _total: None)
    with Session(engine) as session:
        instance = build_instance(session, horizon_settings(settings, months), today=today).instance
    report("plan", 0, 1)
    baseline = m.solve(instance, config_for(settings, should_stop=should_stop))
    found = _unfilled(instance, baseline)
    new_id = max((vp.id for vp in instance.trust_persons), default=0) + 1
    recruits = _recruits(instance, baseline, new_id)
    needs = {need.id: need for need in instance.needs}
    pinned = kept(baseline.plan)
    fixed = {
        m.SeatRef(a.need_id, a.seat)
        for a in instance.assignments
        if a.status == "confirmed" or a.pinned
    }
    suggestions: list[dict[str, Any]] = []
    for done, (recruit, town, province, asked) in enumerate(recruits):
        report("recruits", done, len(recruits))
        if should_stop is not None and should_stop():
            break
        trial = dataclasses.replace(
            instance,
            trust_persons=(*instance.trust_persons, recruit),
            assignments=pinned,
        )
        limit = min(_RECRUIT_LIMIT_S, settings.matching_time_limit_s)
        config = config_for(settings, time_limit_s=limit)
        outcome = m.solve(trial, dataclasses.replace(config, alternatives_per_seat=0))
        if outcome.violations:
            continue
        taken = sorted(seat for seat, vp in outcome.plan.assignments.items() if vp == new_id)
        suggestions.append(
            {
                "place": town.name,
                "province": province,
                "latitude": town.latitude,
                "longitude": town.longitude,
                "languages": sorted(recruit.languages),
                "scopes": sorted(recruit.scopes),
                "sectors": sorted(recruit.sectors),
                "gender": recruit.gender,
                "capacity_hours_per_month": recruit.capacity_hours_per_month,
                "capacity_standing_clients": recruit.capacity_standing_clients,
                "max_travel_km": recruit.max_travel_km,
                "text": recruit_words(recruit, town.name),
                "words": recruit_message(recruit, town.name).as_dict(),
                "open_seats_asking": asked,
                "seats": len(taken),
                "hours_per_month": round(sum(needs[s.need_id].hours_per_month for s in taken), 1),
                "needs": [{"need_id": s.need_id, "seat": s.seat} for s in taken],
                "organisations": sorted({needs[s.need_id].organisation_name for s in taken}),
            }
        )
    report("recruits", len(recruits), len(recruits))
    suggestions.sort(key=lambda s: (-s["seats"], -s["hours_per_month"], s["text"]))
    return {
        "today": today.isoformat(),
        "months": months,
        "plan": {
            "status": baseline.status,
            "seats": sum(need.seats for need in instance.needs),
            "filled": len(baseline.plan.assignments),
            "open": len(baseline.unfilled),
            "gap": baseline.gap,
            "wall_s": round(baseline.wall_s, 2),
            # The seats the solve filled beside the kept ones: a recruit's seats come on top.
            "proposed": [
                [seat.need_id, seat.seat, vp_id]
                for seat, vp_id in sorted(baseline.plan.assignments.items())
                if seat not in fixed
            ],
        },
        "shortages": [
            {
                "dimension": s.dimension,
                "key": s.key,
                "demand_seats": s.demand_seats,
                "supply_seats": s.supply_seats,
            }
            for s in baseline.shortages
        ],
        **found,
        "suggestions": suggestions,
    }
