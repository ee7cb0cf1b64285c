"""Datasets shared by the generator tests (S and M only; XL belongs to the benchmark)."""

from __future__ import annotations

from datetime import date

import pytest

from vppool.dataset import Dataset
from vppool.synthetic import generate

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session", name="today")
def fx_today() -> date:
    """The reference date the shared datasets were generated for."""
    return TODAY


@pytest.fixture(scope="session", name="small")
def fx_small() -> Dataset:
    """The S preset, seed 1."""
    return generate("S", 1, today=TODAY)


@pytest.fixture(scope="session", name="medium")
def fx_medium() -> Dataset:
    """The M preset, seed 7."""
    return generate("M", 7, today=TODAY)
