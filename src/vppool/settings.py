"""One typed settings object, read from ``VPPOOL_*`` environment variables.

Every professional rule default of DESIGN.md §3 lives here, so a provider can tune the
numbers without touching code. Pure packages never read settings themselves: services pass
the values they need (see :meth:`Settings.rules`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vppool.security import folder_key

__all__ = ["HoursSizingRule", "RuleDefaults", "Settings", "get_settings"]

DEFAULT_DATA_DIR = Path("data")


@dataclass(frozen=True, slots=True)
class HoursSizingRule:
    """Expected VP hours per month for a standing need, by the organisation's headcount.

    ``hours = clamp(base + per_100_employees * headcount / 100, minimum, maximum)``, rounded
    to a quarter hour. Providers quote roughly 1-2 hours a month for a small firm and a day
    or more a month for organisations with thousands of employees.
    """

    base_hours: float
    per_100_employees: float
    minimum: float
    maximum: float

    def hours_for(self, headcount: int) -> float:
        """Return the expected hours per month for an organisation of ``headcount`` people."""
        raw = self.base_hours + self.per_100_employees * headcount / 100
        clamped = min(max(raw, self.minimum), self.maximum)
        return round(clamped * 4) / 4


@dataclass(frozen=True, slots=True)
class RuleDefaults:
    """The professional rule numbers as a plain value for the pure packages."""

    certification_years: int
    renewal_window_days: int
    expiring_soon_days: int
    education_min_total_hours: float
    education_min_accredited_hours: float
    education_min_intervision_hours: float
    education_min_other_hours: float
    education_yearly_cap_hours: float | None
    education_shortfall_blocks: bool
    intervision_group_min: int
    intervision_group_max: int
    two_vp_headcount_threshold: int
    conflict_lookback_years: int
    hours_sizing: HoursSizingRule


class Settings(BaseSettings):
    """All configuration of vppool; every field maps to ``VPPOOL_<FIELD_NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="VPPOOL_",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    # --- storage and runtime
    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR,
        description="Folder for the default SQLite database and other local files.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL; empty means an SQLite file `vppool.sqlite3` in the data folder "
            "(WAL mode). PostgreSQL: postgresql+psycopg://user@host:5432/db."
        ),
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement.")
    timezone: str = Field(
        default="Europe/Amsterdam", description="Default IANA time zone for people and places."
    )
    host: str = Field(default="127.0.0.1", description="Address `vppool serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `vppool serve` uses.")
    public_url: str | None = Field(
        default=None,
        description=(
            "Address users reach vppool at (for feed links and the links in e-mails). Empty: "
            "the address each request came to (the scheme from X-Forwarded-Proto behind a "
            "trusted proxy); e-mails then use the address `vppool serve` listens on."
        ),
    )
    secure_cookies: bool = Field(
        default=False,
        description=("Send cookies over HTTPS only; on by itself when VPPOOL_PUBLIC_URL is https."),
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description=(
            "Proxies whose X-Forwarded-For/-Proto headers are believed (comma-separated "
            "addresses, or *): the client address and https behind a reverse proxy."
        ),
    )
    access_log: bool = Field(
        default=True,
        description="Log every request (uvicorn's access log); errors are logged either way.",
    )
    secret_key: str | None = Field(
        default=None,
        min_length=32,
        description=(
            "Signs the web forms' CSRF tokens and the VPs' answer links; give every host "
            "the same one (a new key ends the answer links sent before). "
            "Empty: a random key kept in the data folder."
        ),
    )

    # --- certification (LVV register)
    certification_years: int = Field(
        default=4, ge=1, le=10, description="Validity of an LVV certificate in years."
    )
    renewal_window_days: int = Field(
        default=365, ge=0, description="Renewal may be filed this many days before expiry."
    )
    expiring_soon_days: int = Field(
        default=90, ge=0, description="A certificate this close to expiry is 'expiring soon'."
    )

    # --- permanent education per certification cycle (hours)
    education_min_total_hours: float = Field(
        default=72, ge=0, description="Permanent-education hours required per certification cycle."
    )
    education_min_accredited_hours: float = Field(
        default=24, ge=0, description="Of which at least this many in LVV-accredited courses."
    )
    education_min_intervision_hours: float = Field(
        default=32, ge=0, description="Of which at least this many in intervision."
    )
    education_min_other_hours: float = Field(
        default=16, ge=0, description="Of which at least this many in other activities."
    )
    education_yearly_cap_hours: float | None = Field(
        default=None,
        ge=0,
        description="Optional cap on hours counted per year of the cycle (none by default).",
    )

    education_shortfall_blocks: bool = Field(
        default=False,
        description="An education shortfall blocks new assignments (otherwise it only warns).",
    )

    # --- intervision
    intervision_group_min: int = Field(default=4, ge=2, description="Smallest intervision group.")
    intervision_group_max: int = Field(default=6, ge=2, description="Largest intervision group.")
    intervision_sessions_per_year: int = Field(
        default=4, ge=1, le=52, description="Sessions each intervision group holds per year."
    )
    intervision_session_hours: float = Field(
        default=2.0, gt=0, le=8, description="Length of one intervision session in hours."
    )
    intervision_min_common_hours: float = Field(
        default=2.0,
        ge=0,
        le=40,
        description="Weekly time every member of an intervision group must share, in hours, "
        "counted in pieces at least a session long (0: not required).",
    )
    intervision_time_limit_s: float = Field(
        default=60.0, gt=0, le=3600, description="Time limit of forming a year's groups, seconds."
    )
    intervision_workers: int = Field(
        default=2, ge=1, le=64, description="Regions solved at once when forming groups."
    )
    intervision_seed: int = Field(default=1, description="Random seed of group formation.")

    # --- matching defaults
    two_vp_headcount_threshold: int = Field(
        default=250,
        ge=1,
        description="A standing need of an organisation at or above this headcount asks 2 VPs.",
    )
    conflict_lookback_years: int = Field(
        default=2, ge=0, description="Former employment within this many years is a conflict."
    )
    hours_base: float = Field(default=1.0, ge=0, description="Sizing rule: base hours/month.")
    hours_per_100_employees: float = Field(
        default=0.5, ge=0, description="Sizing rule: extra hours/month per 100 employees."
    )
    hours_min: float = Field(default=1.0, ge=0, description="Sizing rule: minimum hours/month.")
    hours_max: float = Field(default=40.0, ge=0, description="Sizing rule: maximum hours/month.")

    # --- matching runs
    matching_time_limit_s: float = Field(
        default=30.0, gt=0, le=3600, description="Time limit of one matching run in seconds."
    )
    matching_workers: int = Field(
        default=2, ge=1, le=64, description="CP-SAT worker threads per matching run."
    )
    matching_seed: int = Field(default=1, description="Random seed of the solver.")
    matching_max_candidates: int = Field(
        default=40, ge=1, description="Cheapest eligible VPs kept per need (candidate pruning)."
    )
    matching_horizon_months: int = Field(
        default=6, ge=1, le=36, description="How far ahead a run plans capacity, in months."
    )
    staffing_two_from: int = Field(
        default=50,
        ge=1,
        description="Staffing advice: from this headcount two VPs (both sides of a conflict "
        "each have one).",
    )
    staffing_employees_per_vp: int = Field(
        default=1000,
        ge=1,
        description="Staffing advice: one VP per this many employees at least (a provider's "
        "rule of thumb; no authoritative figure exists).",
    )
    staffing_local_km: float = Field(
        default=50,
        ge=0,
        description="Staffing advice: sites farther apart than this call for local VPs.",
    )
    # --- information sessions at client sites
    info_session_day_start: time = Field(
        default=time(8, 30),
        description="Information sessions: the clients' working day starts (weekdays).",
    )
    info_session_day_end: time = Field(
        default=time(17, 30),
        description="Information sessions: the clients' working day ends (weekdays).",
    )
    info_session_travel_kmh: float = Field(
        default=50.0,
        gt=0,
        le=200,
        description="Information sessions: average travel speed from a VP's home, km/h.",
    )
    info_session_road_factor: float = Field(
        default=1.3,
        ge=1,
        le=3,
        description="Information sessions: road distance per kilometre as the crow flies.",
    )
    info_session_max_days: int = Field(
        default=42,
        ge=1,
        le=366,
        description="Information sessions: the longest preferred period a request may give.",
    )
    info_session_candidates: int = Field(
        default=40,
        ge=1,
        le=500,
        description="Information sessions: nearest suitable VPs whose free time is searched.",
    )
    info_session_clients_book: bool = Field(
        default=False,
        description="Information sessions: client contacts may pick a proposed time themselves.",
    )
    vp_consent: bool = Field(
        default=True,
        description="A placement (a confirmed run's proposal, a quick match) waits for the VP "
        "to accept it before it is confirmed; off: confirmed at once.",
    )
    wish_local_km: float = Field(
        default=25,
        ge=0,
        le=400,
        description="A client's wish for a local VP: one who lives within this distance of "
        "the site (a central VP lives further away).",
    )
    max_absence_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="A VP absent for more than this share of a short-term need is excluded.",
    )

    # --- calendar sources (the VPs' own calendars)
    calendar_max_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        le=20 * 1024 * 1024,
        description="Largest calendar file accepted, fetched or uploaded, in bytes.",
    )
    calendar_fetch_timeout_s: float = Field(
        default=15.0, gt=0, le=120, description="Time limit of one calendar fetch in seconds."
    )
    calendar_fetch_allow: list[str] = Field(
        default_factory=list,
        description=(
            "Hosts or networks a calendar URL may point to although private, as JSON: "
            '["127.0.0.1"]. Empty: only public addresses are fetched.'
        ),
    )
    calendar_days_back: int = Field(
        default=30, ge=0, le=366, description="Imported busy time kept from this many days ago."
    )
    calendar_days_ahead: int = Field(
        default=400, ge=30, le=1100, description="Imported busy time read this many days ahead."
    )
    calendar_refresh_cooldown_s: int = Field(
        default=60, ge=0, le=3600, description="A person may ask to re-read a calendar this often."
    )
    calendar_import_budget_s: float = Field(
        default=20.0, gt=0, le=300, description="Time limit of parsing one calendar in seconds."
    )

    # --- notifications
    smtp_host: str | None = Field(
        default=None, description="SMTP server for notifications; empty: notifications are logged."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port.")
    smtp_username: str | None = Field(default=None, description="SMTP login, if required.")
    smtp_password: str | None = Field(default=None, description="SMTP password, if required.")
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS."
    )
    smtp_from: str = Field(
        default="vppool <noreply@vppool.example>", description="Sender of notifications."
    )

    # --- scheduled jobs and the job queue
    worker_timezone: str | None = Field(
        default=None, description="Zone of the job schedule (default: VPPOOL_TIMEZONE)."
    )
    local_worker: bool | None = Field(
        default=None,
        description=(
            "`vppool serve` and `vppool demo` start one `vppool worker` beside the server. "
            "Empty: on with SQLite, off with PostgreSQL (run workers yourself)."
        ),
    )
    job_lease_s: float = Field(
        default=20.0,
        ge=5,
        le=300,
        description=(
            "A worker renews its hold on a job every third of this; a job whose worker "
            "stopped renewing is retried or failed after it."
        ),
    )
    worker_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description=(
            "How much lower `vppool worker` runs than the web processes (Unix nice): a solve "
            "takes the processor time requests leave, so pages stay quick during a run."
        ),
    )
    worker_fetch_threads: int = Field(
        default=8, ge=1, le=64, description="Calendar fetches one worker runs at once."
    )
    calendar_fetch_concurrency: int = Field(
        default=8, ge=1, le=256, description="Calendar fetches running at once over all workers."
    )
    calendar_fetch_per_host: int = Field(
        default=2, ge=1, le=64, description="Calendar fetches from one host at once."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            msg = f"unknown IANA time zone {value!r}; use a name such as 'Europe/Amsterdam'"
            raise ValueError(msg) from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.intervision_group_min > self.intervision_group_max:
            msg = "intervision_group_min must not exceed intervision_group_max"
            raise ValueError(msg)
        if 0 < self.intervision_min_common_hours < self.intervision_session_hours:
            msg = (
                "intervision_min_common_hours must be 0 or at least intervision_session_hours "
                "(a session must fit in the shared time)"
            )
            raise ValueError(msg)
        if self.info_session_day_end <= self.info_session_day_start:
            msg = "info_session_day_end must be after info_session_day_start"
            raise ValueError(msg)
        if self.hours_min > self.hours_max:
            msg = "hours_min must not exceed hours_max"
            raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL to use; the SQLite file in :attr:`data_dir` when none is set."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vppool.sqlite3').resolve()}"

    @property
    def https_only_cookies(self) -> bool:
        """Whether cookies carry ``Secure``: asked for, or implied by an https public URL."""
        return self.secure_cookies or (self.public_url or "").lower().startswith("https://")

    @property
    def zone(self) -> ZoneInfo:
        """The default time zone as a :class:`~zoneinfo.ZoneInfo`."""
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today's date in the configured zone (the edge where time is read)."""
        return datetime.now(self.zone).date()

    def signing_key(self) -> str:
        """The key that signs web forms and answer links.

        ``secret_key``, else the data folder's own (made once, shared by every process
        using the folder).
        """
        return self.secret_key or folder_key(self.data_dir / "web-csrf.key")

    @property
    def link_base(self) -> str:
        """The address links in e-mails and feeds start with.

        ``public_url``, else the address ``vppool serve`` listens on.
        """
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def rules(self) -> RuleDefaults:
        """Return the professional rule numbers as a plain value for the pure packages."""
        return RuleDefaults(
            certification_years=self.certification_years,
            renewal_window_days=self.renewal_window_days,
            expiring_soon_days=self.expiring_soon_days,
            education_min_total_hours=self.education_min_total_hours,
            education_min_accredited_hours=self.education_min_accredited_hours,
            education_min_intervision_hours=self.education_min_intervision_hours,
            education_min_other_hours=self.education_min_other_hours,
            education_yearly_cap_hours=self.education_yearly_cap_hours,
            education_shortfall_blocks=self.education_shortfall_blocks,
            intervision_group_min=self.intervision_group_min,
            intervision_group_max=self.intervision_group_max,
            two_vp_headcount_threshold=self.two_vp_headcount_threshold,
            conflict_lookback_years=self.conflict_lookback_years,
            hours_sizing=HoursSizingRule(
                base_hours=self.hours_base,
                per_100_employees=self.hours_per_100_employees,
                minimum=self.hours_min,
                maximum=self.hours_max,
            ),
        )


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
