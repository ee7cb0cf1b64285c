"""Matching runs: build the instance from the database, solve outside the request, store, confirm.

A run goes ``queued`` → ``running`` → ``succeeded`` (or ``failed`` / ``cancelled``). The solve
itself never runs inside a request: :func:`start_run` stores the run and a job on the queue
in the request's transaction, and a `vppool worker` runs it (:func:`execute_queued`), or the
CLI runs it in the foreground. :func:`execute_run` opens its own short transactions (to mark
progress, then to store); a run whose worker died is failed by the queue
(:func:`abandon_run`). Every plan is validated before it is stored; :func:`confirm_run`
re-validates the chosen seats against the state of the moment and refuses with a
:class:`Conflict` when the data changed in a way that breaks them.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel, col, or_, select

from vppool import matching as m
from vppool.db import serialised
from vppool.db.engine import serialise_writes
from vppool.db.models import (
    Absence,
    Assignment,
    ConflictOfInterest,
    MatchingRun,
    Need,
    Organisation,
    Preference,
    Site,
    TrustPerson,
)
from vppool.db.types import utc_now
from vppool.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from vppool.services import audit, calendar_sources, consent, queue, rule_weights, run_review
from vppool.services._common import SYSTEM, Actor, plain_rows
from vppool.services.compliance import compliance_exclusions, current_certificates
from vppool.settings import Settings
from vppool.vocab import (
    AssignmentStatus,
    ConflictReason,
    MatchingRunStatus,
    NeedKind,
    NeedStatus,
    WorkMode,
)

__all__ = [
    "TASK",
    "InstanceBundle",
    "QuickCandidate",
    "QuickMatchResult",
    "RunSummary",
    "abandon_run",
    "add_proposals",
    "build_instance",
    "cancel_run",
    "confirm_run",
    "execute_queued",
    "execute_run",
    "get_run",
    "latest_run",
    "list_runs",
    "matching_config",
    "override_seat",
    "quick_match_need",
    "start_run",
]

log = logging.getLogger(__name__)

_PROGRESS_EVERY_S = 0.5
#: The queue's name of the task that executes a run.
TASK = "matching_run"


class RunSummary(BaseModel):
    """What a planner sees of a run."""

    id: int
    status: MatchingRunStatus
    solver_status: str | None
    objective: float | None
    best_bound: float | None
    gap: float | None
    seats_total: int | None
    seats_filled: int | None
    first_feasible_s: float | None
    wall_s: float | None
    progress: dict[str, Any]
    explanation: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _summary(run: MatchingRun) -> RunSummary:
    return RunSummary.model_validate(run, from_attributes=True)


def _run(session: Session, run_id: int) -> MatchingRun:
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound("matching run", run_id)
    return run


# --------------------------------------------------------------------------- instance


@dataclass(frozen=True, slots=True)
class InstanceBundle:
    """The instance plus what the service needs to map results back to rows.

    A plain dataclass: its parts are built here from typed rows, and validating thousands of
    need periods again cost a quick match at L about 130 ms.
    """

    instance: m.MatchingInstance
    need_periods: dict[int, tuple[date, date | None]]


def _today(settings: Settings, today: date | None) -> date:
    return today or settings.today()


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _rows(model: type[SQLModel]) -> sa.Select[Any]:
    """A SELECT of a table's columns as plain rows (attribute access by column name).

    Building a matching instance reads thousands of rows only to copy a few fields each;
    plain rows skip the ORM's per-object bookkeeping, which was most of the time on M. The
    bookkeeping timestamps are left out: no rule reads them, and turning each into an aware
    datetime was a sixth of a quick match's time at L.
    """
    table = model.__table__  # type: ignore[attr-defined]
    return sa.select(*(c for c in table.columns if c.name not in _BOOKKEEPING))


#: Columns every table carries for the record's history, never read by the matcher.
_BOOKKEEPING = frozenset({"created_at", "updated_at"})


def build_instance(
    session: Session,
    settings: Settings,
    *,
    today: date | None = None,
    keep_confirmed: bool = True,
    with_previous_plan: bool = True,
    only_need: int | None = None,
    load_needs: Collection[int] = (),
) -> InstanceBundle:
    """Read the pool, the open needs and the current plan into a matching instance.

    Args:
        session: the session to read with.
        settings: rule numbers and the horizon.
        today: the planning date (default: today in the configured zone).
        keep_confirmed: keep confirmed assignments fixed (False: a re-optimisation proposal).
        with_previous_plan: count the last succeeded run's proposals as the previous plan
            (continuity and solver hints).
        only_need: of the open needs, read only this one in full; every other need that
            holds a confirmed assignment is read for its load alone (period, hours, standing
            or not), without wishes or sites: what a quick match needs.
        load_needs: with ``only_need``, open needs to read for their load too (the needs a
            run proposed VPs for, when its proposals count as the VPs' loads).
    """
    today = _today(settings, today)
    horizon_end = _add_months(today, settings.matching_horizon_months)
    rules = settings.rules()

    holding = sa.and_(
        col(Assignment.status).in_(consent.HELD_STATUSES),
        or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) > today),
        col(Assignment.starts_on) < horizon_end,
    )
    confirmed = plain_rows(session, _rows(Assignment).where(holding))
    busy_need_ids = {a.need_id for a in confirmed}
    open_needs = sa.and_(
        col(Need.status) == NeedStatus.OPEN,
        or_(col(Need.ends_on).is_(None), col(Need.ends_on) > today),
        col(Need.starts_on) < horizon_end,
    )
    load_only: Sequence[Any] = ()
    if only_need is None:
        wanted = or_(open_needs, col(Need.id).in_(busy_need_ids) if busy_need_ids else sa.false())
    else:
        wanted = sa.and_(open_needs, col(Need.id) == only_need)
        # The other needs only weigh on their VPs' hours and standing clients: their load is
        # all a quick match reads of them, so their wishes, sites and organisation are not read.
        columns = [col(getattr(Need, name)) for name in _LOAD_COLUMNS]
        if busy_need_ids - {only_need}:
            # The ids as a subquery, not a list of thousands of literals to bind.
            held = sa.select(col(Assignment.need_id)).where(holding).distinct()
            load_only = plain_rows(
                session,
                sa.select(*columns).where(col(Need.id).in_(held), col(Need.id) != only_need),
            )
        if extra := set(load_needs) - busy_need_ids - {only_need}:
            load_only = [
                *load_only,
                *plain_rows(
                    session, sa.select(*columns).where(open_needs, col(Need.id).in_(extra))
                ),
            ]
    needs = plain_rows(session, _rows(Need).where(wanted))
    need_inputs = _need_inputs(session, needs, settings.wish_local_km) + [
        _load_input(tuple(need)) for need in load_only
    ]
    periods: dict[int, tuple[date, date | None]] = {
        need.id: (need.period.starts_on, need.period.ends_on) for need in need_inputs
    }

    certificates = current_certificates(session, today)
    expiry = {vp_id: cert.expires_on for vp_id, cert in certificates.items()}
    exclusions = compliance_exclusions(session, settings, certificates, today)
    absences: dict[int, list[m.Period]] = defaultdict(list)
    for absence in plain_rows(
        session,
        _rows(Absence).where(col(Absence.ends_on) > today, col(Absence.starts_on) < horizon_end),
    ):
        absences[absence.trust_person_id].append(m.Period(absence.starts_on, absence.ends_on))
    # Days the VPs' own calendars fill completely count as absences too.
    for vp_id, days in calendar_sources.booked_days(session, today, horizon_end).items():
        absences[vp_id].extend(m.Period(d.starts_on, d.ends_on) for d in days)
    vps = [
        m.TrustPersonInput(
            id=vp.id,
            name=f"{vp.first_name} {vp.last_name}",
            scopes=frozenset(vp.scopes),
            languages=frozenset(vp.languages),
            home=m.Location(vp.home_latitude, vp.home_longitude),
            max_travel_km=vp.max_travel_km,
            capacity_hours_per_month=vp.capacity_hours_per_month,
            capacity_standing_clients=vp.capacity_standing_clients,
            certification_expires_on=expiry.get(vp.id),
            sectors=frozenset(vp.sectors),
            gender=vp.gender.value if vp.gender else None,
            absences=tuple(absences.get(vp.id, ())),
            active=vp.active,
            excluded_reason=exclusions.get(vp.id),
        )
        for vp in plain_rows(session, _rows(TrustPerson).order_by(col(TrustPerson.id)))
        if vp.id is not None
    ]

    lookback = timedelta(days=round(365.25 * rules.conflict_lookback_years))
    conflicts = []
    for conflict in plain_rows(session, _rows(ConflictOfInterest)):
        ends = conflict.ends_on
        if ends is not None and conflict.reason == ConflictReason.EMPLOYMENT:
            ends = ends + lookback  # former employment stays a conflict for the look-back
        period = (
            None
            if conflict.starts_on is None and ends is None
            else m.Period(conflict.starts_on or date.min, ends)
        )
        conflicts.append(
            m.ConflictInput(
                conflict.trust_person_id, conflict.organisation_id, conflict.reason.value, period
            )
        )
    preferences = [
        m.PreferenceInput(p.trust_person_id, p.organisation_id, p.strength, p.party.value)
        for p in plain_rows(session, _rows(Preference))
    ]

    need_ids = {n.id for n in need_inputs}
    assignments = [
        m.ExistingAssignment(a.need_id, a.seat, a.trust_person_id, "confirmed", a.pinned)
        for a in confirmed
        if a.need_id in need_ids
    ]
    run_id = _last_succeeded_run_id(session) if with_previous_plan else None
    if run_id is not None:
        taken = {(a.need_id, a.seat) for a in assignments}
        for proposal in plain_rows(
            session,
            _rows(Assignment).where(
                col(Assignment.matching_run_id) == run_id,
                col(Assignment.status) == AssignmentStatus.PROPOSED,
            ),
        ):
            if proposal.need_id in need_ids and (proposal.need_id, proposal.seat) not in taken:
                assignments.append(
                    m.ExistingAssignment(
                        proposal.need_id, proposal.seat, proposal.trust_person_id, "proposed"
                    )
                )
    instance = m.MatchingInstance(
        today=today,
        horizon_end=horizon_end,
        trust_persons=tuple(vps),
        needs=tuple(sorted(need_inputs, key=lambda n: n.id)),
        assignments=tuple(assignments),
        conflicts=tuple(conflicts),
        preferences=tuple(preferences),
        rules=m.RuleSettings(
            max_absence_share=settings.max_absence_share, keep_confirmed=keep_confirmed
        ),
        weights=rule_weights.weights_of(session),
    )
    return InstanceBundle(instance=instance, need_periods=periods)


#: What a need's load is made of (the period, the hours, standing or not) and its identity.
_LOAD_COLUMNS = (
    "id",
    "organisation_id",
    "kind",
    "starts_on",
    "ends_on",
    "expected_hours_per_month",
    "seats",
    "urgency",
)


@functools.lru_cache(maxsize=1 << 16)
def _load_input(need: tuple[Any, ...]) -> m.NeedInput:
    """A need read only for the load it puts on its VPs (no wishes, no sites).

    ``need`` holds the values of :data:`_LOAD_COLUMNS`. The input is immutable and made of
    those values alone, so a process keeps the ones it made: a quick match at L reads about
    2,800 such needs per request and they rarely change between two requests.
    """
    need_id, organisation_id, kind, starts_on, ends_on, hours, seats, urgency = need
    return m.NeedInput(
        id=need_id,
        organisation_id=organisation_id,
        organisation_name="",
        kind=kind.value,
        scopes=frozenset(),
        languages=frozenset(),
        period=m.Period(starts_on, ends_on),
        hours_per_month=hours,
        seats=seats,
        sites=(),
        urgency=urgency.value,
    )


def _need_inputs(session: Session, needs: Sequence[Any], local_km: float) -> list[m.NeedInput]:
    """Needs as the matcher reads them: wishes, sites and the organisation's defaults."""
    organisation_ids = sorted({need.organisation_id for need in needs})
    organisations = {
        o.id: o
        for o in plain_rows(
            session,
            sa.select(
                col(Organisation.id),
                col(Organisation.name),
                col(Organisation.sector),
                col(Organisation.requires_gender_mix),
                col(Organisation.max_travel_km),
            ).where(col(Organisation.id).in_(organisation_ids)),
        )
    }
    sites: dict[int, list[Any]] = defaultdict(list)
    for site in plain_rows(
        session,
        sa.select(col(Site.id), col(Site.organisation_id), col(Site.latitude), col(Site.longitude))
        .where(col(Site.organisation_id).in_(organisation_ids))
        .order_by(col(Site.id)),
    ):
        sites[site.organisation_id].append(site)
    sites_by_id = {s.id: s for group in sites.values() for s in group}

    need_inputs = []
    for need in needs:
        org = organisations[need.organisation_id]
        remote = need.wish_mode == WorkMode.REMOTE
        chosen_sites = (
            []  # remote help: no site to reach, no travel limit, no travel cost
            if remote
            else [sites_by_id[need.site_id]]
            if need.site_id in sites_by_id
            else sites.get(need.organisation_id, [])
        )
        mix = need.requires_gender_mix or (
            org.requires_gender_mix and need.kind == NeedKind.STANDING
        )
        need_inputs.append(
            m.NeedInput(
                id=need.id,
                organisation_id=need.organisation_id,
                organisation_name=org.name,
                kind=need.kind.value,
                scopes=frozenset(need.scopes),
                languages=frozenset(need.languages),
                period=m.Period(need.starts_on, need.ends_on),
                hours_per_month=need.expected_hours_per_month,
                seats=need.seats,
                sites=tuple(m.Location(s.latitude, s.longitude) for s in chosen_sites),
                sector=org.sector,
                urgency=need.urgency.value,
                requires_gender_mix=mix,
                max_travel_km=need.max_travel_km
                if need.max_travel_km is not None
                else org.max_travel_km,
                wishes=wishes_input(need, local_km),
            )
        )
    return need_inputs


def wishes_input(need: Any, local_km: float) -> m.Wishes:
    """A need's wishes as the matcher reads them (``local_km``: what counts as local)."""
    return m.Wishes(
        genders=frozenset(need.wish_genders),
        languages=frozenset(need.wish_languages),
        sectors=frozenset(need.wish_sectors),
        locality=None if need.wish_locality is None else str(need.wish_locality),
        local_km=local_km,
        hard=frozenset(need.hard_wishes),
    )


def _last_succeeded_run_id(session: Session) -> int | None:
    return session.exec(
        select(MatchingRun.id)
        .where(MatchingRun.status == MatchingRunStatus.SUCCEEDED)
        .order_by(col(MatchingRun.id).desc())
        .limit(1)
    ).first()


# --------------------------------------------------------------------------- runs


def matching_config(settings: Settings, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run settings stored with a run: the configured defaults with validated overrides."""
    values: dict[str, Any] = {
        "time_limit_s": settings.matching_time_limit_s,
        "workers": settings.matching_workers,
        "seed": settings.matching_seed,
        "max_candidates_per_need": settings.matching_max_candidates,
        "keep_confirmed": True,
    }
    errors = []
    for key, value in (overrides or {}).items():
        if key not in values:
            errors.append((key, f"unknown run setting; use one of {', '.join(values)}"))
        elif key == "keep_confirmed":
            values[key] = bool(value)
        elif not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            errors.append((key, "must be a positive number"))
        elif key == "time_limit_s" and value > 3600:
            errors.append((key, "must be at most 3600 seconds"))
        else:
            values[key] = value
    if errors:
        raise ValidationFailed([FieldError(k, v) for k, v in errors], subject="matching run")
    return values


def start_run(
    session: Session,
    settings: Settings,
    *,
    actor: Actor = SYSTEM,
    overrides: dict[str, Any] | None = None,
    enqueue: bool = True,
) -> RunSummary:
    """Store a queued run with its settings and put it on the job queue.

    A worker executes it once the transaction commits; with ``enqueue=False`` the caller
    runs :func:`execute_run` itself (the CLI, in the foreground).
    """
    run = MatchingRun(
        created_by_user_id=actor.user_id, settings=matching_config(settings, overrides)
    )
    session.add(run)
    session.flush()
    if enqueue:
        queue.enqueue(session, TASK, {"run_id": run.id}, unique_key=f"{TASK}:{run.id}")
    audit.record_change(
        session, actor, action="matching_run_started", entity_type="matching_run", entity_id=run.id
    )
    return _summary(run)


def get_run(session: Session, run_id: int) -> RunSummary:
    """A run's status, progress, figures and explanation."""
    return _summary(_run(session, run_id))


def _headline(run: MatchingRun) -> RunSummary:
    """A run's summary without its explanation (which is not read from the database)."""
    return RunSummary.model_validate(
        {
            name: {} if name == "explanation" else getattr(run, name)
            for name in RunSummary.model_fields
        }
    )


def _headlines() -> Any:
    return select(MatchingRun).options(defer(MatchingRun.explanation))  # type: ignore[arg-type]


def latest_run(session: Session) -> RunSummary | None:
    """The most recent run without its (large) explanation, if any."""
    run = session.exec(_headlines().order_by(col(MatchingRun.id).desc()).limit(1)).first()
    return _headline(run) if run else None


def cancel_run(session: Session, run_id: int, *, actor: Actor = SYSTEM) -> RunSummary:
    """Ask a queued or running run to stop; a finished run cannot be cancelled."""
    run = _run(session, run_id)
    if run.status not in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
        msg = f"matching run {run_id} has already {run.status.value}; only running runs stop"
        raise Conflict(msg)
    queue.stop_run(session, actor, run, TASK, "matching_run")
    return _summary(run)


def _set(engine: Engine, run_id: int, **values: Any) -> MatchingRunStatus:
    """Update a run in its own short transaction; returns its status (cancellation check).

    A run that ended meanwhile (cancelled, or failed by the queue) is left as it is.
    """
    with Session(serialised(engine)) as session:  # reads, then writes: lock first on SQLite
        run = _run(session, run_id)
        if run.status not in (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING):
            return run.status
        for key, value in values.items():
            setattr(run, key, value)
        session.add(run)
        session.commit()
        return run.status


def _status(engine: Engine, run_id: int) -> MatchingRunStatus:
    with Session(engine) as session:
        run = _run(session, run_id)
        return run.status


def execute_run(
    engine: Engine,
    settings: Settings,
    run_id: int,
    *,
    today: date | None = None,
    on_progress: Callable[[m.ProgressEvent], None] | None = None,
) -> RunSummary:
    """Run a queued matching run to its end and store the proposal and its explanation."""
    with Session(engine) as session:
        run = _run(session, run_id)
        if run.status is not MatchingRunStatus.QUEUED:
            msg = f"matching run {run_id} is {run.status.value}, not queued"
            raise Conflict(msg)
        options = dict(run.settings)
    if _set(engine, run_id, status=MatchingRunStatus.RUNNING, started_at=utc_now()) is not (
        MatchingRunStatus.RUNNING
    ):
        return _finished(engine, run_id)
    try:
        with Session(engine) as session:
            bundle = build_instance(
                session, settings, today=today, keep_confirmed=options["keep_confirmed"]
            )
        last_write = [0.0]
        cancelled = [False]

        def progress(event: m.ProgressEvent) -> None:
            if on_progress is not None:
                on_progress(event)
            now = time.perf_counter()
            if now - last_write[0] >= _PROGRESS_EVERY_S:
                last_write[0] = now
                state = _set(
                    engine,
                    run_id,
                    progress={
                        "phase": event.phase,
                        "elapsed_s": round(event.elapsed_s, 2),
                        "objective": event.objective,
                        "bound": event.bound,
                    },
                )
                cancelled[0] = state is not MatchingRunStatus.RUNNING

        config = m.MatchingConfig(
            time_limit_s=float(options["time_limit_s"]),
            workers=int(options["workers"]),
            seed=int(options["seed"]),
            max_candidates_per_need=int(options["max_candidates_per_need"]),
            progress=progress,
            should_stop=lambda: cancelled[0],
        )
        result = m.solve(bundle.instance, config)
    except m.MatchingInputError as exc:
        _set(engine, run_id, status=MatchingRunStatus.FAILED, error=str(exc), finished_at=utc_now())
        return _finished(engine, run_id)
    except Exception as exc:  # a run must end in a stored state, whatever happened
        log.exception("matching run %s failed", run_id)
        _set(
            engine,
            run_id,
            status=MatchingRunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=utc_now(),
        )
        return _finished(engine, run_id)
    if _status(engine, run_id) is not MatchingRunStatus.RUNNING:
        return _finished(engine, run_id)
    _store(engine, run_id, bundle, result)
    return _finished(engine, run_id)


def execute_queued(engine: Engine, settings: Settings, run_id: int) -> RunSummary | None:
    """The queue's task: execute the run if it is still queued (``None``: cancelled before)."""
    with Session(engine) as session:
        run = session.get(MatchingRun, run_id)
        if run is None or run.status is not MatchingRunStatus.QUEUED:
            return None
    return execute_run(engine, settings, run_id)


def abandon_run(session: Session, payload: dict[str, Any], reason: str) -> None:
    """Fail a run whose worker stopped (the queue gave up on its job); the reason is kept."""
    queue.fail_abandoned(session, MatchingRun, payload, reason)


def _finished(engine: Engine, run_id: int) -> RunSummary:
    with Session(engine) as session:
        return get_run(session, run_id)


def _store(engine: Engine, run_id: int, bundle: InstanceBundle, result: m.MatchingResult) -> None:
    """Validate, then store the proposals and the explanation in one transaction."""
    explanation = explanation_of(bundle.instance, result)
    with Session(serialised(engine)) as session:  # reads, then writes: lock first on SQLite
        run = _run(session, run_id)
        if run.status is not MatchingRunStatus.RUNNING:  # cancelled, or failed by the queue
            return
        run.finished_at = utc_now()
        run.solver_status = result.status
        run.objective = result.objective
        run.best_bound = result.best_bound
        run.gap = result.gap
        run.seats_total = sum(n.seats for n in bundle.instance.needs)
        run.seats_filled = len(result.plan.assignments)
        run.first_feasible_s = result.first_feasible_s
        run.wall_s = result.wall_s
        run.explanation = explanation
        if result.violations:
            findings = m.Findings(result.violations[:10])
            run.status = MatchingRunStatus.FAILED
            run.error = f"the plan breaks hard rules; nothing was stored: {findings}"
        else:
            run.status = MatchingRunStatus.SUCCEEDED
            fixed = {
                (a.need_id, a.seat)
                for a in bundle.instance.assignments
                if a.status == "confirmed" or a.pinned
            }
            chosen = {
                seat: vp_id
                for seat, vp_id in result.plan.assignments.items()
                if (seat.need_id, seat.seat) not in fixed
            }
            add_proposals(session, bundle, run_id, chosen)
        session.add(run)
        session.commit()


def add_proposals(
    session: Session, bundle: InstanceBundle, run_id: int, seats: Mapping[m.SeatRef, int]
) -> None:
    """Store ``seats`` as the run's proposals, each from its need's start or today if later."""
    for seat, vp_id in sorted(seats.items()):
        starts, ends = bundle.need_periods[seat.need_id]
        session.add(
            Assignment(
                need_id=seat.need_id,
                trust_person_id=vp_id,
                seat=seat.seat,
                starts_on=max(starts, bundle.instance.today),
                ends_on=ends,
                status=AssignmentStatus.PROPOSED,
                matching_run_id=run_id,
            )
        )


def fill_left_open(explanation: Mapping[str, Any]) -> tuple[int, int] | None:
    """A run's urgency-weighted fill and its bound where more seats may be fillable, else None.

    The matcher fills seats first; where it stopped before it proved that no plan fills more
    (:func:`explanation_of` stores both figures), the planner is told, on the run's page and
    by ``vppool solve``.
    """
    filled = explanation.get("fill_objective")
    most = explanation.get("fill_bound")
    if filled is None or most is None or round(most) <= round(filled):
        return None
    return round(filled), round(most)


def explanation_of(instance: m.MatchingInstance, result: m.MatchingResult) -> dict[str, Any]:
    """The JSON explanation stored with a run: per seat, per gap, per rule, and the numbers."""
    names = {vp.id: vp.name for vp in instance.trust_persons}
    used = m.utilisation(instance, result.plan)
    values = sorted(used.values())
    return {
        "utilisation": {
            "per_trust_person": {str(k): v for k, v in used.items()},
            "mean": round(sum(values) / len(values), 1) if values else 0.0,
            "max": values[-1] if values else 0.0,
            "over_90": sum(1 for v in values if v > 90),
        },
        "status": result.status,
        "objective_terms": dict(result.objective_terms),
        "fill_objective": result.fill_objective,
        "fill_bound": result.fill_bound,
        "stats": dict(result.stats),
        "violations": [v.as_dict() for v in result.violations],
        "seats": [
            {
                "need_id": s.seat.need_id,
                "seat": s.seat.seat,
                "trust_person_id": s.trust_person_id,
                "name": names.get(s.trust_person_id),
                "fixed": s.fixed,
                "costs": dict(s.costs),
                "alternatives": [
                    {
                        "trust_person_id": a.trust_person_id,
                        "name": a.name,
                        "cost_delta": a.cost_delta,
                    }
                    for a in s.alternatives
                ],
            }
            for s in result.seats
        ],
        "unfilled": [
            {
                "need_id": u.seat.need_id,
                "seat": u.seat.seat,
                "reasons": dict(u.reasons),
                "message": u.message,
            }
            for u in result.unfilled
        ],
        "shortages": [
            {
                "dimension": s.dimension,
                "key": s.key,
                "demand_seats": s.demand_seats,
                "supply_seats": s.supply_seats,
                "message": s.message,
            }
            for s in result.shortages
        ],
    }


# --------------------------------------------------------------------------- confirm


def confirm_run(
    session: Session,
    settings: Settings,
    run_id: int,
    *,
    seats: Iterable[tuple[int, int]] | None = None,
    actor: Actor = SYSTEM,
    today: date | None = None,
) -> list[int]:
    """Confirm a run's proposals (all, or the chosen ``(need_id, seat)`` pairs) in one go.

    The chosen proposals are re-validated against the current state: if a seat has been
    taken since, or the plan would now break a hard rule (capacity used up by another
    confirmation, an expired certificate, a new conflict of interest), nothing is
    confirmed and :class:`Conflict` names what changed.

    Returns:
        The ids of the confirmed assignments.
    """
    serialise_writes(session)
    run = _run(session, run_id)
    if run.status is not MatchingRunStatus.SUCCEEDED:
        raise Conflict(
            "Matching run {run} is {status}; only a finished run can be confirmed.",
            run=run_id,
            status=run.status,
        )
    run_review.refuse_out_of_date(session, run_id)
    proposals = session.exec(
        select(Assignment)
        .where(
            Assignment.matching_run_id == run_id,
            Assignment.status == AssignmentStatus.PROPOSED,
        )
        .order_by(col(Assignment.id))
        .with_for_update()
    ).all()
    by_seat = {(p.need_id, p.seat): p for p in proposals}
    wanted = list(by_seat) if seats is None else list(dict.fromkeys(seats))
    unknown = [seat for seat in wanted if seat not in by_seat]
    if unknown:
        raise ValidationFailed.single(
            "seats",
            "not proposed by this run (or already confirmed): "
            + ", ".join(f"need {n} seat {s}" for n, s in unknown),
            subject="confirmation",
        )
    if not wanted:
        raise ValidationFailed.single("seats", "nothing to confirm", subject="confirmation")
    chosen = [by_seat[seat] for seat in wanted]
    _lock_trust_persons(session, {p.trust_person_id for p in chosen})
    bundle = build_instance(session, settings, today=today, with_previous_plan=False)
    instance = bundle.instance
    plan: dict[m.SeatRef, int] = {}
    for assignment in instance.assignments:
        plan[m.SeatRef(assignment.need_id, assignment.seat)] = assignment.trust_person_id
    changed = []
    for proposal in chosen:
        seat = m.SeatRef(proposal.need_id, proposal.seat)
        if seat in plan or proposal.need_id not in bundle.need_periods:
            changed.append(f"#{proposal.need_id}/{proposal.seat}")
            continue
        plan[seat] = proposal.trust_person_id
    if changed:
        raise Conflict(
            "The plan is out of date: these seats (need/seat) are no longer open: {seats}. "
            "Start a new matching run.",
            seats=", ".join(changed),
        )
    violations = m.new_violations(instance, m.Plan(plan))
    if violations:
        raise Conflict(
            "Confirming now would break hard rules ({details}). Start a new matching run.",
            details=m.Findings(tuple(violations[:10])),
        )
    consent.ask_or_confirm(session, chosen, settings)
    ids = [p.id for p in chosen if p.id is not None]
    audit.record_change(
        session,
        actor,
        action="matching_run_confirmed",
        entity_type="matching_run",
        entity_id=run_id,
        details={"assignment_ids": ids},
    )
    return ids


def _lock_trust_persons(session: Session, vp_ids: set[int]) -> None:
    """Serialise confirmations that touch the same VPs (row locks on PostgreSQL)."""
    if not vp_ids or session.get_bind().dialect.name != "postgresql":
        return
    session.exec(
        select(TrustPerson.id)
        .where(col(TrustPerson.id).in_(sorted(vp_ids)))
        .order_by(col(TrustPerson.id))
        .with_for_update()
    ).all()


# --------------------------------------------------------------------------- listing


def list_runs(
    session: Session, *, offset: int = 0, limit: int = 20
) -> tuple[list[RunSummary], int]:
    """Runs, newest first, without their (large) explanations."""
    total = session.exec(select(sa.func.count()).select_from(MatchingRun)).one()
    rows = session.exec(
        _headlines().order_by(col(MatchingRun.id).desc()).offset(offset).limit(limit)
    ).all()
    summaries = [_headline(run) for run in rows]
    return summaries, int(total)


# --------------------------------------------------------------------------- quick match


class QuickCandidate(BaseModel):
    """A VP for an urgent need, cheapest first."""

    trust_person_id: int
    name: str
    marginal_cost: int
    distance_km: float
    terms: dict[str, int]


class QuickMatchResult(BaseModel):
    """Ranked candidates and the count of ineligible VPs per rule."""

    need_id: int
    candidates: list[QuickCandidate]
    ineligible: dict[str, int]


def quick_match_need(
    session: Session,
    settings: Settings,
    need_id: int,
    *,
    today: date | None = None,
    limit: int = 20,
) -> QuickMatchResult:
    """Rank every VP for one need against the confirmed plan, without a solve."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("need", need_id)
    bundle = build_instance(
        session, settings, today=today, with_previous_plan=False, only_need=need_id
    )
    target = next((n for n in bundle.instance.needs if n.id == need_id), None)
    if target is None:
        raise Conflict(
            "Need {need} is {status} or outside the planning horizon.",
            need=need_id,
            status=need.status,
        )
    ranked = m.QuickMatcher(bundle.instance).rank(target, limit=limit)
    return QuickMatchResult(
        need_id=need_id,
        candidates=[QuickCandidate.model_validate(c, from_attributes=True) for c in ranked.ranked],
        ineligible=ranked.ineligible,
    )


# --------------------------------------------------------------------------- override


def override_seat(
    session: Session,
    settings: Settings,
    *,
    need_id: int,
    seat: int,
    trust_person_id: int,
    actor: Actor = SYSTEM,
    today: date | None = None,
) -> int:
    """Put a VP on a seat by hand, validated like any plan; returns the assignment id.

    Raises:
        RuleViolation: the change would break hard rules (each named, with its detail).
    """
    serialise_writes(session)
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("need", need_id)
    if session.get(TrustPerson, trust_person_id) is None:
        raise NotFound("trust person", trust_person_id)
    if not 1 <= seat <= need.seats:
        raise ValidationFailed.single("seat", f"need {need_id} has seats 1 to {need.seats}")
    _lock_trust_persons(session, {trust_person_id})
    bundle = build_instance(session, settings, today=today, with_previous_plan=False)
    if need_id not in bundle.need_periods:
        raise Conflict(
            "Need {need} is {status} or outside the planning horizon.",
            need=need_id,
            status=need.status,
        )
    plan = {m.SeatRef(a.need_id, a.seat): a.trust_person_id for a in bundle.instance.assignments}
    target = m.SeatRef(need_id, seat)
    replaced = plan.get(target)
    plan[target] = trust_person_id
    # Judge the seat against the plan without the VP it replaces.
    instance = bundle.instance
    if replaced is not None:
        kept = tuple(a for a in instance.assignments if (a.need_id, a.seat) != (need_id, seat))
        instance = replace_assignments(instance, kept)
    violations = m.new_violations(instance, m.Plan(plan))
    if violations:
        raise RuleViolation(
            "This placement breaks hard rules: {details}.",
            [v.as_dict() for v in violations],
            details=m.Findings(tuple(violations)),
        )
    today = _today(settings, today)
    now = utc_now()
    for current in session.exec(
        select(Assignment).where(
            Assignment.need_id == need_id,
            Assignment.seat == seat,
            col(Assignment.status).in_(consent.HELD_STATUSES),
        )
    ).all():
        current.status = (
            AssignmentStatus.CANCELLED if current.starts_on >= today else (AssignmentStatus.ENDED)
        )
        current.ends_on = max(today, current.starts_on + timedelta(days=1))
        current.updated_at = now
        current.revision += 1
        session.add(current)
    session.flush()
    row = Assignment(
        need_id=need_id,
        trust_person_id=trust_person_id,
        seat=seat,
        starts_on=max(need.starts_on, today),
        ends_on=need.ends_on,
        status=AssignmentStatus.PROPOSED,
    )
    race = "another change took this seat or VP at the same moment; reload and try again"
    consent.ask_or_confirm(session, [row], settings, race=race)
    audit.record_change(
        session,
        actor,
        action="assignment_overridden",
        entity_type="assignment",
        entity_id=row.id,
        details={
            "need_id": need_id,
            "seat": seat,
            "replaced_trust_person_id": replaced,
            "status": row.status,
        },
    )
    assert row.id is not None  # noqa: S101  (flushed)
    return row.id


def replace_assignments(
    instance: m.MatchingInstance, assignments: tuple[m.ExistingAssignment, ...]
) -> m.MatchingInstance:
    """The same instance with other existing assignments."""
    return dataclasses.replace(instance, assignments=assignments)
