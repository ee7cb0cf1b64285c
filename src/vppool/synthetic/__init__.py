"""Realistic, deterministic synthetic data (pure: no database), in the dataset format.

``generate("M", seed=1, today=date(2026, 11, 23))`` gives the same dataset every time; the
demo, the tests and the benchmarks all use it. Places come from GeoNames (CC BY 4.0), see
``data/places.csv`` and ``scripts/make_places.py``.
"""

from __future__ import annotations

from vppool.synthetic._generate import EMPTY_TABLES, SIZES, Progress, SizePreset, generate
from vppool.synthetic._places import Place, load_places

__all__ = ["EMPTY_TABLES", "SIZES", "Place", "Progress", "SizePreset", "generate", "load_places"]
