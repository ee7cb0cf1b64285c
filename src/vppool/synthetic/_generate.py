"""The deterministic generator of realistic datasets (S, M, L, XL).

Same size, seed and ``today`` give the same dataset byte for byte: one seeded
:class:`random.Random` drives everything, no clock is read. The existing plan it creates
respects the hard rules a planner would (scope, language, certificate, conflicts, travel,
capacity, distinct VPs, gender mix) and deliberately leaves seats open for the matcher.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from vppool.dataset import Dataset, DatasetMeta
from vppool.settings import Settings
from vppool.synthetic._names import (
    BACKGROUNDS,
    FIRST_NAMES,
    LAST_NAMES,
    ORG_WORDS,
    STREETS,
    TUSSENVOEGSELS,
)
from vppool.synthetic._places import Place, load_places
from vppool.vocab import NL_LATITUDE_RANGE, NL_LONGITUDE_RANGE

__all__ = ["SIZES", "SizePreset", "generate"]

Progress = Callable[[str, int, int], None]
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SizePreset:
    """How many VPs and organisations a preset holds."""

    trust_persons: int
    organisations: int


SIZES: dict[str, SizePreset] = {
    "S": SizePreset(25, 150),
    "M": SizePreset(120, 1_200),
    "L": SizePreset(400, 4_000),
    "XL": SizePreset(2_000, 15_000),
}

SECTOR_WEIGHTS = {
    "zorg": 18, "onderwijs": 14, "overheid": 5, "industrie": 10, "bouw": 7, "logistiek": 6,
    "retail": 8, "horeca": 5, "financiele_dienstverlening": 4, "ict": 6,
    "zakelijke_dienstverlening": 8, "cultuur": 2, "sport": 2, "welzijn": 5, "landbouw": 2,
    "energie": 1, "woningcorporatie": 2,
}  # fmt: skip
COURSES = (
    "Omgaan met agressie en intimidatie", "Klokkenluidersregeling in de praktijk",
    "Gespreksvaardigheden voor vertrouwenspersonen", "Seksuele intimidatie herkennen",
    "Discriminatie op de werkvloer", "Psychosociale arbeidsbelasting en de Arbowet",
    "Integriteit en melden", "Trauma-sensitief werken", "Jaarverslag en advisering",
)  # fmt: skip
OTHER_ACTIVITIES = (
    "Voorlichting aan medewerkers", "Artikel geschreven", "Congres LVV",
    "Webinar Wet bescherming klokkenluiders", "Training collega-vertrouwenspersonen",
)  # fmt: skip
KM_PER_DEGREE = 111.2


def _iso(value: date | datetime | time | None) -> str | None:
    return None if value is None else value.isoformat()


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Generator:
    def __init__(self, preset: SizePreset, seed: int, today: date, settings: Settings) -> None:
        self.preset = preset
        self.rng = random.Random(seed)
        self.today = today
        self.settings = settings
        self.rules = settings.rules()
        self.places: tuple[Place, ...] = load_places()
        self.place_weights = [p.population for p in self.places]
        self.tables: dict[str, list[Row]] = defaultdict(list)
        self.stamp = datetime.combine(today, time(6, 0), tzinfo=UTC).isoformat()

    # ------------------------------------------------------------------ helpers

    def place(self) -> Place:
        return self.rng.choices(self.places, weights=self.place_weights)[0]

    def near(self, place: Place, spread: float = 0.03) -> tuple[float, float]:
        lat = min(max(place.latitude + self.rng.uniform(-spread, spread), NL_LATITUDE_RANGE[0]),
                  NL_LATITUDE_RANGE[1])  # fmt: skip
        lon = min(max(place.longitude + self.rng.uniform(-spread, spread), NL_LONGITUDE_RANGE[0]),
                  NL_LONGITUDE_RANGE[1])  # fmt: skip
        return round(lat, 5), round(lon, 5)

    def add(self, table: str, row: Row) -> int:
        rows = self.tables[table]
        row_id = len(rows) + 1
        row["id"] = row_id
        rows.append(row)
        return row_id

    # ------------------------------------------------------------------ people

    def trust_persons(self, progress: Progress) -> None:
        backgrounds = list(BACKGROUNDS)
        shares = [BACKGROUNDS[b][0] for b in backgrounds]
        used_emails: set[str] = set()
        total = self.preset.trust_persons
        for index in range(total):
            background = self.rng.choices(backgrounds, weights=shares)[0]
            gender = self.rng.choices(
                ["female", "male", "non_binary", None], weights=[64, 29, 2, 5]
            )[0]
            names = FIRST_NAMES[(background, gender if gender in ("female", "male") else
                                 self.rng.choice(["female", "male"]))]  # fmt: skip
            first = self.rng.choice(names)
            family = self.rng.choice(LAST_NAMES[background])
            prefix = self.rng.choice(TUSSENVOEGSELS) if background == "nl" else ""
            last = f"{prefix} {family}".strip()
            slug = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            slug = "".join(c for c in slug if c.isascii() and (c.isalnum() or c == "."))
            email = f"{slug}@vp-pool.nl"
            if email in used_emails:
                email = f"{slug}{index + 1}@vp-pool.nl"
            used_emails.add(email)
            languages = ["nl"]
            if self.rng.random() < 0.8:
                languages.append("en")
            for code, chance in BACKGROUNDS[background][1]:
                if self.rng.random() < chance and code not in languages:
                    languages.append(code)
            if self.rng.random() < 0.01:
                languages.append("ngt")
            tag = BACKGROUNDS[background][2]
            home = self.place()
            lat, lon = self.near(home)
            hours = self.rng.choice([8, 12, 16, 16, 20, 24, 24, 32, 40, 48, 60])
            clients = max(2, min(15, round(hours / 4 + self.rng.uniform(-1, 2))))
            experience = round(self.rng.triangular(0, 22, 5), 1)
            scopes = self.rng.choices(
                [["unwanted_behaviour", "integrity"], ["unwanted_behaviour"], ["integrity"]],
                weights=[70, 22, 8],
            )[0]
            sectors = sorted(
                set(self.rng.choices(list(SECTOR_WEIGHTS), weights=list(SECTOR_WEIGHTS.values()),
                                     k=self.rng.randint(1, 4)))
            )  # fmt: skip
            self.add(
                "trust_person",
                {
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": f"06-{self.rng.randint(10_000_000, 99_999_999)}",
                    "gender": gender,
                    "gender_visible_to_clients": gender is not None and self.rng.random() < 0.8,
                    "birth_year": self.today.year - round(self.rng.triangular(30, 70, 52)),
                    "background_tags": [tag] if tag and self.rng.random() < 0.5 else [],
                    "languages": languages,
                    "scopes": scopes,
                    "sectors": sectors,
                    "home_municipality": home.name,
                    "home_postcode": f"{self.rng.randint(1000, 9999)} "
                    f"{self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
                    f"{self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
                    "home_latitude": lat,
                    "home_longitude": lon,
                    "max_travel_km": float(self.rng.choice([30, 40, 50, 60, 60, 75, 90, 120])),
                    "capacity_hours_per_month": float(hours),
                    "capacity_standing_clients": clients,
                    "timezone": "Europe/Amsterdam",
                    "experience_since": _iso(self.today - timedelta(days=round(experience * 365))),
                    "active": self.rng.random() < 0.97,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                },
            )
            if index % 500 == 0:
                progress("trust persons", index, total)
        progress("trust persons", total, total)

    def certifications_and_education(self, progress: Progress) -> None:
        people = self.tables["trust_person"]
        for person in people:
            roll = self.rng.random()
            if roll < 0.03:
                expires = self.today - timedelta(days=self.rng.randint(1, 200))
            elif roll < 0.10:
                expires = self.today + timedelta(days=self.rng.randint(1, 90))
            elif roll < 0.30:
                expires = self.today + timedelta(days=self.rng.randint(91, 365))
            else:
                expires = self.today + timedelta(days=self.rng.randint(366, 4 * 365 - 30))
            issued = _shift_years(expires, -self.rules.certification_years)
            cert_id = self.add(
                "certification",
                {
                    "trust_person_id": person["id"],
                    "number": "",
                    "issued_on": _iso(issued),
                    "expires_on": _iso(expires),
                    "revision": 0,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                },
            )
            self.tables["certification"][-1]["number"] = f"LVV-{issued.year}-{cert_id:05d}"
            person["_cycle"] = (issued, expires)
            experience = date.fromisoformat(person["experience_since"])
            if experience < issued:
                old_issued = _shift_years(issued, -self.rules.certification_years)
                old_id = self.add(
                    "certification",
                    {
                        "trust_person_id": person["id"],
                        "number": "",
                        "issued_on": _iso(old_issued),
                        "expires_on": _iso(issued),
                        "revision": 0,
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                    },
                )
                self.tables["certification"][-1]["number"] = f"LVV-{old_issued.year}-{old_id:05d}"
            self.education(person, issued, min(expires, self.today))
        progress("certifications", len(people), len(people))

    def education(self, person: Row, start: date, until: date) -> None:
        span = (until - start).days
        if span <= 0:
            return
        share = span / ((self.rules.certification_years * 365.25) or 1)
        pace = self.rng.uniform(0.9, 1.4) if self.rng.random() < 0.7 else self.rng.uniform(0.1, 0.7)
        plan = (
            ("accredited_course", self.rules.education_min_accredited_hours, (3, 12)),
            ("intervision", self.rules.education_min_intervision_hours, (2, 2)),
            ("other", self.rules.education_min_other_hours, (1, 8)),
        )
        for category, minimum, (low, high) in plan:
            target = minimum * share * pace
            done = 0.0
            while done < target:
                hours = float(self.rng.randint(low, high))
                day = start + timedelta(days=self.rng.randrange(span))
                if category == "accredited_course":
                    title = self.rng.choice(COURSES)
                elif category == "intervision":
                    title = "Intervisiebijeenkomst"
                else:
                    title = self.rng.choice(OTHER_ACTIVITIES)
                self.add(
                    "education_record",
                    {
                        "trust_person_id": person["id"],
                        "category": category,
                        "title": title,
                        "hours": hours,
                        "completed_on": _iso(day),
                        "accredited": category == "accredited_course",
                        "evidence_ref": f"certificaat-{person['id']}-{day.isoformat()}.pdf"
                        if category == "accredited_course"
                        else None,
                        "intervision_session_id": None,
                        "created_at": self.stamp,
                    },
                )
                done += hours

    def availability(self, progress: Progress) -> None:
        for person in self.tables["trust_person"]:
            pattern = self.rng.choices(
                ["full", "part", "evening", "split"], weights=[40, 35, 10, 15]
            )[0]
            days = list(range(5))
            if pattern == "part":
                days = sorted(self.rng.sample(range(5), self.rng.randint(3, 4)))
            for weekday in days:
                if pattern == "split":
                    ranges = [(time(8, 30), time(12, 0)), (time(13, 0), time(17, 30))]
                elif pattern == "evening":
                    ranges = [(time(9, 0), time(12, 30)), (time(19, 0), time(21, 0))]
                else:
                    ranges = [(time(9, 0), time(17, 0))]
                for start, end in ranges:
                    self.add(
                        "weekly_availability",
                        {
                            "trust_person_id": person["id"],
                            "weekday": weekday,
                            "start_time": _iso(start),
                            "end_time": _iso(end),
                        },
                    )
            if self.rng.random() < 0.3:
                self.absences(person)
            if self.rng.random() < 0.05:
                self.add(
                    "date_override",
                    {
                        "trust_person_id": person["id"],
                        "on_date": _iso(self.today + timedelta(days=self.rng.randint(1, 40))),
                        "start_time": None,
                        "end_time": None,
                    },
                )
        progress("availability", 1, 1)

    def absences(self, person: Row) -> None:
        for _ in range(self.rng.randint(1, 2)):
            kind = self.rng.choices(["leave", "sick", "training"], weights=[60, 25, 15])[0]
            if kind == "leave":
                start = self.today + timedelta(days=self.rng.randint(-60, 180))
                length = self.rng.randint(7, 21)
            elif kind == "sick":
                start = self.today - timedelta(days=self.rng.randint(0, 30))
                length = self.rng.randint(3, 40)
            else:
                start = self.today + timedelta(days=self.rng.randint(-30, 120))
                length = self.rng.randint(1, 3)
            self.add(
                "absence",
                {
                    "trust_person_id": person["id"],
                    "kind": kind,
                    "starts_on": _iso(start),
                    "ends_on": _iso(start + timedelta(days=length)),
                    "note": None,
                    "revision": 0,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                },
            )

    # ------------------------------------------------------------------ organisations

    def organisation_name(self, sector: str, place: Place, used: set[str]) -> str:
        kinds, names = ORG_WORDS[sector]
        for attempt in range(20):
            kind = self.rng.choice(kinds)
            if sector == "overheid" and kind in ("Gemeente",):
                name = f"{kind} {place.name}"
            else:
                qualifier = self.rng.choice(names)
                pattern = self.rng.randrange(3)
                if pattern == 0:
                    name = f"{kind} {qualifier}".strip()
                elif pattern == 1:
                    name = f"{qualifier} {kind} {place.name}".strip()
                else:
                    name = f"{kind} {place.name}"
            if attempt > 5:
                name = f"{name} {self.rng.choice(['Noord', 'Zuid', 'Oost', 'West', 'Centrum'])}"
            if attempt > 10:
                name = f"{name} {attempt}"
            if name not in used:
                used.add(name)
                return name
        name = f"{kinds[0]} {place.name} {len(used) + 1}"
        used.add(name)
        return name

    def organisations(self, progress: Progress) -> None:
        used: set[str] = set()
        sectors = list(SECTOR_WEIGHTS)
        weights = list(SECTOR_WEIGHTS.values())
        total = self.preset.organisations
        for index in range(total):
            sector = self.rng.choices(sectors, weights=weights)[0]
            place = self.place()
            headcount = int(min(20_000, max(5, self.rng.lognormvariate(math.log(60), 1.5))))
            languages = ["nl"]
            international = headcount > 500 or sector in ("ict", "financiele_dienstverlening")
            if international and self.rng.random() < 0.5:
                languages.append("en")
            if sector in ("logistiek", "industrie", "landbouw", "bouw") and self.rng.random() < 0.2:
                languages.append("pl")
            if self.rng.random() < 0.07:
                languages.append(self.rng.choice(["tr", "ar", "pap", "uk"]))
            name = self.organisation_name(sector, place, used)
            slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())[:40]
            large = headcount >= self.rules.two_vp_headcount_threshold
            org_id = self.add(
                "organisation",
                {
                    "name": name,
                    "sector": sector,
                    "headcount": headcount,
                    "languages": languages,
                    "requires_gender_mix": self.rng.random() < (0.45 if large else 0.08),
                    "wishes": "Keuze tussen een mannelijke en een vrouwelijke vertrouwenspersoon"
                    if large and self.rng.random() < 0.3
                    else None,
                    "contact_name": f"{self.rng.choice(FIRST_NAMES[('nl', 'female')])} "
                    f"{self.rng.choice(LAST_NAMES['nl'])}",
                    "contact_email": f"hr{index + 1}@{slug or 'org'}.nl",
                    "max_travel_km": float(self.rng.choice([50, 75]))
                    if self.rng.random() < 0.1
                    else None,
                    "active": True,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                },
            )
            site_count = 1 + (self.rng.randint(1, 4) if headcount > 1000 else 0)
            for number in range(site_count):
                site_place = place if number == 0 else self.place()
                lat, lon = self.near(site_place, 0.02)
                self.add(
                    "site",
                    {
                        "organisation_id": org_id,
                        "name": "Hoofdkantoor" if number == 0 else f"Locatie {site_place.name}",
                        "address": f"{self.rng.choice(STREETS)} {self.rng.randint(1, 250)}",
                        "postcode": f"{self.rng.randint(1000, 9999)} "
                        f"{self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
                        f"{self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
                        "municipality": site_place.name,
                        "latitude": lat,
                        "longitude": lon,
                        "is_main": number == 0,
                    },
                )
            if index % 1000 == 0:
                progress("organisations", index, total)
        progress("organisations", total, total)

    # ------------------------------------------------------------------ needs and plan

    def needs(self, progress: Progress) -> None:
        sizing = self.rules.hours_sizing
        organisations = self.tables["organisation"]
        for org in organisations:
            if self.rng.random() >= 0.9:
                continue
            large = org["headcount"] >= self.rules.two_vp_headcount_threshold
            scopes = (
                ["unwanted_behaviour", "integrity"]
                if org["headcount"] >= 50
                else ["unwanted_behaviour"]
            )
            extra = [code for code in org["languages"] if code not in ("nl", "en")]
            self.add(
                "need",
                {
                    "organisation_id": org["id"],
                    "kind": "standing",
                    "title": f"Externe vertrouwenspersoon {org['name']}",
                    "description": None,
                    "scopes": scopes,
                    "languages": extra[:1] if extra and self.rng.random() < 0.4 else [],
                    "starts_on": _iso(self.today - timedelta(days=self.rng.randint(0, 1500))),
                    "ends_on": None,
                    "expected_hours_per_month": sizing.hours_for(org["headcount"]),
                    "seats": 2 if large else 1,
                    "urgency": "normal",
                    "requires_gender_mix": bool(org["requires_gender_mix"] and large),
                    "max_travel_km": None,
                    "site_id": None,
                    "status": "open",
                    "requested_by_user_id": None,
                    "decision_reason": None,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                },
            )
        short_term = max(3, round(0.08 * len(organisations)))
        kinds = ("absence_cover", "reorganisation", "aftercare")
        for _ in range(short_term):
            org = self.rng.choice(organisations)
            kind = self.rng.choices(kinds, weights=[50, 25, 25])[0]
            start = self.today + timedelta(days=self.rng.randint(-10, 45))
            if kind == "absence_cover":
                weeks = self.rng.randint(4, 16)
                hours = sizing.hours_for(org["headcount"])
                urgency = self.rng.choice(["normal", "high"])
                title = "Vervanging interne vertrouwenspersoon (ziekte)"
            elif kind == "reorganisation":
                weeks = self.rng.randint(12, 40)
                hours = float(self.rng.randint(4, 16))
                urgency = self.rng.choice(["low", "normal"])
                title = "Extra ondersteuning tijdens reorganisatie"
            else:
                weeks = self.rng.randint(2, 8)
                hours = float(self.rng.randint(6, 20))
                urgency = self.rng.choice(["high", "critical"])
                title = "Nazorg na ingrijpend incident"
            extra = [code for code in org["languages"] if code not in ("nl", "en")]
            self.add(
                "need",
                {
                    "organisation_id": org["id"],
                    "kind": kind,
                    "title": title,
                    "description": None,
                    "scopes": ["unwanted_behaviour"] if kind != "reorganisation" or
                    self.rng.random() < 0.5 else ["unwanted_behaviour", "integrity"],
                    "languages": extra[:1] if extra and self.rng.random() < 0.5 else [],
                    "starts_on": _iso(start),
                    "ends_on": _iso(start + timedelta(weeks=weeks)),
                    "expected_hours_per_month": hours,
                    "seats": 2 if kind == "aftercare" and self.rng.random() < 0.3 else 1,
                    "urgency": urgency,
                    "requires_gender_mix": False,
                    "max_travel_km": None,
                    "site_id": None,
                    "status": "requested" if self.rng.random() < 0.2 else "open",
                    "requested_by_user_id": None,
                    "decision_reason": None,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                },
            )  # fmt: skip
        progress("needs", len(self.tables["need"]), len(self.tables["need"]))

    def conflicts_and_preferences(self, progress: Progress) -> None:
        people = self.tables["trust_person"]
        organisations = self.tables["organisation"]
        by_place: dict[str, list[Row]] = defaultdict(list)
        for org in organisations:
            by_place[self.tables["site"][org["id"] - 1]["municipality"]].append(org)
        reasons = ["employment", "works_council", "personal_tie", "hr_role", "management",
                   "company_doctor", "company_social_worker", "other"]  # fmt: skip
        seen: set[tuple[int, int]] = set()
        for person in people:
            nearby = by_place.get(person["home_municipality"]) or organisations
            for _ in range(self.rng.choices([0, 1, 2], weights=[70, 24, 6])[0]):
                org = self.rng.choice(nearby)
                if (person["id"], org["id"]) in seen:
                    continue
                seen.add((person["id"], org["id"]))
                reason = self.rng.choice(reasons)
                ended = reason == "employment" and self.rng.random() < 0.7
                end = self.today - timedelta(days=self.rng.randint(30, 1500)) if ended else None
                self.add(
                    "conflict_of_interest",
                    {
                        "trust_person_id": person["id"],
                        "organisation_id": org["id"],
                        "reason": reason,
                        "note": None,
                        "starts_on": _iso(
                            (end or self.today) - timedelta(days=self.rng.randint(365, 3000))
                        ),
                        "ends_on": _iso(end),
                        "recorded_by_user_id": None,
                        "created_at": self.stamp,
                    },
                )
        pairs: set[tuple[int, int, str]] = set()
        for org in self.rng.sample(organisations, k=max(1, len(organisations) // 10)):
            person = self.rng.choice(people)
            party = self.rng.choice(["client", "trust_person"])
            if (person["id"], org["id"], party) in pairs:
                continue
            pairs.add((person["id"], org["id"], party))
            self.add(
                "preference",
                {
                    "trust_person_id": person["id"],
                    "organisation_id": org["id"],
                    "party": party,
                    "strength": self.rng.choice([-2, -1, 1, 1, 2]),
                    "note": None,
                },
            )
        progress("conflicts", len(seen), len(seen))

    def existing_plan(self, progress: Progress) -> None:
        """Confirmed standing assignments, placed as a careful planner would, nearest first."""
        people = self.tables["trust_person"]
        horizon = self.today + timedelta(days=30 * self.settings.matching_horizon_months)
        conflicts = {
            (c["trust_person_id"], c["organisation_id"])
            for c in self.tables["conflict_of_interest"]
        }
        cells: dict[tuple[int, int], list[Row]] = defaultdict(list)
        for person in people:
            if person["active"] and person["_cycle"][1] > horizon:
                key = (int(person["home_latitude"] * 4), int(person["home_longitude"] * 4))
                cells[key].append(person)
        main_site = {
            site["organisation_id"]: site for site in self.tables["site"] if site["is_main"]
        }
        hours_used: dict[int, float] = defaultdict(float)
        clients_used: dict[int, int] = defaultdict(int)
        organisations = self.tables["organisation"]
        standing = [n for n in self.tables["need"] if n["kind"] == "standing"]
        self.rng.shuffle(standing)
        for need in standing:
            if self.rng.random() > 0.7:
                continue  # left for the matcher
            org = organisations[need["organisation_id"] - 1]
            site = main_site[org["id"]]
            team: list[Row] = []
            # A box of about 55 x 50 km first; the full reach only when that is not enough.
            for rows, cols in ((2, 3), (5, 8)):
                team = self._team(
                    need,
                    org=org,
                    site=site,
                    cells=cells,
                    box=(rows, cols),
                    hours_used=hours_used,
                    clients_used=clients_used,
                    conflicts=conflicts,
                )
                if len(team) == need["seats"]:
                    break
            if need["requires_gender_mix"] and len(team) == 1 and team[0]["gender"] is None:
                team = []
            for seat, person in enumerate(team, start=1):
                hours_used[person["id"]] += need["expected_hours_per_month"]
                clients_used[person["id"]] += 1
                starts = date.fromisoformat(need["starts_on"])
                consent = starts + timedelta(days=self.rng.randint(-30, 60))
                self.add(
                    "assignment",
                    {
                        "need_id": need["id"],
                        "trust_person_id": person["id"],
                        "seat": seat,
                        "starts_on": _iso(starts),
                        "ends_on": None,
                        "status": "confirmed",
                        "pinned": self.rng.random() < 0.05,
                        "works_council_consent_on": _iso(consent)
                        if self.rng.random() < 0.7
                        else None,
                        "matching_run_id": None,
                        "revision": 0,
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                    },
                )
        count = len(self.tables["assignment"])
        progress("existing plan", count, count)

    def _team(
        self,
        need: Row,
        *,
        org: Row,
        site: Row,
        cells: dict[tuple[int, int], list[Row]],
        box: tuple[int, int],
        hours_used: dict[int, float],
        clients_used: dict[int, int],
        conflicts: set[tuple[int, int]],
    ) -> list[Row]:
        """The nearest VPs who may take the need, up to its seats."""
        lat, lon = site["latitude"], site["longitude"]
        row, col = int(lat * 4), int(lon * 4)
        squash = math.cos(math.radians(lat))
        scopes = set(need["scopes"])
        languages = set(need["languages"])
        nearby = []
        for dr in range(-box[0], box[0] + 1):
            for dc in range(-box[1], box[1] + 1):
                for person in cells.get((row + dr, col + dc), ()):
                    distance = KM_PER_DEGREE * math.hypot(
                        person["home_latitude"] - lat, (person["home_longitude"] - lon) * squash
                    )
                    limit = person["max_travel_km"]
                    if org["max_travel_km"] is not None:
                        limit = min(limit, org["max_travel_km"])
                    if distance <= limit:
                        nearby.append((distance, person["id"], person))
        nearby.sort(key=lambda item: (item[0], item[1]))
        team: list[Row] = []
        for _, vp_id, person in nearby:
            if len(team) == need["seats"]:
                break
            if (vp_id, org["id"]) in conflicts:
                continue
            if not scopes <= set(person["scopes"]) or not languages <= set(person["languages"]):
                continue
            hours = hours_used[vp_id] + need["expected_hours_per_month"]
            if hours > person["capacity_hours_per_month"]:
                continue
            if clients_used[vp_id] + 1 > person["capacity_standing_clients"]:
                continue
            if need["requires_gender_mix"] and team:
                mixed = person["gender"] is not None and team[0]["gender"] not in (
                    None,
                    person["gender"],
                )
                if not mixed:
                    continue
            team.append(person)
        return team

    # ------------------------------------------------------------------ users and intervision

    def users(self, progress: Progress) -> None:
        def user(email: str, name: str, role: str, org: int | None, vp: int | None) -> None:
            self.add(
                "app_user",
                {
                    "email": email,
                    "display_name": name,
                    "role": role,
                    "organisation_id": org,
                    "trust_person_id": vp,
                    "password_hash": None,
                    "active": True,
                    "created_at": self.stamp,
                },
            )

        user("admin@vppool.example", "Beheerder", "admin", None, None)
        user("planner@vppool.example", "Priya Planner", "planner", None, None)
        user("planner2@vppool.example", "Pieter Planning", "planner", None, None)
        with_need = sorted({n["organisation_id"] for n in self.tables["need"]})
        for org_id in with_need[: max(10, len(with_need) // 20)]:
            org = self.tables["organisation"][org_id - 1]
            user(f"client{org_id}@vppool.example", org["contact_name"], "client", org_id, None)
        for person in self.tables["trust_person"][: max(25, len(self.tables["trust_person"]) // 5)]:
            user(
                f"vp{person['id']}@vppool.example",
                f"{person['first_name']} {person['last_name']}",
                "trust_person",
                None,
                person["id"],
            )
        progress("users", len(self.tables["app_user"]), len(self.tables["app_user"]))

    def intervision(self, progress: Progress) -> None:
        active = [p for p in self.tables["trust_person"] if p["active"]]
        active.sort(key=lambda p: (p["home_latitude"], p["home_longitude"]))
        year = self.today.year - 1
        groups = [active[i : i + 5] for i in range(0, len(active) - 3, 5)]
        for number, members in enumerate(groups, start=1):
            if len(members) < 4:
                break
            centre = members[len(members) // 2]
            group_id = self.add(
                "intervision_group",
                {
                    "name": f"Intervisiegroep {number}",
                    "year": year,
                    "meeting_place": centre["home_municipality"],
                    "meeting_latitude": centre["home_latitude"],
                    "meeting_longitude": centre["home_longitude"],
                    "created_at": self.stamp,
                },
            )
            for person in members:
                self.add(
                    "intervision_member", {"group_id": group_id, "trust_person_id": person["id"]}
                )
            for quarter in range(4):
                day = date(year, 2 + 3 * quarter, self.rng.randint(3, 26))
                start = datetime.combine(day, time(13, 30), tzinfo=UTC)
                session_id = self.add(
                    "intervision_session",
                    {
                        "group_id": group_id,
                        "starts_at": _iso(start),
                        "ends_at": _iso(start + timedelta(hours=2)),
                        "location": centre["home_municipality"],
                        "status": "held",
                        "revision": 0,
                        "updated_at": self.stamp,
                    },
                )
                for person in members:
                    attended = self.rng.random() < 0.9
                    self.add(
                        "intervision_attendance",
                        {
                            "session_id": session_id,
                            "trust_person_id": person["id"],
                            "attended": attended,
                        },
                    )
                    issued, expires = person["_cycle"]
                    if attended and issued <= day < min(expires, self.today):
                        self.add(
                            "education_record",
                            {
                                "trust_person_id": person["id"],
                                "category": "intervision",
                                "title": f"Intervisie {year} Q{quarter + 1}",
                                "hours": 2.0,
                                "completed_on": _iso(day),
                                "accredited": False,
                                "evidence_ref": None,
                                "intervision_session_id": session_id,
                                "created_at": self.stamp,
                            },
                        )
        progress("intervision", len(groups), len(groups))

    def run(self, progress: Progress) -> dict[str, list[Row]]:
        self.trust_persons(progress)
        self.certifications_and_education(progress)
        self.availability(progress)
        self.organisations(progress)
        self.needs(progress)
        self.conflicts_and_preferences(progress)
        self.existing_plan(progress)
        self.users(progress)
        self.intervision(progress)
        for person in self.tables["trust_person"]:
            person.pop("_cycle", None)
        return dict(self.tables)


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


def generate(
    size: str,
    seed: int,
    *,
    today: date,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Dataset:
    """A realistic dataset of the given size preset (S, M, L or XL).

    Args:
        size: the preset name.
        seed: the random seed; the same seed and ``today`` give the same dataset.
        today: the reference date (certificates expire relative to it, needs start near it).
        settings: rule numbers (defaults from the environment-free :class:`Settings`).
        progress: optional ``(step, done, total)`` callback.

    Raises:
        ValueError: for an unknown size.
    """
    if size not in SIZES:
        msg = f"unknown size {size!r}; use one of {', '.join(SIZES)}"
        raise ValueError(msg)
    generator = _Generator(SIZES[size], seed, today, settings or Settings())
    tables = generator.run(progress or _quiet)
    meta = DatasetMeta(
        source="synthetic",
        size=size,
        seed=seed,
        reference_date=today.isoformat(),
        created_at=generator.stamp,
    )
    return Dataset(meta=meta, tables=tables)
