"""The generator is pure: standard library and the shared vocabulary, no database access."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "vppool" / "synthetic"
ALLOWED = {"vppool.vocab", "vppool.dataset", "vppool.settings"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_synthetic_imports_only_the_standard_library_and_the_shared_vocabulary() -> None:
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for path in sorted(PACKAGE.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            allowed = top in stdlib or name in ALLOWED or name.startswith("vppool.synthetic")
            assert allowed, f"{path.name} imports {name}"
