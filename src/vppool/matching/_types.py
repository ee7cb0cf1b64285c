"""Input and output types of the matcher: frozen values, independent of the database.

Units: hours are floats at the edges and whole minutes inside the model (loads rounded up,
capacities down, so a plan never exceeds a capacity by rounding);
distances are kilometres as the crow flies (haversine) times ``Weights.road_factor``;
periods are half-open date ranges ``[starts_on, ends_on)`` and ``ends_on = None`` means open
(the matcher then looks as far as ``MatchingInstance.horizon_end``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "MESSAGE_IDS",
    "PARAM_KINDS",
    "WISH_KINDS",
    "Alternative",
    "ConflictInput",
    "ExcludedTrustPerson",
    "ExistingAssignment",
    "Findings",
    "Location",
    "MatchingConfig",
    "MatchingInstance",
    "MatchingResult",
    "NeedInput",
    "Period",
    "Plan",
    "PreferenceInput",
    "ProgressEvent",
    "RuleSettings",
    "SeatOutcome",
    "SeatRef",
    "Shortage",
    "TrustPersonInput",
    "UnfilledSeat",
    "Violation",
    "Weights",
    "Wishes",
    "Words",
    "message_id",
]

STANDING = "standing"
SHORT_TERM_KINDS = frozenset({"absence_cover", "reorganisation", "aftercare"})
URGENCIES = ("low", "normal", "high", "critical")


@dataclass(frozen=True, slots=True)
class Location:
    """A point in WGS84 degrees."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open date range ``[starts_on, ends_on)``; ``ends_on=None`` is open-ended."""

    starts_on: date
    ends_on: date | None = None

    def end_within(self, horizon_end: date) -> date:
        """The end, with an open end cut at ``horizon_end``."""
        return horizon_end if self.ends_on is None else min(self.ends_on, horizon_end)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        ends_after_other_starts = self.ends_on is None or self.ends_on > other.starts_on
        other_ends_after_start = other.ends_on is None or other.ends_on > self.starts_on
        return ends_after_other_starts and other_ends_after_start


@dataclass(frozen=True, slots=True)
class TrustPersonInput:
    """What the matcher knows of a trust person."""

    id: int
    name: str
    scopes: frozenset[str]
    languages: frozenset[str]
    home: Location
    max_travel_km: float
    capacity_hours_per_month: float
    capacity_standing_clients: int
    certification_expires_on: date | None
    sectors: frozenset[str] = frozenset()
    gender: str | None = None
    absences: tuple[Period, ...] = ()
    active: bool = True
    #: Set by the compliance policy (e.g. "education shortfall") to exclude the VP.
    excluded_reason: str | None = None


#: The kinds of wish a client can state, each hard (a rule) or soft (a cost).
WISH_KINDS = ("gender", "languages", "sector", "locality")
LOCALITIES = ("local", "central")


@dataclass(frozen=True, slots=True)
class Wishes:
    """A client's wishes for the VPs of a need; ``hard`` names the kinds that must hold.

    ``genders``: one of these genders; ``languages``: every one of these; ``sectors``:
    experience in at least one of them; ``locality``: ``"local"`` (lives within ``local_km``
    of the need's nearest site) or ``"central"`` (lives further away, e.g. so that nobody in
    a small place knows them). Wishes left empty (or ``None``) ask for nothing.
    """

    genders: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    locality: str | None = None
    local_km: float = 25.0
    hard: frozenset[str] = frozenset()

    def stated(self) -> tuple[str, ...]:
        """The kinds of wish this need states, in :data:`WISH_KINDS` order."""
        present = {
            "gender": bool(self.genders),
            "languages": bool(self.languages),
            "sector": bool(self.sectors),
            "locality": self.locality is not None,
        }
        return tuple(kind for kind in WISH_KINDS if present[kind])


@dataclass(frozen=True, slots=True)
class NeedInput:
    """A need with ``seats`` seats at an organisation."""

    id: int
    organisation_id: int
    organisation_name: str
    kind: str
    scopes: frozenset[str]
    languages: frozenset[str]
    period: Period
    hours_per_month: float
    seats: int
    sites: tuple[Location, ...]
    sector: str | None = None
    urgency: str = "normal"
    requires_gender_mix: bool = False
    max_travel_km: float | None = None
    wishes: Wishes = field(default_factory=Wishes)

    @property
    def is_standing(self) -> bool:
        """Whether this is a standing (permanent) need."""
        return self.kind == STANDING

    @property
    def urgency_rank(self) -> int:
        """0 (low) to 3 (critical)."""
        return URGENCIES.index(self.urgency) if self.urgency in URGENCIES else 1


@dataclass(frozen=True, slots=True)
class ConflictInput:
    """A VP may not serve an organisation during the period."""

    trust_person_id: int
    organisation_id: int
    reason: str
    period: Period | None = None  # None: always


@dataclass(frozen=True, slots=True)
class PreferenceInput:
    """A wish between a VP and an organisation: -2 (avoid) to +2 (prefer)."""

    trust_person_id: int
    organisation_id: int
    strength: int
    party: str = "client"


@dataclass(frozen=True, slots=True)
class ExistingAssignment:
    """A VP on a seat: confirmed/pinned ones are kept, proposed ones are the previous plan."""

    need_id: int
    seat: int
    trust_person_id: int
    status: str = "confirmed"  # "confirmed" or "proposed"
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Numbers of the hard rules."""

    #: A short-term need excludes a VP absent for more than this share of its period.
    max_absence_share: float = 0.25
    #: Keep confirmed assignments (False only for a re-optimisation proposal; pins stay).
    keep_confirmed: bool = True


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the soft rules (integer cost units; a seat's travel is about 1 per km)."""

    travel_per_km: float = 1.0
    road_factor: float = 1.0
    continuity: int = 60
    sector_mismatch: int = 15
    preference_per_step: int = 20
    #: Cost of each soft wish of the client a VP does not meet.
    unmet_wish: int = 30
    #: Fair workload: cost per percentage point of utilisation above each tier (convex).
    fairness_tiers: tuple[tuple[int, int], ...] = ((50, 1), (75, 3), (90, 8))
    #: Weight of an unfilled seat per urgency (low, normal, high, critical); level 1.
    unfilled_by_urgency: tuple[int, int, int, int] = (1, 2, 4, 8)


@dataclass(frozen=True, slots=True)
class MatchingInstance:
    """Everything one matching run decides on."""

    today: date
    horizon_end: date
    trust_persons: tuple[TrustPersonInput, ...]
    needs: tuple[NeedInput, ...]
    assignments: tuple[ExistingAssignment, ...] = ()
    conflicts: tuple[ConflictInput, ...] = ()
    preferences: tuple[PreferenceInput, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Reported while solving: which phase, the best objective and bound so far."""

    phase: str
    elapsed_s: float
    objective: float | None
    bound: float | None


@dataclass(frozen=True, slots=True)
class MatchingConfig:
    """How to solve: always bounded in time, with fixed workers and seed."""

    time_limit_s: float = 30.0
    workers: int = 2
    seed: int = 1
    #: Keep only this many cheapest eligible VPs per need (None: keep all).
    max_candidates_per_need: int | None = 40
    use_hint: bool = True
    #: Share of the time limit the first level (filling seats) may use at most.
    fill_phase_share: float = 0.4
    relative_gap_limit: float = 0.0
    #: CP-SAT's LP strength (2 adds cuts); it found better plans on the L preset.
    linearization_level: int = 2
    alternatives_per_seat: int = 3
    #: "portfolio" (CP-SAT and a MIP solver on the same model side by side, one core each:
    #: the best plan and the tightest bound of both), "cpsat" or "mip".
    engine: str = "portfolio"
    #: The MIP solver behind OR-Tools' MathOpt: "highs" or "scip".
    mip_solver: str = "highs"
    #: Share of the time limit kept for polishing a plan the search did not prove optimal.
    polish_share: float = 0.12
    log_search: bool = False
    progress: Callable[[ProgressEvent], None] | None = None
    #: Asked on every improved solution; returning True stops the search (cancellation).
    should_stop: Callable[[], bool] | None = None


@dataclass(frozen=True, slots=True, order=True)
class SeatRef:
    """One seat of one need."""

    need_id: int
    seat: int

    def __str__(self) -> str:
        return f"need {self.need_id} seat {self.seat}"


@dataclass(frozen=True, slots=True)
class Plan:
    """Which VP sits on which seat (seats absent from the mapping are unfilled)."""

    assignments: Mapping[SeatRef, int]

    def trust_persons_of(self, need_id: int) -> list[int]:
        """The VPs on the seats of a need."""
        return [vp for seat, vp in self.assignments.items() if seat.need_id == need_id]


#: Every message id (English template) the matcher words its findings with; filled as the
#: modules that word them are imported (``message_id``). The web application must know each.
MESSAGE_IDS: set[str] = set()

#: What each named value in the matcher's words is, so that every language writes it its own
#: way (the web in ``web/_messages.py``, English here). Values are plain JSON (dates as ISO
#: strings, months as ``"2027-03"``, lists of codes), so a stored explanation reads the same.
PARAM_KINDS: Mapping[str, str] = {
    "expires_on": "date",
    "needed_through": "date",
    "month": "month",
    "hours": "hours",
    "used": "hours",
    "capacity": "hours",
    "adds": "hours",
    "km": "km",
    "limit_km": "km",
    "scopes": "scopes",
    "languages": "languages",
    "gender": "gender",
    "conflict": "conflict_reason",
    "rule": "rule",
    "reason": "policy_reason",
    "trust_person": "number",
    "seat": "number",
    "count": "number",
    "days": "number",
    "absent": "number",
    "standing": "number",
    "maximum": "number",
    "genders": "number",
    "wished_genders": "gender",
    "sectors": "sectors",
}

#: English month names, for the words of findings (the web has its own Dutch ones).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def message_id(template: str) -> str:
    """Register ``template`` as one of the matcher's message ids and return it."""
    MESSAGE_IDS.add(template)
    return template


def _english(name: str, value: Any) -> str:
    kind = PARAM_KINDS.get(name, "text")
    if kind == "month":
        year, month = str(value).split("-")
        return f"{MONTH_NAMES[int(month) - 1]} {year}"
    if kind == "hours":
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    if kind == "km":
        return f"{float(value):.1f}".removesuffix(".0")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True, slots=True)
class Words:
    """A finding in words: a message id (the English template) and its named values.

    The CLI and the API read :attr:`text` (English); the web application says the same in
    the page's language from ``template`` and ``params`` (kinds in :data:`PARAM_KINDS`).
    """

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The English sentence with its values filled in."""
        return self.template.format(
            **{name: _english(name, value) for name, value in self.params.items()}
        )

    def __str__(self) -> str:
        return self.text

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self.params.items()))))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the message id and the values."""
        return {
            "message_id": self.template,
            "params": {
                name: list(value) if isinstance(value, tuple) else value
                for name, value in self.params.items()
            },
        }


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken hard rule, as data."""

    rule: str
    words: Words
    seat: SeatRef | None = None
    trust_person_id: int | None = None

    @property
    def detail(self) -> str:
        """The numbers that break the rule, in English."""
        return self.words.text

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``detail`` in English, ``message_id`` and ``params`` to translate)."""
        return {
            "rule": self.rule,
            "detail": self.detail,
            **self.words.as_dict(),
            "need_id": self.seat.need_id if self.seat else None,
            "seat": self.seat.seat if self.seat else None,
            "trust_person_id": self.trust_person_id,
        }


@dataclass(frozen=True, slots=True)
class Findings:
    """Broken rules as one value of a message: English ``rule: detail; ...`` when printed.

    A domain error can carry them as a value (``details=Findings(...)``); the web application
    then says each rule and its numbers in the page's language.
    """

    violations: tuple[Violation, ...]

    def __str__(self) -> str:
        return "; ".join(f"{v.rule}: {v.detail}" for v in self.violations)


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another VP who could take a seat, and what it would cost more (or less)."""

    trust_person_id: int
    name: str
    cost_delta: float


@dataclass(frozen=True, slots=True)
class SeatOutcome:
    """A filled seat: who, whether it was fixed, its cost terms and the alternatives."""

    seat: SeatRef
    trust_person_id: int
    fixed: bool
    costs: Mapping[str, float]
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True, slots=True)
class UnfilledSeat:
    """A seat left empty, with the reasons in the planner's words."""

    seat: SeatRef
    reasons: Mapping[str, int]
    message: str


@dataclass(frozen=True, slots=True)
class ExcludedTrustPerson:
    """Why one VP does not take an empty seat: the rule and the number that decided it."""

    trust_person_id: int
    name: str
    rule: str
    words: Words

    @property
    def detail(self) -> str:
        """The rule's numbers for this VP, in English."""
        return self.words.text


@dataclass(frozen=True, slots=True)
class Shortage:
    """A pre-solve warning: demand above supply for a scope, language or region."""

    dimension: str  # "scope", "language", "region"
    key: str
    demand_seats: int
    supply_seats: int
    demand_hours: float
    supply_hours: float
    message: str


@dataclass(frozen=True, slots=True)
class MatchingResult:
    """The outcome of a solve."""

    status: str
    plan: Plan
    seats: tuple[SeatOutcome, ...]
    unfilled: tuple[UnfilledSeat, ...]
    objective: float
    objective_terms: Mapping[str, float]
    best_bound: float
    #: (objective - best_bound) / decided cost, where the decided cost is the objective minus
    #: what no decision changes (kept assignments, forced changes): 0 is proven optimal.
    gap: float
    fill_objective: float
    fill_bound: float
    first_feasible_s: float | None
    wall_s: float
    violations: tuple[Violation, ...]
    shortages: tuple[Shortage, ...]
    stats: Mapping[str, Any]
