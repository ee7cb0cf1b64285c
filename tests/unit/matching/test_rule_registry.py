"""Every registered rule has its own test module, named after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vppool.matching import HARD_RULES, PAIR_RULES, RULES, SOFT_RULES

pytestmark = pytest.mark.unit

HERE = Path(__file__).parent


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_has_a_test_module_named_after_it(rule: object) -> None:
    name = rule.name  # type: ignore[attr-defined]
    module = HERE / f"test_{name}.py"
    assert module.exists(), f"rule {name!r} has no tests/unit/matching/test_{name}.py"
    assert "def test_" in module.read_text(encoding="utf-8")


def test_rule_names_are_unique_and_pair_rules_are_hard() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    hard = {rule.name for rule in HARD_RULES}
    assert {name for name, _ in PAIR_RULES} <= hard
    assert all(rule.kind == "soft" for rule in SOFT_RULES)


def test_every_hard_rule_says_how_it_excluded_a_vp() -> None:
    # Explanations of empty seats read "3 by language, 1 already on another seat ...":
    # a rule without words would leave a bare count in the planner's sentence.
    assert [rule.name for rule in HARD_RULES if not rule.excluded_as.strip()] == []


def test_every_hard_rule_carries_its_code_once() -> None:
    # A pair check or a model constraint, never both; kept assignments hold by construction.
    for rule in HARD_RULES:
        code = [c for c in (rule.check, rule.constrain) if c is not None]
        expected = 0 if rule.name == "fixed_assignments_kept" else 1
        assert len(code) == expected, rule.name
    assert [name for name, _ in PAIR_RULES] == [r.name for r in HARD_RULES if r.check]


def test_soft_pair_terms_come_from_the_registry() -> None:
    from tests.unit.matching.builders import instance, need, vp
    from vppool.matching._context import Context

    ctx = Context(instance([vp(1)], [need(1)]))
    terms = ctx.pair_costs(ctx.needs[1], ctx.vps[1])
    assert set(terms) == {rule.name for rule in SOFT_RULES if rule.pair_cost is not None}
