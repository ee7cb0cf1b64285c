"""Professional compliance rules: certification and permanent education (pure)."""

from __future__ import annotations

from vppool.compliance._rules import (
    CATEGORIES,
    CertificationState,
    CertificationStatus,
    ComplianceRules,
    EducationHours,
    EducationState,
    EducationStatus,
    certification_state,
    education_state,
    policy_exclusion,
)

__all__ = [
    "CATEGORIES",
    "CertificationState",
    "CertificationStatus",
    "ComplianceRules",
    "EducationHours",
    "EducationState",
    "EducationStatus",
    "certification_state",
    "education_state",
    "policy_exclusion",
]
