"""The domain's closed vocabularies: enumerations, languages, sectors and plausible ranges.

Pure (standard library only), so every layer can use the same words: the database tables,
the services' validation, the synthetic generator and the matcher's explanations.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "LANGUAGES",
    "LANGUAGES_EN",
    "MONTH_NAMES_NL",
    "NL_LATITUDE_RANGE",
    "NL_LONGITUDE_RANGE",
    "SECTORS",
    "AbsenceKind",
    "AssignmentStatus",
    "CalendarSourceKind",
    "ConflictReason",
    "EducationCategory",
    "FeedKind",
    "Gender",
    "InfoSessionKind",
    "InfoSessionStatus",
    "InsightRunKind",
    "IntervisionRunKind",
    "Locality",
    "MatchingRunStatus",
    "NeedKind",
    "NeedStatus",
    "PreferenceParty",
    "Role",
    "Scope",
    "SessionStatus",
    "ShortlistStatus",
    "Urgency",
    "WishKind",
    "WorkMode",
    "unknown_languages",
    "unknown_sectors",
]


class Scope(StrEnum):
    """A VP's specialisation; a need requires one or both."""

    UNWANTED_BEHAVIOUR = "unwanted_behaviour"  # VP ongewenst gedrag / ongewenste omgangsvormen
    INTEGRITY = "integrity"  # VP integriteit (incl. klokkenluiders)


class Gender(StrEnum):
    """Self-declared gender; optional and only used for a client's wish for a mix."""

    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"


class Locality(StrEnum):
    """A client's wish for where its VP lives: near the site, or further away."""

    LOCAL = "local"  # knows the region, is close by
    CENTRAL = "central"  # from elsewhere: nobody in a small place knows them


class WorkMode(StrEnum):
    """How a VP meets the employees: at the site, or remotely (no travel)."""

    IN_PERSON = "in_person"
    REMOTE = "remote"


class WishKind(StrEnum):
    """A wish a client can make a condition (a hard rule of the matcher)."""

    GENDER = "gender"
    LANGUAGES = "languages"
    SECTOR = "sector"
    LOCALITY = "locality"


class EducationCategory(StrEnum):
    """LVV permanent-education categories."""

    ACCREDITED_COURSE = "accredited_course"  # bij- en nascholing (BNS)
    INTERVISION = "intervision"
    OTHER = "other"  # extra activiteiten


class AbsenceKind(StrEnum):
    """Why a VP is away."""

    LEAVE = "leave"
    SICK = "sick"
    TRAINING = "training"
    OTHER = "other"


class CalendarSourceKind(StrEnum):
    """Where an external calendar comes from."""

    URL = "url"
    UPLOAD = "upload"


class ConflictReason(StrEnum):
    """Why a VP may not serve an organisation (DESIGN.md §3)."""

    EMPLOYMENT = "employment"
    HR_ROLE = "hr_role"
    COMPANY_DOCTOR = "company_doctor"
    COMPANY_SOCIAL_WORKER = "company_social_worker"
    MANAGEMENT = "management"
    WORKS_COUNCIL = "works_council"
    PERSONAL_TIE = "personal_tie"
    OTHER = "other"


class NeedKind(StrEnum):
    """What an organisation needs a VP for."""

    STANDING = "standing"
    ABSENCE_COVER = "absence_cover"
    REORGANISATION = "reorganisation"
    AFTERCARE = "aftercare"


class NeedStatus(StrEnum):
    """Life cycle of a need: a client request is accepted (open) or declined by a planner."""

    REQUESTED = "requested"
    DECLINED = "declined"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Urgency(StrEnum):
    """How soon a need must be filled; urgent needs are filled first."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for critical."""
        return list(Urgency).index(self)


class AssignmentStatus(StrEnum):
    """Life cycle of an assignment (koppeling)."""

    PROPOSED = "proposed"
    ASKED = "asked"  # the VP is asked to accept or decline; the seat is held meanwhile
    CONFIRMED = "confirmed"
    DECLINED = "declined"  # the VP declined; the seat is open again
    ENDED = "ended"
    CANCELLED = "cancelled"


class ShortlistStatus(StrEnum):
    """Life cycle of a client's shortlist of VPs."""

    DRAFT = "draft"  # the planner edits it (also after the client asked for others)
    SENT = "sent"  # the client chooses, until the deadline's last day
    CHOSEN = "chosen"  # the client chose; the chosen VP is placed
    EXPIRED = "expired"  # nobody chose in time; the planner's first choice is placed


class MatchingRunStatus(StrEnum):
    """Life cycle of a matching run."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobStatus(StrEnum):
    """Life cycle of a job on the queue."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class InsightRunKind(StrEnum):
    """What a planning-insight run works out in the background."""

    RECRUITMENT = "recruitment"  # the gaps, their causes and whom to recruit (re-solves)
    SCENARIO = "scenario"  # a what-if: changes solved on a copy of the plan


class IntervisionRunKind(StrEnum):
    """What an intervision run does in the background."""

    FORMATION = "formation"  # form the year's groups (a CP-SAT solve)
    SCHEDULE = "schedule"  # plan the year's sessions of every group


class SessionStatus(StrEnum):
    """Life cycle of an intervision session."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class InfoSessionKind(StrEnum):
    """What an information session at a client's site is for."""

    INFORMATION = "information"  # voorlichting for employees
    TEAM_MEETING = "team_meeting"  # a VP at a team's meeting
    INTRODUCTION = "introduction"  # introducing a new VP


class InfoSessionStatus(StrEnum):
    """Life cycle of an information session: requested, booked (a VP and a time), cancelled."""

    REQUESTED = "requested"
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Role(StrEnum):
    """Who a user is; clients are bound to one organisation, trust persons to one VP."""

    ADMIN = "admin"
    PLANNER = "planner"
    CLIENT = "client"
    TRUST_PERSON = "trust_person"


class FeedKind(StrEnum):
    """Which calendar feed a feed token opens."""

    VP_SCHEDULE = "vp_schedule"
    VP_AVAILABILITY = "vp_availability"
    ORGANISATION_AVAILABILITY = "organisation_availability"


class PreferenceParty(StrEnum):
    """Who states a preference between a VP and an organisation."""

    CLIENT = "client"
    TRUST_PERSON = "trust_person"


#: ISO 639 codes of the languages VPs offer and clients ask for, with their Dutch names.
LANGUAGES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "Engels",
    "de": "Duits",
    "fr": "Frans",
    "es": "Spaans",
    "it": "Italiaans",
    "pt": "Portugees",
    "tr": "Turks",
    "ar": "Arabisch",
    "ber": "Berbers (Tamazight)",
    "pl": "Pools",
    "ro": "Roemeens",
    "bg": "Bulgaars",
    "uk": "Oekraïens",
    "ru": "Russisch",
    "pap": "Papiaments",
    "srn": "Sranantongo",
    "hi": "Hindi",
    "zh": "Chinees",
    "fa": "Perzisch (Farsi)",
    "ti": "Tigrinya",
    "so": "Somalisch",
    "fy": "Fries",
    "ngt": "Nederlandse Gebarentaal",
}

#: The same languages' English names (pages shown in English).
LANGUAGES_EN: dict[str, str] = {
    "nl": "Dutch",
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "tr": "Turkish",
    "ar": "Arabic",
    "ber": "Berber (Tamazight)",
    "pl": "Polish",
    "ro": "Romanian",
    "bg": "Bulgarian",
    "uk": "Ukrainian",
    "ru": "Russian",
    "pap": "Papiamento",
    "srn": "Sranan Tongo",
    "hi": "Hindi",
    "zh": "Chinese",
    "fa": "Persian (Farsi)",
    "ti": "Tigrinya",
    "so": "Somali",
    "fy": "Frisian",
    "ngt": "Sign Language of the Netherlands",
}

#: Sectors of client organisations (and of a VP's experience).
SECTORS: tuple[str, ...] = (
    "zorg",
    "onderwijs",
    "overheid",
    "industrie",
    "bouw",
    "logistiek",
    "retail",
    "horeca",
    "financiele_dienstverlening",
    "ict",
    "zakelijke_dienstverlening",
    "cultuur",
    "sport",
    "welzijn",
    "landbouw",
    "energie",
    "woningcorporatie",
)

#: Plausible coordinates for places in the European Netherlands (with a small margin).
NL_LATITUDE_RANGE: tuple[float, float] = (50.70, 53.60)
NL_LONGITUDE_RANGE: tuple[float, float] = (3.30, 7.30)


def unknown_languages(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Return the codes in ``codes`` that are not in :data:`LANGUAGES`."""
    return [c for c in codes if c not in LANGUAGES]


def unknown_sectors(names: list[str] | tuple[str, ...]) -> list[str]:
    """Return the names in ``names`` that are not in :data:`SECTORS`."""
    return [s for s in names if s not in SECTORS]


#: The months in Dutch, January first (English: ``vppool.matching.MONTH_NAMES``).
MONTH_NAMES_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
