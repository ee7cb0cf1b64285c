"""Generated datasets pass the dataset validator and fill every table but the usage ones."""

from __future__ import annotations

from datetime import date

import pytest

from vppool.dataset import TABLE_MODELS, Dataset, validate_dataset
from vppool.settings import Settings
from vppool.synthetic import EMPTY_TABLES, SIZES, generate

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("size", ["small", "medium"])
def test_dataset_passes_validate_dataset(size: str, request: pytest.FixtureRequest) -> None:
    dataset: Dataset = request.getfixturevalue(size)
    objects = validate_dataset(dataset)
    assert sum(len(rows) for rows in objects.values()) == sum(dataset.counts().values())


@pytest.mark.parametrize("size", ["small", "medium"])
def test_every_table_is_filled_or_deliberately_empty(
    size: str, request: pytest.FixtureRequest
) -> None:
    dataset: Dataset = request.getfixturevalue(size)
    assert set(dataset.tables) == set(TABLE_MODELS)
    filled = {name for name, rows in dataset.tables.items() if rows}
    assert filled == set(TABLE_MODELS) - EMPTY_TABLES
    assert set(TABLE_MODELS) >= EMPTY_TABLES


def test_ids_count_from_one_per_table(medium: Dataset) -> None:
    for name, rows in medium.tables.items():
        assert [row["id"] for row in rows] == list(range(1, len(rows) + 1)), name


def test_presets_have_their_exact_sizes(small: Dataset, medium: Dataset) -> None:
    sizes = {
        name: (p.trust_persons, p.organisations, p.stress_trust_persons)
        for name, p in SIZES.items()
    }
    assert sizes == {
        "S": (25, 150, 15),
        "M": (180, 1_200, 100),
        "L": (600, 4_000, 330),
        "XL": (2_250, 15_000, 1_250),
    }
    for dataset, size in ((small, "S"), (medium, "M")):
        assert len(dataset.tables["trust_person"]) == SIZES[size].trust_persons
        assert len(dataset.tables["organisation"]) == SIZES[size].organisations


def test_settings_decide_seats_hours_and_certificate_length(today: date) -> None:
    settings = Settings(two_vp_headcount_threshold=100, hours_base=2.0, certification_years=3)
    dataset = generate("S", 1, today=today, settings=settings)
    rules = settings.rules()
    headcount = {o["id"]: o["headcount"] for o in dataset.tables["organisation"]}
    for need in dataset.tables["need"]:
        if need["kind"] == "standing":
            size = headcount[need["organisation_id"]]
            assert need["seats"] == (2 if size >= 100 else 1)
            assert need["expected_hours_per_month"] == rules.hours_sizing.hours_for(size)
    for cert in dataset.tables["certification"]:
        issued, expires = (
            date.fromisoformat(cert["issued_on"]),
            date.fromisoformat(cert["expires_on"]),
        )
        assert expires.year - issued.year == 3


def test_unknown_size_is_refused_with_the_known_ones(today: date) -> None:
    with pytest.raises(ValueError, match="unknown size 'XXL'; use one of S, M, L, XL"):
        generate("XXL", 1, today=today)


def test_progress_reports_each_step_from_start_to_end(today: date) -> None:
    calls: list[tuple[str, int, int]] = []
    generate(
        "S", 1, today=today, progress=lambda step, done, total: calls.append((step, done, total))
    )
    steps = list(dict.fromkeys(step for step, _, _ in calls))
    assert steps == ["trust persons", "organisations", "existing plan", "intervision"]
    for step in steps:
        reported = [(done, total) for name, done, total in calls if name == step]
        assert reported[0][0] == 0
        assert reported[-1][0] == reported[-1][1]


@pytest.mark.parametrize(
    "reference", [date(2024, 2, 29), date(2026, 12, 31), date(2027, 1, 1), date(2030, 6, 15)]
)
def test_datasets_for_awkward_dates_pass_validation(reference: date) -> None:
    dataset = generate("S", 3, today=reference)
    validate_dataset(dataset)
    assert all(
        date.fromisoformat(cert["issued_on"]) <= reference
        for cert in dataset.tables["certification"]
    )


def test_unusual_rule_settings_still_give_a_valid_dataset(today: date) -> None:
    settings = Settings(
        certification_years=1,
        renewal_window_days=400,
        intervision_group_min=2,
        intervision_group_max=3,
        matching_horizon_months=12,
    )
    dataset = generate("S", 1, today=today, settings=settings)
    validate_dataset(dataset)
    groups: dict[int, int] = {}
    for member in dataset.tables["intervision_member"]:
        groups[member["group_id"]] = groups.get(member["group_id"], 0) + 1
    assert groups
    assert all(2 <= size <= 3 for size in groups.values())


def test_the_stress_variant_keeps_the_clients_with_fewer_vps(small: Dataset, today: date) -> None:
    stress = generate("S", 1, today=today, stress=True)
    assert stress.meta.size == "S-stress"
    assert len(stress.tables["trust_person"]) == SIZES["S"].stress_trust_persons
    assert stress.tables["organisation"] == small.tables["organisation"]
    assert stress.tables["need"] == small.tables["need"]
