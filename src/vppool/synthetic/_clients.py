"""Client organisations, their sites and their needs."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, timedelta

from vppool.settings import RuleDefaults
from vppool.synthetic._geo import PlaceSampler, postcode
from vppool.synthetic._names import BACKGROUNDS, ORGANISATION_WORDS, STREETS
from vppool.synthetic._people import SECTOR_WEIGHTS, ascii_slug, person_name
from vppool.synthetic._places import Place
from vppool.synthetic._records import Need, Organisation, Site, Tables, iso
from vppool.vocab import LANGUAGES

__all__ = ["add_needs", "add_organisations"]

MIN_HEADCOUNT = 5
MAX_HEADCOUNT = 20_000
#: Median headcount of a client organisation, and how a sector differs from it.
MEDIAN_HEADCOUNT = 45
SECTOR_SIZE = {
    "zorg": 2.5, "onderwijs": 2.0, "overheid": 4.0, "financiele_dienstverlening": 2.0,
    "energie": 3.0, "woningcorporatie": 2.0, "industrie": 1.5, "logistiek": 1.3,
    "horeca": 0.5, "landbouw": 0.4, "cultuur": 0.6, "sport": 0.5, "retail": 0.8,
}  # fmt: skip
#: Sectors where many employees speak Polish, Romanian or Bulgarian at work.
LABOUR_MIGRATION = {"logistiek": 0.3, "landbouw": 0.4, "industrie": 0.15, "bouw": 0.2}
SHORT_TERM = {
    "absence_cover": "Vervanging interne vertrouwenspersoon",
    "reorganisation": "Extra vertrouwenspersoon tijdens reorganisatie",
    "aftercare": "Nazorg na ingrijpend incident",
}
DECLINED_REASONS = (
    "Valt buiten het afgesproken pakket; offerte volgt.",
    "Geen vertrouwenspersoon beschikbaar in de gevraagde periode.",
    "Dubbele aanvraag.",
)


def _title_case(name: str) -> str:
    """A family name at the start of a company name: 'van Dijk' -> 'Van Dijk'."""
    return name[:1].upper() + name[1:]


class _Namer:
    """Unique, Dutch-sounding organisation names (no real organisation is meant)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.municipalities: set[str] = set()
        self.provinces: set[str] = set()
        self.family = BACKGROUNDS["nl"].family

    def government(self, place: Place) -> tuple[str, int] | None:
        """A municipality or province (headcount follows its population), once each."""
        if place.name not in self.municipalities and self.rng.random() < 0.5:
            self.municipalities.add(place.name)
            name = f"Gemeente {place.name}"
            self.used.add(name)
            return name, round(place.population / self.rng.uniform(70, 110))
        if place.province not in self.provinces and self.rng.random() < 0.1:
            self.provinces.add(place.province)
            name = f"Provincie {place.province}"
            self.used.add(name)
            return name, self.rng.randint(600, 1_600)
        return None

    def name(self, sector: str, place: Place) -> str:
        """A new name for an organisation of ``sector`` in ``place``."""
        attempt = 0
        while True:
            name = self._candidate(sector, place, attempt)
            if name not in self.used:
                self.used.add(name)
                return name
            attempt += 1

    def _candidate(self, sector: str, place: Place, attempt: int) -> str:
        words = ORGANISATION_WORDS[sector]
        rng = self.rng
        if attempt >= 30:  # every combination seems taken: number them
            return f"{words.kinds[0]} {place.name} {attempt - 28}"
        kind = rng.choice(words.kinds)
        pattern = rng.randrange(4 if words.family_firms else 3)
        qualifier = rng.choice(words.qualifiers)
        named = f"{qualifier} {kind}" if words.qualifier_first else f"{kind} {qualifier}"
        if pattern == 0:
            name = named
        elif pattern == 1:
            name = f"{kind} {place.name}"
        elif pattern == 2:
            name = f"{named} {place.name}"
        else:
            family = _title_case(rng.choice(self.family))
            name = rng.choice((f"{family} {kind}", f"{kind} {family}"))
            if rng.random() < 0.3:
                name += " B.V."
        if words.foundation and rng.random() < 0.15:
            name = f"Stichting {name}"
        if attempt >= 20:
            name = f"{name} ({place.name})"
        return name


def _languages(rng: random.Random, sector: str, headcount: int) -> list[str]:
    languages = ["nl"]
    international = headcount > 500 or sector in ("ict", "financiele_dienstverlening")
    if (international and rng.random() < 0.5) or rng.random() < 0.05:
        languages.append("en")
    if rng.random() < LABOUR_MIGRATION.get(sector, 0.0):
        languages.append(rng.choices(("pl", "ro", "bg"), weights=(70, 20, 10))[0])
    if rng.random() < 0.06:
        languages.append(rng.choice(("tr", "ar", "ber", "pap", "uk", "ti", "so", "fa")))
    return languages


def _wishes(rng: random.Random, requires_mix: bool, languages: list[str]) -> str | None:
    if requires_mix and rng.random() < 0.6:
        return "Medewerkers kunnen kiezen tussen een mannelijke en een vrouwelijke VP."
    extra = [code for code in languages if code not in ("nl", "en")]
    if extra and rng.random() < 0.5:
        return f"Bij voorkeur een VP die ook {LANGUAGES[extra[0]]} spreekt."
    if rng.random() < 0.05:
        return "Spreekuur op locatie, eens per kwartaal."
    return None


def add_organisations(
    tables: Tables,
    rng: random.Random,
    count: int,
    places: PlaceSampler,
    rules: RuleDefaults,
) -> list[Organisation]:
    """``count`` organisations with a heavy-tailed headcount (5 to 20,000) and their sites."""
    namer = _Namer(rng)
    sectors, weights = list(SECTOR_WEIGHTS), list(SECTOR_WEIGHTS.values())
    backgrounds = list(BACKGROUNDS.values())
    shares = [b.share for b in backgrounds]
    slugs: set[str] = set()
    organisations = []
    for _ in range(count):
        sector = rng.choices(sectors, weights)[0]
        place = places.draw(rng)
        government = namer.government(place) if sector == "overheid" else None
        if government is not None:
            name, headcount = government
        else:
            name = namer.name(sector, place)
            median = MEDIAN_HEADCOUNT * SECTOR_SIZE.get(sector, 1.0)
            headcount = round(rng.lognormvariate(math.log(median), 1.4))
        headcount = min(MAX_HEADCOUNT, max(MIN_HEADCOUNT, headcount))
        large = headcount >= rules.two_vp_headcount_threshold
        requires_mix = rng.random() < (0.45 if large else 0.05)
        languages = _languages(rng, sector, headcount)
        first, last = person_name(
            rng, rng.choices(backgrounds, shares)[0], rng.choice(("female", "male"))
        )
        slug = ascii_slug(name.removesuffix(" B.V."), "-")[:50].strip("-") or "organisatie"
        if slug in slugs:
            slug = f"{slug}-{len(slugs) + 1}"
        slugs.add(slug)
        active = rng.random() >= 0.02
        max_travel_km = float(rng.choice((40, 50, 75))) if rng.random() < 0.1 else None
        org_id = tables.add(
            "organisation",
            {
                "name": name,
                "sector": sector,
                "headcount": headcount,
                "languages": languages,
                "requires_gender_mix": requires_mix,
                "wishes": _wishes(rng, requires_mix, languages),
                "contact_name": f"{first} {last}",
                "contact_email": f"{ascii_slug(f'{first} {last}')}@{slug}.example",
                "max_travel_km": max_travel_km,
                "active": active,
                "created_at": tables.stamp,
                "updated_at": tables.stamp,
            },
        )
        organisation = Organisation(
            id=org_id,
            name=name,
            sector=sector,
            headcount=headcount,
            languages=tuple(languages),
            requires_gender_mix=requires_mix,
            max_travel_km=max_travel_km,
            active=active,
            place=place,
        )
        _add_sites(tables, rng, organisation, places)
        organisations.append(organisation)
    return organisations


def _add_sites(
    tables: Tables, rng: random.Random, organisation: Organisation, places: PlaceSampler
) -> None:
    headcount = organisation.headcount
    if headcount >= 5_000:
        extra = rng.randint(3, 8)
    elif headcount >= 1_000:
        extra = rng.randint(1, 4)
    elif headcount >= 250:
        extra = 1 if rng.random() < 0.4 else 0
    else:
        extra = 0
    site_places = [organisation.place]
    for _ in range(extra):
        place = places.draw_near(rng, organisation.place, 60)
        if place not in site_places:
            site_places.append(place)
    for number, place in enumerate(site_places):
        latitude, longitude = places.point_in(rng, place)
        main = number == 0
        site_id = tables.add(
            "site",
            {
                "organisation_id": organisation.id,
                "name": "Hoofdlocatie" if main else f"Locatie {place.name}",
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
                "postcode": postcode(rng, place.province),
                "municipality": place.name,
                "latitude": latitude,
                "longitude": longitude,
                "is_main": main,
            },
        )
        organisation.sites.append(Site(site_id, organisation.id, place, latitude, longitude, main))
        if main:
            organisation.latitude, organisation.longitude = latitude, longitude


def _need_row(
    need: Need, *, title: str, urgency: str, requested_by: int | None
) -> dict[str, object]:
    return {
        "organisation_id": need.organisation.id,
        "kind": need.kind,
        "title": title,
        "description": None,
        "scopes": sorted(need.scopes, reverse=True),  # unwanted_behaviour first
        "languages": sorted(need.languages),
        "starts_on": iso(need.starts_on),
        "ends_on": iso(need.ends_on),
        "expected_hours_per_month": need.hours,
        "seats": need.seats,
        "urgency": urgency,
        "requires_gender_mix": need.requires_gender_mix,
        "max_travel_km": need.max_travel_km,
        "site_id": need.site.id if need.site is not None else None,
        "status": need.status,
        "requested_by_user_id": requested_by,
        "decision_reason": None,
    }


def add_needs(
    tables: Tables,
    rng: random.Random,
    organisations: list[Organisation],
    today: date,
    rules: RuleDefaults,
) -> list[Need]:
    """Standing needs for most organisations, and short-term needs around ``today``.

    A standing need asks 2 VPs at or above the headcount threshold, hours by the sizing
    rule, integrity too from 50 employees (the whistleblower act's threshold). Short-term
    needs (absence cover, reorganisation, aftercare) start from three weeks ago to six weeks
    ahead; some are still requests, a few were declined or cancelled, and some from the
    past year are closed.
    """
    needs: list[Need] = []

    def add(need: Need, *, title: str, urgency: str, requested_by: int | None = None) -> None:
        row = _need_row(need, title=title, urgency=urgency, requested_by=requested_by)
        if need.status == "declined":
            row["decision_reason"] = rng.choice(DECLINED_REASONS)
        need.id = tables.add(
            "need",
            {**row, "created_at": tables.stamp, "updated_at": tables.stamp},
        )
        needs.append(need)

    sizing = rules.hours_sizing
    for org in organisations:
        if org.active and rng.random() >= 0.92:
            continue  # a client for short-term work only
        extra = [code for code in org.languages if code not in ("nl", "en")]
        languages = frozenset(extra[:1]) if extra and rng.random() < 0.4 else frozenset()
        if "en" in org.languages and rng.random() < 0.15:
            languages |= {"en"}
        scopes = {"unwanted_behaviour"}
        if org.headcount >= 50 or rng.random() < 0.2:
            scopes.add("integrity")
        seats = 2 if org.headcount >= rules.two_vp_headcount_threshold else 1
        if not org.active:
            starts = today - timedelta(days=rng.randint(800, 3_000))
            ends: date | None = today - timedelta(days=rng.randint(30, 700))
            status = "closed"
        elif rng.random() < 0.1:  # a new client, starting soon
            starts, ends, status = today + timedelta(days=rng.randint(0, 60)), None, "open"
        else:
            starts, ends, status = today - timedelta(days=rng.randint(30, 6 * 365)), None, "open"
        add(
            Need(
                id=0,
                organisation=org,
                kind="standing",
                status=status,
                scopes=frozenset(scopes),
                languages=languages,
                starts_on=starts,
                ends_on=ends,
                hours=sizing.hours_for(org.headcount),
                seats=seats,
                requires_gender_mix=org.requires_gender_mix and seats >= 2,
                max_travel_km=None,
                site=None,
            ),
            title="Externe vertrouwenspersoon",
            urgency="normal",
        )

    active = [org for org in organisations if org.active]
    if not active:
        return needs
    cumulative = list(itertools.accumulate(math.sqrt(org.headcount) for org in active))
    current = max(3, round(0.08 * len(organisations)))
    past = max(2, round(0.03 * len(organisations)))
    timings = ["current"] * current + ["past"] * past
    for index, timing in enumerate(timings):
        org = rng.choices(active, cum_weights=cumulative)[0]
        kind = rng.choices(tuple(SHORT_TERM), weights=(50, 25, 25))[0]
        large = org.headcount >= rules.two_vp_headcount_threshold
        if kind == "absence_cover":
            weeks, hours = rng.randint(4, 16), sizing.hours_for(org.headcount)
            urgency, seats = rng.choice(("normal", "high")), 1
        elif kind == "reorganisation":
            weeks, hours = rng.randint(12, 40), float(rng.randint(4, 16))
            urgency = rng.choice(("low", "normal"))
            seats = 2 if large and rng.random() < 0.5 else 1
        else:
            weeks, hours = rng.randint(2, 8), float(rng.randint(6, 20))
            urgency = "critical" if index < 2 or rng.random() < 0.25 else "high"
            seats = 2 if rng.random() < 0.3 else 1
        if timing == "past":
            starts = today - timedelta(days=rng.randint(60, 400))
            ends = min(starts + timedelta(weeks=weeks), today - timedelta(days=1))
            status = "closed"
        else:
            roll = rng.random()
            requested = 0.4 if org.client_user_id is not None else 0.1
            status = (
                "requested"
                if roll < requested
                else "declined"
                if roll < requested + 0.03
                else "cancelled"
                if roll < requested + 0.05
                else "open"
            )
            # A request waits for a planner, so it starts ahead; accepted needs may be running.
            earliest = 3 if status == "requested" else -21
            starts = today + timedelta(days=rng.randint(earliest, 45))
            ends = starts + timedelta(weeks=weeks)
            if ends <= today:
                status = "closed"
        extra = [code for code in org.languages if code not in ("nl", "en")]
        add(
            Need(
                id=0,
                organisation=org,
                kind=kind,
                status=status,
                scopes=frozenset(
                    ("unwanted_behaviour", "integrity")
                    if kind == "reorganisation" and rng.random() < 0.5
                    else ("unwanted_behaviour",)
                ),
                languages=frozenset(extra[:1]) if extra and rng.random() < 0.5 else frozenset(),
                starts_on=starts,
                ends_on=ends,
                hours=hours,
                seats=seats,
                requires_gender_mix=org.requires_gender_mix and seats >= 2,
                max_travel_km=40.0 if kind == "aftercare" and rng.random() < 0.3 else None,
                site=rng.choice(org.sites[1:])
                if len(org.sites) > 1 and rng.random() < 0.5
                else None,
            ),
            title=SHORT_TERM[kind],
            urgency=urgency,
            requested_by=org.client_user_id
            if status in ("requested", "declined") or rng.random() < 0.5
            else None,
        )
    return needs
