from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from vppool.settings import HoursSizingRule, Settings

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_follow_the_professional_rules() -> None:
    rules = Settings().rules()
    assert rules.certification_years == 4
    assert rules.renewal_window_days == 365
    assert (
        rules.education_min_total_hours,
        rules.education_min_accredited_hours,
        rules.education_min_intervision_hours,
        rules.education_min_other_hours,
    ) == (72, 24, 32, 16)
    assert (rules.intervision_group_min, rules.intervision_group_max) == (4, 6)


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VPPOOL_CERTIFICATION_YEARS", "5")
    monkeypatch.setenv("VPPOOL_TIMEZONE", "Europe/Brussels")
    monkeypatch.setenv("VPPOOL_DATABASE_URL", "")  # empty counts as unset
    settings = Settings()
    assert settings.certification_years == 5
    assert settings.zone.key == "Europe/Brussels"
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("vppool.sqlite3")


def test_unknown_time_zone_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone 'Mars/Olympus'"):
        Settings(timezone="Mars/Olympus")


def test_group_size_range_must_be_consistent() -> None:
    with pytest.raises(ValidationError, match="intervision_group_min must not exceed"):
        Settings(intervision_group_min=7, intervision_group_max=5)


@pytest.mark.parametrize(
    ("headcount", "hours"),
    [(5, 1.0), (250, 2.25), (1000, 6.0), (20_000, 40.0)],
)
def test_hours_sizing_rule_scales_with_headcount_within_bounds(
    headcount: int, hours: float
) -> None:
    rule = HoursSizingRule(base_hours=1, per_100_employees=0.5, minimum=1, maximum=40)
    assert rule.hours_for(headcount) == hours


def test_readme_documents_every_setting_with_its_default() -> None:
    text = README.read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        variable = f"`VPPOOL_{name.upper()}`"
        assert variable in text, f"README does not document {variable}"
        line = next(line for line in text.splitlines() if line.startswith(f"| {variable}"))
        value = field.get_default(call_default_factory=True)
        default = "empty" if value in (None, []) else str(value)
        assert f"`{default}`" in line, f"README gives a wrong default for {variable}"
