"""The synthetic generator: deterministic, valid, realistic, and its plan keeps the rules."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from vppool.dataset import TABLE_MODELS, Dataset, validate_dataset
from vppool.synthetic import SIZES, generate, load_places

pytestmark = pytest.mark.unit

TODAY = date(2026, 11, 23)
#: Tables the generator leaves empty on purpose: they fill up by using vppool.
EMPTY = {"matching_run", "api_token", "feed_token", "audit_entry", "notification",
         "calendar_source", "busy_interval"}  # fmt: skip


@pytest.fixture(scope="module", name="small")
def fx_small() -> Dataset:
    return generate("S", 1, today=TODAY)


@pytest.fixture(scope="module", name="medium")
def fx_medium() -> Dataset:
    return generate("M", 7, today=TODAY)


def test_same_seed_and_date_give_the_same_bytes_and_another_seed_differs(small: Dataset) -> None:
    assert generate("S", 1, today=TODAY).to_json() == small.to_json()
    assert generate("S", 2, today=TODAY).to_json() != small.to_json()


def test_presets_have_their_exact_sizes(small: Dataset, medium: Dataset) -> None:
    assert SIZES["XL"].trust_persons == 2_000
    assert SIZES["XL"].organisations == 15_000
    for dataset, size in ((small, "S"), (medium, "M")):
        counts = dataset.counts()
        assert counts["trust_person"] == SIZES[size].trust_persons
        assert counts["organisation"] == SIZES[size].organisations


def test_datasets_pass_validation_and_fill_every_table_but_the_usage_ones(
    small: Dataset, medium: Dataset
) -> None:
    for dataset in (small, medium):
        validate_dataset(dataset)
        filled = {name for name, count in dataset.counts().items() if count}
        assert filled == set(TABLE_MODELS) - EMPTY


def test_headcounts_are_heavy_tailed_between_5_and_20000(medium: Dataset) -> None:
    headcounts = [o["headcount"] for o in medium.tables["organisation"]]
    assert min(headcounts) >= 5
    assert max(headcounts) <= 20_000
    assert statistics.median(headcounts) < 150
    assert max(headcounts) > 20 * statistics.median(headcounts)


def test_certificates_span_expired_expiring_soon_and_valid(medium: Dataset) -> None:
    current: dict[int, date] = {}
    for cert in medium.tables["certification"]:
        expires = date.fromisoformat(cert["expires_on"])
        current[cert["trust_person_id"]] = max(
            current.get(cert["trust_person_id"], expires), expires
        )
    expired = sum(1 for d in current.values() if d <= TODAY)
    soon = sum(1 for d in current.values() if TODAY < d <= TODAY + timedelta(days=90))
    valid = sum(1 for d in current.values() if d > TODAY + timedelta(days=365))
    assert expired >= 1
    assert soon >= 3
    assert valid > len(current) / 2


def test_languages_and_genders_reflect_a_diverse_pool(medium: Dataset) -> None:
    languages = Counter(code for p in medium.tables["trust_person"] for code in p["languages"])
    assert languages["nl"] == 120
    assert len(set(languages) - {"nl", "en"}) >= 5
    genders = Counter(p["gender"] for p in medium.tables["trust_person"])
    assert genders["female"] > genders["male"] > 0


def test_places_table_holds_real_dutch_places() -> None:
    places = {p.name: p for p in load_places()}
    assert len(places) >= 100
    assert abs(places["Utrecht"].latitude - 52.09) < 0.05
    assert places["Amsterdam"].province == "Noord-Holland"


def test_existing_plan_keeps_the_hard_rules(medium: Dataset) -> None:
    tables = medium.tables
    people = {p["id"]: p for p in tables["trust_person"]}
    needs = {n["id"]: n for n in tables["need"]}
    conflicts = {
        (c["trust_person_id"], c["organisation_id"]) for c in tables["conflict_of_interest"]
    }
    hours: dict[int, float] = defaultdict(float)
    clients: Counter[int] = Counter()
    teams: dict[int, list[int]] = defaultdict(list)
    for assignment in tables["assignment"]:
        vp = people[assignment["trust_person_id"]]
        need = needs[assignment["need_id"]]
        assert set(need["scopes"]) <= set(vp["scopes"])
        assert set(need["languages"]) <= set(vp["languages"])
        assert (vp["id"], need["organisation_id"]) not in conflicts
        assert assignment["seat"] <= need["seats"]
        hours[vp["id"]] += need["expected_hours_per_month"]
        clients[vp["id"]] += 1
        teams[need["id"]].append(vp["id"])
    for vp_id, used in hours.items():
        assert used <= people[vp_id]["capacity_hours_per_month"]
        assert clients[vp_id] <= people[vp_id]["capacity_standing_clients"]
    for need_id, team in teams.items():
        assert len(team) == len(set(team))
        if needs[need_id]["requires_gender_mix"] and len(team) > 1:
            assert len({people[v]["gender"] for v in team} - {None}) >= 2
    standing_seats = sum(n["seats"] for n in tables["need"] if n["kind"] == "standing")
    assert 0.2 * standing_seats < len(tables["assignment"]) < 0.9 * standing_seats


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size 'XXL'"):
        generate("XXL", 1, today=TODAY)
