"""The matcher's words (violations, exclusions) reach a Dutch page in Dutch, with their numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.unit.matching.builders import GRONINGEN, instance, need, vp
from vppool.errors import Conflict
from vppool.matching import (
    HARD_RULES,
    MESSAGE_IDS,
    PARAM_KINDS,
    Findings,
    Period,
    Plan,
    SeatRef,
    Words,
    excluded_from,
    validate,
)
from vppool.matching._rules import BY_POLICY
from vppool.web._catalogue import DUTCH
from vppool.web._filters import label
from vppool.web._messages import localise_error, localise_words

pytestmark = pytest.mark.unit

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_message_id_of_the_matcher_has_dutch_words_with_the_same_values() -> None:
    assert len(MESSAGE_IDS) >= 20  # the validator's and the explanation's, all imported
    missing = sorted(text for text in MESSAGE_IDS if text not in DUTCH)
    assert not missing, f"add these to web/catalogue/nl/matching.json: {missing}"
    for text in MESSAGE_IDS:
        assert set(_PLACEHOLDER.findall(DUTCH[text])) == set(_PLACEHOLDER.findall(text)), text


def test_every_value_in_the_matcher_s_words_has_a_kind() -> None:
    names = {name for text in MESSAGE_IDS for name in _PLACEHOLDER.findall(text)}
    assert names <= set(PARAM_KINDS), names - set(PARAM_KINDS)


def test_every_hard_rule_has_a_dutch_name() -> None:
    for rule in HARD_RULES:
        assert label(rule.name, "en") in DUTCH, rule.name


def test_a_validator_violation_reads_in_dutch_with_its_numbers_and_in_english_for_the_api() -> None:
    problem = instance(
        [
            vp(1, home=GRONINGEN, max_travel_km=40),
            vp(2, languages=frozenset({"nl"})),
            vp(3, capacity_hours_per_month=24),
        ],
        [
            need(1),
            need(2, languages=frozenset({"nl", "tr"})),
            need(3, hours_per_month=24.25, period=Period(date(2027, 1, 1), None)),
        ],
    )
    found = {}
    for v in validate(problem, Plan({SeatRef(1, 1): 1, SeatRef(2, 1): 2, SeatRef(3, 1): 3})):
        found.setdefault(v.rule, v)  # capacity: the first month over
    far, tongue, hours = found["travel_distance"], found["language"], found["capacity_hours"]
    assert far.detail == "159 km away (limit 40 km)"
    assert localise_words(far.words, "nl") == "159 km ver weg (grens 40 km)"
    assert tongue.detail == "does not speak tr"
    assert localise_words(tongue.words, "nl") == "spreekt geen Turks"
    assert hours.detail == "24.25 h in January 2027, capacity 24 h"
    assert localise_words(hours.words, "nl") == "24,25 uur in januari 2027, capaciteit 24 uur"
    # The JSON form (stored, sent by the API) reads the same.
    assert localise_words(hours.as_dict(), "nl") == localise_words(hours.words, "nl")
    assert hours.as_dict()["detail"] == hours.detail


def test_a_refused_confirmation_names_each_rule_in_the_page_s_language() -> None:
    problem = instance([vp(1, certification_expires_on=None)], [need(1)])
    violations = tuple(validate(problem, Plan({SeatRef(1, 1): 1})))
    error = Conflict(
        "Confirming now would break hard rules ({details}). Start a new matching run.",
        details=Findings(violations),
    )
    assert "certification_valid: no LVV certificate" in error.message
    assert localise_error(error, "nl") == (
        "Nu bevestigen zou harde regels breken (Certificaat niet geldig: geen LVV-certificaat). "
        "Start een nieuwe matchingrun."
    )


def test_an_excluded_vp_reads_in_dutch() -> None:
    problem = instance([vp(1, capacity_hours_per_month=5), vp(2)], [need(1), need(2)])
    plan = Plan({SeatRef(1, 1): 1})
    listed = {e.trust_person_id: e for e in excluded_from(problem, plan, 2)}
    assert listed[1].rule == "capacity_hours"
    assert localise_words(listed[1].words, "nl") == (
        "4 van 5 uur bezet in december 2026; deze inzet vraagt 4 uur"
    )
    assert localise_words(listed[2].words, "nl") == "geschikt en vrij"


def _policy_reasons() -> list[str]:
    """Every form of reason the compliance policy gives, from the policy itself."""
    from vppool.compliance import (
        ComplianceRules,
        EducationHours,
        certification_state,
        education_state,
        policy_exclusion,
    )

    rules = ComplianceRules(shortfall_blocks=True)
    start, end, today = date(2024, 2, 29), date(2028, 2, 29), date(2026, 3, 1)
    valid = certification_state(end, today, rules)
    records = [
        EducationHours("accredited_course", 24, date(2025, 3, 1)),
        EducationHours("intervision", 29.5, date(2026, 3, 1)),
        EducationHours("other", 16, date(2027, 3, 1)),
    ]
    reasons = [
        policy_exclusion(certification_state(date(2026, 1, 1), today, rules), None, rules),
        policy_exclusion(certification_state(None, today, rules), None, rules),
        policy_exclusion(valid, education_state([], start, end, today, rules), rules),
        policy_exclusion(valid, education_state(records, start, end, end, rules), rules),
    ]
    return [reason for reason in reasons if reason is not None]


def test_a_compliance_policy_exclusion_reads_wholly_in_dutch_on_a_dutch_page() -> None:
    reasons = _policy_reasons()
    assert len(reasons) == 4
    said = {}
    for reason in reasons:
        (violation,) = validate(
            instance([vp(1, excluded_reason=reason)], [need(1)]), Plan({SeatRef(1, 1): 1})
        )
        (excluded,) = excluded_from(
            instance([vp(1, excluded_reason=reason)], [need(1)]), Plan({}), 1
        )
        assert localise_words(excluded.words, "nl") == localise_words(violation.words, "nl")
        said[reason] = localise_words(violation.words, "nl")
    assert list(said.values()) == [
        "uitgesloten door het certificerings- en nascholingsbeleid: certificaat verlopen",
        "uitgesloten door het certificerings- en nascholingsbeleid: geen certificaat",
        "uitgesloten door het certificerings- en nascholingsbeleid: nascholing (risico): "
        "tekort van 24 uur geaccrediteerde cursus, 32 uur intervisie, 16 uur overig",
        "uitgesloten door het certificerings- en nascholingsbeleid: nascholing (niet op orde): "
        "tekort van 2,5 uur intervisie",
    ]
    english = [localise_words(Words(BY_POLICY, {"reason": r}), "en") for r in reasons]
    assert english[3] == "compliance policy: education (non compliant): short of 2.5 h intervision"


def test_a_policy_reason_in_another_form_is_shown_as_it_is() -> None:
    words = Words(BY_POLICY, {"reason": "blocked by the board"})
    assert localise_words(words, "nl").endswith(": blocked by the board")
