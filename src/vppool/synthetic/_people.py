"""The pool: trust persons, their certificates, education, weekly hours and absences."""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from datetime import date, time, timedelta

from vppool.settings import RuleDefaults
from vppool.synthetic._geo import PlaceSampler, postcode
from vppool.synthetic._names import BACKGROUNDS, COURSES, OTHER_ACTIVITIES, Background
from vppool.synthetic._records import Tables, TrustPerson, iso
from vppool.vocab import SECTORS

__all__ = [
    "SECTOR_WEIGHTS",
    "add_absences",
    "add_certificates_and_education",
    "add_trust_persons",
    "add_weekly_hours",
    "ascii_slug",
    "person_name",
    "quota",
    "shift_years",
]

_SECTOR_SHARES = {
    "zorg": 18, "onderwijs": 13, "overheid": 6, "industrie": 10, "bouw": 7, "logistiek": 6,
    "retail": 8, "horeca": 5, "financiele_dienstverlening": 4, "ict": 6,
    "zakelijke_dienstverlening": 8, "cultuur": 2, "sport": 2, "welzijn": 5, "landbouw": 2,
    "energie": 1, "woningcorporatie": 2,
}  # fmt: skip
#: How common each sector is among client organisations (and in VPs' experience).
SECTOR_WEIGHTS: dict[str, int] = {sector: _SECTOR_SHARES.get(sector, 1) for sector in SECTORS}

GENDERS = ("female", "male", "non_binary", None)
#: Most VPs are women; a few are non-binary; some keep their gender to themselves.
GENDER_WEIGHTS = (64, 29, 2, 5)
SCOPE_CHOICES = (
    ("unwanted_behaviour", "integrity"),
    ("unwanted_behaviour",),
    ("integrity",),
)
SCOPE_WEIGHTS = (70, 22, 8)
TRAVEL_KM = (30, 40, 50, 60, 60, 75, 90, 120)
HOURS_PER_MONTH = (8, 12, 16, 16, 20, 24, 24, 32, 40, 48, 60)
NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
#: Letters that Unicode decomposition does not reduce to ASCII (Turkish dotless i, ...).
EXTRA_SPELLINGS = str.maketrans(
    {"\u0131": "i", "\u0142": "l", "\u0141": "L", "\u00df": "ss", "\u00f8": "o", "'": ""}
)


def ascii_slug(text: str, separator: str = ".") -> str:
    """Lower-case ASCII letters and digits of ``text``, words joined by ``separator``."""
    plain = unicodedata.normalize("NFKD", text.translate(EXTRA_SPELLINGS))
    words = NOT_ALPHANUMERIC.split(plain.encode("ascii", "ignore").decode().lower())
    return separator.join(word for word in words if word)


def shift_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def quota(rng: random.Random, count: int, shares: dict[str, float]) -> list[str]:
    """``count`` labels in random order, each label as close to its share as rounding allows.

    Every label with a positive share appears at least once when ``count`` allows, so even
    the smallest dataset shows every case (an expired certificate, a current absence, ...).
    """
    if count <= 0:
        return []
    counts = {label: max(1, round(share * count)) for label, share in shares.items() if share > 0}
    by_share = sorted(counts, key=lambda label: (-shares[label], label))
    while sum(counts.values()) > count and any(counts[label] > 1 for label in by_share):
        counts[next(label for label in by_share if counts[label] > 1)] -= 1
    while sum(counts.values()) > count:  # fewer places than labels: the rarest go
        counts.pop(by_share.pop())
    counts[by_share[0]] += count - sum(counts.values())
    labels = [label for label in by_share for _ in range(counts[label])]
    rng.shuffle(labels)
    return labels


def person_name(rng: random.Random, background: Background, gender: str | None) -> tuple[str, str]:
    """A first and a family name fitting the background (either list for other genders)."""
    if gender not in ("female", "male"):
        gender = rng.choice(("female", "male"))
    first = rng.choice(background.female if gender == "female" else background.male)
    return first, rng.choice(background.family)


def _languages(rng: random.Random, background: Background, province: str) -> list[str]:
    languages = ["nl"]
    if rng.random() < (0.85 if background is BACKGROUNDS["nl"] else 0.75):
        languages.append("en")
    for code, chance in background.languages:
        if rng.random() < chance and code not in languages:
            languages.append(code)
    if province == "Friesland" and rng.random() < 0.45:
        languages.append("fy")
    return languages


def add_trust_persons(
    tables: Tables, rng: random.Random, count: int, places: PlaceSampler, today: date
) -> list[TrustPerson]:
    """``count`` VPs with Dutch names from many backgrounds, homes by population."""
    backgrounds = list(BACKGROUNDS.values())
    shares = list(itertools.accumulate(b.share for b in backgrounds))
    sectors, sector_weights = list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values())
    inactive = set(rng.sample(range(count), k=min(count, max(1, round(0.03 * count)))))
    emails: set[str] = set()
    people = []
    for index in range(count):
        background = rng.choices(backgrounds, cum_weights=shares)[0]
        gender = rng.choices(GENDERS, weights=GENDER_WEIGHTS)[0]
        first, last = person_name(rng, background, gender)
        slug = ascii_slug(f"{first} {last.replace(' ', '')}")
        email = f"{slug}@vppool.example"
        for number in itertools.count(2):
            if email not in emails:
                break
            email = f"{slug}{number}@vppool.example"
        emails.add(email)
        age = round(rng.triangular(30, 70, 52))
        longest = min(25.0, age - 27.0)
        years = rng.triangular(0.3, longest, min(5.0, longest))
        experience_since = today - timedelta(days=round(years * 365.25))
        place = places.draw(rng)
        latitude, longitude = places.point_in(rng, place)
        hours = rng.choice(HOURS_PER_MONTH)
        # Most standing clients are small (one to three hours a month): an external VP with a
        # day a week serves ten or more of them.
        clients = max(2, min(25, round(hours / 2.5 + rng.uniform(-1, 2))))
        scopes = rng.choices(SCOPE_CHOICES, weights=SCOPE_WEIGHTS)[0]
        experience = sorted(set(rng.choices(sectors, sector_weights, k=rng.randint(1, 4))))
        languages = _languages(rng, background, place.province)
        travel = float(rng.choice(TRAVEL_KM))
        active = index not in inactive
        row_id = tables.add(
            "trust_person",
            {
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": f"06-{rng.randint(10_000_000, 99_999_999)}",
                "gender": gender,
                "gender_visible_to_clients": gender is not None and rng.random() < 0.8,
                "birth_year": today.year - age,
                "background_tags": [background.tag]
                if background.tag and rng.random() < 0.5
                else [],
                "languages": languages,
                "scopes": list(scopes),
                "sectors": experience,
                "home_municipality": place.name,
                "home_postcode": postcode(rng, place.province),
                "home_latitude": latitude,
                "home_longitude": longitude,
                "max_travel_km": travel,
                "capacity_hours_per_month": float(hours),
                "capacity_standing_clients": clients,
                "timezone": "Europe/Amsterdam",
                "experience_since": iso(experience_since),
                "active": active,
                "created_at": tables.stamp,
                "updated_at": tables.stamp,
            },
        )
        people.append(
            TrustPerson(
                id=row_id,
                name=f"{first} {last}",
                gender=gender,
                place=place,
                latitude=latitude,
                longitude=longitude,
                scopes=frozenset(scopes),
                languages=frozenset(languages),
                sectors=frozenset(experience),
                max_travel_km=travel,
                capacity_hours=float(hours),
                capacity_clients=clients,
                active=active,
                experience_since=experience_since,
            )
        )
    return people


def _current_expiry(rng: random.Random, state: str, today: date, rules: RuleDefaults) -> date:
    """An expiry date in the given state; never so far ahead that the issue date is too."""
    soon, window = rules.expiring_soon_days, rules.renewal_window_days
    longest = max(1, rules.certification_years * 365 - 30)
    if state == "expired":
        days = -rng.randint(1, 200)
    elif state == "expiring_soon":
        days = rng.randint(1, max(1, soon))
    elif state == "renewal_window":
        days = rng.randint(soon + 1, max(soon + 1, window))
    else:
        days = rng.randint(window + 1, max(window + 1, longest))
    return today + timedelta(days=min(days, longest))


def add_certificates_and_education(
    tables: Tables,
    rng: random.Random,
    people: list[TrustPerson],
    today: date,
    rules: RuleDefaults,
    *,
    groups_from: date,
) -> None:
    """Each VP's chain of LVV certificates and their education in the current cycle.

    The current certificates are spread so that a few have expired, some expire within
    the 'expiring soon' window and some within the renewal window; the rest are valid.
    Education before ``groups_from`` is written here; intervision from then on comes from
    the intervision groups' attendance.
    """
    states = quota(
        rng,
        len(people),
        {"expired": 0.03, "expiring_soon": 0.07, "renewal_window": 0.2, "valid": 0.7},
    )
    paces = quota(rng, len(people), {"on_track": 0.7, "behind": 0.3})
    numbers: set[str] = set()

    def certificate(person: TrustPerson, issued: date, expires: date) -> None:
        number = f"LVV-{issued.year}-{rng.randint(1, 99_999):05d}"
        while number in numbers:
            number = f"LVV-{issued.year}-{rng.randint(1, 99_999):05d}"
        numbers.add(number)
        tables.add(
            "certification",
            {
                "trust_person_id": person.id,
                "number": number,
                "issued_on": iso(issued),
                "expires_on": iso(expires),
                "revision": 0,
                "created_at": tables.stamp,
                "updated_at": tables.stamp,
            },
        )

    years = rules.certification_years
    for person, state, pace in zip(people, states, paces, strict=True):
        expires = _current_expiry(rng, state, today, rules)
        issued = shift_years(expires, -years)
        if person.experience_since > issued:
            person.experience_since = issued - timedelta(days=rng.randint(0, 180))
            tables.rows["trust_person"][person.id - 1]["experience_since"] = iso(
                person.experience_since
            )
        chain = [(issued, expires)]
        while len(chain) < 3 and shift_years(chain[0][0], -years) >= person.experience_since:
            chain.insert(0, (shift_years(chain[0][0], -years), chain[0][0]))
        for start, end in chain:
            certificate(person, start, end)
        person.certified_since = chain[0][0]
        person.certificate_issued, person.certificate_expires = issued, expires
        person.education_pace = (
            rng.uniform(1.0, 1.4) if pace == "on_track" else rng.uniform(0.25, 0.85)
        )
        _education(tables, rng, person, today, rules, groups_from=groups_from)


def _education(
    tables: Tables,
    rng: random.Random,
    person: TrustPerson,
    today: date,
    rules: RuleDefaults,
    *,
    groups_from: date,
) -> None:
    start, cycle_end = person.certificate_issued, person.certificate_expires
    until = min(cycle_end, today + timedelta(days=1))  # completed on or before today
    cycle_days = (cycle_end - start).days
    span = (until - start).days
    if span <= 0 or cycle_days <= 0:
        return
    pace = person.education_pace

    def record(category: str, title: str, hours: float, day: date) -> None:
        tables.add(
            "education_record",
            {
                "trust_person_id": person.id,
                "category": category,
                "title": title,
                "hours": hours,
                "completed_on": iso(day),
                "accredited": category == "accredited_course",
                "evidence_ref": f"bewijs-{person.id}-{day.isoformat()}.pdf"
                if category != "intervision"
                else None,
                "intervision_session_id": None,
                "created_at": tables.stamp,
            },
        )

    target = rules.education_min_accredited_hours * pace * span / cycle_days
    done = 0.0
    while done < target:
        title, hours = rng.choice(COURSES)
        record("accredited_course", title, hours, start + timedelta(days=rng.randrange(span)))
        done += hours
    target = rules.education_min_other_hours * pace * span / cycle_days
    done = 0.0
    while done < target:
        title, (low, high) = rng.choice(OTHER_ACTIVITIES)
        hours = float(rng.randint(low, high))
        record("other", title, hours, start + timedelta(days=rng.randrange(span)))
        done += hours
    # Intervision before the groups the dataset holds (those write their own records).
    before = (min(until, groups_from) - start).days
    target = rules.education_min_intervision_hours * pace * max(0, before) / cycle_days
    done = 0.0
    while done < target:
        hours = rng.choice((2.0, 2.0, 2.0, 2.5, 3.0))
        day = start + timedelta(days=rng.randrange(before))
        record("intervision", "Intervisiebijeenkomst", hours, day)
        done += hours


#: Weekly patterns: (weight, days, ranges per day); the ranges never overlap.
WEEKLY_PATTERNS: tuple[tuple[int, str], ...] = (
    (30, "full_time"),
    (35, "part_time"),
    (15, "split"),
    (10, "evenings"),
    (10, "flexible"),
)


def _day_ranges(rng: random.Random, pattern: str) -> dict[int, list[tuple[time, time]]]:
    if pattern == "full_time":
        start = rng.choice((time(8, 0), time(8, 30), time(9, 0)))
        end = rng.choice((time(16, 30), time(17, 0), time(17, 30)))
        return {day: [(start, end)] for day in range(5)}
    if pattern == "part_time":
        days = sorted(rng.sample(range(5), rng.randint(2, 4)))
        span = rng.choice(((time(9, 0), time(17, 0)), (time(9, 0), time(13, 0))))
        return {day: [span] for day in days}
    if pattern == "split":
        return {day: [(time(8, 30), time(12, 0)), (time(13, 0), time(17, 0))] for day in range(5)}
    if pattern == "evenings":
        days = sorted(rng.sample(range(5), 3))
        ranges: dict[int, list[tuple[time, time]]] = {d: [(time(9, 0), time(12, 30))] for d in days}
        for day in rng.sample(range(5), 2):
            ranges.setdefault(day, []).append((time(19, 0), time(21, 30)))
        return ranges
    ranges = {day: [(time(10, 0), time(16, 0))] for day in range(4)}
    ranges[5] = [(time(10, 0), time(13, 0))]
    return ranges


def add_weekly_hours(
    tables: Tables, rng: random.Random, people: list[TrustPerson], today: date
) -> None:
    """Weekly availability per VP (several patterns), and a few date overrides."""
    names = [name for _, name in WEEKLY_PATTERNS]
    weights = [weight for weight, _ in WEEKLY_PATTERNS]
    for person in people:
        ranges = _day_ranges(rng, rng.choices(names, weights)[0])
        if rng.random() < 0.1:
            evening = rng.randrange(5)
            if all(end <= time(18, 0) for _, end in ranges.get(evening, [])):
                ranges.setdefault(evening, []).append((time(19, 0), time(21, 0)))
        for weekday in sorted(ranges):
            for start, end in ranges[weekday]:
                tables.add(
                    "weekly_availability",
                    {
                        "trust_person_id": person.id,
                        "weekday": weekday,
                        "start_time": iso(start),
                        "end_time": iso(end),
                    },
                )
        if rng.random() < 0.06:
            day_off = rng.random() < 0.6
            tables.add(
                "date_override",
                {
                    "trust_person_id": person.id,
                    "on_date": iso(today + timedelta(days=rng.randint(1, 60))),
                    "start_time": None if day_off else iso(time(10, 0)),
                    "end_time": None if day_off else iso(time(14, 0)),
                },
            )


def add_absences(
    tables: Tables, rng: random.Random, people: list[TrustPerson], today: date
) -> None:
    """Absences (leave, sickness, training) for about a third of the VPs.

    They lie in the past, around today and ahead; the first three make sure each occurs.
    """
    absent = [person for person in people if rng.random() < 0.35]
    forced = iter(("past", "current", "future"))
    for person in absent:
        for _ in range(rng.choices((1, 2, 3), weights=(60, 30, 10))[0]):
            timing = (
                next(forced, None)
                or rng.choices(("past", "current", "future"), weights=(35, 20, 45))[0]
            )
            kind = rng.choices(("leave", "sick", "training", "other"), weights=(55, 25, 15, 5))[0]
            length = {
                "leave": rng.randint(5, 21),
                "sick": rng.randint(2, 45),
                "training": rng.randint(1, 3),
                "other": rng.randint(1, 5),
            }[kind]
            if timing == "past":
                starts = today - timedelta(days=length + rng.randint(1, 120))
            elif timing == "current":
                starts = today - timedelta(days=rng.randint(0, length - 1))
            else:
                starts = today + timedelta(days=rng.randint(1, 200))
            ends = starts + timedelta(days=length)
            person.absences.append((starts, ends))
            tables.add(
                "absence",
                {
                    "trust_person_id": person.id,
                    "kind": kind,
                    "starts_on": iso(starts),
                    "ends_on": iso(ends),
                    "note": {
                        "leave": "Vakantie",
                        "sick": None,
                        "training": "Opleiding",
                        "other": "Persoonlijke omstandigheden",
                    }[kind],
                    "revision": 0,
                    "created_at": tables.stamp,
                    "updated_at": tables.stamp,
                },
            )
