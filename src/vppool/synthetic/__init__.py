"""Realistic, deterministic synthetic data (pure: no database), in the dataset format.

``generate("M", seed=1, today=date(2026, 11, 23))`` gives the same dataset every time; the
demo, the tests and the benchmarks all use it.
"""

from __future__ import annotations

from vppool.synthetic._generate import SIZES, SizePreset, generate
from vppool.synthetic._places import Place, load_places

__all__ = ["SIZES", "Place", "SizePreset", "generate", "load_places"]
