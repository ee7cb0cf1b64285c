"""The packaged table of Dutch places (GeoNames) is read from the installed package."""

from __future__ import annotations

from importlib import resources

import pytest

from vppool.synthetic import load_places
from vppool.vocab import NL_LATITUDE_RANGE, NL_LONGITUDE_RANGE

pytestmark = pytest.mark.unit

PROVINCES = {
    "Drenthe", "Flevoland", "Friesland", "Gelderland", "Groningen", "Limburg", "Noord-Brabant",
    "Noord-Holland", "Overijssel", "Utrecht", "Zeeland", "Zuid-Holland",
}  # fmt: skip


def test_csv_ships_in_the_package_with_its_source_named() -> None:
    text = (resources.files("vppool.synthetic") / "data" / "places.csv").read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("GeoNames" in line and "CC BY 4.0" in line for line in header)
    assert any("scripts/make_places.py" in line for line in header)


def test_places_are_dutch_towns_of_at_least_15000_in_every_province() -> None:
    places = load_places()
    assert 200 <= len(places) <= 250
    assert {p.province for p in places} == PROVINCES
    assert all(p.population >= 15_000 for p in places)
    assert all(NL_LATITUDE_RANGE[0] <= p.latitude <= NL_LATITUDE_RANGE[1] for p in places)
    assert all(NL_LONGITUDE_RANGE[0] <= p.longitude <= NL_LONGITUDE_RANGE[1] for p in places)
    assert [p.population for p in places] == sorted((p.population for p in places), reverse=True)
    names = [p.name for p in places]
    assert len(set(names)) == len(names)


def test_places_use_dutch_names_and_leave_out_city_neighbourhoods() -> None:
    by_name = {p.name: p for p in load_places()}
    assert {"Den Haag", "Almere", "'s-Hertogenbosch", "Hoofddorp"} <= set(by_name)
    assert not {"The Hague", "Almere Stad", "Scheveningen", "Amsterdam-Zuidoost"} & set(by_name)
    assert by_name["Amsterdam"].province == "Noord-Holland"
    assert abs(by_name["Utrecht"].latitude - 52.09) < 0.05
    assert abs(by_name["Utrecht"].longitude - 5.12) < 0.05
