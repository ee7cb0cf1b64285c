"""The validator is written apart from the model: it may not import the model's rule code."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

MATCHING = Path(__file__).resolve().parents[3] / "src" / "vppool" / "matching"
#: The input and output types and the input's consistency check; nothing that reads a rule.
ALLOWED = {"vppool.matching._types", "vppool.matching._input"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_the_validator_imports_only_the_types_and_the_standard_library() -> None:
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for name in _imports(MATCHING / "_validate.py"):
        assert name.split(".")[0] in stdlib or name in ALLOWED, f"_validate imports {name}"


def test_the_allowed_modules_read_no_rule_either() -> None:
    # The types and the input check themselves import nothing of the matcher but the types.
    for module in ALLOWED:
        path = MATCHING / f"{module.rsplit('.', 1)[1]}.py"
        inside = {n for n in _imports(path) if n.startswith("vppool")}
        assert inside <= {"vppool.matching._types"}, f"{path.name} imports {inside}"
