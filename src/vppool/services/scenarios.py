"""What-if scenarios: changes solved on a copy of the plan, compared with it side by side.

A planner describes changes (:class:`ScenarioSpec`, the JSON format of ``docs/insight.md``):
a VP absent from a first to a last day, a VP leaving after a last day, a new client with its
sites, a VP's capacity changed, a rule weight changed. :func:`work_out` reads the live plan
(confirmed seats and the newest run's proposals), applies the changes to a copy of the
matching instance and solves the copy: the seats of the current plan stay as they are except
those the changes free (the proposals of the VP who is away, leaves or has less capacity;
every proposal when a weight changes), and the work the changes add (a cover need for each
confirmed seat of a VP who is away, a successor need for each of a leaving VP, the new
client's need) is planned. Nothing in the database changes.

The result compares the current plan and the scenario: seats, filled, unfilled, travel,
fairness (utilisation) and the solver's gap, the seats that changed and every organisation
they belong to. :func:`adopt` makes the changes real (through the same services a planner
uses) and stores the scenario's seats as a matching run's proposals after the independent
validator accepted them; the planner confirms them on the run's page as any run's.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from vppool import matching as m
from vppool.db.models import Assignment, AuditEntry, MatchingRun, Need, TrustPerson
from vppool.db.schemas import (
    AbsenceCreate,
    NeedCreate,
    OrganisationCreate,
    SiteCreate,
    TrustPersonUpdate,
)
from vppool.db.types import utc_now
from vppool.errors import Conflict, FieldError, InvalidValue, ValidationFailed
from vppool.services import assignments, needs, organisations, queue, rule_weights, trust_persons
from vppool.services.access import Viewer, viewer_of_user
from vppool.services.matching import add_proposals, build_instance
from vppool.services.recruitment import Progress, config_for, kept
from vppool.settings import Settings
from vppool.synthetic import load_places
from vppool.vocab import AbsenceKind, AssignmentStatus, MatchingRunStatus, NeedKind

__all__ = [
    "SCENARIO_LIMIT_S",
    "Absent",
    "Capacity",
    "Leaving",
    "NewClient",
    "ScenarioSpec",
    "WeightChange",
    "adopt",
    "archive_leaver",
    "check",
    "trust_person_choices",
    "work_out",
]

#: A scenario decides only the seats its changes free or add (and, first, those the current
#: plan leaves open): each of its two solves is short.
SCENARIO_LIMIT_S = 4.0
#: The rule weights a scenario may change (``matching.Weights``; stored when adopted).
WEIGHTS = rule_weights.NAMES
#: The queue's name of the task that archives a VP who left, the day after their last day.
ARCHIVE_TASK = "trust_person_archive"


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Absent(_Change):
    """A VP away from ``first_day`` through ``last_day``; their confirmed seats need cover."""

    type: Literal["absence"]
    trust_person_id: int = Field(ge=1)
    first_day: date
    last_day: date

    @model_validator(mode="after")
    def _order(self) -> Absent:
        if self.last_day < self.first_day:
            msg = "the last day must not be before the first day"
            raise ValueError(msg)
        return self


class Leaving(_Change):
    """A VP leaving after ``last_day``; each seat they hold after it needs a successor."""

    type: Literal["leaving"]
    trust_person_id: int = Field(ge=1)
    last_day: date


class SitePlace(_Change):
    """A site of a new client: a Dutch place's name, or coordinates."""

    place: str | None = Field(default=None, max_length=120)
    latitude: float | None = Field(default=None, ge=50.7, le=53.6)
    longitude: float | None = Field(default=None, ge=3.3, le=7.3)

    @model_validator(mode="after")
    def _where(self) -> SitePlace:
        if self.place is None and (self.latitude is None or self.longitude is None):
            msg = "give a place, or a latitude and a longitude"
            raise ValueError(msg)
        return self


class NewClient(_Change):
    """A new client with its sites and one standing need of ``seats`` seats."""

    type: Literal["new_client"]
    name: str = Field(min_length=1, max_length=200)
    sector: str = Field(default="overig", max_length=60)
    headcount: int = Field(default=250, ge=1, le=1_000_000)
    sites: list[SitePlace] = Field(min_length=1, max_length=20)
    seats: int = Field(default=1, ge=1, le=10)
    scopes: list[Literal["unwanted_behaviour", "integrity"]] = Field(
        default=["unwanted_behaviour"], min_length=1
    )
    languages: list[str] = Field(default_factory=list, max_length=5)
    hours_per_month: float = Field(default=2.0, gt=0, le=400)
    first_day: date | None = None


class Capacity(_Change):
    """A VP's capacity changed (hours per month, standing clients, or both)."""

    type: Literal["capacity"]
    trust_person_id: int = Field(ge=1)
    hours_per_month: float | None = Field(default=None, ge=0, le=400)
    standing_clients: int | None = Field(default=None, ge=0, le=100)


class WeightChange(_Change):
    """A soft rule's weight changed (on the copy; stored as the provider's when adopted)."""

    type: Literal["weight"]
    name: Literal["travel_per_km", "continuity", "sector_mismatch", "preference_per_step"]
    value: float = Field(ge=0, le=1000)

    @model_validator(mode="after")
    def _whole(self) -> WeightChange:
        # Only travel is weighed per km with fractions; the matcher counts the others whole.
        if self.name != "travel_per_km" and self.value % 1:
            raise InvalidValue("Enter a whole number.", field="value")
        return self


Change = Annotated[
    Absent | Leaving | NewClient | Capacity | WeightChange, Field(discriminator="type")
]


class ScenarioSpec(BaseModel):
    """A scenario: its name and the changes it makes to a copy of the plan."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    changes: list[Change] = Field(min_length=1, max_length=20)


def trust_person_choices(session: Session) -> list[tuple[int, str]]:
    """The active VPs to choose from in a scenario, by name."""
    rows = session.exec(
        select(TrustPerson.id, TrustPerson.first_name, TrustPerson.last_name)
        .where(col(TrustPerson.active).is_(True))
        .order_by(col(TrustPerson.sort_name), col(TrustPerson.id))
    ).all()
    return [(vp_id, f"{first} {last}") for vp_id, first, last in rows if vp_id is not None]


def _location(site: SitePlace) -> m.Location:
    """Where a site lies: its place's coordinates, or its own."""
    place = _place(site.place) if site.place is not None else None
    if place is not None:
        return m.Location(place.latitude, place.longitude)
    return m.Location(site.latitude or 0.0, site.longitude or 0.0)


def _place(name: str) -> Any:
    wanted = name.strip().casefold()
    return next((p for p in load_places() if p.name.casefold() == wanted), None)


def check(session: Session, spec: ScenarioSpec) -> None:
    """The VPs exist and the places are known.

    Raises:
        ValidationFailed: naming each change (``changes[n].field``) that does not fit.
    """
    errors = []
    for index, change in enumerate(spec.changes):
        vp_id = getattr(change, "trust_person_id", None)
        if vp_id is not None and session.get(TrustPerson, vp_id) is None:
            errors.append(FieldError(f"changes[{index}].trust_person_id", "no such trust person"))
        if isinstance(change, NewClient):
            for number, site in enumerate(change.sites):
                if site.place is not None and _place(site.place) is None:
                    errors.append(
                        FieldError(
                            f"changes[{index}].sites[{number}].place",
                            "unknown place '{place}'; give its latitude and longitude",
                            {"place": site.place},
                        )
                    )
    if errors:
        raise ValidationFailed(errors, subject="scenario")


# --------------------------------------------------------------------------- the copy


@dataclasses.dataclass
class _Copy:
    """The instance being changed, and what the changes added or freed."""

    instance: m.MatchingInstance
    today: date
    plan: dict[m.SeatRef, int]
    freed: set[m.SeatRef] = dataclasses.field(default_factory=set)
    added: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    next_need: int = 0
    next_org: int = 0
    #: The needs of the live plan (the others were added by the changes).
    plan_needs: set[int] = dataclasses.field(default_factory=set)
    #: The seats confirmed (or pinned): no change frees them.
    fixed: set[m.SeatRef] = dataclasses.field(default_factory=set)

    def vp(self, vp_id: int) -> m.TrustPersonInput:
        return next(v for v in self.instance.trust_persons if v.id == vp_id)

    def replace_vp(self, vp: m.TrustPersonInput) -> None:
        self.instance = dataclasses.replace(
            self.instance,
            trust_persons=tuple(vp if v.id == vp.id else v for v in self.instance.trust_persons),
        )

    def add_need(self, need: m.NeedInput, described: dict[str, Any]) -> None:
        self.instance = dataclasses.replace(self.instance, needs=(*self.instance.needs, need))
        self.added.append({"need_id": need.id, **described})

    def new_need_id(self) -> int:
        self.next_need += 1
        return self.next_need

    def free_proposals(self, vp_id: int | None, needs: set[int] | None = None) -> None:
        """Free the plan's seats that are not confirmed (of ``vp_id``; on ``needs``)."""
        self.freed.update(
            seat
            for seat, holder in self.plan.items()
            if seat not in self.fixed
            and (vp_id is None or holder == vp_id)
            and (needs is None or seat.need_id in needs)
        )


def _successors(copy: _Copy, vp_id: int, period: m.Period, why: str) -> set[int]:
    """Needs to take over a VP's confirmed seats over ``period``: one seat each, same wishes.

    Cover while the VP is away is an ``absence_cover`` need; a successor of a leaving VP is
    of the kind of the seat. Returns the needs the VP holds seats of in the period.
    """
    needs = {n.id: n for n in copy.instance.needs}
    touched: set[int] = set()
    for assignment in copy.instance.assignments:
        need = needs.get(assignment.need_id)
        if need is None or assignment.trust_person_id != vp_id or not need.period.overlaps(period):
            continue
        touched.add(need.id)
        if assignment.status != "confirmed":
            continue
        start = max(period.starts_on, need.period.starts_on, copy.today)
        ends = [e for e in (period.ends_on, need.period.ends_on) if e is not None]
        end = min(ends) if ends else None
        if end is not None and end <= start:
            continue
        kind = "absence_cover" if why == "absence" else need.kind
        cover = dataclasses.replace(
            need,
            id=copy.new_need_id(),
            kind=kind,
            period=m.Period(start, end),
            seats=1,
            requires_gender_mix=False,
            urgency="high",
        )
        copy.add_need(
            cover,
            {
                "kind": kind,
                "why": why,
                "trust_person_id": vp_id,
                "replaces_need_id": need.id,
                "organisation_id": need.organisation_id,
                "organisation": need.organisation_name,
                "starts_on": start.isoformat(),
                "ends_on": end.isoformat() if end else None,
            },
        )
    return touched


def _absent(copy: _Copy, change: Absent) -> None:
    period = m.Period(change.first_day, change.last_day + timedelta(days=1))
    vp = copy.vp(change.trust_person_id)
    copy.replace_vp(dataclasses.replace(vp, absences=(*vp.absences, period)))
    touched = _successors(copy, vp.id, period, "absence")
    copy.free_proposals(vp.id, touched)


def _leaving(copy: _Copy, change: Leaving) -> None:
    gone = m.Period(change.last_day + timedelta(days=1), None)
    vp = copy.vp(change.trust_person_id)
    copy.replace_vp(dataclasses.replace(vp, absences=(*vp.absences, gone)))
    touched = _successors(copy, vp.id, gone, "leaving")
    # No need running past the last day may take them: their conflict with every client.
    conflicts = [
        m.ConflictInput(vp.id, organisation, "leaving", gone)
        for organisation in sorted({n.organisation_id for n in copy.instance.needs})
    ]
    copy.instance = dataclasses.replace(
        copy.instance, conflicts=(*copy.instance.conflicts, *conflicts)
    )
    copy.free_proposals(vp.id, touched)


def _new_client(copy: _Copy, change: NewClient) -> None:
    copy.next_org += 1
    sites = [_location(site) for site in change.sites]
    start = max(change.first_day or copy.today, copy.today)
    need = m.NeedInput(
        id=copy.new_need_id(),
        organisation_id=copy.next_org,
        organisation_name=change.name,
        kind=NeedKind.STANDING.value,
        scopes=frozenset(change.scopes),
        languages=frozenset(change.languages),
        period=m.Period(start, None),
        hours_per_month=change.hours_per_month,
        seats=change.seats,
        sites=tuple(sites),
        sector=change.sector,
    )
    copy.add_need(
        need,
        {
            "kind": "standing",
            "why": "new_client",
            "organisation_id": None,
            "organisation": change.name,
            "starts_on": start.isoformat(),
            "ends_on": None,
        },
    )


def _capacity(copy: _Copy, change: Capacity) -> None:
    vp = copy.vp(change.trust_person_id)
    copy.replace_vp(
        dataclasses.replace(
            vp,
            capacity_hours_per_month=vp.capacity_hours_per_month
            if change.hours_per_month is None
            else change.hours_per_month,
            capacity_standing_clients=vp.capacity_standing_clients
            if change.standing_clients is None
            else change.standing_clients,
        )
    )
    copy.free_proposals(vp.id)


def _weight(copy: _Copy, change: WeightChange) -> None:
    value: float | int = change.value if change.name == "travel_per_km" else int(change.value)
    values: dict[str, Any] = {change.name: value}
    copy.instance = dataclasses.replace(
        copy.instance,
        weights=dataclasses.replace(copy.instance.weights, **values),
    )
    copy.free_proposals(None)


_APPLY: dict[type[_Change], Callable[[_Copy, Any], None]] = {
    Absent: _absent,
    Leaving: _leaving,
    NewClient: _new_client,
    Capacity: _capacity,
    WeightChange: _weight,
}


def _copy_with(live: m.MatchingInstance, spec: ScenarioSpec, today: date, plan: m.Plan) -> _Copy:
    """The live instance with the changes applied, ``plan`` kept but for what they free."""
    copy = _Copy(
        instance=live,
        today=today,
        plan=dict(plan.assignments),
        next_need=max((n.id for n in live.needs), default=0),
        next_org=max((n.organisation_id for n in live.needs), default=0),
        plan_needs={n.id for n in live.needs},
        fixed={
            m.SeatRef(a.need_id, a.seat)
            for a in live.assignments
            if a.status == "confirmed" or a.pinned
        },
    )
    for change in spec.changes:
        _APPLY[type(change)](copy, change)
    kept_seats = {seat: vp for seat, vp in copy.plan.items() if seat not in copy.freed}
    copy.instance = dataclasses.replace(copy.instance, assignments=kept(m.Plan(kept_seats)))
    return copy


# --------------------------------------------------------------------------- comparing


def _figures(instance: m.MatchingInstance, plan: m.Plan) -> dict[str, Any]:
    """Seats, filled, unfilled, travel and fairness of a plan."""
    needs = {n.id: n for n in instance.needs}
    homes = {vp.id: vp.home for vp in instance.trust_persons}
    travel = 0.0
    for seat, vp_id in plan.assignments.items():
        sites = needs[seat.need_id].sites
        if sites and vp_id in homes:
            travel += min(m.haversine_km(homes[vp_id], site) for site in sites)
    used = sorted(m.utilisation(instance, plan).values())
    seats = sum(n.seats for n in instance.needs)
    return {
        "seats": seats,
        "filled": len(plan.assignments),
        "unfilled": seats - len(plan.assignments),
        "travel_km": round(travel),
        "utilisation_mean": round(sum(used) / len(used), 1) if used else 0.0,
        "utilisation_max": used[-1] if used else 0.0,
        "over_90": sum(1 for v in used if v > 90),
    }


def _compare(
    live: m.MatchingInstance, copy: _Copy, result: m.MatchingResult
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The seats that differ, and every organisation they (or the added needs) belong to."""
    names = {vp.id: vp.name for vp in copy.instance.trust_persons}
    needs = {n.id: n for n in (*live.needs, *copy.instance.needs)}
    after = dict(result.plan.assignments)
    changed: list[dict[str, Any]] = []
    for seat in sorted(set(copy.plan) | set(after)):
        before_vp, after_vp = copy.plan.get(seat), after.get(seat)
        if before_vp == after_vp:
            continue
        need = needs[seat.need_id]
        changed.append(
            {
                "need_id": seat.need_id,
                "seat": seat.seat,
                "organisation_id": need.organisation_id,
                "organisation": need.organisation_name,
                "kind": need.kind,
                "added": seat.need_id not in copy.plan_needs,
                "before": names.get(before_vp) if before_vp else None,
                "after": names.get(after_vp) if after_vp else None,
                "after_trust_person_id": after_vp,
            }
        )
    per_org: dict[str, dict[str, Any]] = {}
    for item in changed:
        entry = per_org.setdefault(
            item["organisation"],
            {"organisation_id": item["organisation_id"], "organisation": item["organisation"]},
        )
        entry["seats_changed"] = entry.get("seats_changed", 0) + 1
        entry["unfilled"] = entry.get("unfilled", 0) + (item["after"] is None)
    for extra in copy.added:
        per_org.setdefault(
            extra["organisation"],
            {
                "organisation_id": extra["organisation_id"],
                "organisation": extra["organisation"],
                "seats_changed": 0,
                "unfilled": 0,
            },
        )
    return changed, sorted(per_org.values(), key=lambda o: o["organisation"])


def work_out(
    engine: Engine,
    settings: Settings,
    spec: dict[str, Any],
    progress: Progress,
    should_stop: Callable[[], bool],
) -> dict[str, Any]:
    """Solve the scenario's copy of the plan and compare it with the plan (JSON)."""
    scenario = ScenarioSpec.model_validate(spec["scenario"])
    today = date.fromisoformat(spec["today"])
    started = time.perf_counter()
    progress("scenario", 0, 1)
    with Session(engine) as session:
        live = build_instance(session, settings, today=today).instance
    limit = min(SCENARIO_LIMIT_S, settings.matching_time_limit_s)
    config = config_for(settings, time_limit_s=limit, should_stop=should_stop)
    config = dataclasses.replace(config, alternatives_per_seat=0)
    # The plan as it stands: its seats kept, the seats it leaves open filled where possible
    # (so that the scenario's difference is the changes', not seats no run has filled yet).
    current = {m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in live.assignments}
    baseline = m.solve(dataclasses.replace(live, assignments=kept(m.Plan(current))), config)
    copy = _copy_with(live, scenario, today, baseline.plan)
    result = m.solve(copy.instance, config)
    changed, affected = _compare(live, copy, result)
    progress("scenario", 1, 1)
    return {
        "today": today.isoformat(),
        "name": scenario.name,
        "current": {
            **_figures(live, baseline.plan),
            "status": baseline.status,
            "gap": baseline.gap,
            "solve_s": round(baseline.wall_s, 2),
        },
        "scenario": {
            **_figures(copy.instance, result.plan),
            "status": result.status,
            "gap": result.gap,
            "solve_s": round(result.wall_s, 2),
        },
        "wall_s": round(time.perf_counter() - started, 2),
        "seats_changed": len(changed),
        "changes": changed,
        "organisations": affected,
        "added_needs": copy.added,
        "violations": [v.as_dict() for v in result.violations],
        # Every seat of the scenario's plan that is not confirmed: its proposals if adopted.
        "plan": [
            {"need_id": seat.need_id, "seat": seat.seat, "trust_person_id": vp_id}
            for seat, vp_id in sorted(result.plan.assignments.items())
            if seat not in copy.fixed
        ],
    }


# --------------------------------------------------------------------------- adopting


def _apply_for_real(
    session: Session,
    settings: Settings,
    spec: ScenarioSpec,
    result: dict[str, Any],
    viewer: Viewer | None,
) -> dict[int, int]:
    """Make the changes real; the ids of the needs the scenario added, by its own ids."""
    made: dict[int, int] = {}
    added = {need["need_id"]: need for need in result["added_needs"]}
    replaced = {n["need_id"]: n for n in added.values() if n.get("replaces_need_id")}
    for change in spec.changes:
        if isinstance(change, Absent):
            trust_persons.add_absence(
                session,
                trust_person_id=change.trust_person_id,
                data=AbsenceCreate(
                    kind=AbsenceKind.OTHER,
                    starts_on=change.first_day,
                    ends_on=change.last_day + timedelta(days=1),
                    note=f"scenario: {spec.name}"[:300],
                ),
                viewer=viewer,
            )
        elif isinstance(change, Leaving):
            _end_assignments(session, change, viewer)
            _archive_after(session, settings, change, viewer)
        elif isinstance(change, WeightChange):
            rule_weights.set_weight(session, change.name, change.value, viewer=viewer)
        elif isinstance(change, Capacity):
            values = {
                "capacity_hours_per_month": change.hours_per_month,
                "capacity_standing_clients": change.standing_clients,
            }
            trust_persons.update_trust_person(
                session,
                trust_person_id=change.trust_person_id,
                data=TrustPersonUpdate.model_validate(
                    {k: v for k, v in values.items() if v is not None}
                ),
                viewer=viewer,
            )
        elif isinstance(change, NewClient):
            need_id = next(
                key
                for key, need in added.items()
                if need["why"] == "new_client" and need["organisation"] == change.name
            )
            made[need_id] = _new_client_for_real(session, change, result["today"], viewer)
    for key, need in replaced.items():
        original = session.get(Need, need["replaces_need_id"])
        if original is None:
            continue
        created = needs.create_need(
            session,
            organisation_id=original.organisation_id,
            data=NeedCreate(
                kind=NeedKind(need["kind"]),
                title=f"{'Vervanging' if need['why'] == 'absence' else 'Opvolging'}: "
                f"{original.title}"[:200],
                scopes=list(original.scopes),
                languages=list(original.languages),
                starts_on=date.fromisoformat(need["starts_on"]),
                ends_on=date.fromisoformat(need["ends_on"]) if need["ends_on"] else None,
                expected_hours_per_month=original.expected_hours_per_month,
                seats=1,
                site_id=original.site_id,
            ),
            viewer=viewer,
        )
        made[key] = created.id
    return made


def _end_assignments(session: Session, change: Leaving, viewer: Viewer | None) -> None:
    """End the leaving VP's confirmed assignments after their last day."""
    after = change.last_day + timedelta(days=1)
    for assignment in session.exec(
        select(Assignment).where(
            Assignment.trust_person_id == change.trust_person_id,
            Assignment.status == AssignmentStatus.CONFIRMED,
        )
    ).all():
        runs_past = assignment.ends_on is None or assignment.ends_on > after
        if runs_past and assignment.starts_on < after and assignment.id is not None:
            assignments.end_assignment(
                session, assignment_id=assignment.id, on=after, viewer=viewer
            )


def _archive_after(
    session: Session, settings: Settings, change: Leaving, viewer: Viewer | None
) -> None:
    """Archive the leaving VP from the day after their last day: now if that has come."""
    if change.last_day < settings.today():
        trust_persons.deactivate_trust_person(
            session, trust_person_id=change.trust_person_id, viewer=viewer
        )
        return
    first_day_gone = change.last_day + timedelta(days=1)
    queue.enqueue(
        session,
        ARCHIVE_TASK,
        {
            "trust_person_id": change.trust_person_id,
            "last_day": change.last_day.isoformat(),
            "by": viewer.user_id if viewer else None,
            "queued_at": utc_now().isoformat(),
        },
        run_after=datetime.combine(first_day_gone, datetime.min.time(), settings.zone),
        max_attempts=3,
    )


def archive_leaver(session: Session, payload: dict[str, Any]) -> None:
    """The queue's task: archive a VP whose last day (an adopted scenario's) has passed.

    The planner who adopted the scenario archives them (audited as theirs); a VP archived
    meanwhile stays as they are, and so does one a planner reactivated after the scenario
    was adopted (they are staying after all: that later decision stands).
    """
    viewer = viewer_of_user(session, payload.get("by"))
    vp = session.get(TrustPerson, int(payload["trust_person_id"]))
    if vp is None or not vp.active or vp.id is None:
        return
    queued = payload.get("queued_at")
    if queued is not None and _reactivated_since(session, vp.id, datetime.fromisoformat(queued)):
        return
    trust_persons.deactivate_trust_person(session, trust_person_id=vp.id, viewer=viewer)


def _reactivated_since(session: Session, trust_person_id: int, since: datetime) -> bool:
    """Whether a planner took the VP back into planning after ``since``."""
    return (
        session.exec(
            select(AuditEntry.id).where(
                AuditEntry.action == "trust_person_reactivated",
                AuditEntry.entity_id == trust_person_id,
                col(AuditEntry.at) > since,
            )
        ).first()
        is not None
    )


def _new_client_for_real(
    session: Session, change: NewClient, today: str, viewer: Viewer | None
) -> int:
    organisation = organisations.create_organisation(
        session,
        data=OrganisationCreate(name=change.name, sector=change.sector, headcount=change.headcount),
        viewer=viewer,
    )
    for number, site in enumerate(change.sites):
        point = _location(site)
        name = site.place or f"Vestiging {number + 1}"
        organisations.add_site(
            session,
            organisation_id=organisation.id,
            data=SiteCreate(
                name=name,
                municipality=name,
                latitude=point.latitude,
                longitude=point.longitude,
                is_main=number == 0,
            ),
            viewer=viewer,
        )
    created = needs.create_need(
        session,
        organisation_id=organisation.id,
        data=NeedCreate(
            kind=NeedKind.STANDING,
            title=f"Externe VP {change.name}"[:200],
            scopes=list(change.scopes),
            languages=list(change.languages),
            starts_on=max(change.first_day or date.fromisoformat(today), date.fromisoformat(today)),
            expected_hours_per_month=change.hours_per_month,
            seats=change.seats,
        ),
        viewer=viewer,
    )
    return created.id


def adopt(
    session: Session,
    settings: Settings,
    spec: ScenarioSpec,
    result: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    actor_user_id: int | None = None,
) -> int:
    """Make the scenario real: its changes, then its seats as proposals of a new run.

    The seats are checked by the independent validator against the data as it is after the
    changes; the planner confirms them on the run's page.

    Returns:
        The id of the matching run holding the proposals.

    Raises:
        Conflict: the plan changed since the scenario was solved so that its seats would
            break hard rules (nothing is changed).
    """
    today = date.fromisoformat(result["today"])
    made = _apply_for_real(session, settings, spec, result, viewer)
    live = build_instance(session, settings, today=today, with_previous_plan=False)
    instance = live.instance
    plan = {m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in instance.assignments}
    proposals: dict[m.SeatRef, int] = {}
    for item in result["plan"]:
        need_id = made.get(item["need_id"], item["need_id"])
        seat = m.SeatRef(need_id, item["seat"])
        if need_id not in live.need_periods or seat in plan:
            continue  # a seat held meanwhile, or a need closed: left for the next run
        proposals[seat] = item["trust_person_id"]
    violations = m.new_violations(instance, m.Plan({**plan, **proposals}))
    if violations:
        raise Conflict(
            "The plan changed since this scenario was solved; its seats would break hard rules "
            "({details}). Run the scenario again.",
            details=m.Findings(tuple(violations[:10])),
        )
    run = MatchingRun(
        created_by_user_id=actor_user_id,
        status=MatchingRunStatus.SUCCEEDED,
        settings={"scenario": spec.name, "keep_confirmed": True},
        seats_total=sum(n.seats for n in instance.needs),
        seats_filled=len(plan) + len(proposals),
        explanation={"scenario": spec.name, "seats": [], "unfilled": [], "shortages": []},
    )
    session.add(run)
    session.flush()
    assert run.id is not None  # noqa: S101  (flushed)
    add_proposals(session, live, run.id, proposals)
    session.flush()
    return run.id
