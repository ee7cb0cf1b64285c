"""The pure packages import nothing from storage, HTTP or the scheduler (CONVENTIONS.md §1)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

SRC = Path(__file__).resolve().parents[2] / "src" / "vppool"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

#: What each pure package may import besides the standard library and itself.
ALLOWED: dict[str, set[str]] = {
    "matching": {"ortools"},
    "calendar": {
        "icalendar",
        "recurring_ical_events",
        "x_wr_timezone",
        "holidays",
        "dateutil",
        "vppool.errors",
        "vppool.vocab",
    },
    "compliance": {"vppool.vocab"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _allowed(name: str, package: str) -> bool:
    top = name.split(".", maxsplit=1)[0]
    if top in STDLIB or name == f"vppool.{package}" or name.startswith(f"vppool.{package}."):
        return True
    return any(name == a or name.startswith(a + ".") or top == a for a in ALLOWED[package])


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_pure_package_imports_only_what_it_may(package: str) -> None:
    folder = SRC / package
    if not folder.exists():
        pytest.skip(f"vppool.{package} does not exist yet")
    offenders = {
        f"{path.relative_to(SRC)}: {name}"
        for path in folder.rglob("*.py")
        for name in _imports(path)
        if not _allowed(name, package)
    }
    assert not offenders, f"vppool.{package} must stay pure: {sorted(offenders)}"
