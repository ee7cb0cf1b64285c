"""The same size, seed and date give the same bytes; anything else gives other data."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from vppool.dataset import Dataset
from vppool.synthetic import generate

pytestmark = pytest.mark.unit


def test_same_size_seed_and_date_give_identical_json(small: Dataset, today: date) -> None:
    assert generate("S", 1, today=today).to_json() == small.to_json()


def test_another_seed_gives_another_dataset(small: Dataset, today: date) -> None:
    assert generate("S", 2, today=today).to_json() != small.to_json()


def test_created_at_is_derived_from_the_reference_date(small: Dataset, today: date) -> None:
    assert small.meta.created_at.startswith(today.isoformat())
    assert small.meta.reference_date == today.isoformat()
    assert (small.meta.source, small.meta.size, small.meta.seed) == ("synthetic", "S", 1)
    assert {row["created_at"] for row in small.tables["trust_person"]} == {small.meta.created_at}


def test_another_date_moves_the_data_along(small: Dataset, today: date) -> None:
    later = today + timedelta(days=30)
    dataset = generate("S", 1, today=later)
    assert dataset.to_json() != small.to_json()
    assert dataset.meta.reference_date == later.isoformat()


def test_output_does_not_depend_on_the_string_hash_seed(small: Dataset, today: date) -> None:
    script = (
        "import hashlib, sys; from datetime import date; from vppool.synthetic import generate; "
        "sys.stdout.write(hashlib.sha256("
        "generate('S', 1, today=date.fromisoformat(sys.argv[1])).to_json().encode()"
        ").hexdigest())"
    )
    expected = hashlib.sha256(small.to_json().encode()).hexdigest()
    for hash_seed in ("0", "12345"):
        done = subprocess.run(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-c", script, today.isoformat()],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert done.stdout == expected
