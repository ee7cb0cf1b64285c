from __future__ import annotations

from datetime import date

import pytest

from vppool.compliance import CertificationStatus, ComplianceRules, certification_state

pytestmark = pytest.mark.unit

RULES = ComplianceRules()
EXPIRES = date(2027, 6, 1)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 5, 31), CertificationStatus.VALID),  # 366 days left
        (date(2026, 6, 1), CertificationStatus.RENEWAL_WINDOW_OPEN),  # exactly one year
        (date(2027, 3, 3), CertificationStatus.EXPIRING_SOON),  # 90 days left
        (date(2027, 3, 2), CertificationStatus.RENEWAL_WINDOW_OPEN),  # 91 days left
        (date(2027, 5, 31), CertificationStatus.EXPIRING_SOON),  # last valid day
        (date(2027, 6, 1), CertificationStatus.EXPIRED),  # the expiry day itself
    ],
)
def test_state_boundaries(today: date, status: CertificationStatus) -> None:
    assert certification_state(EXPIRES, today, RULES).status is status


def test_renewal_window_opens_a_year_before_expiry() -> None:
    state = certification_state(EXPIRES, date(2026, 1, 1), RULES)
    assert state.renewal_opens_on == date(2026, 6, 1)
    assert state.days_left == 516


def test_missing_certificate() -> None:
    assert certification_state(None, date(2026, 1, 1), RULES).status is CertificationStatus.MISSING
